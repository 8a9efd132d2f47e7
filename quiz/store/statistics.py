"""The counts that statistics about takers rest on: norms and criterion evidence.

Both describe real people, so both read only a version's real, careful full-quiz
results (see :func:`quiz.store.analytics.careful_responses` for why quick-mode and
synthetic results stay out). Neither reads those results when a page is shown: with
hundreds of thousands of them that would take seconds. Instead the results are counted
into :class:`~quiz.models.StatisticsCount` rows, a few thousand per version however
many results there are, and the counts keep up with every change:

* the analytics fold (:func:`quiz.store.analytics.fold_new_results`) adds what each result
  it folds in counts (:func:`statistics_of_result`, :func:`add_statistics`);
* a change to a result already folded in (its taker says what they do now, changes or
  withdraws it, or deletes the result) is made inside :func:`recounted`, which takes the
  fold mark's lock, then subtracts what the result counted before and adds what it
  counts after. A result not folded in yet is left to the fold, which reads it as it is.

After each change the norms of the versions it touched are worked out again
(:func:`refresh_norms`) into one :class:`~quiz.models.VersionNorms` row per version, so
a result page finds its percentiles with one lookup by primary key.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import select

from quiz.core.criterion import CriterionTally
from quiz.core.norms import NO_NORMS, Norms, norm_table
from quiz.db import db
from quiz.models import Result, StatisticsCount, VersionNorms
from quiz.store.counting import add_to_counts, database_insert, lock_fold_mark

FIT = "fit"
TOP = "top"
ANSWER = "answer"

# (quiz version id, measure, stated work, subject, value)
StatisticsKey = tuple[int, str, str, str, str]

# What statistics_of_result reads of a result: the fold selects these columns.
STATISTICS_COLUMNS = (
    Result.quiz_version_id,
    Result.deleted_at,
    Result.careless,
    Result.synthetic,
    Result.mode,
    Result.work_now,
    Result.top_role,
    Result.answers,
    Result.outcome,
)


class CountedResult(Protocol):
    """A stored result, or a row of STATISTICS_COLUMNS: what statistics_of_result reads."""

    quiz_version_id: int
    deleted_at: datetime | None
    careless: str | None
    synthetic: bool
    mode: str
    work_now: str | None
    top_role: str
    answers: Mapping[str, str]
    outcome: Mapping[str, Any]


def statistics_of_result(result: CountedResult) -> Counter[StatisticsKey]:
    """Return what one result adds to the statistics counts: nothing unless it is real,
    careful, a full quiz and not deleted."""
    counts: Counter[StatisticsKey] = Counter()
    if (
        result.deleted_at is not None
        or result.careless is not None
        or result.synthetic
        or result.mode != "full"
    ):
        return counts
    version_id = result.quiz_version_id
    for entry in result.outcome["ranking"]:
        counts[(version_id, FIT, "", entry["role"], str(entry["fit"]))] += 1
    work = result.work_now
    if work is not None:
        counts[(version_id, TOP, work, "", result.top_role)] += 1
        for question, option in result.answers.items():
            counts[(version_id, ANSWER, work, question, option)] += 1
    return counts


def add_statistics(counts: Mapping[StatisticsKey, int]) -> None:
    """Add ``counts`` to the statistics counts, then refresh the touched versions' norms.

    The caller commits.
    """
    add_to_counts(
        StatisticsCount, ("quiz_version_id", "measure", "work", "subject", "value"), counts
    )
    refresh_norms({key[0] for key, amount in counts.items() if key[1] == FIT and amount})


@contextmanager
def recounted(result: Result) -> Iterator[None]:
    """Count whatever the body changes about ``result``, if the fold has taken it in.

    Takes the fold mark's lock first, so no fold runs between the two readings; the
    caller commits, which lets the lock go.
    """
    mark = lock_fold_mark()
    folded = mark is not None and result.id is not None and result.id <= mark
    before = statistics_of_result(result) if folded else Counter()
    yield
    if folded:
        change = Counter(statistics_of_result(result))
        change.subtract(before)
        add_statistics(change)


def refresh_norms(version_ids: Iterable[int]) -> None:
    """Work the norms of ``version_ids`` out again from their fit counts (the caller commits)."""
    for version_id in sorted(version_ids):
        fits: dict[str, Counter[int]] = {}
        rows = db.session.execute(
            select(StatisticsCount.subject, StatisticsCount.value, StatisticsCount.count).where(
                StatisticsCount.quiz_version_id == version_id, StatisticsCount.measure == FIT
            )
        )
        for role, fit, n in rows:
            fits.setdefault(role, Counter())[int(fit)] += n
        norms = norm_table(fits)
        values = {
            "quiz_version_id": version_id,
            "results": norms.results,
            "below": {role: list(below) for role, below in norms.below.items()},
            "refreshed_at": datetime.now(UTC),
        }
        statement = database_insert(VersionNorms).values(values)
        db.session.execute(
            statement.on_conflict_do_update(
                index_elements=[VersionNorms.quiz_version_id],
                set_={
                    "results": statement.excluded.results,
                    "below": statement.excluded.below,
                    "refreshed_at": statement.excluded.refreshed_at,
                },
            )
        )


def refresh_all_norms() -> int:
    """Work out the norms of every version with fit counts again; return how many (the
    caller commits). The fold keeps them up to date; this catches up after an upgrade."""
    version_ids = set(
        db.session.scalars(
            select(StatisticsCount.quiz_version_id).where(StatisticsCount.measure == FIT).distinct()
        )
    )
    refresh_norms(version_ids)
    return len(version_ids)


def version_norms(version_id: int) -> Norms:
    """Return a version's norms: one lookup by primary key (no norms before any result)."""
    row = db.session.get(VersionNorms, version_id)
    if row is None:
        return NO_NORMS
    return Norms(results=row.results, below=row.below)


def criterion_tally(version_id: int) -> CriterionTally:
    """Return the counts a version's criterion evidence is worked out from."""
    top_roles: dict[str, dict[str, int]] = {}
    answers: dict[str, dict[str, dict[str, int]]] = {}
    rows = db.session.execute(
        select(
            StatisticsCount.measure,
            StatisticsCount.work,
            StatisticsCount.subject,
            StatisticsCount.value,
            StatisticsCount.count,
        ).where(
            StatisticsCount.quiz_version_id == version_id,
            StatisticsCount.measure.in_((TOP, ANSWER)),
            StatisticsCount.count != 0,
        )
    )
    for measure, work, subject, value, n in rows:
        if measure == TOP:
            top_roles.setdefault(work, {})[value] = n
        else:
            answers.setdefault(work, {}).setdefault(subject, {})[value] = n
    return CriterionTally(top_roles, answers)
