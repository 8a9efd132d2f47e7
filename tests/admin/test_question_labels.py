"""An agreement question's own answer labels, and dimensions of kind interest, in the admin.

The labels are five optional fields of the question editor: all five or none. They travel
with the bank file (export writes them only where they are), their translations are
dropped when the English changes, and the overview counts them among the texts to
translate. Everything goes through the real pages with CSRF on, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import html as htmllib
import json
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import form_fields, form_token
from inventory import GERMAN_LABELS, LABELS, inventory_document, inventory_text, upload_bank
from sqlalchemy import select

from quiz.core.bank import LIKERT_SCALE
from quiz.db import db
from quiz.models import Dimension, Question
from quiz.store.drafts import draft_bank

APP_LABELS = [label for _key, label, _level in LIKERT_SCALE]
LIKERT_ITEM = "realistic-1"
OWN_LABELS = ["Never", "Rarely", "Sometimes", "Often", "Always"]
LABEL_FIELDS = [f"scale-label-{n}" for n in range(1, 6)]
# an answer in the editor's preview of the question, as the quiz shows it
PREVIEW_ANSWER = r'<label class="option" for="preview-question-\d+">.*?<span>([^<]*)</span></label>'


def text_of(html: str) -> str:
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def editor_url(app: Flask, key: str) -> str:
    with app.app_context():
        question_id = db.session.scalar(select(Question.id).where(Question.key == key))
    return f"/admin/questions/{question_id}"


def draft_question(app: Flask, key: str) -> dict[str, Any]:
    with app.app_context():
        document = draft_bank().to_document()
    return next(q for q in document["questions"] if q["key"] == key)


def save(client: FlaskClient, url: str, **changes: str):
    fields = form_fields(client.get(url).get_data(as_text=True), url)
    return client.post(url, data={**fields, **changes})


@pytest.fixture
def inventory(admin_client: FlaskClient) -> FlaskClient:
    """The draft is the agreement variant of the interest inventory, labels and German included."""
    assert upload_bank(admin_client, inventory_text("likert")).status_code == 302
    return admin_client


def test_the_editor_offers_five_optional_labels_filled_from_the_question(app, inventory):
    html = inventory.get(editor_url(app, LIKERT_ITEM)).get_data(as_text=True)
    url = editor_url(app, LIKERT_ITEM)
    fields = form_fields(html, url)
    assert [fields[name] for name in LABEL_FIELDS] == LABELS
    text = text_of(html)
    assert "Answer labels" in text
    assert "Usually “Strongly disagree”" in text and "Usually “Strongly agree”" in text
    # the taker's preview names each answer by the question's own label
    assert re.findall(PREVIEW_ANSWER, html) == LABELS


def test_a_choice_question_has_no_answer_labels(app, admin_client):
    assert upload_bank(admin_client, inventory_text("choice")).status_code == 302
    url = editor_url(app, LIKERT_ITEM)
    fields = form_fields(admin_client.get(url).get_data(as_text=True), url)
    assert not set(LABEL_FIELDS) & set(fields)
    assert "labels" not in draft_question(app, LIKERT_ITEM)


def test_saving_five_labels_replaces_them_and_drops_their_stale_german(app, inventory):
    url = editor_url(app, LIKERT_ITEM)
    response = save(inventory, url, **dict(zip(LABEL_FIELDS, OWN_LABELS, strict=True)))
    assert response.status_code == 302
    question = draft_question(app, LIKERT_ITEM)
    assert question["labels"] == OWN_LABELS
    # the German translated the old labels; the prompt's German (none here) is untouched
    assert "translations" not in question
    other = draft_question(app, "realistic-2")
    assert other["translations"] == {"de": {"labels": GERMAN_LABELS}}

    audit = text_of(inventory.get("/admin/audit").get_data(as_text=True))
    assert f"Question {LIKERT_ITEM}" in audit and "answer labels" in audit


def test_leaving_all_five_empty_shows_the_apps_labels_again(app, inventory):
    url = editor_url(app, LIKERT_ITEM)
    assert save(inventory, url, **dict.fromkeys(LABEL_FIELDS, "")).status_code == 302
    question = draft_question(app, LIKERT_ITEM)
    assert "labels" not in question
    assert "translations" not in question
    with app.app_context():
        options = draft_bank().question_by_key[LIKERT_ITEM].options
    assert [o.label for o in options] == APP_LABELS
    html = inventory.get(url).get_data(as_text=True)
    assert re.findall(PREVIEW_ANSWER, html) == APP_LABELS


@pytest.mark.parametrize("filled", [1, 3, 4])
def test_some_labels_but_not_all_are_refused_beside_the_empty_ones(app, inventory, filled):
    url = editor_url(app, LIKERT_ITEM)
    before = draft_question(app, LIKERT_ITEM)
    labels = OWN_LABELS[:filled] + [""] * (5 - filled)
    response = save(
        inventory, url, prompt="A changed prompt", **dict(zip(LABEL_FIELDS, labels, strict=True))
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    errors = re.findall(r'<p class="field-error" id="scale-label-(\d)-error">([^<]*)</p>', html)
    expected = "Fill in all five answer labels, or leave all five empty to show the usual ones."
    assert errors == [(str(n), expected) for n in range(filled + 1, 6)]
    assert "Nothing was saved" in text_of(html)
    assert draft_question(app, LIKERT_ITEM) == before


def test_a_label_with_a_direction_override_is_refused(app, inventory):
    url = editor_url(app, LIKERT_ITEM)
    labels = [*OWN_LABELS[:4], "Always\u202e"]
    response = save(inventory, url, **dict(zip(LABEL_FIELDS, labels, strict=True)))
    assert response.status_code == 422
    assert "Remove the character U+202E" in text_of(response.get_data(as_text=True))
    assert draft_question(app, LIKERT_ITEM)["labels"] == LABELS


def test_the_refusal_is_in_the_admins_language(app, inventory):
    inventory.set_cookie("lang", "de")
    url = editor_url(app, LIKERT_ITEM)
    response = save(inventory, url, **dict(zip(LABEL_FIELDS, ["Nie", "", "", "", ""], strict=True)))
    assert response.status_code == 422
    assert "Füllen Sie alle fünf Antwortbeschriftungen aus" in text_of(
        response.get_data(as_text=True)
    )


def test_export_import_export_keeps_the_labels_byte_for_byte(app, inventory):
    exported = inventory.get("/admin/bank/export").get_data(as_text=True)
    document = json.loads(exported)
    likert = [q for q in document["questions"] if q["kind"] == "likert"]
    assert likert and all(q["labels"] == LABELS for q in likert)
    assert all(q["translations"]["de"]["labels"] == GERMAN_LABELS for q in likert)
    assert upload_bank(inventory, exported).status_code == 302
    assert inventory.get("/admin/bank/export").get_data(as_text=True) == exported

    # a question without labels of its own is exported without the field
    url = editor_url(app, LIKERT_ITEM)
    assert save(inventory, url, **dict.fromkeys(LABEL_FIELDS, "")).status_code == 302
    again = inventory.get("/admin/bank/export").get_data(as_text=True)
    unlabelled = next(q for q in json.loads(again)["questions"] if q["key"] == LIKERT_ITEM)
    assert list(unlabelled) == ["key", "kind", "prompt", "weights"]
    assert upload_bank(inventory, again).status_code == 302
    assert inventory.get("/admin/bank/export").get_data(as_text=True) == again


def test_an_upload_with_labels_on_a_choice_question_is_refused_with_its_place(admin_client):
    document = inventory_document("choice")
    document["questions"][0]["labels"] = LABELS
    document["questions"][1]["options"][0]["translations"] = {"de": {"labels": GERMAN_LABELS}}
    response = upload_bank(admin_client, json.dumps(document))
    assert response.status_code == 422
    text = text_of(response.get_data(as_text=True))
    assert (
        "questions[0].labels: only an agreement question has labels; "
        "a choice question's options do" in text
    )
    assert "questions[1].options[0].translations.de.labels: cannot be translated" in text


def translation_status(client: FlaskClient) -> str:
    html = client.get("/admin/").get_data(as_text=True)
    panel = re.search(
        r'<section[^>]*aria-labelledby="translations-heading".*?</section>', html, re.S
    )
    assert panel, "the overview has no translation status"
    return text_of(panel.group(0))


def test_the_overview_counts_each_questions_own_labels_as_a_text(app, admin_client):
    without = inventory_document("likert")
    for question in without["questions"]:
        del question["labels"], question["translations"]
    assert upload_bank(admin_client, json.dumps(without)).status_code == 302
    total_without = int(
        re.search(r"Deutsch: \d+ of (\d+) texts", translation_status(admin_client))[1]
    )

    document = inventory_document("likert")
    del document["questions"][0]["translations"]
    assert upload_bank(admin_client, json.dumps(document)).status_code == 302
    status = translation_status(admin_client)
    total = total_without + len(document["questions"])
    assert f"of {total} texts translated" in status
    first = document["questions"][0]["key"]
    assert f"Question {first}, answer labels: Strongly dislike Dislike Unsure Like" in status
    assert "Question realistic-2, answer labels" not in status


# ---------------------------------------------------------------- interests


def test_an_admin_adds_an_interest_and_profiles_a_role_on_it(app, admin_client):
    url = "/admin/dimensions/new"
    data = {
        "csrf_token": form_token(admin_client, url),
        "name": "Working outdoors",
        "key": "outdoors",
        "kind": "interest",
        "description": "Liking work in the open air.",
    }
    response = admin_client.post(url, data=data)
    assert response.status_code == 302, text_of(response.get_data(as_text=True))[:1000]
    with app.app_context():
        kind = db.session.scalar(select(Dimension.kind).where(Dimension.key == "outdoors"))
        document = draft_bank().to_document()
    assert kind == "interest"
    assert {"key": "outdoors", "name": "Working outdoors", "kind": "interest"}.items() <= next(
        d for d in document["dimensions"] if d["key"] == "outdoors"
    ).items()

    listing = admin_client.get("/admin/dimensions").get_data(as_text=True)
    assert re.search(
        r"<h2>Working outdoors</h2>\s*<span class=\"state state-interest\">Interest<", listing
    )
    role_form = admin_client.get("/admin/roles/new").get_data(as_text=True)
    assert '<h2 class="profile-heading">Interests</h2>' in role_form
