"""The bank's translations through the draft and published versions: import keeps them,
publishing freezes them, takers get their language, and an admin's edit of an English
text drops the translations that no longer match it. The overview says what is missing.

Everything that an admin does goes through the real pages with CSRF on.
"""

from __future__ import annotations

import copy
import html as htmllib
import json
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import form_fields
from sqlalchemy import select

from quiz.core.bank import DEFAULT_BANK_PATH, LIKERT_SCALE, parse_bank
from quiz.db import db
from quiz.models import Dimension, Question, QuizVersion, Role
from quiz.store.drafts import draft_bank
from quiz.store.publishing import (
    export_text,
    import_text,
    latest_version_id,
    publish_draft,
    published_bank,
)
from quiz.web.banks import LIKERT_LABELS, shown_bank

DOCUMENT = json.loads(DEFAULT_BANK_PATH.read_text(encoding="utf-8"))
GERMAN_LIKERT = ["Stimme gar nicht zu", "Stimme nicht zu", "Teils, teils", "Stimme zu"]
GERMAN_LIKERT.append("Stimme voll zu")


def german(key: str) -> dict[str, Any]:
    """Return the German texts the default bank gives the question ``key``."""
    return next(q for q in DOCUMENT["questions"] if q["key"] == key)["translations"]["de"]


def text_of(html: str) -> str:
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def draft_document(app: Flask) -> dict[str, Any]:
    with app.app_context():
        return draft_bank().to_document()


def row_id(app: Flask, model: type, key: str) -> int:
    with app.app_context():
        return db.session.scalar(select(model.id).where(model.key == key))


def save_form(client: FlaskClient, url: str, action: str, **changes: str):
    """Open the page at ``url``, change some fields of its form posting to ``action``, save."""
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    fields = form_fields(page.get_data(as_text=True), action)
    return client.post(url, data={**fields, **changes})


# ---------------------------------------------------------------- draft and published versions


def test_a_fresh_install_publishes_the_default_bank_with_its_german(app):
    with app.app_context():
        version = db.session.get(QuizVersion, latest_version_id())
        assert version.bank == DOCUMENT
        shown = published_bank(version.id).in_language("de")
    assert shown.question_by_key["q01"].prompt == german("q01")["prompt"]
    assert shown.role_by_key["ml-engineer"].skills[0] == (
        "Machine-Learning-Algorithmen und Deep-Learning-Frameworks"
    )


def test_imported_translations_stay_in_the_draft_and_are_published_with_it(app):
    document = copy.deepcopy(DOCUMENT)
    document["questions"][0]["translations"] = {
        "de": {"prompt": "Importiert: Ich prüfe gern, ob ein Unterschied echt ist."},
        "fr": {"prompt": "J'aime vérifier si une différence est réelle."},
    }
    document["roles"][1]["translations"]["de"]["skills"] = ["Python", "Pipelines"]
    del document["roles"][2]["translations"]
    expected = parse_bank(document).to_document()
    with app.app_context():
        import_text(json.dumps(document), actor="test")
        db.session.commit()
    with app.app_context():
        # the draft's rows hold every translation, and export writes them back unchanged
        assert draft_bank().to_document() == expected
        exported = export_text(draft_bank())
        import_text(exported, actor="test")
        db.session.commit()
    with app.app_context():
        assert export_text(draft_bank()) == exported
        version = publish_draft(actor="test")
        db.session.commit()
        assert version.bank == expected
        bank = published_bank(version.id)
    shown = bank.in_language("de")
    assert shown.questions[0].prompt.startswith("Importiert:")
    assert shown.role_by_key["ml-engineer"].skills == ("Python", "Pipelines")
    # a role without translations is shown in English
    assert shown.role_by_key["ai-engineer"] == bank.role_by_key["ai-engineer"]
    assert bank.in_language("fr").questions[0].prompt.startswith("J'aime")


# ---------------------------------------------------------------- what takers are shown


def test_shown_bank_is_in_the_visitors_language_with_the_catalogs_agreement_labels(app):
    with app.app_context():
        version_id = latest_version_id()
        original = published_bank(version_id)
    likert = next(q.key for q in original.questions if q.kind == "likert")

    with app.test_request_context("/", headers={"Accept-Language": "de-DE,de;q=0.9"}):
        shown = shown_bank(version_id)
        assert shown is shown_bank(version_id)
    assert shown.question_by_key["q01"].prompt == german("q01")["prompt"]
    assert [o.label for o in shown.question_by_key[likert].options] == GERMAN_LIKERT
    assert shown.effect_table is original.effect_table

    with app.test_request_context("/", headers={"Cookie": "lang=en", "Accept-Language": "de"}):
        assert shown_bank(version_id) is original


def test_shown_bank_is_english_outside_a_request_unless_asked_for_a_language(app):
    with app.app_context():
        version_id = latest_version_id()
        assert shown_bank(version_id) is published_bank(version_id)
        shown = shown_bank(version_id, "de")
    assert shown.question_by_key["q02"].prompt == german("q02")["prompt"]
    # q01 is an agreement item: its labels come from the catalog, in the language asked for
    assert shown.question_by_key["q01"].options[-1].label == "Stimme voll zu"


def test_agreement_labels_marked_for_the_catalog_are_the_banks_english_ones(app):
    with app.test_request_context("/", headers={"Cookie": "lang=en"}):
        assert {key: str(label) for key, label in LIKERT_LABELS.items()} == {
            key: label for key, label, _level in LIKERT_SCALE
        }


