"""Editing questions in the admin area: the list, the editor, options, the weights matrix,
concurrent edits, escaping, the audit log and the sign-in guard.

Everything goes through the real app with CSRF on: forms are read off the pages and sent
back with their real tokens and hidden fields, as a browser would.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from admin_pages import listed
from flask import Flask
from flask.testing import FlaskClient
from helpers import create_admin, csrf_token, form_fields, form_token, sign_in
from markupsafe import escape
from sqlalchemy import select, update

from quiz.db import db
from quiz.models import AuditEntry, Option, OptionWeight, Question
from quiz.store import audit
from quiz.store.drafts import draft_bank

CONFLICT = "Someone else saved this question while you were editing."
NOT_SAVED = "Your changes were not saved — reload to see their version."
SECOND_ADMIN = "second@example.com"


# --- reading pages -----------------------------------------------------------------------


def cell(html: str, label: str) -> str:
    """Return the name of the weights matrix input whose accessible name is ``label``."""
    inputs = re.findall(r'<input [^>]*aria-label="([^"]+)"[^>]*name="([^"]+)"', html)
    names = {unescape(aria): name for aria, name in inputs}
    assert label in names, f"no cell labelled {label!r}"
    return names[label]


def cell_error(html: str, name: str) -> str | None:
    """Return the error shown right beside the matrix cell ``name``, if there is one."""
    match = re.search(
        rf'<input aria-describedby="{name}-error" aria-invalid="true"[^>]*name="{name}"[^>]*>'
        rf'\s*<span class="field-error" id="{name}-error">([^<]+)</span>',
        html,
    )
    return match.group(1) if match else None


def weighs_on(client: FlaskClient, url: str) -> str:
    """Return what the editor at ``url`` says the question weighs on."""
    html = client.get(url).get_data(as_text=True)
    return unescape(re.search(r"· (Weighs on [^<]*)</p>", html).group(1))


# --- the draft ---------------------------------------------------------------------------


def document(app: Flask) -> dict:
    with app.app_context():
        return draft_bank().to_document()


def draft_question(app: Flask, key: str) -> dict:
    return next(q for q in document(app)["questions"] if q["key"] == key)


def question_id(app: Flask, key: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Question.id).where(Question.key == key))


def option_id(app: Flask, question_key: str, option_key: str) -> int:
    with app.app_context():
        return db.session.scalar(
            select(Option.id)
            .join(Question)
            .where(Question.key == question_key, Option.key == option_key)
        )


def editor_url(app: Flask, key: str) -> str:
    return f"/admin/questions/{question_id(app, key)}"


def audit_trail(app: Flask) -> list[tuple[str, str, str]]:
    with app.app_context():
        return [
            (e.admin_email, e.action, e.target)
            for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
            if e.action != "publish"  # seeding publishes the default bank
        ]


# --- acting like an admin ----------------------------------------------------------------


def save_editor(client: FlaskClient, url: str, **changes: str):
    """Open the editor at ``url``, change some fields and save it."""
    html = client.get(url).get_data(as_text=True)
    return client.post(url, data={**form_fields(html, url), **changes})


def create_question(client: FlaskClient, **fields: str):
    """Create a question in one step; ``first_option`` and ``second_option`` fill its two rows."""
    token = form_token(client, "/admin/questions/new")
    labels = {
        "options-0-label": fields.pop("first_option", ""),
        "options-1-label": fields.pop("second_option", ""),
    }
    data = {"kind": "likert", "options-0-option_id": "", "options-1-option_id": "", **labels}
    return client.post("/admin/questions/new", data={"csrf_token": token, **data, **fields})


def page_form_fields(html: str, page: str, action: str) -> dict[str, str]:
    """Return what the form on ``page`` posting to ``action`` sends.

    The one-screen editor has no form of its own for the old one-option addresses (they
    stay for addresses already in use): for those, its token and revision are sent.
    """
    if f'action="{action}"' in html:
        return form_fields(html, action)
    editor = form_fields(html, page)
    return {"csrf_token": editor["csrf_token"], "revision": editor["revision"]}


def post_from_page(client: FlaskClient, page: str, action: str, **extra: str):
    """Send the form on ``page`` that posts to ``action``, with its hidden fields as shown."""
    html = client.get(page).get_data(as_text=True)
    return client.post(action, data={**page_form_fields(html, page, action), **extra})


def post_with_revision(app: Flask, client: FlaskClient, key: str, action: str):
    """Post to one question's ``action`` with the revision of the question as it is now."""
    with app.app_context():
        revision = db.session.scalar(select(Question.revision).where(Question.key == key))
    token = form_token(client, "/admin/questions")
    return client.post(action, data={"csrf_token": token, "revision": revision})


