"""The test databases: where PostgreSQL is, whether it answers, and how to make and drop one."""

from __future__ import annotations

import atexit
import os
import secrets
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path

import flask_migrate
import psycopg
import pytest
from flask import Flask

from quiz import create_app
from quiz.db import db, init_migrations

POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
IN_CI = os.environ.get("CI", "").lower() == "true"


def postgres_problem() -> str | None:
    """Return why PostgreSQL can't be used for tests, or None when it can."""
    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3):
            return None
    except psycopg.Error as error:
        return f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}: {error}".strip()


POSTGRES_PROBLEM = postgres_problem()


def require_postgres() -> None:
    if POSTGRES_PROBLEM is None:
        return
    if IN_CI:
        pytest.fail(f"{POSTGRES_PROBLEM} (CI requires PostgreSQL)")
    pytest.skip(POSTGRES_PROBLEM)


def postgres_execute(statement: str) -> None:
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
        connection.execute(statement)


class LaterDrops:
    """Drops test databases in the background, so no test waits for its database to go.

    Dropping a PostgreSQL database waits for the server to let go of its files, a second or
    more each; the drops of one test process overlap and the server settles them together.
    Every drop is waited for before the process ends.
    """

    def __init__(self, threads: int = 4) -> None:
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="drop-database")
        self._pending: list[Future[None]] = []
        atexit.register(self.finish)

    def drop(self, name: str) -> None:
        self._pending.append(
            self._pool.submit(postgres_execute, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        )

    def finish(self) -> None:
        """Wait for every drop; raise the first that failed, so no database is left unnoticed."""
        pending, self._pending = self._pending, []
        for future in pending:
            future.result()


LATER_DROPS = LaterDrops()


class CopiesMadeAhead:
    """Fresh copies of a template database, each made while the test before it runs.

    Copying a database costs the server a few hundred milliseconds; made one test ahead, the
    copy is ready when the next test asks. The copy left unused at the end is dropped.
    """

    def __init__(self, template: str) -> None:
        self._template = template
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="copy-database")
        self._next: Future[str] | None = None

    def take(self) -> str:
        """Return the name of a fresh copy of the template, and start making the next."""
        ready = self._next or self._pool.submit(self._copy)
        self._next = self._pool.submit(self._copy)
        return ready.result()

    def close(self) -> None:
        if self._next is not None:
            LATER_DROPS.drop(self._next.result())
            self._next = None
        self._pool.shutdown()

    def _copy(self) -> str:
        name = f"career_fit_test_{secrets.token_hex(6)}"
        postgres_execute(f'CREATE DATABASE "{name}" TEMPLATE "{self._template}"')
        return name


def postgres_url(name: str) -> str:
    server = POSTGRES_ADMIN_URL.split("://", 1)[1].rsplit("/", 1)[0]
    return f"postgresql+psycopg://{server}/{name}"


@contextmanager
def fresh_postgres_database() -> Iterator[str]:
    """Create an empty PostgreSQL database for one test; yield its URL; drop it after."""
    require_postgres()
    name = f"career_fit_test_{secrets.token_hex(6)}"
    postgres_execute(f'CREATE DATABASE "{name}"')
    try:
        yield postgres_url(name)
    finally:
        LATER_DROPS.drop(name)


@contextmanager
def app_migrated_to(
    revision: str, engine: str, folder: Path, fill: Callable[[], object]
) -> Iterator[Flask]:
    """Yield an app on a fresh ``engine`` database ("sqlite" or "postgresql") migrated up to
    ``revision`` and filled by ``fill`` (run in the app context, then committed): the state
    a migration test upgrades from."""
    database: AbstractContextManager[str] = (
        nullcontext(f"sqlite:///{folder / f'at-{revision}.sqlite3'}")
        if engine == "sqlite"
        else fresh_postgres_database()
    )
    with database as url:
        app = create_app({"TESTING": True, "SEED_ON_START": False, "SQLALCHEMY_DATABASE_URI": url})
        init_migrations(app)  # the app loads Flask-Migrate only to migrate; these tests do
        with app.app_context():
            flask_migrate.upgrade(revision=revision)
            fill()
            db.session.commit()
        yield app
        with app.app_context():
            db.engine.dispose()
