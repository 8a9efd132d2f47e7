"""The store keeps what takers say they do now only within its rules, and erases it with them."""

from __future__ import annotations

import pytest
from helpers import take_quiz
from sqlalchemy import select

from quiz.db import db
from quiz.models import Result
from quiz.store.publishing import published_bank
from quiz.store.results import erase_result
from quiz.store.self_reports import (
    OTHER_WORK,
    InvalidSelfReport,
    record_work_now,
    withdraw_work_now,
    work_answers,
)


@pytest.fixture
def result_id(app) -> int:
    take_quiz(app.test_client())
    with app.app_context():
        return db.session.scalar(select(Result.id))


def roles_of(result: Result) -> list[str]:
    return [role.key for role in published_bank(result.quiz_version_id).roles]


def test_every_role_and_every_other_answer_can_be_recorded(app, result_id):
    with app.app_context():
        result = db.session.get(Result, result_id)
        roles = roles_of(result)
        assert work_answers(roles) == [*roles, *OTHER_WORK]
        for answer, years in zip(work_answers(roles), [0, 60, None, 5, 1, 2], strict=False):
            record_work_now(result, answer, years, roles)
            db.session.commit()
            db.session.expire_all()
            result = db.session.get(Result, result_id)
            assert (result.work_now, result.work_years) == (answer, years)
            assert result.work_reported_at is not None


@pytest.mark.parametrize(
    ("answer", "years"),
    [("chief-astronaut", None), ("", None), ("something-else", 61), ("something-else", -1)],
)
def test_an_answer_outside_the_rules_is_refused_and_changes_nothing(app, result_id, answer, years):
    with app.app_context():
        result = db.session.get(Result, result_id)
        roles = roles_of(result)
        record_work_now(result, "student-or-changer", 2, roles)
        db.session.commit()
        with pytest.raises(InvalidSelfReport):
            record_work_now(result, answer, years, roles)
        db.session.commit()
        db.session.expire_all()
        result = db.session.get(Result, result_id)
        assert (result.work_now, result.work_years) == ("student-or-changer", 2)


def test_withdrawing_and_erasing_forget_the_answer(app, result_id):
    with app.app_context():
        result = db.session.get(Result, result_id)
        roles = roles_of(result)
        record_work_now(result, roles[0], 3, roles)
        withdraw_work_now(result)
        db.session.commit()
        assert (result.work_now, result.work_years, result.work_reported_at) == (None, None, None)
        record_work_now(result, roles[0], 3, roles)
        erase_result(result)
        db.session.commit()
        db.session.expire_all()
        result = db.session.get(Result, result_id)
        assert (result.work_now, result.work_years, result.work_reported_at) == (None, None, None)
        assert result.deleted_at is not None