@pytest.fixture
def second_admin(app: Flask) -> FlaskClient:
    """Another admin, signed in on their own client."""
    create_admin(app, email=SECOND_ADMIN)
    client = app.test_client()
    assert sign_in(client, email=SECOND_ADMIN).status_code == 302
    return client


# --- the list ----------------------------------------------------------------------------


def test_list_shows_every_question_in_order_with_number_kind_state_and_roles(app, admin_client):
    response = admin_client.get("/admin/questions")
    assert response.status_code == 200
    entries = listed(response.get_data(as_text=True))

    draft = document(app)["questions"]
    assert [e["Key"] for e in entries] == [q["key"] for q in draft]
    assert [e["number"] for e in entries] == [str(n) for n in range(1, len(draft) + 1)]
    assert [e["prompt"] for e in entries] == [q["prompt"] for q in draft]
    assert {e["State"] for e in entries} == {"Active"}
    first, second = entries[0], entries[1]
    # q01 weighs on data exploration, which only Data Scientists draw on
    assert first["Kind"] == "Agreement statement"
    assert first["Moves most"] == "Data Scientist"
    assert weighs_on(admin_client, editor_url(app, "q01")) == "Weighs on Data Scientist"
    assert second["Kind"] == "Choice"
    assert weighs_on(admin_client, editor_url(app, "q02")) == (
        "Weighs on Data Scientist, Machine Learning Engineer, AI Engineer"
    )


def test_list_names_only_roles_the_options_move_differently(app, admin_client):
    create_question(admin_client, key="q36", prompt="I like shipping features people use.")
    url = editor_url(app, "q36")
    html = admin_client.get(url).get_data(as_text=True)
    assert "Weighs on no role yet" in html

    weight = cell(html, "Weight of this statement on Products people enjoy using")
    assert save_editor(admin_client, url, **{weight: "2"}).status_code == 302

    entries = listed(admin_client.get("/admin/questions").get_data(as_text=True))
    assert entries[-1]["Key"] == "q36"
    assert entries[-1]["Moves most"] == "AI Engineer"
    assert entries[-1]["Measures"] == "Products people enjoy using"
    assert weighs_on(admin_client, url) == "Weighs on AI Engineer"


# --- creating ----------------------------------------------------------------------------


def test_creating_an_agreement_statement_appends_it_to_the_draft(app, admin_client):
    response = create_question(admin_client, key="q36", prompt="I enjoy tidy spreadsheets.")
    assert response.status_code == 302
    assert response.headers["Location"] == editor_url(app, "q36")
    assert "Question q36 created" in admin_client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert document(app)["questions"][-1] == {
        "key": "q36",
        "kind": "likert",
        "prompt": "I enjoy tidy spreadsheets.",
        "weights": {},
    }


