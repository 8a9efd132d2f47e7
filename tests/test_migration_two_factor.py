"""Migration 0012 adds the tables of two-factor sign-in beside the admins, on both engines: every
admin starts without a second factor, nothing is required, a deleted admin takes their rows
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
from quiz.store import two_factor as second_factor

TABLES = {"admin_two_factor", "recovery_code", "site_setting"}


def _fill() -> None:
    db.session.execute(
        text(
            "INSERT INTO admin (id, email, password_hash, created_at, session_nonce) "
            "VALUES (1, 'admin@example.com', 'x', CURRENT_TIMESTAMP, 'n1')"
        )
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def app_at_0011(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """An app whose database is migrated up to revision 0011 and holds one admin."""
    with app_migrated_to("0011", request.param, tmp_path, _fill) as app:
        yield app


def test_admins_start_without_a_second_factor_and_nothing_is_required(app_at_0011: Flask) -> None:
    with app_at_0011.app_context():
        flask_migrate.upgrade()
        assert set(inspect(db.engine).get_table_names()) >= TABLES
        assert second_factor.admins_without_two_factor() == 1
        assert not second_factor.is_required()


def test_deleting_an_admin_in_the_database_deletes_their_rows(app_at_0011: Flask) -> None:
    with app_at_0011.app_context():
        flask_migrate.upgrade()
        db.session.execute(
            text(
                "INSERT INTO admin_two_factor (admin_id, secret_encrypted, last_used_step, "
                "enabled_at) VALUES (1, 'token', 0, CURRENT_TIMESTAMP)"
            )
        )
        db.session.execute(text("INSERT INTO recovery_code (admin_id, code_hash) VALUES (1, 'h')"))
        db.session.commit()

        db.session.execute(text("DELETE FROM admin WHERE id = 1"))
        db.session.commit()

        for table in ("admin_two_factor", "recovery_code"):
            assert db.session.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar() == 0


def test_the_migration_can_be_undone(app_at_0011: Flask) -> None:
    with app_at_0011.app_context():
        flask_migrate.upgrade()
        flask_migrate.downgrade(revision="0011")
        assert not TABLES & set(inspect(db.engine).get_table_names())
        assert db.session.execute(text("SELECT COUNT(*) FROM admin")).scalar() == 1
