"""Real servers for tests that need real processes: gunicorn with the production config, and
fresh PostgreSQL databases.

``gunicorn_server`` starts ``gunicorn -c gunicorn.conf.py "quiz:create_app()"`` in its own
process group on a free loopback port, waits until it answers, and always stops it. The app
reads its settings from the environment, so a test configures a server with ``env`` alone;
settings from the shell running the tests never leak in.

``postgres_database`` creates a database with a unique name and drops it afterwards, even
when connections to it are still open.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).parent / "gunicorn"
POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
IN_CI = os.environ.get("CI", "").lower() == "true"

# Read by the app or by gunicorn.conf.py: never inherited from the shell running the tests.
SERVER_SETTINGS_PREFIXES = ("GUNICORN_", "RATELIMIT_", "ADMIN_SIGN_IN_", "QUIZ_")
SERVER_SETTINGS = (
    "DATABASE_URL",
    "SECRET_KEY",
    "LOG_LEVEL",
    "SESSION_COOKIE_SECURE",
    "TRUST_PROXY_HOPS",
    "FORWARDED_ALLOW_IPS",
)
START_TIMEOUT_SECONDS = 60
# gunicorn.conf.py gives workers 20 s to finish their requests after SIGTERM
STOP_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class Server:
    """A running gunicorn: where it answers, its master's process id, and its log file."""

    base_url: str
    pid: int
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    """Return a loopback port that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_environment(env: Mapping[str, str]) -> dict[str, str]:
    """Return this process's environment without any server setting, plus ``env``."""
    inherited = {
        key: value
        for key, value in os.environ.items()
        if key not in SERVER_SETTINGS and not key.startswith(SERVER_SETTINGS_PREFIXES)
    }
    return {**inherited, **env}


@contextmanager
def gunicorn_server(
    env: Mapping[str, str],
    workdir: Path,
    *,
    workers: int = 1,
    threads: int = 4,
    app_spec: str = "quiz:create_app()",
) -> Iterator[Server]:
    """Run the app under the repo's gunicorn.conf.py on a free 127.0.0.1 port; yield it.

    ``env`` is the app's configuration (DATABASE_URL, SECRET_KEY, ...). The server's output
    goes to a log file in ``workdir``; the access log is off, so the log holds warnings,
    errors and tracebacks only. The server is stopped on the way out, whatever happened.
    """
    port = free_port()
    log_path = workdir / f"gunicorn-{port}.log"
    environment = server_environment(
        {
            "LOG_LEVEL": "WARNING",
            # these tests send thousands of submissions from one address on purpose
            "QUIZ_SUBMISSION_LIMIT": "1000000 per minute",
            **env,
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": str(workers),
            "GUNICORN_THREADS": str(threads),
            "GUNICORN_ACCESS_LOG": "",
            "PYTHONUNBUFFERED": "1",
        }
    )
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [str(GUNICORN), "-c", str(ROOT / "gunicorn.conf.py"), app_spec],
            cwd=ROOT,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            # its own process group: stopping it can never reach the test runner
            start_new_session=True,
        )
        try:
            server = Server(f"http://127.0.0.1:{port}", process.pid, log_path)
            _wait_until_healthy(server, process)
            yield server
        finally:
            _stop(process)


def _wait_until_healthy(server: Server, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while True:
        try:
            with urllib.request.urlopen(server.base_url + "/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except urllib.error.HTTPError as error:
            error.close()  # up but unhealthy (503): keep waiting
        except OSError:
            pass  # not listening yet
        if process.poll() is not None:
            raise RuntimeError(
                f"gunicorn exited with status {process.returncode} before it answered:\n"
                + server.log()[-4000:]
            )
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"gunicorn did not answer within {START_TIMEOUT_SECONDS} s:\n"
                + server.log()[-4000:]
            )
        time.sleep(0.2)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop gunicorn gracefully; kill its whole process group if it will not go."""
    if process.poll() is not None:
        return  # a master that died on its own: its workers notice and exit
    process.send_signal(signal.SIGTERM)
    try:
        # the master exits only after its workers have
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        # not reaped yet, so the group id is still this server's own
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_TIMEOUT_SECONDS)


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
