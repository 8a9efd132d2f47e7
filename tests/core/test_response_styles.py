"""Answer styles and keying balance (quiz/core/response_styles.py) and how the quality report
warns of them. Pure: no app, no database."""

from __future__ import annotations

from collections import Counter
from fractions import Fraction
from pathlib import Path

import pytest
from helpers import imports_beyond
from hypothesis import given, settings
from hypothesis import strategies as st
from small_banks import (
    alpha_agreement_document,
    balanced_agreement_document,
    bank_document,
    choice_only_document,
    statement_document,
)

from quiz.core import response_styles
from quiz.core.bank import Bank, load_bank_file, parse_bank
from quiz.core.quality import quality_report, random_balance, weight_figures
from quiz.core.response_styles import (
    KEYED_SHARE_HIGH,
    KEYED_SHARE_LOW,
    RESPONSE_STYLES,
    STYLE_HIGH_SHARE,
    KeyingBalance,
    ResponseStyle,
    StyleBalance,
    check_agreement,
    keying_balance,
    style_balance,
    style_picks,
)
from quiz.core.scoring import (
    Dimension,
    EffectTable,
    Instrument,
    Option,
    Question,
    Role,
    rank_roles,
    top_role_shares,
)

STYLE = {style.key: style for style in RESPONSE_STYLES}
ALPHA_AGREEMENT = parse_bank(alpha_agreement_document())
BALANCED = parse_bank(balanced_agreement_document())


def english(messages: list) -> list[str]:
    return [str(message) for message in messages]


def report_of(bank: Bank, respondents: int = 2000):
    return quality_report(
        bank.effect_table,
        [],
        question_labels={},
        role_names={r.key: r.name for r in bank.roles},
        agreement=bank.agreement_levels,
        respondents=500,
        style_respondents=respondents,
    )


def first_place_shares_by_rank_roles(
    table: EffectTable, agreement: dict[str, tuple[str, ...]], style: ResponseStyle, n: int
) -> dict[str, float]:
    """Rank every simulated respondent with rank_roles itself: the slow, obvious way."""
    picks = style_picks(table, agreement, style, n)
    winners = Counter(
        rank_roles(table, {q: answers[i] for q, answers in picks.items()}).ranking[0].role
        for i in range(n)
    )
    return {role.key: winners[role.key] / n for role in table.roles}


# --- purity -------------------------------------------------------------------------------


def test_response_styles_import_only_the_standard_library_scoring_and_messages() -> None:
    source = Path(response_styles.__file__).read_text(encoding="utf-8")
    allowed = frozenset({"quiz.core.scoring", "quiz.core.messages"})
    assert imports_beyond(source, {"flask", "sqlalchemy", "werkzeug"}, allowed) == []


# --- which questions are agreement statements ---------------------------------------------


def test_the_bank_names_its_agreement_statements_with_their_options_in_level_order() -> None:
    bank = parse_bank(bank_document([statement_document("likes-analysis", {"analysis": 1})]))
    assert bank.agreement_levels == {"likes-analysis": ("1", "2", "3", "4", "5")}
    effects = bank.effect_table.effects["likes-analysis"]
    # level order: each option one step of agreement above the one before
    assert [effects[o][0] for o in bank.agreement_levels["likes-analysis"]] == [-2, -1, 0, 1, 2]


@pytest.mark.parametrize(
    "agreement",
    [
        {"no-such-question": ("1", "2", "3", "4", "5")},
        {"likes-analysis-1": ("1", "2", "3", "4")},
        {"likes-analysis-1": ("1", "2", "3", "4", "6")},
        {"choice-1": ("alpha", "beta", "gamma")},
    ],
)
def test_agreement_questions_the_table_does_not_have_are_refused(agreement) -> None:
    with pytest.raises(ValueError):
        check_agreement(ALPHA_AGREEMENT.effect_table, agreement)
    with pytest.raises(ValueError):
        style_balance(ALPHA_AGREEMENT.effect_table, agreement, 10)
    with pytest.raises(ValueError):
        keying_balance(ALPHA_AGREEMENT.effect_table, agreement)


# --- answer styles ------------------------------------------------------------------------


def test_the_styles_are_the_five_levels_the_two_halves_and_the_extremes() -> None:
    assert [s.places for s in RESPONSE_STYLES] == [
        (0,),
        (1,),
        (2,),
        (3,),
        (4,),
        (2, 3, 4),
        (0, 1, 2),
        (0, 4),
    ]
    assert "midpoint only" in STYLE["midpoint-only"].name


