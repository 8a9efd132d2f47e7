"""A role's job titles, links and colour travel with the draft: imported into its rows,
published with it, exported again unchanged, and edited by the store's rules."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select

from quiz.core.bank import DEFAULT_BANK_PATH, BankLink, parse_bank_text
from quiz.db import db
from quiz.models import Role
from quiz.store import editing
from quiz.store.drafts import draft_bank
from quiz.store.editing import ROLE_FIELDS
from quiz.store.publishing import export_text, import_text, publish_draft, published_bank

ESCO = "https://esco.ec.europa.eu/en/classification/occupation_main"
ONET = "https://www.onetonline.org/link/summary/15-2051.00"


@pytest.fixture
def draft(app: Flask) -> Iterator[None]:
    with app.test_request_context():
        yield


def bank_text() -> str:
    """The default bank, its AI Engineer given a colour, and links in English and German."""
    document = json.loads(DEFAULT_BANK_PATH.read_text(encoding="utf-8"))
    engineer = document["roles"][2]
    engineer["colour"] = "#7C3AED"
    engineer["links"] = [{"label": "ESCO occupations", "url": ESCO}]
    engineer["translations"]["de"]["links"] = [{"label": "ESCO-Berufe", "url": ESCO + "?de"}]
    return json.dumps(document, ensure_ascii=False)


def role(key: str) -> Role:
    found = db.session.scalar(select(Role).where(Role.key == key))
    assert found is not None, key
    return found


def test_an_imported_bank_keeps_them_through_the_draft_publishing_and_export(draft):
    imported = import_text(bank_text())
    db.session.commit()
    engineer = imported.role_by_key["ai-engineer"]
    assert engineer.colour == "#7c3aed"
    assert "LLM Engineer" in engineer.titles

    # the draft's rows hold them, and give them back as the bank had them
    row = role("ai-engineer")
    assert row.colour == "#7c3aed"
    assert row.links == [{"label": "ESCO occupations", "url": ESCO}]
    assert draft_bank() == imported

    version = publish_draft()
    db.session.commit()
    published = published_bank(version.id)
    assert published == imported
    german = published.in_language("de").role_by_key["ai-engineer"]
    assert german.links == (BankLink("ESCO-Berufe", ESCO + "?de"),)
    assert german.titles[1] == "KI-Ingenieur/in"
    assert published.role_by_key["data-scientist"].links[0].url == ONET

    # export, import, export: the same file
    first = export_text(draft_bank())
    import_text(first)
    db.session.commit()
    assert export_text(draft_bank()) == first
    assert parse_bank_text(first) == imported


def fields(row: Role, **changes) -> dict:
    return {name: getattr(row, name) for name in ROLE_FIELDS} | changes


def profile(row: Role) -> dict[int, int]:
    return {e.dimension_id: e.emphasis for e in row.emphases}


def test_editing_titles_drops_only_their_german_and_a_colour_changes_no_translation(draft):
    import_text(bank_text())
    db.session.commit()
    row = role("data-scientist")
    before = dict(row.translations["de"])

    changed = editing.edit_role(
        row,
        str(row.revision),
        fields(row, titles=["Data Scientist", "Statistician"], colour="#0f766e"),
        profile(row),
    )

    assert changed == ["titles", "colour"]
    bank_role = draft_bank().role_by_key["data-scientist"]
    assert bank_role.titles == ("Data Scientist", "Statistician")
    assert bank_role.colour == "#0f766e"
    german = role("data-scientist").translations["de"]
    assert "titles" not in german
    assert german == {name: text for name, text in before.items() if name != "titles"}


def test_links_saved_as_links_are_stored_and_come_back_as_links(draft):
    import_text(bank_text())
    db.session.commit()
    row = role("ml-engineer")
    link = BankLink("Software Developers", "https://www.onetonline.org/link/summary/15-1252.00")

    changed = editing.edit_role(
        row, str(row.revision), fields(row, links=[link], colour=""), profile(row)
    )

    assert changed == ["links"]
    assert role("ml-engineer").links == [{"label": link.label, "url": link.url}]
    assert draft_bank().role_by_key["ml-engineer"].links == (link,)
    # the draft, links and all, is a bank that publishes
    publish_draft()
