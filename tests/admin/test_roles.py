"""Editing roles through the admin pages.

Everything goes through the real app, real pages and real CSRF tokens: forms are
read off the page the way a browser would fill them, changed, and sent back.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from admin_pages import (
    MARKUP,
    audit_entries,
    dimension_ids,
    draft_document,
    field_error,
    new_entries,
    page_form,
    post_button,
    post_form,
    role_data,
    role_id,
)
from flask import Flask
from flask.testing import FlaskClient
from helpers import ADMIN_EMAIL, csrf_token, form_token
from sqlalchemy import select, update

from quiz.core.bank import LIST_LIMIT, TEXT_LIMIT, parse_bank
from quiz.db import db
from quiz.models import (
    Admin,
    AuditEntry,
    QuizVersion,
    Role,
)
from quiz.store import audit

SECOND_EMAIL = "second.admin@example.com"
SECOND_PASSWORD = "another long admin password"
ROLE_NAMES = {
    "data-scientist": "Data Scientist",
    "ml-engineer": "Machine Learning Engineer",
    "ai-engineer": "AI Engineer",
}
STALE_MESSAGE = "Someone else saved this role while you were editing."

DATA_ENGINEER = {
    "key": "data-engineer",
    "name": "Data Engineer",
    "summary": "Builds and runs the pipelines that bring data together, so others can trust it.",
    "focus": "Moving data from where it is created to where it is needed: on time, complete "
    "and in a shape people can use.",
    "skills": [
        "SQL and data modelling",
        "Python for data pipelines",
        "Data warehouses and data lakes",
        "Scheduling and orchestrating jobs",
        "Data quality checks and monitoring",
        "Batch and streaming processing",
    ],
    "tasks": [
        "Build pipelines that collect, clean and load data",
        "Design the tables of the warehouse",
        "Schedule jobs and watch that they run",
        "Find and fix late, missing or wrong data",
        "Make slow queries and jobs faster and cheaper",
    ],
    "goals": [
        "Data that arrives on time and can be trusted",
        "One place where everyone finds the data they need",
    ],
    "typical_day": "Check last night's jobs, fix the one that failed, add a new source to the "
    "warehouse and review a teammate's pipeline change.",
    "learn_first": [
        "SQL, including joins and window functions",
        "Python",
        "How a data warehouse stores and serves tables",
    ],
    "first_project": "Load a public dataset into a small warehouse every day, with checks that "
    "warn you when the data looks wrong.",
    "profile": {"software": 2, "production": 3, "scale": 3, "automation": 2, "exploration": 1},
}


@pytest.fixture
def second_admin_client(app: Flask) -> FlaskClient:
    """Another admin, signed in through the real form in their own browser."""
    with app.app_context():
        admin = Admin(email=SECOND_EMAIL)
        admin.set_password(SECOND_PASSWORD)
        db.session.add(admin)
        db.session.commit()
    client = app.test_client()
    page = client.get("/admin/sign-in").get_data(as_text=True)
    response = client.post(
        "/admin/sign-in",
        data={"csrf_token": csrf_token(page), "email": SECOND_EMAIL, "password": SECOND_PASSWORD},
    )
    assert response.status_code == 302
    return client


# roles: listing, adding, editing


def test_roles_page_lists_every_role_in_order_with_key_summary_and_state(
    app: Flask, admin_client: FlaskClient
) -> None:
    with app.app_context():
        ml = db.session.scalar(select(Role).where(Role.key == "ml-engineer"))
        assert ml is not None
        ml.active = False
        db.session.commit()
    html = admin_client.get("/admin/roles").get_data(as_text=True)

    assert re.findall(r"<h2>([^<]+)</h2>", html) == list(ROLE_NAMES.values())
    assert "<code>data-scientist</code>" in html
    assert "Turns questions into evidence" in html
    assert html.count('class="state state-active"') == 2
    assert html.count('class="state state-retired"') == 1
    assert html.count(">Restore</button>") == 1
    assert html.count(">Retire</button>") == 2
    assert 'aria-current="page">Roles</a>' in html


def test_new_role_form_offers_an_emphasis_0_to_3_for_every_dimension_by_name(
    app: Flask, admin_client: FlaskClient
) -> None:
    html = admin_client.get("/admin/roles/new").get_data(as_text=True)

    for key, dimension_id in dimension_ids(app).items():
        assert f'<select aria-describedby="emphasis-{dimension_id}-hint"' in html, key
    assert '<label for="emphasis-' in html
    assert ">Statistics &amp; experiments</label>" in html
    for level in "0123":
        assert f'<option value="{level}">' in html or f'<option selected value="{level}">' in html


def test_adding_data_engineer_makes_a_fourth_role_with_every_text_and_its_profile(
    app: Flask, admin_client: FlaskClient
) -> None:
    before = audit_entries(app)
    response = post_form(admin_client, "/admin/roles/new", role_data(app, DATA_ENGINEER))

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/roles#role-")
    document = draft_document(app)
    assert [r["key"] for r in document["roles"]] == [
        "data-scientist",
        "ml-engineer",
        "ai-engineer",
        "data-engineer",
    ]
    added = document["roles"][3]
    for name, value in DATA_ENGINEER.items():
        if name != "profile":
            assert added[name] == value, name
    assert added["profile"] == {
        key: DATA_ENGINEER["profile"][key]
        for key in ("exploration", "software", "production", "scale", "automation")
    }
    parse_bank(document)  # the draft is still a valid bank
    assert new_entries(app, before) == [(ADMIN_EMAIL, "add role", "role data-engineer")]
    with app.app_context():
        published = db.session.scalars(select(QuizVersion)).one()
        assert len(published.bank["roles"]) == 3, "the published quiz changes only on publish"
    listing = admin_client.get("/admin/roles").get_data(as_text=True)
    assert "Added the role “Data Engineer”" in listing


def test_editing_a_role_text_changes_the_draft_and_is_audited(
    app: Flask, admin_client: FlaskClient
) -> None:
    url = f"/admin/roles/{role_id(app, 'ai-engineer')}"
    data = page_form(admin_client, url)
    data["summary"] = "Builds products on top of models that already exist."
    data["skills"] += "\nWriting good evaluations"
    before = audit_entries(app)

    response = admin_client.post(url, data=data)

    assert response.status_code == 302
    role = next(r for r in draft_document(app)["roles"] if r["key"] == "ai-engineer")
    assert role["summary"] == "Builds products on top of models that already exist."
    assert role["skills"][-1] == "Writing good evaluations"
    assert new_entries(app, before) == [(ADMIN_EMAIL, "edit role", "role ai-engineer")]
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry is not None and entry.detail == "changed summary, skills"
    assert page_form(admin_client, url)["revision"] == "2"


def test_editing_a_role_profile_changes_the_draft(app: Flask, admin_client: FlaskClient) -> None:
    ids = dimension_ids(app)
    url = f"/admin/roles/{role_id(app, 'data-scientist')}"
    data = page_form(admin_client, url)
    data[f"emphasis-{ids['model-training']}"] = "0"
    data[f"emphasis-{ids['software']}"] = "1"
    data[f"emphasis-{ids['statistics']}"] = "2"

    assert admin_client.post(url, data=data).status_code == 302

    role = draft_document(app)["roles"][0]
    assert role["profile"] == {"statistics": 2, "exploration": 3, "decisions": 3, "software": 1}


def test_a_role_key_may_change_to_one_no_other_role_uses(
    app: Flask, admin_client: FlaskClient
) -> None:
    url = f"/admin/roles/{role_id(app, 'ai-engineer')}"
    data = page_form(admin_client, url) | {"key": "applied-ai-engineer"}

    assert admin_client.post(url, data=data).status_code == 302

    keys = [r["key"] for r in draft_document(app)["roles"]]
    assert keys == ["data-scientist", "ml-engineer", "applied-ai-engineer"]
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry is not None
        assert entry.detail == "changed key ai-engineer → applied-ai-engineer"


def test_saving_a_role_unchanged_saves_and_audits_nothing(
    app: Flask, admin_client: FlaskClient
) -> None:
    url = f"/admin/roles/{role_id(app, 'ml-engineer')}"
    before = audit_entries(app)

    response = admin_client.post(url, data=page_form(admin_client, url), follow_redirects=True)

    assert "nothing was saved" in response.get_data(as_text=True)
    assert new_entries(app, before) == []
    assert page_form(admin_client, url)["revision"] == "1"


# roles: order, retiring


@pytest.mark.parametrize(
    ("moved", "direction", "expected"),
    [
        ("ml-engineer", "up", ["ml-engineer", "data-scientist", "ai-engineer"]),
        ("ml-engineer", "down", ["data-scientist", "ai-engineer", "ml-engineer"]),
    ],
)
def test_moving_a_role_changes_the_draft_order(
    app: Flask, admin_client: FlaskClient, moved: str, direction: str, expected: list[str]
) -> None:
    before = audit_entries(app)
    response = post_button(
        admin_client,
        f"/admin/roles/{role_id(app, moved)}/move",
        "/admin/roles",
        {"direction": direction},
    )

    assert response.status_code == 302
    assert [r["key"] for r in draft_document(app)["roles"]] == expected
    html = admin_client.get("/admin/roles").get_data(as_text=True)
    assert re.findall(r"<h2>([^<]+)</h2>", html) == [ROLE_NAMES[key] for key in expected]
    assert new_entries(app, before) == [(ADMIN_EMAIL, "move role", f"role {moved}")]
    with app.app_context():
        # the order is not part of a role's texts: moving must not make an open edit stale
        assert set(db.session.scalars(select(Role.revision))) == {1}


@pytest.mark.parametrize(
    ("moved", "direction"), [("data-scientist", "up"), ("ai-engineer", "down")]
)
def test_moving_a_role_past_either_end_changes_nothing(
    app: Flask, admin_client: FlaskClient, moved: str, direction: str
) -> None:
    before = draft_document(app)
    response = post_button(
        admin_client,
        f"/admin/roles/{role_id(app, moved)}/move",
        "/admin/roles",
        {"direction": direction},
    )

    assert response.status_code == 302
    assert draft_document(app) == before


def test_moving_in_an_unknown_direction_is_a_bad_request(
    app: Flask, admin_client: FlaskClient
) -> None:
    before = draft_document(app)
    response = post_button(
        admin_client,
        f"/admin/roles/{role_id(app, 'ml-engineer')}/move",
        "/admin/roles",
        {"direction": "sideways"},
    )

    assert response.status_code == 400
    assert draft_document(app) == before


def test_retiring_a_role_takes_it_out_of_the_draft_and_restoring_brings_it_back(
    app: Flask, admin_client: FlaskClient
) -> None:
    ml = role_id(app, "ml-engineer")
    before = audit_entries(app)

    response = post_button(admin_client, f"/admin/roles/{ml}/retire", "/admin/roles")

    assert response.status_code == 302
    assert [r["key"] for r in draft_document(app)["roles"]] == ["data-scientist", "ai-engineer"]
    html = admin_client.get("/admin/roles").get_data(as_text=True)
    assert "Retired “Machine Learning Engineer”" in html
    item = html[html.index(f'id="role-{ml}"') :]
    assert item.index('class="state state-retired"') < item.index("</li>")

    response = post_button(admin_client, f"/admin/roles/{ml}/restore", "/admin/roles")

    assert response.status_code == 302
    keys = [r["key"] for r in draft_document(app)["roles"]]
    assert keys == ["data-scientist", "ml-engineer", "ai-engineer"]
    assert new_entries(app, before) == [
        (ADMIN_EMAIL, "retire role", "role ml-engineer"),
        (ADMIN_EMAIL, "restore role", "role ml-engineer"),
    ]


def test_retiring_the_last_active_role_is_refused(app: Flask, admin_client: FlaskClient) -> None:
    for key in ("data-scientist", "ml-engineer"):
        post_button(admin_client, f"/admin/roles/{role_id(app, key)}/retire", "/admin/roles")
    before = draft_document(app)

    response = post_button(
        admin_client,
        f"/admin/roles/{role_id(app, 'ai-engineer')}/retire",
        "/admin/roles",
    )

    assert response.status_code == 302
    assert draft_document(app) == before
    assert [r["key"] for r in before["roles"]] == ["ai-engineer"]
    html = admin_client.get("/admin/roles").get_data(as_text=True)
    assert "the quiz needs at least one" in html


# roles: invalid input

TOO_MANY = "\n".join(f"item {n}" for n in range(LIST_LIMIT + 1))
ROLE_MISTAKES = [
    pytest.param("key", "Data Engineer", "lowercase letters", id="bad-key"),
    pytest.param("key", "", "Give a key", id="no-key"),
    pytest.param("key", "ml-engineer", "already uses this key", id="duplicate-key"),
    pytest.param("name", "   ", "Write this text", id="blank-name"),
    pytest.param("name", "x" * 121, "at most 120 characters", id="name-too-long"),
    pytest.param("summary", "", "Write this text", id="empty-summary"),
    pytest.param("focus", "x" * (TEXT_LIMIT + 1), "at most 600 characters", id="focus-too-long"),
    pytest.param("skills", TOO_MANY, f"at most {LIST_LIMIT} items", id="too-many-skills"),
    pytest.param("tasks", "\n  \n", "at least one item", id="no-tasks"),
    pytest.param("goals", "fine\n" + "x" * (TEXT_LIMIT + 1), "Item 2", id="goal-too-long"),
    pytest.param("emphasis:software", "4", "Choose 0, 1, 2 or 3", id="emphasis-4"),
    pytest.param("emphasis:software", "x", "Choose 0, 1, 2 or 3", id="emphasis-x"),
    pytest.param("emphasis:software", "-1", "Choose 0, 1, 2 or 3", id="emphasis-negative"),
]


@pytest.mark.parametrize("page", ["new", "edit"])
@pytest.mark.parametrize(("field", "value", "message"), ROLE_MISTAKES)
def test_invalid_role_input_is_shown_beside_its_field_and_nothing_is_saved(
    app: Flask, admin_client: FlaskClient, page: str, field: str, value: str, message: str
) -> None:
    if page == "new":
        url, data = "/admin/roles/new", role_data(app, DATA_ENGINEER)
    else:
        url = f"/admin/roles/{role_id(app, 'ai-engineer')}"
        data = page_form(admin_client, url)
    if field.startswith("emphasis:"):
        field = f"emphasis-{dimension_ids(app)[field.removeprefix('emphasis:')]}"
    data[field] = value
    draft, entries = draft_document(app), audit_entries(app)

    response = post_form(admin_client, url, data)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in field_error(html, field)
    assert "Nothing was saved" in html
    assert draft_document(app) == draft
    assert audit_entries(app) == entries


def test_a_profile_without_any_emphasis_above_0_is_refused(
    app: Flask, admin_client: FlaskClient
) -> None:
    data = role_data(app, DATA_ENGINEER | {"profile": {}})
    draft = draft_document(app)

    response = post_form(admin_client, "/admin/roles/new", data)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "at least one skill or goal an emphasis above 0" in field_error(html, "profile")
    assert draft_document(app) == draft


def test_a_role_form_keeps_what_was_typed_after_an_error(
    app: Flask, admin_client: FlaskClient
) -> None:
    data = role_data(app, DATA_ENGINEER) | {"key": "Not A Key"}

    html = post_form(admin_client, "/admin/roles/new", data).get_data(as_text=True)

    assert "Load a public dataset into a small warehouse every day" in html
    assert "SQL and data modelling\nPython for data pipelines" in html
    software = dimension_ids(app)["software"]
    assert re.search(
        rf'id="emphasis-{software}"[^>]*>\s*(<option[^>]*>[^<]*</option>\s*)*'
        r'<option selected value="2">',
        html,
    )


# roles: two admins at once


def test_saving_a_stale_copy_of_a_role_is_refused_and_the_first_save_survives(
    app: Flask, admin_client: FlaskClient, second_admin_client: FlaskClient
) -> None:
    url = f"/admin/roles/{role_id(app, 'data-scientist')}"
    first_copy = page_form(admin_client, url)
    second_copy = page_form(second_admin_client, url)

    first_copy["name"] = "Data Scientist (first)"
    assert admin_client.post(url, data=first_copy).status_code == 302
    second_copy["name"] = "Data Scientist (second)"
    second_copy["summary"] = "A summary the second admin wrote."
    entries = audit_entries(app)
    response = second_admin_client.post(url, data=second_copy)

    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert STALE_MESSAGE in html
    assert "Your changes were not saved — reload to see their version." in html
    assert 'value="Data Scientist (second)"' in html, "what they typed is kept to copy"
    role = draft_document(app)["roles"][0]
    assert role["name"] == "Data Scientist (first)"
    assert role["summary"] != "A summary the second admin wrote."
    assert audit_entries(app) == entries

    # sending the same stale copy again is refused again; reloading gives a copy that saves
    assert second_admin_client.post(url, data=second_copy).status_code == 409
    fresh = page_form(second_admin_client, url) | {"summary": "A summary the second admin wrote."}
    assert second_admin_client.post(url, data=fresh).status_code == 302
    role = draft_document(app)["roles"][0]
    assert (role["name"], role["summary"]) == (
        "Data Scientist (first)",
        "A summary the second admin wrote.",
    )
    assert new_entries(app, entries) == [(SECOND_EMAIL, "edit role", "role data-scientist")]


def test_a_profile_only_change_makes_other_open_copies_stale(
    app: Flask, admin_client: FlaskClient, second_admin_client: FlaskClient
) -> None:
    statistics = f"emphasis-{dimension_ids(app)['statistics']}"
    url = f"/admin/roles/{role_id(app, 'data-scientist')}"
    first_copy = page_form(admin_client, url)
    second_copy = page_form(second_admin_client, url)

    assert admin_client.post(url, data=first_copy | {statistics: "1"}).status_code == 302
    response = second_admin_client.post(url, data=second_copy | {"name": "Renamed"})

    assert response.status_code == 409
    role = draft_document(app)["roles"][0]
    assert (role["name"], role["profile"]["statistics"]) == ("Data Scientist", 1)


def test_a_save_that_loses_a_race_after_the_revision_check_is_refused(
    app: Flask, admin_client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another save landing between the check and the write raises StaleDataError: a 409."""
    data_scientist = role_id(app, "data-scientist")
    url = f"/admin/roles/{data_scientist}"
    data = page_form(admin_client, url) | {"name": "Too late"}
    record = audit.record
    roles = Role.__table__

    def record_while_someone_else_saves(*args: Any, **kwargs: Any) -> None:
        record(*args, **kwargs)
        with db.session.no_autoflush:
            db.session.execute(
                update(roles)
                .where(roles.c.id == data_scientist)
                .values(revision=roles.c.revision + 1)
            )

    monkeypatch.setattr(audit, "record", record_while_someone_else_saves)
    entries = audit_entries(app)

    response = post_form(admin_client, url, data)

    assert response.status_code == 409
    assert STALE_MESSAGE in response.get_data(as_text=True)
    assert draft_document(app)["roles"][0]["name"] == "Data Scientist"
    assert audit_entries(app) == entries


