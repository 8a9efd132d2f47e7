"""Migration 0010 gives every role job titles, links and a colour: the default bank's titles and
links for the roles whose keys it knows (their German too, where the role is in German), none
for the others, and the palette's colour for all; on both engines, and it can be undone."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import flask_migrate
import pytest
from databases import app_migrated_to
from flask import Flask
from sqlalchemy import inspect, select, text

from quiz.core.bank import BankLink, load_bank_file, parse_bank
from quiz.db import db
from quiz.models import Role
from quiz.store.drafts import draft_bank

GERMAN_SUMMARY = {"de": {"summary": "Findet heraus, was die Daten sagen."}}


def _insert_role(key: str, position: int, translations: dict) -> None:
    db.session.execute(
        text(
            "INSERT INTO role (key, name, summary, focus, skills, tasks, goals, typical_day, "
            "learn_first, first_project, position, translations, active, revision) VALUES "
            "(:key, :name, 'Works.', 'Work.', '[\"s\"]', '[\"t\"]', '[\"g\"]', 'A day.', "
            "'[\"l\"]', 'A project.', :position, :translations, :yes, 1)"
        ),
        {
            "key": key,
            "name": key.title(),
            "position": position,
            "translations": json.dumps(translations),
            "yes": True,
        },
    )


def _fill() -> None:
    _insert_role("data-scientist", 0, GERMAN_SUMMARY)
    _insert_role("ml-engineer", 1, {})
    _insert_role("data-engineer", 2, GERMAN_SUMMARY)


@pytest.fixture(params=["sqlite", "postgresql"])
def app_at_0009(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """An app whose database is migrated up to revision 0009 and holds three roles, two of
    them the default bank's."""
    with app_migrated_to("0009", request.param, tmp_path, _fill) as app:
        yield app


def roles() -> dict[str, Role]:
    return {r.key: r for r in db.session.scalars(select(Role))}


def test_the_default_banks_roles_get_its_titles_and_links_and_others_none(app_at_0009):
    default = load_bank_file().role_by_key
    with app_at_0009.app_context():
        flask_migrate.upgrade()
        stored = roles()
        scientist, engineer, other = (
            stored["data-scientist"],
            stored["ml-engineer"],
            stored["data-engineer"],
        )
        # the same values the default bank gives those roles today
        assert scientist.titles == list(default["data-scientist"].titles)
        assert scientist.links == [
            {"label": link.label, "url": link.url} for link in default["data-scientist"].links
        ]
        assert engineer.titles == list(default["ml-engineer"].titles)
        assert engineer.links == []
        assert other.titles == [] and other.links == []
        assert {r.colour for r in stored.values()} == {""}
        # the German comes along where the role is in German, beside what it had
        german = default["data-scientist"].translations["de"]
        assert scientist.translations["de"]["summary"] == GERMAN_SUMMARY["de"]["summary"]
        assert scientist.translations["de"]["titles"] == list(german["titles"])
        assert scientist.translations["de"]["links"][0]["url"] == german["links"][0].url
        assert engineer.translations == {}
        assert other.translations == GERMAN_SUMMARY

        bank = draft_bank()
        assert bank.role_by_key["data-scientist"].links == default["data-scientist"].links
        assert bank.role_by_key["data-scientist"].links[0] == BankLink(
            "O*NET OnLine: Data Scientists (15-2051.00)",
            "https://www.onetonline.org/link/summary/15-2051.00",
        )
        # a role with no colour is drawn in its place's palette colour
        assert bank.role_by_key["data-engineer"].shown_colour == "#9333ea"
        db.session.remove()


def test_the_new_columns_can_be_migrated_away_again(app_at_0009):
    with app_at_0009.app_context():
        flask_migrate.upgrade()
        db.session.execute(text("UPDATE role SET colour = '#7c3aed' WHERE key = 'ml-engineer'"))
        db.session.commit()
        flask_migrate.downgrade(revision="0009")
        columns = {c["name"] for c in inspect(db.engine).get_columns("role")}
        assert not {"titles", "links", "colour"} & columns
        rows = db.session.execute(text("SELECT key, translations FROM role ORDER BY position"))
        translations = {
            key: value if isinstance(value, dict) else json.loads(value) for key, value in rows
        }
        # the fields the older bank cannot translate are gone from the translations too
        assert translations == {
            "data-scientist": GERMAN_SUMMARY,
            "ml-engineer": {},
            "data-engineer": GERMAN_SUMMARY,
        }
        db.session.remove()


def test_upgrading_again_after_a_downgrade_gives_the_same_draft(app_at_0009):
    with app_at_0009.app_context():
        flask_migrate.upgrade()
        first = draft_bank().to_document()
        # end the read, or PostgreSQL keeps the migration waiting for the table
        db.session.remove()
        flask_migrate.downgrade(revision="0009")
        flask_migrate.upgrade()
        assert draft_bank().to_document() == first
        # the draft's roles are whole bank roles, titles and links included
        assert (
            parse_bank(
                {
                    "format": 1,
                    "dimensions": [{"key": "d", "name": "D", "kind": "skill"}],
                    "roles": [role | {"profile": {"d": 1}} for role in first["roles"]],
                    "questions": [
                        {"key": "q", "kind": "likert", "prompt": "P", "weights": {"d": 1}}
                    ],
                }
            )
            .roles[0]
            .titles
            == load_bank_file().role_by_key["data-scientist"].titles
        )
        db.session.remove()
