"""Choosing the language a page is served in: the switcher's cookie, Accept-Language, caching."""

from __future__ import annotations

import re

import pytest
from flask import Flask, render_template_string
from flask.testing import FlaskClient
from flask_babel import gettext
from helpers import take_quiz
from markupsafe import escape

from quiz.core.messages import N_, Figure, Message, plural_message
from quiz.web.i18n import LANGUAGE_COOKIE, LANGUAGES, lazy_gettext, say

GERMAN = {"Accept-Language": "de-DE,de;q=0.9,en;q=0.5"}
ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}
HTML_LANG = re.compile(r'<html lang="(\w+)">')


def page_language(client: FlaskClient, url: str = "/", **headers: str) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    match = HTML_LANG.search(response.get_data(as_text=True))
    assert match
    return match.group(1)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("de-DE,de;q=0.9,en;q=0.5", "de"),
        ("de-AT", "de"),
        ("fr-FR,de;q=0.7,en;q=0.5", "de"),  # the best language we have, in their order
        ("fr-FR,en;q=0.8,de;q=0.5", "en"),
        ("en-US", "en"),
        ("fr-FR", "en"),  # nothing we have: English
        ("", "en"),
        ("*", "en"),
        ("de;q=0", "en"),
        ("not a language header;;;q=x", "en"),
    ],
)
def test_the_browsers_languages_choose_the_page_language(
    client: FlaskClient, accept: str, expected: str
) -> None:
    assert page_language(client, "/", **{"Accept-Language": accept}) == expected


def test_the_switcher_sets_a_lasting_cookie_that_wins_over_the_browser(
    client: FlaskClient,
) -> None:
    response = client.get("/language/de?next=/privacy")

    assert response.status_code == 303
    assert response.headers["Location"] == "/privacy"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{LANGUAGE_COOKIE}=de;")
    assert "Max-Age=31536000" in cookie and "SameSite=Lax" in cookie and "HttpOnly" in cookie
    assert "no-store" in response.headers["Cache-Control"]
    assert page_language(client, "/privacy", **ENGLISH) == "de"

    client.get("/language/en?next=/")
    assert page_language(client, "/", **GERMAN) == "en"


@pytest.mark.parametrize(
    "target",
    [
        "https://elsewhere.example/",
        "//elsewhere.example/",
        "/\\elsewhere.example",
        "elsewhere.example",
        "javascript:alert(1)",
        "/\x7fnot-printable",
        "",
    ],
)
def test_the_switcher_only_ever_goes_back_to_this_site(client: FlaskClient, target: str) -> None:
    response = client.get("/language/de", query_string={"next": target})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_an_unknown_language_code_falls_back_to_english(client: FlaskClient) -> None:
    response = client.get("/language/xx?next=/privacy")
    assert response.status_code == 303
    assert response.headers["Set-Cookie"].startswith(f"{LANGUAGE_COOKIE}=en;")
    # a cookie that names no language we have is ignored, not trusted
    client.set_cookie(LANGUAGE_COOKIE, "xx")
    assert page_language(client, "/", **GERMAN) == "de"


def test_every_page_shows_a_switcher_that_comes_back_to_the_same_page(
    client: FlaskClient,
) -> None:
    # the quiz pages switch through their own form (tests/public/test_quiz_language_switch.py)
    html = client.get("/privacy?x=1", headers=GERMAN).get_data(as_text=True)
    switcher = re.search(r'<nav class="language-switcher"[^>]*>(.*?)</nav>', html, re.S)
    assert switcher, "the page has no language switcher"
    links = re.findall(r'<a href="([^"]+)" lang="(\w+)"([^>]*)>([^<]+)</a>', switcher.group(1))
    assert [(lang, name) for _, lang, _, name in links] == list(LANGUAGES.items())
    for href, lang, attributes, _ in links:
        assert href == f"/language/{lang}?next=/privacy?x%3D1"
        # the language in use is marked as current, for screen readers too
        assert ('aria-current="true"' in attributes) == (lang == "de")


def test_every_response_varies_by_language(client: FlaskClient) -> None:
    for url in ("/", "/privacy", "/quiz/1", "/no-such-page"):
        vary = client.get(url).headers.get("Vary", "")
        assert "Accept-Language" in vary and "Cookie" in vary, (url, vary)


