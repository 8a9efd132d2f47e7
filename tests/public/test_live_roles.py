"""The site describes the roles of the live version, not the ones it shipped with.

A bank with other roles is published through the store, as the admin's Publish button does,
and the pages are read over HTTP on SQLite and on PostgreSQL: the landing page, its meta
description, and a result's link preview and share card name the published roles, in the
reader's language, joined the way that language lists things. The site's title and tagline
are settings.
"""

from __future__ import annotations

import html as htmllib
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import TEST_CONFIG, QuizTaker

from quiz import create_app
from quiz.core.bank import parse_bank
from quiz.core.result_page import result_page
from quiz.db import db
from quiz.store.drafts import replace_draft
from quiz.store.publishing import latest_version_id, publish_draft
from quiz.store.results import find_result, stored_result
from quiz.web.banks import shown_bank
from quiz.web.share_card import render_share_card

# What the default bank calls its roles, in either language: none of it may show for another bank.
DEFAULT_ROLE_WORDS = ("Data Scientist", "Machine Learning", "ML Engineer", "AI Engineer")

ROLES = {  # key -> English name, German name, emphasis per dimension
    "librarian": ("Librarian", "Bibliothekarin", {"cataloguing": 3, "reading": 2, "archives": 1}),
    "archivist": ("Archivist", "Archivarin", {"archives": 3, "cataloguing": 1}),
    "curator": ("Curator", "Kuratorin", {"exhibitions": 3, "reading": 1}),
}
DIMENSIONS = {  # key -> English name, kind
    "cataloguing": ("Cataloguing", "skill"),
    "archives": ("Old records", "skill"),
    "reading": ("Reading advice", "goal"),
    "exhibitions": ("Exhibitions", "goal"),
}
EMPHASIS_WORDS = {
    "en": {0: "Less central", 1: "Useful", 2: "Important", 3: "Central"},
    "de": {0: "Weniger zentral", 1: "Nützlich", 2: "Wichtig", 3: "Zentral"},
}


def library_bank() -> dict[str, Any]:
    """Return a small bank of library roles, their names translated into German."""
    return {
        "format": 1,
        "dimensions": [
            {"key": key, "name": name, "kind": kind, "description": f"{name}, day to day."}
            for key, (name, kind) in DIMENSIONS.items()
        ],
        "roles": [
            {
                "key": key,
                "name": english,
                "summary": f"The {english.lower()} looks after a collection.",
                "focus": "A collection people can use.",
                "skills": ["Care"],
                "tasks": ["Sort what comes in"],
                "goals": ["Findable things"],
                "typical_day": "Boxes, shelves and questions.",
                "learn_first": ["A catalogue standard"],
                "first_project": "Sort one shelf.",
                "profile": profile,
                "translations": {"de": {"name": german}},
            }
            for key, (english, german, profile) in ROLES.items()
        ],
        "questions": [
            {
                "key": f"q-{key}",
                "kind": "likert",
                "prompt": f"I would enjoy a week of {name.lower()}.",
                "weights": {key: 2},
            }
            for key, (name, _kind) in DIMENSIONS.items()
        ]
        + [
            {
                "key": "q-afternoon",
                "kind": "choice",
                "prompt": "Which would you rather do this afternoon?",
                "options": [
                    {"key": "a", "label": "Describe new books", "weights": {"cataloguing": 3}},
                    {"key": "b", "label": "Open an old box", "weights": {"archives": 3}},
                    {"key": "c", "label": "Hang a show", "weights": {"exhibitions": 3}},
                ],
            }
        ],
    }


def publish_library_bank(app: Flask) -> int:
    """Publish the library bank as the admin's Publish button does; return the version's id."""
    with app.app_context():
        replace_draft(parse_bank(library_bank()))
        version = publish_draft()
        db.session.commit()
        return version.id


def page_in(client: FlaskClient, path: str, language: str = "en") -> str:
    response = client.get(path, headers={"Accept-Language": language})
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def meta(html: str, name: str) -> str:
    """Return the content of the page's <meta> named (or with the property) ``name``."""
    match = re.search(rf'<meta (?:name|property)="{re.escape(name)}" content="([^"]*)"', html)
    assert match, f"no <meta> {name}"
    return htmllib.unescape(match.group(1))


def element_text(html: str, pattern: str) -> str:
    match = re.search(pattern, html, re.S)
    assert match, pattern
    return htmllib.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip()


def names_a_default_role(text: str) -> list[str]:
    return [word for word in DEFAULT_ROLE_WORDS if word in text]


# ---------------------------------------------------------------- the landing page


def test_the_landing_page_names_the_published_roles_and_no_default_one(app, client):
    publish_library_bank(app)

    html = page_in(client, "/")

    assert names_a_default_role(html) == []
    lead = element_text(html, r'<p class="lead">(.*?)</p>')
    assert "a ranked fit for Librarian, Archivist and Curator," in lead
    assert meta(html, "description") == (
        "Find out how well you fit Librarian, Archivist and Curator, and see why."
    )
    cards = re.findall(r'<h3 class="role-card-name"><a href="[^"]+">(.*?)</a></h3>', html)
    assert cards == ["Librarian", "Archivist", "Curator"]


