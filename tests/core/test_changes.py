"""Tests of fewest_changes: the fewest answer changes that rank a role first, checked exactly."""

from __future__ import annotations

import itertools
import random
from collections.abc import Mapping
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.core.bank import load_bank_file
from quiz.core.changes import Change, Changes, fewest_changes
from quiz.core.scoring import (
    Dimension,
    EffectTable,
    Instrument,
    InvalidAnswer,
    Option,
    Question,
    Role,
    random_answers,
    rank_roles,
)

PROPERTIES = settings(max_examples=300, deadline=None)


def effect_table(
    roles: str | list[tuple[str, int]], questions: Mapping[str, Mapping[str, tuple[int, ...]]]
) -> EffectTable:
    """Build a table whose effects are given outright: each role reads a dimension of its own.

    ``roles`` is either role keys in position order or (key, position) pairs.
    """
    placed = [(key, n) for n, key in enumerate(roles, start=1)] if isinstance(roles, str) else roles
    instrument = Instrument(
        dimensions=tuple(Dimension(key, "skill") for key, _ in placed),
        roles=tuple(Role(key, position, {key: 1}) for key, position in placed),
        questions=tuple(
            Question(
                question,
                tuple(
                    Option(option, {key: e for (key, _), e in zip(placed, effect, strict=True)})
                    for option, effect in options.items()
                ),
            )
            for question, options in questions.items()
        ),
    )
    return EffectTable.from_instrument(instrument)


# Three questions, each either for role a (x) or for role b (y), with the same weight.
EVEN = {q: {"x": (2, 0), "y": (0, 2)} for q in ("q1", "q2", "q3")}


def worked_example() -> EffectTable:
    """The worked example of docs/scoring.md, as its table of effects (DS, MLE, AIE)."""
    return effect_table(
        [("data_scientist", 1), ("ml_engineer", 2), ("ai_engineer", 3)],
        {
            "q1": {"a": (4, 2, 0), "b": (2, 4, 4), "c": (0, 0, 0)},
            "q2": {"a": (2, 1, 0), "b": (1, 2, 2)},
            "q3": {"a": (3, 3, 2), "b": (0, 3, 4)},
        },
    )


@pytest.mark.parametrize(
    ("role", "change", "fits_after"),
    [
        (
            "ai_engineer",
            Change("q1", "b", "c", Fraction(30)),
            {"ai_engineer": 25, "data_scientist": 13, "ml_engineer": 0},
        ),
        (
            "data_scientist",
            Change("q1", "b", "a", Fraction(65)),
            {"data_scientist": 63, "ml_engineer": 40, "ai_engineer": 25},
        ),
    ],
)
def test_worked_example_changes_are_as_the_doc_states(
    role: str, change: Change, fits_after: dict[str, int]
) -> None:
    answers = {"q1": "b", "q2": "a", "q3": "b"}  # ML Engineer 80, AI Engineer 75, DS 37.5

    assert fewest_changes(worked_example(), answers, role) == Changes(role, (change,), fits_after)


def test_one_change_puts_the_runner_up_first_and_the_earliest_question_wins_a_tie() -> None:
    table = effect_table("ab", EVEN)
    answers = {"q1": "x", "q2": "y", "q3": "x"}  # a 200/3, b 100/3

    result = fewest_changes(table, answers, "b")

    # q1 and q3 leave the same lead, so the earlier question is the one
    assert result == Changes(
        role="b",
        changes=(Change("q1", "x", "y", Fraction(200, 3)),),
        fits_after={"b": 67, "a": 33},
    )


def test_an_equal_lead_goes_to_the_earlier_question_even_with_a_later_option() -> None:
    # q1 and q2 have the same options in another order: changing either leaves the same lead
    table = effect_table(
        "ab",
        {
            "q1": {"x": (2, 0), "y": (0, 2)},
            "q2": {"y": (0, 2), "x": (2, 0)},
            "q3": {"x": (2, 0), "y": (0, 2)},
        },
    )

    result = fewest_changes(table, {"q1": "x", "q2": "x", "q3": "y"}, "b")

    assert result is not None
    assert [(c.question, c.to_option) for c in result.changes] == [("q1", "y")]


