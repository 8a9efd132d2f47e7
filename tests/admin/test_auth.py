"""Signing in and out of the admin area: messages that don't reveal accounts, local-only
redirects, throttling per account and per address, the session cookie's flags, and one
guard that every admin endpoint answers to."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import ADMIN_EMAIL, ADMIN_PASSWORD, create_admin, csrf_token, sign_in
from sqlalchemy import func, select

from quiz import create_app
from quiz.admin import OPEN_ENDPOINTS
from quiz.db import db
from quiz.models import AuditEntry, QuizVersion

NO_MATCH = "That email and password don't match an admin account."
THROTTLED = "Slow down a little"
PER_ACCOUNT = 3
PER_ADDRESS = 5


def field_errors(html: str) -> list[str]:
    return [unescape(e) for e in re.findall(r'<p class="field-error"[^>]*>(.*?)</p>', html)]


def attempt(
    client: FlaskClient,
    email: str,
    password: str,
    address: str = "127.0.0.1",
    next_url: str = "",
):
    """Open the sign-in page and send it from ``address``, as a browser there would."""
    url = f"/admin/sign-in?next={quote(next_url, safe='')}" if next_url else "/admin/sign-in"
    environ = {"REMOTE_ADDR": address}
    page = client.get(url, environ_base=environ).get_data(as_text=True)
    return client.post(
        url,
        data={"csrf_token": csrf_token(page), "email": email, "password": password},
        environ_base=environ,
    )


def session_cookie(response) -> str:
    (cookie,) = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    return cookie


@pytest.fixture
def throttled_app(tmp_path: Path) -> Flask:
    """An app with small sign-in limits and its own in-memory throttle, with one admin."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'throttled.sqlite3'}",
            "RATELIMIT_STORAGE_URI": "memory://",
            "ADMIN_SIGN_IN_LIMIT_PER_ACCOUNT": f"{PER_ACCOUNT} per minute",
            "ADMIN_SIGN_IN_LIMIT_PER_ADDRESS": f"{PER_ADDRESS} per minute",
        }
    )
    create_admin(app)
    return app


# ---------------------------------------------------------------- signing in and out


def test_right_email_and_password_sign_in_and_open_the_overview(app, client):
    create_admin(app)
    response = sign_in(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_email_is_matched_whatever_its_case_and_surrounding_spaces(app, client):
    create_admin(app)
    assert sign_in(client, email=f"  {ADMIN_EMAIL.upper()} ").status_code == 302


def test_wrong_password_and_unknown_email_get_the_same_401_message(app, client):
    create_admin(app)
    wrong_password = attempt(client, ADMIN_EMAIL, "not the password")
    unknown_email = attempt(client, "nobody@example.com", ADMIN_PASSWORD)

    for response in (wrong_password, unknown_email):
        assert response.status_code == 401
        assert field_errors(response.get_data(as_text=True)) == [NO_MATCH]
    assert client.get("/admin/").status_code == 302


def test_sign_in_form_needs_both_fields(app, client):
    create_admin(app)
    response = attempt(client, ADMIN_EMAIL, "")
    assert response.status_code == 200
    assert field_errors(response.get_data(as_text=True)) == ["This field is required."]
    assert client.get("/admin/").status_code == 302


def test_sign_out_is_a_post_with_a_csrf_token(admin_client):
    overview = admin_client.get("/admin/").get_data(as_text=True)

    assert admin_client.get("/admin/sign-out").status_code == 405
    assert admin_client.post("/admin/sign-out").status_code == 400
    assert admin_client.get("/admin/").status_code == 200, "still signed in"

    response = admin_client.post("/admin/sign-out", data={"csrf_token": csrf_token(overview)})
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/sign-in"
    assert "You are signed out." in admin_client.get("/admin/sign-in").get_data(as_text=True)
    refused = admin_client.get("/admin/")
    assert refused.status_code == 302
    assert urlsplit(refused.headers["Location"]).path == "/admin/sign-in"


def test_a_signed_in_admin_opening_sign_in_goes_to_the_overview(admin_client):
    response = admin_client.get("/admin/sign-in")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"


# ---------------------------------------------------------------- where sign-in leads


def test_anonymous_visitor_is_sent_to_sign_in_and_back_to_the_page_asked_for(app, client):
    create_admin(app)
    refused = client.get("/admin/audit")
    assert refused.status_code == 302
    target = refused.headers["Location"]
    assert urlsplit(target).path == "/admin/sign-in"
    assert "next=%2Fadmin%2Faudit" in target

    response = attempt(client, ADMIN_EMAIL, ADMIN_PASSWORD, next_url="/admin/audit")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/audit"


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/admin/",
        "//evil.example/admin/",
        "///evil.example/admin/",
        "/\\evil.example/admin/",
        "\\\\evil.example/admin/",
        "/\t/evil.example/admin/",
        "javascript:alert(1)",
        "evil.example/admin/",
    ],
)
def test_next_only_ever_leads_to_a_page_on_this_site(app, client, next_url):
    create_admin(app)
    response = attempt(client, ADMIN_EMAIL, ADMIN_PASSWORD, next_url=next_url)
    assert response.status_code == 302
    location = response.headers["Location"]
    parts = urlsplit(location)
    assert parts.scheme in ("", "http") and parts.netloc in ("", "localhost"), location
    assert location.startswith("/") and not location.startswith("//"), location
    assert "\\" not in location and "\t" not in location, location


