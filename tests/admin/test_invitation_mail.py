"""Invitations by mail, through the real stack and a real SMTP server (aiosmtpd on 127.0.0.1).

Mail is off until MAIL_SERVER is set: the owner passes the link on. With it on, the invited
person gets one plain-text mail in the inviting owner's language whose link works; a mail
server that is down, hangs, refuses the sign-in or cannot be trusted costs neither the
invitation nor the request, and the page and the audit log say what happened.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import ADMIN_EMAIL, TEST_CONFIG, create_admin, csrf_token, form_token, sign_in
from smtp_server import (
    Certificate,
    closed_port,
    local_certificate,
    silent_server,
    smtp_server,
)
from sqlalchemy import select

from quiz import create_app
from quiz.db import db
from quiz.models import Admin, AdminInvitation, AuditEntry

SENDER = "noreply@careerfit.test"
LOGIN = ("careerfit", "a mail server password")
PASSWORD = "a long team password"
MAILED_LINK = re.compile(r"http://localhost/admin/invitation/\S+")
PAGE_LINK = re.compile(r'id="invitation-link" type="text" readonly value="([^"]+)"')


@pytest.fixture
def start_app(database_url: str) -> Iterator[Callable[..., Flask]]:
    """Make apps on this test's database with the given mail settings; dispose of them after."""
    made: list[Flask] = []

    def start(**settings: Any) -> Flask:
        app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, **settings})
        made.append(app)
        return app

    yield start
    for app in made:
        with app.app_context():
            db.engine.dispose()


def mail_settings(port: int, security: str = "none", **more: Any) -> dict[str, Any]:
    return {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": port,
        "MAIL_SECURITY": security,
        "MAIL_FROM": f"Career Fit <{SENDER}>",
        **more,
    }


def owner_of(app: Flask) -> FlaskClient:
    create_admin(app)
    client = app.test_client()
    assert sign_in(client).status_code == 302
    return client


def invite(client: FlaskClient, email: str, role: str = "editor"):
    token = form_token(client, "/admin/team")
    return client.post(
        "/admin/team/invite", data={"csrf_token": token, "email": email, "role": role}
    )


