"""Real servers for tests that need real processes: gunicorn with the production config, and
fresh PostgreSQL databases.

``gunicorn_server`` runs the app under ``gunicorn -c gunicorn.conf.py`` through the launcher
the benchmarks use too (bench/gunicorn_server.py): its own process group, a free loopback
port, ready once /healthz answers with every worker, always stopped. The app reads its
settings from the environment, so a test configures a server with ``env`` alone; settings
from the shell running the tests never leak in.

``postgres_database`` creates a database with a unique name and drops it afterwards, even
when connections to it are still open.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from bench import gunicorn_server as launcher
from bench.gunicorn_server import Server

__all__ = ["Server", "gunicorn_server", "postgres_database", "postgres_problem", "unavailable"]

POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
IN_CI = os.environ.get("CI", "").lower() == "true"


@contextmanager
def gunicorn_server(
    env: Mapping[str, str],
    workdir: Path,
    *,
    workers: int = 1,
    threads: int = 4,
    app_spec: str = launcher.APP_SPEC,
) -> Iterator[Server]:
    """Run the app under the repo's gunicorn.conf.py on a free 127.0.0.1 port; yield it.

    ``env`` is the app's configuration (DATABASE_URL, SECRET_KEY, ...). The server's output
    goes to a log file in ``workdir``; the access log is off, so the log holds warnings,
    errors and tracebacks only. The server is stopped on the way out, whatever happened.
    """
    port = launcher.free_port()
    settings = {
        "LOG_LEVEL": "WARNING",
        # these tests send thousands of submissions from one address on purpose
        "QUIZ_SUBMISSION_LIMIT": "1000000 per minute",
        **env,
        "GUNICORN_ACCESS_LOG": "",
    }
    with launcher.gunicorn_server(
        settings,
        workdir / f"gunicorn-{port}.log",
        app_spec=app_spec,
        workers=workers,
        threads=threads,
        port=port,
    ) as server:
        yield server


def unavailable(reason: str) -> None:
    """Skip the test because a service it needs is missing; under CI (CI=true), fail it."""
    if IN_CI:
        pytest.fail(f"{reason} (CI requires it)")
    pytest.skip(reason)


def postgres_problem() -> str | None:
    """Return why PostgreSQL can't be used, or None when it answers."""
    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3):
            return None
    except psycopg.Error as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        return f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}: {first_line}"


def _postgres_execute(statement: str) -> None:
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=10) as connection:
        connection.execute(statement)


@contextmanager
def postgres_database(prefix: str = "career_fit_test") -> Iterator[str]:
    """Create a PostgreSQL database with a unique name; yield its SQLAlchemy URL; drop it.

    Skips the test (fails it under CI) when PostgreSQL does not answer.
    """
    problem = postgres_problem()
    if problem is not None:
        unavailable(problem)
    name = f"{prefix}_{secrets.token_hex(6)}"
    _postgres_execute(f'CREATE DATABASE "{name}"')
    try:
        server = POSTGRES_ADMIN_URL.split("://", 1)[1].rsplit("/", 1)[0]
        yield f"postgresql+psycopg://{server}/{name}"
    finally:
        # FORCE ends connections a stopped server or a failed test may have left open
        _postgres_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
