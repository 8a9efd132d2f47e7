"""The team page and the invitation page through the real stack: owners manage the team,
editors and viewers see nothing of it, and an invitation link works once, for 72 hours."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import ADMIN_EMAIL, create_admin, csrf_token, form_token, sign_in
from sqlalchemy import func, select, update

from quiz.db import db
from quiz.models import Admin, AdminInvitation, AuditEntry, utcnow
from quiz.store import admins

PASSWORD = "a long team password"
LINK = re.compile(r'id="invitation-link" type="text" readonly value="([^"]+)"')


def signed_in(app: Flask, role: str) -> FlaskClient:
    email = f"{role}@example.com"
    with app.app_context():
        admins.create(email, PASSWORD, actor="test", role=role)
    client = app.test_client()
    assert sign_in(client, email, PASSWORD).status_code == 302
    return client


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def invite(client: FlaskClient, email: str, role: str):
    token = form_token(client, "/admin/team")
    return client.post(
        "/admin/team/invite", data={"csrf_token": token, "email": email, "role": role}
    )


def invitation_path(response) -> str:
    match = LINK.search(response.get_data(as_text=True))
    assert match, "the page shows no invitation link"
    link = match.group(1)
    assert link.startswith("http://localhost/admin/invitation/")
    return link.removeprefix("http://localhost")


def accept(client: FlaskClient, path: str, password: str = PASSWORD, again: str | None = None):
    token = csrf_token(client.get(path).get_data(as_text=True))
    data = {"csrf_token": token, "new_password": password, "repeat_password": again or password}
    return client.post(path, data=data)


def admin_id(app: Flask, email: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Admin.id).where(Admin.email == email))


def role_of(app: Flask, email: str) -> str | None:
    with app.app_context():
        return db.session.scalar(select(Admin.role).where(Admin.email == email))


@pytest.fixture
def owner(app: Flask, admin_client: FlaskClient) -> FlaskClient:
    """The signed-in admin from the admin fixtures: an owner, as every admin made before roles."""
    return admin_client


def test_the_team_page_lists_admins_with_role_and_date(app, owner):
    signed_in(app, "viewer")
    page = text(owner.get("/admin/team"))
    assert ">Team</a>" in page
    for expected in (ADMIN_EMAIL, "viewer@example.com", "Owner", "Viewer", "Invite a colleague"):
        assert expected in page
    assert "No email is sent" in page


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_editors_and_viewers_see_nothing_of_the_team(app, owner, role):
    client = signed_in(app, role)
    assert ">Team</a>" not in text(client.get("/admin/"))
    refused = client.get("/admin/team")
    assert refused.status_code == 403
    assert "Your role does not include this" in text(refused)
    assert ADMIN_EMAIL not in text(refused)
    token = form_token(client, "/admin/account/password")
    sent = client.post(
        "/admin/team/invite", data={"csrf_token": token, "email": "x@example.com", "role": "owner"}
    )
    assert sent.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count(AdminInvitation.id))) == 0


def test_an_invitation_is_accepted_once_and_signs_the_new_admin_in(app, owner):
    made = invite(owner, "Colleague@Example.com", "editor")
    assert made.status_code == 201
    assert "colleague@example.com" in text(made)
    path = invitation_path(made)
    assert "colleague@example.com" in text(owner.get("/admin/team"))  # pending

    visitor = app.test_client()
    page = text(visitor.get(path))
    assert f"{ADMIN_EMAIL} invited colleague@example.com" in page
    assert "Editor" in page

    mismatch = accept(visitor, path, PASSWORD, "something else entirely")
    assert mismatch.status_code == 422
    common = accept(visitor, path, "password1234")
    assert common.status_code == 422
    assert "passwords people use most" in text(common)
    assert role_of(app, "colleague@example.com") is None

    done = accept(visitor, path)
    assert done.status_code == 302
    assert done.headers["Location"] == "/admin/"
    assert visitor.get("/admin/").status_code == 200, "signed in"
    assert visitor.get("/admin/preview").status_code == 200, "as an editor"
    assert visitor.get("/admin/team").status_code == 403
    assert role_of(app, "colleague@example.com") == "editor"

    again = app.test_client().get(path)
    assert again.status_code == 410
    assert "already used" in text(again)
    assert "No invitation is waiting" in text(owner.get("/admin/team"))


def test_expired_withdrawn_and_unknown_links_say_so(app, owner):
    expired_path = invitation_path(invite(owner, "late@example.com", "viewer"))
    with app.app_context():
        db.session.execute(
            update(AdminInvitation).values(expires_at=utcnow() - timedelta(minutes=1))
        )
        db.session.commit()
    expired = app.test_client().get(expired_path)
    assert expired.status_code == 410
    assert "It expired" in text(expired)
    # sending the form of an expired link makes no account either
    assert accept_after_close(app, expired_path) == 410
    assert role_of(app, "late@example.com") is None

    withdrawn_path = invitation_path(invite(owner, "gone@example.com", "viewer"))
    with app.app_context():
        invitation_id = db.session.scalar(
            select(AdminInvitation.id).where(AdminInvitation.email == "gone@example.com")
        )
    token = form_token(owner, "/admin/team")
    response = owner.post(
        f"/admin/team/invitations/{invitation_id}/withdraw", data={"csrf_token": token}
    )
    assert response.status_code == 302
    assert "The invitation to gone@example.com is withdrawn." in text(owner.get("/admin/team"))
    withdrawn = app.test_client().get(withdrawn_path)
    assert withdrawn.status_code == 410
    assert "withdrew it" in text(withdrawn)

    unknown = app.test_client().get("/admin/invitation/not-a-real-token")
    assert unknown.status_code == 404
    assert "not one we know" in text(unknown)


def accept_after_close(app: Flask, path: str) -> int:
    client = app.test_client()
    token = csrf_token(client.get("/admin/sign-in").get_data(as_text=True))
    data = {"csrf_token": token, "new_password": PASSWORD, "repeat_password": PASSWORD}
    return client.post(path, data=data).status_code


def test_inviting_an_admin_or_a_bad_address_is_refused_clearly(app, owner):
    taken = invite(owner, ADMIN_EMAIL.upper(), "viewer")
    assert taken.status_code == 422
    assert f"{ADMIN_EMAIL} is already an admin." in text(taken)
    bad = invite(owner, "not an address", "viewer")
    assert bad.status_code == 422
    assert "with an @" in text(bad)
    odd_role = invite(owner, "x@example.com", "boss")
    assert odd_role.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count(AdminInvitation.id))) == 0


def test_an_owner_changes_a_role_and_the_last_owner_keeps_theirs(app, owner):
    viewer = signed_in(app, "viewer")
    viewer_id = admin_id(app, "viewer@example.com")
    token = form_token(owner, "/admin/team")
    response = owner.post(
        f"/admin/team/{viewer_id}/role", data={"csrf_token": token, "role": "editor"}
    )
    assert response.status_code == 302
    assert "viewer@example.com is now: Editor." in text(owner.get("/admin/team"))
    assert role_of(app, "viewer@example.com") == "editor"
    assert viewer.get("/admin/preview").status_code == 200, "the new role applies at once"

    own_id = admin_id(app, ADMIN_EMAIL)
    owner.post(f"/admin/team/{own_id}/role", data={"csrf_token": token, "role": "viewer"})
    assert "is the only owner" in text(owner.get("/admin/team"))
    assert role_of(app, ADMIN_EMAIL) == "owner"
    with app.app_context():
        details = db.session.scalars(
            select(AuditEntry.detail).where(AuditEntry.action == "change admin role")
        ).all()
    assert details == ["role: viewer → editor"]


def test_removing_asks_first_then_ends_the_admins_sessions(app, owner):
    editor = signed_in(app, "editor")
    editor_id = admin_id(app, "editor@example.com")
    confirm = owner.get(f"/admin/team/{editor_id}/remove")
    assert confirm.status_code == 200
    assert "Remove editor@example.com?" in text(confirm)
    assert role_of(app, "editor@example.com") == "editor", "opening the page removes nothing"

    token = csrf_token(confirm.get_data(as_text=True))
    response = owner.post(f"/admin/team/{editor_id}/remove", data={"csrf_token": token})
    assert response.status_code == 302
    assert "is no longer an admin" in text(owner.get("/admin/team"))
    assert role_of(app, "editor@example.com") is None
    assert editor.get("/admin/").status_code == 302, "signed out"


def test_the_last_owner_cannot_be_removed_from_the_team_page(app, owner):
    own_id = admin_id(app, ADMIN_EMAIL)
    page = owner.get(f"/admin/team/{own_id}/remove")
    assert "is the only owner" in text(page)
    assert 'class="button button-danger"' not in page.get_data(as_text=True)
    token = form_token(owner, "/admin/team")
    owner.post(f"/admin/team/{own_id}/remove", data={"csrf_token": token})
    assert role_of(app, ADMIN_EMAIL) == "owner"
    assert "is the only owner" in text(owner.get("/admin/team"))


def test_an_owner_removing_themselves_is_signed_out(app, owner):
    create_admin(app, email="second@example.com")
    own_id = admin_id(app, ADMIN_EMAIL)
    token = form_token(owner, f"/admin/team/{own_id}/remove")
    response = owner.post(f"/admin/team/{own_id}/remove", data={"csrf_token": token})
    assert response.headers["Location"] == "/admin/sign-in"
    assert owner.get("/admin/").status_code == 302
    assert role_of(app, ADMIN_EMAIL) is None


def test_team_changes_show_on_the_audit_log(app, owner):
    invitation_path(invite(owner, "audited@example.com", "viewer"))
    viewer = signed_in(app, "viewer")
    log = text(viewer.get("/admin/audit"))
    assert "Invited an admin" in log
    assert "audited@example.com" in log
    assert "role: viewer" in log
