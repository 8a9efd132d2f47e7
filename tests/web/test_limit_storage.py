"""A limit store that stalls or dies never stalls the site, and never turns the limits off.

Each test runs a Redis of its own (a ``redis-server`` child process on a free port, nothing
saved to disk) as the app's RATELIMIT_STORAGE_URI, then freezes it (SIGSTOP: connections are
accepted, nothing is answered) or kills it (SIGKILL: connections are refused). Meanwhile pages
answer within a second — the bound the issue sets for a page while the store is away, a
correctness bound on a request that used to wait forever, not a speed benchmark — sign-in
stays limited, and the failure is logged once. Once the store is back (SIGCONT, or a new
server on the same port), limits are counted in it again.
"""

from __future__ import annotations

import http.cookiejar
import logging
import secrets
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from helpers import ADMIN_EMAIL, TEST_CONFIG, create_admin, csrf_token
from servers import gunicorn_server, unavailable

from bench.gunicorn_server import free_port
from quiz import create_app
from quiz.db import db

# the bound on any page while the limit store is frozen or gone
ANSWER_WITHIN_SECONDS = 1.0
# short, so a test sees the store asked again soon after it is back
RETRY_SECONDS = 0.5
FAILED = "rate limit store failed"
RECOVERED = "rate limit store answers again"
PAIR_LIMIT = 5
T = TypeVar("T")


class OwnRedis:
    """A redis-server of the test's own on a free loopback port; never the shared one."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                with self.client() as client:
                    client.ping()
                return
            except redis.RedisError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"redis-server did not start on port {self.port}") from None
                time.sleep(0.05)

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_timeout=3, socket_connect_timeout=3)

    def freeze(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)  # a stopped process still dies, but at once
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.kill()

    def keys(self, pattern: str) -> list[bytes]:
        with self.client() as client:
            return list(client.scan_iter(match=pattern))


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[OwnRedis]:
    if shutil.which("redis-server") is None:
        unavailable("redis-server is not installed")
    store = OwnRedis(tmp_path)
    store.start()
    try:
        yield store
    finally:
        store.stop()


@pytest.fixture
def redis_app(database_url: str, own_redis: OwnRedis) -> Iterator[Flask]:
    app = create_app(
        {
            **TEST_CONFIG,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_STORAGE_URI": own_redis.url,
            "RATELIMIT_STORAGE_RETRY_SECONDS": RETRY_SECONDS,
        }
    )
    create_admin(app)
    yield app
    with app.app_context():
        db.engine.dispose()


def timed(request: Callable[[], T]) -> T:
    """Send a request; fail unless it was answered within the issue's bound."""
    started = time.monotonic()
    response = request()
    elapsed = time.monotonic() - started
    assert elapsed < ANSWER_WITHIN_SECONDS, f"answered after {elapsed:.2f} s"
    return response


def wrong_password(client: FlaskClient) -> int:
    page = client.get("/admin/sign-in").get_data(as_text=True)
    form = {"csrf_token": csrf_token(page), "email": ADMIN_EMAIL, "password": "wrong"}
    return timed(lambda: client.post("/admin/sign-in", data=form)).status_code


def log_lines(caplog: pytest.LogCaptureFixture, text: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if text in r.getMessage()]


def pages_answer_and_sign_in_stays_limited(app: Flask, client: FlaskClient) -> None:
    home = timed(lambda: client.get("/"))
    assert home.status_code == 200

    health = timed(lambda: client.get("/healthz"))
    # only the database makes the app unhealthy; the store's state is reported beside it
    assert health.status_code == 200
    assert health.get_json() == {
        "status": "ok",
        "database": "ok",
        "limits": "unavailable",
    }

    token = csrf_token(client.get("/quiz").get_data(as_text=True))
    page = timed(lambda: client.post("/quiz/1", data={"csrf_token": token}))
    assert page.status_code < 500

    statuses = [wrong_password(client) for _ in range(PAIR_LIMIT + 3)]
    # the health check found the store failing: the attempts count in memory, never open
    assert statuses == [401] * PAIR_LIMIT + [429] * 3


