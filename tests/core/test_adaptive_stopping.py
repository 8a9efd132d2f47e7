"""Quick mode tells the truth: it never calls a close call settled, it stops when the answers
point to no single role, and it says truly how many questions it may still ask."""

from __future__ import annotations

import random
from collections.abc import Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_adaptive import (
    quick_quiz,
    small_tables,
    table_of,
    tables_and_partial_answers,
    tables_and_sheets,
)

from quiz.core import adaptive
from quiz.core.adaptive import (
    NO_SINGLE_ROLE_CLEAR_CHANCE,
    NO_SINGLE_ROLE_MIN_ANSWERED,
    next_question,
    progress,
)
from quiz.core.scoring import EffectTable, random_answers, rank_roles

PROPERTIES = settings(max_examples=150, deadline=None)
CONFIDENCES = st.sampled_from([1.0, 0.99, 0.93, 0.5, 0.01])


def split_and_quiet_table(splits: int, quiet: int) -> EffectTable:
    """Two roles: ``splits`` questions for one role or the other, ``quiet`` ones that move both
    roles alike (so they can never separate them)."""
    effects: dict[str, dict[str, tuple[int, ...]]] = {
        f"split{k}": {"a": (3, 0), "b": (0, 3)} for k in range(splits)
    }
    effects.update({f"quiet{k}": {"a": (1, 1), "b": (0, 0)} for k in range(quiet)})
    return table_of(effects)


def even_answers(table: EffectTable, asked: Mapping[str, str], question: str) -> str:
    """Answer split questions for r1 and r0 in turn (a tie), quiet ones with ``a``.

    r1 first: r0 wins a tie by position, so r0 one answer ahead with one split question
    left would already be decided.
    """
    if question.startswith("split"):
        given_splits = sum(1 for q in asked if q.startswith("split"))
        return "b" if given_splits % 2 == 0 else "a"
    return "a"


def run(table: EffectTable, confidence: float, choose=even_answers) -> dict[str, str]:
    asked: dict[str, str] = {}
    while (question := next_question(table, asked, confidence=confidence)) is not None:
        asked[question] = choose(table, asked, question)
    return asked


# --- settled and close call never together ---------------------------------------------------


@PROPERTIES
@given(tables_and_partial_answers(), CONFIDENCES)
def test_a_stop_that_names_one_role_is_never_a_close_call_and_no_single_role_always_is(
    case: tuple[EffectTable, dict[str, str]], confidence: float
) -> None:
    table, answers = case
    state = progress(table, answers, confidence=confidence)
    close_call = rank_roles(table, answers).close_call
    assert state.close_call == close_call
    if state.reason in ("decided", "confident"):
        assert not close_call
    if state.reason == "no_single_role":
        assert close_call
        assert confidence < 1
        assert state.answered >= NO_SINGLE_ROLE_MIN_ANSWERED
        assert state.clear_chance <= NO_SINGLE_ROLE_CLEAR_CHANCE


def test_a_decided_top_role_that_is_a_close_call_is_asked_on_not_called_settled() -> None:
    table = table_of(
        {
            "q0": {"a": (2, 0), "b": (2, 4)},
            "q1": {"a": (3, 4), "b": (1, 2)},
            "q2": {"a": (2, 4), "b": (3, 4)},
        }
    )
    # after q0 = a no answer left puts r1 ahead of r0 (at best a tie, which r0 wins by
    # position), but the shown fits are level: a close call, so the quiz asks on
    answers = {"q0": "a"}
    assert [f.percent for f in rank_roles(table, answers).ranking] == [0, 0]
    state = progress(table, answers, confidence=1.0)
    assert state.decided and state.close_call
    assert (state.reason, state.stop) == (None, False)
    assert next_question(table, answers, confidence=1.0) == "q1"
    # an answer that opens the gap settles it; one that keeps them level asks on
    opened = progress(table, {**answers, "q1": "a"}, confidence=1.0)
    assert (opened.reason, opened.close_call, opened.leader) == ("decided", False, "r0")
    level = progress(table, {**answers, "q1": "b"}, confidence=1.0)
    assert (level.reason, level.close_call) == (None, True)


