"""The default question bank: it parses, it can reach every role, it is balanced, and it
exports unchanged; broken bank documents are refused with the exact place of each problem."""

import copy
import json
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from quiz import scoring
from quiz.bank import DEFAULT_BANK_PATH, Bank, BankError, load_bank_file, parse_bank

ROLE_KEYS = ("data-scientist", "ml-engineer", "ai-engineer")
ROLE_NAMES = ("Data Scientist", "Machine Learning Engineer", "AI Engineer")
ROLE_TEXTS = ("name", "summary", "focus", "typical_day", "first_project")
ROLE_LISTS = ("skills", "tasks", "goals", "learn_first")
MAX_TOP_SHARE = 0.40

DOCUMENT = json.loads(DEFAULT_BANK_PATH.read_text(encoding="utf-8"))
LIKERT = next(i for i, q in enumerate(DOCUMENT["questions"]) if q["kind"] == "likert")
CHOICE = next(i for i, q in enumerate(DOCUMENT["questions"]) if q["kind"] == "choice")


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank_file()


def describe_answers(bank: Bank, answers: dict[str, str]) -> str:
    """Return the answers as readable lines: question prompt -> option label."""
    return "\n".join(
        f"  {bank.question_by_key[q].prompt} -> {bank.option_label(q, o)}"
        for q, o in answers.items()
    )


def test_default_bank_has_a_quiz_sized_mix_of_both_question_kinds(bank):
    kinds = [q.kind for q in bank.questions]
    assert 24 <= len(kinds) <= 40
    assert {"likert", "choice"} <= set(kinds)


def test_default_bank_describes_the_three_roles_with_every_text(bank):
    assert tuple(r.key for r in bank.roles) == ROLE_KEYS
    assert tuple(r.name for r in bank.roles) == ROLE_NAMES
    for role in bank.roles:
        for field in ROLE_TEXTS:
            assert getattr(role, field), f"{role.key}.{field} is empty"
        for field in ROLE_LISTS:
            assert getattr(role, field), f"{role.key}.{field} is empty"
            assert all(getattr(role, field)), f"{role.key}.{field} has an empty item"


@pytest.mark.parametrize("role", ROLE_KEYS)
def test_answering_in_favour_of_a_role_ranks_it_first(bank, role):
    answers = scoring.answers_favouring(bank.effect_table, role)
    outcome = scoring.rank_roles(bank.effect_table, answers)
    ranking = ", ".join(f"{f.role} {f.percent}" for f in outcome.ranking)
    assert outcome.ranking[0].role == role, (
        f"{role} is not first ({ranking}) for these answers:\n{describe_answers(bank, answers)}"
    )


def test_random_respondents_do_not_favour_any_role(bank):
    shares = scoring.top_role_shares(bank.effect_table, 10_000, seed=0)
    shown = ", ".join(f"{role} {share:.1%}" for role, share in shares.items())
    assert max(shares.values()) <= MAX_TOP_SHARE, f"top-role shares: {shown}"


def test_every_dimension_is_measured_by_a_question_and_emphasised_by_a_role(bank):
    asked = {d for q in bank.questions for o in q.options for d, w in o.weights.items() if w}
    profiled = {d for r in bank.roles for d, p in r.profile.items() if p}
    dimensions = {d.key for d in bank.dimensions}
    assert dimensions - asked == set(), "no question measures these"
    assert dimensions - profiled == set(), "no role profile uses these"


def test_every_question_moves_at_least_two_roles_differently(bank):
    # Compare each role's effects within the question scaled to 0..1: a role the question
    # cannot move is all zeros, and two roles whose options rise and fall alike look the same.
    useless = []
    for question, options in bank.effect_table.effects.items():
        shapes = set()
        for column in zip(*options.values(), strict=True):
            low, high = min(column), max(column)
            shapes.add(tuple(Fraction(e - low, high - low) if high > low else 0 for e in column))
        if len(shapes) < 2:
            useless.append(bank.question_by_key[question].prompt)
    assert useless == []


def test_default_bank_file_is_what_export_writes(bank):
    assert bank.to_document() == DOCUMENT


def test_exported_document_parses_back_to_the_same_bank(bank):
    document = bank.to_document()
    again = parse_bank(document)
    assert again == bank
    assert again.to_document() == document


