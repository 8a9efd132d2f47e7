"""The one-screen question form without a script: a whole question in one save, options
added, moved and removed by buttons that show the same form again with nothing typed lost,
removal confirmed first, and each option's effect on each role as the scoring core has it.

Forms are read off the real pages and sent back with their tokens, as a browser without
JavaScript would, on both databases.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import create_admin, form_fields, form_token, sign_in
from sqlalchemy import select

from quiz.db import db
from quiz.models import AuditEntry, Question
from quiz.store.drafts import draft_bank

NEW = "/admin/questions/new"
STATISTICS = "Statistics & experiments"
SOFTWARE = "Software engineering"
PIPELINES = "Pipelines & MLOps"


def cell(html: str, label: str) -> str:
    """Return the name of the input whose accessible name is ``label``."""
    inputs = re.findall(r'<input [^>]*aria-label="([^"]+)"[^>]*name="([^"]+)"', html)
    names = {unescape(aria): name for aria, name in inputs}
    assert label in names, f"no input labelled {label!r}"
    return names[label]


def value_of(html: str, name: str) -> str:
    """Return what the input ``name`` shows."""
    match = re.search(rf'<input [^>]*name="{re.escape(name)}"[^>]*>', html)
    assert match, f"no input named {name}"
    value = re.search(r' value="([^"]*)"', match.group(0))
    return unescape(value.group(1)) if value else ""


def effects(html: str, option: str) -> list[tuple[str, str]]:
    """Return (effect, which way) on each role, for the row of ``option``."""
    start = html.index(f'data-key="{option}"')
    row = html[start : html.index("</tr>", start)]
    return [
        (value, unescape(words))
        for value, words in re.findall(
            r'<span class="effect-value">([^<]*)</span>.*?effect-words">([^<]*)</span>',
            row,
            re.S,
        )
    ]


def option_rows(html: str) -> list[str]:
    """Return the keys of the option rows, in order."""
    return re.findall(r'<tr class="option-row" data-option-row data-key="([^"]+)"', html)


def press(client: FlaskClient, url: str, html: str, action: str, **changes: str):
    """Send the form on ``html`` as shown, with ``changes`` typed, by the button ``action``."""
    return client.post(url, data={**form_fields(html, url), **changes, "action": action})


def document(app: Flask) -> dict:
    with app.app_context():
        return draft_bank().to_document()


def draft_question(app: Flask, key: str) -> dict:
    return next(q for q in document(app)["questions"] if q["key"] == key)


def audit_actions(app: Flask) -> list[tuple[str, str]]:
    with app.app_context():
        return [
            (e.action, e.target)
            for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
            if e.action != "publish"
        ]


def editor_url(app: Flask, key: str) -> str:
    with app.app_context():
        return (
            f"/admin/questions/{db.session.scalar(select(Question.id).where(Question.key == key))}"
        )


def new_choice_page(client: FlaskClient) -> str:
    """Open the new-question form and switch it to a choice question, without a script."""
    html = client.get(NEW).get_data(as_text=True)
    response = press(client, NEW, html, "preview", kind="choice")
    assert response.status_code == 200
    return response.get_data(as_text=True)


# --- one step ----------------------------------------------------------------------------


def test_one_step_creates_a_choice_question_with_its_options_and_weights(app, admin_client):
    html = new_choice_page(admin_client)
    typed = {
        "prompt": "Which part of a project do you enjoy most?",
        "key": "",
        "options-0-label": "Finding the pattern",
        "options-1-label": "Shipping the model",
        cell(html, f"Weight of option a on {STATISTICS}"): "3",
        cell(html, f"Weight of option a on {SOFTWARE}"): "1",
        cell(html, f"Weight of option b on {PIPELINES}"): "+3",
        cell(html, f"Weight of option b on {SOFTWARE}"): " 2 ",
    }
    response = press(admin_client, NEW, html, "save", **typed)
    assert response.status_code == 302
    key = "which-part-of-a-project-do-you"  # filled in from the text: no script typed it
    assert response.headers["Location"] == editor_url(app, key)
    assert f"Question {key} created." in admin_client.get(response.headers["Location"]).text
    assert document(app)["questions"][-1] == {
        "key": key,
        "kind": "choice",
        "prompt": "Which part of a project do you enjoy most?",
        "options": [
            {
                "key": "a",
                "label": "Finding the pattern",
                "weights": {"statistics": 3, "software": 1},
            },
            {
                "key": "b",
                "label": "Shipping the model",
                "weights": {"software": 2, "production": 3},
            },
        ],
    }
    # one save, one audit entry
    assert audit_actions(app) == [("create question", f"question {key}")]


def test_one_step_creates_a_statement_with_its_weights_and_own_labels(app, admin_client):
    html = admin_client.get(NEW).get_data(as_text=True)
    labels = {f"scale-label-{n}": word for n, word in enumerate("ABCDE", start=1)}
    typed = {
        "prompt": "I enjoy tidy spreadsheets.",
        "key": "tidy",
        cell(html, f"Weight of this statement on {STATISTICS}"): "2",
        **labels,
    }
    assert press(admin_client, NEW, html, "save", **typed).status_code == 302
    assert draft_question(app, "tidy") == {
        "key": "tidy",
        "kind": "likert",
        "prompt": "I enjoy tidy spreadsheets.",
        "weights": {"statistics": 2},
        "labels": ["A", "B", "C", "D", "E"],
    }


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("Tidy spreadsheets, please!", "tidy-spreadsheets-please"),
        ("Über Äpfel & Öl", "uber-apfel-ol"),
        ("Q01", "q01-2"),  # q01 is taken: the next free number
        ("¿?", "q-2"),  # no letter or digit gives "q", which a question made first holds
    ],
)
def test_an_empty_key_is_filled_from_the_text_and_never_clashes(
    app, admin_client, prompt, expected
):
    html = admin_client.get(NEW).get_data(as_text=True)
    if expected == "q-2":
        first = press(admin_client, NEW, html, "save", prompt="?", key="")
        assert first.status_code == 302  # the first such question takes "q"
    response = press(admin_client, NEW, html, "save", prompt=prompt, key="")
    assert response.status_code == 302
    assert document(app)["questions"][-1]["key"] == expected


def test_a_typed_key_that_is_taken_is_refused_beside_it_with_everything_kept(app, admin_client):
    before = document(app)
    html = admin_client.get(NEW).get_data(as_text=True)
    response = press(admin_client, NEW, html, "save", prompt="Some text.", key="q01")
    assert response.status_code == 422
    page = response.text
    assert re.search(r'<p class="field-error" id="key-error">Another question already uses', page)
    assert value_of(page, "key") == "q01"
    assert form_fields(page, NEW)["prompt"] == "Some text."
    assert document(app) == before


def test_refused_fields_keep_every_typed_value_and_save_nothing(app, admin_client):
    before = document(app)
    html = new_choice_page(admin_client)
    statistics = cell(html, f"Weight of option a on {STATISTICS}")
    software = cell(html, f"Weight of option b on {SOFTWARE}")
    typed = {
        "prompt": "Pick one, please.",
        "key": "pick-one",
        "options-0-label": "The first",
        "options-1-label": "   ",
        statistics: "9",
        software: "-2",
    }
    response = press(admin_client, NEW, html, "save", **typed)
    assert response.status_code == 422
    page = response.text
    assert "Nothing was created. Fix the fields marked below." in page
    assert re.search(rf'id="{statistics}-error">Enter a whole number from -4 to 4.<', page)
    assert re.search(r'id="options-1-label-error">Enter this option&#39;s text.<', page)
    fields = form_fields(page, NEW)
    assert fields["prompt"] == "Pick one, please."
    assert fields["key"] == "pick-one"
    assert fields["kind"] == "choice"
    assert fields["options-0-label"] == "The first"
    assert fields[statistics] == "9"  # as typed, to fix
    assert fields[software] == "-2"
    assert document(app) == before


def test_a_choice_question_needs_two_options_to_be_saved(app, admin_client):
    before = document(app)
    html = new_choice_page(admin_client)
    typed = {"prompt": "Pick.", "key": "pick", "options-0-label": "Only one"}
    html = press(admin_client, NEW, html, "confirm-remove-1", **typed).text
    assert option_rows(html) == ["a"]
    response = press(admin_client, NEW, html, "save")
    assert response.status_code == 422
    assert "A choice question needs 2 to 6 options." in response.text
    assert document(app) == before


# --- options without a script ------------------------------------------------------------


def test_adding_moving_and_removing_options_keeps_every_unsaved_edit(app, admin_client):
    url = editor_url(app, "q02")
    before = document(app)
    html = admin_client.get(url).text
    assert option_rows(html) == ["a", "b", "c", "d"]
    weight_b = cell(html, f"Weight of option b on {PIPELINES}")
    typed = {"prompt": "Edited, not saved yet", "options-1-label": "B, edited", weight_b: "4"}

    html = press(admin_client, url, html, "add", **typed).text
    assert option_rows(html) == ["a", "b", "c", "d", "e"]
    fields = form_fields(html, url)
    assert fields["prompt"] == "Edited, not saved yet"
    assert fields["options-1-label"] == "B, edited"
    assert fields[weight_b] == "4"
    assert fields["options-4-label"] == ""

    html = press(admin_client, url, html, "up-1", **{"options-4-label": "A new one"}).text
    assert option_rows(html) == ["b", "a", "c", "d", "e"]
    fields = form_fields(html, url)
    # the edits moved with their option
    assert fields["options-0-label"] == "B, edited"
    assert fields[cell(html, f"Weight of option b on {PIPELINES}")] == "4"
    assert fields["options-4-label"] == "A new one"

    html = press(admin_client, url, html, "down-4").text  # the last cannot go further down
    assert option_rows(html) == ["b", "a", "c", "d", "e"]
    assert document(app) == before  # nothing saved by any of these

    response = press(admin_client, url, html, "save")
    assert response.status_code == 302
    question = draft_question(app, "q02")
    assert question["prompt"] == "Edited, not saved yet"
    assert [(o["key"], o["label"]) for o in question["options"]][:2] == [
        ("b", "B, edited"),
        ("a", before_label(before, "a")),
    ]
    assert question["options"][-1] == {"key": "e", "label": "A new one", "weights": {}}
    assert question["options"][0]["weights"]["production"] == 4
    assert audit_actions(app) == [("edit question", "question q02")]


def before_label(document: dict, option: str) -> str:
    q02 = next(q for q in document["questions"] if q["key"] == "q02")
    return next(o["label"] for o in q02["options"] if o["key"] == option)


def test_removing_an_option_asks_first_and_keep_changes_nothing(app, admin_client):
    url = editor_url(app, "q02")
    before = document(app)
    html = admin_client.get(url).text
    label = before_label(before, "c")

    asked = press(admin_client, url, html, "remove-2", prompt="Typed meanwhile")
    assert asked.status_code == 200
    page = asked.text
    assert unescape(
        re.search(r'<div role="alert" class="remove-confirm-box">\s*<p>([^<]+)</p>', page).group(1)
    ) == (f"Remove option c (“{label}”)?")
    assert 'name="action" value="confirm-remove-2">Remove</button>' in page
    assert 'name="action" value="keep">Keep</button>' in page
    assert option_rows(page) == ["a", "b", "c", "d"]  # not removed yet
    assert form_fields(page, url)["prompt"] == "Typed meanwhile"

    kept = press(admin_client, url, page, "keep").text
    assert option_rows(kept) == ["a", "b", "c", "d"]
    assert "remove-confirm-box" not in kept

    removed = press(admin_client, url, page, "confirm-remove-2").text
    assert option_rows(removed) == ["a", "b", "d"]
    assert form_fields(removed, url)["prompt"] == "Typed meanwhile"
    assert document(app) == before  # still nothing saved

    assert press(admin_client, url, removed, "save").status_code == 302
    assert [o["key"] for o in draft_question(app, "q02")["options"]] == ["a", "b", "d"]


def test_a_key_freed_by_a_removal_is_not_given_to_an_option_added_in_the_same_save(
    app, admin_client
):
    url = editor_url(app, "q02")
    html = admin_client.get(url).text
    html = press(admin_client, url, html, "confirm-remove-3").text  # option d goes
    html = press(admin_client, url, html, "add").text
    assert option_rows(html) == ["a", "b", "c", "e"]
    assert (
        press(admin_client, url, html, "save", **{"options-3-label": "Newcomer"}).status_code == 302
    )
    options = draft_question(app, "q02")["options"]
    assert [(o["key"]) for o in options] == ["a", "b", "c", "e"]
    assert options[-1]["label"] == "Newcomer"


# --- effects and preview -----------------------------------------------------------------


def test_show_effects_works_out_each_options_effect_on_each_role_as_scoring_does(app, admin_client):
    """Worked by hand from the default roles' profiles: Data Scientist emphasises statistics
    3 and software 1; Machine Learning Engineer software 2 and pipelines 3; AI Engineer
    software 2. Option a weighs statistics 3 and software 1: 3·3 + 1·1 = 10 for the Data
    Scientist, 1·2 = 2 for each engineer. Option b weighs software 2 and pipelines 3: 2·1 = 2,
    2·2 + 3·3 = 13 and 2·2 = 4. An option moves a role's fit up when its effect is above
    the middle of the question's smallest and largest effect on that role."""
    html = new_choice_page(admin_client)
    typed = {
        "prompt": "Which part do you enjoy?",
        "options-0-label": "Patterns",
        "options-1-label": "Shipping",
        cell(html, f"Weight of option a on {STATISTICS}"): "3",
        cell(html, f"Weight of option a on {SOFTWARE}"): "1",
        cell(html, f"Weight of option b on {SOFTWARE}"): "2",
        cell(html, f"Weight of option b on {PIPELINES}"): "3",
    }
    response = press(admin_client, NEW, html, "preview", **typed)
    assert response.status_code == 200
    page = response.text
    up, down = "moves the fit up", "moves the fit down"
    assert effects(page, "a") == [("+10", up), ("+2", down), ("+2", down)]
    assert effects(page, "b") == [("+2", down), ("+13", up), ("+4", up)]
    # the preview shows the question as a taker sees it, with what was typed
    preview = page[page.index('id="preview-title"') :]
    assert '<span class="question-number">1.</span> Which part do you enjoy?</legend>' in preview
    assert re.findall(r"<span>([^<]*)</span></label>", preview) == ["Patterns", "Shipping"]
    # nothing typed was lost
    assert form_fields(page, NEW)["options-1-label"] == "Shipping"

    # and the scoring core, once saved, has the very same effects
    assert press(admin_client, NEW, page, "save", key="enjoy").status_code == 302
    with app.app_context():
        table = draft_bank().effect_table
    assert table.effects["enjoy"] == {"a": (10, 2, 2), "b": (2, 13, 4)}