def test_creating_a_choice_question_starts_it_with_its_two_options(app, admin_client):
    response = create_question(
        admin_client,
        key="pick-one",
        kind="choice",
        prompt="  Which would you rather do?  ",
        first_option="Draw a chart",
        second_option="Write a test",
    )
    assert response.status_code == 302
    assert document(app)["questions"][-1] == {
        "key": "pick-one",
        "kind": "choice",
        "prompt": "Which would you rather do?",
        "options": [
            {"key": "a", "label": "Draw a chart", "weights": {}},
            {"key": "b", "label": "Write a test", "weights": {}},
        ],
    }


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"key": "Q36"}, "key", "lowercase letters, digits or hyphens"),
        ({"key": "-q36"}, "key", "lowercase letters, digits or hyphens"),
        ({"key": "q" * 41}, "key", "lowercase letters, digits or hyphens"),
        ({"key": "", "prompt": " "}, "key", "lowercase letters, digits or hyphens"),
        ({"key": "q01"}, "key", "Another question already uses the key “q01”."),
        ({"prompt": "   "}, "prompt", "Enter the question&#39;s text."),
        ({"prompt": "x" * 601}, "prompt", "Keep it to 600 characters or fewer."),
        ({"kind": "essay"}, "kind", "Not a valid choice"),
        (
            {"kind": "choice", "first_option": "Only one"},
            "options-1-label",
            "this option&#39;s text",
        ),
    ],
)
def test_new_question_refuses_bad_fields_with_the_error_beside_the_field(
    app, admin_client, fields, field, message
):
    before = document(app)
    response = create_question(admin_client, **{"key": "q36", "prompt": "A text.", **fields})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = re.search(rf'<(?:p|span) class="field-error" id="{field}-error">([^<]+)</', html)
    assert error and message in error.group(1)
    assert document(app) == before


# --- editing text ------------------------------------------------------------------------


def test_editing_saves_the_key_and_text(app, admin_client):
    url = editor_url(app, "q01")
    response = save_editor(admin_client, url, key="stats-luck", prompt="I like telling luck apart.")
    assert response.status_code == 302
    assert "Question stats-luck saved." in admin_client.get(url).get_data(as_text=True)
    first = document(app)["questions"][0]
    assert (first["key"], first["prompt"]) == ("stats-luck", "I like telling luck apart.")


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"prompt": ""}, "prompt"), ({"prompt": "x" * 601}, "prompt"), ({"key": "q02"}, "key")],
)
def test_editing_refuses_bad_text_and_saves_nothing(app, admin_client, changes, field):
    before = document(app)
    response = save_editor(admin_client, editor_url(app, "q01"), **changes)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Nothing was saved." in html
    assert f'id="{field}-error"' in html
    assert document(app) == before


# --- order, state and deleting -----------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "direction", "expected_start"),
    [("q02", "up", ["q02", "q01", "q03"]), ("q02", "down", ["q01", "q03", "q02"])],
)
def test_moving_a_question_changes_the_list_and_draft_order(
    app, admin_client, key, direction, expected_start
):
    move = f"/admin/questions/{question_id(app, key)}/move"
    token = form_token(admin_client, "/admin/questions")
    response = admin_client.post(move, data={"csrf_token": token, "direction": direction})
    assert response.status_code == 302

    entries = listed(admin_client.get("/admin/questions").get_data(as_text=True))
    assert [e["Key"] for e in entries[:3]] == expected_start
    assert [q["key"] for q in document(app)["questions"][:3]] == expected_start


def test_moving_the_first_question_up_changes_nothing(app, admin_client):
    before = document(app)
    token = form_token(admin_client, "/admin/questions")
    response = admin_client.post(
        editor_url(app, "q01") + "/move", data={"csrf_token": token, "direction": "up"}
    )
    assert response.status_code == 302
    assert "Question q01 is already first." in admin_client.get("/admin/questions").get_data(
        as_text=True
    )
    assert document(app) == before


def test_moving_a_question_does_not_refuse_a_colleagues_edit_of_it(app, admin_client, second_admin):
    url = editor_url(app, "q02")
    stale_page = second_admin.get(url).get_data(as_text=True)
    token = form_token(admin_client, "/admin/questions")
    admin_client.post(url + "/move", data={"csrf_token": token, "direction": "up"})

    fields = {**form_fields(stale_page, url), "prompt": "Edited while it moved"}
    assert second_admin.post(url, data=fields).status_code == 302
    assert document(app)["questions"][0]["prompt"] == "Edited while it moved"


