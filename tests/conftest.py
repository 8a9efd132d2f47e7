"""Shared fixtures: a fresh app and database per test, a client, and a CSRF-aware quiz taker."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import QuizTaker

from quiz import create_app


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """An app on its own fresh SQLite file, seeded with the default bank, CSRF on."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'career_fit.sqlite3'}",
        }
    )
    yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def taker(client: FlaskClient) -> QuizTaker:
    return QuizTaker(client)