@pytest.mark.parametrize(
    ("style", "allowed"),
    [
        ("all-strongly-disagree", {"1"}),
        ("all-disagree", {"2"}),
        ("midpoint-only", {"3"}),
        ("all-agree", {"4"}),
        ("all-strongly-agree", {"5"}),
        ("upper-half", {"3", "4", "5"}),
        ("lower-half", {"1", "2", "3"}),
        ("extremes-only", {"1", "5"}),
    ],
)
def test_a_style_answers_agreement_from_its_places_and_choices_from_all_options(
    style: str, allowed: set[str]
) -> None:
    picks = style_picks(
        ALPHA_AGREEMENT.effect_table, ALPHA_AGREEMENT.agreement_levels, STYLE[style], 600
    )
    for question, answers in picks.items():
        assert len(answers) == 600
        if question in ALPHA_AGREEMENT.agreement_levels:
            assert set(answers) == allowed  # every allowed place turns up in 600 draws
        else:
            assert set(answers) == {"alpha", "beta", "gamma"}


@pytest.mark.parametrize(
    ("bank", "respondents"),
    [(ALPHA_AGREEMENT, 400), (BALANCED, 400), (load_bank_file(), 150)],
    ids=["alpha-agreement", "balanced", "default-bank"],
)
def test_style_shares_are_what_rank_roles_makes_of_the_same_respondents(
    bank: Bank, respondents: int
) -> None:
    table, agreement = bank.effect_table, bank.agreement_levels
    for balance in style_balance(table, agreement, respondents):
        assert balance.shares == first_place_shares_by_rank_roles(
            table, agreement, balance.style, respondents
        ), balance.style.key
        assert balance.respondents == respondents
        assert balance.even_share == 1 / len(table.roles)


def test_style_shares_follow_the_ranking_rule_on_ties_and_a_role_no_question_moves() -> None:
    # First and Second are twins (equal fits always: position decides); Third has no span
    table = EffectTable.from_instrument(
        Instrument(
            dimensions=(Dimension("x", "skill"), Dimension("y", "skill")),
            roles=(
                Role("second", 2, {"x": 1}),
                Role("first", 1, {"x": 1}),
                Role("third", 3, {"y": 1}),
            ),
            questions=(
                Question("s", tuple(Option(str(n), {"x": n - 3}) for n in range(1, 6))),
                Question("c", (Option("a", {"x": 2}), Option("b", {}))),
            ),
        )
    )
    agreement = {"s": ("1", "2", "3", "4", "5")}
    balances = style_balance(table, agreement, 200)
    for balance in balances:
        assert balance.shares == first_place_shares_by_rank_roles(
            table, agreement, balance.style, 200
        )
        assert balance.shares == {"second": 0.0, "first": 1.0, "third": 0.0}


@st.composite
def instruments(draw: st.DrawFn) -> tuple[EffectTable, dict[str, tuple[str, ...]]]:
    """Small instruments of 1 to 4 roles (profiles 0..3, equal ones allowed, so ties happen),
    agreement statements weighing -2..2 and choice questions weighing -3..3."""
    dims = ("x", "y", "z")
    profile = st.fixed_dictionaries({d: st.integers(0, 3) for d in dims})
    roles = draw(st.lists(profile, min_size=1, max_size=4))
    weights = st.fixed_dictionaries({d: st.integers(-2, 2) for d in dims})
    questions = []
    agreement = {}
    for n, statement in enumerate(draw(st.lists(weights, min_size=1, max_size=4))):
        key = f"s{n}"
        questions.append(
            Question(
                key,
                tuple(
                    Option(str(level + 3), {d: level * w for d, w in statement.items()})
                    for level in (-2, -1, 0, 1, 2)
                ),
            )
        )
        agreement[key] = ("1", "2", "3", "4", "5")
    choice = st.lists(
        st.fixed_dictionaries({d: st.integers(-3, 3) for d in dims}), min_size=2, max_size=4
    )
    for n, options in enumerate(draw(st.lists(choice, max_size=3))):
        questions.append(
            Question(f"c{n}", tuple(Option(f"o{i}", w) for i, w in enumerate(options)))
        )
    table = EffectTable.from_instrument(
        Instrument(
            dimensions=tuple(Dimension(d, "skill") for d in dims),
            roles=tuple(Role(f"r{i}", i % 2, p) for i, p in enumerate(roles)),
            questions=tuple(questions),
        )
    )
    return table, agreement