def test_example_in_the_format_guide_is_a_valid_bank():
    guide = (Path(__file__).parents[1] / "docs" / "bank-format.md").read_text(encoding="utf-8")
    example = guide.split("## Example", 1)[1].split("```json", 1)[1].split("```", 1)[0]
    bank = parse_bank(json.loads(example))
    assert bank.to_document() == json.loads(example)


def broken(change: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
    """Return a deep copy of the default document with ``change`` applied to it."""
    document = copy.deepcopy(DOCUMENT)
    change(document)
    return document


def set_weight(where: str, value: object) -> Callable[[dict[str, Any]], object]:
    """Return a change that sets weight ``statistics`` of the likert or choice example."""

    def change(document: dict[str, Any]) -> None:
        if where == "likert":
            document["questions"][LIKERT]["weights"]["statistics"] = value
        else:
            document["questions"][CHOICE]["options"][1]["weights"]["statistics"] = value

    return change


def keep_first_option(document: dict[str, Any]) -> None:
    """Cut the choice example down to its first option."""
    del document["questions"][CHOICE]["options"][1:]


LIKERT_WEIGHT = f"questions[{LIKERT}].weights.statistics"
CHOICE_WEIGHT = f"questions[{CHOICE}].options[1].weights.statistics"


@pytest.mark.parametrize(
    ("document", "path"),
    [
        pytest.param(broken(lambda d: d.update(format=2)), "format", id="wrong-format"),
        pytest.param(broken(lambda d: d.pop("questions")), "questions", id="no-questions"),
        pytest.param(
            broken(lambda d: d["roles"][1].pop("typical_day")),
            "roles[1].typical_day",
            id="missing-role-text",
        ),
        pytest.param(
            broken(lambda d: d["roles"][2].update(skills=[])),
            "roles[2].skills",
            id="empty-role-list",
        ),
        pytest.param(
            broken(lambda d: d["roles"][0]["profile"].update(statistics=4)),
            "roles[0].profile.statistics",
            id="profile-out-of-range",
        ),
        pytest.param(
            broken(lambda d: d["roles"][1].update(key=d["roles"][0]["key"])),
            "roles",
            id="duplicate-role-key",
        ),
        pytest.param(
            broken(lambda d: d["questions"][1].update(key=d["questions"][0]["key"])),
            "questions",
            id="duplicate-question-key",
        ),
        pytest.param(
            broken(lambda d: d["questions"][0].update(key="Q 1")),
            "questions[0].key",
            id="key-not-matching-pattern",
        ),
        pytest.param(broken(set_weight("likert", 3)), LIKERT_WEIGHT, id="likert-weight-above-2"),
        pytest.param(broken(set_weight("choice", 4)), CHOICE_WEIGHT, id="choice-weight-above-3"),
        pytest.param(broken(set_weight("choice", -4)), CHOICE_WEIGHT, id="choice-weight-below-3"),
        pytest.param(broken(set_weight("choice", 1.5)), CHOICE_WEIGHT, id="fractional-weight"),
        pytest.param(broken(set_weight("choice", "2")), CHOICE_WEIGHT, id="text-weight"),
        pytest.param(broken(set_weight("likert", True)), LIKERT_WEIGHT, id="boolean-weight"),
        pytest.param(
            broken(lambda d: d["questions"][CHOICE]["options"][0]["weights"].update(astrology=1)),
            f"questions[{CHOICE}].options[0].weights.astrology",
            id="weight-on-unknown-dimension",
        ),
        pytest.param(
            broken(keep_first_option),
            f"questions[{CHOICE}].options",
            id="choice-with-one-option",
        ),
        pytest.param(
            broken(lambda d: d["questions"][CHOICE].update(kind="slider")),
            f"questions[{CHOICE}].kind",
            id="unknown-question-kind",
        ),
    ],
)
def test_broken_document_is_refused_naming_the_exact_place(document, path):
    with pytest.raises(BankError) as refused:
        parse_bank(document)
    places = [problem.split(": ", 1)[0] for problem in refused.value.problems]
    assert places == [path], refused.value.problems


@pytest.mark.parametrize("document", [[], "bank", None, 1], ids=["list", "text", "null", "number"])
def test_document_that_is_not_an_object_is_refused(document):
    with pytest.raises(BankError) as refused:
        parse_bank(document)
    assert refused.value.problems == ["the document must be a JSON object"]
