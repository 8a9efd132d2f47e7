"""Losing PostgreSQL mid-run: a friendly 503, kept answers, recovery without a restart.

The app talks to PostgreSQL through a TCP proxy (tests/tcp_proxy.py) on its own loopback
port; the real server keeps running for everyone else. Cutting the proxy is the database
going away: new connections are refused and open ones are reset. Each test runs the app in
this process (Flask's test client) and for real under gunicorn with two workers.

The promise being tested: while the database is away every page answers 503 in the site's
layout, /healthz says unhealthy, and a finished quiz is refused with every answer still in
the taker's session cookie, whether or not the process has read the quiz before (a "cold"
one is a gunicorn worker that just started or was recycled); once it is back, everything
answers again without a restart and the same submission stores exactly one result whose
link opens. Cutting the connection in the middle of storing a result must leave either that
whole result with its link given to the taker, or nothing stored and the answers kept for a
retry: the proxy cuts before the INSERT arrives, before the COMMIT arrives, and after the
database committed but before the app hears so.
"""

from __future__ import annotations

import http.client
import http.cookies
import json
import logging
import os
import re
import secrets
import signal
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import psycopg
import pytest
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from flask.testing import FlaskClient
from helpers import csrf_token, page_options
from servers import Server, gunicorn_server, postgres_database
from tcp_proxy import CutPoint, TcpProxy

from quiz import create_app
from quiz.db import db
from quiz.store.caches import forget_caches

SECRET_KEY = secrets.token_hex(32)
SESSION_COOKIE = "session"
REQUEST_TIMEOUT_SECONDS = 30
# Requests repeated in each phase, so that both gunicorn workers meet it.
REPEATS = 6
SERVER_WORKERS = 2
WORKER_REPLACEMENT_SECONDS = 30

RESULT_LINK = re.compile(r"^(?:http://[^/]+)?/r/([A-Za-z0-9_-]{43})$")
PAGE_NUMBER = re.compile(r"Page (\d+) of (\d+)")
CHECKED_OPTION = re.compile(r'<input[^>]*name="q-([^"]+)"[^>]*value="([^"]+)" checked>')
FRIENDLY_TITLE = "Career Fit is briefly unavailable"
FRIENDLY_PROMISE = "your answers so far are kept"
INTERNALS = ("Traceback", "OperationalError", "psycopg", "sqlalchemy", "Internal Server Error")

# What psycopg sends when the app stores a result, and when it commits.
INSERT_RESULT = b"INSERT INTO result ("
COMMIT = b"COMMIT\x00"
CUT_POINTS = {
    "insert-never-arrives": CutPoint(at=INSERT_RESULT),
    "commit-never-arrives": CutPoint(after=(INSERT_RESULT,), at=COMMIT),
    # the database commits, and the connection dies before the app hears that it did
    "commit-done-but-unheard": CutPoint(after=(INSERT_RESULT,), at=COMMIT, reply=COMMIT),
}


@dataclass(frozen=True)
class Page:
    status: int
    location: str
    content_type: str
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


class Visitor(Protocol):
    """One person's browser: it keeps their cookie between requests."""

    def get(self, path: str) -> Page: ...

    def post(self, path: str, form: dict[str, str]) -> Page: ...

    def session_cookie(self) -> str | None: ...


class FlaskClientVisitor:
    """A visitor of the app running in this process, through Flask's test client."""

    def __init__(self, client: FlaskClient):
        self.client = client

    def _page(self, response: Any) -> Page:
        return Page(
            response.status_code,
            response.headers.get("Location", ""),
            response.content_type or "",
            response.get_data(as_text=True),
        )

    def get(self, path: str) -> Page:
        return self._page(self.client.get(path))

    def post(self, path: str, form: dict[str, str]) -> Page:
        return self._page(self.client.post(path, data=form))

    def session_cookie(self) -> str | None:
        cookie = self.client.get_cookie(SESSION_COOKIE)
        return cookie.value if cookie else None