@settings(max_examples=40, deadline=None)
@given(instruments())
def test_the_fast_paths_rank_like_rank_roles_on_any_instrument(
    case: tuple[EffectTable, dict[str, tuple[str, ...]]],
) -> None:
    table, agreement = case
    for balance in style_balance(table, agreement, 30):
        assert balance.shares == first_place_shares_by_rank_roles(
            table, agreement, balance.style, 30
        ), balance.style.key
    shares = {b.role: b.share for b in random_balance(table, 30, seed=3)}
    assert shares == top_role_shares(table, 30, seed=3)


def test_styles_are_the_same_on_every_run_and_change_with_the_seed() -> None:
    table, agreement = ALPHA_AGREEMENT.effect_table, ALPHA_AGREEMENT.agreement_levels
    first = style_balance(table, agreement, 300)
    assert style_balance(table, agreement, 300) == first
    assert style_balance(table, agreement, 300, seed=0) == first
    other = style_balance(table, agreement, 300, seed=1)
    assert [b.shares for b in other] != [b.shares for b in first]
    # a style's figures do not depend on which other styles are simulated with it
    alone = style_balance(table, agreement, 300, styles=[STYLE["extremes-only"]])
    assert alone == [b for b in first if b.style.key == "extremes-only"]


def test_the_number_of_respondents_is_a_parameter() -> None:
    table, agreement = BALANCED.effect_table, BALANCED.agreement_levels
    for balance in style_balance(table, agreement, 7):
        assert balance.respondents == 7
        assert sum(round(share * 7) for share in balance.shares.values()) == 7
    with pytest.raises(ValueError):
        style_balance(table, agreement, 0)


def test_no_agreement_statements_give_no_styles() -> None:
    bank = parse_bank(choice_only_document())
    assert bank.agreement_levels == {}
    assert style_balance(bank.effect_table, {}, 100) == []


def test_strongly_agreeing_with_statements_keyed_for_one_role_puts_it_on_top() -> None:
    balances = {b.style.key: b for b in report_of(ALPHA_AGREEMENT).styles}
    strongly_agree = balances["all-strongly-agree"]
    assert strongly_agree.shares["alpha"] > STYLE_HIGH_SHARE / 3
    assert strongly_agree.leaders == ["alpha"]
    # and strongly disagreeing keeps it off the top
    assert balances["all-strongly-disagree"].shares["alpha"] < 0.1


def test_the_style_warning_names_the_style_the_role_and_the_shares() -> None:
    report = report_of(ALPHA_AGREEMENT)
    share = {b.style.key: b for b in report.styles}["all-strongly-agree"].shares["alpha"]
    assert (
        f"People who answer “Strongly agree” to every statement put Alpha on top "
        f"{share * 100:.1f}% of the time, against an even share of 33%: the quiz rewards a "
        "habit of answering."
    ) in english(report.warnings)


def test_a_balanced_quiz_puts_no_role_on_top_too_often_under_any_style() -> None:
    report = report_of(BALANCED)
    assert len(report.styles) == len(RESPONSE_STYLES)
    for balance in report.styles:
        assert balance.leaders == [], balance
        assert max(balance.shares.values()) <= STYLE_HIGH_SHARE / 3
    assert english(report.warnings) == []


def test_a_style_leads_only_above_the_limit() -> None:
    limit = STYLE_HIGH_SHARE / 3  # 45% with three roles
    balance = StyleBalance(
        style=STYLE["all-agree"],
        shares={"a": limit + 0.001, "b": limit - 0.001, "c": 1 - 2 * limit},
        even_share=1 / 3,
        respondents=1000,
    )
    assert balance.leaders == ["a"]


def test_without_agreement_statements_the_report_says_so_in_a_note() -> None:
    bank = parse_bank(choice_only_document())
    report = report_of(bank)
    assert report.styles == []
    assert (
        "This version has no agreement statements, so there are no answer styles to try and no "
        "keying to balance."
    ) in english(report.notes)


def test_a_report_not_told_the_agreement_statements_leaves_styles_and_keying_out() -> None:
    report = quality_report(
        ALPHA_AGREEMENT.effect_table, [], question_labels={}, role_names={}, respondents=200
    )
    assert report.styles is None and report.keying is None
    assert not any("agreement" in n for n in english(report.notes))
    assert not any("keyed" in w or "People who answer" in w for w in english(report.warnings))


def test_figures_kept_from_before_give_the_same_report() -> None:
    table, agreement = ALPHA_AGREEMENT.effect_table, ALPHA_AGREEMENT.agreement_levels
    figures = weight_figures(table, respondents=300, agreement=agreement, style_respondents=300)
    kept = quality_report(table, [], question_labels={}, role_names={}, figures=figures)
    fresh = quality_report(
        table,
        [],
        question_labels={},
        role_names={},
        respondents=300,
        agreement=agreement,
        style_respondents=300,
    )
    assert kept == fresh
    assert kept.styles is figures.styles


