"""The bank format's classic-instrument parts: an agreement question's own labels, dimensions
of kind interest, and choice weights from -4 to 4; the parser and the JSON Schema agree."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from quiz.core.bank import (
    DEFAULT_BANK_PATH,
    LIKERT_SCALE,
    BankError,
    TranslatableText,
    parse_bank,
)

SCHEMA = json.loads((DEFAULT_BANK_PATH.parent / "bank.schema.json").read_text(encoding="utf-8"))
LABELS = ["Strongly dislike", "Dislike", "Unsure", "Like", "Strongly like"]
GERMAN = ["Mag ich gar nicht", "Mag ich nicht", "Unsicher", "Mag ich", "Mag ich sehr"]
APP_LABELS = [label for _key, label, _level in LIKERT_SCALE]


def role(key: str, area: str) -> dict[str, Any]:
    return {
        "key": key,
        "name": key.title(),
        "summary": "Likes it.",
        "focus": "It.",
        "skills": ["It"],
        "tasks": ["Do it"],
        "goals": ["More of it"],
        "typical_day": "Doing it.",
        "learn_first": ["How"],
        "first_project": "Try it.",
        "profile": {area: 1},
    }


def document() -> dict[str, Any]:
    """A two-area interest inventory: an agreement item with labels, one without, a choice."""
    return {
        "format": 1,
        "dimensions": [
            {"key": "outdoors", "name": "Outdoors", "kind": "interest"},
            {"key": "numbers", "name": "Numbers", "kind": "interest"},
        ],
        "roles": [role("ranger", "outdoors"), role("clerk", "numbers")],
        "questions": [
            {
                "key": "q1",
                "kind": "likert",
                "prompt": "Camp in the woods",
                "labels": LABELS,
                "weights": {"outdoors": 1},
                "translations": {"de": {"prompt": "Im Wald zelten", "labels": GERMAN}},
            },
            {"key": "q2", "kind": "likert", "prompt": "Add up a bill", "weights": {"numbers": 1}},
            {
                "key": "q3",
                "kind": "choice",
                "prompt": "Check the accounts",
                "options": [
                    {"key": f"s{score}", "label": label, "weights": {"numbers": score}}
                    for score, label in enumerate(LABELS)
                ],
            },
        ],
    }


def test_an_agreement_question_keeps_its_own_labels_lowest_level_first():
    bank = parse_bank(document())
    labelled, plain, choice = bank.questions
    assert labelled.labels == tuple(LABELS)
    assert [(o.key, o.label) for o in labelled.options] == list(
        zip(["1", "2", "3", "4", "5"], LABELS, strict=True)
    )
    # only the words change: the levels, and so the scoring, are the app's scale's
    assert [o.weights for o in labelled.options] == [
        {"outdoors": level} if level else {} for _key, _label, level in LIKERT_SCALE
    ]
    assert plain.labels == () and [o.label for o in plain.options] == APP_LABELS
    assert choice.labels == ()
    assert bank.option_label("q1", "5") == "Strongly like"


def test_export_writes_labels_only_where_a_question_has_them_and_reads_back_unchanged():
    bank = parse_bank(document())
    exported = bank.to_document()
    q1, q2, q3 = exported["questions"]
    assert list(q1) == ["key", "kind", "prompt", "labels", "weights", "translations"]
    assert q1["labels"] == LABELS
    assert q1["translations"] == {"de": {"prompt": "Im Wald zelten", "labels": GERMAN}}
    assert "labels" not in q2 and "labels" not in q3
    assert parse_bank(exported) == bank
    text = json.dumps(exported, indent=2, ensure_ascii=False)
    assert json.dumps(parse_bank(json.loads(text)).to_document(), indent=2) == json.dumps(
        exported, indent=2
    )


def test_labels_are_shown_in_the_readers_language_where_the_bank_translates_them():
    bank = parse_bank(document())
    app_german = {"1": "Stimme gar nicht zu", "5": "Stimme voll zu"}
    german = bank.in_language("de", likert_labels=app_german)
    assert [o.label for o in german.question_by_key["q1"].options] == GERMAN
    assert german.question_by_key["q1"].labels == tuple(GERMAN)
    # a question without labels of its own shows the app's, in the reader's language
    q2 = [o.label for o in german.question_by_key["q2"].options]
    assert q2 == ["Stimme gar nicht zu", *APP_LABELS[1:4], "Stimme voll zu"]
    # a language the bank has not translated the labels into shows them in English
    french = bank.in_language("fr", likert_labels={"1": "Pas du tout d'accord"})
    assert [o.label for o in french.question_by_key["q1"].options] == LABELS
    assert french.question_by_key["q2"].options[0].label == "Pas du tout d'accord"
    assert german.effect_table is bank.effect_table


def test_own_labels_are_one_text_to_translate():
    bank = parse_bank(document())
    labels = TranslatableText("question", "q1", "labels", "\n".join(LABELS))
    assert labels in bank.translatable_texts()
    assert [t.field for t in bank.translatable_texts() if t.kind == "question"] == [
        "prompt",
        "labels",
        "prompt",
        "prompt",
    ]
    assert labels not in bank.translation_gaps("de")
    untranslated = document()
    del untranslated["questions"][0]["translations"]["de"]["labels"]
    assert labels in parse_bank(untranslated).translation_gaps("de")


def test_dimensions_may_be_interests():
    assert [d.kind for d in parse_bank(document()).dimensions] == ["interest", "interest"]


def change(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def apply(doc: dict[str, Any]) -> None:
        target: Any = doc
        for step in path[:-1]:
            target = target[step]
        if value is DELETE:
            del target[path[-1]]
        else:
            target[path[-1]] = value

    return apply


DELETE = object()
Q1 = ("questions", 0)
Q2 = ("questions", 1)
Q3 = ("questions", 2)
NOT_FIVE = "must be a list of exactly 5 non-empty texts, lowest level first"

REFUSED = {
    "four-labels": (change((*Q1, "labels"), LABELS[:4]), f"questions[0].labels: {NOT_FIVE}"),
    "six-labels": (change((*Q1, "labels"), [*LABELS, "Love"]), f"questions[0].labels: {NOT_FIVE}"),
    "blank-label": (
        change((*Q1, "labels", 2), "  "),
        f"questions[0].labels: {NOT_FIVE}",
    ),
    "label-not-text": (change((*Q1, "labels", 2), 3), f"questions[0].labels: {NOT_FIVE}"),
    "labels-not-a-list": (change((*Q1, "labels"), "Like"), f"questions[0].labels: {NOT_FIVE}"),
    "label-too-long": (
        change((*Q1, "labels", 4), "x" * 601),
        "questions[0].labels[4]: must be at most 600 characters",
    ),
    "label-with-override": (
        change((*Q1, "labels", 0), "Dis\u202elike"),
        "questions[0].labels[0]: must not contain the character U+202E "
        "(a control, text direction or broken character)",
    ),
    "labels-on-a-choice-question": (
        change((*Q3, "labels"), LABELS),
        "questions[2].labels: only an agreement question has labels; "
        "a choice question's options do",
    ),
    "translated-labels-four": (
        change((*Q1, "translations", "de", "labels"), GERMAN[:4]),
        f"questions[0].translations.de.labels: {NOT_FIVE}",
    ),
    "translated-labels-without-own": (
        change((*Q2, "translations"), {"de": {"labels": GERMAN}}),
        "questions[1].translations.de.labels: "
        "can be translated only where the question has labels of its own",
    ),
    "translated-labels-on-a-choice-question": (
        change((*Q3, "translations"), {"de": {"labels": GERMAN}}),
        "questions[2].translations.de.labels: cannot be translated; translatable here: prompt",
    ),
    "choice-weight-5": (
        change((*Q3, "options", 4, "weights", "numbers"), 5),
        "questions[2].options[4].weights.numbers: must be a whole number from -4 to 4",
    ),
    "unknown-dimension-kind": (
        change(("dimensions", 0, "kind"), "hobby"),
        "dimensions[0].kind: must be one of skill, goal, interest",
    ),
}


def edited(apply: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    doc = copy.deepcopy(document())
    apply(doc)
    return doc


@pytest.mark.parametrize(("apply", "problem"), REFUSED.values(), ids=REFUSED.keys())
def test_broken_labels_weights_and_kinds_are_refused_with_their_place(apply, problem):
    with pytest.raises(BankError) as refused:
        parse_bank(edited(apply))
    assert refused.value.problems == [problem]


# the schema checks no text's characters, for labels as for every other text
SCHEMA_REFUSED = {
    name: apply for name, (apply, _) in REFUSED.items() if name != "label-with-override"
}


@pytest.mark.parametrize("apply", SCHEMA_REFUSED.values(), ids=SCHEMA_REFUSED.keys())
def test_the_schema_refuses_them_too(apply):
    assert not Draft202012Validator(SCHEMA).is_valid(edited(apply))


def without_labels(doc: dict[str, Any]) -> None:
    del doc["questions"][0]["labels"], doc["questions"][0]["translations"]["de"]["labels"]


ACCEPTED = {
    "as-written": lambda doc: None,
    "choice-weight-minus-4": change((*Q3, "options", 0, "weights", "numbers"), -4),
    "labels-spaced": change((*Q1, "labels", 0), "  Strongly dislike "),
    "no-labels": without_labels,
    "translation-of-the-prompt-only": change((*Q1, "translations", "de", "labels"), DELETE),
    "skill-and-goal-kinds": lambda doc: (
        doc["dimensions"][0].update(kind="skill") or doc["dimensions"][1].update(kind="goal")
    ),
}


@pytest.mark.parametrize("apply", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_the_parser_and_the_schema_accept_them(apply):
    doc = edited(apply)
    parse_bank(doc)
    assert list(Draft202012Validator(SCHEMA).iter_errors(doc)) == []
