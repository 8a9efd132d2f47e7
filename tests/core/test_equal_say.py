"""Equal say per question (quiz/core/quality.py, question_say): each question's range on each
role, its share of the role's span, and the warning for a question with an outsized say."""

from __future__ import annotations

from fractions import Fraction

import pytest

from quiz.core.bank import load_bank_file
from quiz.core.quality import OUTSIZED_SAY, median, quality_report, question_say, role_spans
from quiz.core.scoring import Dimension, EffectTable, Instrument, Option, Question, Role


def ranged_table(ranges: list[int], other: list[int] | None = None) -> EffectTable:
    """Questions q1, q2, ... whose range on role A is ``ranges[i]`` (and on B ``other[i]``).

    Each question offers an option weighing nothing and one weighing the range on x (and
    on y for B), so the range is exactly that weight.
    """
    other = other or [1] * len(ranges)
    return EffectTable.from_instrument(
        Instrument(
            dimensions=(Dimension("x", "skill"), Dimension("y", "skill")),
            roles=(Role("a", 1, {"x": 1}), Role("b", 2, {"y": 1})),
            questions=tuple(
                Question(
                    f"q{i}",
                    (Option("none", {}), Option("some", {"x": r, "y": o})),
                )
                for i, (r, o) in enumerate(zip(ranges, other, strict=True), start=1)
            ),
        )
    )


def say_warnings(table: EffectTable) -> list[str]:
    report = quality_report(
        table,
        [],
        question_labels={q: q.upper() for q in table.effects},
        role_names={"a": "A", "b": "B"},
        respondents=50,
    )
    return [str(w) for w in report.warnings if "outsized say" in str(w)]


@pytest.mark.parametrize(
    ("values", "expected"),
    [([], None), ([5], 5), ([3, 1, 2], 2), ([4, 1, 3, 2], Fraction(5, 2)), ([2, 2, 6, 2], 2)],
)
def test_median_is_exact(values: list[int], expected: Fraction | None) -> None:
    assert median(values) == expected


def test_each_question_has_its_range_and_share_of_each_role() -> None:
    table = ranged_table([2, 2, 2, 6], other=[1, 1, 1, 1])
    a, b = question_say(table)
    assert (a.role, a.span, b.span) == ("a", 12, 4)
    assert a.ranges == {"q1": 2, "q2": 2, "q3": 2, "q4": 6}
    assert a.shares == {"q1": 2 / 12, "q2": 2 / 12, "q3": 2 / 12, "q4": 6 / 12}
    assert sum(a.shares.values()) == pytest.approx(1)
    assert [s.span for s in (a, b)] == role_spans(table)
    assert (a.median, a.largest_to_median) == (2, 3.0)
    assert (b.median, b.largest_to_median) == (1, 1.0)


def test_a_question_with_three_times_the_median_range_is_warned_about() -> None:
    table = ranged_table([2, 2, 2, 6])
    assert question_say(table)[0].outsized == ["q4"]
    assert say_warnings(table) == [
        "Q4 has an outsized say in A: its answers span 50.0% of the role's range, 3.0 times as "
        "much as the median question that moves it (16.7%)."
    ]


def test_a_question_with_exactly_twice_the_median_range_is_not() -> None:
    table = ranged_table([2, 2, 2, 4])
    assert OUTSIZED_SAY == 2
    assert question_say(table)[0].outsized == []
    assert say_warnings(table) == []


def test_the_median_leaves_out_the_questions_that_never_touch_the_role() -> None:
    # Over all seven the median would be 0, and every question that moves A would stand out;
    # over the three that move it, it is 2, and only the 6 does.
    table = ranged_table([0, 0, 0, 0, 2, 2, 6], other=[1] * 7)
    a = question_say(table)[0]
    assert a.median == 2
    assert a.outsized == ["q7"]
    assert a.shares["q1"] == 0.0
    assert [w.split(":")[0] for w in say_warnings(table)] == ["Q7 has an outsized say in A"]


def test_a_role_no_question_moves_has_no_median_and_no_warning() -> None:
    table = ranged_table([0, 0, 0], other=[1, 1, 1])
    a = question_say(table)[0]
    assert (a.span, a.median, a.largest_to_median, a.outsized) == (0, None, None, [])
    assert a.shares == {"q1": 0.0, "q2": 0.0, "q3": 0.0}
    assert say_warnings(table) == []


def test_every_role_of_a_real_bank_shares_out_its_whole_span() -> None:
    bank = load_bank_file()
    for role_say in question_say(bank.effect_table):
        assert list(role_say.ranges) == [q.key for q in bank.questions]
        assert sum(role_say.ranges.values()) == role_say.span
        assert sum(role_say.shares.values()) == pytest.approx(1)
        moving = sorted(r for r in role_say.ranges.values() if r)
        if moving:
            assert moving[0] <= role_say.median <= moving[-1]
            assert role_say.largest_to_median == float(moving[-1] / role_say.median)
