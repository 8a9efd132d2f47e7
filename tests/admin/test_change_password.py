"""An admin changes their own password: the current one first, the new one twice and at
least 12 characters long, a CSRF token, an audit entry; refusals say why and change nothing."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import ADMIN_EMAIL, ADMIN_PASSWORD, csrf_token, form_token, sign_in
from sqlalchemy import func, select

from quiz.admin import OPEN_ENDPOINTS
from quiz.db import db
from quiz.models import Admin, AuditEntry
from quiz.store import admins

PAGE = "/admin/account/password"
NEW_PASSWORD = "a brand new admin password"
GERMAN = {"Accept-Language": "de-DE,de;q=0.9"}


def field_errors(html: str) -> dict[str, str]:
    """Each field's error on the page, by the field's id."""
    found = re.findall(r'<p class="field-error" id="([a-z_]+)-error">(.*?)</p>', html)
    return {field: unescape(text) for field, text in found}


def change(client: FlaskClient, current: str, new: str, repeat: str | None = None, **extra):
    return client.post(
        PAGE,
        data={
            "csrf_token": form_token(client, PAGE),
            "current_password": current,
            "new_password": new,
            "repeat_password": new if repeat is None else repeat,
        },
        **extra,
    )


def stored_admin(app: Flask) -> tuple[str, str]:
    """The admin's password hash and session nonce as stored."""
    with app.app_context():
        admin = db.session.scalar(select(Admin).where(Admin.email == ADMIN_EMAIL))
        return admin.password_hash, admin.session_nonce


def password_works(app: Flask, password: str) -> bool:
    response = sign_in(app.test_client(), password=password)
    assert response.status_code in (302, 401), response.status_code
    return response.status_code == 302


def audit_entries(app: Flask) -> list[tuple[str, str, str, str]]:
    with app.app_context():
        return [
            (e.admin_email, e.action, e.target, e.detail)
            for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]


def test_the_page_asks_for_the_current_password_and_the_new_one_twice(admin_client):
    response = admin_client.get(PAGE)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<h1>Change your password</h1>" in html
    assert f"Signed in as {ADMIN_EMAIL}." in html
    for name, autocomplete in (
        ("current_password", "current-password"),
        ("new_password", "new-password"),
        ("repeat_password", "new-password"),
    ):
        field = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
        assert field, name
        assert 'type="password"' in field.group(0)
        assert f'autocomplete="{autocomplete}"' in field.group(0)
    assert "At least 12 characters." in html


def test_every_admin_page_links_to_it(admin_client):
    html = admin_client.get("/admin/").get_data(as_text=True)
    assert f'<a href="{PAGE}">Change password</a>' in html
    own = admin_client.get(PAGE).get_data(as_text=True)
    assert f'<a href="{PAGE}" aria-current="page">Change password</a>' in own


def test_changing_the_password_stores_a_new_hash_and_records_it(app, admin_client):
    old_hash, old_nonce = stored_admin(app)
    audit_before = audit_entries(app)

    response = change(admin_client, ADMIN_PASSWORD, NEW_PASSWORD)

    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"
    flashed = admin_client.get("/admin/").get_data(as_text=True)
    assert "Your password is changed. You are signed out everywhere else; here you stay in." in (
        unescape(flashed)
    )
    new_hash, new_nonce = stored_admin(app)
    assert new_hash != old_hash and NEW_PASSWORD not in new_hash
    assert new_hash.startswith("scrypt:"), "stored as the app's usual hash"
    assert new_nonce != old_nonce
    assert password_works(app, NEW_PASSWORD)
    assert not password_works(app, ADMIN_PASSWORD)
    added = audit_entries(app)[len(audit_before) :]
    assert added == [(ADMIN_EMAIL, "change password", ADMIN_EMAIL, "")]


def test_a_wrong_current_password_is_refused_with_401_and_changes_nothing(app, admin_client):
    before = stored_admin(app)
    audit_before = audit_entries(app)

    response = change(admin_client, "not my password at all", NEW_PASSWORD)

    assert response.status_code == 401
    html = response.get_data(as_text=True)
    assert field_errors(html) == {
        "current_password": "That is not your current password, so nothing was changed."
    }
    assert stored_admin(app) == before
    assert audit_entries(app) == audit_before
    assert admin_client.get("/admin/").status_code == 200, "still signed in"
    assert password_works(app, ADMIN_PASSWORD)


