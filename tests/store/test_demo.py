"""Synthetic results (flask --app quiz demo-results): scored, flagged and counted like real ones."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import Result as CliResult
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from quiz.core.careless import SAME_ANSWER, TOO_FAST, careless_reasons
from quiz.core.quality import scale_reliability
from quiz.core.result_page import PUSHES_SHOWN, as_utc
from quiz.core.scoring import rank_roles
from quiz.db import db
from quiz.models import DailyCount, Result
from quiz.store.analytics import FINISHED, REACHED, uncounted_results
from quiz.store.demo import NEWEST_AGE, insert_demo_results
from quiz.store.publishing import latest_version_id, published_bank
from quiz.store.results import SHARE_TOKEN_SHAPE, asked_questions
from quiz.web.taking import question_pages


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


def run(runner: FlaskCliRunner, *args: str) -> CliResult:
    return runner.invoke(args=list(args))


def stored(app: Flask) -> list[Result]:
    with app.app_context():
        results = list(db.session.scalars(select(Result).order_by(Result.id)))
        db.session.expunge_all()
        return results


def daily_sums(app: Flask, measure: str) -> dict[str, int]:
    with app.app_context():
        rows = db.session.execute(
            select(DailyCount.value, func.sum(DailyCount.count))
            .where(DailyCount.measure == measure)
            .group_by(DailyCount.value)
        )
        return {value: int(n) for value, n in rows}


@pytest.fixture
def demo(app: Flask, runner: FlaskCliRunner) -> tuple[list[Result], datetime, datetime, str]:
    """300 demo results over the last 30 days: (results, time before, time after, output)."""
    before = datetime.now(UTC)
    result = run(runner, "demo-results", "300", "--days", "30", "--seed", "7")
    after = datetime.now(UTC)
    assert result.exit_code == 0, result.output
    return stored(app), before, after, result.output


def test_demo_results_are_scored_exactly_as_the_quiz_scores_them(app, demo):
    results, *_ = demo
    assert len(results) == 300
    with app.app_context():
        version_id = latest_version_id()
        bank = published_bank(version_id)
    for result in results:
        outcome = rank_roles(bank.effect_table, result.answers)
        assert result.quiz_version_id == version_id
        assert set(result.answers) == {q.key for q in bank.questions}
        # through JSON, as the stored outcome went
        assert result.outcome == json.loads(
            json.dumps(outcome.as_dict(pushes_per_side=PUSHES_SHOWN))
        )
        assert result.top_role == outcome.ranking[0].role == result.outcome["ranking"][0]["role"]


def test_demo_results_are_flagged_careless_by_the_same_rule_as_real_ones(app, demo):
    results, *_ = demo
    with app.app_context():
        bank = published_bank(latest_version_id())
        per_question = app.config["CARELESS_SECONDS_PER_QUESTION"]
    for result in results:
        reasons = careless_reasons(
            asked_questions(bank), result.answers, result.seconds_taken, per_question
        )
        assert result.careless == (",".join(reasons) or None)
    flags = Counter(reason for r in results for reason in (r.careless or "").split(",") if reason)
    # about 3% careless, both kinds present; most people take a few minutes
    assert flags[SAME_ANSWER] >= 1 and flags[TOO_FAST] >= 1
    assert sum(r.careless is not None for r in results) <= 300 * 0.08
    careful_seconds = sorted(r.seconds_taken for r in results if r.careless is None)
    assert 200 <= careful_seconds[len(careful_seconds) // 2] <= 450


def test_careful_demo_answers_lean_towards_roles_consistently_but_vary(app, demo):
    results, *_ = demo
    careful = [r for r in results if r.careless is None]
    assert len({json.dumps(r.answers, sort_keys=True) for r in careful}) == len(careful)
    tops = Counter(r.top_role for r in results)
    with app.app_context():
        table = published_bank(latest_version_id()).effect_table
    assert set(tops) == {role.key for role in table.roles}
    assert min(tops.values()) >= 300 / len(table.roles) / 2
    # consistent enough for the reliability statistics to have something to find
    for scale in scale_reliability(table, [r.answers for r in careful]):
        assert scale.alpha is not None and scale.alpha > 0.6, (scale.role, scale.alpha)


def test_demo_results_fall_inside_the_window_with_their_own_tokens(demo):
    results, before, after, _ = demo
    for result in results:
        created = as_utc(result.created_at)
        assert before - timedelta(days=30) <= created <= after - NEWEST_AGE
        assert SHARE_TOKEN_SHAPE.fullmatch(result.share_token)
        assert result.delete_key_hash is None and result.deleted_at is None
    assert len({r.share_token for r in results}) == 300
    created = [as_utc(r.created_at) for r in results]
    assert created == sorted(created)  # ids rise with time, as for real results
    assert (max(created) - min(created)) > timedelta(days=25)


def test_demo_results_are_counted_with_the_pages_people_reached(app, demo):
    results, *_, output = demo
    assert "Counted 300 results into the daily counts." in output
    with app.app_context():
        assert uncounted_results() == 0
        pages = len(question_pages(published_bank(latest_version_id())))
    finished = daily_sums(app, FINISHED)
    assert sum(finished.values()) == 300
    assert finished == Counter(r.top_role for r in results)

    reached = daily_sums(app, REACHED)
    by_page = [reached.get(str(page), 0) for page in range(1, pages + 1)]
    assert set(reached) == {str(page) for page in range(1, pages + 1)}
    assert by_page == sorted(by_page, reverse=True)
    assert by_page[-1] >= 300
    # about 40% more visits than results, most of the extra stopping early
    assert 300 * 1.25 <= by_page[0] <= 300 * 1.55
    assert by_page[0] - by_page[1] > by_page[-2] - by_page[-1]


def test_the_same_seed_gives_the_same_answers_and_another_seed_others(app):
    with app.app_context():
        insert_demo_results(40, seed=3)
        insert_demo_results(40, seed=3)
        insert_demo_results(40, seed=4)
    results = stored(app)

    def made(group: list[Result]) -> list[tuple[str, int | None, str | None]]:
        return [(json.dumps(r.answers), r.seconds_taken, r.careless) for r in group]

    first, again, other = made(results[:40]), made(results[40:80]), made(results[80:])
    assert first == again
    assert first != other
    assert len({r.share_token for r in results}) == 120


def test_more_results_than_the_pool_draw_from_it(app):
    with app.app_context():
        assert insert_demo_results(60, pool=5) == 60
        assert uncounted_results() == 0
    results = stored(app)
    assert len(results) == 60
    assert len({json.dumps(r.answers) for r in results}) <= 5
    assert len({r.share_token for r in results}) == 60


@pytest.mark.parametrize("count", ["0", "-5"])
def test_demo_results_refuses_fewer_than_one(app, runner, count):
    result = run(runner, "demo-results", "--", count)
    assert result.exit_code == 2
    assert "is not in the range x>=1" in result.stderr
    assert stored(app) == []