def test_a_german_reader_gets_the_roles_german_names_listed_with_und(app, client):
    publish_library_bank(app)

    html = page_in(client, "/", language="de")

    assert names_a_default_role(html) == []
    assert "Bibliothekarin, Archivarin und Kuratorin" in element_text(
        html, r'<p class="lead">(.*?)</p>'
    )
    assert meta(html, "description") == (
        "Finde heraus, wie gut du zu Bibliothekarin, Archivarin und Kuratorin passt – und warum."
    )
    assert "Librarian" not in html


def test_two_roles_are_joined_by_and_alone(app, client):
    document = library_bank()
    document["roles"] = document["roles"][:2]
    document["roles"][1]["profile"]["exhibitions"] = 1  # every skill or goal still counts
    with app.app_context():
        replace_draft(parse_bank(document))
        publish_draft()
        db.session.commit()

    assert "you fit Librarian and Archivist, and" in meta(page_in(client, "/"), "description")
    assert "zu Bibliothekarin und Archivarin passt" in meta(
        page_in(client, "/", language="de"), "description"
    )


def test_the_landing_page_follows_each_newly_published_version(app, client):
    # read first, so whatever the process keeps of the old version is warm
    before = page_in(client, "/")
    german_before = page_in(client, "/", language="de")
    assert "Librarian" not in before and "Bibliothekarin" not in german_before

    publish_library_bank(app)

    assert "Librarian, Archivist and Curator" in meta(page_in(client, "/"), "description")
    assert "Bibliothekarin, Archivarin und Kuratorin" in meta(
        page_in(client, "/", language="de"), "description"
    )


def test_the_default_bank_is_listed_from_its_own_roles(app, client):
    with app.app_context():
        names = [role.name for role in shown_bank(latest_version_id(), "en").roles]

    description = meta(page_in(client, "/"), "description")

    listed = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
    assert description == f"Find out how well you fit {listed}, and see why."


# ---------------------------------------------------------------- a result's link preview


def test_a_results_preview_and_share_card_describe_the_roles_of_its_version(app, client):
    version_id = publish_library_bank(app)
    location = QuizTaker(client).finish()
    token = location.rsplit("/", 1)[1]

    html = page_in(client, location)
    preview = " ".join(
        meta(html, name)
        for name in ("description", "og:title", "og:description", "og:image:alt", "twitter:title")
    )
    assert names_a_default_role(preview) == []
    assert all(name in meta(html, "og:description") for name in ("Librarian", "Archivist"))
    assert meta(html, "og:image:alt").startswith("Career Fit. Their best fit: ")
    assert meta(html, "og:site_name") == "Career Fit"

    card = client.get(f"{location}.png")
    assert card.status_code == 200 and card.mimetype == "image/png"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        result = find_result(token)
        assert result is not None and result.quiz_version_id == version_id
        page = result_page(shown_bank(version_id), stored_result(result))
        assert {fit.role.name for fit in page.fits} == {"Librarian", "Archivist", "Curator"}
        assert card.data == render_share_card(page, site_name="Career Fit")


def test_a_results_share_card_is_in_the_readers_language(app, client):
    publish_library_bank(app)
    location = QuizTaker(client).finish()

    html = page_in(client, location, language="de")
    alt = meta(html, "og:image:alt")
    assert alt.startswith("Career Fit. Am besten passt zu dieser Person: ")
    assert all(name in alt for name in ("Bibliothekarin", "Archivarin", "Kuratorin"))

    english = client.get(f"{location}.png", headers={"Accept-Language": "en"}).data
    german = client.get(f"{location}.png", headers={"Accept-Language": "de"}).data
    assert english != german


# ---------------------------------------------------------------- the title and tagline


@pytest.fixture
def library_site(database_url: str) -> Flask:
    """An app with its own title and tagline, on a fresh database."""
    settings = {"SITE_TITLE": "Shelf & Box", "SITE_TAGLINE": "Which library job fits you?"}
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, **settings})
    yield app
    with app.app_context():
        db.engine.dispose()


def test_the_title_and_tagline_settings_name_the_site(library_site):
    client = library_site.test_client()
    publish_library_bank(library_site)

    for language in ("en", "de"):
        home = page_in(client, "/", language=language)
        assert re.search(r"<title>Which library job fits you\? [—–] Shelf &amp; Box</title>", home)
        assert '<a class="brand" href="/">Shelf &amp; Box</a>' in home
        # a tagline that is set is the operator's own words, shown as given in every language
        assert element_text(home, r"<h1>(.*?)</h1>") == "Which library job fits you?"
        assert "Career Fit" not in home

    privacy = page_in(client, "/privacy")
    assert "<title>Privacy — Shelf &amp; Box</title>" in privacy
    assert meta(privacy, "description") == "Which library job fits you?"
    assert element_text(privacy, r"<h1>(.*?)</h1>") == "What Shelf & Box keeps"
    german_privacy = page_in(client, "/privacy", language="de")
    assert "<title>Datenschutz – Shelf &amp; Box</title>" in german_privacy
    assert re.search(r"<title>[^<]+ — Shelf &amp; Box</title>", page_in(client, "/quiz/1"))
    missing = client.get("/no-such-page").get_data(as_text=True)
    assert "<title>We can&#39;t find that page — Shelf &amp; Box</title>" in missing
    assert re.search(
        r"<title>[^<]+ — Shelf &amp; Box admin</title>", page_in(client, "/admin/sign-in")
    )

    location = QuizTaker(client).finish()
    result = page_in(client, location)
    assert meta(result, "og:site_name") == "Shelf & Box"
    assert meta(result, "og:title").endswith(" — Shelf & Box")
    assert meta(result, "og:image:alt").startswith("Shelf & Box. Their best fit: ")
    assert "Career Fit" not in result


