"""Migration 0013 adds groups and their members beside the admins and results, on both engines:
a removed admin leaves their groups ownerless, a deleted group or result takes its memberships
along, and it can be undone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import flask_migrate
import pytest
from databases import app_migrated_to
from flask import Flask
from sqlalchemy import inspect, text

from quiz.db import db

TABLES = {"quiz_group", "group_member"}


def _fill() -> None:
    db.session.execute(
        text(
            "INSERT INTO admin (id, email, password_hash, created_at, session_nonce) "
            "VALUES (1, 'admin@example.com', 'x', CURRENT_TIMESTAMP, 'n1')"
        )
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def app_at_0012(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """An app whose database is migrated up to revision 0012 and holds one admin."""
    with app_migrated_to("0012", request.param, tmp_path, _fill) as app:
        yield app


def _count(table: str) -> int:
    return db.session.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()


def test_groups_follow_their_owner_and_members_follow_their_group(app_at_0012: Flask) -> None:
    with app_at_0012.app_context():
        flask_migrate.upgrade()
        assert set(inspect(db.engine).get_table_names()) >= TABLES
        db.session.execute(
            text(
                "INSERT INTO quiz_group (id, name, owner_id, join_code, short_code, created_at) "
                "VALUES (1, 'Class', 1, 'join-code-of-the-class-000000', 'ABCDEFGH', "
                "CURRENT_TIMESTAMP)"
            )
        )
        db.session.execute(
            text(
                "INSERT INTO quiz_version (id, number, bank, published_at) "
                "VALUES (91, 91, '{}', CURRENT_TIMESTAMP)"
            )
        )
        db.session.execute(
            text(
                "INSERT INTO result (id, share_token, quiz_version_id, answers, outcome, "
                "top_role, created_at) VALUES (1, 'token-of-a-result-0000', 91, '{}', "
                "'{}', 'data-scientist', CURRENT_TIMESTAMP)"
            )
        )
        db.session.execute(
            text(
                "INSERT INTO group_member (group_id, result_id, number, joined_at) "
                "VALUES (1, 1, 1, CURRENT_TIMESTAMP)"
            )
        )
        db.session.commit()
        assert db.session.execute(text("SELECT opened, started FROM quiz_group")).one() == (0, 0)

        db.session.execute(text("DELETE FROM admin WHERE id = 1"))
        db.session.commit()
        assert db.session.execute(text("SELECT owner_id FROM quiz_group")).scalar() is None

        db.session.execute(text("DELETE FROM quiz_group WHERE id = 1"))
        db.session.commit()
        assert _count("group_member") == 0
        assert _count("result") == 1


def test_the_migration_can_be_undone(app_at_0012: Flask) -> None:
    with app_at_0012.app_context():
        flask_migrate.upgrade()
        flask_migrate.downgrade(revision="0012")
        assert not TABLES & set(inspect(db.engine).get_table_names())
        assert _count("admin") == 1
