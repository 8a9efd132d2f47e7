"""The rules a draft must pass before it is published: one case per rule, each built from
the default bank, and each refused with a reason that names what it is about in plain words
(read here in English, as ``str()`` words a message)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from helpers import imports_beyond

from quiz.core import publish_rules, scoring
from quiz.core.bank import DEFAULT_BANK_PATH, Problem, parse_bank
from quiz.core.messages import ENGLISH, N_, Message, english_number
from quiz.core.publish_rules import plain_problem, publish_problems, reaching_answers

DOCUMENT = json.loads(DEFAULT_BANK_PATH.read_text(encoding="utf-8"))
LIKERT = next(i for i, q in enumerate(DOCUMENT["questions"]) if q["kind"] == "likert")
CHOICE = next(i for i, q in enumerate(DOCUMENT["questions"]) if q["kind"] == "choice")
ROLE_TEXTS = ("name", "summary", "focus", "typical_day", "first_project")
ROLE_LISTS = ("skills", "tasks", "goals", "learn_first")


def changed(change: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
    """Return a deep copy of the default document with ``change`` applied to it."""
    document = copy.deepcopy(DOCUMENT)
    change(document)
    return document


def add_role_like_the_first(document: dict[str, Any]) -> None:
    """Add a last role with the first role's profile: ties always go to the first."""
    twin = copy.deepcopy(document["roles"][0])
    twin.update(key="data-twin", name="Data Twin")
    document["roles"].append(twin)


def add_dimension(profiled: bool) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        document["dimensions"].append({"key": "astrology", "name": "Astrology", "kind": "skill"})
        if profiled:
            document["roles"][0]["profile"]["astrology"] = 1

    return change


def empty_every_text(document: dict[str, Any]) -> None:
    role = document["roles"][1]
    for name in ROLE_TEXTS:
        role[name] = "" if name != "name" else role[name]
    for name in ROLE_LISTS:
        role[name] = []


def english_problems(document: dict[str, Any]) -> list[str]:
    """Return the reasons ``document`` may not be published, worded in English."""
    return [str(problem) for problem in publish_problems(document)]


def test_the_publish_rules_are_pure_core_code():
    source = Path(publish_rules.__file__).read_text(encoding="utf-8")
    core = frozenset({"quiz.core.bank", "quiz.core.messages", "quiz.core.scoring"})
    assert imports_beyond(source, {"flask", "flask_babel", "sqlalchemy", "werkzeug"}, core) == []


def test_the_reasons_are_messages_worded_where_they_are_shown():
    (problem,) = publish_problems(changed(_set(("roles", 1, "summary"), "")))
    assert isinstance(problem, Message)
    assert problem.worded(ENGLISH, english_number) == str(problem)


def test_the_default_bank_passes_every_check():
    assert english_problems(DOCUMENT) == []


def test_a_role_no_answers_can_put_on_top_is_refused_naming_the_role_that_wins():
    problems = english_problems(changed(add_role_like_the_first))
    assert problems == [
        "Role “Data Twin” (data-twin) can never come out on top: even answering every "
        "question in its favour ranks “Data Scientist” first."
    ]


def test_a_choice_question_with_one_option_is_refused():
    def keep_first_option(document: dict[str, Any]) -> None:
        del document["questions"][CHOICE]["options"][1:]

    question = DOCUMENT["questions"][CHOICE]
    (problem,) = english_problems(changed(keep_first_option))
    assert problem.startswith(f"Question {question['key']} “{question['prompt'][:20]}")
    assert problem.endswith("has 1 option; a choice question needs from 2 to 6.")


def test_a_choice_question_with_no_options_is_refused():
    (problem,) = english_problems(changed(lambda d: d["questions"][CHOICE].update(options=[])))
    assert "has 0 options; a choice question needs from 2 to 6." in problem


@pytest.mark.parametrize(
    ("change", "reasons"),
    [
        pytest.param(
            add_dimension(profiled=False),
            [
                "Skill or goal “Astrology” (astrology) is not weighed by any question: "
                "no answer can say anything about it.",
                "Skill or goal “Astrology” (astrology) is not part of any role's profile: "
                "it cannot move any role's fit.",
            ],
            id="used-by-nothing",
        ),
        pytest.param(
            add_dimension(profiled=True),
            [
                "Skill or goal “Astrology” (astrology) is not weighed by any question: "
                "no answer can say anything about it."
            ],
            id="in-a-profile-but-never-asked",
        ),
    ],
)
def test_an_unused_dimension_is_refused(change, reasons):
    assert english_problems(changed(change)) == reasons


