"""Input that once answered 500, or was kept when it should not be: each now refused plainly.

- ``next`` with control characters: CR and LF used to reach the Location header and fail
  there. Sign-in and the language switcher follow one rule (quiz/web/redirects.py).
- Bank texts with a lone UTF-16 surrogate, a text direction override or a control character:
  imports took them, and a lone surrogate then failed every page that showed the text. Now
  the upload page and ``flask bank import`` refuse them naming the field, and so do the
  admin's editing forms, so the draft never holds one.
- A JSON object naming a key twice: the last one silently won. Now it is refused with its path.
"""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest
from admin_pages import (
    dimension_ids,
    draft_document,
    field_error,
    page_form,
    post_form,
    role_id,
)
from flask import Flask
from flask.testing import FlaskClient
from helpers import ADMIN_EMAIL, ADMIN_PASSWORD, create_admin, csrf_token, sign_in
from sqlalchemy import select

from quiz.core.bank import DEFAULT_BANK_PATH
from quiz.db import db
from quiz.models import Question

DOCUMENT = json.loads(DEFAULT_BANK_PATH.read_text(encoding="utf-8"))
CHOICE = next(i for i, q in enumerate(DOCUMENT["questions"]) if q["kind"] == "choice")
DASHBOARD = "/admin/"

# next values no browser should be sent to: each would put a control or an invisible
# character into the Location header (CR and LF split it into two headers)
HOSTILE_NEXT = {
    "CR LF and a header": "/admin/questions\r\nSet-Cookie: planted=1",
    "LF alone": "/admin/questions\nX-Planted: 1",
    "CR alone": "/admin/questions\r",
    "tab": "/admin/\tquestions",
    "ESC": "/admin/\x1b[31mquestions",
    "BEL": "/admin/questions\x07",
    "DEL": "/admin/questions\x7f",
    "a C1 control": "/admin/questions\x85",
    "line separator": "/admin/questions\u2028",
    "paragraph separator": "/admin/\u2029questions",
    "right-to-left override": "/admin/\u202equestions",
    "byte order mark": "\ufeff/admin/questions",
    "no-break space": "/admin/\u00a0questions",
    "CR LF then a host": "/\r\n//evil.example",
}
# (name, character) a bank text may not hold, as the problem names it
REFUSED = {
    "lone surrogate": ("\ud800", "U+D800"),
    "right-to-left override": ("\u202e", "U+202E"),
    "BEL": ("\x07", "U+0007"),
    "ESC": ("\x1b", "U+001B"),
}
REASON = "must not contain the character {code}"
FORM_REFUSAL = "Remove the character {code}"


# ---------------------------------------------------------------- next


def sign_in_with_next(client: FlaskClient, target: str):
    page = client.get("/admin/sign-in", query_string={"next": target})
    assert page.status_code == 200
    return client.post(
        "/admin/sign-in",
        query_string={"next": target},
        data={
            "csrf_token": csrf_token(page.get_data(as_text=True)),
            "email": ADMIN_EMAIL,
            "password": ADMIN_PASSWORD,
        },
    )


@pytest.mark.parametrize("target", HOSTILE_NEXT.values(), ids=HOSTILE_NEXT.keys())
def test_sign_in_with_a_control_character_in_next_goes_to_the_dashboard(
    app: Flask, client: FlaskClient, target: str
) -> None:
    create_admin(app)

    response = sign_in_with_next(client, target)

    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert response.headers["Location"] == DASHBOARD
    assert "X-Planted" not in response.headers
    assert all("planted" not in cookie for cookie in response.headers.getlist("Set-Cookie"))
    assert client.get(DASHBOARD).status_code == 200  # signed in all the same


def test_sign_in_still_follows_a_plain_path_on_this_site(app: Flask, client: FlaskClient) -> None:
    create_admin(app)

    response = sign_in_with_next(client, "/admin/questions?page=2")

    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/questions?page=2"


