"""Tests of the criterion evidence: hit rates, the confusion matrix and how far each question
separates people who do a job from people in other roles. Pure: no app, no database."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from helpers import imports_beyond
from hypothesis import given, settings
from hypothesis import strategies as st

from quiz.core import criterion
from quiz.core.criterion import (
    AGAINST_WEIGHTS,
    OTHER_WORK,
    SEPARATES_NOBODY,
    CriterionResponse,
    criterion_report,
    standardized_mean_difference,
)
from quiz.core.scoring import Dimension, EffectTable, Instrument, Option, Question, Role

PROPERTIES = settings(max_examples=150, deadline=None)

# Two roles, each drawing on its own dimension. The options' effects on (A, B):
#   q1: x (2, 0), y (1, 0), z (0, 1)   - in both roles' scales
#   q2: p (1, 1), r (1, 1)             - every option alike: in no scale
#   q3: m (1, 0), n (0, 1)             - in both scales
#   q4: s (1, 0), t (0, 0)             - in A's scale only
TABLE = EffectTable.from_instrument(
    Instrument(
        dimensions=(Dimension("a", "skill"), Dimension("b", "skill")),
        roles=(Role("A", 1, {"a": 1}), Role("B", 2, {"b": 1})),
        questions=(
            Question("q1", (Option("x", {"a": 2}), Option("y", {"a": 1}), Option("z", {"b": 1}))),
            Question("q2", (Option("p", {"a": 1, "b": 1}), Option("r", {"a": 1, "b": 1}))),
            Question("q3", (Option("m", {"a": 1}), Option("n", {"b": 1}))),
            Question("q4", (Option("s", {"a": 1}), Option("t", {}))),
        ),
    )
)
ROLES = ("A", "B")


def answers(q1: str, q3: str, q4: str) -> dict[str, str]:
    return {"q1": q1, "q2": "p", "q3": q3, "q4": q4}


# Three people in each role and one student. Their top roles are given, not scored: the
# report takes the stored top role as it is.
RESPONSES = [
    CriterionResponse(answers("x", "n", "s"), "A", "A"),
    CriterionResponse(answers("x", "n", "t"), "A", "A"),
    CriterionResponse(answers("y", "m", "t"), "B", "A"),
    CriterionResponse(answers("y", "m", "s"), "B", "B"),
    CriterionResponse(answers("z", "m", "t"), "B", "B"),
    CriterionResponse(answers("z", "n", "t"), "A", "B"),
    # not in a role: counted in the matrix, in neither group of a d
    CriterionResponse(answers("x", "n", "s"), "B", "student-or-changer"),
]


def report(min_group: int = 3) -> criterion.CriterionReport:
    return criterion_report(TABLE, ROLES, RESPONSES, min_group=min_group)


def separation_of(rep: criterion.CriterionReport) -> dict[tuple[str, str], criterion.JobSeparation]:
    return {(s.question, s.role): s for s in rep.separation}


# --- purity -------------------------------------------------------------------------------


def test_criterion_imports_only_the_standard_library_scoring_and_messages() -> None:
    source = Path(criterion.__file__).read_text(encoding="utf-8")
    allowed = frozenset({"quiz.core.scoring", "quiz.core.messages"})
    assert imports_beyond(source, {"flask", "sqlalchemy", "werkzeug"}, allowed) == []


# --- the confusion matrix and hit rates --------------------------------------------------


def test_the_confusion_matrix_counts_stated_work_against_top_role_with_every_cell() -> None:
    rep = report()
    assert rep.work_answers == ("A", "B", *OTHER_WORK)
    assert rep.confusion == {
        "A": {"A": 2, "B": 1},
        "B": {"A": 1, "B": 2},
        "other-data-software": {"A": 0, "B": 0},
        "student-or-changer": {"A": 0, "B": 1},
        "something-else": {"A": 0, "B": 0},
    }
    assert rep.responses == 7


def test_hit_rate_is_the_share_of_a_roles_people_whose_top_role_it_is() -> None:
    rates = {r.role: r for r in report().hit_rates}
    # A: 2 of its 3 people got A first; B: 2 of 3 got B first
    assert (rates["A"].group, rates["A"].hits) == (3, 2)
    assert rates["A"].rate == pytest.approx(2 / 3)
    assert (rates["B"].group, rates["B"].hits) == (3, 2)


def test_nothing_is_worked_out_for_groups_under_min_group_and_a_note_says_so() -> None:
    rep = report(min_group=4)
    assert rep.hit_rates == [] and rep.separation == [] and not rep.ready
    assert [str(n) for n in rep.notes] == [
        "Criterion evidence is worked out for a role once 4 people say they work in it; "
        "the most for any role so far is 3."
    ]
    # the counts are shown whatever the numbers
    assert rep.confusion["A"] == {"A": 2, "B": 1}


def test_a_role_with_enough_people_gets_a_hit_rate_while_a_smaller_one_does_not() -> None:
    extra = [CriterionResponse(answers("x", "n", "s"), "A", "A")]
    rep = criterion_report(TABLE, ROLES, [*RESPONSES, *extra], min_group=4)
    assert [(r.role, r.group, r.hits) for r in rep.hit_rates] == [("A", 4, 3)]
    # B has only 3 people, so no d compares A's 4 with them either
    assert rep.separation == []


@pytest.mark.parametrize(
    "response",
    [
        pytest.param((answers("x", "n", "s"), "A", "astronaut"), id="unknown-work"),
        pytest.param((answers("x", "n", "s"), "C", "A"), id="unknown-top-role"),
    ],
)
def test_an_unknown_stated_work_or_top_role_is_refused(response) -> None:
    with pytest.raises(ValueError):
        criterion_report(TABLE, ROLES, [response])


def test_plain_tuples_are_taken_like_criterion_responses() -> None:
    tuples = [(dict(r.answers), r.top_role, r.work_now) for r in RESPONSES]
    assert criterion_report(TABLE, ROLES, tuples, min_group=3) == report()


# --- Cohen's d, worked by hand -------------------------------------------------------------


def test_d_on_a_question_in_the_roles_favour_matches_the_hand_worked_value() -> None:
    # q1 on role A. People in A chose x, x, y: scores 2, 2, 1 (mean 5/3).
    # People in B chose y, z, z: scores 1, 0, 0 (mean 1/3). The student is in neither group.
    # Squares about the means: (1/9 + 1/9 + 4/9) + (4/9 + 1/9 + 1/9) = 2/3 + 2/3 = 4/3.
    # Pooled variance 4/3 / (3 + 3 - 2) = 1/3; d = (5/3 - 1/3) / sqrt(1/3) = 4 / sqrt(3).
    found = separation_of(report())[("q1", "A")]
    assert found.d == pytest.approx(4 / math.sqrt(3))  # 2.309
    assert (found.in_role, found.others) == (3, 3)
    assert found.flag is None


def test_d_for_the_other_role_on_the_same_question_uses_its_own_effects() -> None:
    # q1 on role B: x and y have effect 0, z has 1. People in B: y, z, z -> 0, 1, 1
    # (mean 2/3); people in A: x, x, y -> 0, 0, 0 (mean 0).
    # Squares: (4/9 + 1/9 + 1/9) + 0 = 2/3; pooled variance 2/3 / 4 = 1/6;
    # d = (2/3) / sqrt(1/6) = sqrt(8/3).
    assert separation_of(report())[("q1", "B")].d == pytest.approx(math.sqrt(8 / 3))  # 1.633


def test_a_question_whose_job_holders_score_lower_runs_against_its_weights() -> None:
    # q3 on role A: m is 1, n is 0. People in A: n, n, m -> 0, 0, 1 (mean 1/3); people in
    # B: m, m, n -> 1, 1, 0 (mean 2/3). Squares 2/3 + 2/3; pooled variance 1/3;
    # d = (1/3 - 2/3) / sqrt(1/3) = -1 / sqrt(3) = -0.577 < -0.2. On role B it is the same.
    sep = separation_of(report())
    assert sep[("q3", "A")].d == pytest.approx(-1 / math.sqrt(3))
    assert sep[("q3", "A")].flag == AGAINST_WEIGHTS
    assert sep[("q3", "B")].d == pytest.approx(-1 / math.sqrt(3))
    # the figure is written with a true minus sign
    assert [str(w) for w in report().warnings] == [
        f"Question q3 runs against its weights for {role}: people who work as {role} score "
        "lower on it than people in other roles (d = \N{MINUS SIGN}0.58; 3 against 3 people)."
        for role in ROLES
    ]


def test_a_question_both_groups_answer_alike_separates_nobody() -> None:
    # q4 on role A: s is 1, t is 0. People in A: s, t, t -> 1, 0, 0; people in B: s, t, t
    # -> 1, 0, 0. Equal means: d = 0, under 0.2 in size.
    found = separation_of(report())[("q4", "A")]
    assert found.d == 0.0
    assert found.flag == SEPARATES_NOBODY
    assert any(str(n).startswith("Question q4 separates nobody for A") for n in report().notes)


def test_questions_outside_a_roles_scale_get_no_d() -> None:
    sep = separation_of(report())
    # q2: every option alike for both roles; q4: every option alike for B
    assert sorted(sep) == [("q1", "A"), ("q1", "B"), ("q3", "A"), ("q3", "B"), ("q4", "A")]


def test_a_response_that_skipped_a_question_is_left_out_of_that_question_only() -> None:
    skipped = {"q2": "p", "q3": "m", "q4": "s"}  # no q1
    extra = [CriterionResponse(skipped, "B", "B")]
    sep = separation_of(criterion_report(TABLE, ROLES, [*RESPONSES, *extra], min_group=3))
    assert (sep[("q1", "A")].in_role, sep[("q1", "A")].others) == (3, 3)
    assert (sep[("q3", "A")].in_role, sep[("q3", "A")].others) == (3, 4)


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        pytest.param([1, 1], [1, 1, 1], 0.0, id="no-spread-equal-means"),
        pytest.param([2, 2], [1, 1], math.inf, id="no-spread-first-higher"),
        pytest.param([0, 0], [1, 1], -math.inf, id="no-spread-first-lower"),
        # means 2 and 0; squares 2 + 2; pooled variance 4 / 2 = 2; d = 2 / sqrt(2)
        pytest.param([1, 3], [-1, 1], math.sqrt(2), id="hand-worked"),
    ],
)
def test_d_at_its_edges_and_one_more_by_hand(first, second, expected) -> None:
    assert standardized_mean_difference(first, second) == pytest.approx(expected)


@pytest.mark.parametrize(("first", "second"), [([], [1, 2, 3]), ([1], [2])])
def test_d_needs_a_score_in_each_group_and_three_in_all(first, second) -> None:
    with pytest.raises(ValueError):
        standardized_mean_difference(first, second)


# --- properties ----------------------------------------------------------------------------

scores = st.lists(st.integers(-6, 6), min_size=2, max_size=30)


@PROPERTIES
@given(scores, scores)
def test_d_is_antisymmetric_when_the_groups_swap(first, second) -> None:
    assert standardized_mean_difference(first, second) == -standardized_mean_difference(
        second, first
    )


@PROPERTIES
@given(scores, scores, st.integers(-5, 5), st.integers(1, 4))
def test_d_does_not_change_when_every_score_shifts_or_scales_alike(
    first, second, shift, factor
) -> None:
    d = standardized_mean_difference(first, second)
    moved = standardized_mean_difference(
        [x * factor + shift for x in first], [x * factor + shift for x in second]
    )
    assert moved == pytest.approx(d) if math.isfinite(d) else moved == d


work_answers = st.sampled_from([*ROLES, *OTHER_WORK])
one_response = st.builds(
    CriterionResponse,
    st.builds(answers, st.sampled_from("xyz"), st.sampled_from("mn"), st.sampled_from("st")),
    st.sampled_from(ROLES),
    work_answers,
)


@PROPERTIES
@given(st.lists(one_response, max_size=40), st.integers(2, 6))
def test_hit_rate_is_the_diagonal_share_of_its_row_of_the_confusion_matrix(
    responses, min_group
) -> None:
    rep = criterion_report(TABLE, ROLES, responses, min_group=min_group)
    assert sum(sum(row.values()) for row in rep.confusion.values()) == len(responses)
    by_role = {r.role: r for r in rep.hit_rates}
    for role in ROLES:
        row = rep.confusion[role]
        people = [r for r in responses if r.work_now == role]
        assert sum(row.values()) == len(people)
        if len(people) >= min_group:
            assert by_role[role].rate == row[role] / sum(row.values())
            assert by_role[role].hits == sum(1 for r in people if r.top_role == role)
        else:
            assert role not in by_role
    for item in rep.separation:
        assert item.in_role >= min_group and item.others >= min_group
        # people in no role are never in a comparison group
        in_roles = sum(1 for r in responses if r.work_now in ROLES)
        assert item.in_role + item.others == in_roles
