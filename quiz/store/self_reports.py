"""What takers say they do now: an optional answer kept with their result, never scored.

It is asked to check, from people who already do the work, whether the quiz's answer
agrees with reality. It never changes the result it is kept with. Only the result's
owner (whoever holds its private delete key) may give, change or withdraw it, and
erasing the result erases it too (:func:`quiz.store.results.erase_result`). Each change
is counted into the criterion evidence at once (:func:`quiz.store.statistics.recounted`).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime
from typing import Final

from sqlalchemy import ColumnElement

from quiz.models import Result
from quiz.store.statistics import recounted

# Answers beside the roles of the result's version, in the order they are offered.
OTHER_WORK: Final = ("other-data-software", "student-or-changer", "something-else")
# The analytics filter's value for results whose taker said nothing.
NOT_ANSWERED: Final = "not-answered"
MOST_YEARS: Final = 60


class InvalidSelfReport(ValueError):
    """The answer is not one the result's version offers, or the years are out of range."""


def work_answers(role_keys: Collection[str]) -> list[str]:
    """Return every answer a result of a version with ``role_keys`` may carry, in order."""
    return [*role_keys, *(answer for answer in OTHER_WORK if answer not in role_keys)]


def record_work_now(
    result: Result, work_now: str, years: int | None, role_keys: Collection[str]
) -> None:
    """Keep what the taker does now and for how long, replacing any earlier answer.

    ``role_keys`` are the roles of the result's version: an answer must be one of them
    or one of :data:`OTHER_WORK`; years, when given, a whole number from 0 to 60.
    Raises :class:`InvalidSelfReport` otherwise, and changes nothing (the caller commits).
    """
    if work_now not in work_answers(role_keys):
        raise InvalidSelfReport(f"not an answer this result offers: {work_now!r}")
    if years is not None and not 0 <= years <= MOST_YEARS:
        raise InvalidSelfReport(f"years out of range: {years!r}")
    with recounted(result):
        result.work_now = work_now
        result.work_years = years
        result.work_reported_at = datetime.now(UTC)


def withdraw_work_now(result: Result) -> None:
    """Forget what the taker said they do now (the caller commits)."""
    with recounted(result):
        clear_work_now(result)


def clear_work_now(result: Result) -> None:
    """Empty the answer's fields, leaving the counts to the caller (see withdraw_work_now)."""
    result.work_now = None
    result.work_years = None
    result.work_reported_at = None


def reported_work_is(answer: str) -> ColumnElement[bool]:
    """Return the condition that picks results whose taker gave ``answer``.

    :data:`NOT_ANSWERED` picks those whose taker said nothing (or withdrew what they said).
    """
    if answer == NOT_ANSWERED:
        return Result.work_now.is_(None)
    return Result.work_now == answer
