"""Tests of the assessment-quality report: careless answers, separation, statistics, balance,
reliability and the warnings a quiz owner reads. Pure: no app, no database."""

from __future__ import annotations

import random
import statistics
from fractions import Fraction
from pathlib import Path

import pytest
from helpers import imports_beyond
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.core import quality
from quiz.core.bank import load_bank_file
from quiz.core.careless import SAME_ANSWER, TOO_FAST, AskedQuestion, careless_reasons
from quiz.core.messages import Message
from quiz.core.quality import (
    QualityReport,
    cronbach_alpha,
    item_rest_correlations,
    pearson,
    quality_report,
    question_separation,
    random_balance,
    role_scale,
    scale_reliability,
    strongest_pair,
)
from quiz.core.scoring import (
    Dimension,
    EffectTable,
    Instrument,
    Option,
    Question,
    Role,
    answers_favouring,
    random_answers,
    top_role_shares,
)

PROPERTIES = settings(max_examples=150, deadline=None)


def english(messages: list[Message]) -> list[str]:
    """Return the report's warnings or notes worded in English, as ``str()`` words them."""
    return [str(message) for message in messages]


BANK = load_bank_file()

# --- purity -------------------------------------------------------------------------------

FORBIDDEN_ROOTS = {"flask", "sqlalchemy", "flask_sqlalchemy", "werkzeug"}
ALLOWED_QUIZ_MODULES = {"quiz.core.scoring", "quiz.core.messages", "quiz.core.response_styles"}


def forbidden_imports(source: str) -> list[str]:
    """Return what ``source`` imports beyond the standard library, scoring and messages."""
    return imports_beyond(source, FORBIDDEN_ROOTS, frozenset(ALLOWED_QUIZ_MODULES))


def test_quality_imports_only_the_standard_library_scoring_and_messages() -> None:
    source = Path(quality.__file__).read_text(encoding="utf-8")
    assert forbidden_imports(source) == []


@pytest.mark.parametrize(
    "source",
    [
        "import flask",
        "from flask import current_app",
        "import sqlalchemy as sa",
        "from sqlalchemy.orm import Session",
        "from quiz.models import Result",
        "from quiz import models",
        "import quiz.db",
        "from quiz.db import db",
        "from quiz.store.publishing import publish_draft",
        "from . import scoring",
        "def later():\n    from quiz.core.bank import Bank\n",
    ],
)
def test_import_guard_catches_every_forbidden_form(source: str) -> None:
    assert forbidden_imports(source)


def test_import_guard_allows_the_scoring_core() -> None:
    assert forbidden_imports("from quiz.core.scoring import EffectTable\nimport math\n") == []


def test_import_guard_allows_the_messages_the_report_is_worded_with() -> None:
    assert forbidden_imports("from quiz.core.messages import N_, Figure, Message\n") == []


# --- careless answers ---------------------------------------------------------------------

CHOICE_OPTIONS = ("a", "b", "c", "d")
LIKERT_OPTIONS = ("1", "2", "3", "4", "5")
# four choice questions and six agreement items, as a page would show them
ASKED = tuple(AskedQuestion(f"c{i}", CHOICE_OPTIONS, agreement=False) for i in range(4)) + tuple(
    AskedQuestion(f"l{i}", LIKERT_OPTIONS, agreement=True) for i in range(6)
)
VARIED_CHOICES = {"c0": "a", "c1": "c", "c2": "b", "c3": "d"}
VARIED_LIKERT = {"l0": "4", "l1": "2", "l2": "5", "l3": "4", "l4": "3", "l5": "1"}


