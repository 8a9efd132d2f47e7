"""The authoring helpers of the core: effects as the scoring core computes them, and keys."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quiz.core.bank import KEY_PATTERN
from quiz.core.question_authoring import (
    SUGGESTED_KEY_LENGTH,
    RoleEffect,
    option_effects,
    option_keys,
    slug,
    suggest_key,
)
from quiz.core.scoring import EffectTable, Instrument, Option, Question, Role, score_answers

DATA_SCIENTIST = {"statistics": 3, "software": 1}
ML_ENGINEER = {"software": 2, "production": 3}


def test_effects_worked_by_hand():
    """a: 3·3 + 1·1 = 10 and 1·2 = 2; b: 2·1 = 2 and 2·2 + 3·3 = 13; c weighs nothing."""
    options = [{"statistics": 3, "software": 1}, {"software": 2, "production": 3}, {}]
    effects = option_effects(options, [DATA_SCIENTIST, ML_ENGINEER])
    assert [[e.effect for e in row] for row in effects] == [[10, 2], [2, 13], [0, 0]]
    # the Data Scientist's effects span 0 to 10, midpoint 5; the engineer's 0 to 13, 6.5
    assert [[e.lead for e in row] for row in effects] == [
        [Fraction(5), Fraction(-9, 2)],
        [Fraction(-3), Fraction(13, 2)],
        [Fraction(-5), Fraction(-13, 2)],
    ]
    assert [[e.direction for e in row] for row in effects] == [
        ["up", "down"],
        ["down", "up"],
        ["down", "down"],
    ]


def test_a_question_whose_options_move_a_role_alike_does_not_move_it():
    effects = option_effects([{"statistics": 1}, {"statistics": 1}], [DATA_SCIENTIST])
    assert effects == ((RoleEffect(3, Fraction(0)),), (RoleEffect(3, Fraction(0)),))
    assert effects[0][0].direction == "none"


def test_no_options_or_no_roles():
    assert option_effects([], [DATA_SCIENTIST]) == ()
    assert option_effects([{"statistics": 1}], []) == ((),)


WEIGHTS = st.dictionaries(st.sampled_from(["s", "t", "u"]), st.integers(-4, 4), max_size=3)
PROFILES = st.dictionaries(st.sampled_from(["s", "t", "u"]), st.integers(0, 3), max_size=3)


@given(st.lists(WEIGHTS, min_size=2, max_size=6), st.lists(PROFILES, min_size=1, max_size=4))
def test_effects_are_the_scoring_cores_and_leads_order_the_fits(options, profiles):
    """Each effect is the effect table's; choosing an option with a larger lead never gives
    the role a lower fit when this is the only question answered."""
    effects = option_effects(options, profiles)
    roles = tuple(Role(str(i), i, p) for i, p in enumerate(profiles))
    question = Question("q", tuple(Option(str(i), w) for i, w in enumerate(options)))
    instrument = Instrument((), roles, (question,))
    table = EffectTable.from_instrument(instrument)
    for i, row in enumerate(effects):
        assert tuple(e.effect for e in row) == table.effects["q"][str(i)]
    for r in range(len(profiles)):
        fits = {
            i: next(
                f.fit for f in score_answers(instrument, {"q": str(i)}).ranking if f.role == str(r)
            )
            for i in range(len(options))
        }
        for i in range(len(options)):
            for j in range(len(options)):
                if effects[i][r].lead > effects[j][r].lead:
                    assert fits[i] > fits[j]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("I enjoy tidy spreadsheets.", "i-enjoy-tidy-spreadsheets"),
        ("Which part of a project do you enjoy most?", "which-part-of-a-project-do-you"),
        ("Über Äpfel & Öl", "uber-apfel-ol"),
        ("   ", "q"),
        ("¿¡", "q"),
        ("x" * 50, "x" * SUGGESTED_KEY_LENGTH),
        ("Q01", "q01"),
    ],
)
def test_slug(text, key):
    assert slug(text) == key


def test_a_taken_key_gets_the_smallest_free_number_within_the_length():
    assert suggest_key("Q01", {"q01"}) == "q01-2"
    assert suggest_key("Q01", {"q01", "q01-2", "q01-3"}) == "q01-4"
    long = "a" * SUGGESTED_KEY_LENGTH
    assert suggest_key(long, {long}) == "a" * (SUGGESTED_KEY_LENGTH - 2) + "-2"
    # a cut that ends in a hyphen drops it
    ends_in_hyphen = "a" * 29 + "-bb"
    assert suggest_key("a" * 29 + " bb", {ends_in_hyphen}) == "a" * 29 + "-2"


@given(st.text(max_size=200), st.sets(st.text(max_size=10), max_size=5))
def test_a_suggested_key_is_always_a_valid_free_key(text, taken):
    key = suggest_key(text, taken)
    assert KEY_PATTERN.fullmatch(key)
    assert key not in taken


def test_option_keys_keep_stored_ones_and_never_reuse_a_freed_letter():
    stored = {10: "a", 11: "b", 12: "c"}
    # b removed, a new one added: it takes d, not b
    assert option_keys(stored, [12, 10, None]) == ["c", "a", "d"]
    assert option_keys({}, [None, None, None]) == ["a", "b", "c"]
    assert option_keys(stored, [99]) == ["?"]