def counted_in_redis_again(app: Flask, client: FlaskClient, store: OwnRedis) -> None:
    time.sleep(RETRY_SECONDS + 0.1)  # the store is asked again once the interval is over
    before = len(store.keys("*sign-in-account-address*"))
    client.get("/")
    # a new address: its counts are new keys, so they show that they went to Redis
    page = client.get("/admin/sign-in").get_data(as_text=True)
    form = {"csrf_token": csrf_token(page), "email": ADMIN_EMAIL, "password": "wrong"}
    response = client.post("/admin/sign-in", data=form, environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert response.status_code == 401
    assert len(store.keys("*sign-in-account-address*")) == before + 1
    health = client.get("/healthz")
    assert health.get_json()["limits"] == "ok"


def test_a_frozen_store_stalls_no_page_and_sign_in_stays_limited(
    redis_app: Flask, own_redis: OwnRedis, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger=redis_app.logger.name)
    client = redis_app.test_client()
    assert wrong_password(client) == 401  # the pool now holds a connection to the store
    assert own_redis.keys("*sign-in-account-address*")
    assert client.get("/healthz").get_json()["limits"] == "ok"

    own_redis.freeze()
    try:
        pages_answer_and_sign_in_stays_limited(redis_app, client)
    finally:
        own_redis.thaw()

    (failure,) = log_lines(caplog, FAILED)  # once, however many requests met it
    assert "TimeoutError" in failure
    counted_in_redis_again(redis_app, client, own_redis)
    assert len(log_lines(caplog, RECOVERED)) == 1
    assert len(log_lines(caplog, FAILED)) == 1


def test_a_dead_store_stalls_no_page_and_sign_in_stays_limited(
    redis_app: Flask, own_redis: OwnRedis, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger=redis_app.logger.name)
    client = redis_app.test_client()
    assert wrong_password(client) == 401
    assert client.get("/healthz").get_json()["limits"] == "ok"

    own_redis.kill()
    pages_answer_and_sign_in_stays_limited(redis_app, client)
    (failure,) = log_lines(caplog, FAILED)
    assert "ConnectionError" in failure

    own_redis.start()  # a new, empty server on the same port
    counted_in_redis_again(redis_app, client, own_redis)
    assert len(log_lines(caplog, RECOVERED)) == 1
    assert len(log_lines(caplog, FAILED)) == 1


# ---------------------------------------------------------------- under gunicorn


def visitor(base_url: str) -> tuple[urllib.request.OpenerDirector, str]:
    """A browser of its own on the quiz's first page: its opener and that page's token."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    with opener.open(base_url + "/quiz", timeout=10) as page:
        return opener, csrf_token(page.read().decode())


def status_of(opener: urllib.request.OpenerDirector, url: str, form: dict | None = None) -> int:
    data = urllib.parse.urlencode(form).encode() if form is not None else None
    try:
        with opener.open(url, data, timeout=10) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        error.close()
        return error.code


def test_quiz_posts_against_a_frozen_store_leave_gunicorn_answering(
    own_redis: OwnRedis, tmp_path: Path
) -> None:
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'career_fit.sqlite3'}",
        "SECRET_KEY": secrets.token_hex(32),
        "RATELIMIT_STORAGE_URI": own_redis.url,
        "QUIZ_SUBMISSION_LIMIT": "1000 per minute",
    }
    with gunicorn_server(env, tmp_path, workers=1, threads=4) as server:
        visitors = [visitor(server.base_url) for _ in range(10)]

        def submit_first_page(browser: tuple[urllib.request.OpenerDirector, str]) -> int:
            opener, token = browser
            return status_of(opener, server.base_url + "/quiz/1", {"csrf_token": token})

        own_redis.freeze()
        try:
            # as many quiz submissions as in the audit, all at once: they held every thread
            with ThreadPoolExecutor(len(visitors)) as pool:
                statuses = list(pool.map(submit_first_page, visitors))
            assert all(status < 500 for status in statuses), statuses
            opener = visitors[0][0]
            assert timed(lambda: status_of(opener, server.base_url + "/")) == 200
            assert timed(lambda: status_of(opener, server.base_url + "/healthz")) == 200
        finally:
            own_redis.thaw()
        log = server.log()
    assert log.count(FAILED) == 1, log[-3000:]
