"""Whose a group is, on both databases: an owner or editor gives a new or existing group to any
admin (a viewer counsellor included), a viewer never gets the choice, every change is in the
audit log, the command line's --owner, and the team page's truthful word on viewers."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import ADMIN_EMAIL, ADMIN_PASSWORD, create_admin, csrf_token, sign_in
from sqlalchemy import select

from quiz.core.audit_targets import ACTION_NAMES
from quiz.db import db
from quiz.models import Admin, AuditEntry, Group

COUNSELLOR = "counsellor@example.com"


def signed_in(app: Flask, email: str, role: str) -> FlaskClient:
    create_admin(app, email=email, role=role)
    client = app.test_client()
    assert sign_in(client, email, ADMIN_PASSWORD).status_code == 302
    return client


def admin_id(app: Flask, email: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Admin.id).where(Admin.email == email))


def group_owner(app: Flask, group_id: int) -> str | None:
    with app.app_context():
        group = db.session.get(Group, group_id)
        return group.owner.email if group.owner else None


def create(client: FlaskClient, name: str, **extra: object):
    token = csrf_token(client.get("/admin/groups").get_data(as_text=True))
    return client.post("/admin/groups", data={"csrf_token": token, "name": name, **extra})


def created_id(response) -> int:
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def audit(app: Flask, action: str) -> list[AuditEntry]:
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == action))
        return [(e.admin_email, e.target, e.detail) for e in entries]


@pytest.mark.parametrize("role", ["owner", "editor"])
def test_an_owner_or_editor_creates_a_group_for_a_viewer_who_then_runs_it(app, role):
    chooser = signed_in(app, f"{role}2@example.com", role)
    counsellor = signed_in(app, COUNSELLOR, "viewer")
    page = chooser.get("/admin/groups").get_data(as_text=True)
    assert 'name="owner"' in page and COUNSELLOR in page
    # the chooser is chosen unless they choose another
    own = created_id(create(chooser, "Mine"))
    assert group_owner(app, own) == f"{role}2@example.com"

    given = created_id(create(chooser, "Tuesday class", owner=admin_id(app, COUNSELLOR)))
    assert group_owner(app, given) == COUNSELLOR
    listed = counsellor.get("/admin/groups").get_data(as_text=True)
    assert "Tuesday class" in listed and "Mine" not in listed
    assert counsellor.get(f"/admin/groups/{given}").status_code == 200
    token = csrf_token(counsellor.get(f"/admin/groups/{given}").get_data(as_text=True))
    closed = counsellor.post(f"/admin/groups/{given}/close", data={"csrf_token": token})
    assert closed.status_code == 303
    assert (f"{role}2@example.com", "group Tuesday class") in [
        (who, target) for who, target, _ in audit(app, "create group")
    ]
    assert any(COUNSELLOR in detail for _, _, detail in audit(app, "create group"))


def test_an_owner_gives_an_existing_group_to_a_viewer_and_it_is_logged(app, admin_client):
    counsellor = signed_in(app, COUNSELLOR, "viewer")
    group_id = created_id(create(admin_client, "Bootcamp"))
    assert counsellor.get(f"/admin/groups/{group_id}").status_code == 404
    page = admin_client.get(f"/admin/groups/{group_id}").get_data(as_text=True)
    assert f'action="/admin/groups/{group_id}/owner"' in page
    given = admin_client.post(
        f"/admin/groups/{group_id}/owner",
        data={"csrf_token": csrf_token(page), "owner": admin_id(app, COUNSELLOR)},
    )
    assert given.status_code == 303
    assert group_owner(app, group_id) == COUNSELLOR
    assert counsellor.get(f"/admin/groups/{group_id}").status_code == 200
    assert audit(app, "give group") == [
        (ADMIN_EMAIL, "group Bootcamp", f"{ADMIN_EMAIL} → {COUNSELLOR}")
    ]
    assert "give group" in ACTION_NAMES
    log = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "Gave a group to an admin" in log


def test_a_choice_that_is_no_admin_is_refused_with_a_message(app, admin_client):
    group_id = created_id(create(admin_client, "Bootcamp"))
    refused = create(admin_client, "Nobody's", owner="999999")
    assert refused.status_code == 422
    assert "Not a valid choice" in refused.get_data(as_text=True)
    page = admin_client.get(f"/admin/groups/{group_id}").get_data(as_text=True)
    for bad in ("999999", "not a number"):
        response = admin_client.post(
            f"/admin/groups/{group_id}/owner", data={"csrf_token": csrf_token(page), "owner": bad}
        )
        assert response.status_code == 422
        assert 'class="field-error"' in response.get_data(as_text=True)
    assert group_owner(app, group_id) == ADMIN_EMAIL
    assert audit(app, "give group") == []


def test_a_viewer_never_sees_the_choice_and_cannot_give_a_group_away(app, admin_client):
    viewer = signed_in(app, COUNSELLOR, "viewer")
    page = viewer.get("/admin/groups").get_data(as_text=True)
    assert 'name="owner"' not in page
    # an owner field sent anyway is ignored: a viewer's group is their own
    group_id = created_id(create(viewer, "Theirs", owner=admin_id(app, ADMIN_EMAIL)))
    assert group_owner(app, group_id) == COUNSELLOR
    page = viewer.get(f"/admin/groups/{group_id}").get_data(as_text=True)
    assert "/owner" not in page and 'name="owner"' not in page
    refused = viewer.post(
        f"/admin/groups/{group_id}/owner",
        data={"csrf_token": csrf_token(page), "owner": admin_id(app, ADMIN_EMAIL)},
    )
    assert refused.status_code == 403
    assert group_owner(app, group_id) == COUNSELLOR


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


def test_the_command_line_creates_a_group_for_an_admin(app, runner):
    create_admin(app, email=COUNSELLOR, role="viewer")
    made = runner.invoke(args=["group", "create", "Night class", "--owner", COUNSELLOR.upper()])
    assert made.exit_code == 0, made.output
    with app.app_context():
        group = db.session.scalar(select(Group).where(Group.name == "Night class"))
        assert group.owner.email == COUNSELLOR
    unknown = runner.invoke(args=["group", "create", "X", "--owner", "nobody@example.com"])
    assert unknown.exit_code != 0 and "no admin has the email" in unknown.output
    with app.app_context():
        assert db.session.scalar(select(Group).where(Group.name == "X")) is None


def test_the_team_page_says_truthfully_what_a_viewer_may_do(app, admin_client):
    page = admin_client.get("/admin/team").get_data(as_text=True)
    assert "changes nothing." not in page
    assert "runs the groups they create or are given" in page
    german = admin_client.get("/admin/team", headers={"Accept-Language": "de"})
    text = german.get_data(as_text=True)
    assert "betreut die Gruppen, die er selbst anlegt oder bekommt" in text
    assert "ändert nichts." not in text