def same_agreement(level: str, items: int = 6) -> dict[str, str]:
    return {f"l{i}": level for i in range(items)}


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        # every answer the first option, choice and agreement alike
        ({**{f"c{i}": "a" for i in range(4)}, **same_agreement("1")}, (SAME_ANSWER,)),
        # four answers, all in the first place: enough
        ({f"c{i}": "a" for i in range(4)}, (SAME_ANSWER,)),
        # three are not
        ({f"c{i}": "a" for i in range(3)}, ()),
        # the same place on choices and agreement items: third option everywhere
        ({**{f"c{i}": "c" for i in range(4)}, **same_agreement("3")}, (SAME_ANSWER,)),
        # straight-lining six agreement items while the choices vary
        ({**VARIED_CHOICES, **same_agreement("4")}, (SAME_ANSWER,)),
        # five agreement items are too few to call it straight-lining
        ({**VARIED_CHOICES, **same_agreement("4", items=5)}, ()),
        # six agreement items with one different answer
        ({**VARIED_CHOICES, **same_agreement("4"), "l5": "5"}, ()),
        # careful, varied answers
        ({**VARIED_CHOICES, **VARIED_LIKERT}, ()),
        # the choices all in one place but the agreement items vary: not the same place
        ({**{f"c{i}": "b" for i in range(4)}, **VARIED_LIKERT}, ()),
    ],
)
def test_same_answer_rule(answers: dict[str, str], expected: tuple[str, ...]) -> None:
    assert careless_reasons(ASKED, answers, None, 3.0) == expected


def test_answers_to_unknown_questions_or_options_do_not_count() -> None:
    answers = {"c0": "a", "c1": "a", "c2": "a", "zz": "a", "c3": "nope"}
    # only three answers count, so neither four in one place, nor ten answers' worth of time
    assert careless_reasons(ASKED, answers, 9, 3.0) == ()
    assert careless_reasons(ASKED, answers, 8, 3.0) == (TOO_FAST,)


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(29, (TOO_FAST,)), (30, ()), (300, ()), (None, ()), (0, (TOO_FAST,))],
)
def test_too_fast_rule_is_seconds_per_answer(
    seconds: int | None, expected: tuple[str, ...]
) -> None:
    # ten careful answers at three seconds each need thirty seconds
    assert careless_reasons(ASKED, {**VARIED_CHOICES, **VARIED_LIKERT}, seconds, 3.0) == expected


def test_both_reasons_come_same_answer_first() -> None:
    answers = {**{f"c{i}": "a" for i in range(4)}, **same_agreement("1")}
    assert careless_reasons(ASKED, answers, 5, 3.0) == (SAME_ANSWER, TOO_FAST)


def test_no_answers_are_not_careless() -> None:
    assert careless_reasons(ASKED, {}, 0, 3.0) == ()


# --- a hand-built table with exact separations ---------------------------------------------


def separation_instrument() -> Instrument:
    """Four roles; q3's options have identical effects; role d draws on nothing asked."""
    return Instrument(
        dimensions=(Dimension("x", "skill"), Dimension("y", "skill"), Dimension("z", "goal")),
        roles=(
            Role("a", 1, {"x": 1}),
            Role("b", 2, {"y": 1}),
            Role("c", 3, {"x": 1, "y": 1}),
            Role("d", 4, {"z": 1}),
        ),
        questions=(
            Question("q1", (Option("a", {"x": 1}), Option("b", {"y": 1}))),
            Question("q2", (Option("a", {"x": 2}), Option("b", {}))),
            Question("q3", (Option("a", {"y": 1}), Option("b", {"y": 1}))),
        ),
    )


SEPARATION_TABLE = EffectTable.from_instrument(separation_instrument())


def test_separation_is_the_range_of_fit_point_differences_over_options() -> None:
    # effects (a, b, c, d): q1 a (1,0,1,0) b (0,1,1,0); q2 a (2,0,2,0) b (0,0,0,0);
    # q3 (0,1,1,0) for both. Spans over the whole quiz: a 3, b 1, c 2, d 0.
    # q1 in fit points: option a (100/3, 0, 50, 0), option b (0, 100, 50, 0)
    # q2 in fit points: option a (200/3, 0, 100, 0), option b (0, 0, 0, 0)
    third = float(Fraction(100, 3))
    expected = {
        "q1": {
            ("a", "b"): float(Fraction(400, 3)),
            ("a", "c"): third,
            ("a", "d"): third,  # d has span 0: it contributes nothing
            ("b", "c"): 100.0,
            ("b", "d"): 100.0,
            ("c", "d"): 0.0,  # c gets 50 points whichever option
        },
        "q2": {
            ("a", "b"): float(Fraction(200, 3)),
            ("a", "c"): third,
            ("a", "d"): float(Fraction(200, 3)),
            ("b", "c"): 100.0,
            ("b", "d"): 0.0,
            ("c", "d"): 100.0,
        },
        "q3": dict.fromkeys(
            [("a", "b"), ("a", "c"), ("a", "d"), ("b", "c"), ("b", "d"), ("c", "d")], 0.0
        ),
    }
    found = question_separation(SEPARATION_TABLE)
    assert list(found) == list(expected)
    for question, pairs in expected.items():
        assert list(found[question]) == list(pairs)  # pairs in the order of the roles
        assert found[question] == pytest.approx(pairs)