# --- keying balance -----------------------------------------------------------------------


def keying_table() -> tuple[EffectTable, dict[str, tuple[str, ...]]]:
    """Four statements; A's profile doubles its dimension, so its steps are 2, 4, -2 and 0."""
    levels = (-2, -1, 0, 1, 2)

    def statement(key: str, weights: dict[str, int]) -> Question:
        return Question(
            key,
            tuple(
                Option(str(n), {d: level * w for d, w in weights.items() if level})
                for n, level in enumerate(levels, start=1)
            ),
        )

    table = EffectTable.from_instrument(
        Instrument(
            dimensions=(Dimension("x", "skill"), Dimension("y", "skill"), Dimension("z", "skill")),
            roles=(Role("a", 1, {"x": 2}), Role("b", 2, {"y": 1}), Role("c", 3, {"z": 1})),
            questions=(
                statement("s1", {"x": 1}),
                statement("s2", {"x": 2}),
                statement("s3", {"x": -1}),
                statement("s4", {"y": 1}),
                Question("c1", (Option("a", {"z": 3}), Option("b", {"x": -3}))),
            ),
        )
    )
    return table, {key: ("1", "2", "3", "4", "5") for key in ("s1", "s2", "s3", "s4")}


def test_keying_shares_are_the_sizes_of_the_steps_on_each_side() -> None:
    table, agreement = keying_table()
    a, b, c = keying_balance(table, agreement)
    assert a.steps == {"s1": 2, "s2": 4, "s3": -2, "s4": 0}
    assert (a.agree_keyed, a.disagree_keyed, a.total) == (6, 2, 8)
    assert (a.agree_share, a.disagree_share) == (Fraction(3, 4), Fraction(1, 4))
    assert (a.agree_keyed_statements, a.disagree_keyed_statements) == (2, 1)
    assert a.lopsided
    assert b.steps == {"s1": 0, "s2": 0, "s3": 0, "s4": 1}
    assert (b.agree_share, b.disagree_share) == (1, 0)
    # the choice question moves C, but no statement does: nothing to balance, no warning
    assert (c.agree_keyed, c.disagree_keyed) == (0, 0)
    assert c.agree_share is None and c.disagree_share is None and not c.lopsided


def test_the_keying_warnings_name_the_side_that_outweighs() -> None:
    table, agreement = keying_table()
    report = quality_report(
        table,
        [],
        question_labels={},
        role_names={"a": "A", "b": "B", "c": "C"},
        agreement=agreement,
        respondents=50,
        style_respondents=50,
    )
    keyed = [w for w in english(report.warnings) if "keyed" in w]
    assert keyed == [
        "75.0% of what the agreement statements can move A is agree-keyed (more than 60%): "
        "people who agree with everything drift towards it.",
        "100.0% of what the agreement statements can move B is agree-keyed (more than 60%): "
        "people who agree with everything drift towards it.",
    ]


@pytest.mark.parametrize(
    ("agree", "disagree", "lopsided"),
    [
        (3, 2, False),  # exactly 60% agree-keyed: inside the bounds
        (2, 3, False),  # exactly 40%
        (1, 1, False),
        (4, 2, True),  # 67%
        (2, 4, True),  # 33%
        (5, 0, True),
        (0, 5, True),
    ],
)
def test_keying_is_lopsided_only_outside_40_to_60_percent(
    agree: int, disagree: int, lopsided: bool
) -> None:
    balance = KeyingBalance(role="a", steps={}, agree_keyed=agree, disagree_keyed=disagree)
    assert balance.lopsided is lopsided
    assert (KEYED_SHARE_LOW * 100, KEYED_SHARE_HIGH * 100) == (40, 60)


def test_a_disagree_keyed_role_is_warned_about_from_the_other_side() -> None:
    bank = parse_bank(
        bank_document(
            [
                statement_document("avoids-building-1", {"building": -1}),
                statement_document("avoids-building-2", {"building": -1}),
                statement_document("likes-building", {"building": 1}),
            ]
        )
    )
    report = report_of(bank, respondents=100)
    assert (
        "66.7% of what the agreement statements can move Beta is disagree-keyed (more than 60%): "
        "people who disagree with everything drift towards it."
    ) in english(report.warnings)


def test_a_balanced_bank_keys_every_role_half_and_half() -> None:
    for balance in keying_balance(BALANCED.effect_table, BALANCED.agreement_levels):
        assert balance.agree_share == Fraction(1, 2)
        assert not balance.lopsided
