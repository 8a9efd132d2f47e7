"""Editing the skills and goals (dimensions) roles are profiled on, through the admin pages.

Everything goes through the real app, real pages and real CSRF tokens: forms are
read off the page the way a browser would fill them, changed, and sent back.
"""

from __future__ import annotations

import re
from html import unescape

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
)
from flask import Flask
from flask.testing import FlaskClient
from helpers import ADMIN_EMAIL, form_token
from sqlalchemy import select

from quiz.core.bank import TEXT_LIMIT, parse_bank
from quiz.db import db
from quiz.models import OptionWeight, QuestionWeight, RoleEmphasis
from quiz.store.drafts import draft_bank, replace_draft


def test_a_dimension_name_with_markup_is_shown_escaped_on_the_admin_pages(
    app: Flask, admin_client: FlaskClient
) -> None:
    data = {"key": "markup", "name": MARKUP, "kind": "skill", "description": MARKUP}
    listing = post_form(admin_client, "/admin/dimensions/new", data, follow_redirects=True)
    markup = dimension_ids(app)["markup"]

    for html in (
        listing.get_data(as_text=True),
        admin_client.get(f"/admin/dimensions/{markup}").get_data(as_text=True),
        admin_client.get(f"/admin/dimensions/{markup}/delete").get_data(as_text=True),
        admin_client.get("/admin/roles/new").get_data(as_text=True),
    ):
        assert "<script>" not in html
        assert "&lt;script&gt;" in html


def test_dimensions_page_lists_each_with_kind_description_and_usage(
    app: Flask, admin_client: FlaskClient
) -> None:
    html = admin_client.get("/admin/dimensions").get_data(as_text=True)

    names = [unescape(name) for name in re.findall(r"<h2>([^<]+)</h2>", html)]
    assert names == [d["name"] for d in draft_document(app)["dimensions"]]
    statistics = html[html.index(f'id="dimension-{dimension_ids(app)["statistics"]}"') :]
    statistics = statistics[: statistics.index("</li>")]
    assert "<code>statistics</code>" in statistics
    assert '<span class="state state-skill">Skill</span>' in statistics
    document = draft_document(app)
    questions = sum(
        1
        for q in document["questions"]
        if "statistics" in q.get("weights", {})
        or any("statistics" in o["weights"] for o in q.get("options", []))
    )
    roles = sum(1 for r in document["roles"] if "statistics" in r["profile"])
    counted = f"{roles} role" if roles == 1 else f"{roles} roles"
    assert f"Used by {questions} questions and {counted}." in statistics
    assert 'aria-current="page">Skills and goals</a>' in html


def test_adding_a_dimension_puts_it_last_in_the_draft(
    app: Flask, admin_client: FlaskClient
) -> None:
    before = audit_entries(app)
    data = {
        "key": "data-pipelines",
        "name": "Data pipelines",
        "kind": "skill",
        "description": "Moving data reliably from where it starts to where it is used.",
    }

    response = post_form(admin_client, "/admin/dimensions/new", data)

    assert response.status_code == 302
    assert draft_document(app)["dimensions"][-1] == data
    assert new_entries(app, before) == [(ADMIN_EMAIL, "add dimension", "dimension data-pipelines")]
    # the new dimension is offered in every role's profile
    html = admin_client.get("/admin/roles/new").get_data(as_text=True)
    assert f'for="emphasis-{dimension_ids(app)["data-pipelines"]}">Data pipelines</label>' in html


def test_editing_a_dimension_changes_the_draft_everywhere_it_is_used(
    app: Flask, admin_client: FlaskClient
) -> None:
    url = f"/admin/dimensions/{dimension_ids(app)['statistics']}"
    data = page_form(admin_client, url) | {"key": "stats", "name": "Statistics", "kind": "goal"}
    german = draft_document(app)["dimensions"][0]["translations"]["de"]
    before = audit_entries(app)

    response = admin_client.post(url, data=data)

    assert response.status_code == 302
    document = draft_document(app)
    assert document["dimensions"][0] == {
        "key": "stats",
        "name": "Statistics",
        "kind": "goal",
        "description": data["description"],
        # the name changed, so its translation no longer fits; the description's still does
        "translations": {"de": {"description": german["description"]}},
    }
    assert document["roles"][0]["profile"]["stats"] == 3
    assert "statistics" not in document["roles"][0]["profile"]
    assert new_entries(app, before) == [(ADMIN_EMAIL, "edit dimension", "dimension stats")]


def test_moving_a_dimension_changes_the_draft_order(app: Flask, admin_client: FlaskClient) -> None:
    keys = [d["key"] for d in draft_document(app)["dimensions"]]

    response = post_button(
        admin_client,
        f"/admin/dimensions/{dimension_ids(app)['exploration']}/move",
        "/admin/dimensions",
        {"direction": "up"},
    )

    assert response.status_code == 302
    assert [d["key"] for d in draft_document(app)["dimensions"]] == [keys[1], keys[0], *keys[2:]]
    post_button(
        admin_client,
        f"/admin/dimensions/{dimension_ids(app)['automation']}/move",
        "/admin/dimensions",
        {"direction": "down"},
    )
    assert draft_document(app)["dimensions"][-1]["key"] == "automation", "already last"


