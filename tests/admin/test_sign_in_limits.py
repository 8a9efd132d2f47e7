"""Sign-in limits that cannot be raced past nor turned against the admin.

Every attempt is counted before its password is checked, so parallel attempts get no more
checks than the limit; the small limit is per account and address together, so wrong
passwords from one place never refuse the admin elsewhere; a known and an unknown email cost
exactly one password hash each; and a limit store that fails during an attempt refuses it
rather than checking the password unlimited.
"""

from __future__ import annotations

import http.cookiejar
import secrets
import threading
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from html import unescape
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import ADMIN_EMAIL, ADMIN_PASSWORD, TEST_CONFIG, create_admin, csrf_token
from servers import gunicorn_server

import quiz.admin.auth
import quiz.models
from bench.gunicorn_server import free_port
from quiz import create_app
from quiz.db import db

# ADMIN_SIGN_IN_LIMIT_PER_ACCOUNT_AND_ADDRESS's default: "5 per 10 minutes"
PAIR_LIMIT = 5
PARALLEL_ATTEMPTS = 40
NO_MATCH = "That email and password don't match an admin account."
THROTTLED = "Too many sign-in attempts for now."
PAUSED = "Sign-in is paused for a moment"


def attempt(client: FlaskClient, email: str, password: str, address: str = "127.0.0.1"):
    """Open the sign-in page and send it from ``address``, as a browser there would."""
    environ = {"REMOTE_ADDR": address}
    page = client.get("/admin/sign-in", environ_base=environ).get_data(as_text=True)
    form = {"csrf_token": csrf_token(page), "email": email, "password": password}
    return client.post("/admin/sign-in", data=form, environ_base=environ)


