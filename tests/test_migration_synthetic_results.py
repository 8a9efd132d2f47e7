"""Migration 0008 marks every result stored before it as real, on both engines, indexes the
column the statistics filter on, and can be undone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import flask_migrate
import pytest
from databases import app_migrated_to
from flask import Flask
from sqlalchemy import inspect, select, text

from quiz.db import db
from quiz.models import Result


def _fill() -> None:
    db.session.execute(
        text(
            "INSERT INTO quiz_version (id, number, bank, published_at) "
            "VALUES (1, 1, '{}', CURRENT_TIMESTAMP)"
        )
    )
    db.session.execute(
        text(
            "INSERT INTO result (share_token, quiz_version_id, answers, outcome, "
            "top_role, created_at) VALUES ('t1', 1, '{\"q1\": \"a\"}', '{}', 'r1', "
            "CURRENT_TIMESTAMP)"
        )
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def app_at_0006(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """An app whose database is migrated up to revision 0006 and holds one result."""
    with app_migrated_to("0006", request.param, tmp_path, _fill) as app:
        yield app


def result_indexes() -> set[str]:
    return {index["name"] for index in inspect(db.engine).get_indexes("result")}


def test_results_stored_before_count_as_real(app_at_0006: Flask) -> None:
    with app_at_0006.app_context():
        flask_migrate.upgrade()
        result = db.session.scalar(select(Result).where(Result.share_token == "t1"))
        assert result is not None and result.synthetic is False
        assert "ix_result_real_by_version" in result_indexes()
        # a row inserted without the column takes the server's default: real
        db.session.execute(
            text(
                "INSERT INTO result (share_token, quiz_version_id, answers, outcome, top_role, "
                "created_at) VALUES ('t2', 1, '{}', '{}', 'r1', CURRENT_TIMESTAMP)"
            )
        )
        db.session.commit()
        synthetic = db.session.execute(text("SELECT synthetic FROM result ORDER BY id"))
        assert [bool(value) for value in synthetic.scalars()] == [False, False]
        db.session.remove()


def test_the_synthetic_column_can_be_migrated_away_again(app_at_0006: Flask) -> None:
    with app_at_0006.app_context():
        flask_migrate.upgrade()
        flask_migrate.downgrade(revision="0006")
        columns = {c["name"] for c in inspect(db.engine).get_columns("result")}
        assert "synthetic" not in columns and "mode" in columns
        assert "ix_result_real_by_version" not in result_indexes()
        tokens = db.session.execute(text("SELECT share_token FROM result")).scalars().all()
        assert tokens == ["t1"]
        db.session.remove()