def test_preview_shows_the_draft_in_the_admins_language(app, admin_client):
    with app.app_context():
        db.session.scalar(select(Question).where(Question.key == "q01")).translations = {
            "de": {"prompt": "Nur im Entwurf: Ich unterscheide gern Glück von echten Effekten."}
        }
        db.session.commit()
    admin_client.set_cookie("lang", "de")
    html = htmllib.unescape(admin_client.get("/admin/preview").get_data(as_text=True))
    assert "Nur im Entwurf: Ich unterscheide gern Glück von echten Effekten." in html
    assert "Stimme voll zu" in html
    admin_client.set_cookie("lang", "en")
    html = htmllib.unescape(admin_client.get("/admin/preview").get_data(as_text=True))
    assert DOCUMENT["questions"][0]["prompt"] in html
    assert "Strongly agree" in html


# ---------------------------------------------------------------- edits drop stale translations


def test_editing_a_prompt_drops_its_german_and_keeps_every_other(app, admin_client):
    url = f"/admin/questions/{row_id(app, Question, 'q02')}"
    option_b = "options-1-label"  # the second row of the one-screen form
    response = save_form(
        admin_client, url, url, prompt="New data arrives. What is your first move?"
    )
    assert response.status_code == 302

    question = next(q for q in draft_document(app)["questions"] if q["key"] == "q02")
    assert "translations" not in question
    # the options' texts did not change, so their German still fits
    assert [o["translations"]["de"]["label"] for o in question["options"]] == [
        o["translations"]["de"]["label"]
        for o in next(q for q in DOCUMENT["questions"] if q["key"] == "q02")["options"]
    ]
    with app.app_context():
        shown = draft_bank().in_language("de")
    assert shown.question_by_key["q02"].prompt == "New data arrives. What is your first move?"
    assert shown.question_by_key["q03"].prompt == german("q03")["prompt"]

    response = save_form(admin_client, url, url, **{option_b: "Plan a fair test first"})
    assert response.status_code == 302
    options = next(q for q in draft_document(app)["questions"] if q["key"] == "q02")["options"]
    assert "translations" not in options[1]
    assert "translations" in options[0] and "translations" in options[2]


def test_changing_only_weights_keeps_the_questions_german(app, admin_client):
    url = f"/admin/questions/{row_id(app, Question, 'q01')}"
    page = admin_client.get(url).get_data(as_text=True)
    weight = re.search(r'name="(statement-w[^"]+)"', page)
    assert weight, "no weight cell on the editor"
    fields = form_fields(page, url)
    changed = "1" if fields[weight.group(1)] != "1" else "2"
    assert save_form(admin_client, url, url, **{weight.group(1): changed}).status_code == 302
    question = draft_document(app)["questions"][0]
    assert question["translations"] == {"de": german("q01")}


def test_editing_a_role_text_drops_that_texts_german_only(app, admin_client):
    url = f"/admin/roles/{row_id(app, Role, 'ai-engineer')}"
    before = next(r for r in DOCUMENT["roles"] if r["key"] == "ai-engineer")["translations"]["de"]
    fields = form_fields(admin_client.get(url).get_data(as_text=True), "")
    response = admin_client.post(
        url,
        data={
            **fields,
            "summary": "Builds products on models that already exist.",
            "skills": fields["skills"] + "\nWriting evaluations",
        },
    )
    assert response.status_code == 302
    role = next(r for r in draft_document(app)["roles"] if r["key"] == "ai-engineer")
    assert role["translations"] == {
        "de": {k: v for k, v in before.items() if k not in ("summary", "skills")}
    }


def test_editing_a_dimension_description_drops_its_german_description(app, admin_client):
    url = f"/admin/dimensions/{row_id(app, Dimension, 'scale')}"
    response = save_form(admin_client, url, "", description="Handling huge loads, cheaply.")
    assert response.status_code == 302
    dimension = next(d for d in draft_document(app)["dimensions"] if d["key"] == "scale")
    assert dimension["translations"] == {"de": {"name": "Skalierung & Performance"}}


# ---------------------------------------------------------------- the overview


def translation_panel(html: str) -> str:
    match = re.search(
        r'<section[^>]*aria-labelledby="translations-heading".*?</section>', html, re.S
    )
    assert match, "the overview has no translation status"
    return match.group(0)


def test_overview_says_the_draft_is_completely_translated(admin_client):
    panel = translation_panel(admin_client.get("/admin/").get_data(as_text=True))
    assert "Deutsch: 164 of 164 texts translated." in text_of(panel)
    assert "<details" not in panel


def test_overview_lists_the_texts_an_edit_left_untranslated(app, admin_client):
    url = f"/admin/questions/{row_id(app, Question, 'q01')}"
    prompt = "I like telling a real difference from luck."
    assert save_form(admin_client, url, url, prompt=prompt).status_code == 302

    panel = translation_panel(admin_client.get("/admin/").get_data(as_text=True))
    text = text_of(panel)
    assert "Deutsch: 163 of 164 texts translated." in text
    assert "1 text not translated into Deutsch yet" in text
    assert f"Question q01, text: {prompt}" in text


@pytest.mark.parametrize(
    ("cookie", "status"),
    [
        ("en", "Deutsch: 164 of 164 texts translated."),
        ("de", "Deutsch: 164 von 164 Texten übersetzt."),
    ],
)
def test_overview_translation_status_is_in_the_admins_language(admin_client, cookie, status):
    admin_client.set_cookie("lang", cookie)
    panel = translation_panel(admin_client.get("/admin/").get_data(as_text=True))
    assert status in text_of(panel)
