"""Migration 0007 adds the unscored "what do you do now?" answer to results, on both engines:
results stored before it have no answer, a new answer can be stored, and it can be undone."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import flask_migrate
import pytest
from databases import app_migrated_to
from flask import Flask
from sqlalchemy import inspect, select, text

from quiz.db import db
from quiz.models import Result

WORK_COLUMNS = {"work_now", "work_years", "work_reported_at"}


def _fill() -> None:
    db.session.execute(
        text("INSERT INTO quiz_version (id, number, bank, published_at) VALUES (1, 1, '{}', :now)"),
        {"now": datetime.now(UTC)},
    )
    db.session.execute(
        text(
            "INSERT INTO result (share_token, quiz_version_id, answers, outcome, "
            "top_role, created_at, mode) VALUES ('token-stored-before-0007', 1, "
            "'{\"q1\": \"agree\"}', '{}', 'data-scientist', :now, 'full')"
        ),
        {"now": datetime.now(UTC)},
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def app_at_0006(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """An app whose database is migrated up to revision 0006 and holds one result."""
    with app_migrated_to("0006", request.param, tmp_path, _fill) as app:
        yield app


def result_columns() -> set[str]:
    return {c["name"] for c in inspect(db.engine).get_columns("result")}


def test_results_stored_before_have_no_answer_and_new_answers_fit(app_at_0006):
    with app_at_0006.app_context():
        assert not WORK_COLUMNS & result_columns()
        flask_migrate.upgrade()
        assert result_columns() >= WORK_COLUMNS
        result = db.session.scalar(select(Result))
        assert (result.work_now, result.work_years, result.work_reported_at) == (None, None, None)
        assert result.answers == {"q1": "agree"}
        # the longest answer the column must hold, and the most years
        result.work_now = "x" * 40
        result.work_years = 60
        result.work_reported_at = datetime.now(UTC)
        db.session.commit()
        db.session.expire_all()
        again = db.session.scalar(select(Result))
        assert (again.work_now, again.work_years) == ("x" * 40, 60)
        assert again.work_reported_at is not None
        db.session.remove()


def test_the_answer_columns_can_be_migrated_away_again(app_at_0006):
    with app_at_0006.app_context():
        flask_migrate.upgrade()
        db.session.execute(text("UPDATE result SET work_now = 'something-else', work_years = 3"))
        db.session.commit()
        flask_migrate.downgrade(revision="0006")
        assert not WORK_COLUMNS & result_columns()
        shares = db.session.execute(text("SELECT share_token FROM result")).scalars().all()
        assert shares == ["token-stored-before-0007"]
        db.session.remove()