@pytest.fixture
def hash_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every password hash checked from now on, by whichever code checks it."""
    checked: list[str] = []
    real = quiz.models.check_password_hash

    def counted(pwhash: str, password: str) -> bool:
        checked.append(pwhash)
        return real(pwhash, password)

    monkeypatch.setattr(quiz.models, "check_password_hash", counted)
    monkeypatch.setattr(quiz.admin.auth, "check_password_hash", counted)
    return checked


# ---------------------------------------------------------------- counted before checking


def test_parallel_wrong_passwords_get_at_most_the_limit_checked(
    app: Flask, database_url: str, redis_url: str, key_prefix: str, tmp_path: Path
) -> None:
    create_admin(app)
    env = {
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_hex(32),
        "RATELIMIT_STORAGE_URI": redis_url,
        "RATELIMIT_KEY_PREFIX": key_prefix,
    }
    with gunicorn_server(env, tmp_path, workers=2, threads=4) as server:
        url = server.base_url + "/admin/sign-in"
        browsers = [browser_on(url) for _ in range(PARALLEL_ATTEMPTS)]
        start = threading.Barrier(PARALLEL_ATTEMPTS)

        def wrong_password(browser: tuple[urllib.request.OpenerDirector, str]) -> int:
            opener, token = browser
            form = {"csrf_token": token, "email": ADMIN_EMAIL, "password": "not the password"}
            start.wait(timeout=30)
            return post(opener, url, form)

        with ThreadPoolExecutor(PARALLEL_ATTEMPTS) as pool:
            statuses = list(pool.map(wrong_password, browsers))

    # exactly the limit's worth were checked (401); every other attempt was refused unchecked
    assert sorted(statuses) == [401] * PAIR_LIMIT + [429] * (PARALLEL_ATTEMPTS - PAIR_LIMIT)


def test_an_attempt_over_the_limit_checks_no_password(app: Flask, hash_checks: list[str]) -> None:
    create_admin(app)
    client = app.test_client()
    for _ in range(PAIR_LIMIT):
        assert attempt(client, ADMIN_EMAIL, "wrong").status_code == 401
    hash_checks.clear()

    refused = attempt(client, ADMIN_EMAIL, ADMIN_PASSWORD)
    assert refused.status_code == 429
    assert THROTTLED in unescape(refused.get_data(as_text=True))
    assert hash_checks == []


# ---------------------------------------------------------------- no lock-out from elsewhere


def test_wrong_passwords_from_one_address_leave_the_admin_signing_in_from_another(
    app: Flask,
) -> None:
    create_admin(app)
    stranger, admin = app.test_client(), app.test_client()
    for _ in range(PAIR_LIMIT):
        assert attempt(stranger, ADMIN_EMAIL, "wrong", address="203.0.113.7").status_code == 401
    assert attempt(stranger, ADMIN_EMAIL, "wrong", address="203.0.113.7").status_code == 429

    signed_in = attempt(admin, ADMIN_EMAIL, ADMIN_PASSWORD, address="198.51.100.20")
    assert signed_in.status_code == 302
    assert admin.get("/admin/").status_code == 200


def test_the_limits_follow_the_address_a_trusted_proxy_reports(database_url: str) -> None:
    app = create_app(
        {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, "TRUST_PROXY_HOPS": 1}
    )
    try:
        create_admin(app)
        stranger, admin = app.test_client(), app.test_client()
        stranger.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.7"
        for _ in range(PAIR_LIMIT):
            assert attempt(stranger, ADMIN_EMAIL, "wrong").status_code == 401
        assert attempt(stranger, ADMIN_EMAIL, ADMIN_PASSWORD).status_code == 429

        # the same proxy (one REMOTE_ADDR) in front of the admin, who is elsewhere
        admin.environ_base["HTTP_X_FORWARDED_FOR"] = "198.51.100.20"
        assert attempt(admin, ADMIN_EMAIL, ADMIN_PASSWORD).status_code == 302
    finally:
        with app.app_context():
            db.engine.dispose()


# ---------------------------------------------------------------- equal work


@pytest.mark.parametrize(
    ("email", "password", "status"),
    [
        (ADMIN_EMAIL, "wrong", 401),
        ("nobody@example.com", "wrong", 401),
        (ADMIN_EMAIL, ADMIN_PASSWORD, 302),
    ],
    ids=["known email, wrong password", "unknown email", "right password"],
)
def test_every_attempt_checks_exactly_one_password_hash(
    app: Flask, hash_checks: list[str], email: str, password: str, status: int
) -> None:
    create_admin(app)
    response = attempt(app.test_client(), email, password)
    assert response.status_code == status
    if status == 401:
        assert NO_MATCH in unescape(response.get_data(as_text=True))
    assert len(hash_checks) == 1, hash_checks


# ---------------------------------------------------------------- a failing store


def test_a_store_failure_during_sign_in_refuses_that_attempt(
    database_url: str, hash_checks: list[str]
) -> None:
    # nothing listens there: the store fails the moment it is asked
    app = create_app(
        {
            **TEST_CONFIG,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{free_port()}/0",
            # long enough that the rest of this test counts in memory
            "RATELIMIT_STORAGE_RETRY_SECONDS": 600,
        }
    )
    try:
        create_admin(app)
        client = app.test_client()
        paused = attempt(client, ADMIN_EMAIL, ADMIN_PASSWORD)
        assert paused.status_code == 503
        assert PAUSED in unescape(paused.get_data(as_text=True))
        assert hash_checks == []  # refused before any password was checked
        assert client.get("/admin/").status_code == 302  # not signed in

        # the store is known to be failing now: attempts count in memory, still limited
        statuses = [attempt(client, ADMIN_EMAIL, "wrong").status_code for _ in range(7)]
        assert statuses == [401] * PAIR_LIMIT + [429, 429]
        assert app.test_client().get("/healthz").get_json()["limits"] == "unavailable"
    finally:
        with app.app_context():
            db.engine.dispose()


# ---------------------------------------------------------------- helpers


def browser_on(url: str) -> tuple[urllib.request.OpenerDirector, str]:
    """A browser of its own that has opened ``url``: its opener and the form's token."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    with opener.open(url, timeout=15) as page:
        return opener, csrf_token(page.read().decode())


def post(opener: urllib.request.OpenerDirector, url: str, form: dict[str, str]) -> int:
    try:
        with opener.open(url, urllib.parse.urlencode(form).encode(), timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        error.close()
        return int(error.code)
