"""The quality report waits for its minimum of complete responses and says how many more."""

from __future__ import annotations

from quiz.core.messages import Message
from quiz.core.quality import QualityReport, quality_report
from quiz.core.scoring import Dimension, EffectTable, Instrument, Option, Question, Role

# two roles, each moved by two questions of its own
TABLE = EffectTable.from_instrument(
    Instrument(
        dimensions=(Dimension("a", "skill"), Dimension("b", "skill")),
        roles=(Role("a", 1, {"a": 1}), Role("b", 2, {"b": 1})),
        questions=tuple(
            Question(f"{role}{i}", tuple(Option(str(level), {role: level}) for level in range(3)))
            for role in ("a", "b")
            for i in (1, 2)
        ),
    )
)
# people who answer each role's two questions alike, at different levels
PEOPLE = [
    {"a1": str(i % 3), "a2": str(i % 3), "b1": str((i + 1) % 3), "b2": str((i + 1) % 3)}
    for i in range(3)
]


def english(messages: list[Message]) -> list[str]:
    return [str(message) for message in messages]


def report(complete: int, minimum: int, incomplete: int = 0) -> QualityReport:
    responses = [PEOPLE[i % 3] for i in range(complete)] + [{"a1": "0"}] * incomplete
    return quality_report(
        TABLE,
        responses,
        question_labels={},
        role_names={},
        min_responses=minimum,
        respondents=10,
        style_respondents=10,
    )


def test_the_note_says_how_many_more_complete_responses_are_needed() -> None:
    waiting = report(complete=37, minimum=100, incomplete=5)
    assert (waiting.complete_responses, waiting.responses_needed) == (37, 63)
    assert not waiting.reliability_ready and waiting.reliability == []
    assert (
        "Reliability is worked out once 100 real, careful results answer every question; "
        "37 have so far — 63 more needed."
    ) in english(waiting.notes)


def test_a_single_complete_response_is_worded_in_the_singular() -> None:
    assert (
        "Reliability is worked out once 4 real, careful results answer every question; "
        "1 has so far — 3 more needed."
    ) in english(report(complete=1, minimum=4).notes)


def test_at_the_minimum_reliability_is_worked_out_and_nothing_more_is_needed() -> None:
    ready = report(complete=6, minimum=6)
    assert ready.reliability_ready and ready.responses_needed == 0
    assert [scale.role for scale in ready.reliability] == ["a", "b"]
    assert not any("more needed" in note for note in english(ready.notes))
    assert report(complete=9, minimum=6).responses_needed == 0