def test_strongest_pair_is_the_largest_separation_first_pair_on_a_tie() -> None:
    separation = question_separation(SEPARATION_TABLE)
    assert strongest_pair(separation["q1"]) == (("a", "b"), pytest.approx(400 / 3))
    # b-c and c-d both separate q2 by 100: the pair listed first wins
    assert strongest_pair(separation["q2"]) == (("b", "c"), 100.0)
    assert strongest_pair(separation["q3"]) == (("a", "b"), 0.0)
    assert strongest_pair({}) is None


def test_a_question_whose_options_all_have_one_effect_is_flagged_as_not_separating() -> None:
    report = report_for(SEPARATION_TABLE, [])
    assert "Q3 does not separate any two roles: every answer moves them alike." in english(
        report.warnings
    )
    assert not any(w.startswith(("Q1 ", "Q2 ")) for w in english(report.warnings))


def weak_question_table(big: int = 60) -> EffectTable:
    """Two roles; q-small moves a's fit by 100 / (big + 1) points and b's not at all."""
    return EffectTable.from_instrument(
        Instrument(
            dimensions=(Dimension("x", "skill"), Dimension("y", "skill")),
            roles=(Role("a", 1, {"x": 1}), Role("b", 2, {"y": 1})),
            questions=(
                Question("q-big", (Option("x", {"x": big}), Option("y", {"y": big}))),
                Question("q-small", (Option("yes", {"x": 1}), Option("no", {}))),
            ),
        )
    )


@pytest.mark.parametrize(
    ("big", "warning"),
    [
        (60, "Q-small barely separates any roles (at most 1.6 fit points)."),  # 100/61
        (50, "Q-small barely separates any roles (at most 2.0 fit points)."),  # 100/51
        (199, "Q-small barely separates any roles (at most 0.5 fit points)."),  # exactly 0.5
        (200, "Q-small does not separate any two roles: every answer moves them alike."),
        (300, "Q-small does not separate any two roles: every answer moves them alike."),
    ],
)
def test_a_weak_question_is_flagged_with_its_strongest_separation(big: int, warning: str) -> None:
    report = report_for(weak_question_table(big), [])
    assert report.strongest["q-small"] == (("a", "b"), pytest.approx(100 / (big + 1)))
    assert [w for w in english(report.warnings) if "Q-small" in w] == [warning]
    assert not any("Q-big" in w for w in english(report.warnings))


def test_a_question_separating_two_points_or_more_is_not_flagged() -> None:
    report = report_for(weak_question_table(49), [])  # exactly 100/50 = 2 points
    assert not any("Q-small" in w for w in english(report.warnings))


# --- statistics ---------------------------------------------------------------------------

# Statology, "How to Calculate Cronbach's Alpha in Python" (Zach Bobbitt, 17 August 2021):
# ten customers rate a restaurant 1 to 3 on three questions; pingouin.cronbach_alpha gives
# (0.7734375, array([0.336, 0.939])). 0.7734375 is exactly 99/128.
STATOLOGY_ITEMS = [
    [1, 2, 2, 3, 2, 2, 3, 3, 2, 3],
    [1, 1, 1, 2, 3, 3, 2, 3, 3, 3],
    [1, 1, 2, 1, 2, 3, 3, 3, 2, 3],
]


def test_alpha_matches_the_published_statology_example() -> None:
    assert cronbach_alpha(STATOLOGY_ITEMS) == pytest.approx(0.7734375, abs=1e-12)


