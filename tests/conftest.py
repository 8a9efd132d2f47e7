"""Shared fixtures: every app-level test runs on SQLite and on PostgreSQL, each on a fresh database.

A migrated, seeded template database is built once per session for each kind; every test
gets its own copy (a file copy for SQLite, ``CREATE DATABASE ... TEMPLATE`` for PostgreSQL),
which is much faster than migrating and seeding for each test.

PostgreSQL is expected on 127.0.0.1:5432 (``TEST_POSTGRES_URL`` overrides). Where none
answers, its half of the suite is skipped with that reason — except under CI (``CI=true``),
where a missing server fails every PostgreSQL test instead.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from databases import (
    IN_CI,
    LATER_DROPS,
    POSTGRES_PROBLEM,
    CopiesMadeAhead,
    postgres_execute,
    postgres_url,
    require_postgres,
)
from flask import Flask
from flask.testing import FlaskClient
from helpers import TEST_CONFIG, QuizTaker
from servers import unavailable

from quiz import create_app
from quiz.db import db


def pytest_report_header() -> str:
    if POSTGRES_PROBLEM is None:
        return "databases: SQLite and PostgreSQL (every app test runs on both)"
    verdict = "CI requires it: those tests fail" if IN_CI else "those tests are skipped"
    return f"databases: SQLite only. {POSTGRES_PROBLEM} — {verdict}"


def build_template(url: str) -> None:
    """Migrate and seed a database, then let go of every connection to it."""
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "career_fit.sqlite3"
    build_template(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    require_postgres()
    name = f"career_fit_test_template_{secrets.token_hex(4)}"
    postgres_execute(f'CREATE DATABASE "{name}"')
    try:
        build_template(postgres_url(name))
        yield name
    finally:
        LATER_DROPS.finish()
        postgres_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_copies(postgres_template: str) -> Iterator[CopiesMadeAhead]:
    copies = CopiesMadeAhead(postgres_template)
    yield copies
    copies.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated and seeded database of each kind, dropped after the test."""
    if request.param == "sqlite":
        path = tmp_path / "career_fit.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    name = request.getfixturevalue("postgres_copies").take()
    try:
        yield postgres_url(name)
    finally:
        LATER_DROPS.drop(name)


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    """An app on its own fresh database with the default bank published, CSRF on."""
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url})
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def taker(client: FlaskClient) -> QuizTaker:
    return QuizTaker(client)


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_url() -> str:
    """Redis's URL, once it answers: skip the test when it does not (fail it under CI)."""
    try:
        with redis.Redis.from_url(REDIS_URL, socket_timeout=3, socket_connect_timeout=3) as client:
            client.ping()
    except redis.RedisError as error:
        unavailable(f"Redis is not reachable at {REDIS_URL}: {error}")
    return REDIS_URL


@pytest.fixture
def key_prefix(redis_url: str) -> Iterator[str]:
    """A rate-limit key prefix of this test's own; its keys are removed from Redis after."""
    prefix = f"career-fit-test-{secrets.token_hex(6)}"
    yield prefix
    with redis.Redis.from_url(redis_url, socket_timeout=3, socket_connect_timeout=3) as client:
        stale = list(client.scan_iter(match=f"*{prefix}*"))
        if stale:
            client.delete(*stale)
