"""Start Career Fit (or another app) under the repo's gunicorn.conf.py, and stop it again.

The one way the benchmarks, the security scan and the tests that need real processes run
gunicorn: ``gunicorn -c gunicorn.conf.py APP_SPEC`` in its own process group on a 127.0.0.1
port, with an environment that holds only what the caller chose (plus what any process needs
to run: PATH, HOME, locale, temporary folder, libpq's own settings). Settings from the shell
that starts it never reach the server, so a run measures or tests what it says it does.

    with gunicorn_server({"DATABASE_URL": url, "SECRET_KEY": key}, log_path) as server:
        urllib.request.urlopen(server.base_url + "/")

``start_gunicorn`` returns once /healthz answers 200 and every worker is up; ``Server.stop``
stops it gracefully (SIGTERM: workers finish their requests) and then kills whatever is left
of its process group. ``gunicorn_server`` does both around a ``with`` block.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).parent / "gunicorn"
CONFIG = ROOT / "gunicorn.conf.py"
APP_SPEC = "quiz:create_app()"
HOST = "127.0.0.1"

# What any process needs to run, taken from the caller's environment; nothing else is.
# libpq reads PG* (PGPASSWORD, PGSSLMODE...): the server then connects to PostgreSQL as the
# process that created its database did.
PASSED_THROUGH = ("PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TZ")
PASSED_THROUGH_PREFIXES = ("PG",)

START_TIMEOUT_SECONDS = 60
# gunicorn.conf.py gives workers 20 s to finish their requests after SIGTERM
STOP_TIMEOUT_SECONDS = 30
HEALTH_PATH = "/healthz"
LOG_TAIL_CHARACTERS = 4000


class GunicornDidNotStart(RuntimeError):
    """gunicorn exited or did not answer in time; the message ends with its log's tail."""


@dataclass(frozen=True)
class Server:
    """A running gunicorn: where it answers, its master's pid, its log, and its size."""

    base_url: str
    pid: int
    log_path: Path
    workers: int
    threads: int
    _process: subprocess.Popen[bytes] = field(repr=False, compare=False)
    _stopping: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def log_tail(self) -> str:
        return self.log()[-LOG_TAIL_CHARACTERS:]

    def worker_pids(self) -> set[int]:
        return worker_pids(self.pid)

    def stop(self) -> None:
        """Stop gracefully, then kill what is left of the process group; safe to call twice.

        The lock makes a second caller (a watchdog thread, a ``finally``) wait until the
        server is gone.
        """
        with self._stopping:
            _stop(self._process)


def free_port() -> int:
    """Return a loopback port that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def server_environment(env: Mapping[str, str]) -> dict[str, str]:
    """Return what a process needs to run from this process's environment, plus ``env``."""
    inherited = {
        key: value
        for key, value in os.environ.items()
        if key in PASSED_THROUGH or key.startswith(PASSED_THROUGH_PREFIXES)
    }
    return {**inherited, **env}


