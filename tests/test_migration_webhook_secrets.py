"""Migration 0016 encrypts the webhook secrets stored in the clear, on both engines: each still
signs as before, no delivery or attempt is lost on the way (SQLite's foreign keys are on),
and undoing it puts the plain secrets back, or refuses, changing nothing, while one cannot
be read with the current SECRET_KEY."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import flask_migrate
import pytest
from databases import app_migrated_to
from flask import Flask
from sqlalchemy import inspect, text

from quiz.db import db
from quiz.store import secrets_at_rest, webhooks

PLAIN = {1: "whsec_" + "a" * 64, 2: "whsec_" + "b" * 64}


def _fill() -> None:
    for endpoint_id, secret in PLAIN.items():
        db.session.execute(
            text(
                "INSERT INTO webhook_endpoint (id, url, events, secret, created_at, created_by) "
                "VALUES (:id, :url, 'result.created', :secret, CURRENT_TIMESTAMP, 'owner')"
            ),
            {"id": endpoint_id, "url": f"https://crm.example.com/{endpoint_id}", "secret": secret},
        )
    db.session.execute(
        text(
            "INSERT INTO webhook_event (id, type, payload, created_at) "
            "VALUES ('e1', 'result.created', '{}', CURRENT_TIMESTAMP)"
        )
    )
    db.session.execute(
        text(
            "INSERT INTO webhook_delivery (id, event_id, endpoint_id, status, attempts, "
            "next_attempt_at, created_at) "
            "VALUES (1, 'e1', 1, 'sent', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        )
    )
    db.session.execute(
        text(
            "INSERT INTO webhook_attempt (id, delivery_id, started_at, status_code, duration_ms) "
            "VALUES (1, 1, CURRENT_TIMESTAMP, 200, 5)"
        )
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def app_at_0015(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """An app whose database is at 0015 with two endpoints, their secrets in the clear."""
    with app_migrated_to("0015", request.param, tmp_path, _fill) as app:
        yield app


def columns() -> set[str]:
    return {column["name"] for column in inspect(db.engine).get_columns("webhook_endpoint")}


def rows(table: str) -> int:
    return db.session.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar()


def test_the_secrets_are_encrypted_and_still_sign(app_at_0015: Flask) -> None:
    with app_at_0015.app_context():
        flask_migrate.upgrade()
        assert "secret" not in columns() and "secret_encrypted" in columns()
        for endpoint_id, secret in PLAIN.items():
            endpoint = webhooks.find_endpoint(endpoint_id)
            assert secret not in endpoint.secret_encrypted
            assert webhooks.readable_secret(endpoint) == secret
        assert (rows("webhook_delivery"), rows("webhook_attempt")) == (1, 1)
        indexes = {index["name"] for index in inspect(db.engine).get_indexes("webhook_event")}
        assert "ix_webhook_event_created_at" in indexes


def test_undoing_it_puts_the_plain_secrets_back(app_at_0015: Flask) -> None:
    with app_at_0015.app_context():
        flask_migrate.upgrade()
        flask_migrate.downgrade(revision="0015")
        assert "secret" in columns() and "secret_encrypted" not in columns()
        stored = dict(db.session.execute(text("SELECT id, secret FROM webhook_endpoint")).all())
        assert stored == PLAIN
        assert (rows("webhook_delivery"), rows("webhook_attempt")) == (1, 1)


def test_undoing_it_refuses_while_a_secret_cannot_be_read(
    app_at_0015: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    with app_at_0015.app_context():
        flask_migrate.upgrade()
        endpoint = webhooks.find_endpoint(2)
        endpoint.secret_encrypted = secrets_at_rest.encrypt(
            PLAIN[2], secrets_at_rest.WEBHOOK_SIGNING, "the SECRET_KEY of before"
        )
        db.session.commit()
        # Flask-Migrate logs the migration's refusal and exits, as `flask db downgrade` does
        with pytest.raises(SystemExit):
            flask_migrate.downgrade(revision="0015")
        assert "endpoints 2 cannot be read with this SECRET_KEY" in caplog.text
        db.session.rollback()
        assert "secret_encrypted" in columns() and "secret" not in columns()
        version = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert version == "0016"  # refused: still at the encrypting revision
        assert webhooks.readable_secret(webhooks.find_endpoint(1)) == PLAIN[1]