def test_two_changes_when_one_is_not_enough() -> None:
    table = effect_table("ab", EVEN)

    result = fewest_changes(table, {"q1": "x", "q2": "x", "q3": "x"}, "b")

    assert result is not None
    assert [(c.question, c.from_option, c.to_option) for c in result.changes] == [
        ("q1", "x", "y"),
        ("q2", "x", "y"),
    ]
    assert [c.gain for c in result.changes] == [Fraction(200, 3), Fraction(200, 3)]
    assert result.fits_after == {"b": 67, "a": 33}


def test_none_when_more_changes_than_the_limit_are_needed() -> None:
    table = effect_table("ab", EVEN)
    answers = {"q1": "x", "q2": "x", "q3": "x"}

    assert fewest_changes(table, answers, "b", limit=1) is None
    assert fewest_changes(table, answers, "b", limit=0) is None
    assert fewest_changes(table, answers, "b", limit=2) is not None


def test_none_when_no_answers_can_put_the_role_first() -> None:
    # b moves exactly as a does, and a is listed first, so a wins every tie
    table = effect_table("ab", {q: {"x": (2, 2), "y": (0, 0)} for q in ("q1", "q2")})

    assert fewest_changes(table, {"q1": "x", "q2": "y"}, "b") is None


def test_a_role_already_first_needs_no_changes() -> None:
    table = effect_table("ab", EVEN)
    answers = {"q1": "x", "q2": "y", "q3": "x"}

    assert fewest_changes(table, answers, "a") == Changes("a", (), {"a": 67, "b": 33})
    assert fewest_changes(table, answers, "a", limit=0) == Changes("a", (), {"a": 67, "b": 33})


def test_the_set_leaving_the_largest_lead_wins_over_an_earlier_question() -> None:
    table = effect_table("ab", {"q1": {"x": (1, 0), "y": (0, 1)}, "q2": {"x": (2, 0), "y": (0, 2)}})
    answers = {"q1": "x", "q2": "x"}  # a 100, b 0

    # q1 alone cannot do it (a 200/3, b 100/3); q2 can (a 100/3, b 200/3)
    result = fewest_changes(table, answers, "b")

    assert result is not None
    assert [c.question for c in result.changes] == ["q2"]


def test_the_larger_lead_wins_among_options_of_one_question() -> None:
    table = effect_table("ab", {"q1": {"x": (2, 0), "y": (1, 2), "z": (0, 2)}})

    result = fewest_changes(table, {"q1": "x"}, "b")

    # y leaves b 100 to a's 50, z leaves b 100 to a's 0
    assert result == Changes("b", (Change("q1", "x", "z", Fraction(200)),), {"b": 100, "a": 0})


# Two questions where y sits halfway for a and at the top for b: one change from z to y
# leaves a and b both at 50.
HALFWAY = {q: {"y": (1, 1), "z": (0, 2)} for q in ("q1", "q2")}


def test_a_tie_is_enough_for_the_role_listed_first() -> None:
    table = effect_table([("a", 1), ("b", 2)], HALFWAY)

    result = fewest_changes(table, {"q1": "z", "q2": "z"}, "a")

    assert result == Changes("a", (Change("q1", "z", "y", Fraction(100)),), {"a": 50, "b": 50})


def test_a_tie_is_not_enough_for_the_role_listed_second() -> None:
    table = effect_table([("a", 2), ("b", 1)], HALFWAY)

    result = fewest_changes(table, {"q1": "z", "q2": "z"}, "a")

    assert result is not None
    assert [(c.question, c.to_option) for c in result.changes] == [("q1", "y"), ("q2", "y")]
    assert result.fits_after == {"a": 100, "b": 0}