def test_a_statements_row_shows_the_effect_of_strongly_agree(app, admin_client):
    html = admin_client.get(NEW).text
    typed = {
        cell(html, f"Weight of this statement on {STATISTICS}"): "-1",
        cell(html, "Weight of this statement on Products people enjoy using"): "2",
    }
    page = press(admin_client, NEW, html, "preview", prompt="A statement.", **typed).text
    row = page[page.index("data-statement-row") :]
    values = re.findall(r'<span class="effect-value">([^<]*)</span>', row)[:3]
    # strongly agree is level 2: 2·(−1·3) for the Data Scientist, 0, 2·(2·3) for the AI Engineer
    assert values == ["-6", "0", "+12"]


def test_saving_without_a_csrf_token_is_refused(app, admin_client):
    before = document(app)
    response = admin_client.post(NEW, data={"prompt": "No token.", "key": "nope", "action": "save"})
    assert response.status_code == 400
    assert document(app) == before


def test_an_unknown_button_saves_as_the_save_button_does(app, admin_client):
    token = form_token(admin_client, NEW)
    response = admin_client.post(
        NEW, data={"csrf_token": token, "prompt": "Odd button.", "action": "explode-7"}
    )
    assert response.status_code == 302
    assert document(app)["questions"][-1]["key"] == "odd-button"