# ---------------------------------------------------------------- throttling


def test_failed_sign_ins_are_throttled_per_account_from_any_address(throttled_app):
    client = throttled_app.test_client()
    for n in range(PER_ACCOUNT):
        assert attempt(client, ADMIN_EMAIL, "wrong", address=f"10.0.0.{n}").status_code == 401

    # even the right password waits now, from a fresh address
    throttled = attempt(client, ADMIN_EMAIL, ADMIN_PASSWORD, address="10.0.1.1")
    assert throttled.status_code == 429
    assert THROTTLED in throttled.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302

    # other accounts are not held back by it
    assert attempt(client, "other@example.com", "wrong", address="10.0.1.1").status_code == 401


def test_failed_sign_ins_are_throttled_per_address_across_accounts(throttled_app):
    client = throttled_app.test_client()
    for n in range(PER_ADDRESS):
        response = attempt(client, f"nobody{n}@example.com", "wrong", address="10.0.0.9")
        assert response.status_code == 401

    throttled = attempt(client, ADMIN_EMAIL, ADMIN_PASSWORD, address="10.0.0.9")
    assert throttled.status_code == 429
    assert THROTTLED in throttled.get_data(as_text=True)

    # the admin can still sign in from elsewhere
    assert attempt(client, ADMIN_EMAIL, ADMIN_PASSWORD, address="10.0.0.10").status_code == 302


def test_successful_sign_ins_never_count_toward_the_limits(throttled_app):
    client = throttled_app.test_client()
    for _ in range(max(PER_ACCOUNT, PER_ADDRESS) + 2):
        assert attempt(client, ADMIN_EMAIL, ADMIN_PASSWORD).status_code == 302
        overview = client.get("/admin/").get_data(as_text=True)
        client.post("/admin/sign-out", data={"csrf_token": csrf_token(overview)})

    for _ in range(PER_ACCOUNT):
        assert attempt(client, ADMIN_EMAIL, "wrong").status_code == 401
    assert attempt(client, ADMIN_EMAIL, "wrong").status_code == 429


def test_viewing_the_sign_in_page_is_never_throttled(throttled_app):
    client = throttled_app.test_client()
    for _ in range(PER_ADDRESS + 2):
        assert client.get("/admin/sign-in").status_code == 200


# ---------------------------------------------------------------- the session cookie


def test_session_cookie_is_http_only_and_same_site_lax_but_not_secure_over_http(app, client):
    create_admin(app)
    cookie = session_cookie(sign_in(client))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_session_cookie_is_secure_over_https(app):
    create_admin(app)
    client = app.test_client()
    https = "https://localhost"
    page = client.get("/admin/sign-in", base_url=https)
    assert "Secure" in session_cookie(page)
    response = client.post(
        "/admin/sign-in",
        base_url=https,
        # over HTTPS the CSRF check also wants a same-site Referer, as browsers send
        headers={"Referer": f"{https}/admin/sign-in"},
        data={
            "csrf_token": csrf_token(page.get_data(as_text=True)),
            "email": ADMIN_EMAIL,
            "password": ADMIN_PASSWORD,
        },
    )
    assert response.status_code == 302
    cookie = session_cookie(response)
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/admin/", base_url=https).status_code == 200


# ---------------------------------------------------------------- the guard


def admin_requests(app: Flask) -> list[tuple[str, str, str]]:
    """Return (endpoint, method, path) for every admin rule and method, arguments set to 1."""
    requests = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("admin.") or rule.endpoint in OPEN_ENDPOINTS:
            continue
        _, path = rule.build(dict.fromkeys(rule.arguments, 1))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            requests.append((rule.endpoint, method, path))
    return requests


def test_every_admin_endpoint_refuses_an_anonymous_visitor(app, client):
    # a valid CSRF token, so what refuses each request is the sign-in guard itself
    token = csrf_token(client.get("/admin/sign-in").get_data(as_text=True))
    with app.app_context():
        audit_before = db.session.scalar(select(func.count(AuditEntry.id)))
    requests = admin_requests(app)
    endpoints = {endpoint for endpoint, _, _ in requests}
    assert {
        "admin.dashboard",
        "admin.publish",
        "admin.preview",
        "admin.restart_preview",
        "admin.bank_file",
        "admin.export_bank",
        "admin.audit_log",
        "admin.sign_out",
    } <= endpoints

    for endpoint, method, path in requests:
        data = None if method == "GET" else {"csrf_token": token}
        response = client.open(path, method=method, data=data)
        where = f"{method} {path} ({endpoint})"
        if response.status_code == 302:
            assert urlsplit(response.headers["Location"]).path == "/admin/sign-in", where
        else:
            assert 400 <= response.status_code < 500, (where, response.status_code)

    with app.app_context():
        assert db.session.scalar(select(func.count(QuizVersion.id))) == 1
        assert db.session.scalar(select(func.count(AuditEntry.id))) == audit_before