def test_alpha_is_the_same_for_floats_and_whole_numbers() -> None:
    as_floats = [[float(x) + 0.5 for x in item] for item in STATOLOGY_ITEMS]
    assert cronbach_alpha(as_floats) == pytest.approx(0.7734375, abs=1e-12)
    assert item_rest_correlations(as_floats) == pytest.approx(
        item_rest_correlations(STATOLOGY_ITEMS), abs=1e-12
    )


def test_item_rest_matches_the_correlation_with_the_other_items_sum() -> None:
    q1, q2, q3 = STATOLOGY_ITEMS
    expected = [
        statistics.correlation(q1, [b + c for b, c in zip(q2, q3, strict=True)]),
        statistics.correlation(q2, [a + c for a, c in zip(q1, q3, strict=True)]),
        statistics.correlation(q3, [a + b for a, b in zip(q1, q2, strict=True)]),
    ]
    assert item_rest_correlations(STATOLOGY_ITEMS) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(
    ("items", "reason"),
    [
        ([[1, 2, 3]], "one item"),
        ([[1], [2]], "one respondent"),
        ([[1, 2, 3], [3, 2, 1]], "every total is 4"),
        ([], "no items"),
    ],
)
def test_alpha_is_none_when_it_cannot_be_worked_out(items: list[list[int]], reason: str) -> None:
    assert cronbach_alpha(items) is None, reason


def test_items_of_different_lengths_are_refused() -> None:
    with pytest.raises(ValueError):
        cronbach_alpha([[1, 2, 3], [1, 2]])
    with pytest.raises(ValueError):
        item_rest_correlations([[1, 2, 3], [1, 2]])
    with pytest.raises(ValueError):
        pearson([1, 2, 3], [1, 2])


def test_item_rest_is_none_for_an_item_or_rest_without_variance() -> None:
    assert item_rest_correlations([[2, 2, 2], [1, 2, 3], [3, 1, 2]])[0] is None
    assert item_rest_correlations([[1, 2, 3]]) == [None]  # the rest is all zeros


@pytest.mark.parametrize(
    ("xs", "ys"),
    [([1, 1, 1], [1, 2, 3]), ([1, 2, 3], [0.1, 0.1, 0.1]), ([1], [2]), ([], [])],
)
def test_pearson_is_none_without_variance(xs: list[float], ys: list[float]) -> None:
    assert pearson(xs, ys) is None


def test_whole_numbers_are_exact_however_large() -> None:
    # 10**17 + 1 is not a float: summed as floats these values would lose their variance
    big = [10**17, 10**17 + 1, 10**17 + 2, 10**17 + 4]
    assert pearson(big, [0, 1, 2, 4]) == 1.0
    assert cronbach_alpha([big, [0, 1, 2, 4]]) == pytest.approx(1.0)


def test_pearson_of_a_line_is_one_or_minus_one() -> None:
    assert pearson([1, 2, 3, 4], [3, 5, 7, 9]) == 1.0
    assert pearson([1, 2, 3, 4], [9, 7, 5, 3]) == -1.0


paired_ints = st.integers(min_value=3, max_value=40).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(-5, 5), min_size=n, max_size=n),
        st.lists(st.integers(-5, 5), min_size=n, max_size=n),
    )
)
# fractions, not whole numbers, but none so tiny that statistics.correlation's product of
# variances underflows to zero (it then calls the inputs constant)
fractional = st.integers(-(10**6), 10**6).map(lambda i: i / 997)
paired_floats = st.integers(min_value=3, max_value=40).flatmap(
    lambda n: st.tuples(
        st.lists(fractional, min_size=n, max_size=n),
        st.lists(fractional, min_size=n, max_size=n),
    )
)


@PROPERTIES
@given(st.one_of(paired_ints, paired_floats))
def test_pearson_agrees_with_the_standard_library(pair: tuple[list[float], list[float]]) -> None:
    xs, ys = pair
    r = pearson(xs, ys)
    if len(set(xs)) == 1 or len(set(ys)) == 1:
        assert r is None
    else:
        assert r == pytest.approx(statistics.correlation(xs, ys), abs=1e-9)


