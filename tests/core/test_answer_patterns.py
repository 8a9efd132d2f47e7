"""Hand-set answer patterns: the same place in every question, or leaning towards one role."""

from __future__ import annotations

import pytest

from quiz.core.answer_patterns import (
    leaning_answers,
    option_at,
    pattern_answers,
    patterns,
    position_answers,
)
from quiz.core.bank import load_bank_file
from quiz.core.scoring import Role, answers_favouring, rank_roles

ANALYST = Role("analyst", 0, {"stats": 3, "code": 1})
BUILDER = Role("builder", 1, {"stats": 0, "code": 3})
ROLES = (ANALYST, BUILDER)
# question -> option -> weights, options in the order takers see them
QUESTIONS = {
    "q1": {"a": {"stats": 2}, "b": {"code": 2}, "c": {"stats": 1, "code": 1}},
    # b and c move the analyst alike (3); c moves the builder less, so it leans harder
    "q2": {"a": {"stats": -1}, "b": {"stats": 1, "code": 0}, "c": {"code": 3}, "d": {}},
    # nothing here moves anyone: the first option is as good as any
    "q3": {"x": {}, "y": {}},
}


@pytest.mark.parametrize(
    ("options", "position", "picked"),
    [
        (["a"], "first", "a"),
        (["a"], "middle", "a"),
        (["a", "b"], "middle", "a"),
        (["a", "b", "c"], "middle", "b"),
        (["a", "b", "c", "d"], "middle", "b"),
        (["1", "2", "3", "4", "5"], "middle", "3"),
        (["1", "2", "3", "4", "5"], "first", "1"),
        (["1", "2", "3", "4", "5"], "last", "5"),
    ],
)
def test_a_position_picks_the_first_middle_or_last_option(options, position, picked):
    assert option_at(options, position) == picked


def test_a_position_pattern_answers_every_question_with_options():
    options = {"q1": ["a", "b", "c"], "q2": ["a", "b", "c", "d"], "empty": []}
    assert position_answers(options, "last") == {"q1": "c", "q2": "d"}


def effect(weights, role):
    return sum(w * role.profile.get(d, 0) for d, w in weights.items())


def test_leaning_picks_the_option_with_the_largest_effect_on_the_role():
    analyst = leaning_answers(QUESTIONS, "analyst", ROLES)
    # worked by hand: q1 a = 6, b = 2, c = 4; q2 a = -3, b = 3, c = 3, d = 0 (b moves the
    # builder by 0 and c by 9, so b); q3 ties everywhere, so the first
    assert analyst == {"q1": "a", "q2": "b", "q3": "x"}
    builder = leaning_answers(QUESTIONS, "builder", ROLES)
    assert builder == {"q1": "b", "q2": "c", "q3": "x"}
    for role, answers in ((ANALYST, analyst), (BUILDER, builder)):
        for question, option in answers.items():
            best = max(effect(w, role) for w in QUESTIONS[question].values())
            assert effect(QUESTIONS[question][option], role) == best


def test_leaning_towards_each_default_role_gives_it_a_fit_of_100_and_matches_scoring():
    bank = load_bank_file()
    weights = {q.key: {o.key: o.weights for o in q.options} for q in bank.questions}
    roles = bank.instrument.roles
    for role in bank.roles:
        answers = leaning_answers(weights, role.key, roles)
        assert set(answers) == set(bank.question_by_key)
        assert answers == answers_favouring(bank.effect_table, role.key)
        ranking = rank_roles(bank.effect_table, answers).ranking
        assert next(f for f in ranking if f.role == role.key).percent == 100
        # in the default bank the leaning answers also put the role on top
        assert ranking[0].role == role.key


def test_pattern_answers_reads_positions_and_roles_and_refuses_anything_else():
    assert pattern_answers("first", QUESTIONS, ROLES) == {"q1": "a", "q2": "a", "q3": "x"}
    assert pattern_answers("middle", QUESTIONS, ROLES) == {"q1": "b", "q2": "b", "q3": "x"}
    assert pattern_answers("role:builder", QUESTIONS, ROLES) == {"q1": "b", "q2": "c", "q3": "x"}
    assert patterns(ROLES) == ("first", "middle", "last", "role:analyst", "role:builder")
    for wrong in ("", "second", "role:", "role:nobody", "role:analyst "):
        with pytest.raises(ValueError):
            pattern_answers(wrong, QUESTIONS, ROLES)
