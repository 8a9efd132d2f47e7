"""Migration 0014 adds the webhook tables on both engines: existing results send nothing, an
endpoint's deliveries and attempts go with it, and it can be undone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import flask_migrate
import pytest
from databases import app_migrated_to
from flask import Flask
from sqlalchemy import inspect, text

from quiz.db import db
from quiz.store import webhooks

TABLES = {"webhook_endpoint", "webhook_event", "webhook_delivery", "webhook_attempt"}


def _fill() -> None:
    db.session.execute(
        text(
            "INSERT INTO admin (id, email, password_hash, created_at, session_nonce, role) "
            "VALUES (1, 'owner@example.com', 'x', CURRENT_TIMESTAMP, 'n1', 'owner')"
        )
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def app_at_0013(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """An app whose database is migrated up to revision 0013 and holds one admin."""
    with app_migrated_to("0013", request.param, tmp_path, _fill) as app:
        yield app


def test_the_tables_start_empty_and_deliveries_go_with_their_endpoint(app_at_0013: Flask) -> None:
    with app_at_0013.app_context():
        flask_migrate.upgrade()
        assert set(inspect(db.engine).get_table_names()) >= TABLES
        assert webhooks.endpoints() == []
        made = webhooks.add_endpoint("https://crm.example.com/hook", [], actor="owner@example.com")
        endpoint = webhooks.find_endpoint(made.id)
        webhooks.send_test(endpoint)
        db.session.commit()
        assert webhooks.claim_due(webhooks.utcnow()) != []
        webhooks.remove_endpoint(endpoint)
        db.session.commit()
        for table in ("webhook_endpoint", "webhook_delivery"):
            assert db.session.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar() == 0


def test_the_migration_can_be_undone(app_at_0013: Flask) -> None:
    with app_at_0013.app_context():
        flask_migrate.upgrade()
        flask_migrate.downgrade(revision="0013")
        assert not TABLES & set(inspect(db.engine).get_table_names())
        assert db.session.execute(text("SELECT COUNT(*) FROM admin")).scalar() == 1