def item_matrix(min_items: int = 2) -> st.SearchStrategy[list[list[int]]]:
    """Items of whole-number scores, every item with one score per respondent."""
    return st.tuples(st.integers(min_items, 6), st.integers(2, 30)).flatmap(
        lambda shape: st.lists(
            st.lists(st.integers(0, 4), min_size=shape[1], max_size=shape[1]),
            min_size=shape[0],
            max_size=shape[0],
        )
    )


@PROPERTIES
@given(item_matrix(), st.data())
def test_alpha_does_not_change_when_a_constant_is_added_to_an_item(
    items: list[list[int]], data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(items) - 1))
    constant = data.draw(st.integers(-10, 10))
    shifted = [list(item) for item in items]
    shifted[index] = [x + constant for x in shifted[index]]
    alpha = cronbach_alpha(items)
    if alpha is None:
        assert cronbach_alpha(shifted) is None
    else:
        assert cronbach_alpha(shifted) == pytest.approx(alpha, abs=1e-9)


@PROPERTIES
@given(item_matrix())
def test_item_rest_is_pearson_with_the_rest_sum(items: list[list[int]]) -> None:
    totals = [sum(scores) for scores in zip(*items, strict=True)]
    expected = [pearson(item, [t - x for t, x in zip(totals, item, strict=True)]) for item in items]
    found = item_rest_correlations(items)
    assert [r is None for r in found] == [r is None for r in expected]
    assert [r for r in found if r is not None] == pytest.approx(
        [r for r in expected if r is not None], abs=1e-9
    )


@PROPERTIES
@given(
    st.integers(2, 8),
    st.lists(st.integers(0, 4), min_size=2, max_size=30).filter(lambda xs: len(set(xs)) > 1),
)
def test_alpha_of_identical_items_is_one(k: int, scores: list[int]) -> None:
    assert cronbach_alpha([scores] * k) == pytest.approx(1.0, abs=1e-12)


# --- role scales and reliability ----------------------------------------------------------


def test_a_role_scale_is_the_questions_that_can_move_it() -> None:
    assert role_scale(SEPARATION_TABLE, "a") == ("q1", "q2")
    assert role_scale(SEPARATION_TABLE, "b") == ("q1",)  # q3 gives b 1 whichever option
    assert role_scale(SEPARATION_TABLE, "c") == ("q2",)  # q1 gives c 1 whichever option
    assert role_scale(SEPARATION_TABLE, "d") == ()
    scales = scale_reliability(SEPARATION_TABLE, [])
    assert [(s.role, s.questions) for s in scales] == [
        ("a", ("q1", "q2")),
        ("b", ("q1",)),
        ("c", ("q2",)),
        ("d", ()),
    ]


def test_default_bank_scales_leave_out_questions_that_do_not_move_the_role() -> None:
    table = BANK.effect_table
    for index, role in enumerate(table.roles):
        scale = role_scale(table, role.key)
        moving = [
            q
            for q, options in table.effects.items()
            if len({e[index] for e in options.values()}) > 1
        ]
        assert scale == tuple(moving)
        assert 0 < len(scale) < len(table.effects)  # each role's scale leaves some out


SCALE_ITEMS = 6


def two_scale_table() -> EffectTable:
    """Two roles, each with six agreement items of its own worth 0 to 4."""
    roles = ("alpha", "beta")
    return EffectTable.from_instrument(
        Instrument(
            dimensions=tuple(Dimension(r, "skill") for r in roles),
            roles=tuple(Role(r, position, {r: 1}) for position, r in enumerate(roles, 1)),
            questions=tuple(
                Question(f"{r}{i}", tuple(Option(str(level), {r: level}) for level in range(5)))
                for r in roles
                for i in range(SCALE_ITEMS)
            ),
        )
    )


TWO_SCALES = two_scale_table()


def consistent_responses(count: int, seed: int = 1) -> list[dict[str, str]]:
    """People with a steady level on each role, answering within one step of it."""
    rng = random.Random(seed)
    responses = []
    for _ in range(count):
        response = {}
        for role in ("alpha", "beta"):
            level = rng.randint(0, 4)
            for i in range(SCALE_ITEMS):
                response[f"{role}{i}"] = str(min(4, max(0, level + rng.choice((-1, 0, 1)))))
        responses.append(response)
    return responses


