"""Migration 0011 makes every admin from before roles an owner, adds the invitations table,
and can be undone, on both engines."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import flask_migrate
import pytest
from databases import app_migrated_to
from flask import Flask
from sqlalchemy import inspect, select, text

from quiz.db import db
from quiz.models import Admin


def _fill() -> None:
    for number in (1, 2):
        db.session.execute(
            text(
                "INSERT INTO admin (email, password_hash, created_at, session_nonce) "
                f"VALUES ('a{number}@example.com', 'x', CURRENT_TIMESTAMP, 'n{number}')"
            )
        )


@pytest.fixture(params=["sqlite", "postgresql"])
def app_at_0010(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    with app_migrated_to("0010", request.param, tmp_path, _fill) as app:
        yield app


def test_admins_from_before_roles_become_owners(app_at_0010: Flask) -> None:
    with app_at_0010.app_context():
        flask_migrate.upgrade()
        roles = db.session.scalars(select(Admin.role).order_by(Admin.email)).all()
        assert roles == ["owner", "owner"]
        assert inspect(db.engine).has_table("admin_invitation")
        db.session.remove()


def test_roles_and_invitations_can_be_migrated_away_again(app_at_0010: Flask) -> None:
    with app_at_0010.app_context():
        flask_migrate.upgrade()
        flask_migrate.downgrade(revision="0010")
        columns = {c["name"] for c in inspect(db.engine).get_columns("admin")}
        assert "role" not in columns and "session_nonce" in columns
        assert not inspect(db.engine).has_table("admin_invitation")
        emails = db.session.execute(text("SELECT email FROM admin ORDER BY email")).scalars()
        assert list(emails) == ["a1@example.com", "a2@example.com"]
        db.session.remove()
