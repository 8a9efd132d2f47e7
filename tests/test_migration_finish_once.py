"""Migration 0015 gives results a unique, nullable finish id on both engines: results stored
before it keep none (and many may have none), a second row with the same id is refused; it
adds the table of group starts counted once, and it can be undone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import flask_migrate
import pytest
from databases import app_migrated_to
from flask import Flask
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from quiz.db import db


def _fill() -> None:
    db.session.execute(
        text(
            "INSERT INTO quiz_version (id, number, bank, published_at) "
            "VALUES (1, 1, '{}', CURRENT_TIMESTAMP)"
        )
    )
    for token in ("t1", "t2"):
        db.session.execute(
            text(
                "INSERT INTO result (share_token, quiz_version_id, answers, outcome, "
                "top_role, created_at) VALUES (:token, 1, '{}', '{}', 'r1', CURRENT_TIMESTAMP)"
            ),
            {"token": token},
        )


@pytest.fixture(params=["sqlite", "postgresql"])
def app_at_0014(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """An app whose database is migrated up to revision 0014 and holds two results."""
    with app_migrated_to("0014", request.param, tmp_path, _fill) as app:
        yield app


def _insert(token: str, finish_id: str) -> None:
    db.session.execute(
        text(
            "INSERT INTO result (share_token, quiz_version_id, answers, outcome, top_role, "
            "created_at, finish_id) VALUES (:token, 1, '{}', '{}', 'r1', CURRENT_TIMESTAMP, "
            ":finish_id)"
        ),
        {"token": token, "finish_id": finish_id},
    )


def test_old_results_keep_no_finish_id_and_a_finish_id_is_stored_once(app_at_0014: Flask) -> None:
    with app_at_0014.app_context():
        flask_migrate.upgrade()
        ids = db.session.execute(text("SELECT finish_id FROM result ORDER BY id")).scalars()
        assert list(ids) == [None, None]
        assert "group_start" in inspect(db.engine).get_table_names()
        _insert("t3", "run-1")
        db.session.commit()
        with pytest.raises(IntegrityError):
            _insert("t4", "run-1")
        db.session.rollback()
        assert db.session.execute(text("SELECT COUNT(*) FROM result")).scalar() == 3


def test_the_migration_can_be_undone(app_at_0014: Flask) -> None:
    with app_at_0014.app_context():
        flask_migrate.upgrade()
        flask_migrate.downgrade(revision="0014")
        columns = {column["name"] for column in inspect(db.engine).get_columns("result")}
        assert "finish_id" not in columns
        assert "group_start" not in inspect(db.engine).get_table_names()
        assert db.session.execute(text("SELECT COUNT(*) FROM result")).scalar() == 2