def configured_size(environment: Mapping[str, str]) -> tuple[int, int]:
    """Return the workers and threads gunicorn.conf.py gives gunicorn in ``environment``."""
    if "GUNICORN_WORKERS" in environment and "GUNICORN_THREADS" in environment:
        return int(environment["GUNICORN_WORKERS"]), int(environment["GUNICORN_THREADS"])
    # the config's own rule (its CPU count, its defaults), read the way gunicorn reads it
    read = "import runpy; c = runpy.run_path('gunicorn.conf.py'); print(c['workers'], c['threads'])"
    output = subprocess.run(
        [sys.executable, "-c", read],
        cwd=ROOT,
        env=dict(environment),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    workers, threads = output.split()
    return int(workers), int(threads)


def worker_pids(master_pid: int) -> set[int]:
    """Return the process ids of a gunicorn master's workers (its children), from /proc."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    try:
        return {int(pid) for pid in children.read_text().split()}
    except OSError:
        return set()


def start_gunicorn(
    env: Mapping[str, str],
    log_path: Path,
    *,
    app_spec: str = APP_SPEC,
    workers: int | None = None,
    threads: int | None = None,
    port: int | None = None,
    start_timeout: float = START_TIMEOUT_SECONDS,
) -> Server:
    """Start gunicorn with the repo's config; return it once it answers with every worker.

    ``env`` is the app's configuration (DATABASE_URL, SECRET_KEY, GUNICORN_ACCESS_LOG...);
    the access log is off unless ``env`` names one. ``workers`` and ``threads`` default to
    what gunicorn.conf.py chooses; ``port`` to a free one. gunicorn's output goes to
    ``log_path``. Raises GunicornDidNotStart, the server stopped, when it exits or has not
    answered /healthz with all its workers within ``start_timeout`` seconds.
    """
    port = free_port() if port is None else port
    environment = server_environment(
        {
            "GUNICORN_ACCESS_LOG": "",
            **env,
            "GUNICORN_BIND": f"{HOST}:{port}",
            "PYTHONUNBUFFERED": "1",
        }
    )
    if workers is not None:
        environment["GUNICORN_WORKERS"] = str(workers)
    if threads is not None:
        environment["GUNICORN_THREADS"] = str(threads)
    expected_workers, expected_threads = configured_size(environment)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [str(GUNICORN), "-c", str(CONFIG), app_spec],
            cwd=ROOT,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            # its own process group: stopping it can never reach the caller
            start_new_session=True,
        )
    server = Server(
        f"http://{HOST}:{port}",
        process.pid,
        log_path,
        expected_workers,
        expected_threads,
        process,
    )
    try:
        _wait_until_ready(server, process, start_timeout)
    except BaseException:
        server.stop()
        raise
    return server


@contextmanager
def gunicorn_server(
    env: Mapping[str, str],
    log_path: Path,
    *,
    app_spec: str = APP_SPEC,
    workers: int | None = None,
    threads: int | None = None,
    port: int | None = None,
    start_timeout: float = START_TIMEOUT_SECONDS,
) -> Iterator[Server]:
    """``start_gunicorn``, then yield the server; stopped on the way out, whatever happened."""
    server = start_gunicorn(
        env,
        log_path,
        app_spec=app_spec,
        workers=workers,
        threads=threads,
        port=port,
        start_timeout=start_timeout,
    )
    try:
        yield server
    finally:
        server.stop()


def _healthy(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(base_url + HEALTH_PATH, timeout=5) as response:
            return bool(response.status == 200)
    except urllib.error.HTTPError as error:
        error.close()  # up but unhealthy (503): keep waiting
        return False
    except OSError:
        return False  # not listening yet


def _wait_until_ready(server: Server, process: subprocess.Popen[bytes], timeout: float) -> None:
    """Wait for /healthz and for every worker: a load must meet the whole server."""
    deadline = time.monotonic() + timeout
    # where /proc lists no children there is nothing to count, and an answer has to do
    countable = Path(f"/proc/{server.pid}/task/{server.pid}/children").exists()
    while not (
        _healthy(server.base_url)
        and (not countable or len(worker_pids(server.pid)) >= server.workers)
    ):
        if process.poll() is not None:
            raise GunicornDidNotStart(
                f"gunicorn exited with status {process.returncode} before it answered "
                f"(log: {server.log_path}):\n{server.log_tail()}"
            )
        if time.monotonic() > deadline:
            raise GunicornDidNotStart(
                f"gunicorn did not start {server.workers} workers answering {HEALTH_PATH} "
                f"within {timeout:.0f} s (log: {server.log_path}):\n{server.log_tail()}"
            )
        time.sleep(0.2)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        # the master exits only after its workers have
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
    # A master that would not go, or died on its own, can leave workers behind. The group id
    # stays theirs while any of them lives; with none left, killpg finds nothing.
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=STOP_TIMEOUT_SECONDS)
