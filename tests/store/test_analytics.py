"""Counting for analytics: pages reached, time taken, careless flags, and the daily counts
folded from stored results — checked against the results themselves, on both databases."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import QuizTaker, delete_result, page_options, take_quiz, varied
from sqlalchemy import func, select, update

from quiz.core.careless import SAME_ANSWER, TOO_FAST
from quiz.db import db
from quiz.models import DailyCount, Result
from quiz.store.analytics import (
    ANSWER,
    FINISHED,
    REACHED,
    SECONDS,
    ResultFilter,
    fold_new_results,
    median_of_counts,
    read_analytics,
    results_per_version,
    uncounted_results,
    utc_day,
)

WIDE = ResultFilter(None, datetime(2000, 1, 1).date(), datetime.now(UTC).date())


def stored_results(app: Flask) -> list[Result]:
    with app.app_context():
        results = list(db.session.scalars(select(Result).order_by(Result.id)))
        db.session.expunge_all()
        return results


def counts(app: Flask, measure: str) -> Counter[tuple[str, str]]:
    with app.app_context():
        rows = db.session.execute(
            select(DailyCount.subject, DailyCount.value, func.sum(DailyCount.count))
            .where(DailyCount.measure == measure)
            .group_by(DailyCount.subject, DailyCount.value)
        )
        return Counter({(subject, value): int(n) for subject, value, n in rows if n})


def fold(app: Flask) -> int:
    with app.app_context():
        return fold_new_results()


def test_each_page_counts_once_per_visit_however_often_it_is_shown(
    app: Flask, client: FlaskClient
) -> None:
    taker = QuizTaker(client)
    taker.open(1)
    taker.open(1)
    html = taker.open(1)
    answers = {name: values[0] for name, values in page_options(html).items()}
    assert taker.submit(1, answers).status_code == 302
    taker.open(2)
    taker.open(1)  # back again: not a new page for this visit
    assert counts(app, REACHED) == Counter({("", "1"): 1, ("", "2"): 1})

    QuizTaker(app.test_client()).open(1)  # a second visitor
    assert counts(app, REACHED)[("", "1")] == 2


def test_a_finished_quiz_stores_its_time_and_a_careful_one_is_not_flagged(
    app: Flask, client: FlaskClient
) -> None:
    take_quiz(client, minutes=6)
    (result,) = stored_results(app)
    assert result.seconds_taken is not None and 355 <= result.seconds_taken <= 365
    assert result.careless is None
    html = client.get(f"/r/{result.share_token}").get_data(as_text=True)
    assert "gentle note" not in html


def test_the_same_answer_everywhere_is_flagged_and_the_taker_is_told_gently(
    app: Flask, client: FlaskClient
) -> None:
    taker = take_quiz(client, minutes=6, choose=lambda name, values: values[0])
    (result,) = stored_results(app)
    assert result.careless == SAME_ANSWER
    html = client.get(taker.result_url).get_data(as_text=True)
    assert "A gentle note" in html
    assert "the same kind of answer to every question" in html


def test_finishing_implausibly_fast_is_flagged_with_the_time_it_took(
    app: Flask, client: FlaskClient
) -> None:
    taker = take_quiz(client, minutes=0.5)
    (result,) = stored_results(app)
    assert result.careless == TOO_FAST
    html = client.get(taker.result_url).get_data(as_text=True)
    assert "quicker than the questions can be read" in html
    assert f"finished in {result.seconds_taken} s" in html


def test_folding_counts_every_result_once_exactly_as_stored(app: Flask) -> None:
    for minutes, choose in [(6, varied), (9, varied), (0.2, varied), (7, lambda n, v: v[-1])]:
        take_quiz(app.test_client(), minutes=minutes, choose=choose)
    assert fold(app) == 4
    assert fold(app) == 0  # nothing new: folding again adds nothing

    results = stored_results(app)
    assert counts(app, FINISHED) == Counter(("", r.top_role) for r in results)
    assert counts(app, SECONDS) == Counter(("", str(r.seconds_taken)) for r in results)
    assert counts(app, ANSWER) == Counter(
        (question, option) for r in results for question, option in r.answers.items()
    )

    with app.app_context():
        report = read_analytics(WIDE)
        careful_only = read_analytics(
            ResultFilter(None, WIDE.first_day, WIDE.last_day, include_careless=False)
        )
    assert report.finished == 4
    assert report.careless == sum(1 for r in results if r.careless) == 2
    assert report.per_day[-1] == (datetime.now(UTC).date(), 4)
    assert report.median_seconds == median_of_counts(Counter(r.seconds_taken for r in results))
    assert careful_only.finished == 2
    assert careful_only.top_roles == Counter(r.top_role for r in results if not r.careless)


def test_results_too_new_to_be_settled_wait_for_the_next_fold(app: Flask) -> None:
    app.config["ANALYTICS_SETTLE_SECONDS"] = 120
    take_quiz(app.test_client())
    assert fold(app) == 0
    with app.app_context():
        assert uncounted_results() == 1
        db.session.execute(
            update(Result).values(created_at=datetime.now(UTC) - timedelta(minutes=3))
        )
        db.session.commit()
    assert fold(app) == 1
    with app.app_context():
        assert uncounted_results() == 0


def test_a_fold_can_stop_early_and_the_next_one_goes_on(app: Flask) -> None:
    for _ in range(3):
        take_quiz(app.test_client())
    with app.app_context():
        assert fold_new_results(limit=2) == 2
        assert uncounted_results() == 1
        assert fold_new_results(limit=2) == 1
    assert sum(counts(app, FINISHED).values()) == 3


def test_deleting_a_result_takes_it_out_of_the_counts(app: Flask) -> None:
    counted = take_quiz(app.test_client())
    assert fold(app) == 1
    not_yet_counted = take_quiz(app.test_client())
    delete_result(counted)
    delete_result(not_yet_counted)
    assert fold(app) == 1  # passed over: a deleted result is never counted
    assert sum(counts(app, FINISHED).values()) == 0
    assert sum(counts(app, SECONDS).values()) == 0
    assert sum(counts(app, ANSWER).values()) == 0


def test_folds_running_at_once_never_count_a_result_twice(app: Flask) -> None:
    for _ in range(6):
        take_quiz(app.test_client())
    folded: list[int] = []
    start = threading.Barrier(3)

    def run() -> None:
        with app.app_context():
            start.wait()
            for _ in range(3):
                folded.append(fold_new_results(limit=2))

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(folded) == 6
    assert sum(counts(app, FINISHED).values()) == 6
    assert sum(counts(app, ANSWER).values()) == 6 * len(stored_results(app)[0].answers)


def test_days_are_counted_in_utc_and_filtered_by_day(app: Flask) -> None:
    take_quiz(app.test_client())
    take_quiz(app.test_client())
    ten_days_ago = datetime.now(UTC) - timedelta(days=10)
    with app.app_context():
        first = db.session.scalar(select(Result).order_by(Result.id).limit(1))
        first.created_at = ten_days_ago
        db.session.commit()
    fold(app)
    with app.app_context():
        recent = read_analytics(
            ResultFilter(None, datetime.now(UTC).date() - timedelta(days=2), WIDE.last_day)
        )
        older = read_analytics(ResultFilter(None, utc_day(ten_days_ago), utc_day(ten_days_ago)))
    assert recent.finished == 1 and len(recent.per_day) == 3
    assert older.finished == 1 and older.per_day == [(utc_day(ten_days_ago), 1)]


@pytest.mark.parametrize(
    ("counts", "median"),
    [
        ({}, None),
        ({5: 1}, 5),
        ({1: 1, 2: 1}, 1.5),
        ({1: 1, 2: 1, 9: 1}, 2),
        ({10: 3, 20: 1}, 10),
        ({10: 2, 20: 2}, 15),
        ({30: 0, 40: 1}, 40),
    ],
)
def test_median_of_counts(counts: dict[int, int], median: float | None) -> None:
    assert median_of_counts(counts) == median


def test_median_of_counts_agrees_with_the_median_of_the_values() -> None:
    import random
    import statistics

    rng = random.Random(7)
    for _ in range(200):
        values = [rng.randint(0, 50) for _ in range(rng.randint(1, 40))]
        assert median_of_counts(Counter(values)) == statistics.median(values)


def test_a_batch_of_deleted_results_does_not_stop_the_folding(app: Flask) -> None:
    deleted = [take_quiz(app.test_client()) for _ in range(2)]
    take_quiz(app.test_client())
    for taker in deleted:
        delete_result(taker)
    with app.app_context():
        assert fold_new_results(limit=2) == 2  # both deleted: passed over, not counted
        assert fold_new_results(limit=2) == 1
        assert fold_new_results(limit=2) == 0
    assert sum(counts(app, FINISHED).values()) == 1


def test_results_per_version_counts_the_counted_and_the_newest_alike(app: Flask) -> None:
    take_quiz(app.test_client())
    take_quiz(app.test_client())
    fold(app)
    take_quiz(app.test_client())  # not folded in yet
    gone = take_quiz(app.test_client())
    delete_result(gone)
    with app.app_context():
        version_id = db.session.scalar(select(Result.quiz_version_id).limit(1))
        assert results_per_version() == {version_id: 3}
