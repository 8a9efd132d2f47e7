"""Tests of the pure scoring core: the model in docs/scoring.md, checked exactly."""

from __future__ import annotations

import itertools
import json
import random
from fractions import Fraction
from pathlib import Path

import pytest
from helpers import imports_beyond
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.core import scoring
from quiz.core.scoring import (
    Dimension,
    EffectTable,
    Instrument,
    InvalidAnswer,
    Option,
    Outcome,
    Question,
    Role,
    answers_favouring,
    rank_roles,
    round_half_up,
    score_answers,
)

PROPERTIES = settings(max_examples=150, deadline=None)

FORBIDDEN_IMPORTS = {"flask", "sqlalchemy", "flask_sqlalchemy", "quiz"}


def forbidden_imports(source: str) -> list[str]:
    """Return the modules ``source`` imports that the scoring core must not depend on."""
    return imports_beyond(source, FORBIDDEN_IMPORTS)


def test_scoring_imports_nothing_from_flask_sqlalchemy_or_the_quiz_package() -> None:
    source = Path(scoring.__file__).read_text(encoding="utf-8")
    assert forbidden_imports(source) == []


@pytest.mark.parametrize(
    "source",
    [
        "import flask",
        "from flask import Flask",
        "import sqlalchemy as sa",
        "from sqlalchemy.orm import Mapped",
        "import flask_sqlalchemy",
        "from quiz.models import Result",
        "import quiz.db",
        "from . import models",
        "from .models import Result",
        "def later():\n    import flask\n",
    ],
)
def test_import_guard_catches_every_forbidden_form(source: str) -> None:
    assert forbidden_imports(source)


# --- the worked example of docs/scoring.md ------------------------------------------------


def worked_example() -> Instrument:
    """Return the instrument of the worked example in docs/scoring.md."""
    return Instrument(
        dimensions=(Dimension("statistics", "skill"), Dimension("engineering", "skill")),
        roles=(
            Role("data_scientist", 1, {"statistics": 2, "engineering": 1}),
            Role("ml_engineer", 2, {"statistics": 1, "engineering": 2}),
            Role("ai_engineer", 3, {"engineering": 2}),
        ),
        questions=(
            Question(
                "q1",
                (
                    Option("a", {"statistics": 2}),
                    Option("b", {"engineering": 2}),
                    Option("c", {}),
                ),
            ),
            Question("q2", (Option("a", {"statistics": 1}), Option("b", {"engineering": 1}))),
            Question(
                "q3",
                (
                    Option("a", {"statistics": 1, "engineering": 1}),
                    Option("b", {"statistics": -1, "engineering": 2}),
                ),
            ),
        ),
    )


WORKED_ANSWERS = {"q1": "b", "q2": "a", "q3": "b"}


def test_worked_example_effects_and_question_bounds_match_the_doc() -> None:
    table = EffectTable.from_instrument(worked_example())

    # effects in role order: data_scientist, ml_engineer, ai_engineer
    assert table.effects == {
        "q1": {"a": (4, 2, 0), "b": (2, 4, 4), "c": (0, 0, 0)},
        "q2": {"a": (2, 1, 0), "b": (1, 2, 2)},
        "q3": {"a": (3, 3, 2), "b": (0, 3, 4)},
    }
    assert table.bounds == {
        "q1": ((0, 4), (0, 4), (0, 4)),
        "q2": ((1, 2), (1, 2), (0, 2)),
        "q3": ((0, 3), (3, 3), (2, 4)),
    }


def test_worked_example_scores_exactly_as_the_doc_states() -> None:
    outcome = score_answers(worked_example(), WORKED_ANSWERS)
    ml, ai, ds = outcome.ranking

    assert [(f.role, f.rank) for f in outcome.ranking] == [
        ("ml_engineer", 1),
        ("ai_engineer", 2),
        ("data_scientist", 3),
    ]
    assert (ml.raw, ml.lowest, ml.highest, ml.fit, ml.percent) == (8, 4, 9, Fraction(80), 80)
    assert (ai.raw, ai.lowest, ai.highest, ai.fit, ai.percent) == (8, 2, 10, Fraction(75), 75)
    assert (ds.raw, ds.lowest, ds.highest, ds.fit, ds.percent) == (4, 1, 9, Fraction(75, 2), 38)

    def pushes(role_fit: scoring.RoleFit) -> tuple[list[tuple[str, str, float]], ...]:
        return tuple(
            [(p.question, p.option, p.points) for p in side]
            for side in (role_fit.toward, role_fit.away)
        )

    assert pushes(ml) == ([("q1", "b", 40.0)], [("q2", "a", -10.0)])
    assert pushes(ai) == ([("q1", "b", 25.0), ("q3", "b", 12.5)], [("q2", "a", -12.5)])
    assert pushes(ds) == ([("q2", "a", 6.25)], [("q3", "b", -18.75)])

    assert outcome.profile == {"statistics": 20, "engineering": 75}
    assert outcome.close_call is True