def test_what_was_typed_for_the_other_kind_is_kept_but_never_refused(app, admin_client):
    """A choice's rows typed, then the kind switched to a statement: the statement saves."""
    html = new_choice_page(admin_client)
    typed = {
        "kind": "likert",
        "prompt": "I like tidy data.",
        "key": "tidy-data",
        "options-0-label": "",
        cell(html, f"Weight of option a on {STATISTICS}"): "9",
        cell(html, f"Weight of this statement on {STATISTICS}"): "1",
    }
    assert press(admin_client, NEW, html, "save", **typed).status_code == 302
    assert draft_question(app, "tidy-data")["weights"] == {"statistics": 1}


def test_a_viewer_reads_a_choice_question_without_a_button_to_change_it(app):
    create_admin(app, email="viewer@example.com", role="viewer")
    viewer = app.test_client()
    assert sign_in(viewer, email="viewer@example.com").status_code == 302
    page = viewer.get(editor_url(app, "q02"))
    assert page.status_code == 200
    html = page.text
    assert option_rows(html) == ["a", "b", "c", "d"]  # the options and their effects are shown
    assert 'class="effect-value"' in html
    # but no button sends the form: the guard would refuse it
    assert 'name="action"' not in html
    assert "Add option" not in html and "Show effects and preview" not in html


def test_the_form_is_not_mistaken_for_the_draft_preview_that_saves_nothing(admin_client):
    # the form saves; only the preview pages may say "nothing is saved"
    page = admin_client.get(NEW).get_data(as_text=True)
    assert "preview-banner" not in page
    question = admin_client.get("/admin/questions").get_data(as_text=True)
    first = re.search(r'href="(/admin/questions/\d+)"', question)
    assert first
    assert "preview-banner" not in admin_client.get(first.group(1)).get_data(as_text=True)
    assert "preview-banner" in admin_client.get(f"{first.group(1)}/preview").get_data(as_text=True)