def random_responses(table: EffectTable, count: int, seed: int = 2) -> list[dict[str, str]]:
    rng = random.Random(seed)
    return [random_answers(table, rng) for _ in range(count)]


def test_consistent_respondents_give_a_reliable_scale() -> None:
    for scale in scale_reliability(TWO_SCALES, consistent_responses(500)):
        assert scale.responses == 500
        assert scale.alpha is not None and scale.alpha > 0.85
        assert all(r is not None and r > 0.5 for r in scale.item_rest.values())


def test_random_respondents_give_an_alpha_near_zero() -> None:
    for scale in scale_reliability(TWO_SCALES, random_responses(TWO_SCALES, 2000)):
        assert scale.alpha is not None and abs(scale.alpha) < 0.15
        assert all(r is not None and abs(r) < 0.1 for r in scale.item_rest.values())


def test_reliability_item_scores_are_effects_on_the_role() -> None:
    # on the hand-built table a's scale is q1 (effects 1 or 0) and q2 (2 or 0)
    responses = [{"q1": "a", "q2": "a", "q3": "a"}, {"q1": "b", "q2": "b", "q3": "b"}] * 3
    a_scale = scale_reliability(SEPARATION_TABLE, responses)[0]
    assert a_scale.alpha == cronbach_alpha([[1, 0] * 3, [2, 0] * 3]) == pytest.approx(8 / 9)
    assert a_scale.item_rest == {"q1": pytest.approx(1.0), "q2": pytest.approx(1.0)}


def test_only_responses_answering_the_whole_scale_count_for_it() -> None:
    complete = consistent_responses(60)
    missing_alpha = [{k: v for k, v in r.items() if k != "alpha0"} for r in complete[:10]]
    stale_option = [{**r, "beta1": "9"} for r in complete[:7]]  # not one of its options
    alpha_scale, beta_scale = scale_reliability(TWO_SCALES, complete + missing_alpha + stale_option)
    assert alpha_scale.responses == 60 + 7  # a stale beta answer does not spoil alpha's scale
    assert beta_scale.responses == 60 + 10
    assert alpha_scale.alpha == pytest.approx(
        scale_reliability(TWO_SCALES, complete + stale_option)[0].alpha
    )


# --- balance ------------------------------------------------------------------------------


def twin_roles_table() -> EffectTable:
    """Two roles with the same profile: every fit ties, and ties go to the first listed."""
    return EffectTable.from_instrument(
        Instrument(
            dimensions=(Dimension("x", "skill"),),
            roles=(Role("second", 2, {"x": 1}), Role("first", 1, {"x": 1})),
            questions=(
                Question("q1", (Option("a", {"x": 1}), Option("b", {}))),
                Question("q2", (Option("a", {"x": 2}), Option("b", {"x": 1}), Option("c", {}))),
            ),
        )
    )


@pytest.mark.parametrize(
    ("table", "respondents", "seed"),
    [
        (BANK.effect_table, 400, 0),
        (BANK.effect_table, 400, 11),
        (SEPARATION_TABLE, 300, 3),  # a role with no span, and ties
        (twin_roles_table(), 50, 0),  # ties broken by position, not listing order
        (TWO_SCALES, 300, 5),
        (weak_question_table(), 200, 1),
    ],
)
def test_random_balance_gives_the_same_shares_as_top_role_shares(
    table: EffectTable, respondents: int, seed: int
) -> None:
    balance = random_balance(table, respondents, seed)
    assert [b.role for b in balance] == [r.key for r in table.roles]
    assert {b.role: b.share for b in balance} == top_role_shares(table, respondents, seed)
    assert all(b.even_share == 1 / len(table.roles) for b in balance)


def test_random_balance_refuses_no_respondents() -> None:
    with pytest.raises(ValueError):
        random_balance(TWO_SCALES, 0)


def test_a_role_that_wins_too_often_or_too_seldom_is_warned_about() -> None:
    report = report_for(twin_roles_table(), [], respondents=200)
    assert [w for w in english(report.warnings) if w.startswith("Under random answers")] == [
        "Under random answers Second comes out on top 0% of the time, "
        "against an even share of 50%.",
        "Under random answers First comes out on top 100% of the time, "
        "against an even share of 50%.",
    ]