@pytest.mark.parametrize("target", HOSTILE_NEXT.values(), ids=HOSTILE_NEXT.keys())
def test_the_language_switcher_refuses_the_same_next_values(
    client: FlaskClient, target: str
) -> None:
    response = client.get("/language/de", query_string={"next": target})

    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert "X-Planted" not in response.headers


# ---------------------------------------------------------------- bank imports


def with_text(where: str, text: str) -> dict[str, Any]:
    """The default bank with ``text`` put into one of its texts or German translations."""
    document = copy.deepcopy(DOCUMENT)
    if where == "roles[1].summary":
        document["roles"][1]["summary"] = f"Builds models {text} for a living."
    elif where == "questions[2].translations.de.prompt":
        document["questions"][2]["translations"]["de"]["prompt"] = f"Eine Frage {text}?"
    elif where == f"questions[{CHOICE}].options[0].translations.de.label":
        document["questions"][CHOICE]["options"][0]["translations"]["de"]["label"] = f"A{text}"
    elif where == "roles[0].translations.de.skills[0]":
        document["roles"][0]["translations"]["de"]["skills"][0] = f"SQL {text}"
    else:
        raise AssertionError(where)
    return document


TEXT_PLACES = [
    "roles[1].summary",
    "questions[2].translations.de.prompt",
    f"questions[{CHOICE}].options[0].translations.de.label",
    "roles[0].translations.de.skills[0]",
]


def signed_in(app: Flask) -> FlaskClient:
    create_admin(app)
    client = app.test_client()
    assert sign_in(client).status_code == 302
    return client


def upload(client: FlaskClient, content: bytes):
    token = csrf_token(client.get("/admin/bank").get_data(as_text=True))
    return client.post(
        "/admin/bank",
        data={"csrf_token": token, "bank_file": (io.BytesIO(content), "bank.json")},
        content_type="multipart/form-data",
    )


@pytest.mark.parametrize("where", TEXT_PLACES)
@pytest.mark.parametrize("what", REFUSED)
def test_an_uploaded_bank_with_a_refused_character_is_refused_naming_the_field(
    app: Flask, what: str, where: str
) -> None:
    client = signed_in(app)
    character, code = REFUSED[what]
    # the JSON escapes the character, as a file holding a lone surrogate must
    content = json.dumps(with_text(where, character)).encode("ascii")
    draft = draft_document(app)

    response = upload(client, content)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f"{where}: {REASON.format(code=code)}" in html
    assert draft_document(app) == draft
    # the pages that showed the draft's texts all answer
    for page in ("/admin/", "/admin/preview", "/admin/bank/export"):
        assert client.get(page).status_code == 200, page


def test_an_uploaded_bank_with_a_key_twice_in_an_object_is_refused_with_its_path(
    app: Flask,
) -> None:
    client = signed_in(app)
    text = json.dumps(DOCUMENT, indent=1)
    first_role = text.index('"roles": [') + len('"roles": [')
    text = text[:first_role] + text[first_role:].replace("{", '{"name": "Twice",', 1)
    draft = draft_document(app)

    response = upload(client, text.encode())

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "roles[0]: the key &#34;name&#34; appears more than once" in html
    assert draft_document(app) == draft


@pytest.mark.parametrize("what", REFUSED)
def test_flask_bank_import_refuses_a_refused_character_naming_the_field(
    app: Flask, tmp_path: Path, what: str
) -> None:
    character, code = REFUSED[what]
    where = "questions[2].translations.de.prompt"
    path = tmp_path / "bank.json"
    path.write_text(json.dumps(with_text(where, character)), encoding="ascii")
    draft = draft_document(app)

    result = app.test_cli_runner().invoke(args=["bank", "import", str(path)])

    assert result.exit_code == 1, result.output
    assert f"- {where}: {REASON.format(code=code)}" in result.stderr
    assert "Nothing was imported." in result.stderr
    assert draft_document(app) == draft


