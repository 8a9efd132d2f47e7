"""The role form's job titles, links and colour: shown, saved into the draft, and refused
beside their field with a 400 when they break the bank's rules."""

from __future__ import annotations

import html as htmllib
import re

import pytest
from admin_pages import (
    draft_document,
    field_error,
    page_form,
    post_form,
    role_data,
    role_id,
)
from flask import Flask
from flask.testing import FlaskClient

from quiz.core.bank import DEFAULT_BANK_PATH, ROLE_PALETTE, load_bank_file

ONET = "https://www.onetonline.org/link/summary/15-2051.00"
DEFAULT = load_bank_file(DEFAULT_BANK_PATH).role_by_key


def draft_role(app: Flask, key: str) -> dict:
    return next(r for r in draft_document(app)["roles"] if r["key"] == key)


def edit_url(app: Flask, key: str) -> str:
    return f"/admin/roles/{role_id(app, key)}"


def test_the_form_shows_the_roles_titles_links_and_its_palette_colour(
    app: Flask, admin_client: FlaskClient
) -> None:
    url = edit_url(app, "data-scientist")
    html = admin_client.get(url).get_data(as_text=True)
    data = page_form(admin_client, url)

    assert data["titles"].splitlines() == list(DEFAULT["data-scientist"].titles)
    assert data["links"] == f"O*NET OnLine: Data Scientists (15-2051.00) | {ONET}"
    # no colour of its own: the picker starts at its place's palette colour, the box ticked
    assert data["colour"] == ROLE_PALETTE[0]
    assert data["use_palette"] == "y"
    assert re.search(r'<input[^>]*type="color"[^>]*>', html)
    assert f"Chosen: {ROLE_PALETTE[0]}" in html
    assert "Typical job titles" in html and "one per line" in html
    assert "Label | https://address" in htmllib.unescape(html)
    assert data["csrf_token"]


def test_an_admin_saves_titles_links_and_a_colour_of_the_roles_own(
    app: Flask, admin_client: FlaskClient
) -> None:
    url = edit_url(app, "ml-engineer")
    data = page_form(admin_client, url)
    data["titles"] = "Machine Learning Engineer\n\n  MLOps Engineer  \n"
    data["links"] = (
        "Software Developers | https://www.onetonline.org/link/summary/15-1252.00\r\n"
        "A | B | https://example.org/a|b"
    )
    data["colour"] = "#7C3AED"
    del data["use_palette"]  # the box unticked: a browser sends nothing for it

    response = admin_client.post(url, data=data)

    assert response.status_code == 302
    saved = draft_role(app, "ml-engineer")
    assert saved["titles"] == ["Machine Learning Engineer", "MLOps Engineer"]
    assert saved["links"] == [
        {
            "label": "Software Developers",
            "url": "https://www.onetonline.org/link/summary/15-1252.00",
        },
        # the label is everything before the last bar with an address after it
        {"label": "A | B", "url": "https://example.org/a|b"},
    ]
    assert saved["colour"] == "#7c3aed"
    shown = page_form(admin_client, url)
    assert shown["colour"] == "#7c3aed" and "use_palette" not in shown

    listed = admin_client.get("/admin/roles").get_data(as_text=True)
    assert "Colour: " in listed and 'fill="#7c3aed"' in listed
    assert f"{ROLE_PALETTE[0]} (the palette’s)" in listed

    # ticking the box again gives the role the palette's colour back
    shown["use_palette"] = "y"
    assert admin_client.post(url, data=shown).status_code == 302
    assert "colour" not in draft_role(app, "ml-engineer")


def test_a_new_role_is_added_with_titles_links_and_a_colour(
    app: Flask, admin_client: FlaskClient
) -> None:
    data = role_data(app, {**DEFAULT["data-scientist"].__dict__, "key": "data-engineer"})
    data |= {
        "name": "Data Engineer",
        "titles": "Data Engineer\nAnalytics Engineer",
        "links": f"An entry | {ONET}",
        "colour": "#0e7490",
    }
    page = admin_client.get("/admin/roles/new").get_data(as_text=True)
    # a new role takes the next palette colour until the admin picks one
    assert f'value="{ROLE_PALETTE[3]}"' in page

    response = post_form(admin_client, "/admin/roles/new", data)

    assert response.status_code == 302
    added = draft_role(app, "data-engineer")
    assert added["titles"] == ["Data Engineer", "Analytics Engineer"]
    assert added["links"] == [{"label": "An entry", "url": ONET}]
    assert added["colour"] == "#0e7490"