def test_a_role_form_sent_without_its_revision_is_refused_as_stale(
    app: Flask, admin_client: FlaskClient
) -> None:
    url = f"/admin/roles/{role_id(app, 'data-scientist')}"
    data = page_form(admin_client, url) | {"name": "No revision"}
    del data["revision"]

    response = admin_client.post(url, data=data)

    assert response.status_code == 409
    assert draft_document(app)["roles"][0]["name"] == "Data Scientist"


# escaping


def test_a_role_name_with_markup_is_shown_escaped_on_the_admin_pages(
    app: Flask, admin_client: FlaskClient
) -> None:
    data = role_data(app, DATA_ENGINEER | {"name": MARKUP, "summary": f"Summary {MARKUP}"})
    listing = post_form(admin_client, "/admin/roles/new", data, follow_redirects=True)
    edit_page = admin_client.get(f"/admin/roles/{role_id(app, 'data-engineer')}")
    software = dimension_ids(app)["software"]
    delete_page = admin_client.get(f"/admin/dimensions/{software}/delete")

    for response in (listing, edit_page, delete_page):
        html = response.get_data(as_text=True)
        assert "<script>" not in html
        assert "&lt;script&gt;" in html


# access


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("POST", "/admin/roles/99/move"),
        ("POST", "/admin/roles/99/retire"),
        ("POST", "/admin/roles/99/restore"),
        ("GET", "/admin/roles/99"),
        ("POST", "/admin/roles/99"),
        ("GET", "/admin/dimensions/99"),
        ("POST", "/admin/dimensions/99"),
        ("POST", "/admin/dimensions/99/move"),
        ("GET", "/admin/dimensions/99/delete"),
        ("POST", "/admin/dimensions/99/delete"),
    ],
)
def test_an_unknown_role_or_dimension_is_not_found(
    admin_client: FlaskClient, method: str, url: str
) -> None:
    data = {"csrf_token": form_token(admin_client, "/admin/roles"), "direction": "up"}
    response = admin_client.open(url, method=method, data=data if method == "POST" else None)

    assert response.status_code == 404
    assert "find that page" in response.get_data(as_text=True)


