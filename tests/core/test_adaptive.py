"""Tests of quick mode's pure core: which question comes next, and when the top role is settled."""

from __future__ import annotations

import ast
import itertools
import random
import sys
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.core import adaptive
from quiz.core.adaptive import MODES, next_question, progress, quick_outcome, should_stop
from quiz.core.bank import load_bank_file
from quiz.core.scoring import (
    Dimension,
    EffectTable,
    Instrument,
    InvalidAnswer,
    Option,
    Question,
    Role,
    answers_favouring,
    random_answers,
    rank_roles,
)

PROPERTIES = settings(max_examples=150, deadline=None)

Effects = Mapping[str, Mapping[str, tuple[int, ...]]]


def table_of(effects: Effects, positions: tuple[int, ...] | None = None) -> EffectTable:
    """Build a table whose effects are exactly ``effects``: one dimension per role."""
    n_roles = len(next(iter(next(iter(effects.values())).values())))
    positions = positions or tuple(range(n_roles))
    roles = tuple(Role(f"r{i}", positions[i], {f"d{i}": 1}) for i in range(n_roles))
    questions = tuple(
        Question(
            q, tuple(Option(o, {f"d{i}": e for i, e in enumerate(row)}) for o, row in opts.items())
        )
        for q, opts in effects.items()
    )
    dims = tuple(Dimension(f"d{i}", "skill") for i in range(n_roles))
    return EffectTable.from_instrument(Instrument(dims, roles, questions))


def top(table: EffectTable, answers: Mapping[str, str]) -> str:
    return rank_roles(table, answers).ranking[0].role


def completions(table: EffectTable, answers: Mapping[str, str]) -> list[dict[str, str]]:
    """Return every full answer sheet that extends ``answers``."""
    remaining = [q for q in table.effects if q not in answers]
    choices = [list(table.effects[q]) for q in remaining]
    return [
        {**answers, **dict(zip(remaining, picked, strict=True))}
        for picked in itertools.product(*choices)
    ]


def quick_quiz(table: EffectTable, sheet: Mapping[str, str], confidence: float) -> dict[str, str]:
    """Answer the quick quiz from a full ``sheet``; return the answers given."""
    given_answers: dict[str, str] = {}
    while (question := next_question(table, given_answers, confidence=confidence)) is not None:
        assert question not in given_answers
        given_answers[question] = sheet[question]
    return given_answers


@st.composite
def small_tables(draw: st.DrawFn) -> EffectTable:
    """Draw a table of 2-3 roles and 1-6 questions of 2-3 options, effects -3..3."""
    n_roles = draw(st.integers(2, 3))
    n_questions = draw(st.integers(1, 6))
    effects = {
        f"q{k}": {
            o: tuple(draw(st.integers(-3, 3)) for _ in range(n_roles))
            for o in "abc"[: draw(st.integers(2, 3))]
        }
        for k in range(n_questions)
    }
    # positions may repeat, so the key decides some ties too
    positions = tuple(draw(st.integers(0, 1)) for _ in range(n_roles))
    return table_of(effects, positions)


@st.composite
def tables_and_partial_answers(draw: st.DrawFn) -> tuple[EffectTable, dict[str, str]]:
    table = draw(small_tables())
    answers = {
        q: draw(st.sampled_from(list(options)))
        for q, options in table.effects.items()
        if draw(st.booleans())
    }
    return table, answers


@st.composite
def tables_and_sheets(draw: st.DrawFn) -> tuple[EffectTable, dict[str, str]]:
    table = draw(small_tables())
    sheet = {q: draw(st.sampled_from(list(options))) for q, options in table.effects.items()}
    return table, sheet


# --- purity ----------------------------------------------------------------------------------


def test_adaptive_imports_only_the_standard_library_and_the_scoring_core() -> None:
    source = Path(adaptive.__file__).read_text()
    imported: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            imported.append(node.module or "")
    outside = [
        name
        for name in imported
        if name != "quiz.core.scoring" and name.split(".")[0] not in sys.stdlib_module_names
    ]
    assert outside == []


def test_modes_name_the_full_and_the_quick_quiz() -> None:
    assert MODES == ("full", "quick")


# --- which question comes next ---------------------------------------------------------------


def test_next_question_skips_questions_that_cannot_separate_the_roles() -> None:
    table = table_of(
        {
            "dull": {"a": (1, 1), "b": (1, 1)},  # moves nothing
            "same": {"a": (3, 3), "b": (0, 0)},  # moves both roles alike
            "split": {"a": (3, 0), "b": (0, 3)},  # for one role or the other
        }
    )
    assert next_question(table, {}) == "split"


def test_next_question_prefers_the_question_that_moves_the_lead_most() -> None:
    table = table_of(
        {
            "small": {"a": (1, 0), "b": (0, 1)},
            "big": {"a": (4, 0), "b": (0, 4)},
            "middle": {"a": (2, 0), "b": (0, 2)},
            "large": {"a": (3, 0), "b": (0, 3)},
        }
    )
    assert next_question(table, {}, confidence=1.0) == "big"
    assert next_question(table, {"big": "a"}, confidence=1.0) == "large"
    assert next_question(table, {"big": "a", "large": "b"}, confidence=1.0) == "middle"


