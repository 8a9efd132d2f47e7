"""A role's typical job titles and its links to public occupation databases: read, refused,
translated and written back."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from quiz.core.bank import (
    DEFAULT_BANK_PATH,
    BankError,
    BankLink,
    parse_bank,
    parse_bank_text,
)

SCHEMA = json.loads((DEFAULT_BANK_PATH.parent / "bank.schema.json").read_text(encoding="utf-8"))
ONET_DATA_SCIENTISTS = "https://www.onetonline.org/link/summary/15-2051.00"


def role(key: str) -> dict[str, Any]:
    name = key.capitalize()
    return {
        "key": key,
        "name": name,
        "summary": f"{name} work.",
        "focus": f"What {name} does.",
        "skills": [f"{name} skill"],
        "tasks": [f"{name} task"],
        "goals": [f"{name} goal"],
        "typical_day": f"A day of {name}.",
        "learn_first": [f"{name} basics"],
        "first_project": f"A first {name} project.",
        "profile": {"analysis": 2},
    }


def document() -> dict[str, Any]:
    scientist = role("scientist")
    scientist["titles"] = ["Data Scientist", "Applied Scientist"]
    scientist["links"] = [{"label": "O*NET OnLine: Data Scientists", "url": ONET_DATA_SCIENTISTS}]
    scientist["translations"] = {
        "de": {
            "titles": ["Data Scientist (m/w/d)"],
            "links": [
                {"label": "O*NET OnLine: Data Scientists (englisch)", "url": ONET_DATA_SCIENTISTS}
            ],
        }
    }
    return {
        "format": 1,
        "dimensions": [{"key": "analysis", "name": "Analysis", "kind": "skill"}],
        "roles": [scientist, role("builder")],
        "questions": [
            {
                "key": "q1",
                "kind": "likert",
                "prompt": "I like finding out why.",
                "weights": {"analysis": 1},
            }
        ],
    }


def test_a_role_reads_its_titles_and_links():
    scientist, builder = parse_bank(document()).roles
    assert scientist.titles == ("Data Scientist", "Applied Scientist")
    assert scientist.links == (BankLink("O*NET OnLine: Data Scientists", ONET_DATA_SCIENTISTS),)
    # both are optional: a bank written before them still loads
    assert builder.titles == () and builder.links == ()


def test_titles_and_links_are_shown_in_the_readers_language():
    german = parse_bank(document()).in_language("de").roles[0]
    assert german.titles == ("Data Scientist (m/w/d)",)
    assert german.links[0].label == "O*NET OnLine: Data Scientists (englisch)"
    assert german.translations == {}
    # a language without translations keeps the English
    assert parse_bank(document()).in_language("fr").roles[0].titles[0] == "Data Scientist"


def test_export_writes_them_only_where_a_role_has_them_and_reads_back_unchanged():
    bank = parse_bank(document())
    exported = bank.to_document()
    assert exported["roles"][0]["titles"] == ["Data Scientist", "Applied Scientist"]
    assert exported["roles"][0]["links"] == [
        {"label": "O*NET OnLine: Data Scientists", "url": ONET_DATA_SCIENTISTS}
    ]
    assert exported["roles"][0]["translations"]["de"]["links"][0]["url"] == ONET_DATA_SCIENTISTS
    assert "titles" not in exported["roles"][1] and "links" not in exported["roles"][1]
    text = json.dumps(exported)
    assert parse_bank_text(text) == bank
    assert json.dumps(parse_bank_text(text).to_document()) == text
    Draft202012Validator(SCHEMA).validate(exported)


def test_titles_and_links_are_texts_to_translate():
    texts = {(t.key, t.field): t.text for t in parse_bank(document()).translatable_texts()}
    assert texts[("scientist", "titles")] == "Data Scientist\nApplied Scientist"
    assert (
        texts[("scientist", "links")] == f"O*NET OnLine: Data Scientists | {ONET_DATA_SCIENTISTS}"
    )
    # a role without them has nothing of them to translate
    assert ("builder", "titles") not in texts and ("builder", "links") not in texts
    gaps = {(t.key, t.field) for t in parse_bank(document()).translation_gaps("de")}
    assert ("scientist", "titles") not in gaps and ("scientist", "summary") in gaps


def change(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def apply(doc: dict[str, Any]) -> None:
        target = doc
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return apply


def link(url: Any, label: Any = "An entry") -> list[dict[str, Any]]:
    return [{"label": label, "url": url}]


REFUSED = [
    (change(("roles", 0, "titles"), "Data Scientist"), "roles[0].titles: must be a list of 0 to 8"),
    (change(("roles", 0, "titles"), ["Data Scientist", " "]), "roles[0].titles: must be a list"),
    (change(("roles", 0, "titles"), ["T"] * 9), "roles[0].titles: must be a list of 0 to 8"),
    (change(("roles", 0, "titles"), ["x" * 121]), "roles[0].titles[0]: must be at most 120"),
    (change(("roles", 0, "titles"), ["Data\x07Scientist"]), "roles[0].titles[0]: must not contain"),
    (change(("roles", 0, "links"), {"label": "x"}), "roles[0].links: must be a list of 0 to 8"),
    (change(("roles", 0, "links"), link(ONET_DATA_SCIENTISTS) * 9), "roles[0].links: must be"),
    (
        change(("roles", 0, "links"), ["https://example.org"]),
        "roles[0].links[0]: must be an object",
    ),
    (
        change(("roles", 0, "links"), link("http://www.onetonline.org/")),
        "roles[0].links[0].url: must be a web address starting with https://",
    ),
    (
        change(("roles", 0, "links"), link("javascript:alert(1)")),
        "roles[0].links[0].url: must be a web address starting with https://",
    ),
    (
        change(("roles", 0, "links"), link("https://www.example.org/a page")),
        "roles[0].links[0].url: must be a web address such as",
    ),
    (
        change(("roles", 0, "links"), link("https:///no-host")),
        "roles[0].links[0].url: must be a web address such as",
    ),
    (
        change(("roles", 0, "links"), link("https://www.example.org/\u202eexe")),
        "roles[0].links[0].url: must not contain the character U+202E",
    ),
    (
        change(("roles", 0, "links"), link("https://www.example.org/" + "a" * 300)),
        "roles[0].links[0].url: must be at most 300 characters",
    ),
    (change(("roles", 0, "links"), link(None)), "roles[0].links[0].url: must be a web address"),
    (
        change(("roles", 0, "links"), link(ONET_DATA_SCIENTISTS, label="")),
        "roles[0].links[0].label: must be a non-empty text",
    ),
    (
        change(("roles", 0, "links"), link(ONET_DATA_SCIENTISTS, label="L\x00")),
        "roles[0].links[0].label: must not contain NUL",
    ),
    (
        change(("roles", 0, "links"), [{"label": "x", "url": ONET_DATA_SCIENTISTS, "code": 1}]),
        "roles[0].links[0].code: is not a field of a link",
    ),
    (
        change(("roles", 0, "translations", "de", "titles"), []),
        "roles[0].translations.de.titles: must be a list of 1 to 8",
    ),
    (
        change(("roles", 0, "translations", "de", "links"), link("ftp://example.org/")),
        "roles[0].translations.de.links[0].url: must be a web address starting with https://",
    ),
]


@pytest.mark.parametrize(("apply", "problem"), REFUSED)
def test_broken_titles_and_links_are_refused_with_their_place(apply, problem):
    doc = copy.deepcopy(document())
    apply(doc)
    with pytest.raises(BankError) as raised:
        parse_bank(doc)
    assert any(p.startswith(problem) for p in raised.value.problems), raised.value.problems


SCHEMA_ALSO_REFUSES = [
    apply
    for apply, problem in REFUSED
    # the schema checks no text's characters, as for every other text
    if "must not contain" not in problem
]


@pytest.mark.parametrize("apply", SCHEMA_ALSO_REFUSES)
def test_the_schema_refuses_them_too(apply):
    doc = copy.deepcopy(document())
    apply(doc)
    assert list(Draft202012Validator(SCHEMA).iter_errors(doc))