def test_flask_bank_import_refuses_a_key_twice_with_its_path(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "bank.json"
    text = json.dumps(DOCUMENT)
    path.write_text(text.replace('"format": 1', '"format": 1, "format": 1', 1), encoding="utf-8")
    draft = draft_document(app)

    result = app.test_cli_runner().invoke(args=["bank", "import", str(path)])

    assert result.exit_code == 1, result.output
    assert '- the key "format" appears more than once' in result.stderr
    assert draft_document(app) == draft


# ---------------------------------------------------------------- the admin's forms


def refused_on(
    client: FlaskClient, app: Flask, url: str, data: dict[str, str], field: str, status: int = 200
) -> str:
    """Send ``data``; return the error beside ``field``, checking nothing was saved.

    The role and dimension pages answer a refused form with 200, the question pages with 422.
    """
    draft = draft_document(app)
    response = post_form(client, url, data)
    assert response.status_code == status, response.status_code
    html = response.get_data(as_text=True)
    assert draft_document(app) == draft
    return field_error(html, field)


# characters a browser can send (a lone surrogate cannot be encoded as UTF-8)
FORM_CHARACTERS = {
    "right-to-left override": ("\u202e", "U+202E"),
    "BEL": ("\x07", "U+0007"),
    "ESC": ("\x1b", "U+001B"),
    "left-to-right isolate": ("\u2066", "U+2066"),
}


@pytest.mark.parametrize("field", ["name", "summary", "typical_day", "skills"])
@pytest.mark.parametrize("what", FORM_CHARACTERS)
def test_the_role_form_refuses_a_refused_character(app: Flask, field: str, what: str) -> None:
    client = signed_in(app)
    character, code = FORM_CHARACTERS[what]
    url = f"/admin/roles/{role_id(app, 'ai-engineer')}"
    data = page_form(client, url)
    data[field] = f"Plain{character} words"

    message = refused_on(client, app, url, data, field)

    assert FORM_REFUSAL.format(code=code) in message


@pytest.mark.parametrize("field", ["name", "description"])
def test_the_dimension_form_refuses_a_refused_character(app: Flask, field: str) -> None:
    client = signed_in(app)
    url = f"/admin/dimensions/{dimension_ids(app)['statistics']}"
    data = page_form(client, url)
    data[field] = "Stat\u202eistics"

    message = refused_on(client, app, url, data, field)

    assert FORM_REFUSAL.format(code="U+202E") in message


def test_the_question_forms_refuse_a_refused_character(app: Flask) -> None:
    client = signed_in(app)
    with app.app_context():
        question = db.session.scalar(select(Question).where(Question.kind == "choice"))
        assert question is not None
        url, label = f"/admin/questions/{question.id}", "options-0-label"
    data = page_form(client, url)
    data["prompt"] = "Which \x1b[2J one?"
    assert FORM_REFUSAL.format(code="U+001B") in refused_on(client, app, url, data, "prompt", 422)

    data = page_form(client, url)
    data[label] = "An \x07option"
    assert FORM_REFUSAL.format(code="U+0007") in refused_on(client, app, url, data, label, 422)

    new = {"key": "q99", "kind": "choice", "prompt": "Fine?", "options-0-label": "Yes"}
    new["options-1-label"] = "No\u202e"
    message = refused_on(client, app, "/admin/questions/new", new, "options-1-label", 422)
    assert FORM_REFUSAL.format(code="U+202E") in message


def test_the_forms_keep_line_breaks_tabs_and_ordinary_unicode(app: Flask) -> None:
    client = signed_in(app)
    url = f"/admin/roles/{role_id(app, 'ai-engineer')}"
    data = page_form(client, url)
    data["typical_day"] = "Morgens:\r\n\tModelle prüfen — „gründlich“ \u200e(LTR mark)"

    response = post_form(client, url, data)

    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    roles = draft_document(app)["roles"]
    saved = next(role for role in roles if role["key"] == "ai-engineer")["typical_day"]
    assert "\tModelle prüfen — „gründlich“ \u200e" in saved