MISTAKES = [
    pytest.param(
        {"colour": "#fde047"},
        "colour",
        "stands out on white by only 1.3:1",
        id="colour-too-pale",
    ),
    pytest.param({"colour": "#ffffff"}, "colour", "only 1.0:1", id="colour-white"),
    pytest.param({"colour": "blue"}, "colour", "six hex digits", id="colour-not-hex"),
    pytest.param({"titles": "\n".join(f"T{n}" for n in range(9))}, "titles", "at most 8", id="9"),
    pytest.param({"titles": "x" * 121}, "titles", "keep each item to 120", id="title-long"),
    pytest.param({"titles": "Data\x07Scientist"}, "titles", "U+0007", id="title-control"),
    pytest.param({"links": "O*NET"}, "links", "Line 1: write a label, then |", id="no-bar"),
    pytest.param({"links": f"{ONET}"}, "links", "Line 1: write a label", id="url-only"),
    pytest.param(
        {"links": f"Fine | {ONET}\nOld | http://www.onetonline.org/"},
        "links",
        "Line 2: the address must be a web address starting with https://",
        id="http",
    ),
    pytest.param(
        {"links": "Click | javascript:alert(1)"}, "links", "starting with https://", id="script"
    ),
    pytest.param(
        {"links": "Spaced | https://www.example.org/a page"},
        "links",
        "write a label, then |",
        id="space",
    ),
    pytest.param(
        {"links": "Host | https://nohost"}, "links", "with no spaces", id="host-without-a-dot"
    ),
    pytest.param(
        {"links": "Long | https://www.example.org/" + "a" * 300},
        "links",
        "at most 300 characters",
        id="url-long",
    ),
    pytest.param(
        {"links": "x" * 121 + f" | {ONET}"}, "links", "label to at most 120", id="label-long"
    ),
    pytest.param(
        {"links": "\n".join(f"L{n} | {ONET}" for n in range(9))}, "links", "at most 8", id="9"
    ),
    pytest.param({"links": f"Over\u202eride | {ONET}"}, "links", "U+202E", id="link-bidi"),
]


@pytest.mark.parametrize(("changes", "field", "message"), MISTAKES)
def test_a_bad_title_link_or_colour_is_refused_beside_its_field_with_a_400(
    app: Flask, admin_client: FlaskClient, changes: dict, field: str, message: str
) -> None:
    url = edit_url(app, "ai-engineer")
    data = page_form(admin_client, url) | changes
    data.pop("use_palette", None)
    draft = draft_document(app)

    response = admin_client.post(url, data=data)

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in htmllib.unescape(field_error(html, field))
    assert "Nothing was saved" in html
    assert draft_document(app) == draft


def test_with_the_palettes_colour_ticked_the_pickers_value_is_not_used(
    app: Flask, admin_client: FlaskClient
) -> None:
    url = edit_url(app, "ai-engineer")
    data = page_form(admin_client, url) | {"colour": "#fde047", "use_palette": "y"}
    data["summary"] = "Builds products on models that already exist."

    assert admin_client.post(url, data=data).status_code == 302
    assert "colour" not in draft_role(app, "ai-engineer")


def test_a_colour_typed_into_a_hand_made_request_is_shown_back_as_text_only(
    app: Flask, admin_client: FlaskClient
) -> None:
    url = edit_url(app, "ai-engineer")
    data = page_form(admin_client, url) | {"colour": '"><script>x</script>'}
    data.pop("use_palette")

    response = admin_client.post(url, data=data)

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "<script>x" not in html
    # a colour picker cannot hold it: it shows black, and the text says what was sent
    assert re.search(r'<input[^>]*type="color"[^>]*value="#000000"', html)
    assert "Chosen: &#34;&gt;&lt;script&gt;" in html


def test_the_form_without_its_csrf_token_saves_nothing(
    app: Flask, admin_client: FlaskClient
) -> None:
    url = edit_url(app, "ai-engineer")
    data = page_form(admin_client, url) | {"titles": "Prompt Engineer"}
    del data["csrf_token"]
    draft = draft_document(app)

    response = admin_client.post(url, data=data)

    assert response.status_code == 400
    assert draft_document(app) == draft


def test_a_too_pale_colour_is_refused_in_german_naming_its_ratio(
    app: Flask, admin_client: FlaskClient
) -> None:
    admin_client.set_cookie("lang", "de")
    url = edit_url(app, "ai-engineer")
    data = page_form(admin_client, url) | {"colour": "#fde047"}
    data.pop("use_palette")

    response = admin_client.post(url, data=data)

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    error = htmllib.unescape(field_error(html, "colour"))
    assert "hebt sich von Weiß nur 1,3:1 ab" in error
    assert "Typische Berufsbezeichnungen" in html