# --- the classic summed scale -------------------------------------------------------------

CLASSIC_ROLES = ("data_scientist", "ml_engineer", "ai_engineer")
CLASSIC_ITEMS_PER_ROLE = 4


def classic_instrument() -> Instrument:
    """Return a summed-scale quiz: one own dimension per role, Likert items worth 0..4."""
    return Instrument(
        dimensions=tuple(Dimension(role, "skill") for role in CLASSIC_ROLES),
        roles=tuple(
            Role(role, position, {role: 1}) for position, role in enumerate(CLASSIC_ROLES, 1)
        ),
        questions=tuple(
            Question(
                f"{role}_{item}",
                tuple(Option(str(level), {role: level}) for level in range(5)),
            )
            for role in CLASSIC_ROLES
            for item in range(CLASSIC_ITEMS_PER_ROLE)
        ),
    )


@pytest.mark.parametrize(
    "levels",
    [
        # role -> the levels chosen on that role's answered items
        {"data_scientist": [4, 4, 4, 4], "ml_engineer": [0, 0, 0, 0], "ai_engineer": [2, 2, 2, 2]},
        {"data_scientist": [3, 1, 4, 1], "ml_engineer": [0, 2], "ai_engineer": [4]},
        {"data_scientist": [1], "ml_engineer": [2, 3, 3], "ai_engineer": [0, 1, 2, 3]},
        {"data_scientist": [0, 0, 1], "ml_engineer": [4, 4, 3, 4], "ai_engineer": [3, 3]},
    ],
)
def test_classic_summed_scale_fit_is_raw_over_maximum(levels: dict[str, list[int]]) -> None:
    assert_classic_fit(levels)


def assert_classic_fit(levels: dict[str, list[int]]) -> None:
    answers = {
        f"{role}_{item}": str(level)
        for role, chosen in levels.items()
        for item, level in enumerate(chosen)
    }
    outcome = score_answers(classic_instrument(), answers)

    for fit in outcome.ranking:
        raw = sum(levels[fit.role])
        n_items = len(levels[fit.role])
        assert (fit.raw, fit.lowest, fit.highest) == (raw, 0, 4 * n_items)
        assert fit.fit == Fraction(100 * raw, 4 * n_items)


@given(
    levels=st.fixed_dictionaries(
        {
            role: st.lists(st.integers(0, 4), min_size=1, max_size=CLASSIC_ITEMS_PER_ROLE)
            for role in CLASSIC_ROLES
        }
    )
)
@PROPERTIES
def test_classic_summed_scale_fit_is_raw_over_maximum_for_any_answers(
    levels: dict[str, list[int]],
) -> None:
    assert_classic_fit(levels)


# --- ranking, ties and edge cases -------------------------------------------------------


def tie_instrument(roles: tuple[Role, ...]) -> Instrument:
    """Return a quiz where every role but ``omega`` moves identically, on dimension ``d``."""
    return Instrument(
        dimensions=(Dimension("d", "skill"), Dimension("e", "goal")),
        roles=roles,
        questions=(
            Question(
                "qd", (Option("low", {"d": 0}), Option("mid", {"d": 1}), Option("high", {"d": 2}))
            ),
            Question("qe", (Option("no", {"e": 0}), Option("yes", {"e": 1}))),
        ),
    )


TIE_ROLES = (
    Role("zeta", 1, {"d": 1}),
    Role("beta", 2, {"d": 1}),
    Role("alpha", 2, {"d": 1}),
    Role("gamma", 3, {"d": 1}),
    Role("omega", 9, {"e": 1}),
)


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({}, ["zeta", "alpha", "beta", "gamma", "omega"]),
        ({"qd": "mid", "qe": "yes"}, ["omega", "zeta", "alpha", "beta", "gamma"]),
        ({"qd": "mid", "qe": "no"}, ["zeta", "alpha", "beta", "gamma", "omega"]),
    ],
)
def test_equal_fits_rank_by_position_then_key_in_any_role_order(
    answers: dict[str, str], expected: list[str]
) -> None:
    for roles in itertools.permutations(TIE_ROLES):
        outcome = score_answers(tie_instrument(roles), answers)
        assert [f.role for f in outcome.ranking] == expected
        assert [f.rank for f in outcome.ranking] == [1, 2, 3, 4, 5]