def test_next_question_ignores_a_rival_that_can_no_longer_overtake() -> None:
    table = table_of(
        {
            "q1": {"a": (10, 10, 0), "b": (0, 0, 10)},
            "only-r2": {"a": (0, 0, 50), "b": (0, 0, 0)},  # moves r2 a lot, r0 and r1 not at all
            "r0-or-r1": {"a": (1, 0, 0), "b": (0, 1, 0)},
        }
    )
    answers = {"q1": "a"}  # r0 and r1 tie at fit 100, r0 leads by position; r2 is out
    state = progress(table, answers, confidence=1.0)
    assert state.leader == "r0"
    assert state.rival == "r1"
    assert not state.stop
    assert next_question(table, answers, confidence=1.0) == "r0-or-r1"


def test_next_question_settles_the_even_contest_before_the_long_shot() -> None:
    table = table_of(
        {
            "q1": {"a": (2, 2, 0), "b": (0, 0, 2)},
            "r2": {"a": (0, 0, 8), "b": (0, 0, 0)},  # moves r2's fit by 80 points
            "r0-or-r1": {"a": (1, 0, 0), "b": (0, 1, 0)},  # moves r0 and r1 by 33 each
        }
    )
    # r0 leads r1 only by position, an even contest; r2 overtakes only if both remaining
    # answers go its way. Unweighted, the r2 question would move the fits more.
    answers = {"q1": "a"}
    assert progress(table, answers, confidence=1.0).rival == "r1"
    assert next_question(table, answers, confidence=1.0) == "r0-or-r1"


def test_equally_informative_questions_go_in_the_asked_order() -> None:
    table = table_of(
        {
            "x": {"a": (2, 0), "b": (0, 2)},
            "y": {"a": (2, 0), "b": (0, 2)},
            "z": {"a": (2, 0), "b": (0, 2)},
        }
    )
    assert next_question(table, {}) == "x"
    assert next_question(table, {}, asked_order=["z", "y", "x"]) == "z"
    assert next_question(table, {"z": "a"}, asked_order=["z", "y", "x"]) == "y"


@pytest.mark.parametrize("order", [["x", "y"], ["x", "y", "y"], ["x", "y", "w"], []])
def test_asked_order_must_list_every_question_once(order: list[str]) -> None:
    table = table_of({q: {"a": (2, 0), "b": (0, 2)} for q in "xyz"})
    with pytest.raises(ValueError, match="asked_order"):
        next_question(table, {}, asked_order=order)


def test_the_same_answers_in_any_order_give_the_same_question() -> None:
    table = load_bank_file().effect_table
    sheet = random_answers(table, random.Random(7))
    answers = dict(list(sheet.items())[:12])
    shuffled = list(answers.items())
    random.Random(1).shuffle(shuffled)
    first = next_question(table, answers)
    assert first is not None
    assert first not in answers
    assert next_question(table, dict(shuffled)) == first
    assert next_question(table, answers) == first  # and again


# --- when to stop: the exact rule ------------------------------------------------------------


@PROPERTIES
@given(tables_and_partial_answers())
def test_exact_rule_stops_exactly_when_no_completion_changes_the_top_role(
    case: tuple[EffectTable, dict[str, str]],
) -> None:
    table, answers = case
    state = progress(table, answers, confidence=1.0)
    quick_top = top(table, answers)
    full_tops = {top(table, sheet) for sheet in completions(table, answers)}
    assert state.leader == quick_top
    assert state.decided == (full_tops == {quick_top})
    # a decided top role stops the quiz only when the shown fits are not a close call
    complete = len(answers) == len(table.effects)
    assert state.stop == complete or (state.decided and not rank_roles(table, answers).close_call)
    assert state.reason in (None, "decided", "complete")
    assert state.chance == 1.0 or not state.stop


@PROPERTIES
@given(tables_and_partial_answers())
def test_worst_case_is_the_most_a_rival_can_finish_ahead_in_full_quiz_fit_points(
    case: tuple[EffectTable, dict[str, str]],
) -> None:
    table, answers = case
    state = progress(table, answers, confidence=1.0)
    most = None
    for sheet in completions(table, answers):
        fits = {f.role: f.fit for f in rank_roles(table, sheet).ranking}
        for role, fit in fits.items():
            if role != state.leader:
                ahead = fit - fits[state.leader]
                most = ahead if most is None else max(most, ahead)
    assert state.worst_case == most


