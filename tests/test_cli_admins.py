"""The admin commands for the team: create with a role, invite, set-role, remove and
reset-password, each refusing with a clear message and a non-zero exit."""

from __future__ import annotations

import re

import pyotp
import pytest
from click.testing import Result as CliResult
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from quiz import create_app
from quiz.db import db
from quiz.models import Admin, AdminInvitation, AuditEntry
from quiz.store import admins, two_factor

PASSWORD = "a long command line password"


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


def run(runner: FlaskCliRunner, *args: str, input: str | None = None) -> CliResult:
    return runner.invoke(args=["admin", *args], input=input)


def create(runner: FlaskCliRunner, email: str, *role: str) -> CliResult:
    return run(runner, "create", email, *role, "--password-stdin", input=f"{PASSWORD}\n")


def role_of(app: Flask, email: str) -> str | None:
    with app.app_context():
        return db.session.scalar(select(Admin.role).where(Admin.email == email))


def test_create_makes_an_owner_by_default_and_takes_a_role(app, runner):
    assert create(runner, "first@example.com").exit_code == 0
    made = create(runner, "second@example.com", "--role", "viewer")
    assert made.exit_code == 0, made.output
    assert "Created admin second@example.com. Role: viewer." in made.output
    assert role_of(app, "first@example.com") == "owner"
    assert role_of(app, "second@example.com") == "viewer"
    listed = run(runner, "list").output
    assert "second@example.com\tviewer" in listed

    odd = create(runner, "third@example.com", "--role", "boss")
    assert odd.exit_code == 2
    assert "boss" in odd.output
    common = run(runner, "create", "c@example.com", "--password-stdin", input="password1234\n")
    assert common.exit_code == 1
    assert "passwords people use most" in common.output
    assert role_of(app, "c@example.com") is None


def test_invite_prints_a_one_time_link_at_the_public_address(database_url):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "PUBLIC_URL": "https://careerfit.example",
        }
    )
    runner = app.test_cli_runner()
    result = run(runner, "invite", "New@Example.com", "--role", "editor")
    assert result.exit_code == 0, result.output
    (link,) = re.findall(r"https://careerfit\.example/admin/invitation/\S+", result.output)
    token = link.rsplit("/", 1)[1]
    with app.app_context():
        invitation = admins.find_invitation(token)
        assert (invitation.email, invitation.role) == ("new@example.com", "editor")
        invited = select(AuditEntry.admin_email).where(AuditEntry.action == "invite admin")
        assert db.session.scalar(invited) == "command line"
    page = app.test_client().get(link.removeprefix("https://careerfit.example"))
    assert page.status_code == 200
    with app.app_context():
        db.engine.dispose()


def test_invite_refuses_an_admins_address_and_needs_a_role(app, runner):
    create(runner, "here@example.com")
    taken = run(runner, "invite", "here@example.com", "--role", "viewer")
    assert taken.exit_code == 1
    assert "here@example.com is already an admin." in taken.output
    assert run(runner, "invite", "x@example.com").exit_code == 2
    with app.app_context():
        assert db.session.scalar(select(AdminInvitation.id)) is None


def test_set_role_changes_a_role_but_never_the_last_owners(app, runner):
    create(runner, "owner@example.com")
    create(runner, "viewer@example.com", "--role", "viewer")
    changed = run(runner, "set-role", "VIEWER@example.com", "editor")
    assert changed.exit_code == 0, changed.output
    assert role_of(app, "viewer@example.com") == "editor"

    refused = run(runner, "set-role", "owner@example.com", "viewer")
    assert refused.exit_code == 1
    assert "owner@example.com is the only owner" in refused.output
    assert role_of(app, "owner@example.com") == "owner"
    missing = run(runner, "set-role", "nobody@example.com", "viewer")
    assert missing.exit_code == 1
    assert "There is no admin with the email nobody@example.com." in missing.output


@pytest.mark.parametrize("command", ["remove", "delete"])
def test_remove_refuses_the_last_owner_and_removes_anyone_else(app, runner, command):
    create(runner, "owner@example.com")
    create(runner, "editor@example.com", "--role", "editor")
    refused = run(runner, command, "owner@example.com")
    assert refused.exit_code == 1
    assert "is the only owner" in refused.output
    assert role_of(app, "owner@example.com") == "owner"
    removed = run(runner, command, "editor@example.com")
    assert removed.exit_code == 0, removed.output
    assert role_of(app, "editor@example.com") is None


def test_reset_password_sets_a_new_one_and_ends_sessions(app, runner):
    create(runner, "a@example.com")
    with app.app_context():
        nonce = db.session.scalar(select(Admin.session_nonce))
    common = run(
        runner, "reset-password", "a@example.com", "--password-stdin", input="qwerty123456\n"
    )
    assert common.exit_code == 1
    assert "passwords people use most" in common.output
    done = run(
        runner, "reset-password", "a@example.com", "--password-stdin", input="a fresh long secret\n"
    )
    assert done.exit_code == 0, done.output
    assert "signed out everywhere" in done.output
    with app.app_context():
        admin = db.session.scalar(select(Admin))
        assert admin.check_password("a fresh long secret")
        assert admin.session_nonce != nonce
        actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "reset password" in actions
    missing = run(runner, "reset-password", "b@example.com", "--password-stdin", input="x\n")
    assert missing.exit_code == 1


def test_reset_two_factor_takes_it_off_an_admin_who_lost_their_phone(app, runner):
    assert create(runner, "lost@example.com").exit_code == 0
    with app.app_context():
        admin = db.session.scalar(select(Admin).where(Admin.email == "lost@example.com"))
        secret = two_factor.new_secret()
        two_factor.turn_on(admin, secret, pyotp.TOTP(secret).now())
        nonce = admin.session_nonce

    done = run(runner, "reset-two-factor", "lost@example.com")

    assert done.exit_code == 0, done.output
    assert "Two-factor sign-in is off for lost@example.com" in done.output
    with app.app_context():
        admin = db.session.scalar(select(Admin).where(Admin.email == "lost@example.com"))
        assert admin.two_factor is None and not admin.recovery_codes
        assert admin.session_nonce != nonce  # signed out everywhere
        logged = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
        assert (logged.action, logged.admin_email) == ("reset two-factor", "command line")
    again = run(runner, "reset-two-factor", "lost@example.com")
    assert again.exit_code == 1
    assert "does not use two-factor sign-in" in again.output
    assert run(runner, "reset-two-factor", "nobody@example.com").exit_code != 0
