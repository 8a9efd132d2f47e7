"""The criterion evidence from counts: a tally of the responses gives exactly the figures the
responses themselves give, so the database may keep counts instead of reading results.
Pure: no app, no database."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_criterion import RESPONSES, ROLES, TABLE, one_response

from quiz.core.criterion import (
    CriterionResponse,
    CriterionTally,
    criterion_report,
    standardized_mean_difference_of_counts,
    tally,
)

PROPERTIES = settings(max_examples=150, deadline=None)


def test_a_tally_counts_top_roles_and_answers_by_stated_work() -> None:
    counted = tally(RESPONSES)
    assert counted.responses == 7
    assert counted.top_roles["A"] == {"A": 2, "B": 1}
    assert counted.top_roles["student-or-changer"] == {"B": 1}
    assert counted.answers["B"]["q1"] == {"y": 1, "z": 2}
    assert counted.answers["B"]["q2"] == {"p": 3}


def test_the_report_from_a_tally_is_the_report_from_the_responses() -> None:
    assert criterion_report(TABLE, ROLES, tally(RESPONSES), min_group=3) == criterion_report(
        TABLE, ROLES, RESPONSES, min_group=3
    )


def test_d_from_counts_is_d_from_the_scores() -> None:
    # means 2 and 0; squares 2 + 2; pooled variance 4 / 2 = 2; d = 2 / sqrt(2)
    assert standardized_mean_difference_of_counts({1: 1, 3: 1}, {-1: 1, 1: 1}) == pytest.approx(
        2**0.5
    )
    with pytest.raises(ValueError):
        standardized_mean_difference_of_counts({}, {1: 3})


def test_below_the_minimum_the_report_counts_but_works_nothing_out_and_says_how_many_more() -> None:
    rep = criterion_report(TABLE, ROLES, RESPONSES, min_group=3, min_responses=10)
    assert rep.confusion["A"] == {"A": 2, "B": 1}
    assert rep.hit_rates == [] and rep.separation == []
    (note,) = rep.notes
    assert note.values == {"needed": 10, "num": 7, "more": 3}
    # at the minimum, the figures are back
    assert criterion_report(TABLE, ROLES, RESPONSES, min_group=3, min_responses=7).hit_rates


def test_an_empty_tally_gives_an_empty_report() -> None:
    rep = criterion_report(TABLE, ROLES, CriterionTally({}, {}), min_group=3)
    assert rep.responses == 0 and rep.hit_rates == [] and rep.separation == []


@PROPERTIES
@given(st.lists(one_response, max_size=60), st.integers(2, 6))
def test_any_responses_give_the_same_report_counted_or_not(responses, min_group) -> None:
    assert criterion_report(TABLE, ROLES, tally(responses), min_group=min_group) == (
        criterion_report(TABLE, ROLES, responses, min_group=min_group)
    )


def test_the_separation_table_has_a_row_per_question_and_each_roles_groups_once() -> None:
    rep = criterion_report(TABLE, ROLES, RESPONSES, min_group=3)
    rows = rep.separation_rows()
    assert [question for question, _ in rows] == ["q1", "q3", "q4"]
    assert set(rows[0][1]) == {"A", "B"} and set(rows[2][1]) == {"A"}
    # three people in each role answered every question: the sizes are said once per role
    assert rep.separation_groups() == {"A": (3, 3), "B": (3, 3)}


def test_a_role_whose_groups_differ_by_question_has_no_single_size() -> None:
    skipped_q4 = CriterionResponse({"q1": "x", "q2": "p", "q3": "n"}, "A", "A")
    rep = criterion_report(TABLE, ROLES, [*RESPONSES, skipped_q4], min_group=3)
    assert "A" not in rep.separation_groups()