def test_the_default_bank_is_balanced_and_separates_every_question() -> None:
    report = report_for(BANK.effect_table, [])
    assert english(report.warnings) == []
    assert all(0.5 * b.even_share <= b.share <= 1.5 * b.even_share for b in report.balance)


# --- the report ---------------------------------------------------------------------------


def report_for(
    table: EffectTable, responses: list[dict[str, str]], **options: int
) -> QualityReport:
    """Build the report labelling question ``q1`` "Q1" and role ``a`` "A"."""
    return quality_report(
        table,
        responses,
        question_labels={q: q.capitalize() for q in table.effects},
        role_names={r.key: r.key.capitalize() for r in table.roles},
        **options,
    )


def test_reliability_waits_for_enough_complete_responses() -> None:
    incomplete = [{k: v for k, v in r.items() if k != "beta5"} for r in consistent_responses(30)]
    waiting = report_for(TWO_SCALES, consistent_responses(49) + incomplete)
    assert (waiting.responses, waiting.complete_responses) == (79, 49)
    assert waiting.reliability == [] and not waiting.reliability_ready
    assert english(waiting.notes) == [
        "Reliability is worked out once 50 real, careful results answer every question; "
        "49 have so far — 1 more needed."
    ]
    ready = report_for(TWO_SCALES, consistent_responses(50) + incomplete)
    assert ready.reliability_ready and ready.complete_responses == 50
    assert [s.role for s in ready.reliability] == ["alpha", "beta"]
    assert ready.reliability[1].responses == 50  # the incomplete ones miss a beta question
    assert english(ready.notes) == []
    assert report_for(TWO_SCALES, consistent_responses(10), min_responses=10).reliability


def test_reliability_note_says_has_for_a_single_response() -> None:
    assert english(report_for(TWO_SCALES, consistent_responses(1)).notes) == [
        "Reliability is worked out once 50 real, careful results answer every question; "
        "1 has so far — 49 more needed."
    ]


def against_the_scale_responses(count: int, seed: int = 4) -> list[dict[str, str]]:
    """Consistent people whose answer to alpha5 runs opposite to their alpha level,
    and whose answer to beta5 is random."""
    rng = random.Random(seed)
    responses = consistent_responses(count, seed)
    for response in responses:
        response["alpha5"] = str(4 - int(response["alpha0"]))
        response["beta5"] = str(rng.randint(0, 4))
    return responses


def test_a_question_running_against_its_scale_is_warned_about() -> None:
    report = report_for(TWO_SCALES, against_the_scale_responses(400))
    alpha_scale, beta_scale = report.reliability
    r = alpha_scale.item_rest["alpha5"]
    assert r is not None and r < -0.5
    shown = f"{r:.2f}".replace("-", "−")
    assert (
        f"Alpha5 runs against the rest of the Alpha scale (item–rest correlation {shown}): "
        "people who answer it in that role's favour tend to score lower on its other questions."
    ) in english(report.warnings)
    # beta5 is only noise: a note, not a warning
    weak = beta_scale.item_rest["beta5"]
    assert weak is not None and -0.05 <= weak < 0.1
    assert (
        f"Beta5 is only weakly related to the rest of the Beta scale "
        f"(item–rest correlation {f'{weak:.2f}'.replace('-', '−')})."
    ) in english(report.notes)
    assert not any("Beta5" in w for w in english(report.warnings))
    assert not any("Alpha5" in n for n in english(report.notes))


def test_a_scale_with_low_alpha_is_warned_about_and_a_reliable_one_is_not() -> None:
    responses = consistent_responses(200)
    for response, noise in zip(responses, random_responses(TWO_SCALES, 200), strict=True):
        response.update({k: v for k, v in noise.items() if k.startswith("beta")})
    report = report_for(TWO_SCALES, responses)
    alpha_scale, beta_scale = report.reliability
    assert alpha_scale.alpha is not None and alpha_scale.alpha >= 0.6
    assert beta_scale.alpha is not None and beta_scale.alpha < 0.6
    shown = f"{beta_scale.alpha:.2f}".replace("-", "−")
    assert (
        f"The Beta scale's reliability is low (Cronbach's alpha {shown}, from 200 responses)."
    ) in english(report.warnings)
    assert not any("The Alpha scale" in w for w in english(report.warnings))