def test_two_roles_can_share_fit_100_and_the_tie_rule_decides_first_place() -> None:
    """A favoured role is not always first: another role may also reach 100 and precede it."""
    instrument = Instrument(
        dimensions=(Dimension("d0", "skill"), Dimension("d1", "skill")),
        roles=(Role("r", 2, {"d0": 2, "d1": 1}), Role("s", 1, {"d0": 1, "d1": 2})),
        questions=(
            Question("signature", (Option("plus", {"d0": 3}), Option("minus", {"d0": -3}))),
        ),
    )
    table = EffectTable.from_instrument(instrument)
    outcome = rank_roles(table, answers_favouring(table, "r"))

    assert [(f.role, f.fit) for f in outcome.ranking] == [
        ("s", Fraction(100)),
        ("r", Fraction(100)),
    ]


@pytest.mark.parametrize(
    ("answers", "role"),
    [
        ({"q3": "a"}, "ml_engineer"),  # q3's options have the same effect on ML Engineer
        ({"q3": "b"}, "ml_engineer"),
        ({"q1": "c"}, "nobody_asked"),  # a role on a dimension no question measures
    ],
)
def test_role_that_no_answered_question_moves_has_fit_0(answers: dict[str, str], role: str) -> None:
    base = worked_example()
    instrument = Instrument(
        dimensions=(*base.dimensions, Dimension("leadership", "goal")),
        roles=(*base.roles, Role("nobody_asked", 4, {"leadership": 3})),
        questions=base.questions,
    )
    fit = next(f for f in score_answers(instrument, answers).ranking if f.role == role)

    assert fit.lowest == fit.highest
    assert (fit.fit, fit.percent, fit.toward, fit.away) == (Fraction(0), 0, (), ())


def test_empty_answers_give_every_role_fit_0_and_no_profile() -> None:
    outcome = score_answers(worked_example(), {})

    assert [(f.fit, f.percent, f.raw, f.lowest, f.highest) for f in outcome.ranking] == [
        (Fraction(0), 0, 0, 0, 0)
    ] * 3
    assert [f.role for f in outcome.ranking] == ["data_scientist", "ml_engineer", "ai_engineer"]
    assert outcome.profile == {"statistics": None, "engineering": None}


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"q9": "a"}, "unknown question 'q9'"),
        ({"q1": "b", "q9": "a"}, "unknown question 'q9'"),
        ({"q1": "z"}, "unknown option 'z'"),
        ({"q2": "c"}, "unknown option 'c'"),  # c belongs to q1, not q2
    ],
)
def test_unknown_question_or_option_raises_invalid_answer(
    answers: dict[str, str], message: str
) -> None:
    with pytest.raises(InvalidAnswer, match=message):
        score_answers(worked_example(), answers)


# --- close calls and rounding -------------------------------------------------------------


def dial_instrument(steps: int) -> Instrument:
    """Return two roles, each with one question whose option ``k`` gives fit ``100 * k / steps``."""
    return Instrument(
        dimensions=(Dimension("a", "skill"), Dimension("b", "skill")),
        roles=(Role("first", 1, {"a": 1}), Role("second", 2, {"b": 1})),
        questions=tuple(
            Question(f"q{d}", tuple(Option(str(k), {d: k}) for k in range(steps + 1)))
            for d in ("a", "b")
        ),
    )


@pytest.mark.parametrize(
    ("first", "second", "percents", "close_call"),
    [
        (800, 800, (80, 80), True),
        (800, 750, (80, 75), True),
        (750, 800, (80, 75), True),
        (800, 740, (80, 74), False),
        (804, 745, (80, 75), True),  # exact gap 5.9, shown gap 5
        (805, 754, (81, 75), False),  # exact gap 5.1, shown gap 6
        (1000, 0, (100, 0), False),
    ],
)
def test_close_call_when_top_two_shown_percents_are_within_5_points(
    first: int, second: int, percents: tuple[int, int], close_call: bool
) -> None:
    outcome = score_answers(dial_instrument(1000), {"qa": str(first), "qb": str(second)})

    assert tuple(f.percent for f in outcome.ranking) == percents
    assert outcome.close_call is close_call


