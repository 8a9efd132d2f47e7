"""Several gunicorn workers storing submissions at once lose nothing, on SQLite and PostgreSQL.

Four client processes send 200 final-page submissions each, many at a time, to gunicorn
running the production config with four worker processes. Every submission must be answered
with a redirect to its own result link, be stored exactly once, and its link must open: no
5xx, and no "database is locked" in the server's log (SQLite runs in WAL mode with a busy
timeout: quiz/db.py).
"""

from __future__ import annotations

import http.client
import http.cookiejar
import multiprocessing
import re
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from helpers import csrf_token, page_options
from servers import gunicorn_server, postgres_database
from sqlalchemy import create_engine, func, select

from bench.sessions import SessionSigner, cookie_value
from quiz.models import Result

CLIENT_PROCESSES = 4
SUBMISSIONS_PER_PROCESS = 200
# Submissions in flight at once in each client process. On a slow machine lower this, never
# the counts above: the test is about every one of 800 submissions arriving together.
THREADS_PER_CLIENT = 50
SERVER_WORKERS = 4
SERVER_THREADS = 4
LINK_CHECK_THREADS = 16
REQUEST_TIMEOUT_SECONDS = 60

RESULT_LINK = re.compile(r"^/r/([A-Za-z0-9_-]{43})$")
PAGE_NUMBER = re.compile(r"Page (\d+) of (\d+)")
RESULTS = Result.__table__


@dataclass(frozen=True)
class Submission:
    """One POST of the quiz's last page that finishes the quiz, ready to send again and again.

    The session cookie carries every earlier answer, so each send is a whole submission.
    """

    host: str
    port: int
    path: str
    body: bytes
    cookie: str


@dataclass(frozen=True)
class Reply:
    status: int  # 0 when no response came back
    location: str
    detail: str  # the start of an unexpected response's body, or the client's error


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a database with nothing in it: a new SQLite file, or a new PostgreSQL one."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'career_fit.sqlite3'}"
    else:
        with postgres_database("career_fit_concurrency") as url:
            yield url


def prepare_submission(base_url: str) -> Submission:
    """Answer every page but the last through the real pages; return the last one's submission."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = 1
    while True:
        url = f"{base_url}/quiz/{page}"
        with opener.open(url, timeout=REQUEST_TIMEOUT_SECONDS) as response:
            html = response.read().decode()
        numbers = PAGE_NUMBER.search(html)
        assert numbers, f"{url} does not say which page it is"
        assert int(numbers.group(1)) == page
        answers = {name: values[0] for name, values in page_options(html).items()}
        assert answers, f"{url} has no questions"
        form = {"csrf_token": csrf_token(html), "forward": "Next", **answers}
        body = urllib.parse.urlencode(form).encode()
        if page == int(numbers.group(2)):
            break
        # the redirect to the next page is followed; the jar keeps the answers' session
        with opener.open(url, data=body, timeout=REQUEST_TIMEOUT_SECONDS) as response:
            assert urllib.parse.urlsplit(response.url).path == f"/quiz/{page + 1}"
        page += 1
    address = urllib.parse.urlsplit(base_url)
    return Submission(
        host=address.hostname or "127.0.0.1",
        port=address.port or 80,
        path=f"/quiz/{page}",
        body=body,
        cookie="; ".join(f"{cookie.name}={cookie.value}" for cookie in jar),
    )


def submit(submission: Submission) -> Reply:
    """Send one submission and report the answer, without following its redirect."""
    connection = http.client.HTTPConnection(
        submission.host, submission.port, timeout=REQUEST_TIMEOUT_SECONDS
    )
    try:
        connection.request(
            "POST",
            submission.path,
            body=submission.body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": submission.cookie,
                "Connection": "close",
            },
        )
        with connection.getresponse() as response:
            body = response.read()
            location = response.getheader("Location", "")
            detail = "" if response.status == 302 else body[:300].decode(errors="replace")
            return Reply(response.status, location, detail)
    except (OSError, http.client.HTTPException) as error:
        return Reply(0, "", repr(error))
    finally:
        connection.close()


def quiz_runs(walked: Submission, secret_key: str, count: int) -> list[Submission]:
    """Return ``count`` copies of the walked quiz's last page, each a quiz run of its own.

    A run is stored once (its one-time finish id): sending one cookie again would rightly
    give back the same result, so each copy's session is re-signed with a fresh finish id.
    """
    session = cookie_value(walked.cookie)
    assert session is not None, walked.cookie
    runs = SessionSigner(secret_key).fresh_runs(session, count)
    return [replace(walked, cookie=f"session={cookie}") for cookie in runs]


def submit_many(submissions: list[Submission], threads: int) -> list[Reply]:
    """Send ``submissions``, ``threads`` at a time (runs in a client process)."""
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(submit, submissions))


def submit_from_processes(submissions: list[Submission]) -> list[Reply]:
    """Send the submissions from CLIENT_PROCESSES processes at once; return all replies."""
    # fork: the children need not import this module again, however pytest imported it
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(CLIENT_PROCESSES, mp_context=context) as processes:
        batches = processes.map(
            submit_many,
            [submissions[n::CLIENT_PROCESSES] for n in range(CLIENT_PROCESSES)],
            [THREADS_PER_CLIENT] * CLIENT_PROCESSES,
        )
        return [reply for batch in batches for reply in batch]


def link_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=REQUEST_TIMEOUT_SECONDS) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        error.close()
        return error.code
    except OSError:
        return 0


def stored_results(database_url: str) -> tuple[int, set[str]]:
    """Count the stored results and collect their share tokens, straight from the database."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            count = connection.scalar(select(func.count()).select_from(RESULTS))
            tokens = set(connection.scalars(select(RESULTS.c.share_token)))
    finally:
        engine.dispose()
    return count or 0, tokens