ANONYMOUS_REQUESTS = [
    ("GET", "/admin/roles", "admin.roles"),
    ("GET", "/admin/roles/new", "admin.new_role"),
    ("POST", "/admin/roles/new", "admin.new_role"),
    ("GET", "/admin/roles/1", "admin.edit_role"),
    ("POST", "/admin/roles/1", "admin.edit_role"),
    ("POST", "/admin/roles/1/move", "admin.move_role"),
    ("POST", "/admin/roles/1/retire", "admin.retire_role"),
    ("POST", "/admin/roles/1/restore", "admin.restore_role"),
    ("GET", "/admin/dimensions", "admin.dimensions"),
    ("GET", "/admin/dimensions/new", "admin.new_dimension"),
    ("POST", "/admin/dimensions/new", "admin.new_dimension"),
    ("GET", "/admin/dimensions/1", "admin.edit_dimension"),
    ("POST", "/admin/dimensions/1", "admin.edit_dimension"),
    ("POST", "/admin/dimensions/1/move", "admin.move_dimension"),
    ("GET", "/admin/dimensions/1/delete", "admin.delete_dimension"),
    ("POST", "/admin/dimensions/1/delete", "admin.delete_dimension"),
]


def test_every_role_and_dimension_endpoint_is_in_the_anonymous_check(app: Flask) -> None:
    ours = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if app.view_functions[rule.endpoint].__module__
        in {"quiz.admin.roles", "quiz.admin.dimensions"}
    }
    assert ours == {endpoint for _, _, endpoint in ANONYMOUS_REQUESTS}


