"""Demo results made as if real people took the quiz: stored as theirs, with a stated work."""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from quiz.core.result_page import as_utc
from quiz.db import db
from quiz.models import Result
from quiz.store.demo import (
    MOST_DEMO_YEARS,
    MOST_SECONDS_TO_REPORT,
    STATED_WORK_SHARE,
    insert_demo_results,
    stated_work,
)
from quiz.store.publishing import latest_version_id, published_bank
from quiz.store.self_reports import work_answers


def stored(app: Flask) -> list[Result]:
    with app.app_context():
        results = list(db.session.scalars(select(Result).order_by(Result.id)))
        db.session.expunge_all()
        return results


def role_keys(app: Flask) -> list[str]:
    with app.app_context():
        return [role.key for role in published_bank(latest_version_id()).roles]


@pytest.fixture
def real_takers(app: Flask) -> list[Result]:
    with app.app_context():
        assert insert_demo_results(400, seed=21, as_real_takers=True) == 400
    return stored(app)


def test_real_taker_results_are_real_full_quizzes_with_a_valid_stated_work(app, real_takers):
    offered = set(work_answers(role_keys(app)))
    for result in real_takers:
        assert result.synthetic is False
        assert result.mode == "full"
        assert result.work_now in offered
        assert result.work_years is not None and 0 <= result.work_years <= MOST_DEMO_YEARS
        reported = as_utc(result.work_reported_at) - as_utc(result.created_at)
        assert timedelta(0) < reported <= timedelta(seconds=MOST_SECONDS_TO_REPORT)
    # every kind of answer turns up, so every row of the confusion matrix can fill
    assert {r.work_now for r in real_takers} == offered


def test_about_the_stated_share_of_careful_takers_name_the_role_their_answers_lean_to(
    app, real_takers
):
    careful = [r for r in real_takers if r.careless is None]
    roles = set(role_keys(app))
    in_a_role = [r for r in careful if r.work_now in roles]
    # a leaning role is also the top role for most careful takers, so this share rests on
    # the answers as well: close to STATED_WORK_SHARE, and well above what chance gives
    hits = sum(r.work_now == r.top_role for r in careful) / len(careful)
    assert STATED_WORK_SHARE - 0.2 <= hits <= STATED_WORK_SHARE + 0.05
    assert hits > 1.5 / len(roles)
    # the rest spread over the other answers: roles, and the answers that are no role
    assert len(careful) - len(in_a_role) >= len(careful) * 0.05


def test_default_demo_results_stay_synthetic_with_no_stated_work(app):
    with app.app_context():
        insert_demo_results(30, seed=21)
    for result in stored(app):
        assert result.synthetic is True
        assert result.work_now is None and result.work_years is None
        assert result.work_reported_at is None


def test_the_same_seed_gives_the_same_answers_and_works_and_real_takers_the_same_answers(app):
    with app.app_context():
        insert_demo_results(50, seed=8, as_real_takers=True)
        insert_demo_results(50, seed=8, as_real_takers=True)
        insert_demo_results(50, seed=8)
        insert_demo_results(50, seed=9, as_real_takers=True)
    results = stored(app)

    def made(group: list[Result]) -> list[tuple[str, str | None, int | None]]:
        return [(json.dumps(r.answers), r.work_now, r.work_years) for r in group]

    first, again, synthetic, other = (made(results[n : n + 50]) for n in range(0, 200, 50))
    assert first == again
    assert [answers for answers, *_ in first] == [answers for answers, *_ in synthetic]
    assert first != other


def test_a_leaning_respondent_names_their_role_at_the_stated_share_and_the_rest_evenly():
    offered = work_answers(["analyst", "engineer", "scientist"])
    rng = random.Random(1)
    said = Counter(stated_work("engineer", offered, rng) for _ in range(20_000))
    assert set(said) == set(offered)
    assert said["engineer"] / 20_000 == pytest.approx(STATED_WORK_SHARE, abs=0.015)
    others = [n / 20_000 for answer, n in said.items() if answer != "engineer"]
    for share in others:
        assert share == pytest.approx((1 - STATED_WORK_SHARE) / len(others), abs=0.01)


def test_a_careless_respondent_names_any_answer_evenly():
    offered = work_answers(["analyst", "engineer"])
    rng = random.Random(2)
    said = Counter(stated_work(None, offered, rng) for _ in range(10_000))
    for answer in offered:
        assert said[answer] / 10_000 == pytest.approx(1 / len(offered), abs=0.02)
