"""The admin area in German: every page, form error, flash message and publish check speaks
the admin's language (formal "Sie"), and English stays the default when none is asked for.

Pages are asked for the way a browser does: with Accept-Language, or after picking German
with the language switcher (the ``lang`` cookie). Forms are sent back with their real tokens.
"""

from __future__ import annotations

import html as htmllib
import io
import json
import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import (
    ADMIN_EMAIL,
    create_admin,
    csrf_token,
    extracted_messages,
    form_token,
    translation_catalog,
)
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from quiz import PACKAGE_DIR
from quiz.core.bank import DEFAULT_BANK_PATH
from quiz.core.publish_rules import publish_problems
from quiz.db import db
from quiz.models import Dimension, Question, Role
from quiz.store.drafts import draft_bank
from quiz.web.i18n import say

GERMAN = {"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}
DOCUMENT = json.loads(DEFAULT_BANK_PATH.read_text(encoding="utf-8"))
ROOT = PACKAGE_DIR.parent
# where the admin area's strings live, as `pybabel extract` reads them (babel.cfg)
ADMIN_SOURCES = [
    ("quiz/admin/**.py", "python"),
    ("quiz/core/publish_rules.py", "python"),
    ("quiz/store/editing.py", "python"),
    ("quiz/store/authoring.py", "python"),
    ("quiz/web/filters.py", "python"),
    ("quiz/web/mail.py", "python"),
    ("templates/admin/**.html", "jinja2"),
]


def text_of(html: str) -> str:
    """Return the page's text with tags removed and entities decoded, spaces collapsed."""
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def page(client: FlaskClient, url: str, status: int = 200, **kwargs) -> str:
    response = client.get(url, **kwargs)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def first_id(app: Flask, model: type, **where: str) -> int:
    with app.app_context():
        query = select(model.id).filter_by(**where).order_by(model.position, model.id)
        return db.session.scalars(query).first()


def likert_question(app: Flask) -> str:
    return f"/admin/questions/{first_id(app, Question, kind='likert')}"


def choice_question(app: Flask) -> str:
    return f"/admin/questions/{first_id(app, Question, kind='choice')}"


def a_role(app: Flask) -> str:
    return f"/admin/roles/{first_id(app, Role)}"


def a_dimension(app: Flask) -> str:
    return f"/admin/dimensions/{first_id(app, Dimension)}/delete"


def at(url: str) -> Callable[[Flask], str]:
    return lambda app: url


# Each admin page with a few of its texts in German and in English. Both languages are
# checked on the same page, so a string left untranslated or a broken English one shows.
PAGES = [
    pytest.param(
        at("/admin/"),
        [
            "Quiz-Übersicht",
            "32 Fragen, 3 Rollen, 13 Fähigkeiten und Ziele.",
            "Der Entwurf besteht alle Prüfungen.",
            ">Entwurf veröffentlichen</button>",
            "Veröffentlichte Versionen",
            "(aktuell für Teilnehmende)",
        ],
        ["Quiz overview", "32 questions, 3 roles, 13 skills and goals.", "Published versions"],
        id="overview",
    ),
    pytest.param(
        at("/admin/questions"),
        [
            "Alle Fragen des Entwurfs",
            "Neue Frage",
            "Aussage mit Zustimmungsskala",
            "Bewegt am meisten",
            "32 von 32 Fragen",
            "Ausgewählte deaktivieren",
        ],
        [
            "Every question of the draft",
            "New question",
            "Agreement statement",
            "Moves most",
            "32 of 32 questions",
            "Deactivate selected",
        ],
        id="questions",
    ),
    pytest.param(
        likert_question,
        [
            "Frage speichern",
            "Optionen, Gewichte und Wirkung",
            'aria-label="Gewicht von dieser Aussage bei ',
            "Jede Antwort multipliziert sie mit ihrer Stufe, von -2 bis +2.",
            "Wirkung auf die Rollen",
            "Wirkung und Vorschau zeigen",
            "Stimme voll zu",
            "Diese Frage löschen",
        ],
        ["Save question", 'aria-label="Weight of this statement on ', "Strongly agree"],
        id="likert-question",
    ),
    pytest.param(
        choice_question,
        ["Text von Option a", "Option hinzufügen", "Entfernen", "Nach oben", "Option a"],
        ["Text of option a", "Add option", "Move up", "Option a"],
        id="choice-question",
    ),
    pytest.param(
        at("/admin/questions/new"),
        [
            "Neue Frage",
            "Auswahlfrage: Man wählt eine von 2 bis 6 Optionen",
            "Aus dem Fragetext vorgeschlagen",
            "Vorschau: die Frage, wie Teilnehmende sie sehen",
            "Frage anlegen",
        ],
        ["New question", "Choice: people pick one of 2 to 6 options you write", "Preview:"],
        id="new-question",
    ),
    pytest.param(
        at("/admin/roles"),
        ["Rolle hinzufügen", "Stilllegen", "Schlüssel:", "entscheidet bei Gleichstand"],
        ["Add a role", "Retire", "Key:", "it breaks ties"],
        id="roles",
    ),
    pytest.param(
        a_role,
        [
            "Rolle bearbeiten: ",
            "Über die Rolle",
            "Zusammenfassung",
            "0 – gehört nicht zu dieser Rolle",
            "Ein Eintrag pro Zeile, 1 bis 8 Einträge.",
            "Rolle speichern",
        ],
        ["Edit role: ", "About the role", "0 — not part of this role", "Save role"],
        id="role-form",
    ),
    pytest.param(
        at("/admin/dimensions"),
        ["Fähigkeit oder Ziel hinzufügen", "Verwendet von ", "Nach oben"],
        ["Add a skill or goal", "Used by ", "Up"],
        id="skills-and-goals",
    ),
    pytest.param(
        a_dimension,
        [
            "wird verwendet. Wenn Sie",
            "entfernt. Das lässt sich nicht rückgängig machen",
            "Behalten",
        ],
        ["is in use. Deleting it removes its weight from", "Keep it"],
        id="delete-skill-or-goal",
    ),
    pytest.param(
        at("/admin/analytics"),
        [
            "Wie Teilnehmende antworten",
            "Ergebnisse pro Tag",
            "Alle Versionen",
            "Unaufmerksame Antworten",
            "Median der Bearbeitungszeit",
            "Diese Ergebnisse herunterladen (CSV)",
        ],
        ["How people answer", "Results per day", "All versions", "Median time to finish"],
        id="analytics",
    ),
    pytest.param(
        at("/admin/versions/1/quality"),
        ["Wie gut Version 1 misst", "Jede Rolle kann auf Platz 1 landen", "Cronbachs Alpha"],
        ["How well version 1 measures", "Every role can come out on top", "Cronbach's alpha"],
        id="quality",
    ),
    pytest.param(
        at("/admin/bank"),
        [
            "Fragenkatalog importieren und exportieren",
            "Fragenkatalog-Datei (.json)",
            'value="In den Entwurf importieren"',
        ],
        ["Import and export the question bank", "Question bank file (.json)"],
        id="bank-import",
    ),
    pytest.param(
        at("/admin/audit"),
        ["Änderungsprotokoll", "Wer was geändert hat, neueste zuerst"],
        ["Audit log", "Who changed what, newest first"],
        id="audit-log",
    ),
    pytest.param(
        at("/admin/team"),
        ["Offene Einladungen", "Einladungslink erstellen", "Inhaber"],
        ["Open invitations", "Make an invitation link", "Owner"],
        id="team",
    ),
]


@pytest.mark.parametrize(("url", "german", "english"), PAGES)
def test_each_admin_page_speaks_german_to_a_german_browser_and_english_by_default(
    app: Flask,
    admin_client: FlaskClient,
    url: Callable[[Flask], str],
    german: list[str],
    english: list[str],
) -> None:
    address = url(app)

    html = page(admin_client, address, headers=GERMAN)
    assert '<html lang="de">' in html
    for text in [*german, ">Übersicht</a>", ">Fragen</a>", ">Auswertung</a>", "Abmelden"]:
        assert text in html, text
    assert "— Verwaltung von Career Fit</title>" in html

    html = page(admin_client, address)
    assert '<html lang="en">' in html
    for text in [*english, ">Overview</a>", ">Analytics</a>", "Sign out"]:
        assert text in html, text
    assert not any(text in html for text in german if text not in english), "German by default"


def test_the_language_switcher_keeps_the_admin_area_german(app: Flask, admin_client) -> None:
    response = admin_client.get("/language/de?next=/admin/roles")
    assert response.status_code == 303 and response.headers["Location"] == "/admin/roles"

    html = page(admin_client, "/admin/roles")  # no Accept-Language: the cookie decides
    assert '<html lang="de">' in html and "Rolle hinzufügen" in html
    html = page(admin_client, "/admin/questions", headers={"Accept-Language": "en"})
    assert '<html lang="de">' in html and "Neue Frage" in html


def test_the_sign_in_page_and_its_refusal_are_german(app: Flask, client: FlaskClient) -> None:
    create_admin(app)
    html = page(client, "/admin/sign-in", headers=GERMAN)
    assert '<html lang="de">' in html
    for text in ["Anmeldung zur Verwaltung", ">E-Mail</label>", ">Passwort</label>"]:
        assert text in html, text
    assert 'value="Anmelden"' in html

    response = client.post(
        "/admin/sign-in",
        data={"csrf_token": csrf_token(html), "email": ADMIN_EMAIL, "password": "wrong"},
        headers=GERMAN,
    )
    assert response.status_code == 401
    refused = response.get_data(as_text=True)
    assert "Diese E-Mail-Adresse und dieses Passwort passen zu keinem Admin-Konto." in refused

    # an empty field gets WTForms' own message, in German too
    response = client.post(
        "/admin/sign-in",
        data={"csrf_token": csrf_token(html), "email": "", "password": ""},
        headers=GERMAN,
    )
    assert "Dieses Feld wird benötigt." in response.get_data(as_text=True)


def test_signing_out_says_so_in_german(admin_client: FlaskClient) -> None:
    response = admin_client.post(
        "/admin/sign-out",
        data={"csrf_token": form_token(admin_client, "/admin/")},
        headers=GERMAN,
        follow_redirects=True,
    )
    assert "Sie sind abgemeldet." in response.get_data(as_text=True)


def test_saving_a_question_with_an_empty_text_is_refused_in_german(
    app: Flask, admin_client: FlaskClient
) -> None:
    url = likert_question(app)
    html = page(admin_client, url, headers=GERMAN)
    revision = re.search(r'name="revision" type="hidden" value="(\d+)"', html).group(1)
    key = re.search(r'name="key"[^>]*value="([^"]+)"', html).group(1)

    response = admin_client.post(
        url,
        data={"csrf_token": csrf_token(html), "revision": revision, "key": key, "prompt": " "},
        headers=GERMAN,
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Es wurde nichts gespeichert. Korrigieren Sie die unten markierten Felder." in html
    assert ">Geben Sie den Text der Frage ein.</p>" in html

    response = admin_client.post(
        url,
        data={"csrf_token": csrf_token(html), "revision": revision, "key": key, "prompt": " "},
    )
    assert ">Enter the question&#39;s text.</p>" in response.get_data(as_text=True)


def test_a_flash_message_after_an_edit_is_german(app: Flask, admin_client: FlaskClient) -> None:
    html = page(admin_client, "/admin/roles", headers=GERMAN)
    role_id = first_id(app, Role)
    response = admin_client.post(
        f"/admin/roles/{role_id}/move",
        data={"csrf_token": csrf_token(html), "direction": "up"},
        headers=GERMAN,
        follow_redirects=True,
    )
    assert "steht bereits an erster Stelle." in response.get_data(as_text=True)


def test_a_rule_the_role_form_breaks_is_named_in_german(app: Flask, admin_client) -> None:
    html = page(admin_client, "/admin/roles/new", headers=GERMAN)
    response = admin_client.post(
        "/admin/roles/new",
        data={"csrf_token": csrf_token(html), "name": "Analyst", "key": "Not A Key"},
        headers=GERMAN,
    )
    html = response.get_data(as_text=True)
    assert "Es wurde nichts gespeichert. Bitte korrigieren Sie Folgendes:" in html
    assert "Schreiben Sie diesen Text." in html
    assert "Verwenden Sie 1 bis 40 Kleinbuchstaben, Ziffern oder Bindestriche" in html
    assert "Schreiben Sie mindestens einen Eintrag, einen pro Zeile." in html


def test_the_publish_checks_name_their_problems_in_german(app: Flask, admin_client) -> None:
    with app.app_context():
        db.session.add(Dimension(key="astrology", name="Astrologie", kind="skill", position=99))
        db.session.commit()

    text = text_of(page(admin_client, "/admin/", headers=GERMAN))
    assert "Der Entwurf kann erst veröffentlicht werden, wenn diese Probleme behoben sind:" in text
    assert (
        "Fähigkeit oder Ziel „Astrologie“ (astrology) wird von keiner Frage gewichtet, "
        "daher kann keine Antwort etwas darüber aussagen." in text
    )

    text = text_of(page(admin_client, "/admin/"))
    assert "The draft can't be published until these are fixed:" in text
    assert "Skill or goal “Astrologie” (astrology) is not weighed by any question" in text


def test_a_draft_that_does_not_parse_is_explained_in_german(app: Flask, admin_client) -> None:
    question_id = first_id(app, Question, kind="likert")
    with app.app_context():
        question = db.session.get(Question, question_id)
        question.weights.clear()
        db.session.commit()
        key = question.key

    text = text_of(page(admin_client, "/admin/", headers=GERMAN))
    assert f"Frage {key} „" in text
    assert ", Gewicht: braucht mindestens ein Gewicht ungleich 0." in text


def test_a_bank_file_with_problems_is_refused_in_german_keeping_its_places(
    admin_client: FlaskClient,
) -> None:
    document = json.loads(json.dumps(DOCUMENT))
    document["roles"][1]["typical_day"] = ""
    boundary, body = encode_multipart(
        MultiDict(
            {
                "csrf_token": form_token(admin_client, "/admin/bank"),
                "bank_file": FileStorage(
                    io.BytesIO(json.dumps(document).encode()), "bank.json", "bank_file"
                ),
            }
        )
    )
    response = admin_client.post(
        "/admin/bank",
        data=body,
        content_type=f'multipart/form-data; boundary="{boundary}"',
        headers=GERMAN,
    )
    assert response.status_code == 422
    text = text_of(response.get_data(as_text=True))
    assert "Es wurde nichts importiert. Die Datei enthält 1 Problem" in text
    assert "roles[1].typical_day: darf nicht leer sein" in text


def test_analytics_says_days_numbers_and_filter_errors_the_german_way(admin_client) -> None:
    html = page(admin_client, "/admin/analytics?first_day=2026-01-05&last_day=2026-02-03")
    assert ">5 Jan 2026 to 3 Feb 2026</h2>" in html

    html = page(
        admin_client, "/admin/analytics?first_day=2026-01-05&last_day=2026-02-03", headers=GERMAN
    )
    assert ">5. Jan. 2026 bis 3. Feb. 2026</h2>" in html
    assert "30 Tage" in html

    html = page(admin_client, "/admin/analytics?first_day=yesterday", 400, headers=GERMAN)
    assert "Bitte korrigieren Sie den Filter unten." in html
    assert "Kein gültiges Datum." in html
    html = page(admin_client, "/admin/analytics?first_day=1999-12-31", 400, headers=GERMAN)
    assert "Wählen Sie einen Tag ab dem 1. Januar 2000." in html


def test_the_publish_checks_stay_english_outside_a_request(app: Flask) -> None:
    # the bank commands run in an app context without a request: their output is English
    with app.app_context():
        document = draft_bank().to_document()
        document["dimensions"].append(
            {"key": "astrology", "name": "Astrology", "kind": "skill", "description": ""}
        )
        problems = [say(problem) for problem in publish_problems(document)]
    assert problems[0].startswith("Skill or goal “Astrology” (astrology) is not weighed")


def test_the_publish_checks_speak_german_plurals_on_a_german_request(app: Flask) -> None:
    document = json.loads(json.dumps(DOCUMENT))
    choice = next(q for q in document["questions"] if q["kind"] == "choice")
    del choice["options"][1:]
    with app.test_request_context(headers=GERMAN):
        (problem,) = [say(problem) for problem in publish_problems(document)]
    assert problem.startswith(f"Frage {choice['key']} „")
    assert problem.endswith("hat 1 Option; eine Auswahlfrage braucht 2 bis 6.")


def admin_messages() -> set[str]:
    """Return every msgid of the admin area (a plural by its singular)."""
    return {
        message if isinstance(message, str) else message[0]
        for message in extracted_messages(ADMIN_SOURCES)
    }


def test_the_german_admin_texts_add_no_markup_and_keep_english_dashes_out() -> None:
    messages = admin_messages()
    assert len(messages) > 350, "the extraction found the admin area's strings"
    catalog = translation_catalog("de")
    checked = 0
    for entry in catalog:
        key = entry.id if isinstance(entry.id, str) else entry.id[0] if entry.id else None
        if key not in messages:
            continue
        checked += 1
        for german in [entry.string] if isinstance(entry.string, str) else entry.string:
            assert german, f"no German for {key!r}"
            # the texts reach the page as markup: a quote or angle bracket would break it
            assert not set(german) & set('<>&"'), german
            assert "—" not in german, f"German dashes are en dashes: {german!r}"
    assert checked == len(messages)


def test_the_sign_in_reminder_is_in_german(client: FlaskClient) -> None:
    response = client.get("/admin/", headers=GERMAN, follow_redirects=True)
    assert "Bitte melden Sie sich an, um den Admin-Bereich zu öffnen." in text_of(
        response.get_data(as_text=True)
    )