# --- no single role ---------------------------------------------------------------------------


def test_a_tie_that_nothing_left_can_break_stops_as_no_single_role() -> None:
    table = split_and_quiet_table(splits=8, quiet=4)
    asked = run(table, confidence=0.93)
    state = progress(table, asked, confidence=0.93)
    assert state.reason == "no_single_role"
    assert (state.leader, state.runner_up) == ("r0", "r1")
    # every split question was asked first, evenly answered, and the quiet ones never
    assert sorted(asked) == sorted(f"split{k}" for k in range(8))
    assert state.clear_chance == 0.0
    assert state.most_left == 0


def test_no_single_role_needs_the_least_number_of_answers() -> None:
    # a tie after 4 answers that nothing can break: still too few answers to say so
    table = split_and_quiet_table(splits=4, quiet=NO_SINGLE_ROLE_MIN_ANSWERED)
    asked = run(table, confidence=0.93)
    assert len(asked) == NO_SINGLE_ROLE_MIN_ANSWERED
    assert progress(table, asked, confidence=0.93).reason == "no_single_role"


def test_no_single_role_is_a_heuristic_and_never_stops_the_exact_quiz() -> None:
    table = split_and_quiet_table(splits=8, quiet=4)
    asked = run(table, confidence=1.0)
    assert len(asked) == len(table.effects)
    assert progress(table, asked, confidence=1.0).reason == "complete"


def test_a_tie_that_the_rest_could_still_break_is_asked_on() -> None:
    # 8 even split answers, then 4 split questions that could each move the gap by 8 points
    table = split_and_quiet_table(splits=12, quiet=0)
    answers = {f"split{k}": "ab"[k % 2] for k in range(8)}
    state = progress(table, answers, confidence=0.93)
    assert state.close_call
    assert state.clear_chance > NO_SINGLE_ROLE_CLEAR_CHANCE
    assert state.reason is None
    assert next_question(table, answers, confidence=0.93) is not None


def test_a_clear_lead_is_never_called_no_single_role() -> None:
    table = split_and_quiet_table(splits=8, quiet=4)
    asked = run(table, confidence=0.93, choose=lambda t, a, q: "a")
    state = progress(table, asked, confidence=0.93)
    assert state.reason in ("decided", "confident")
    assert state.leader == "r0"
    assert not state.close_call


@pytest.mark.parametrize("seed", range(5))
def test_the_clear_chance_is_a_step_when_nothing_left_moves_the_roles(seed: int) -> None:
    table = split_and_quiet_table(splits=6, quiet=3)
    rng = random.Random(seed)
    answers = {f"split{k}": rng.choice("ab") for k in range(6)}
    state = progress(table, answers, confidence=0.93)
    # the quiet questions move both roles alike, so the full quiz's gap is already known
    final = rank_roles(table, {**answers, **{f"quiet{k}": "a" for k in range(3)}}).ranking
    clear = final[0].fit - final[1].fit > adaptive.CLOSE_CALL_POINTS
    assert state.clear_chance == (1.0 if clear else 0.0)


# --- how many questions are left --------------------------------------------------------------


@PROPERTIES
@given(tables_and_sheets(), CONFIDENCES)
def test_most_left_is_a_true_upper_bound_of_the_questions_still_asked(
    case: tuple[EffectTable, dict[str, str]], confidence: float
) -> None:
    table, sheet = case
    asked = list(quick_quiz(table, sheet, confidence))
    for count in range(len(asked) + 1):
        state = progress(table, {q: sheet[q] for q in asked[:count]}, confidence=confidence)
        still_asked = len(asked) - count
        assert still_asked <= state.most_left
        assert state.most_left == (0 if state.stop else len(table.effects) - count)


@PROPERTIES
@given(small_tables(), st.randoms(use_true_random=False))
def test_the_quick_quiz_never_asks_past_a_stop(table: EffectTable, rng: random.Random) -> None:
    sheet = random_answers(table, rng)
    asked = quick_quiz(table, sheet, confidence=0.93)
    state = progress(table, asked, confidence=0.93)
    assert state.stop
    assert next_question(table, asked, confidence=0.93) is None