def test_deactivating_takes_a_question_out_of_the_draft_but_keeps_it_listed(app, admin_client):
    deactivate = editor_url(app, "q03") + "/deactivate"
    assert post_with_revision(app, admin_client, "q03", deactivate).status_code == 302

    assert "q03" not in [q["key"] for q in document(app)["questions"]]
    entries = listed(admin_client.get("/admin/questions").get_data(as_text=True))
    assert entries[2]["Key"] == "q03"
    assert entries[2]["State"] == "Inactive"

    activate = editor_url(app, "q03") + "/activate"
    assert post_with_revision(app, admin_client, "q03", activate).status_code == 302
    assert [q["key"] for q in document(app)["questions"]][2] == "q03"


def test_deleting_asks_for_confirmation_then_removes_the_question(app, admin_client):
    deleted = question_id(app, "q02")
    with app.app_context():
        option_ids = db.session.scalars(select(Option.id).where(Option.question_id == deleted))
        option_ids = list(option_ids)
    delete = f"/admin/questions/{deleted}/delete"
    confirm = admin_client.get(delete)
    assert confirm.status_code == 200
    html = confirm.get_data(as_text=True)
    assert "Delete question q02?" in html
    assert "A new set of data lands on your desk." in html
    assert "q02" in [q["key"] for q in document(app)["questions"]]

    response = admin_client.post(delete, data=form_fields(html, delete))
    assert response.status_code == 302
    assert "Question q02 deleted." in admin_client.get("/admin/questions").get_data(as_text=True)
    assert "q02" not in [q["key"] for q in document(app)["questions"]]
    with app.app_context():
        assert db.session.get(Question, deleted) is None
        assert db.session.scalars(select(Option).where(Option.id.in_(option_ids))).all() == []
        weights = select(OptionWeight).where(OptionWeight.option_id.in_(option_ids))
        assert db.session.scalars(weights).all() == []


# --- options -----------------------------------------------------------------------------


def test_adding_an_option_appends_it_with_the_next_free_key(app, admin_client):
    url = editor_url(app, "q02")
    response = post_from_page(admin_client, url, url + "/options", label="Ask a colleague")
    assert response.status_code == 302
    assert draft_question(app, "q02")["options"][-1] == {
        "key": "e",
        "label": "Ask a colleague",
        "weights": {},
    }


def test_adding_an_option_without_text_shows_the_error_beside_the_field(app, admin_client):
    before = document(app)
    url = editor_url(app, "q02")
    response = post_from_page(admin_client, url, url + "/options", label="  ")
    assert response.status_code == 422
    assert '<p class="form-error" role="alert">Enter the option&#39;s text.</p>' in (
        response.get_data(as_text=True)
    )
    assert document(app) == before


def test_a_choice_question_takes_at_most_six_options(app, admin_client):
    url = editor_url(app, "q02")
    for label in ("Fifth", "Sixth"):
        assert post_from_page(admin_client, url, url + "/options", label=label).status_code == 302
    html = admin_client.get(url).get_data(as_text=True)
    assert re.search(r"<button [^>]*data-add-option hidden>Add option</button>", html)

    before = document(app)
    token = csrf_token(html)
    revision = form_fields(html, url)["revision"]
    response = admin_client.post(
        url + "/options", data={"csrf_token": token, "revision": revision, "label": "Seventh"}
    )
    assert response.status_code == 422
    assert "A choice question can have at most 6 options." in response.get_data(as_text=True)
    assert document(app) == before


def test_editing_an_option_text_saves_it(app, admin_client):
    url = editor_url(app, "q02")
    assert (
        save_editor(admin_client, url, **{"options-1-label": "Plan a fair test"}).status_code == 302
    )
    assert draft_question(app, "q02")["options"][1]["label"] == "Plan a fair test"