@pytest.mark.parametrize(
    ("current", "new", "repeat", "errors"),
    [
        (
            ADMIN_PASSWORD,
            "too short",
            "too short",
            {"new_password": "Use at least 12 characters (this has 9)."},
        ),
        (
            ADMIN_PASSWORD,
            NEW_PASSWORD,
            NEW_PASSWORD + "!",
            {"repeat_password": "The two new passwords are not the same. Type the same one twice."},
        ),
        (
            "",
            "",
            "",
            {
                "current_password": "Type your current password.",
                "new_password": "Type a new password.",
                "repeat_password": "Type the new password a second time.",
            },
        ),
        (
            ADMIN_PASSWORD,
            "x" * 1025,
            "x" * 1025,
            {"new_password": "Keep this to at most 1024 characters (it has 1025)."},
        ),
    ],
    ids=["too-short", "mismatch", "empty", "too-long"],
)
def test_a_new_password_the_rules_refuse_is_422_and_changes_nothing(
    app, admin_client, current, new, repeat, errors
):
    before = stored_admin(app)
    audit_before = audit_entries(app)

    response = change(admin_client, current, new, repeat)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert field_errors(html) == errors
    assert "Nothing was saved." in html
    assert stored_admin(app) == before
    assert audit_entries(app) == audit_before
    assert admin_client.get("/admin/").status_code == 200


def test_the_form_needs_its_csrf_token(app, admin_client):
    before = stored_admin(app)
    data = {
        "current_password": ADMIN_PASSWORD,
        "new_password": NEW_PASSWORD,
        "repeat_password": NEW_PASSWORD,
    }
    assert admin_client.post(PAGE, data=data).status_code == 400
    assert admin_client.post(PAGE, data={**data, "csrf_token": "forged"}).status_code == 400
    assert stored_admin(app) == before
    assert password_works(app, ADMIN_PASSWORD)


def test_an_anonymous_visitor_is_sent_to_sign_in_and_nothing_changes(app, client):
    # the endpoint is one the guard test walks: an admin rule that is not open
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert "admin.change_password" in endpoints
    assert "admin.change_password" not in OPEN_ENDPOINTS
    token = csrf_token(client.get("/admin/sign-in").get_data(as_text=True))
    for response in (
        client.get(PAGE),
        client.post(
            PAGE,
            data={
                "csrf_token": token,
                "current_password": ADMIN_PASSWORD,
                "new_password": NEW_PASSWORD,
                "repeat_password": NEW_PASSWORD,
            },
        ),
    ):
        assert response.status_code == 302
        assert urlsplit(response.headers["Location"]).path == "/admin/sign-in"
    with app.app_context():
        assert db.session.scalar(select(func.count(Admin.id))) == 0


def test_the_store_enforces_the_rules_without_the_form(app, admin_client):
    before = stored_admin(app)
    with app.app_context():
        admin = db.session.scalar(select(Admin))
        with pytest.raises(admins.PasswordRefused) as wrong:
            admins.change_password(admin, "not my password", NEW_PASSWORD)
        assert wrong.value.field == "current"
        with pytest.raises(admins.PasswordRefused) as short:
            admins.change_password(admin, ADMIN_PASSWORD, "x" * 11)
        assert short.value.field == "new"
        assert str(short.value) == "The password must be at least 12 characters long."
    assert stored_admin(app) == before
    assert admin_client.get("/admin/").status_code == 200


def test_the_page_and_its_refusals_speak_german(app, admin_client):
    page = admin_client.get(PAGE, headers=GERMAN).get_data(as_text=True)
    assert "<h1>Ihr Passwort ändern</h1>" in page
    assert "Aktuelles Passwort" in page and "Neues Passwort wiederholen" in page

    refused = change(admin_client, "not my password at all", NEW_PASSWORD, headers=GERMAN)
    assert refused.status_code == 401
    assert field_errors(refused.get_data(as_text=True)) == {
        "current_password": "Das ist nicht Ihr aktuelles Passwort, deshalb wurde nichts geändert."
    }
    short = change(admin_client, ADMIN_PASSWORD, "zu kurz", headers=GERMAN)
    assert field_errors(short.get_data(as_text=True)) == {
        "new_password": "Verwenden Sie mindestens 12 Zeichen (derzeit 7)."
    }

    changed = change(admin_client, ADMIN_PASSWORD, NEW_PASSWORD, headers=GERMAN)
    assert changed.status_code == 302
    flashed = admin_client.get("/admin/", headers=GERMAN).get_data(as_text=True)
    assert "Ihr Passwort ist geändert." in unescape(flashed)
