"""Admin sessions that end: sign-out and a password change end every earlier session of the
admin, copies of its cookie included, and a session left idle too long is signed out, while
a quiz being taken in the same browser keeps its answers.

A copied cookie is what a thief or a shared computer holds: the session cookie's value, set
in another client. Idle time is moved by editing the time kept in the session, never by
waiting.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    QuizTaker,
    create_admin,
    form_token,
    page_options,
    sign_in,
)
from sqlalchemy import select

from quiz import create_app
from quiz.admin import LAST_ACTIVE
from quiz.db import db
from quiz.models import Admin
from quiz.store import admins

NEW_PASSWORD = "a brand new admin password"
IDLE_MESSAGE = "You were signed out after %s without using the admin area. Please sign in again."


def copy_of(client: FlaskClient, app: Flask) -> FlaskClient:
    """Another browser holding the same session cookie as ``client``."""
    cookie = client.get_cookie("session")
    assert cookie is not None, "the client has no session cookie"
    other = app.test_client()
    other.set_cookie("session", cookie.value)
    return other


def opens_admin(client: FlaskClient) -> bool:
    response = client.get("/admin/")
    if response.status_code == 302:
        assert urlsplit(response.headers["Location"]).path == "/admin/sign-in"
        return False
    assert response.status_code == 200, response.status_code
    return True


def sign_out(client: FlaskClient):
    return client.post("/admin/sign-out", data={"csrf_token": form_token(client, "/admin/")})


def signed_in_client(app: Flask, password: str = ADMIN_PASSWORD) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, password=password).status_code == 302
    return client


def move_last_activity_back(client: FlaskClient, seconds: int) -> None:
    with client.session_transaction() as session:
        session[LAST_ACTIVE] -= seconds


def stored_nonce(app: Flask) -> str:
    with app.app_context():
        return db.session.scalar(select(Admin.session_nonce).where(Admin.email == ADMIN_EMAIL))


# ---------------------------------------------------------------- sign-out


def test_a_cookie_copied_before_sign_out_no_longer_opens_the_admin_area(app, admin_client):
    copied = copy_of(admin_client, app)
    assert opens_admin(copied), "a copy opens the admin area while the admin is signed in"

    assert sign_out(admin_client).status_code == 302

    assert not opens_admin(copied)
    assert not opens_admin(admin_client)
    # nor does the copy reach any other admin page or form
    assert copied.get("/admin/audit").status_code == 302


def test_signing_out_on_one_device_signs_the_admin_out_on_every_other(app, admin_client):
    laptop = signed_in_client(app)
    assert opens_admin(laptop) and opens_admin(admin_client)

    sign_out(admin_client)

    assert not opens_admin(laptop)
    # signing in again afterwards works, with a session of its own
    fresh = signed_in_client(app)
    assert opens_admin(fresh)
    assert not opens_admin(laptop)


def test_sign_out_draws_a_new_nonce_and_sessions_name_it(app, admin_client):
    before = stored_nonce(app)
    with admin_client.session_transaction() as session:
        assert session["_user_id"].endswith(":" + before)

    sign_out(admin_client)

    after = stored_nonce(app)
    assert after != before and len(after) == 32


def test_a_session_naming_the_admin_without_a_nonce_opens_nothing(app, admin_client):
    # how sessions named an admin before sign-out could end them: by id alone
    with app.app_context():
        admin_id = db.session.scalar(select(Admin.id).where(Admin.email == ADMIN_EMAIL))
    for forged in (str(admin_id), f"{admin_id}:", f"{admin_id}:{'0' * 32}", "x:y", ":"):
        with admin_client.session_transaction() as session:
            session["_user_id"] = forged
        assert not opens_admin(admin_client), forged


def test_a_deleted_admins_cookie_never_opens_an_account_made_after_it(app, admin_client):
    copied = copy_of(admin_client, app)
    # another owner first: the last owner can never be deleted
    create_admin(app, email="second-owner@example.com")
    with app.app_context():
        admins.delete(admins.find(ADMIN_EMAIL), actor="command line")
        # a new account may even get the deleted row's id back
        admins.create(ADMIN_EMAIL, ADMIN_PASSWORD, actor="command line")

    assert not opens_admin(copied)
    assert not opens_admin(admin_client)
    assert opens_admin(signed_in_client(app))


# ---------------------------------------------------------------- a password change


def test_a_password_change_ends_every_other_session_and_keeps_this_one(app, admin_client):
    copied = copy_of(admin_client, app)
    laptop = signed_in_client(app)

    response = admin_client.post(
        "/admin/account/password",
        data={
            "csrf_token": form_token(admin_client, "/admin/account/password"),
            "current_password": ADMIN_PASSWORD,
            "new_password": NEW_PASSWORD,
            "repeat_password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302

    assert opens_admin(admin_client), "the session that changed the password stays in"
    assert not opens_admin(copied), "a copy of its cookie from before the change is out"
    assert not opens_admin(laptop)
    # and the session that stays in can still sign out, which ends it as well
    copied_after = copy_of(admin_client, app)
    sign_out(admin_client)
    assert not opens_admin(copied_after)


def test_a_password_changed_elsewhere_ends_this_session(app, admin_client):
    with app.app_context():
        admin = db.session.scalar(select(Admin))
        admins.change_password(admin, ADMIN_PASSWORD, NEW_PASSWORD)
    assert not opens_admin(admin_client)
    assert opens_admin(signed_in_client(app, password=NEW_PASSWORD))


# ---------------------------------------------------------------- idle sessions


def test_the_idle_limit_is_eight_hours_by_default(app):
    assert app.config["ADMIN_IDLE_MINUTES"] == 480


def test_a_session_idle_longer_than_the_limit_is_signed_out_and_told_why(app, admin_client):
    move_last_activity_back(admin_client, 8 * 3600 + 60)

    refused = admin_client.get("/admin/questions?page=1")
    assert refused.status_code == 302
    target = urlsplit(refused.headers["Location"])
    assert target.path == "/admin/sign-in"
    assert parse_qs(target.query)["next"] == ["/admin/questions?page=1"]
    page = admin_client.get("/admin/sign-in")
    assert page.status_code == 200, "the sign-in form, not a redirect: the admin is out"
    assert IDLE_MESSAGE % "8 hours" in page.get_data(as_text=True)
    with admin_client.session_transaction() as session:
        assert "_user_id" not in session and LAST_ACTIVE not in session
    assert not opens_admin(admin_client)


def test_a_session_within_the_limit_stays_in_and_its_clock_restarts(app, admin_client):
    move_last_activity_back(admin_client, 8 * 3600 - 60)
    assert opens_admin(admin_client)
    # the request counted as activity: another 7 hours 59 minutes later it is still in
    move_last_activity_back(admin_client, 8 * 3600 - 60)
    assert opens_admin(admin_client)


def test_the_idle_limit_follows_the_setting(app, admin_client):
    app.config["ADMIN_IDLE_MINUTES"] = 5
    move_last_activity_back(admin_client, 4 * 60)
    assert opens_admin(admin_client)

    move_last_activity_back(admin_client, 5 * 60 + 1)
    assert not opens_admin(admin_client)
    message = IDLE_MESSAGE % "5 minutes"
    assert message in admin_client.get("/admin/sign-in").get_data(as_text=True)


def test_an_idle_session_is_refused_for_a_form_too(app, admin_client):
    token = form_token(admin_client, "/admin/")
    move_last_activity_back(admin_client, 8 * 3600 + 60)
    refused = admin_client.post("/admin/sign-out", data={"csrf_token": token})
    assert refused.status_code == 302
    assert refused.headers["Location"] == "/admin/sign-in"
    assert not opens_admin(admin_client)


def test_a_copied_cookie_goes_idle_with_the_time_it_was_copied_at(app, admin_client):
    app.config["ADMIN_IDLE_MINUTES"] = 5
    copied = copy_of(admin_client, app)
    move_last_activity_back(copied, 6 * 60)
    assert not opens_admin(copied)
    assert opens_admin(admin_client), "the admin's own session is not touched by the copy"


def test_a_session_without_the_time_of_its_last_request_is_refused(app, admin_client):
    with admin_client.session_transaction() as session:
        del session[LAST_ACTIVE]
    assert not opens_admin(admin_client)


@pytest.mark.parametrize("minutes", ["0", "-5"])
def test_an_idle_limit_below_one_minute_is_refused_at_start(tmp_path, monkeypatch, minutes):
    monkeypatch.setenv("ADMIN_IDLE_MINUTES", minutes)
    database = f"sqlite:///{tmp_path / 'unused.sqlite3'}"
    with pytest.raises(RuntimeError, match="ADMIN_IDLE_MINUTES"):
        create_app({"TESTING": True, "SEED_ON_START": False, "SQLALCHEMY_DATABASE_URI": database})


# ---------------------------------------------------------------- takers are not touched


def test_signing_out_an_idle_admin_keeps_a_quiz_in_the_same_browser(app, client):
    create_admin(app)
    assert sign_in(client).status_code == 302
    # the admin tries the public quiz in the same browser
    taker = QuizTaker(client)
    html = taker.open(1)
    answers = {name: values[0] for name, values in page_options(html).items()}
    assert taker.submit(1, answers).status_code == 302
    with client.session_transaction() as session:
        quiz_before = session["quiz"]
    assert quiz_before["answers"], "the first page's answers are in the session"

    move_last_activity_back(client, 8 * 3600 + 60)
    assert not opens_admin(client)

    with client.session_transaction() as session:
        assert session["quiz"] == quiz_before


def test_a_taker_carries_no_admin_clock_and_is_never_timed_out(app, client):
    app.config["ADMIN_IDLE_MINUTES"] = 1
    taker = QuizTaker(client)
    location = taker.finish()
    assert "/r/" in location
    with client.session_transaction() as session:
        assert LAST_ACTIVE not in session
        assert "_user_id" not in session
    assert client.get(location).status_code == 200


def test_the_idle_sign_out_is_explained_in_german(app, admin_client):
    move_last_activity_back(admin_client, 8 * 3600 + 60)
    german = {"Accept-Language": "de-DE,de;q=0.9"}
    assert admin_client.get("/admin/", headers=german).status_code == 302
    page = admin_client.get("/admin/sign-in", headers=german).get_data(as_text=True)
    assert "Sie wurden nach 8 Stunden ohne Nutzung der Verwaltung abgemeldet." in page