def test_a_single_role_is_never_a_close_call() -> None:
    instrument = Instrument(
        dimensions=(Dimension("a", "skill"),),
        roles=(Role("only", 1, {"a": 1}),),
        questions=(Question("q", (Option("0", {}), Option("1", {"a": 1}))),),
    )
    assert score_answers(instrument, {"q": "1"}).close_call is False


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(1, 2), 1),
        (Fraction(3, 2), 2),
        (Fraction(5, 2), 3),
        (Fraction(75, 2), 38),
        (Fraction(125, 2), 63),
        (Fraction(199, 2), 100),
        (Fraction(-1, 2), 0),
        (Fraction(-3, 2), -1),
        (Fraction(374, 10), 37),
        (Fraction(376, 10), 38),
        (Fraction(200, 3), 67),
        (Fraction(0), 0),
        (Fraction(100), 100),
    ],
)
def test_round_half_up_rounds_halves_upward(value: Fraction, expected: int) -> None:
    assert round_half_up(value) == expected


# --- favouring answers and the results data -----------------------------------------------


@pytest.mark.parametrize("role", ["data_scientist", "ml_engineer", "ai_engineer"])
def test_answers_favouring_a_role_give_it_fit_100(role: str) -> None:
    table = EffectTable.from_instrument(worked_example())
    outcome = rank_roles(table, answers_favouring(table, role))

    assert next(f for f in outcome.ranking if f.role == role).fit == 100


def assert_as_dict_matches(outcome: Outcome) -> None:
    data = outcome.as_dict()

    assert json.loads(json.dumps(data)) == data
    assert data["close_call"] == outcome.close_call
    assert data["profile"] == dict(outcome.profile)
    assert [row["role"] for row in data["ranking"]] == [f.role for f in outcome.ranking]
    for row, fit in zip(data["ranking"], outcome.ranking, strict=True):
        assert (row["rank"], row["fit"], row["raw"], row["lowest"], row["highest"]) == (
            fit.rank,
            fit.percent,
            fit.raw,
            fit.lowest,
            fit.highest,
        )
        for side in ("toward", "away"):
            pushes = getattr(fit, side)
            # pushes are explanations, shown to one decimal
            assert row[side] == [[p.question, p.option, round(p.points, 1)] for p in pushes]


@pytest.mark.parametrize("choices", list(itertools.product("abc", "ab", "ab")), ids="".join)
def test_as_dict_is_json_ready_and_matches_the_outcome(choices: tuple[str, ...]) -> None:
    answers = dict(zip(("q1", "q2", "q3"), choices, strict=True))
    assert_as_dict_matches(score_answers(worked_example(), answers))


# --- properties over random instruments ----------------------------------------------------


@st.composite
def instruments(draw: st.DrawFn) -> Instrument:
    """Build a random instrument; role ``r{i}`` has its own dimension ``d{i}``."""
    n_roles = draw(st.integers(2, 5))
    n_dims = draw(st.integers(max(2, n_roles), 6))
    dims = tuple(
        Dimension(f"d{j}", draw(st.sampled_from(["skill", "goal"]))) for j in range(n_dims)
    )
    roles = tuple(
        Role(
            f"r{i}",
            # shared positions happen, so the key tie-break gets exercised
            draw(st.integers(1, n_roles)),
            {
                d.key: draw(st.integers(2, 3)) if j == i else draw(st.integers(0, 1))
                for j, d in enumerate(dims)
            },
        )
        for i in range(n_roles)
    )
    weights = st.dictionaries(st.sampled_from([d.key for d in dims]), st.integers(-3, 3))
    questions = tuple(
        Question(
            f"q{k}",
            tuple(Option(f"o{m}", draw(weights)) for m in range(draw(st.integers(2, 5)))),
        )
        for k in range(draw(st.integers(1, 15)))
    )
    return Instrument(dims, roles, questions)


@st.composite
def answered_instruments(draw: st.DrawFn) -> tuple[Instrument, dict[str, str]]:
    """Build a random instrument and answers to a random subset of its questions."""
    instrument = draw(instruments())
    answered = draw(st.lists(st.sampled_from(instrument.questions), unique_by=lambda q: q.key))
    answers = {q.key: draw(st.sampled_from([o.key for o in q.options])) for q in answered}
    return instrument, answers


def exact(outcome: Outcome) -> dict[str, object]:
    """Return the outcome's JSON data plus the exact fits it rounds away."""
    return {**outcome.as_dict(), "exact": [(f.role, f.fit) for f in outcome.ranking]}


