"""Load-test quiz submissions under gunicorn on PostgreSQL: every one must be stored and open.

    .venv/bin/python bench/load.py [--submissions 10000] [--concurrency 64] [--timeout 1200]
                                   [--workers N] [--ratelimit-storage URI]

In order, it:

1. creates a fresh PostgreSQL database (server from BENCH_POSTGRES_URL, by default
   postgresql://postgres@127.0.0.1:5432/postgres);
2. starts ``gunicorn -c gunicorn.conf.py "quiz:create_app()"`` on a free 127.0.0.1 port, with as
   many workers as gunicorn.conf.py gives this machine's CPU count (``--workers`` overrides)
   and QUIZ_SUBMISSION_LIMIT "100000000 per minute", since every submission comes from one
   address; rate-limit counters stay in each process's memory, the app's default, unless
   ``--ratelimit-storage`` names a shared store as a deployment does (docs/deploy.md:
   ``redis://127.0.0.1:6379/0``); the app migrates and seeds the empty database on start;
3. walks the quiz through its real pages, answering every page but the last: the session
   cookie then carries those answers, so each POST of the last page is a whole submission
   (validate, score, store a result, redirect to its link);
4. sends ``--submissions`` of them, ``--concurrency`` at a time, each on a new connection with
   raw http.client, redirects not followed, and records each status and latency;
5. opens every returned result link (each must answer 200, and no two may be the same) and
   reads the results table straight from PostgreSQL: it must hold exactly the returned
   links, no more, no fewer.

It prints submissions per second, p50/p99/max latency, the status counts, the error count, the
links checked and what the database holds, then stops gunicorn and drops the database,
whatever happened. An error is anything but a 302 to a result link, a submission the
deadline left unsent, a link that does not answer 200, and a result missing from or extra in
the database; tracebacks in the server log are counted apart. Exit status: 0 with neither
errors nor tracebacks, 1 otherwise, 2 when it cannot run (no PostgreSQL, gunicorn does not
start), 3 when the hard ``--timeout`` (seconds, the whole run) ran out.

Client and server share the machine: on two cores the figures say what this machine does
with the load generator running beside the server, not what a server alone could do.
"""

from __future__ import annotations

import argparse
import http.client
import http.cookiejar
import os
import re
import secrets
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import psycopg

if __package__ in (None, ""):
    # run as a script (python bench/load.py): the repo root makes ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.gunicorn_server import GunicornDidNotStart, Server, start_gunicorn  # noqa: E402
from bench.sessions import SessionSigner, cookie_value  # noqa: E402

POSTGRES_ADMIN_URL = os.environ.get(
    "BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
TOKEN_PATTERN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
OPTION_PATTERN = re.compile(r'<input[^>]*name="(q-[^"]+)"[^>]*value="([^"]+)"')
PAGE_NUMBER = re.compile(r"Page (\d+) of (\d+)")
RESULT_LINK = re.compile(r"^(?:http://[^/]+)?/r/([A-Za-z0-9_-]{43})$")
REQUEST_TIMEOUT_SECONDS = 30
# after --timeout, the run gets this long to wind down before it is cut short
GRACE_SECONDS = 60

EXIT_OK, EXIT_ERRORS, EXIT_CANNOT_RUN, EXIT_TIMEOUT = 0, 1, 2, 3


class CannotRun(Exception):
    """The load test could not start: nothing was measured."""


@dataclass(frozen=True)
class Submission:
    """The quiz's last page, answered: each POST of it, with its cookie, is a whole quiz."""

    path: str
    body: bytes
    cookie: str


@dataclass(frozen=True)
class Reply:
    status: int  # 0 when no response came back
    location: str
    seconds: float
    detail: str  # the start of an unexpected response, or the client's error


class Cleanup:
    """Undo what the run set up, once, from the main thread or from the watchdog."""

    def __init__(self) -> None:
        self._steps: list[Callable[[], None]] = []
        self._lock = threading.Lock()

    def add(self, step: Callable[[], None]) -> None:
        with self._lock:
            self._steps.append(step)

    def run(self) -> None:
        # held throughout: a second caller waits until the first has finished cleaning up
        with self._lock:
            steps, self._steps = self._steps, []
            for step in reversed(steps):
                try:
                    step()
                except Exception as error:  # clean up the rest whatever one step raised
                    print(f"cleanup: {error}", file=sys.stderr)


def create_database(cleanup: Cleanup) -> str:
    """Create a database for this run (dropped by ``cleanup``); return its SQLAlchemy URL."""
    name = f"career_fit_load_{secrets.token_hex(4)}"
    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=10) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as error:
        raise CannotRun(f"PostgreSQL at {POSTGRES_ADMIN_URL}: {error}") from error

    def drop() -> None:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=10) as admin:
            # FORCE: a gunicorn killed by the watchdog may have left connections open
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    cleanup.add(drop)
    server = urllib.parse.urlsplit(POSTGRES_ADMIN_URL).netloc
    return f"postgresql+psycopg://{server}/{name}"