def test_deleting_an_option_removes_it_and_its_weights(app, admin_client):
    url = editor_url(app, "q02")
    delete = f"{url}/options/{option_id(app, 'q02', 'b')}/delete"
    assert post_from_page(admin_client, url, delete).status_code == 302
    options = draft_question(app, "q02")["options"]
    assert [o["key"] for o in options] == ["a", "c", "d"]


def test_deleting_an_option_below_two_is_refused_with_a_message(app, admin_client):
    create_question(
        admin_client,
        key="pair",
        kind="choice",
        prompt="Pick one.",
        first_option="This",
        second_option="That",
    )
    url = editor_url(app, "pair")
    before = document(app)
    response = post_from_page(
        admin_client, url, f"{url}/options/{option_id(app, 'pair', 'a')}/delete"
    )
    assert response.status_code == 422
    assert "A choice question needs at least 2 options, so option a was not deleted." in (
        response.get_data(as_text=True)
    )
    assert document(app) == before


@pytest.mark.parametrize(
    ("option", "direction", "expected"),
    [("b", "up", ["b", "a", "c", "d"]), ("b", "down", ["a", "c", "b", "d"])],
)
def test_moving_an_option_reorders_the_question(app, admin_client, option, direction, expected):
    url = editor_url(app, "q02")
    move = f"{url}/options/{option_id(app, 'q02', option)}/move"
    assert post_from_page(admin_client, url, move, direction=direction).status_code == 302
    assert [o["key"] for o in draft_question(app, "q02")["options"]] == expected


# --- the weights matrix ------------------------------------------------------------------


def test_the_matrix_has_a_row_per_option_and_a_column_per_dimension(app, admin_client):
    html = admin_client.get(editor_url(app, "q02")).get_data(as_text=True)
    names = [escape(d["name"]) for d in document(app)["dimensions"]]
    for name in names:
        assert re.search(
            rf'<th scope="col" class="dimension-head[^"]*"><span>{re.escape(name)}</span>', html
        )
    assert '<th scope="colgroup" colspan="9" class="group-head">Skills</th>' in html
    assert '<th scope="colgroup" colspan="4" class="group-head">Goals</th>' in html
    for option in "abcd":
        assert f'<span class="option-name" data-option-name>Option {option}</span>' in html
    # a choice question shows no statement row
    assert len(re.findall(r'class="weight-input"', html)) == 4 * len(names)
    assert 'role="region" aria-labelledby="weights-title" tabindex="0"' in html
    exploration = cell(html, "Weight of option a on Data exploration & visual storytelling")
    assert re.search(rf'name="{exploration}"[^>]*value="4"', html)


def test_the_matrix_saves_choice_weights_and_blank_means_zero(app, admin_client):
    url = editor_url(app, "q02")
    html = admin_client.get(url).get_data(as_text=True)
    changes = {
        cell(html, "Weight of option a on Data exploration & visual storytelling"): "",
        cell(html, "Weight of option a on Statistics & experiments"): "-4",
        cell(html, "Weight of option d on Guiding decisions"): " +1 ",
    }
    response = admin_client.post(url, data={**form_fields(html, url), **changes})
    assert response.status_code == 302
    options = draft_question(app, "q02")["options"]
    assert options[0]["weights"] == {"statistics": -4}
    assert options[3]["weights"] == {
        "statistics": 1,
        "exploration": 1,
        "decisions": 1,
        "model-training": 2,
    }


