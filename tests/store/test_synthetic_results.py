"""Demo results are stored as synthetic: counted apart for the analytics page, never as takers."""

from __future__ import annotations

from datetime import date

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import ColumnElement, Select, select
from taker_results import count_results, insert_people_results

from quiz.db import db
from quiz.models import CountedResults, Result
from quiz.store.analytics import (
    ResultFilter,
    careful_responses,
    fold_new_results,
    forget_result,
    read_analytics,
    read_analytics_of_results,
    result_totals,
    today,
)
from quiz.store.demo import insert_demo_results
from quiz.store.publishing import latest_version_id
from quiz.store.results import erase_result


def every_day(include_careless: bool = True) -> ResultFilter:
    return ResultFilter(
        version_id=None,
        first_day=date(2000, 1, 1),
        last_day=today(),
        include_careless=include_careless,
    )


def test_the_demo_results_command_marks_what_it_stores_as_synthetic(app: Flask) -> None:
    runner: FlaskCliRunner = app.test_cli_runner()
    with app.app_context():
        insert_people_results(3, seed=1)
    result = runner.invoke(args=["demo-results", "25", "--days", "3"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert count_results(Result.synthetic.is_(True)) == 25
        assert count_results(Result.synthetic.is_(False)) == 3


def test_careful_responses_leave_every_synthetic_result_out(app: Flask) -> None:
    with app.app_context():
        insert_demo_results(60, days=2, seed=4)
        insert_people_results(12, seed=5)
        version_id = latest_version_id()
        assert version_id is not None
        real_careful = db.session.scalars(
            select_answers(Result.synthetic.is_(False), Result.careless.is_(None))
        ).all()
        assert 0 < len(real_careful) <= 12
        responses = careful_responses(version_id, 1000)
        assert sorted(map(sorted_items, responses)) == sorted(map(sorted_items, real_careful))


def test_the_daily_counts_say_how_many_results_are_synthetic(app: Flask) -> None:
    with app.app_context():
        insert_people_results(7, seed=2)
        insert_demo_results(40, days=5, seed=6)
        synthetic_careful = count_results(Result.synthetic.is_(True), Result.careless.is_(None))
        everything = read_analytics(every_day())
        assert everything.finished == 47
        assert everything.synthetic == 40
        careful_only = read_analytics(every_day(include_careless=False))
        assert careful_only.synthetic == synthetic_careful
        assert careful_only.finished == count_results(Result.careless.is_(None))


def test_real_totals_leave_synthetic_results_out_counted_or_not(app: Flask) -> None:
    with app.app_context():
        insert_demo_results(30, days=2, seed=7)
        insert_people_results(9, seed=8)
        version_id = latest_version_id()
        # one more of each, not folded in yet: the totals read those from the results table
        app.config["ANALYTICS_SETTLE_SECONDS"] = 2 * 86400
        insert_demo_results(1, days=1, seed=9)
        insert_people_results(1, seed=10)
        assert count_results(Result.id > counted_up_to()) == 2
        real = result_totals(real_only=True)
        careful = count_results(Result.synthetic.is_(False), Result.careless.is_(None))
        flagged = count_results(Result.synthetic.is_(False), Result.careless.is_not(None))
        assert real.get((version_id, False), 0) == careful
        assert real.get((version_id, True), 0) == flagged
        assert careful + flagged == 10
        assert sum(result_totals().values()) == 41


def test_deleting_a_synthetic_result_takes_it_out_of_the_synthetic_count(app: Flask) -> None:
    with app.app_context():
        insert_demo_results(5, days=1, seed=11)
        fold_new_results()
        assert read_analytics(every_day()).synthetic == 5
        result = db.session.scalars(select(Result).order_by(Result.id).limit(1)).one()
        forget_result(result)
        erase_result(result)
        db.session.commit()
        after = read_analytics(every_day())
        assert (after.finished, after.synthetic) == (4, 4)
        assert sum(result_totals().values()) == 4
        assert result_totals(real_only=True) == {}


def select_answers(*conditions: ColumnElement[bool]) -> Select[tuple[dict[str, str]]]:
    return (
        select(Result.answers)
        .where(Result.deleted_at.is_(None), Result.mode == "full", *conditions)
        .order_by(Result.id)
    )


def counted_up_to() -> int:
    return db.session.scalar(select(CountedResults.last_result_id)) or 0


def sorted_items(answers: dict[str, str]) -> list[tuple[str, str]]:
    return sorted(answers.items())


def test_results_read_one_by_one_count_their_synthetic_ones_as_the_daily_counts_do(
    app: Flask,
) -> None:
    # a mode filter makes the page read the results themselves rather than the daily counts
    with app.app_context():
        insert_demo_results(40, days=2, seed=7)
        insert_people_results(9, seed=8)
        fold_new_results()
        by_counts = read_analytics(every_day())
        one_by_one = read_analytics_of_results(
            ResultFilter(version_id=None, first_day=date(2000, 1, 1), last_day=today(), mode="full")
        )
        assert by_counts.synthetic == count_results(Result.synthetic.is_(True)) == 40
        assert one_by_one.synthetic == count_results(
            Result.synthetic.is_(True), Result.mode == "full"
        )
        assert one_by_one.finished == count_results(Result.mode == "full")