class HttpVisitor:
    """A visitor of a live server, over plain http.client: one connection a request."""

    def __init__(self, base_url: str):
        address = urllib.parse.urlsplit(base_url)
        self.host = address.hostname or "127.0.0.1"
        self.port = address.port or 80
        self.cookies: dict[str, str] = {}

    def _request(self, method: str, path: str, body: bytes | None = None) -> Page:
        headers = {"Connection": "close"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(
            self.host, self.port, timeout=REQUEST_TIMEOUT_SECONDS
        )
        try:
            connection.request(method, path, body=body, headers=headers)
            with connection.getresponse() as response:
                text = response.read().decode("utf-8", errors="replace")
                for header in response.headers.get_all("Set-Cookie") or []:
                    self._keep(header)
                return Page(
                    response.status,
                    response.getheader("Location", ""),
                    response.getheader("Content-Type", ""),
                    text,
                )
        finally:
            connection.close()

    def _keep(self, header: str) -> None:
        for name, morsel in http.cookies.SimpleCookie(header).items():
            if morsel["max-age"] == "0" or not morsel.value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value

    def get(self, path: str) -> Page:
        return self._request("GET", path)

    def post(self, path: str, form: dict[str, str]) -> Page:
        return self._request("POST", path, urllib.parse.urlencode(form).encode())

    def session_cookie(self) -> str | None:
        return self.cookies.get(SESSION_COOKIE)


@dataclass
class Site:
    """The app under test, reached through the proxy, and how to read its log."""

    kind: str
    proxy: TcpProxy
    database_url: str  # straight to the real server, for counting what was stored
    visitor: Visitor
    read_log: Callable[[], str] = field(repr=False)
    # make every process of the app forget the quiz versions it has read (quiz/versions.py)
    go_cold: Callable[[], None] = field(repr=False)

    def log(self) -> str:
        return self.read_log()


@pytest.fixture
def database() -> Iterator[str]:
    with postgres_database("career_fit_faults") as url:
        yield url


@pytest.fixture
def proxy(database: str) -> Iterator[TcpProxy]:
    address = urllib.parse.urlsplit(database)
    with TcpProxy((address.hostname or "127.0.0.1", address.port or 5432)) as proxy:
        yield proxy


def through(proxy: TcpProxy, database_url: str) -> str:
    """Return ``database_url`` pointed at the proxy, without TLS so the proxy can read it."""
    address = urllib.parse.urlsplit(database_url)
    user = f"{address.username}@" if address.username else ""
    return urllib.parse.urlunsplit(
        address._replace(netloc=f"{user}{proxy.address}", query="sslmode=disable")
    )


@pytest.fixture(params=["in-process", "gunicorn"])
def site(
    request: pytest.FixtureRequest,
    database: str,
    proxy: TcpProxy,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> Iterator[Site]:
    """The app on a fresh database, its connections all going through ``proxy``."""
    url = through(proxy, database)
    if request.param == "in-process":
        caplog.set_level(logging.WARNING)
        app = create_app(
            {"TESTING": True, "SECRET_KEY": SECRET_KEY, "SQLALCHEMY_DATABASE_URI": url}
        )
        try:
            yield Site(
                "in-process",
                proxy,
                database,
                FlaskClientVisitor(app.test_client()),
                lambda: caplog.text,
                lambda: forget_caches(app),
            )
        finally:
            with app.app_context():
                db.engine.dispose()
        return
    env = {"DATABASE_URL": url, "SECRET_KEY": SECRET_KEY}
    with gunicorn_server(env, tmp_path, workers=SERVER_WORKERS) as server:
        yield Site(
            "gunicorn",
            proxy,
            database,
            HttpVisitor(server.base_url),
            server.log,
            lambda: replace_workers(server),
        )


def worker_pids(master_pid: int) -> set[int]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    return {int(pid) for pid in children.read_text().split()}


def replace_workers(server: Server) -> None:
    """Have gunicorn replace every worker with a fresh one, as it does after max_requests."""
    old = worker_pids(server.pid)
    for pid in old:
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + WORKER_REPLACEMENT_SECONDS
    while (current := worker_pids(server.pid)) & old or len(current) < len(old):
        assert time.monotonic() < deadline, f"gunicorn did not replace its workers {old}"
        time.sleep(0.1)


@dataclass(frozen=True)
class Finish:
    """The quiz's last page, answered and ready to send: sending it finishes the quiz."""

    path: str
    form: dict[str, str]
    answers: dict[str, str]  # every question's answer, earlier pages' included
    earlier: dict[str, str]  # the answers of the earlier pages, kept in the session already


def answer_all_but_the_last_page(visitor: Visitor) -> Finish:
    """Answer every page but the last through the real pages; return the last page's form."""
    answers: dict[str, str] = {}
    page = 1
    while True:
        path = f"/quiz/{page}"
        shown = visitor.get(path)
        assert shown.status == 200, (path, shown.status, shown.text[:500])
        numbers = PAGE_NUMBER.search(shown.text)
        assert numbers and int(numbers.group(1)) == page, f"{path} does not say it is page {page}"
        # vary the choices, so a lost or mixed-up answer shows
        chosen = {
            name: values[(len(answers) + index) % len(values)]
            for index, (name, values) in enumerate(page_options(shown.text).items())
        }
        assert chosen, f"{path} has no questions"
        earlier = dict(answers)
        answers.update({name.removeprefix("q-"): value for name, value in chosen.items()})
        form = {"csrf_token": csrf_token(shown.text), "forward": "Next", **chosen}
        if page == int(numbers.group(2)):
            return Finish(path, form, answers, earlier)
        moved = visitor.post(path, form)
        assert moved.status == 302, (path, moved.status, moved.text[:500])
        assert urllib.parse.urlsplit(moved.location).path == f"/quiz/{page + 1}"
        page += 1


def session_of(visitor: Visitor) -> dict[str, Any]:
    """Read the visitor's signed session cookie the way the app does."""
    cookie = visitor.session_cookie()
    assert cookie, "the visitor has no session cookie"
    reader = Flask("session-reader")
    reader.secret_key = SECRET_KEY
    serializer = SecureCookieSessionInterface().get_signing_serializer(reader)
    assert serializer is not None
    return dict(serializer.loads(cookie))


def answers_in_session(visitor: Visitor) -> dict[str, str]:
    progress = session_of(visitor).get("quiz")
    assert isinstance(progress, dict), "the session holds no quiz in progress"
    return dict(progress["answers"])


@dataclass(frozen=True)
class StoredResult:
    share_token: str
    answers: dict[str, str]
    outcome: dict[str, Any]
    top_role: str


def stored_results(database_url: str) -> list[StoredResult]:
    """Read every stored result straight from the real server, past the proxy."""
    url = database_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(url, connect_timeout=10) as connection:
        rows = connection.execute(
            "SELECT share_token, answers, outcome, top_role FROM result ORDER BY id"
        ).fetchall()
    return [StoredResult(*row) for row in rows]


def assert_friendly_unavailable(page: Page, what: str) -> None:
    """The 503 page in the site's layout, saying what to do, with nothing of the internals."""
    assert page.status == 503, f"{what}: {page.status} instead of 503\n{page.text[:1500]}"
    assert page.content_type.startswith("text/html"), (what, page.content_type)
    assert FRIENDLY_TITLE in page.text, (what, page.text[:1500])
    assert FRIENDLY_PROMISE in page.text, (what, page.text[:1500])
    assert 'class="site-header"' in page.text and 'class="site-footer"' in page.text, (
        f"{what}: the 503 page is not in the site's layout"
    )
    assert "Reference: <code>" in page.text, f"{what}: the 503 page gives no reference"
    leaked = [word for word in INTERNALS if word in page.text]
    assert not leaked, f"{what}: the 503 page shows {leaked}"


def prefilled_answers(visitor: Visitor, pages: range) -> dict[str, str]:
    """Return the answers the quiz pages show as chosen: they come from the session cookie."""
    shown: dict[str, str] = {}
    for page in pages:
        quiz_page = visitor.get(f"/quiz/{page}")
        assert quiz_page.status == 200, (page, quiz_page.status, quiz_page.text[:500])
        shown.update(CHECKED_OPTION.findall(quiz_page.text))
    return shown


def assert_result_opens(visitor: Visitor, link: str) -> str:
    """The link is a result link that opens (200); return its share token."""
    match = RESULT_LINK.match(link)
    assert match, f"not a result link: {link!r}"
    opened = visitor.get(urllib.parse.urlsplit(link).path)
    assert opened.status == 200, (link, opened.status, opened.text[:500])
    return match.group(1)


def assert_whole(result: StoredResult, answers: dict[str, str]) -> None:
    """A stored result has every answer, an outcome and a top role: never half of one."""
    assert result.answers == answers
    assert result.outcome.get("ranking"), result.outcome
    assert result.top_role == result.outcome["ranking"][0]["role"]


def assert_clean_log(site: Site) -> None:
    log = site.log()
    assert "Traceback" not in log, log[-4000:]
    assert "database unavailable" in log, f"the 503s were not logged:\n{log[-4000:]}"


def test_database_outage_answers_503_and_recovers_without_a_restart(site: Site) -> None:
    visitor = site.visitor
    finish = answer_all_but_the_last_page(visitor)
    last_page = int(finish.path.rsplit("/", 1)[1])

    site.proxy.cut()
    for _ in range(REPEATS):
        assert_friendly_unavailable(visitor.get("/"), "GET / while the database is away")
        health = visitor.get("/healthz")
        assert health.status == 503, (health.status, health.text[:500])
        assert health.content_type.startswith("application/json")
        assert health.json() == {
            "status": "unhealthy",
            "database": "unreachable",
            "limits": "memory",
        }
    refused = visitor.post(finish.path, finish.form)
    assert_friendly_unavailable(refused, "the finished quiz while the database is away")
    # the last page's answers too: test_a_refused_submission_keeps_every_answer_in_the_session
    assert answers_in_session(visitor).items() >= finish.earlier.items()
    assert stored_results(site.database_url) == []

    site.proxy.restore()
    for _ in range(REPEATS):
        landing = visitor.get("/")
        assert landing.status == 200, (landing.status, landing.text[:1500])
        health = visitor.get("/healthz")
        assert (health.status, health.json()) == (
            200,
            {"status": "ok", "database": "ok", "limits": "memory"},
        )
    assert prefilled_answers(visitor, range(1, last_page)) == finish.earlier
    # the browser sends the very same form again
    stored = visitor.post(finish.path, finish.form)
    assert stored.status == 302, (stored.status, stored.text[:1500])
    token = assert_result_opens(visitor, stored.location)

    results = stored_results(site.database_url)
    assert [r.share_token for r in results] == [token]
    assert_whole(results[0], finish.answers)
    assert_clean_log(site)


@pytest.mark.parametrize(
    ("site", "cache"),
    [("in-process", "warm"), ("in-process", "cold"), ("gunicorn", "cold")],
    indirect=["site"],
)
def test_a_refused_submission_keeps_every_answer_in_the_session(site: Site, cache: str) -> None:
    """Warm: the app has read the quiz version before; cold: a fresh worker never did.

    A cold worker needs the database to read the quiz before it can check a page, so
    while the database is away it keeps the earlier pages' answers in the session and
    the last page's stay in the form the taker sent: re-sending that form finishes the
    quiz. A warm worker keeps every answer. Under gunicorn which worker takes a request
    is chance, so only the cold case, where every worker is fresh, is certain there.
    """
    visitor = site.visitor
    finish = answer_all_but_the_last_page(visitor)
    last_page = int(finish.path.rsplit("/", 1)[1])
    if cache == "cold":
        site.go_cold()

    site.proxy.cut()
    refused = visitor.post(finish.path, finish.form)
    assert_friendly_unavailable(refused, "the finished quiz while the database is away")
    kept = answers_in_session(visitor)

    site.proxy.restore()
    shown = prefilled_answers(visitor, range(1, last_page + 1))
    stored = visitor.post(finish.path, finish.form)
    assert stored.status == 302, (stored.status, stored.text[:1500])
    assert_result_opens(visitor, stored.location)
    assert len(stored_results(site.database_url)) == 1

    expected = finish.answers if cache == "warm" else finish.earlier
    missing = sorted(expected.keys() - kept.keys())
    assert kept == expected, f"after the refused submission the session lacks {missing}"
    assert shown == expected
    assert_clean_log(site)


@pytest.mark.parametrize("cut", CUT_POINTS.values(), ids=CUT_POINTS.keys())
def test_a_connection_cut_while_storing_a_result_stores_it_whole_or_not_at_all(
    site: Site, cut: CutPoint
) -> None:
    visitor = site.visitor
    finish = answer_all_but_the_last_page(visitor)

    site.proxy.cut_when(cut)
    reply = visitor.post(finish.path, finish.form)
    assert site.proxy.cuts_made == [cut], "the connection was never cut where planned"
    after_cut = stored_results(site.database_url)
    for result in after_cut:
        assert_whole(result, finish.answers)

    if reply.status == 302:
        # stored: the taker holds the link, and it is the only result
        token = assert_result_opens(visitor, reply.location)
        assert [r.share_token for r in after_cut] == [token]
        assert "Traceback" not in site.log(), site.log()[-4000:]
        return

    assert_friendly_unavailable(reply, "the finished quiz whose connection was cut")
    assert answers_in_session(visitor) == finish.answers
    retried = visitor.post(finish.path, finish.form)
    assert retried.status == 302, (retried.status, retried.text[:1500])
    token = assert_result_opens(visitor, retried.location)
    results = stored_results(site.database_url)
    for result in results:
        assert_whole(result, finish.answers)
    orphans = [r.share_token for r in after_cut]
    assert [r.share_token for r in results] == [token], (
        f"the taker was shown an error, yet the cut submission stored result(s) {orphans} "
        f"whose link they never got; their retry stored {token} too: "
        f"{len(results)} results for one quiz taken"
    )
    assert_clean_log(site)