def test_exact_rule_honours_the_tie_rule() -> None:
    # r0 and r1 can at best tie; r0 comes first by position, so a tie keeps r0 on top
    table = table_of({"q1": {"a": (1, 0), "b": (0, 0)}, "q2": {"a": (0, 1), "b": (0, 0)}})
    assert progress(table, {"q1": "a"}, confidence=1.0).reason == "decided"
    assert progress(table, {"q1": "a"}, confidence=1.0).worst_case == Fraction(0)
    # r1 first by position: the same answers leave the top role open
    swapped = table_of(
        {"q1": {"a": (1, 0), "b": (0, 0)}, "q2": {"a": (0, 1), "b": (0, 0)}}, positions=(1, 0)
    )
    assert not should_stop(swapped, {"q1": "a"}, confidence=1.0)


@PROPERTIES
@given(tables_and_sheets())
def test_with_confidence_1_the_quick_top_role_is_the_full_quiz_top_role(
    case: tuple[EffectTable, dict[str, str]],
) -> None:
    table, sheet = case
    given_answers = quick_quiz(table, sheet, confidence=1.0)
    assert quick_outcome(table, given_answers).ranking[0].role == top(table, sheet)
    assert progress(table, given_answers, confidence=1.0).reason in ("decided", "complete")


@PROPERTIES
@given(tables_and_sheets(), st.sampled_from([1.0, 0.99, 0.9, 0.5, 0.01]))
def test_the_quick_quiz_stops_at_the_latest_after_every_question(
    case: tuple[EffectTable, dict[str, str]], confidence: float
) -> None:
    table, sheet = case
    given_answers = quick_quiz(table, sheet, confidence)
    assert len(given_answers) <= len(table.effects)
    assert progress(table, sheet, confidence=confidence).reason == "complete"
    assert next_question(table, sheet, confidence=confidence) is None


def test_quick_outcome_ranks_on_the_answers_given() -> None:
    table = load_bank_file().effect_table
    answers = dict(list(random_answers(table, random.Random(3)).items())[:9])
    assert quick_outcome(table, answers) == rank_roles(table, answers)


# --- when to stop: confidence ----------------------------------------------------------------


def test_lower_confidence_asks_a_prefix_of_the_same_questions() -> None:
    table = load_bank_file().effect_table
    rng = random.Random(11)
    for _ in range(20):
        sheet = random_answers(table, rng)
        asked = {c: list(quick_quiz(table, sheet, c)) for c in (1.0, 0.95, 0.8, 0.5)}
        assert asked[0.5] == asked[0.8][: len(asked[0.5])]
        assert asked[0.8] == asked[0.95][: len(asked[0.8])]
        assert asked[0.95] == asked[1.0][: len(asked[0.95])]


def test_confident_stop_reports_a_chance_at_least_the_confidence() -> None:
    table = load_bank_file().effect_table
    sheet = answers_favouring(table, "ml-engineer")
    given_answers = quick_quiz(table, sheet, confidence=0.9)
    state = progress(table, given_answers, confidence=0.9)
    assert state.leader == "ml-engineer"
    assert state.reason in ("confident", "decided")
    assert state.chance >= 0.9
    assert len(given_answers) < len(table.effects)


@pytest.mark.parametrize("role", ["data-scientist", "ml-engineer", "ai-engineer"])
def test_a_clear_answer_sheet_is_decided_early_on_the_default_bank(role: str) -> None:
    table = load_bank_file().effect_table
    given_answers = quick_quiz(table, answers_favouring(table, role), confidence=1.0)
    assert quick_outcome(table, given_answers).ranking[0].role == role
    assert progress(table, given_answers, confidence=1.0).reason == "decided"
    assert len(given_answers) <= len(table.effects) // 2


@pytest.mark.parametrize("confidence", [0.0, -0.5, 1.01, float("nan")])
def test_confidence_outside_0_to_1_is_refused(confidence: float) -> None:
    table = table_of({"q": {"a": (1, 0), "b": (0, 1)}})
    with pytest.raises(ValueError, match="confidence"):
        progress(table, {}, confidence=confidence)
    with pytest.raises(ValueError, match="confidence"):
        next_question(table, {}, confidence=confidence)


@pytest.mark.parametrize(
    ("answers", "message"),
    [({"nope": "a"}, "unknown question"), ({"q": "z"}, "unknown option")],
)
def test_unknown_question_or_option_raises_invalid_answer(
    answers: dict[str, str], message: str
) -> None:
    table = table_of({"q": {"a": (1, 0), "b": (0, 1)}})
    with pytest.raises(InvalidAnswer, match=message):
        next_question(table, answers)
    with pytest.raises(InvalidAnswer, match=message):
        should_stop(table, answers)


def test_a_single_role_is_decided_before_any_question() -> None:
    table = table_of({"q": {"a": (1,), "b": (0,)}})
    state = progress(table, {})
    assert (state.leader, state.rival, state.reason, state.stop) == ("r0", None, "decided", True)
    assert next_question(table, {}) is None


def test_the_quiz_starts_with_a_question_and_no_decision_on_the_default_bank() -> None:
    table = load_bank_file().effect_table
    state = progress(table, {})
    assert (state.answered, state.total, state.stop) == (0, len(table.effects), False)
    assert next_question(table, {}) in table.effects