def test_the_share_card_carries_the_configured_title(library_site):
    client = library_site.test_client()
    publish_library_bank(library_site)
    location = QuizTaker(client).finish()
    token = location.rsplit("/", 1)[1]

    card = client.get(f"{location}.png", headers={"Accept-Language": "en"}).data

    with library_site.test_request_context(headers={"Accept-Language": "en"}):
        result = find_result(token)
        page = result_page(shown_bank(result.quiz_version_id), stored_result(result))
        assert card == render_share_card(page, site_name="Shelf & Box")
        assert card != render_share_card(page, site_name="Career Fit")


def test_the_default_tagline_names_no_role_and_is_translated(app, client):
    english = page_in(client, "/")
    german = page_in(client, "/", language="de")

    assert element_text(english, r"<h1>(.*?)</h1>") == "Which AI and data role fits you?"
    assert element_text(german, r"<h1>(.*?)</h1>") == (
        "Welche Rolle rund um KI und Daten passt zu dir?"
    )
    for language in ("en", "de"):
        privacy = page_in(client, "/privacy", language=language)
        assert meta(privacy, "description") == element_text(
            english if language == "en" else german, r"<h1>(.*?)</h1>"
        )


def test_a_changed_title_changes_a_results_etag(app, database_url):
    client = app.test_client()
    location = QuizTaker(client).finish()
    etag = client.get(location).headers["ETag"]
    renamed = create_app(
        {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, "SITE_TITLE": "Shelf & Box"}
    )
    try:
        # a copy kept under the old title is not confirmed: the page comes anew, with the new one
        again = renamed.test_client().get(location, headers={"If-None-Match": etag})
        assert again.status_code == 200
        assert meta(again.get_data(as_text=True), "og:site_name") == "Shelf & Box"
    finally:
        with renamed.app_context():
            db.engine.dispose()


@pytest.mark.parametrize("title", ["", "   "])
def test_an_empty_title_is_refused_at_start(tmp_path, title):
    database = f"sqlite:///{tmp_path / 'site.sqlite3'}"
    with pytest.raises(RuntimeError, match="SITE_TITLE"):
        create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database, "SITE_TITLE": title})


# ---------------------------------------------------------------- the emphasis words


def emphasis_cells(html: str) -> dict[tuple[str, str], tuple[int, str]]:
    """Return the result page's profile table: (dimension, role) -> (level, word shown)."""
    table = re.search(r'<table class="profile">(.*?)</table>', html, re.S)
    assert table, "no profile table"
    head, body = table.group(1).split("<tbody>")
    roles = [htmllib.unescape(r) for r in re.findall(r'<th scope="col">([^<]*)</th>', head)][2:]
    cells = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        dimension = htmllib.unescape(re.search(r'<th scope="row">([^<]*?) <span', row).group(1))
        shown = re.findall(r'<td class="emphasis emphasis-(\d)">([^<]*)</td>', row)
        assert len(shown) == len(roles)
        for role, (level, word) in zip(roles, shown, strict=True):
            cells[(dimension, role)] = (int(level), htmllib.unescape(word))
    return cells


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_result_page_says_each_emphasis_from_less_central_to_central(app, client, language):
    publish_library_bank(app)
    location = QuizTaker(client).finish()

    cells = emphasis_cells(page_in(client, location, language=language))

    role_names = {key: (english, german) for key, (english, german, _p) in ROLES.items()}
    expected = {}
    for dimension_key, (dimension_name, _kind) in DIMENSIONS.items():
        for role_key, (_english, _german, profile) in ROLES.items():
            level = profile.get(dimension_key, 0)
            role = role_names[role_key][0 if language == "en" else 1]
            expected[(dimension_name, role)] = (level, EMPHASIS_WORDS[language][level])
    assert cells == expected
    assert {level for level, _word in cells.values()} == {0, 1, 2, 3}


def test_the_title_and_tagline_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_TITLE", "Shelf & Box")
    monkeypatch.setenv("SITE_TAGLINE", "Which library job fits you?")
    database = f"sqlite:///{tmp_path / 'site.sqlite3'}"
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database})
    try:
        home = page_in(app.test_client(), "/")
        assert "<title>Which library job fits you? — Shelf &amp; Box</title>" in home
        assert element_text(home, r"<h1>(.*?)</h1>") == "Which library job fits you?"
    finally:
        with app.app_context():
            db.engine.dispose()