def test_a_share_link_opens_in_each_viewers_language_and_is_cached_per_language(
    app: Flask, client: FlaskClient
) -> None:
    url = take_quiz(client).result_url
    reader = app.test_client()
    english = reader.get(url, headers=ENGLISH)
    german = reader.get(url, headers=GERMAN)

    assert HTML_LANG.search(english.get_data(as_text=True)).group(1) == "en"
    assert HTML_LANG.search(german.get_data(as_text=True)).group(1) == "de"
    assert english.headers["ETag"] != german.headers["ETag"]
    # a copy kept in one language is not confirmed to a reader of the other
    again = reader.get(url, headers={**GERMAN, "If-None-Match": english.headers["ETag"]})
    assert again.status_code == 200
    same = reader.get(url, headers={**GERMAN, "If-None-Match": german.headers["ETag"]})
    assert same.status_code == 304


def test_outside_a_request_texts_are_english(app: Flask) -> None:
    with app.app_context():
        assert gettext("Skip to content") == "Skip to content"
    with app.test_request_context(headers=GERMAN):
        assert gettext("Skip to content") == "Zum Inhalt springen"


def test_texts_defined_at_import_are_escaped_like_any_other_text(app: Flask) -> None:
    with app.test_request_context(headers=GERMAN):
        label = lazy_gettext("Enter the question's text.")
        assert str(escape(label)) == "Geben Sie den Text der Frage ein."
        assert str(escape(lazy_gettext("<b>%(x)s</b>", x=1))) == "&lt;b&gt;1&lt;/b&gt;"
    with app.test_request_context():
        assert str(escape(label)) == "Enter the question&#39;s text."
        assert label == "Enter the question's text."


def test_a_refused_request_says_why_in_the_readers_language(client: FlaskClient) -> None:
    response = client.get("/quiz/1?x=%00", headers=GERMAN)
    assert response.status_code == 400
    assert "Die Anfrage enthielt ein unzulässiges Zeichen (NUL)." in response.get_data(as_text=True)


# ------------------------------------------------------------- saying what the core says

ROLE_NAMED = Message(
    "%(noun)s %(name)s",
    {"noun": Message(N_("Role")), "name": Message(N_("“%(name)s”"), {"name": "Data Scientist"})},
)
BARELY = N_("%(question)s barely separates any roles (at most %(points)s fit points).")


def test_say_words_a_message_in_english_by_default(app: Flask) -> None:
    with app.test_request_context(headers=ENGLISH):
        assert say(ROLE_NAMED) == "Role “Data Scientist”"
    with app.test_request_context():
        assert say(Message(N_("Role"))) == "Role"


def test_say_words_a_message_and_the_messages_in_it_in_the_readers_language(app: Flask) -> None:
    with app.test_request_context(headers=GERMAN):
        assert say(Message(N_("Role"))) == "Rolle"
        assert say(ROLE_NAMED) == "Rolle „Data Scientist“"


def test_say_writes_figures_in_the_readers_number_format(app: Flask) -> None:
    message = Message(BARELY, {"question": "Q1", "points": Figure(1.5, 1)})
    with app.test_request_context(headers=ENGLISH):
        assert say(message) == "Q1 barely separates any roles (at most 1.5 fit points)."
        assert say(Message("%(r)s", {"r": Figure(-0.25)})) == "−0.25"
    with app.test_request_context(headers=GERMAN):
        assert say(message) == "Q1 unterscheidet die Rollen kaum (höchstens 1,5 Passungspunkte)."
        assert say(Message("%(r)s", {"r": Figure(-0.25)})) == "−0,25"
        assert say(Message("%(r)s", {"r": Figure(-0.001)})) == "0,00"
        assert say(Message("%(n)s", {"n": Figure(1234.5, 1)})) == "1.234,5"


@pytest.mark.parametrize(("count", "german"), [(1, "1 Frage"), (3, "3 Fragen")])
def test_say_chooses_the_plural_form_of_the_readers_language(
    app: Flask, count: int, german: str
) -> None:
    message = plural_message("%(num)s question", "%(num)s questions", count)
    with app.test_request_context(headers=GERMAN):
        assert say(message) == german
    with app.test_request_context(headers=ENGLISH):
        assert say(message) == str(message)


def test_outside_a_request_say_words_english(app: Flask) -> None:
    with app.app_context():
        assert say(ROLE_NAMED) == "Role “Data Scientist”"
        assert say(Message("%(r)s", {"r": Figure(-0.25)})) == "−0.25"


def test_the_say_filter_words_a_message_and_keeps_it_escaped(app: Flask) -> None:
    message = Message(N_("“%(name)s”"), {"name": "<b>Data</b>"})
    with app.test_request_context(headers=GERMAN):
        html = render_template_string("{{ m|say }}", m=message)
    assert html == "„&lt;b&gt;Data&lt;/b&gt;“"
