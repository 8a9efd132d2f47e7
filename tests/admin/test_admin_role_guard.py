"""One guard for every admin page and role: walk app.url_map as an owner, an editor, a viewer and
an anonymous visitor, and check each endpoint and method is allowed or refused as LEAST_ROLE says,
that refused requests change nothing, and that the table itself is sound."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import csrf_token, sign_in
from sqlalchemy import func, select

from quiz.admin import LEAST_ROLE, OPEN_ENDPOINTS, least_role
from quiz.core.admin_roles import ROLES, allows
from quiz.db import db
from quiz.models import Admin, AuditEntry, Question, QuizVersion, Role
from quiz.store import admins

PASSWORD = "a long test password for roles"
REFUSED_WORDS = "Your role does not include this"


def make_admin(app: Flask, role: str) -> FlaskClient:
    """Create an admin with ``role`` and return a client signed in as them."""
    email = f"{role}@example.com"
    with app.app_context():
        admins.create(email, PASSWORD, actor="test", role=role)
    client = app.test_client()
    assert sign_in(client, email, PASSWORD).status_code == 302
    return client


def admin_requests(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, path) for every admin rule and method but the open ones; sign-out last."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("admin.") or rule.endpoint in OPEN_ENDPOINTS:
            continue
        _, path = rule.build(dict.fromkeys(rule.arguments, 1))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, path))
    return sorted(found, key=lambda request: request[0] == "admin.sign_out")


def audit_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(AuditEntry.id))) or 0


def test_every_least_role_names_a_real_endpoint_and_a_real_role(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    for endpoint, needed in LEAST_ROLE.items():
        assert endpoint in endpoints, f"{endpoint} is in LEAST_ROLE but no page has it"
        for role in needed if isinstance(needed, tuple) else (needed,):
            assert role in ROLES, (endpoint, role)


@pytest.mark.parametrize(
    ("endpoint", "method", "viewer", "editor"),
    [
        ("admin.dashboard", "GET", True, True),
        ("admin.analytics", "GET", True, True),
        ("admin.quality", "GET", True, True),
        ("admin.audit_log", "GET", True, True),
        ("admin.edit_question", "GET", True, True),
        ("admin.edit_question", "POST", False, True),
        ("admin.edit_role", "POST", False, True),
        ("admin.publish", "POST", False, True),
        ("admin.bank_file", "POST", False, True),
        ("admin.export_bank", "GET", False, True),
        ("admin.preview", "GET", False, True),
        ("admin.team", "GET", False, False),
        ("admin.invite", "POST", False, False),
        ("admin.remove_admin", "POST", False, False),
        # not in the table at all: owners only, whatever it is
        ("admin.some_page_added_later", "GET", False, False),
    ],
)
def test_the_table_gives_each_role_what_the_roles_promise(endpoint, method, viewer, editor):
    needed = least_role(endpoint, method)
    assert allows("viewer", needed) is viewer
    assert allows("editor", needed) is editor
    assert allows("owner", needed)


def test_every_admin_endpoint_answers_each_role_as_the_table_says(app):
    clients: dict[str, FlaskClient] = {role: make_admin(app, role) for role in reversed(ROLES)}
    clients["anonymous"] = app.test_client()
    requests = admin_requests(app)
    assert {"admin.team", "admin.invite", "admin.publish", "admin.analytics"} <= {
        endpoint for endpoint, _, _ in requests
    }
    with app.app_context():
        versions_before = db.session.scalar(select(func.count(QuizVersion.id)))
    refused_seen = {role: 0 for role in clients}

    # the least able first, so what an owner may change cannot hide what a viewer may not
    for who in ("anonymous", "viewer", "editor", "owner"):
        client = clients[who]
        form_page = "/admin/sign-in" if who == "anonymous" else "/admin/account/password"
        token = csrf_token(client.get(form_page).get_data(as_text=True))
        for endpoint, method, path in requests:
            where = f"{who}: {method} {path} ({endpoint})"
            before = audit_count(app)
            data = None if method == "GET" else {"csrf_token": token}
            response = client.open(path, method=method, data=data)
            assert response.status_code < 500, where
            if who == "anonymous":
                assert response.status_code == 302, where
                assert urlsplit(response.headers["Location"]).path == "/admin/sign-in", where
            elif allows(who, least_role(endpoint, method)):
                assert response.status_code != 403, where
                location = response.headers.get("Location", "")
                assert urlsplit(location).path != "/admin/sign-in" or endpoint in {
                    "admin.sign_out",
                    "admin.remove_admin",
                }, where
                continue
            else:
                assert response.status_code == 403, (where, response.status_code)
                assert REFUSED_WORDS in response.get_data(as_text=True), where
            refused_seen[who] += 1
            assert audit_count(app) == before, f"{where} was refused but changed the audit log"

    assert refused_seen["viewer"] > refused_seen["editor"] > refused_seen["owner"] == 0
    with app.app_context():
        assert db.session.scalar(select(func.count(QuizVersion.id))) >= versions_before
        assert {a.role for a in db.session.scalars(select(Admin))} >= {"owner"}


def test_the_menu_shows_each_role_only_what_it_may_open(app):
    expected = {
        "viewer": ({"Overview", "Analytics", "Audit log", "Questions"}, {"Team", "Preview"}),
        "editor": ({"Preview", "Import and export"}, {"Team"}),
        "owner": ({"Team", "Preview"}, set()),
    }
    for role, (shown, hidden) in expected.items():
        page = make_admin(app, role).get("/admin/").get_data(as_text=True)
        # the menu and the site's settings beside the account's links
        menu = page.split('class="admin-nav"', 1)[1].split("</nav>", 1)[0]
        for label in shown:
            assert f">{label}</a>" in menu, (role, label)
        for label in hidden:
            assert f">{label}</a>" not in menu, (role, label)


def test_a_viewer_reads_the_quiz_but_gets_no_button_to_change_it(app):
    viewer = make_admin(app, "viewer")
    with app.app_context():
        question_id = db.session.scalar(select(func.min(Question.id)))
        role_id = db.session.scalar(select(func.min(Role.id)))
    pages = {
        "/admin/": ('action="/admin/publish', 'action="/admin/preview/restart'),
        "/admin/questions": ('href="/admin/questions/new"', 'id="bulk-form"'),
        f"/admin/questions/{question_id}": ("Save question", "Delete this question"),
        "/admin/roles": ('href="/admin/roles/new"', "/retire"),
        f"/admin/roles/{role_id}": ("Save role",),
        "/admin/dimensions": ('href="/admin/dimensions/new"', "/move"),
        "/admin/versions": ("Start a draft from it",),
    }
    for path, controls in pages.items():
        response = viewer.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        for control in controls:
            assert control not in html, (path, control)
    # an editor gets them
    editor = make_admin(app, "editor")
    assert "Save question" in editor.get(f"/admin/questions/{question_id}").get_data(as_text=True)
    assert 'href="/admin/questions/new"' in editor.get("/admin/questions").get_data(as_text=True)
