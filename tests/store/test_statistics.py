"""The statistics counts keep up with every result and every change to one, so the norms and
the criterion evidence never read the results themselves.

Each test compares the counts with what the results table holds at that moment.
"""

from __future__ import annotations

from collections import Counter

from flask import Flask
from helpers import take_quiz
from sqlalchemy import delete, select
from taker_results import insert_people_results

from quiz.core.norms import norm_table
from quiz.db import db
from quiz.models import Result, VersionNorms
from quiz.store import analytics
from quiz.store.publishing import published_bank
from quiz.store.results import create_result, erase_result
from quiz.store.self_reports import record_work_now, withdraw_work_now
from quiz.store.statistics import criterion_tally, version_norms

VERSION = 1


def roles() -> list[str]:
    return [r.key for r in published_bank(VERSION).roles]


def counted_results() -> list[Result]:
    """Return the results the statistics should count: real, careful, full, undeleted."""
    return list(
        db.session.scalars(
            select(Result)
            .where(
                Result.synthetic.is_(False),
                Result.careless.is_(None),
                Result.mode == "full",
                Result.deleted_at.is_(None),
            )
            .order_by(Result.id)
        )
    )


def fits_of(results: list[Result]) -> dict[str, Counter[int]]:
    fits: dict[str, Counter[int]] = {}
    for result in results:
        for entry in result.outcome["ranking"]:
            fits.setdefault(entry["role"], Counter())[entry["fit"]] += 1
    return fits


def stated_top_roles(results: list[Result]) -> dict[str, dict[str, int]]:
    counted: dict[str, Counter[str]] = {}
    for result in results:
        if result.work_now is not None:
            counted.setdefault(result.work_now, Counter())[result.top_role] += 1
    return {work: dict(row) for work, row in counted.items()}


def assert_counts_match_the_results() -> None:
    results = counted_results()
    norms = version_norms(VERSION)
    assert norms == norm_table(fits_of(results))
    assert norms.results == len(results)
    tally = criterion_tally(VERSION)
    assert {w: dict(r) for w, r in tally.top_roles.items()} == stated_top_roles(results)
    answers: dict[str, dict[str, Counter[str]]] = {}
    for result in results:
        if result.work_now is not None:
            for question, option in result.answers.items():
                answers.setdefault(result.work_now, {}).setdefault(question, Counter())[option] += 1
    assert {
        work: {q: dict(options) for q, options in by_q.items()}
        for work, by_q in tally.answers.items()
    } == {work: {q: dict(o) for q, o in by_q.items()} for work, by_q in answers.items()}


def test_the_fold_counts_real_careful_full_results_only(app: Flask) -> None:
    with app.app_context():
        insert_people_results(40, seed=1)
        careful = counted_results()
        # a few respondents answer carelessly: flagged, and left out
        assert 30 < len(careful) <= 40
        assert version_norms(VERSION).results == len(careful)
        assert_counts_match_the_results()


def test_synthetic_quick_and_careless_results_stay_out_of_the_counts(app: Flask) -> None:
    with app.app_context():
        insert_people_results(12, seed=2, fold=False)
        results = db.session.scalars(select(Result).order_by(Result.id)).all()
        results[0].synthetic = True
        results[1].mode = "quick"
        results[2].careless = "too-fast"
        db.session.commit()
        while analytics.fold_new_results():
            pass
        kept = counted_results()
        assert results[0] not in kept and results[1] not in kept and results[2] not in kept
        assert version_norms(VERSION).results == len(kept)
        assert_counts_match_the_results()