def test_deleting_an_unused_dimension_needs_no_confirmation(
    app: Flask, admin_client: FlaskClient
) -> None:
    post_form(
        admin_client, "/admin/dimensions/new", {"key": "spare", "name": "Spare", "kind": "goal"}
    )
    url = f"/admin/dimensions/{dimension_ids(app)['spare']}/delete"
    page = admin_client.get(url).get_data(as_text=True)
    assert "No question or role uses this goal" in page
    assert 'type="checkbox"' not in page

    response = post_form(admin_client, url, {})

    assert response.status_code == 302
    assert "spare" not in dimension_ids(app)
    assert audit_entries(app)[-1] == (ADMIN_EMAIL, "delete dimension", "dimension spare")


def test_deleting_a_used_dimension_lists_its_users_and_needs_the_box_ticked(
    app: Flask, admin_client: FlaskClient
) -> None:
    # only Machine Learning Engineer draws on scale in the default bank
    url = f"/admin/dimensions/{dimension_ids(app)['scale']}/delete"
    html = admin_client.get(url).get_data(as_text=True)
    page = html[html.index("<main") :]
    assert "Machine Learning Engineer" in page
    assert "Data Scientist" not in page and "AI Engineer" not in page
    assert "removes its weight from" in page
    assert '<input id="confirm" name="confirm" type="checkbox"' in page
    draft, entries = draft_document(app), audit_entries(app)

    response = post_form(admin_client, url, {})

    assert response.status_code == 200
    assert "Tick this box" in field_error(response.get_data(as_text=True), "confirm")
    assert draft_document(app) == draft
    assert audit_entries(app) == entries


def test_a_confirmed_delete_removes_the_dimension_with_its_weights_and_emphases(
    app: Flask, admin_client: FlaskClient
) -> None:
    statistics = dimension_ids(app)["statistics"]

    response = post_form(admin_client, f"/admin/dimensions/{statistics}/delete", {"confirm": "y"})

    assert response.status_code == 302
    document = draft_document(app)
    assert "statistics" not in [d["key"] for d in document["dimensions"]]
    for role in document["roles"]:
        assert "statistics" not in role["profile"]
    for question in document["questions"]:
        assert "statistics" not in question.get("weights", {})
        for option in question.get("options", []):
            assert "statistics" not in option["weights"]
    with app.app_context():
        for model in (QuestionWeight, OptionWeight, RoleEmphasis):
            assert (
                db.session.scalars(select(model).where(model.dimension_id == statistics)).all()
                == []
            )
    entry = audit_entries(app)[-1]
    assert entry == (ADMIN_EMAIL, "delete dimension", "dimension statistics")


def test_the_last_dimension_cannot_be_deleted(app: Flask, admin_client: FlaskClient) -> None:
    with app.app_context():
        document = draft_bank().to_document()
        document["dimensions"] = document["dimensions"][:1]
        document["roles"] = [r | {"profile": {"statistics": 3}} for r in document["roles"][:1]]
        document["questions"] = [
            {
                "key": "q",
                "kind": "likert",
                "prompt": "I like numbers.",
                "weights": {"statistics": 1},
            }
        ]
        replace_draft(parse_bank(document))
        db.session.commit()
    url = f"/admin/dimensions/{dimension_ids(app)['statistics']}/delete"

    response = admin_client.post(
        url, data={"csrf_token": form_token(admin_client, "/admin/dimensions"), "confirm": "y"}
    )

    assert response.status_code == 302
    assert list(dimension_ids(app)) == ["statistics"]
    html = admin_client.get("/admin/dimensions").get_data(as_text=True)
    assert "the quiz needs at least one" in html


DIMENSION_MISTAKES = [
    pytest.param("key", "Pipelines!", "lowercase letters", id="bad-key"),
    pytest.param("key", "software", "already uses this key", id="duplicate-key"),
    pytest.param("name", "", "Write this text", id="empty-name"),
    pytest.param("name", "x" * 121, "at most 120 characters", id="name-too-long"),
    pytest.param("kind", "colour", "Choose skill, goal or interest", id="unknown-kind"),
    pytest.param("description", "x" * (TEXT_LIMIT + 1), "at most 600", id="description-too-long"),
]


@pytest.mark.parametrize("page", ["new", "edit"])
@pytest.mark.parametrize(("field", "value", "message"), DIMENSION_MISTAKES)
def test_invalid_dimension_input_is_shown_beside_its_field_and_nothing_is_saved(
    app: Flask, admin_client: FlaskClient, page: str, field: str, value: str, message: str
) -> None:
    if page == "new":
        url = "/admin/dimensions/new"
        data = {"key": "pipelines", "name": "Pipelines", "kind": "skill", "description": ""}
    else:
        url = f"/admin/dimensions/{dimension_ids(app)['statistics']}"
        data = page_form(admin_client, url)
    data[field] = value
    draft, entries = draft_document(app), audit_entries(app)

    response = post_form(admin_client, url, data)

    assert response.status_code == 200
    assert message in field_error(response.get_data(as_text=True), field)
    assert draft_document(app) == draft
    assert audit_entries(app) == entries


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
        url = "/admin/dimensions/new"
        data = {"key": "pipelines", "name": "Pipelines", "kind": "skill", "description": ""}
    else:
        url = f"/admin/dimensions/{dimension_ids(app)['statistics']}"
        data = page_form(admin_client, url)
    data["key"] = "software"
    draft, entries = draft_document(app), audit_entries(app)

    response = post_form(admin_client, url, data)

    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "already uses this key." in field_error(html, "key")
    assert draft_document(app) == draft
    assert audit_entries(app) == entries