@pytest.mark.parametrize(
    ("roles", "changes"),
    [([("a", 1), ("z", 1)], 1), ([("z", 1), ("a", 1)], 2)],
    ids=["target-key-first", "target-key-second"],
)
def test_equal_positions_tie_break_by_role_key_as_in_rank_roles(
    roles: list[tuple[str, int]], changes: int
) -> None:
    # the first role listed here gets HALFWAY's first effects; both roles share position 1
    table = effect_table(roles, HALFWAY)
    target = roles[0][0]

    result = fewest_changes(table, {"q1": "z", "q2": "z"}, target)

    assert result is not None
    assert len(result.changes) == changes


def test_the_rival_first_now_sets_the_gains_and_every_rival_must_be_passed() -> None:
    # c leads and b is second; q1 y would lift a past c but b past a, q1 z lifts a alone
    table = effect_table(
        "abc",
        {
            "q1": {"x": (0, 0, 2), "y": (2, 2, 0), "z": (2, 0, 0)},
            "q2": {"x": (0, 0, 2), "y": (0, 1, 0), "z": (1, 0, 0)},
        },
    )
    answers = {"q1": "x", "q2": "y"}  # a 0, b 100/3, c 50

    result = fewest_changes(table, answers, "a")

    assert result is not None
    assert [(c.question, c.to_option) for c in result.changes] == [("q1", "z")]
    assert result.changes[0].gain == Fraction(350, 3)  # a 0 -> 200/3 while c 50 -> 0
    assert list(result.fits_after) == ["a", "b", "c"]


def test_only_answered_questions_change() -> None:
    table = effect_table("ab", EVEN)

    result = fewest_changes(table, {"q2": "x"}, "b")

    assert result == Changes("b", (Change("q2", "x", "y", Fraction(200)),), {"b": 100, "a": 0})
    assert fewest_changes(table, {}, "b") is None


def test_unknown_role_or_answer_or_a_negative_limit_is_refused() -> None:
    table = effect_table("ab", EVEN)
    with pytest.raises(ValueError, match="unknown role"):
        fewest_changes(table, {"q1": "x"}, "c")
    with pytest.raises(InvalidAnswer):
        fewest_changes(table, {"q1": "w"}, "b")
    with pytest.raises(ValueError, match="limit"):
        fewest_changes(table, {"q1": "x"}, "b", limit=-1)


# Brute force: the reference the search must agree with.


def lead(table: EffectTable, answers: Mapping[str, str], role: str) -> Fraction | None:
    """Return ``role``'s exact fit minus the best other fit if it ranks first, else None."""
    ranking = rank_roles(table, answers).ranking
    if ranking[0].role != role:
        return None
    return ranking[0].fit - ranking[1].fit if len(ranking) > 1 else Fraction(0)


def brute_force(
    table: EffectTable, answers: Mapping[str, str], role: str
) -> tuple[int, Fraction, list[tuple[int, int]]] | None:
    """Try every way of changing the answers; return the rule's choice as (size, lead, key)."""
    positions = {q: n for n, q in enumerate(table.effects)}
    choices = [
        [None] + [(n, o) for n, o in enumerate(table.effects[q]) if o != answers[q]]
        for q in answers
    ]
    best: tuple[int, Fraction, list[tuple[int, int]]] | None = None
    for picked in itertools.product(*choices):
        changed = dict(answers)
        key = []
        for question, pick in zip(answers, picked, strict=True):
            if pick is not None:
                changed[question] = pick[1]
                key.append((positions[question], pick[0]))
        margin = lead(table, changed, role)
        if margin is None:
            continue
        key.sort()
        # fewest changes, then the largest lead, then the earliest in the table
        if best is None or (len(key), -margin, key) < (best[0], -best[1], best[2]):
            best = (len(key), margin, key)
    return best