def start_server(
    database_url: str, args: argparse.Namespace, log_path: Path, cleanup: Cleanup, secret_key: str
) -> Server:
    """Start Career Fit under gunicorn.conf.py on a free port; return it once all workers are up.

    Only this script's own choices reach the server (bench/gunicorn_server.py).
    """
    env = {
        "DATABASE_URL": database_url,
        "SECRET_KEY": secret_key,
        "QUIZ_SUBMISSION_LIMIT": "100000000 per minute",
        "RATELIMIT_STORAGE_URI": args.ratelimit_storage,
        # counters of their own, should the store be shared with other work
        "RATELIMIT_KEY_PREFIX": f"career-fit-load-{secrets.token_hex(4)}",
        "LOG_LEVEL": "WARNING",
    }
    try:
        server = start_gunicorn(env, log_path, workers=args.workers)
    except GunicornDidNotStart as error:
        raise CannotRun(str(error)) from error
    # the watchdog may stop it from its own thread: Server.stop waits for a stop under way
    cleanup.add(server.stop)
    return server


def prepare_submission(base_url: str) -> Submission:
    """Answer every page but the last through the real pages; return the last page's POST."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = 1
    while True:
        url = f"{base_url}/quiz/{page}"
        with opener.open(url, timeout=REQUEST_TIMEOUT_SECONDS) as response:
            html = response.read().decode()
        numbers = PAGE_NUMBER.search(html)
        token = TOKEN_PATTERN.search(html)
        if not numbers or not token or int(numbers.group(1)) != page:
            raise CannotRun(f"{url} is not quiz page {page} with a form")
        answers: dict[str, str] = {}
        for name, value in OPTION_PATTERN.findall(html):
            answers.setdefault(name, value)
        body = urllib.parse.urlencode({"csrf_token": token.group(1), "forward": "Next", **answers})
        if page == int(numbers.group(2)):
            cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
            return Submission(f"/quiz/{page}", body.encode(), cookie)
        # the redirect to the next page is followed; the jar keeps the session with the answers
        with opener.open(url, data=body.encode(), timeout=REQUEST_TIMEOUT_SECONDS) as response:
            if urllib.parse.urlsplit(response.url).path != f"/quiz/{page + 1}":
                raise CannotRun(f"answering {url} led to {response.url}")
        page += 1


def request(
    base_url: str,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Reply:
    """Send one request on a new connection; never follow a redirect."""
    address = urllib.parse.urlsplit(base_url)
    started = time.perf_counter()
    connection = http.client.HTTPConnection(
        address.hostname, address.port, timeout=REQUEST_TIMEOUT_SECONDS
    )
    try:
        connection.request(
            method, path, body=body, headers={"Connection": "close", **(headers or {})}
        )
        with connection.getresponse() as response:
            content = response.read()
            seconds = time.perf_counter() - started
            location = response.getheader("Location", "")
            detail = "" if response.status < 400 else content[:200].decode(errors="replace")
            return Reply(response.status, location, seconds, detail)
    except (OSError, http.client.HTTPException) as error:
        return Reply(0, "", time.perf_counter() - started, repr(error))
    finally:
        connection.close()


def submit(base_url: str, submission: Submission) -> Reply:
    return request(
        base_url,
        "POST",
        submission.path,
        submission.body,
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": submission.cookie},
    )


def run_concurrently(
    count: int, concurrency: int, deadline: float, task: Callable[[int], Reply]
) -> list[Reply | None]:
    """Run ``task(i)`` for i < count, ``concurrency`` at a time; None for what the deadline cut."""
    replies: list[Reply | None] = [None] * count
    next_index = iter(range(count))
    lock = threading.Lock()

    def work() -> None:
        while time.monotonic() < deadline:
            with lock:
                index = next(next_index, None)
            if index is None:
                return
            replies[index] = task(index)

    threads = [threading.Thread(target=work, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        # a request times out after REQUEST_TIMEOUT_SECONDS, so this ends soon after the deadline
        thread.join()
    return replies


def percentile(sorted_values: list[float], percent: float) -> float:
    """The nearest-rank percentile of values sorted ascending."""
    if not sorted_values:
        return float("nan")
    rank = max(1, round(percent / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def stored_tokens(database_url: str) -> list[str]:
    url = database_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(url, connect_timeout=10) as connection:
        return [row[0] for row in connection.execute("SELECT share_token FROM result")]


def load_test(args: argparse.Namespace, deadline: float, cleanup: Cleanup, workdir: Path) -> int:
    """Run the whole load test; print the figures; return the exit status."""
    database_url = create_database(cleanup)
    log_path = workdir / "gunicorn.log"
    secret_key = secrets.token_hex(32)
    server = start_server(database_url, args, log_path, cleanup, secret_key)
    base_url = server.base_url
    print(
        f"Career Fit load test: {args.submissions} submissions, {args.concurrency} at a time, "
        f"to gunicorn with {server.workers} workers x {server.threads} threads "
        f"({os.cpu_count()} CPUs) on PostgreSQL, rate limits in {args.ratelimit_storage}, "
        f"at {base_url}",
        flush=True,
    )
    walked = prepare_submission(base_url)
    # a quiz run is stored once: each submission is the walked run with a finish id of its own
    session = cookie_value(walked.cookie)
    if session is None:
        raise CannotRun(f"the quiz gave no session cookie: {walked.cookie!r}")
    submissions = [
        replace(walked, cookie=f"session={cookie}")
        for cookie in SessionSigner(secret_key).fresh_runs(session, args.submissions)
    ]

    started = time.perf_counter()
    replies = run_concurrently(
        args.submissions, args.concurrency, deadline, lambda i: submit(base_url, submissions[i])
    )
    submitting_took = time.perf_counter() - started
    sent = [r for r in replies if r is not None]
    not_sent = len(replies) - len(sent)
    statuses = Counter(r.status for r in sent)
    latencies = sorted(r.seconds * 1000 for r in sent)
    accepted = [r for r in sent if r.status == 302 and RESULT_LINK.match(r.location)]
    failed = [r for r in sent if not (r.status == 302 and RESULT_LINK.match(r.location))]
    tokens = [m.group(1) for r in accepted if (m := RESULT_LINK.match(r.location))]
    duplicates = len(tokens) - len(set(tokens))

    paths = [urllib.parse.urlsplit(r.location).path for r in accepted]
    started = time.perf_counter()
    link_replies = run_concurrently(
        len(paths), args.concurrency, deadline, lambda i: request(base_url, "GET", paths[i])
    )
    checking_took = time.perf_counter() - started
    link_statuses = Counter(r.status if r else "not checked" for r in link_replies)
    broken_links = sum(n for status, n in link_statuses.items() if status != 200)

    in_database = stored_tokens(database_url)
    missing = len(set(tokens) - set(in_database))
    extra = len(set(in_database) - set(tokens))
    log = log_path.read_text(errors="replace")
    tracebacks = log.count("Traceback")

    # a failed request shows in the server log too: tracebacks are counted on their own
    errors = len(failed) + not_sent + duplicates + broken_links + missing + extra
    rate = len(sent) / submitting_took if submitting_took else float("nan")
    print(f"submissions     {len(sent)} sent in {submitting_took:.1f} s: {rate:.1f} per second")
    print(
        f"latency         p50 {percentile(latencies, 50):.1f} ms, "
        f"p99 {percentile(latencies, 99):.1f} ms, max {latencies[-1] if latencies else 0:.1f} ms, "
        f"mean {statistics.fmean(latencies) if latencies else 0:.1f} ms"
    )
    unsent = f", {not_sent} not sent before the deadline" if not_sent else ""
    print(f"statuses        {dict(sorted(statuses.items()))}{unsent}")
    print(
        f"links checked   {len(paths)} in {checking_took:.1f} s: {dict(link_statuses)}, "
        f"{duplicates} duplicate links"
    )
    print(
        f"database        {len(in_database)} results for {len(tokens)} links "
        f"({missing} missing, {extra} without a returned link)"
    )
    print(f"server log      {tracebacks} tracebacks, {log.count('WARNING')} warnings")
    print(f"errors          {errors}")
    for reply in failed[:5]:
        print(f"  e.g. {reply.status} {reply.location!r} {reply.detail!r}")
    if tracebacks or failed:
        print("server log tail:\n" + log[-3000:])
    return EXIT_OK if errors == 0 and tracebacks == 0 else EXIT_ERRORS


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--submissions", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument(
        "--workers", type=int, default=None, help="gunicorn workers (default: gunicorn.conf.py)"
    )
    parser.add_argument(
        "--timeout", type=float, default=1200, help="seconds for the whole run, at most"
    )
    parser.add_argument(
        "--ratelimit-storage",
        default="memory://",
        help="the app's RATELIMIT_STORAGE_URI (default: memory://, the app's own default)",
    )
    args = parser.parse_args()
    if args.submissions < 1 or args.concurrency < 1:
        parser.error("--submissions and --concurrency must be at least 1")

    deadline = time.monotonic() + args.timeout
    cleanup = Cleanup()

    def cut_short() -> None:
        print(f"hard timeout: the run took over {args.timeout + GRACE_SECONDS:.0f} s", flush=True)
        cleanup.run()
        os._exit(EXIT_TIMEOUT)

    watchdog = threading.Timer(args.timeout + GRACE_SECONDS, cut_short)
    watchdog.daemon = True
    watchdog.start()
    try:
        with tempfile.TemporaryDirectory(prefix="career-fit-load-") as workdir:
            try:
                status = load_test(args, deadline, cleanup, Path(workdir))
            finally:
                cleanup.run()
    except CannotRun as error:
        print(f"cannot run: {error}", file=sys.stderr)
        return EXIT_CANNOT_RUN
    finally:
        watchdog.cancel()
    if time.monotonic() > deadline:
        print(f"timeout: the run took over {args.timeout:.0f} s")
        return EXIT_TIMEOUT
    return status


if __name__ == "__main__":
    sys.exit(main())