def test_the_matrix_saves_a_statement_weight_and_shows_its_effect_on_roles(app, admin_client):
    url = editor_url(app, "q01")
    html = admin_client.get(url).get_data(as_text=True)
    assert "Each answer multiplies them by its level, from -2 to +2." in html
    changes = {
        cell(html, "Weight of this statement on Data exploration & visual storytelling"): "",
        cell(html, "Weight of this statement on Statistics & experiments"): "-1",
        cell(html, "Weight of this statement on Products people enjoy using"): "2",
    }
    assert admin_client.post(url, data={**form_fields(html, url), **changes}).status_code == 302
    assert draft_question(app, "q01")["weights"] == {"statistics": -1, "product": 2}

    # strongly agree is level 2: Data Scientist 2·(−1·3), ML Engineer 0 (no statistics in its
    # profile), AI Engineer 2·(2·3)
    effects = admin_client.get(url).get_data(as_text=True)
    row = effects[effects.index("data-statement-row") :]
    assert re.findall(r'<span class="effect-value">([^<]*)</span>', row)[:3] == ["-6", "0", "+12"]


@pytest.mark.parametrize(
    ("question", "row", "value", "message"),
    [
        ("q02", "option a", "abc", "Enter a whole number from -4 to 4."),
        ("q02", "option a", "1.5", "Enter a whole number from -4 to 4."),
        ("q02", "option c", "5", "Enter a whole number from -4 to 4."),
        ("q02", "option d", "-5", "Enter a whole number from -4 to 4."),
        ("q02", "option b", "2e0", "Enter a whole number from -4 to 4."),
        ("q01", "this statement", "3", "Enter a whole number from -2 to 2."),
        ("q01", "this statement", "-3", "Enter a whole number from -2 to 2."),
    ],
)
def test_the_matrix_refuses_a_bad_cell_beside_it_and_saves_nothing(
    app, admin_client, question, row, value, message
):
    before = document(app)
    url = editor_url(app, question)
    html = admin_client.get(url).get_data(as_text=True)
    bad = cell(html, f"Weight of {row} on Software engineering")
    good = cell(html, f"Weight of {row} on Scale & performance")
    fields = {**form_fields(html, url), bad: value, good: "1", "prompt": "Changed text"}

    response = admin_client.post(url, data=fields)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Nothing was saved." in page
    assert cell_error(page, bad) == message
    assert page.count('class="field-error"') == 1
    # what the admin typed stays in the form so they can fix it
    assert re.search(rf'name="{bad}"[^>]*value="{re.escape(value)}"', page)
    assert re.search(rf'name="{good}"[^>]*value="1"', page)
    assert document(app) == before


# --- concurrent edits --------------------------------------------------------------------


# change: (the page the second admin has open, the form on it they send, what they type, refusal)
STALE_CHANGES = {
    "edit text": ("{q}", "{q}", {"prompt": "The second admin's text"}, CONFLICT),
    "add option": ("{q}", "{q}/options", {"label": "Another option"}, CONFLICT),
    "delete option": ("{q}", "{q}/options/{c}/delete", {}, CONFLICT),
    "move option": ("{q}", "{q}/options/{c}/move", {"direction": "up"}, CONFLICT),
    # the single deactivate route, sent with the revision and token of the editor's form
    "deactivate": ("{q}", "{q}/deactivate", {}, "so it was not deactivated"),
    "delete question": ("{q}/delete", "{q}/delete", {}, "so it was not deleted"),
}


@pytest.mark.parametrize("change", STALE_CHANGES)
def test_a_change_made_from_a_stale_copy_is_refused_and_the_first_save_kept(
    app, admin_client, second_admin, change
):
    page, action, typed, refusal = STALE_CHANGES[change]
    places = {"q": editor_url(app, "q02"), "c": option_id(app, "q02", "c")}
    page, action = page.format(**places), action.format(**places)
    stale = second_admin.get(page).get_data(as_text=True)

    assert (
        save_editor(admin_client, places["q"], prompt="The first admin's text").status_code == 302
    )
    after_first = document(app)

    form = places["q"] if change == "deactivate" else action
    response = second_admin.post(
        action, data={**page_form_fields(stale, places["q"], form), **typed}
    )
    assert response.status_code == 409
    alert = re.search(
        r'<p class="form-error" role="alert">([^<]+)</p>', response.get_data(as_text=True)
    )
    assert alert and refusal in unescape(alert.group(1))
    assert document(app) == after_first
    assert draft_question(app, "q02")["prompt"] == "The first admin's text"