def _set(path: tuple[Any, ...], value: object) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        target: Any = document
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return change


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param(
            _set(("questions", LIKERT, "weights", "statistics"), 3),
            "weight on “Statistics & experiments”: must be a whole number from -2 to 2.",
            id="agreement-weight-above-2",
        ),
        pytest.param(
            _set(("questions", CHOICE, "options", 1, "weights", "statistics"), -5),
            f"option {DOCUMENT['questions'][CHOICE]['options'][1]['key']}, "
            "weight on “Statistics & experiments”: must be a whole number from -4 to 4.",
            id="choice-weight-below-minus-4",
        ),
        pytest.param(
            _set(("questions", CHOICE, "options", 0, "weights", "statistics"), 1.5),
            "must be a whole number from -4 to 4.",
            id="fractional-weight",
        ),
        pytest.param(
            _set(("roles", 0, "profile", "statistics"), 4),
            "Role “Data Scientist” (data-scientist), emphasis on “Statistics & experiments”: "
            "must be a whole number from 0 to 3.",
            id="profile-above-3",
        ),
    ],
)
def test_weights_out_of_range_are_refused(change, expected):
    (problem,) = english_problems(changed(change))
    assert problem.endswith(expected)
    assert "[" not in problem, "the reason names things, not document paths"


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("typical_day", "", "typical day: must be a non-empty text."),
        ("summary", "   ", "summary: must be a non-empty text."),
        ("learn_first", [], "what to learn first: must be a list of 1 to 8 non-empty texts."),
        ("skills", ["Python", " "], "skills: must be a list of 1 to 8 non-empty texts."),
    ],
)
def test_a_role_missing_a_text_is_refused(field, value, expected):
    (problem,) = english_problems(changed(_set(("roles", 1, field), value)))
    assert problem == f"Role “Machine Learning Engineer” (ml-engineer), {expected}"


def test_a_role_with_no_texts_at_all_gets_one_reason_per_missing_text():
    problems = english_problems(changed(empty_every_text))
    assert len(problems) == len(ROLE_TEXTS) - 1 + len(ROLE_LISTS)
    assert all(p.startswith("Role “Machine Learning Engineer” (ml-engineer), ") for p in problems)


def test_structural_problems_are_reported_alone_until_the_bank_parses():
    def break_twice(document: dict[str, Any]) -> None:
        add_role_like_the_first(document)
        document["roles"][0]["summary"] = ""

    problems = english_problems(changed(break_twice))
    assert problems == [
        "Role “Data Scientist” (data-scientist), summary: must be a non-empty text."
    ]


@pytest.mark.parametrize(
    ("problem", "plain"),
    [
        (
            Problem("questions", N_("key %(key)s is used more than once"), {"key": "'q07'"}),
            "Questions: key 'q07' is used more than once.",
        ),
        (Problem("format", N_("must be %(value)s"), {"value": 1}), "format: must be 1."),
        (
            Problem("", N_("the document must be a JSON object")),
            "the document must be a JSON object",
        ),
        (
            Problem("roles[9].name", N_("must be a non-empty text")),
            "Roles: must be a non-empty text.",
        ),
    ],
)
def test_problems_without_a_named_entry_keep_their_place_in_words(problem, plain):
    assert str(plain_problem(DOCUMENT, problem)) == plain


def test_a_role_that_only_wins_by_giving_up_an_answer_is_still_reachable():
    # Answering both questions in B's favour ties A and B at 100, and A is listed first;
    # giving up the first answer costs A more than B, and B comes out on top.
    instrument = scoring.Instrument(
        dimensions=(scoring.Dimension("x", "skill"), scoring.Dimension("y", "skill")),
        roles=(scoring.Role("a", 0, {"x": 1}), scoring.Role("b", 1, {"x": 1, "y": 1})),
        questions=(
            scoring.Question(
                "q1", (scoring.Option("big", {"x": 2}), scoring.Option("small", {"y": 1}))
            ),
            scoring.Question("q2", (scoring.Option("big", {"x": 2}), scoring.Option("none", {}))),
        ),
    )
    table = scoring.EffectTable.from_instrument(instrument)
    favouring = scoring.answers_favouring(table, "b")
    assert scoring.rank_roles(table, favouring).ranking[0].role == "a"

    answers = reaching_answers(table, "b")
    assert answers is not None
    assert scoring.rank_roles(table, answers).ranking[0].role == "b"


@pytest.mark.parametrize("role", [r["key"] for r in DOCUMENT["roles"]])
def test_answers_found_for_each_default_role_rank_it_first(role):
    table = parse_bank(DOCUMENT).effect_table
    answers = reaching_answers(table, role)
    assert answers is not None and set(answers) == {q["key"] for q in DOCUMENT["questions"]}
    assert scoring.rank_roles(table, answers).ranking[0].role == role