@pytest.mark.parametrize(("method", "url", "endpoint"), ANONYMOUS_REQUESTS)
def test_an_anonymous_visitor_is_sent_to_sign_in(
    app: Flask, client: FlaskClient, method: str, url: str, endpoint: str
) -> None:
    draft = draft_document(app)
    # a real token from a page anyone may open, so only the sign-in guard can refuse
    data = {
        "csrf_token": form_token(client, "/admin/sign-in"),
        "direction": "up",
        "confirm": "y",
        **role_data(app, DATA_ENGINEER),
    }

    response = client.open(url, method=method, data=data if method == "POST" else None)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/sign-in")
    assert draft_document(app) == draft


@pytest.mark.parametrize("page", ["new", "edit"])
def test_a_key_another_admin_took_a_moment_earlier_is_refused_beside_the_key(
    app: Flask, admin_client: FlaskClient, monkeypatch: pytest.MonkeyPatch, page: str
) -> None:
    # the form and the service both found the key free; another save took it before ours
    import quiz.admin.unique_key
    from quiz.store import editing

    monkeypatch.setattr(quiz.admin.unique_key, "key_clash", lambda *args, **kwargs: None)
    monkeypatch.setattr(editing, "_require_free_key", lambda *args, **kwargs: None)
    if page == "new":
        url, data = "/admin/roles/new", role_data(app, DATA_ENGINEER)
    else:
        url = f"/admin/roles/{role_id(app, 'ai-engineer')}"
        data = page_form(admin_client, url)
    data["key"] = "data-scientist"
    draft, entries = draft_document(app), audit_entries(app)

    response = post_form(admin_client, url, data)

    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "The role “Data Scientist” already uses this key." in field_error(html, "key")
    assert draft_document(app) == draft
    assert audit_entries(app) == entries