def test_concurrent_submissions_to_four_workers_are_each_stored_once_and_resolve(
    empty_database: str, redis_url: str, key_prefix: str, tmp_path: Path
) -> None:
    expected = CLIENT_PROCESSES * SUBMISSIONS_PER_PROCESS
    env = {
        "DATABASE_URL": empty_database,
        "SECRET_KEY": secrets.token_hex(32),
        # the rate limits in Redis, as docs/deploy.md says to run several workers: the
        # in-memory store of limits 5.8 races under threaded workers (an upstream bug)
        "RATELIMIT_STORAGE_URI": redis_url,
        "RATELIMIT_KEY_PREFIX": key_prefix,
    }
    with gunicorn_server(env, tmp_path, workers=SERVER_WORKERS, threads=SERVER_THREADS) as server:
        submissions = quiz_runs(prepare_submission(server.base_url), env["SECRET_KEY"], expected)
        count_before, tokens_before = stored_results(empty_database)

        started = time.monotonic()
        replies = submit_from_processes(submissions)
        submitting_took = time.monotonic() - started

        links = [r.location for r in replies if RESULT_LINK.match(r.location)]
        with ThreadPoolExecutor(LINK_CHECK_THREADS) as pool:
            link_statuses = Counter(pool.map(link_status, [server.base_url + p for p in links]))
        count_after, tokens_after = stored_results(empty_database)
    log = server.log()

    statuses = Counter(reply.status for reply in replies)
    unexpected = [r for r in replies if r.status != 302 or not RESULT_LINK.match(r.location)]
    assert not unexpected, (
        f"{len(unexpected)} of {expected} submissions did not redirect to a result link "
        f"(statuses {dict(statuses)}, {submitting_took:.1f} s); first ones: {unexpected[:3]}\n"
        f"server log:\n{log[-3000:]}"
    )
    assert "database is locked" not in log, log[-3000:]
    assert "Traceback" not in log, log[-3000:]

    returned = {match.group(1) for link in links if (match := RESULT_LINK.match(link))}
    assert len(returned) == expected, "some submissions were given the same link"
    assert count_after - count_before == expected
    assert tokens_after - tokens_before == returned
    assert link_statuses == {200: expected}, dict(link_statuses)