def text(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def page_link(response) -> str:
    match = PAGE_LINK.search(response.get_data(as_text=True))
    assert match, "the page shows no invitation link"
    return match.group(1)


def accept(app: Flask, link: str) -> FlaskClient:
    """Open ``link`` in a fresh client, set a password, and return the signed-in client."""
    visitor = app.test_client()
    path = link.removeprefix("http://localhost")
    token = csrf_token(visitor.get(path).get_data(as_text=True))
    data = {"csrf_token": token, "new_password": PASSWORD, "repeat_password": PASSWORD}
    done = visitor.post(path, data=data)
    assert done.status_code == 302, done.get_data(as_text=True)[:500]
    assert done.headers["Location"] == "/admin/"
    return visitor


def audit(app: Flask, *actions: str) -> list[tuple[str, str, str, str]]:
    with app.app_context():
        rows = db.session.execute(
            select(AuditEntry.action, AuditEntry.admin_email, AuditEntry.target, AuditEntry.detail)
            .where(AuditEntry.action.in_(actions))
            .order_by(AuditEntry.id)
        ).all()
    return [tuple(row) for row in rows]


def invitations(app: Flask) -> list[tuple[str, str]]:
    with app.app_context():
        return [(row.email, row.role) for row in db.session.scalars(select(AdminInvitation)).all()]


@pytest.fixture
def certificate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Certificate:
    """A certificate for 127.0.0.1 that this test's app trusts, and nothing else."""
    made = local_certificate(tmp_path / "trusted")
    monkeypatch.setenv("SSL_CERT_FILE", str(made.cert_file))
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    return made


def test_mail_is_off_by_default_and_the_owner_is_told_to_pass_the_link_on(start_app):
    with smtp_server() as server:
        app = start_app()
        assert app.config["MAIL_SERVER"] is None
        owner = owner_of(app)
        assert "No email is sent: pass the link on yourself." in text(owner.get("/admin/team"))
        made = invite(owner, "colleague@example.com")
        assert made.status_code == 201
        page = text(made)
        assert "Pass this link on to colleague@example.com." in page
        assert "no email is sent" in page
        assert "We emailed" not in page and "could not send" not in page
        accept(app, page_link(made))
    assert server.received == []
    assert audit(app, "email invitation", "email invitation failed") == []


def test_with_mail_on_the_invited_person_gets_one_mail_whose_link_works(start_app, certificate):
    with smtp_server(starttls=certificate, login=LOGIN) as server:
        app = start_app(
            **mail_settings(server.port, "starttls", MAIL_USERNAME=LOGIN[0], MAIL_PASSWORD=LOGIN[1])
        )
        owner = owner_of(app)
        assert "We email them a link" in text(owner.get("/admin/team"))
        made = invite(owner, "Colleague@Example.com", "editor")
        assert made.status_code == 201
        page = text(made)
        assert "We emailed the invitation to colleague@example.com." in page
        assert "If the email does not arrive, pass the link below on yourself." in page
        assert "no email is sent" not in page

    (received,) = server.received
    assert received.encrypted, "sent only after STARTTLS"
    assert received.signed_in_as == LOGIN[0]
    assert received.mail_from == SENDER
    assert received.rcpt_tos == ["colleague@example.com"]
    message = received.message
    assert message["To"] == "colleague@example.com"
    assert message["From"] == f"Career Fit <{SENDER}>"
    assert message["Subject"] == f"{ADMIN_EMAIL} invited you to help run Career Fit"
    assert message["Content-Language"] == "en"
    assert message.get_content_type() == "text/plain"
    body = received.body()
    assert f"{ADMIN_EMAIL} invited you to join the admin area of Career Fit" in body
    assert "(http://localhost) as: Editor." in body
    assert "The link works once and expires in 72 hours" in body
    (link,) = MAILED_LINK.findall(body)
    assert link == page_link(made)

    visitor = accept(app, link)
    assert visitor.get("/admin/preview").status_code == 200, "signed in as an editor"
    with app.app_context():
        assert db.session.scalar(select(Admin.role).where(Admin.email == received.rcpt_tos[0]))
    assert audit(app, "email invitation", "email invitation failed") == [
        ("email invitation", ADMIN_EMAIL, "colleague@example.com", "role: editor")
    ]
    assert "Emailed an invitation" in text(owner.get("/admin/audit"))


def test_a_german_owner_sends_the_invitation_in_german(start_app):
    with smtp_server() as server:
        app = start_app(**mail_settings(server.port))
        owner = owner_of(app)
        owner.get("/language/de?next=/admin/team")
        made = invite(owner, "kollegin@example.com", "viewer")
        assert made.status_code == 201
        assert "Wir haben die Einladung per E-Mail an kollegin@example.com gesendet." in text(made)
    (received,) = server.received
    assert not received.encrypted, "MAIL_SECURITY none"
    message = received.message
    assert message["Content-Language"] == "de"
    assert message["Subject"] == f"{ADMIN_EMAIL} lädt Sie ein, Career Fit mitzubetreuen"
    body = received.body()
    assert "Guten Tag," in body
    assert "als: Betrachter." in body
    assert "Der Link funktioniert einmal und läuft in 72 Stunden ab" in body
    assert "invited you" not in body
    accept(app, MAILED_LINK.findall(body)[0])


def test_a_mail_server_that_is_down_costs_neither_the_invitation_nor_the_request(start_app, caplog):
    app = start_app(**mail_settings(closed_port()))
    owner = owner_of(app)
    with caplog.at_level(logging.WARNING):
        made = invite(owner, "colleague@example.com", "viewer")
    assert made.status_code == 201
    assert (
        "We could not send the email: the mail server could not be reached. "
        "Pass the link on yourself." in text(made)
    )
    assert invitations(app) == [("colleague@example.com", "viewer")]
    assert "Could not email the invitation to colleague@example.com" in caplog.text
    ((action, actor, target, detail),) = audit(app, "email invitation", "email invitation failed")
    assert (action, actor, target) == (
        "email invitation failed",
        ADMIN_EMAIL,
        "colleague@example.com",
    )
    assert "ConnectionRefusedError" in detail
    assert "Could not email an invitation" in text(owner.get("/admin/audit"))
    accept(app, page_link(made))


def test_a_mail_server_that_never_answers_is_given_up_on_in_time(start_app):
    with silent_server() as port:
        app = start_app(**mail_settings(port, MAIL_TIMEOUT_SECONDS=0.5))
        owner = owner_of(app)
        started = time.monotonic()
        made = invite(owner, "colleague@example.com")
        took = time.monotonic() - started
    assert made.status_code == 201
    assert "the mail server did not answer in time" in text(made)
    assert took < 5, took
    assert invitations(app) == [("colleague@example.com", "editor")]


def test_starttls_that_the_server_does_not_offer_sends_nothing_in_plain(start_app):
    with smtp_server() as server:
        app = start_app(**mail_settings(server.port, "starttls"))
        made = invite(owner_of(app), "colleague@example.com")
    assert made.status_code == 201
    assert "does not offer an encrypted connection (STARTTLS)" in text(made)
    assert server.received == []


def test_a_certificate_the_site_does_not_trust_sends_nothing(start_app, tmp_path, certificate):
    stranger = local_certificate(tmp_path / "stranger", name="stranger.test")
    with smtp_server(starttls=stranger) as server:
        app = start_app(**mail_settings(server.port, "starttls"))
        made = invite(owner_of(app), "colleague@example.com")
    assert "the mail server's certificate could not be verified" in text(made)
    assert server.received == []


def test_a_refused_sign_in_is_said_plainly_and_never_shows_the_password(start_app, certificate):
    with smtp_server(starttls=certificate, login=LOGIN) as server:
        settings = mail_settings(
            server.port, "starttls", MAIL_USERNAME=LOGIN[0], MAIL_PASSWORD="not the password"
        )
        app = start_app(**settings)
        owner = owner_of(app)
        made = invite(owner, "colleague@example.com")
    assert made.status_code == 201
    assert "the mail server refused the user name or password" in text(made)
    assert server.received == []
    assert "not the password" not in made.get_data(as_text=True)
    assert "not the password" not in str(audit(app, "email invitation failed"))


def test_tls_from_the_first_byte_sends_the_invitation(start_app, certificate):
    with smtp_server(implicit_tls=certificate) as server:
        app = start_app(**mail_settings(server.port, "ssl"))
        made = invite(owner_of(app), "colleague@example.com")
    assert "We emailed the invitation to colleague@example.com." in text(made)
    (received,) = server.received
    assert received.encrypted
    assert MAILED_LINK.findall(received.body()) == [page_link(made)]


@pytest.mark.parametrize(
    "address", ["a@example.com\r\nBcc: b@example.com", "a@example.com\nBcc:b@example.com"]
)
def test_an_address_with_a_line_break_never_reaches_the_mail_server(start_app, address):
    with smtp_server() as server:
        app = start_app(**mail_settings(server.port))
        made = invite(owner_of(app), address)
    assert made.status_code == 422
    assert "with an @" in text(made)
    assert server.received == []
    assert invitations(app) == []


# ---------------------------------------------------------------- the command line


def run_invite(app: Flask, *args: str):
    return app.test_cli_runner().invoke(args=["admin", "invite", *args])


def test_the_command_line_prints_the_link_and_mails_it(start_app):
    with smtp_server() as server:
        app = start_app(**mail_settings(server.port))
        result = run_invite(app, "new@example.com", "--role", "viewer")
    assert result.exit_code == 0, result.output
    (printed,) = MAILED_LINK.findall(result.output)
    assert "Emailed the invitation to new@example.com." in result.output
    (received,) = server.received
    assert received.rcpt_tos == ["new@example.com"]
    assert received.message["Subject"] == "You are invited to help run Career Fit"
    assert MAILED_LINK.findall(received.body()) == [printed]
    assert audit(app, "email invitation") == [
        ("email invitation", "command line", "new@example.com", "role: viewer")
    ]
    accept(app, printed)


def test_the_command_line_mails_in_the_language_asked_for(start_app):
    with smtp_server() as server:
        app = start_app(**mail_settings(server.port))
        result = run_invite(app, "neu@example.com", "--role", "editor", "--language", "de")
    assert result.exit_code == 0, result.output
    (received,) = server.received
    assert received.message["Subject"] == "Sie sind eingeladen, Career Fit mitzubetreuen"
    assert "als: Bearbeiter." in received.body()


def test_no_mail_only_prints_the_link(start_app):
    with smtp_server() as server:
        app = start_app(**mail_settings(server.port))
        result = run_invite(app, "new@example.com", "--role", "viewer", "--no-mail")
    assert result.exit_code == 0, result.output
    (printed,) = MAILED_LINK.findall(result.output)
    assert "Emailed" not in result.output
    assert server.received == []
    assert audit(app, "email invitation", "email invitation failed") == []
    accept(app, printed)


def test_the_command_line_says_when_the_mail_failed_and_keeps_the_invitation(start_app):
    app = start_app(**mail_settings(closed_port()))
    result = run_invite(app, "new@example.com", "--role", "viewer")
    assert result.exit_code == 0, result.output
    (printed,) = MAILED_LINK.findall(result.output)
    assert "Could not email the invitation: the mail server could not be reached" in (result.output)
    assert "Pass the link on yourself." in result.output
    assert invitations(app) == [("new@example.com", "viewer")]
    accept(app, printed)


@pytest.mark.parametrize("address", ["a@example.com\r\nBcc: b@example.com", "a b@example.com"])
def test_the_command_line_refuses_an_address_with_a_space_or_line_break(start_app, address):
    with smtp_server() as server:
        app = start_app(**mail_settings(server.port))
        result = run_invite(app, address, "--role", "viewer")
    assert result.exit_code == 2
    assert "give the email address to invite" in result.output
    assert server.received == []
    assert invitations(app) == []
