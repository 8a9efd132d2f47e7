"""The characters a bank text may hold, and objects that name a key twice.

Every text and every translation refuses control characters other than tab, line feed and
carriage return, lone UTF-16 surrogates and the text direction embeddings, overrides and
isolates, with a problem naming the field and the character's code; an object naming a key
twice is refused with its place. The problems themselves can always be shown: a document's
own names in a path are written with escapes when they hold such characters.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest

from quiz.core.bank import (
    DEFAULT_BANK_PATH,
    BankError,
    parse_bank,
    parse_bank_text,
    refused_character,
)
from quiz.core.publish_rules import publish_problems

DOCUMENT = json.loads(DEFAULT_BANK_PATH.read_text(encoding="utf-8"))
LIKERT = next(i for i, q in enumerate(DOCUMENT["questions"]) if q["kind"] == "likert")
CHOICE = next(i for i, q in enumerate(DOCUMENT["questions"]) if q["kind"] == "choice")
REASON = "must not contain the character {code} (a control, text direction or broken character)"

REFUSED = {
    "U+202E": "\u202e",  # right-to-left override
    "U+202A": "\u202a",  # left-to-right embedding
    "U+2066": "\u2066",  # left-to-right isolate
    "U+2069": "\u2069",  # pop directional isolate
    "U+0007": "\x07",  # BEL
    "U+001B": "\x1b",  # ESC
    "U+007F": "\x7f",  # DEL
    "U+0085": "\x85",  # a C1 control
    "U+000B": "\x0b",  # vertical tab
    "U+D800": "\ud800",  # a lone high surrogate
    "U+DFFF": "\udfff",  # a lone low surrogate
}
ALLOWED = {
    "tab": "a\tb",
    "line feed": "a\nb",
    "carriage return": "a\r\nb",
    "left-to-right mark": "\u200eabc",
    "right-to-left mark": "\u200fשלום",
    "an emoji beyond the basic plane": "data \U0001f600",
    "accents and quotes": "Größe „Ä“ — çà",
}

# (path to the text, how to set it in a document)
Setter = Callable[[dict[str, Any], str], None]


def _set(section: str, index: int, *keys: str | int) -> Setter:
    def change(document: dict[str, Any], text: str) -> None:
        node: Any = document[section][index]
        for key in keys[:-1]:
            node = node.setdefault(key, {}) if isinstance(key, str) else node[key]
        node[keys[-1]] = text

    return change


def _translate(section: str, index: int, field: str, as_list: bool = False) -> Setter:
    def change(document: dict[str, Any], text: str) -> None:
        entry = document[section][index]
        entry.setdefault("translations", {}).setdefault("de", {})[field] = (
            ["SQL", text] if as_list else text
        )

    return change


def _option_label(document: dict[str, Any], text: str) -> None:
    document["questions"][CHOICE]["options"][1]["label"] = text


def _option_translation(document: dict[str, Any], text: str) -> None:
    option = document["questions"][CHOICE]["options"][1]
    option.setdefault("translations", {})["de"] = {"label": text}


def _role_list_entry(document: dict[str, Any], text: str) -> None:
    document["roles"][0]["skills"][1] = text


FIELDS = {
    "dimensions[0].name": _set("dimensions", 0, "name"),
    "dimensions[1].description": _set("dimensions", 1, "description"),
    "roles[0].summary": _set("roles", 0, "summary"),
    "roles[2].typical_day": _set("roles", 2, "typical_day"),
    "roles[0].skills[1]": _role_list_entry,
    "questions[0].prompt": _set("questions", 0, "prompt"),
    f"questions[{CHOICE}].options[1].label": _option_label,
    "dimensions[0].translations.de.name": _translate("dimensions", 0, "name"),
    "roles[1].translations.de.first_project": _translate("roles", 1, "first_project"),
    "roles[1].translations.de.learn_first[1]": _translate("roles", 1, "learn_first", True),
    "questions[2].translations.de.prompt": _translate("questions", 2, "prompt"),
    f"questions[{CHOICE}].options[1].translations.de.label": _option_translation,
}


def with_text(change: Setter, text: str) -> dict[str, Any]:
    document = copy.deepcopy(DOCUMENT)
    change(document, text)
    return document


def refused_problems(document: Any) -> list[str]:
    with pytest.raises(BankError) as refused:
        parse_bank(document)
    return refused.value.problems


@pytest.mark.parametrize("code", REFUSED)
@pytest.mark.parametrize("where", FIELDS)
def test_a_text_or_translation_with_a_refused_character_is_refused_naming_it(where, code):
    document = with_text(FIELDS[where], f"Plain words {REFUSED[code]} and more")

    assert refused_problems(document) == [f"{where}: {REASON.format(code=code)}"]


@pytest.mark.parametrize("where", FIELDS)
def test_a_refused_character_is_found_wherever_it_stands_in_the_text(where):
    for text in ("\u202eat the start", "at the end\x1b", "in\x07the middle"):
        problems = refused_problems(with_text(FIELDS[where], text))
        assert len(problems) == 1 and problems[0].startswith(f"{where}: must not contain"), text


@pytest.mark.parametrize("what", ALLOWED)
@pytest.mark.parametrize("where", FIELDS)
def test_line_breaks_tabs_marks_and_ordinary_unicode_are_kept(where, what):
    bank = parse_bank(with_text(FIELDS[where], ALLOWED[what]))

    as_json = json.dumps(ALLOWED[what].strip(), ensure_ascii=False)[1:-1]
    assert as_json in json.dumps(bank.to_document(), ensure_ascii=False)


def test_nul_keeps_its_own_message():
    document = with_text(FIELDS["roles[0].summary"], "a\x00b")

    assert refused_problems(document) == ["roles[0].summary: must not contain NUL characters"]


def test_a_lone_surrogate_read_from_json_text_is_refused_and_its_problem_can_be_shown():
    # the audit's file: "\ud800" escaped in the JSON, in a German translation
    document = with_text(FIELDS["questions[2].translations.de.prompt"], "Frage \ud800")
    text = json.dumps(document)
    assert "\\ud800" in text

    with pytest.raises(BankError) as refused:
        parse_bank_text(text)

    assert refused.value.problems == [
        f"questions[2].translations.de.prompt: {REASON.format(code='U+D800')}"
    ]
    str(refused.value).encode("utf-8")  # a page or a terminal can print every problem


def test_names_from_the_document_in_a_path_are_written_with_escapes():
    document = copy.deepcopy(DOCUMENT)
    document["questions"][0]["translations"] = {"d\ud800": {"prompt": "x"}}
    document["roles"][0]["translations"] = {"de": {"sum\u202emary": "x"}}
    document["questions"][LIKERT]["weights"] = {"stat\x1bistics": 1}

    problems = refused_problems(document)

    assert "questions[0].translations.d\\ud800: must be a language code" in "".join(problems)
    assert any(p.startswith("roles[0].translations.de.sum\\u202emary: cannot") for p in problems)
    assert any(
        p.startswith(f"questions[{LIKERT}].weights.stat\\u001bistics: is not") for p in problems
    )
    for problem in problems:
        assert refused_character(problem) is None, problem
        problem.encode("utf-8")


def test_publishing_words_the_problem_for_an_admin():
    document = with_text(FIELDS["roles[0].summary"], "Reads \u202ebackwards")

    (problem,) = publish_problems(document)

    assert str(problem) == (
        f"Role “Data Scientist” (data-scientist), summary: {REASON.format(code='U+202E')}."
    )


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("plain", None),
        ("tab\tline\nreturn\r", None),
        ("\u200e\u200f", None),
        ("\U0001f600", None),
        ("a\u202eb\x07", "\u202e"),
        ("\x07\u202e", "\x07"),
        ("\ud83d", "\ud83d"),
        ("\x9b", "\x9b"),  # the C1 control sequence introducer
    ],
)
def test_refused_character_returns_the_first_refused_one(text, found):
    assert refused_character(text) == found


def bank_text_with(repeat: str, where: str) -> str:
    """The default bank as JSON text with ``repeat`` added again at the start of ``where``."""
    text = json.dumps(DOCUMENT, indent=1)
    assert text.count(where) >= 1, where
    return text.replace(where, where + repeat, 1)


@pytest.mark.parametrize(
    ("where", "repeat", "problem"),
    [
        ('{\n "format": 1,\n', ' "format": 1,\n', 'the key "format" appears more than once'),
        (
            '"roles": [\n  {\n',
            f'   "name": {json.dumps(DOCUMENT["roles"][0]["name"])},\n',
            'roles[0]: the key "name" appears more than once',
        ),
        (
            '"weights": {\n',
            '    "statistics": 2,\n    "statistics": 2,\n',
            'questions[0].weights: the key "statistics" appears more than once',
        ),
    ],
)
def test_an_object_naming_a_key_twice_is_refused_with_its_place(where, repeat, problem):
    text = bank_text_with(repeat, where)

    with pytest.raises(BankError) as refused:
        parse_bank_text(text)

    assert refused.value.problems == [problem]


def test_every_repeated_key_is_reported_with_its_path_in_document_order():
    document = copy.deepcopy(DOCUMENT)
    document["roles"][1]["translations"] = {"de": {"name": "A"}}
    text = json.dumps(document)
    text = text.replace(
        '"translations": {"de": {"name": "A"}}',
        ('"translations": {"de": {"name": "A", "name": "B"}, "de": {"name": "C"}}'),
    )
    text = text.replace('"format": 1', '"format": 1, "format": 1')

    with pytest.raises(BankError) as refused:
        parse_bank_text(text)

    # the first "de" object, with its own repeated "name", is the one JSON drops
    assert refused.value.problems == [
        'the key "format" appears more than once',
        'roles[1].translations: the key "de" appears more than once',
    ]


def test_a_repeated_key_holding_refused_characters_is_shown_with_escapes():
    text = json.dumps(DOCUMENT).replace(
        '"format": 1', '"format": 1, "\\u202ex": 1, "\\u202ex": 2', 1
    )

    with pytest.raises(BankError) as refused:
        parse_bank_text(text)

    assert refused.value.problems == ['the key "\\u202ex" appears more than once']


def test_a_document_without_repeated_keys_parses_as_before():
    assert parse_bank_text(json.dumps(DOCUMENT)).to_document() == parse_bank(DOCUMENT).to_document()