def test_a_scale_that_cannot_have_an_alpha_gets_a_note_why() -> None:
    responses = [{"q1": "a", "q2": "b", "q3": "a"}, {"q1": "b", "q2": "a", "q3": "b"}] * 2
    report = report_for(SEPARATION_TABLE, responses, min_responses=4)
    assert "The B scale's reliability cannot be worked out: it has fewer than two questions." in (
        english(report.notes)
    )
    # everyone answers alike, so the one role's total never varies
    same_total = [{"q1": "a", "q2": "b"}, {"q1": "a", "q2": "b"}, {"q1": "a", "q2": "b"}]
    table = EffectTable.from_instrument(
        Instrument(
            dimensions=(Dimension("x", "skill"),),
            roles=(Role("a", 1, {"x": 1}),),
            questions=(
                Question("q1", (Option("a", {"x": 1}), Option("b", {}))),
                Question("q2", (Option("a", {"x": 1}), Option("b", {}))),
            ),
        )
    )
    assert english(report_for(table, same_total, min_responses=3).notes) == [
        "The A scale's reliability cannot be worked out: all 3 responses give it the same total."
    ]


def bank_labels() -> tuple[dict[str, str], dict[str, str]]:
    labels = {q.key: f"Question {n} (“{q.prompt}”)" for n, q in enumerate(BANK.questions, start=1)}
    return labels, {r.key: r.name for r in BANK.roles}


def favouring_responses(count: int, seed: int = 6) -> list[dict[str, str]]:
    """People who lean to one role: each answer in its favour with chance 0.7, else at random."""
    table = BANK.effect_table
    favoured = {r.key: answers_favouring(table, r.key) for r in table.roles}
    rng = random.Random(seed)
    responses = []
    for _ in range(count):
        leaning = favoured[rng.choice(list(favoured))]
        noise = random_answers(table, rng)
        responses.append({q: leaning[q] if rng.random() < 0.7 else noise[q] for q in noise})
    return responses


def test_default_bank_report_with_leaning_respondents_is_reliable() -> None:
    labels, names = bank_labels()
    report = quality_report(
        BANK.effect_table, favouring_responses(600), question_labels=labels, role_names=names
    )
    assert report.complete_responses == 600
    assert [s.role for s in report.reliability] == [r.key for r in BANK.roles]
    assert all(s.alpha is not None and s.alpha > 0.7 for s in report.reliability)
    assert not any("reliability is low" in w for w in english(report.warnings))


def test_default_bank_report_with_random_respondents_names_each_unreliable_role() -> None:
    labels, names = bank_labels()
    report = quality_report(
        BANK.effect_table,
        random_responses(BANK.effect_table, 300),
        question_labels=labels,
        role_names=names,
    )
    low = [w for w in english(report.warnings) if "reliability is low" in w]
    assert [w.split(" scale's")[0] for w in low] == [f"The {r.name}" for r in BANK.roles]
    assert all(w.endswith("from 300 responses).") for w in low)


def test_the_report_is_deterministic() -> None:
    labels, names = bank_labels()
    responses = favouring_responses(200)

    def build() -> QualityReport:
        return quality_report(
            BANK.effect_table, responses, question_labels=labels, role_names=names
        )

    first, second = build(), build()
    assert first == second
    assert first.balance == random_balance(BANK.effect_table, 5000, seed=0)


def test_unlabelled_questions_and_roles_fall_back_to_their_keys() -> None:
    report = quality_report(
        SEPARATION_TABLE, [], question_labels={}, role_names={}, respondents=100
    )
    assert "Question q3 does not separate any two roles: every answer moves them alike." in (
        english(report.warnings)
    )


def test_the_report_lists_every_question_in_the_table_order() -> None:
    report = report_for(BANK.effect_table, [], respondents=50)
    order = list(BANK.effect_table.effects)
    assert list(report.separation) == list(report.strongest) == order