def test_the_second_editor_sees_a_clear_message_and_keeps_their_typing(
    app, admin_client, second_admin
):
    url = editor_url(app, "q02")
    stale = second_admin.get(url).get_data(as_text=True)
    assert save_editor(admin_client, url, prompt="First").status_code == 302

    response = second_admin.post(url, data={**form_fields(stale, url), "prompt": "Second"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert CONFLICT in html and NOT_SAVED in html
    assert form_fields(html, url)["prompt"] == "Second"
    assert [entry[0] for entry in audit_trail(app)] == ["admin@example.com"]


def test_a_save_landing_between_the_check_and_the_commit_is_refused(app, admin_client, monkeypatch):
    """Another process saves after this request checked the revision: the version column refuses."""
    url = editor_url(app, "q01")
    record = audit.record

    def record_then_someone_else_saves(*args, **kwargs):
        record(*args, **kwargs)
        with db.engine.begin() as other:
            other.execute(
                update(Question.__table__)
                .where(Question.__table__.c.key == "q01")
                .values(prompt="Saved elsewhere", revision=Question.__table__.c.revision + 1)
            )

    monkeypatch.setattr(audit, "record", record_then_someone_else_saves)
    response = save_editor(admin_client, url, prompt="Mine")
    assert response.status_code == 409
    assert CONFLICT in response.get_data(as_text=True)
    assert draft_question(app, "q01")["prompt"] == "Saved elsewhere"
    assert audit_trail(app) == []


# --- escaping ----------------------------------------------------------------------------


def test_admin_entered_text_is_escaped_in_the_list_and_the_editor(app, admin_client):
    prompt = "<script>alert('prompt')</script> & more"
    label = "<img src=x onerror=alert(1)>"
    create_question(
        admin_client,
        key="xss",
        kind="choice",
        prompt=prompt,
        first_option=label,
        second_option="Fine",
    )
    escaped_prompt = "&lt;script&gt;alert(&#39;prompt&#39;)&lt;/script&gt; &amp; more"
    escaped_label = "&lt;img src=x onerror=alert(1)&gt;"
    for page in ("/admin/questions", editor_url(app, "xss"), editor_url(app, "xss") + "/delete"):
        html = admin_client.get(page).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html
        assert escaped_prompt in html
    editor = admin_client.get(editor_url(app, "xss")).get_data(as_text=True)
    assert escaped_label in editor
    assert form_fields(editor, editor_url(app, "xss"))["prompt"] == prompt


# --- audit -------------------------------------------------------------------------------


def test_every_change_is_recorded_in_the_audit_log(app, admin_client):
    create_question(
        admin_client, key="pair", kind="choice", prompt="Pick.", first_option="A", second_option="B"
    )
    url = editor_url(app, "pair")
    html = admin_client.get(url).get_data(as_text=True)
    weight = cell(html, "Weight of option a on Statistics & experiments")
    save_editor(admin_client, url, **{weight: "2"})
    post_from_page(admin_client, url, url + "/options", label="C")
    post_from_page(
        admin_client, url, f"{url}/options/{option_id(app, 'pair', 'c')}/move", direction="up"
    )
    post_from_page(admin_client, url, f"{url}/options/{option_id(app, 'pair', 'c')}/delete")
    token = form_token(admin_client, "/admin/questions")
    admin_client.post(url + "/move", data={"csrf_token": token, "direction": "up"})
    post_with_revision(app, admin_client, "pair", url + "/deactivate")
    post_with_revision(app, admin_client, "pair", url + "/activate")
    post_from_page(admin_client, url + "/delete", url + "/delete")

    assert audit_trail(app) == [
        ("admin@example.com", action, "question pair")
        for action in (
            "create question",
            "edit question",
            "add option",
            "move option",
            "delete option",
            "move question",
            "deactivate question",
            "activate question",
            "delete question",
        )
    ]
    with app.app_context():
        edit = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "edit question"))
        assert edit.detail == "option a on statistics 0 → 2"