def test_saying_changing_and_withdrawing_work_after_the_fold_moves_the_counts(app: Flask) -> None:
    with app.app_context():
        insert_people_results(30, seed=3)
        first, second = counted_results()[:2]
        record_work_now(first, "data-scientist", 4, roles())
        record_work_now(second, "student-or-changer", None, roles())
        db.session.commit()
        assert criterion_tally(VERSION).responses == 2
        assert_counts_match_the_results()
        record_work_now(first, "ai-engineer", 4, roles())
        db.session.commit()
        assert "data-scientist" not in criterion_tally(VERSION).top_roles
        assert_counts_match_the_results()
        withdraw_work_now(second)
        db.session.commit()
        assert criterion_tally(VERSION).responses == 1
        assert_counts_match_the_results()


def test_work_said_before_the_fold_is_counted_once_by_the_fold(app: Flask) -> None:
    with app.app_context():
        insert_people_results(20, seed=4, fold=False)
        pending = counted_results()
        for result in pending[:5]:
            record_work_now(result, result.top_role, 1, roles())
        db.session.commit()
        assert criterion_tally(VERSION).responses == 0  # nothing folded in yet
        while analytics.fold_new_results():
            pass
        assert criterion_tally(VERSION).responses == 5
        assert_counts_match_the_results()


def test_deleting_a_folded_result_takes_it_out_of_the_norms_and_the_evidence(app: Flask) -> None:
    with app.app_context():
        insert_people_results(30, seed=5)
        gone = counted_results()[0]
        record_work_now(gone, "ml-engineer", 2, roles())
        db.session.commit()
        before = version_norms(VERSION).results
        analytics.forget_result(gone)
        erase_result(gone)
        db.session.commit()
        assert version_norms(VERSION).results == before - 1
        assert criterion_tally(VERSION).responses == 0
        assert_counts_match_the_results()


def test_a_new_full_result_keeps_its_percentiles_and_a_quick_one_none(app: Flask) -> None:
    app.config["STATISTICS_MINIMUM_RESULTS"] = 20
    with app.app_context():
        insert_people_results(30, seed=6)
        earlier = fits_of(counted_results())
        bank = published_bank(VERSION)
        answers = {q.key: q.options[0].key for q in bank.questions}
        result, _ = create_result(bank, VERSION, answers, seconds_taken=600)
        quick, _ = create_result(bank, VERSION, answers, seconds_taken=600, mode="quick")
        db.session.commit()
        total = sum(earlier[bank.roles[0].key].values())
        for entry in result.outcome["ranking"]:
            lower = sum(n for fit, n in earlier[entry["role"]].items() if fit < entry["fit"])
            assert entry["percentile"] == lower * 100 // total
        assert result.outcome["norm_results"] == total
        assert all("percentile" not in entry for entry in quick.outcome["ranking"])


def test_below_the_minimum_a_new_result_has_no_percentile(app: Flask) -> None:
    with app.app_context():
        insert_people_results(10, seed=7)
        bank = published_bank(VERSION)
        result, _ = create_result(bank, VERSION, {q.key: q.options[0].key for q in bank.questions})
        db.session.commit()
        assert [e["percentile"] for e in result.outcome["ranking"]] == [None] * len(bank.roles)
        assert result.outcome["norm_results"] is None


def test_results_count_works_out_norms_that_are_missing(app: Flask) -> None:
    with app.app_context():
        insert_people_results(15, seed=8)
        expected = version_norms(VERSION)
        db.session.execute(delete(VersionNorms))
        db.session.commit()
        assert version_norms(VERSION).results == 0
    outcome = app.test_cli_runner().invoke(args=["results", "count"])
    assert outcome.exit_code == 0, outcome.output
    with app.app_context():
        assert version_norms(VERSION) == expected


def test_a_result_taken_through_the_site_is_counted_once_folded(app: Flask) -> None:
    take_quiz(app.test_client())
    with app.app_context():
        result = db.session.scalars(select(Result)).one()
        result.created_at = result.created_at.replace(year=result.created_at.year - 1)
        db.session.commit()
        while analytics.fold_new_results():
            pass
        assert version_norms(VERSION).results == (1 if result.careless is None else 0)
        assert_counts_match_the_results()