@given(case=answered_instruments(), seed=st.integers(0, 2**32 - 1))
@PROPERTIES
def test_question_order_never_changes_the_result(
    case: tuple[Instrument, dict[str, str]], seed: int
) -> None:
    instrument, answers = case
    rng = random.Random(seed)
    questions = list(instrument.questions)
    rng.shuffle(questions)
    shuffled_answers = list(answers.items())
    rng.shuffle(shuffled_answers)
    reordered = Instrument(instrument.dimensions, instrument.roles, tuple(questions))

    assert exact(score_answers(reordered, dict(shuffled_answers))) == exact(
        score_answers(instrument, answers)
    )


@given(case=answered_instruments())
@PROPERTIES
def test_fits_percents_and_profile_stay_within_0_to_100(
    case: tuple[Instrument, dict[str, str]],
) -> None:
    outcome = score_answers(*case)

    for fit in outcome.ranking:
        assert fit.lowest <= fit.raw <= fit.highest
        assert 0 <= fit.fit <= 100
        assert 0 <= fit.percent <= 100
    assert all(value is None or 0 <= value <= 100 for value in outcome.profile.values())
    assert_as_dict_matches(outcome)


@given(case=answered_instruments())
@PROPERTIES
def test_pushes_reconcile_to_the_exact_fit(case: tuple[Instrument, dict[str, str]]) -> None:
    assert_pushes_reconcile(score_answers(*case))


@pytest.mark.parametrize(
    "answers", [{}, WORKED_ANSWERS, {"q1": "a", "q2": "b"}, {"q3": "a", "q1": "c"}]
)
def test_pushes_reconcile_in_the_worked_example(answers: dict[str, str]) -> None:
    assert_pushes_reconcile(score_answers(worked_example(), answers))


def assert_pushes_reconcile(outcome: Outcome) -> None:
    for fit in outcome.ranking:
        assert all(p.points > 0 for p in fit.toward)
        assert all(p.points < 0 for p in fit.away)
        if fit.highest > fit.lowest:
            total = 50 + sum(p.points for p in fit.toward) + sum(p.points for p in fit.away)
            assert total == pytest.approx(float(fit.fit), abs=1e-9)
        else:
            assert (fit.fit, fit.toward, fit.away) == (Fraction(0), (), ())


def assert_favoured_role_wins(instrument: Instrument, role: Role) -> Outcome:
    """Answer toward ``role`` and check it leads, save for ties at 100 the tie rule settles."""
    table = EffectTable.from_instrument(instrument)
    outcome = rank_roles(table, answers_favouring(table, role.key))
    favoured = next(f for f in outcome.ranking if f.role == role.key)

    if favoured.highest == favoured.lowest:
        # no question can move this role: it sits at 0 and cannot be favoured
        assert favoured.fit == 0
        return outcome
    assert favoured.fit == 100
    assert all(f.fit <= favoured.fit for f in outcome.ranking)
    position = {r.key: (r.position, r.key) for r in instrument.roles}
    ahead = [f for f in outcome.ranking if f.rank < favoured.rank]
    assert all(f.fit == favoured.fit and position[f.role] < position[role.key] for f in ahead)
    return outcome


@given(instrument=instruments(), data=st.data())
@PROPERTIES
def test_answers_favouring_a_role_give_it_the_top_fit(
    instrument: Instrument, data: st.DataObject
) -> None:
    assert_favoured_role_wins(instrument, data.draw(st.sampled_from(instrument.roles)))


@given(instrument=instruments(), data=st.data())
@PROPERTIES
def test_signature_question_gives_favoured_role_fit_100_and_first_place_unless_tied(
    instrument: Instrument, data: st.DataObject
) -> None:
    role = data.draw(st.sampled_from(instrument.roles))
    own = f"d{instrument.roles.index(role)}"
    signature = Question("signature", (Option("plus", {own: 3}), Option("minus", {own: -3})))
    with_signature = Instrument(
        instrument.dimensions, instrument.roles, (*instrument.questions, signature)
    )

    outcome = assert_favoured_role_wins(with_signature, role)
    favoured = next(f for f in outcome.ranking if f.role == role.key)
    assert favoured.fit == 100
    if all(f.fit < 100 for f in outcome.ranking if f is not favoured):
        assert favoured.rank == 1


@given(case=answered_instruments())
@PROPERTIES
def test_same_answers_give_the_same_result(case: tuple[Instrument, dict[str, str]]) -> None:
    instrument, answers = case
    table = EffectTable.from_instrument(instrument)
    first = rank_roles(table, answers)
    again = rank_roles(table, dict(answers))

    assert first == again
    assert exact(first) == exact(score_answers(instrument, answers))