# --- access and bad addresses ------------------------------------------------------------


def _endpoints(app: Flask) -> list[tuple[str, str]]:
    q, o = question_id(app, "q02"), option_id(app, "q02", "a")
    return [
        ("GET", "/admin/questions"),
        ("GET", "/admin/questions/new"),
        ("POST", "/admin/questions/new"),
        ("GET", f"/admin/questions/{q}"),
        ("POST", f"/admin/questions/{q}"),
        ("POST", f"/admin/questions/{q}/move"),
        ("POST", f"/admin/questions/{q}/activate"),
        ("POST", f"/admin/questions/{q}/deactivate"),
        ("GET", f"/admin/questions/{q}/delete"),
        ("POST", f"/admin/questions/{q}/delete"),
        ("POST", f"/admin/questions/{q}/options"),
        ("POST", f"/admin/questions/{q}/options/{o}/delete"),
        ("POST", f"/admin/questions/{q}/options/{o}/move"),
        ("POST", f"/admin/questions/{q}/place"),
        ("POST", "/admin/questions/active"),
    ]


def test_an_anonymous_visitor_is_sent_to_sign_in_from_every_question_page(app, client):
    before = document(app)
    # a real token from a page anonymous visitors may open, so CSRF is not what stops them
    token = form_token(client, "/admin/sign-in")
    endpoints = _endpoints(app)
    for method, url in endpoints:
        data = {"csrf_token": token, "revision": "1", "direction": "up", "label": "x"}
        response = client.open(url, method=method, data=data if method == "POST" else None)
        assert response.status_code == 302, (method, url)
        assert response.headers["Location"].startswith("/admin/sign-in"), (method, url)
    assert document(app) == before

    # and those are all the routes the questions module has
    adapter = app.url_map.bind("localhost")
    reached = {adapter.match(url, method=method)[0] for method, url in endpoints}
    assert reached == {
        endpoint
        for endpoint, view in app.view_functions.items()
        if view.__module__ == "quiz.admin.questions"
    }


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", "/admin/questions/9999"),
        ("GET", "/admin/questions/9999/delete"),
        ("POST", "/admin/questions/9999/move"),
        ("POST", "/admin/questions/9999/deactivate"),
        ("POST", "/admin/questions/{q01}/options"),
        ("POST", "/admin/questions/{q02}/options/{q04a}/delete"),
        ("POST", "/admin/questions/{q02}/options/9999/move"),
    ],
)
def test_addresses_of_missing_questions_or_options_are_not_found(app, admin_client, method, url):
    url = url.format(
        q01=question_id(app, "q01"),
        q02=question_id(app, "q02"),
        q04a=option_id(app, "q04", "a"),
    )
    token = form_token(admin_client, "/admin/questions")
    data = {"csrf_token": token, "revision": "1", "direction": "up", "label": "x"}
    response = admin_client.open(url, method=method, data=data if method == "POST" else None)
    assert response.status_code == 404
    assert "We can&#39;t find that page" in response.get_data(as_text=True)


def test_a_move_in_no_known_direction_is_a_bad_request(app, admin_client):
    token = form_token(admin_client, "/admin/questions")
    response = admin_client.post(
        editor_url(app, "q02") + "/move", data={"csrf_token": token, "direction": "sideways"}
    )
    assert response.status_code == 400


def test_a_change_without_a_csrf_token_is_refused(app, admin_client):
    before = document(app)
    url = editor_url(app, "q01")
    html = admin_client.get(url).get_data(as_text=True)
    fields = {**form_fields(html, url), "prompt": "Forged"}
    del fields["csrf_token"]
    assert admin_client.post(url, data=fields).status_code == 400
    assert document(app) == before