@st.composite
def small_cases(draw: st.DrawFn) -> tuple[EffectTable, dict[str, str], str, int]:
    """Draw a table of at most 6 questions x 3 options x 4 roles, answers, a role and a limit.

    Some questions copy an earlier one, as a bank's Likert items on one skill do, some with
    their options in another order.
    """
    n_roles = draw(st.integers(2, 4))
    roles = [(f"r{i}", draw(st.integers(1, 2))) for i in range(n_roles)]
    effect = st.tuples(*[st.integers(-3, 3) for _ in range(n_roles)])
    questions: dict[str, dict[str, tuple[int, ...]]] = {}
    for k in range(draw(st.integers(1, 6))):
        copy: bool = bool(questions) and draw(st.booleans())
        if copy:
            original = questions[draw(st.sampled_from(sorted(questions)))]
            order = draw(st.permutations(list(original)))
            questions[f"q{k}"] = {option: original[option] for option in order}
        else:
            questions[f"q{k}"] = {f"o{m}": draw(effect) for m in range(draw(st.integers(2, 3)))}
    table = effect_table(roles, questions)
    answered = draw(st.lists(st.sampled_from(list(questions)), min_size=1, unique=True))
    answers = {q: draw(st.sampled_from(list(questions[q]))) for q in sorted(answered)}
    role = draw(st.sampled_from([key for key, _ in roles]))
    return table, answers, role, draw(st.integers(0, 6))


@given(case=small_cases())
@PROPERTIES
def test_changes_rank_the_role_first_and_no_smaller_set_does(
    case: tuple[EffectTable, dict[str, str], str, int],
) -> None:
    table, answers, role, limit = case

    result = fewest_changes(table, answers, role, limit=limit)
    expected = brute_force(table, answers, role)

    if expected is None or expected[0] > limit:
        assert result is None
        return
    assert result is not None
    size, margin, key = expected
    assert len(result.changes) == size  # minimal: brute force finds no smaller set
    changed = dict(answers)
    for change in result.changes:
        assert answers[change.question] == change.from_option != change.to_option
        changed[change.question] = change.to_option
    outcome = rank_roles(table, changed)
    assert outcome.ranking[0].role == role
    assert lead(table, changed, role) == margin  # the largest lead a set that small leaves
    positions = {q: n for n, q in enumerate(table.effects)}
    options = {q: list(table.effects[q]) for q in table.effects}
    assert [
        (positions[c.question], options[c.question].index(c.to_option)) for c in result.changes
    ] == key
    assert result.fits_after == {f.role: f.percent for f in outcome.ranking}
    assert list(result.fits_after) == [f.role for f in outcome.ranking]


@given(case=small_cases())
@PROPERTIES
def test_gains_add_up_to_the_change_in_lead_over_the_rival_first_before(
    case: tuple[EffectTable, dict[str, str], str, int],
) -> None:
    table, answers, role, _ = case
    result = fewest_changes(table, answers, role)
    if result is None or not result.changes:
        return
    before = {f.role: f.fit for f in rank_roles(table, answers).ranking}
    rival = rank_roles(table, answers).ranking[0].role
    changed = dict(answers) | {c.question: c.to_option for c in result.changes}
    after = {f.role: f.fit for f in rank_roles(table, changed).ranking}
    total = sum((c.gain for c in result.changes), Fraction(0))
    assert total == (after[role] - after[rival]) - (before[role] - before[rival])
    for change in result.changes:
        alone = dict(answers) | {change.question: change.to_option}
        moved = {f.role: f.fit for f in rank_roles(table, alone).ranking}
        assert change.gain == (moved[role] - moved[rival]) - (before[role] - before[rival])


def test_on_the_default_bank_the_changes_put_the_runner_up_first() -> None:
    table = load_bank_file().effect_table
    rng = random.Random(7)
    for _ in range(50):
        answers = random_answers(table, rng)
        runner_up = rank_roles(table, answers).ranking[1].role
        result = fewest_changes(table, answers, runner_up)
        assert result is not None
        changed = dict(answers) | {c.question: c.to_option for c in result.changes}
        assert rank_roles(table, changed).ranking[0].role == runner_up
        # one change fewer, anywhere, is not enough: minimal also against single removals
        for skipped in result.changes:
            fewer = dict(changed) | {skipped.question: skipped.from_option}
            assert rank_roles(table, fewer).ranking[0].role != runner_up
