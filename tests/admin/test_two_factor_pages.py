"""Two-factor sign-in through the pages: setting it up, signing in with a code, recovery codes,
turning it off, the site-wide requirement and the limits on guessing codes.

Codes are worked out with pyotp from the secret the setup page shows, as an authenticator app
would. A code is accepted once, and one 30-second step ahead of the server's clock is accepted
too, so a test that needs a second code takes the next step's.
"""

from __future__ import annotations

import re
import time
from html import unescape

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import ADMIN_EMAIL, ADMIN_PASSWORD, create_admin, csrf_token, sign_in
from sqlalchemy import func, select

from quiz.admin.pending_sign_in import PENDING
from quiz.db import db
from quiz.models import AdminTwoFactor, AuditEntry, RecoveryCode

SETTINGS = "/admin/account/two-factor"
CODE_PAGE = "/admin/sign-in/code"
OTHER_EMAIL = "second@example.com"
WRONG_CODE = "That code is not right, or it was used already."
THROTTLED = "Too many sign-in attempts for now."
SECRET_PATTERN = re.compile(r'<code class="two-factor-secret" id="two-factor-secret">([A-Z2-7 ]+)<')
CODE_PATTERN = re.compile(r"<li><code>([a-z0-9-]+)</code></li>")


def page_token(client: FlaskClient, url: str) -> str:
    """The CSRF token of any form on the page, prefixed or not (one token per session)."""
    html = client.get(url).get_data(as_text=True)
    match = re.search(r'name="[a-z]*-?csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, f"{url} has no form"
    return match.group(1)


def shown_secret(html: str) -> str:
    match = SECRET_PATTERN.search(html)
    assert match, "the setup page shows no key"
    return match.group(1).replace(" ", "")


def next_code(secret: str) -> str:
    """The code of the step after the server's: accepted, and not the one used last."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def set_up(client: FlaskClient) -> tuple[str, list[str]]:
    """Turn two-factor sign-in on through the setup page; return the secret and the codes."""
    html = client.get(SETTINGS).get_data(as_text=True)
    secret = shown_secret(html)
    response = client.post(
        f"{SETTINGS}/confirm",
        data={"csrf_token": csrf_token(html), "code": pyotp.TOTP(secret).now()},
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    codes = CODE_PATTERN.findall(response.get_data(as_text=True))
    assert len(codes) == 10
    return secret, codes


def send_code(client: FlaskClient, code: str, **extra):
    page = client.get(CODE_PAGE, **extra)
    assert page.status_code == 200, page.status_code
    return client.post(
        CODE_PAGE, data={"csrf_token": csrf_token(page.get_data(as_text=True)), "code": code}
    )


def signed_in(client: FlaskClient) -> bool:
    return client.get("/admin/").status_code == 200


@pytest.fixture
def two_factor_client(app: Flask, admin_client: FlaskClient) -> tuple[FlaskClient, str, list[str]]:
    """A fresh client whose admin set two-factor up; not signed in. With the secret and codes."""
    secret, codes = set_up(admin_client)
    return app.test_client(), secret, codes


def audit_actions(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


# ---------------------------------------------------------------- setting it up


def test_the_setup_page_shows_a_qr_code_and_the_key_and_keeps_them_until_confirmed(admin_client):
    html = admin_client.get(SETTINGS).get_data(as_text=True)

    secret = shown_secret(html)
    assert len(secret) == 32
    assert re.search(r'<img class="two-factor-qr" src="data:image/svg\+xml[^"]+"[^>]* alt="', html)
    assert 'autocomplete="one-time-code"' in html
    # reloading shows the same key: the app may have it already
    assert shown_secret(admin_client.get(SETTINGS).get_data(as_text=True)) == secret


def test_every_admin_page_links_to_it(admin_client):
    html = admin_client.get("/admin/").get_data(as_text=True)
    assert f'<a href="{SETTINGS}">Two-factor sign-in</a>' in html


def test_a_wrong_code_at_setup_says_so_and_saves_nothing(app, admin_client):
    html = admin_client.get(SETTINGS).get_data(as_text=True)
    secret = shown_secret(html)
    wrong = f"{(int(pyotp.TOTP(secret).now()) + 500_000) % 1_000_000:06d}"

    response = admin_client.post(
        f"{SETTINGS}/confirm", data={"csrf_token": csrf_token(html), "code": wrong}
    )

    assert response.status_code == 422
    page = unescape(response.get_data(as_text=True))
    assert WRONG_CODE in page
    assert shown_secret(page) == secret
    with app.app_context():
        assert db.session.scalar(select(func.count(AdminTwoFactor.admin_id))) == 0
        assert db.session.scalar(select(func.count(RecoveryCode.id))) == 0


def test_setting_it_up_ends_the_other_sessions_but_not_this_one(app, admin_client):
    elsewhere = app.test_client()
    sign_in(elsewhere)
    assert signed_in(elsewhere)

    set_up(admin_client)

    assert signed_in(admin_client)
    assert not signed_in(elsewhere)


def test_setting_it_up_shows_the_recovery_codes_once(app, admin_client):
    secret, codes = set_up(admin_client)

    assert len(set(codes)) == 10
    later = admin_client.get(SETTINGS).get_data(as_text=True)
    assert "You have 10 unused recovery codes." in later
    assert not any(code in later for code in codes)
    assert secret not in later.replace(" ", "")
    assert "turn on two-factor" in audit_actions(app)


# ---------------------------------------------------------------- signing in


def test_an_admin_without_two_factor_signs_in_with_the_password_alone(app, client):
    create_admin(app)
    response = sign_in(client)
    assert response.headers["Location"] == "/admin/"
    assert signed_in(client)


def test_the_password_alone_does_not_sign_in_an_admin_with_two_factor(two_factor_client):
    client, secret, _codes = two_factor_client

    response = sign_in(client)

    assert response.status_code == 302
    assert response.headers["Location"] == CODE_PAGE
    assert not signed_in(client)
    assert client.get(CODE_PAGE).status_code == 200

    response = send_code(client, next_code(secret))

    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"
    assert signed_in(client)
    with client.session_transaction() as session:
        assert PENDING not in session


def test_the_code_step_keeps_the_page_asked_for(two_factor_client):
    client, secret, _codes = two_factor_client
    page = client.get("/admin/sign-in").get_data(as_text=True)
    client.post(
        "/admin/sign-in?next=/admin/questions",
        data={"csrf_token": csrf_token(page), "email": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
    )
    response = send_code(client, next_code(secret))
    assert response.headers["Location"] == "/admin/questions"


def test_a_wrong_or_used_code_is_refused(app, two_factor_client):
    client, secret, _codes = two_factor_client
    sign_in(client)
    # the code that turned it on is used already: the step the server recorded, not the
    # clock's, which may have moved on to a fresh step since
    with app.app_context():
        step = db.session.scalars(select(AdminTwoFactor.last_used_step)).one()
    used = pyotp.TOTP(secret).generate_otp(step)

    for code in ("123", "abcdef", used):
        response = send_code(client, code)
        assert response.status_code in (401, 422), code
        assert not signed_in(client)
    assert WRONG_CODE in unescape(response.get_data(as_text=True))


def test_a_code_cannot_be_used_twice(app, two_factor_client):
    client, secret, _codes = two_factor_client
    code = next_code(secret)
    sign_in(client)
    assert send_code(client, code).status_code == 302

    other = app.test_client()
    sign_in(other)
    response = send_code(other, code)

    assert response.status_code == 401
    assert not signed_in(other)


def test_a_recovery_code_signs_in_once(app, two_factor_client):
    client, _secret, codes = two_factor_client
    sign_in(client)

    response = send_code(client, codes[0].upper())

    assert response.status_code == 302
    page = unescape(client.get("/admin/").get_data(as_text=True))
    assert "You signed in with a recovery code, which is now used up. 9 are left." in page
    assert "use recovery code" in audit_actions(app)

    again = app.test_client()
    sign_in(again)
    assert send_code(again, codes[0]).status_code == 401
    assert not signed_in(again)


def test_the_code_page_without_a_password_first_sends_to_sign_in(app, client):
    response = client.get(CODE_PAGE)
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/sign-in"


def test_a_sign_in_left_waiting_too_long_must_start_again(two_factor_client):
    client, secret, _codes = two_factor_client
    sign_in(client)
    with client.session_transaction() as session:
        session[PENDING] = {**session[PENDING], "since": int(time.time()) - 301}

    response = client.get(CODE_PAGE)

    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/sign-in"
    assert "took too long" in client.get("/admin/sign-in").get_data(as_text=True)


def test_guessing_codes_is_throttled_like_passwords(two_factor_client):
    client, secret, _codes = two_factor_client
    sign_in(client)
    page = client.get(CODE_PAGE).get_data(as_text=True)
    token = csrf_token(page)
    # the per-account-and-address limit: 5 per 10 minutes
    statuses = [
        client.post(CODE_PAGE, data={"csrf_token": token, "code": f"{n:06d}"}).status_code
        for n in range(6)
    ]

    assert statuses == [401] * 5 + [429]
    refused = client.post(CODE_PAGE, data={"csrf_token": token, "code": next_code(secret)})
    assert refused.status_code == 429
    assert THROTTLED in unescape(refused.get_data(as_text=True))
    assert not signed_in(client)


# ---------------------------------------------------------------- turning it off, new codes


def test_turning_it_off_takes_the_password_and_a_code(app, admin_client):
    secret, _codes = set_up(admin_client)
    token = page_token(admin_client, SETTINGS)

    wrong = admin_client.post(
        f"{SETTINGS}/off",
        data={"csrf_token": token, "password": "nope", "code": next_code(secret)},
    )
    assert wrong.status_code == 401
    assert "That is not your password" in unescape(wrong.get_data(as_text=True))

    response = admin_client.post(
        f"{SETTINGS}/off",
        data={
            "csrf_token": token,
            "password": ADMIN_PASSWORD,
            "code": next_code(secret),
        },
    )

    assert response.status_code == 302
    assert "Two-factor sign-in is off." in admin_client.get(SETTINGS).get_data(as_text=True)
    assert "turn off two-factor" in audit_actions(app)
    fresh = app.test_client()
    assert sign_in(fresh).headers["Location"] == "/admin/"


def test_new_recovery_codes_replace_the_old_ones(app, admin_client):
    secret, old = set_up(admin_client)
    token = page_token(admin_client, SETTINGS)

    response = admin_client.post(
        f"{SETTINGS}/recovery-codes",
        data={"csrf_token": token, "code": next_code(secret)},
    )

    assert response.status_code == 200
    new = CODE_PATTERN.findall(response.get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    assert "new recovery codes" in audit_actions(app)
    client = app.test_client()
    sign_in(client)
    assert send_code(client, old[0]).status_code == 401
    assert send_code(client, new[0]).status_code == 302


# ---------------------------------------------------------------- requiring it of everyone


def require(client: FlaskClient, required: bool):
    token = page_token(client, SETTINGS)
    data = {"csrf_token": token}
    if required:
        data["required"] = "y"
    return client.post(f"{SETTINGS}/required", data=data)


def test_an_admin_without_two_factor_cannot_require_it(app, admin_client):
    response = require(admin_client, True)
    assert response.status_code == 409
    assert "Turn on two-factor sign-in for your own account first" in unescape(
        response.get_data(as_text=True)
    )
    assert "require two-factor" not in audit_actions(app)


def test_when_required_an_admin_without_it_can_open_nothing_but_its_setup(app, admin_client):
    set_up(admin_client)
    assert require(admin_client, True).status_code == 302
    assert "require two-factor" in audit_actions(app)
    create_admin(app, email=OTHER_EMAIL)
    other = app.test_client()

    assert sign_in(other, email=OTHER_EMAIL).status_code == 302
    for path in ("/admin/", "/admin/questions", "/admin/account/password", "/admin/audit"):
        response = other.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"] == SETTINGS
    blocked = other.post("/admin/publish", data={"csrf_token": page_token(other, SETTINGS)})
    assert blocked.status_code == 302 and blocked.headers["Location"] == SETTINGS
    page = unescape(other.get(SETTINGS).get_data(as_text=True))
    assert "Two-factor sign-in is required for every admin. Set it up to go on." in page
    # nor may they lift the requirement from the setup page
    assert require(other, False).headers["Location"] == SETTINGS
    assert "stop requiring two-factor" not in audit_actions(app)

    set_up(other)

    assert other.get("/admin/").status_code == 200


def test_when_required_it_cannot_be_turned_off(app, admin_client):
    secret, _codes = set_up(admin_client)
    require(admin_client, True)
    page = admin_client.get(SETTINGS).get_data(as_text=True)
    assert 'id="off-password"' not in page

    response = admin_client.post(
        f"{SETTINGS}/off",
        data={
            "csrf_token": page_token(admin_client, SETTINGS),
            "password": ADMIN_PASSWORD,
            "code": next_code(secret),
        },
    )

    assert response.status_code == 302
    assert "so it can&#39;t be turned off" in admin_client.get(SETTINGS).get_data(as_text=True)
    assert "turn off two-factor" not in audit_actions(app)


def test_lifting_the_requirement_lets_each_admin_choose_again(app, admin_client):
    set_up(admin_client)
    require(admin_client, True)
    assert require(admin_client, False).status_code == 302
    assert "stop requiring two-factor" in audit_actions(app)
    create_admin(app, email=OTHER_EMAIL)
    other = app.test_client()
    sign_in(other, email=OTHER_EMAIL)
    assert signed_in(other)


def test_the_code_page_speaks_german(two_factor_client):
    client, _secret, _codes = two_factor_client
    sign_in(client)
    html = client.get(CODE_PAGE, headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert "Ihr Passwort stimmt. Geben Sie jetzt den Code aus Ihrer Authenticator-App ein" in (
        unescape(html)
    )
    assert "Noch einmal mit E-Mail und Passwort beginnen" in unescape(html)


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_only_an_owner_sees_or_sets_the_requirement_for_everyone(app, client, role):
    create_admin(app, email=OTHER_EMAIL, role=role)
    assert sign_in(client, email=OTHER_EMAIL).status_code == 302
    set_up(client)  # their own second factor is theirs to set up, whatever their role
    page = client.get(SETTINGS).get_data(as_text=True)
    assert "required-heading" not in page

    refused = require(client, True)

    assert refused.status_code == 403
    assert "require two-factor" not in audit_actions(app)


def test_the_team_page_shows_who_signs_in_with_a_second_factor(app, admin_client):
    create_admin(app, email=OTHER_EMAIL, role="editor")
    set_up(admin_client)
    page = admin_client.get("/admin/team").get_data(as_text=True)
    cells = {
        email: re.search(
            rf"{re.escape(email)}.*?</td>.*?</td>.*?</td>\s*<td>(\w+)</td>", page, re.S
        )
        for email in (ADMIN_EMAIL, OTHER_EMAIL)
    }
    assert cells[ADMIN_EMAIL] and cells[ADMIN_EMAIL].group(1) == "On"
    assert cells[OTHER_EMAIL] and cells[OTHER_EMAIL].group(1) == "Off"
