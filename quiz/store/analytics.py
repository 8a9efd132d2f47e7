"""How people take the quiz: results per day, top roles, answers, time taken and drop-off.

The analytics page never reads the results themselves: with millions of them that
would take seconds. It adds up :class:`~quiz.models.DailyCount` rows instead,
a few thousand at most, which stay small however many results there are. Only a
filter by quiz mode or by what takers say they do now reads the results it picks
(:func:`read_analytics_of_results`), as the daily counts keep neither.

Folding
-------
Results are added to the daily counts in batches by :func:`fold_new_results`
(the analytics page does it before it reads, and ``flask --app quiz results
count`` does it from a timer). :class:`~quiz.models.CountedResults` remembers the
last result id folded in. A result is folded only once it is a little while old
(``ANALYTICS_SETTLE_SECONDS``): ids are handed out before commit, so a result
committed a moment after a newer one could otherwise be passed over for good.

Two folds never count the same results: each moves the mark with a compare-and-set
update, which also takes the mark row's lock until it commits. Deleting a result
takes the same lock and, if the result was already folded in, subtracts it
(:func:`forget_result`), so deleted answers leave the counts too.

Pages reached are counted as they are shown (:func:`count_reached_page`), once per
page per visit; that count is best effort and never fails the page.

Synthetic results
-----------------
Results made up by ``flask demo-results`` (``Result.synthetic``) are folded in like
any other, so the page's figures with them add up, and each also adds one to a
``synthetic`` count, keyed like its ``finished`` count: the page says how many of
its results are made up. Statistics that describe takers (the quality report's
reliability) never read them: :func:`careful_responses` and
``result_totals(real_only=True)`` leave them out.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, Select, and_, case, func, null, select, update
from sqlalchemy.exc import SQLAlchemyError

from quiz.db import db
from quiz.models import CountedResults, DailyCount, Result
from quiz.store.counting import MARK_ID, add_to_counts, database_insert, lock_fold_mark
from quiz.store.self_reports import reported_work_is
from quiz.store.statistics import (
    STATISTICS_COLUMNS,
    StatisticsKey,
    add_statistics,
    statistics_of_result,
)

FINISHED = "finished"
SECONDS = "seconds"
ANSWER = "answer"
REACHED = "reached"
# one per synthetic result, beside its FINISHED count (subject and value are empty)
SYNTHETIC = "synthetic"

# Longer than an hour counts as an hour: the median is what matters, and it keeps the
# number of distinct values (so of rows) bounded.
SECONDS_CAP = 3600
FOLD_BATCH = 2000

# (quiz version id, measure, day, subject, value, careless)
CountKey = tuple[int, str, date, str, str, bool]


def utc_day(moment: datetime) -> date:
    """Return the UTC calendar day of a stored time (SQLite hands back naive UTC times)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.date()


def today() -> date:
    return datetime.now(UTC).date()


@dataclass(frozen=True)
class ResultFilter:
    """Which results the analytics page and the CSV export cover."""

    version_id: int | None  # None: every version
    first_day: date
    last_day: date
    include_careless: bool = True
    mode: str | None = None  # "full" or "quick"; None: both
    # a role key, one of OTHER_WORK or NOT_ANSWERED (quiz.store.self_reports); None: any
    work_now: str | None = None

    @property
    def reads_results(self) -> bool:
        """Tell whether the filter needs the results themselves: the daily counts keep no
        mode and no self-reported work."""
        return self.mode is not None or self.work_now is not None

    def day_bounds(self) -> tuple[datetime, datetime]:
        """Return the first moment of ``first_day`` and the first moment after ``last_day``."""
        start = datetime.combine(self.first_day, datetime.min.time(), tzinfo=UTC)
        end = datetime.combine(self.last_day + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
        return start, end

    def result_conditions(self) -> list[ColumnElement[bool]]:
        """Return the WHERE conditions that pick this filter's stored, undeleted results."""
        start, end = self.day_bounds()
        conditions = [
            Result.deleted_at.is_(None),
            Result.created_at >= start,
            Result.created_at < end,
        ]
        if self.version_id is not None:
            conditions.append(Result.quiz_version_id == self.version_id)
        if not self.include_careless:
            conditions.append(Result.careless.is_(None))
        if self.mode is not None:
            conditions.append(Result.mode == self.mode)
        if self.work_now is not None:
            conditions.append(reported_work_is(self.work_now))
        return conditions


# --- keeping the counts ----------------------------------------------------------------


# What counts_of_result reads of a result, in the order of its parameters.
COUNTED_COLUMNS = (
    Result.quiz_version_id,
    Result.created_at,
    Result.top_role,
    Result.seconds_taken,
    Result.careless,
    Result.answers,
    Result.synthetic,
)


# What the fold reads of a result: the columns of both kinds of counts, each once. Only
# the results the statistics count (real, careful, full quiz) have their outcome read:
# it is the largest column, and the analytics counts never need it.
FOLDED_COLUMNS = (
    *{c.key: c for c in (*COUNTED_COLUMNS, *STATISTICS_COLUMNS) if c.key != "outcome"}.values(),
    case(
        (
            and_(Result.careless.is_(None), Result.synthetic.is_(False), Result.mode == "full"),
            Result.outcome,
        ),
        else_=null(),
    ).label("outcome"),
)


def counts_of_result(
    version_id: int,
    created_at: datetime,
    top_role: str,
    seconds_taken: int | None,
    careless: str | None,
    answers: Mapping[str, str],
    synthetic: bool = False,
) -> Iterable[CountKey]:
    """Yield the count keys one stored result adds one to."""
    day = utc_day(created_at)
    flagged = careless is not None
    yield (version_id, FINISHED, day, "", top_role, flagged)
    if synthetic:
        yield (version_id, SYNTHETIC, day, "", "", flagged)
    if seconds_taken is not None:
        shown = max(0, min(seconds_taken, SECONDS_CAP))
        yield (version_id, SECONDS, day, "", str(shown), flagged)
    for question, option in answers.items():
        yield (version_id, ANSWER, day, question, option, flagged)


def add_counts(counts: Mapping[CountKey, int]) -> None:
    """Add ``counts`` to the daily counts, creating rows as needed (the caller commits)."""
    add_to_counts(
        DailyCount, ("quiz_version_id", "measure", "day", "subject", "value", "careless"), counts
    )


def count_reached_page(version_id: int, page: int) -> None:
    """Count one visit reaching quiz page ``page``; never fail the page over it."""
    try:
        add_counts({(version_id, REACHED, today(), "", str(page), False): 1})
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.warning("Could not count a visit to quiz page %d", page, exc_info=True)


def _ensure_mark() -> None:
    db.session.execute(
        database_insert(CountedResults)
        .values(id=MARK_ID, last_result_id=0)
        .on_conflict_do_nothing()
    )


def fold_new_results(limit: int | None = None) -> int:
    """Add results not yet counted to the daily counts, at most ``limit``; return how many.

    Deleted results are passed over without being counted, but still count towards
    the number returned, so a caller can fold until it gets 0. Commits. Returns 0 when
    there is nothing to add or another fold is running.
    """
    _ensure_mark()
    db.session.commit()
    mark = _mark()
    newest = db.session.scalar(select(func.max(Result.id)))
    if newest is None or newest <= mark:
        return 0  # the usual case, answered from the primary key's index alone
    settled_before = datetime.now(UTC) - timedelta(
        seconds=current_app.config["ANALYTICS_SETTLE_SECONDS"]
    )
    # bounded by id on both sides, so the database walks the few new ids, not every
    # result created before the settling time
    newest_settled = select(Result.id).where(
        Result.id > mark, Result.id <= newest, Result.created_at < settled_before
    )
    upper = db.session.scalar(newest_settled.order_by(Result.id.desc()).limit(1))
    if upper is None:
        return 0
    if limit is not None:
        upper = min(
            upper,
            db.session.scalar(
                select(Result.id)
                .where(Result.id > mark)
                .order_by(Result.id)
                .offset(limit - 1)
                .limit(1)
            )
            or upper,
        )
    moved = db.session.execute(
        update(CountedResults)
        .where(CountedResults.id == MARK_ID, CountedResults.last_result_id == mark)
        .values(last_result_id=upper)
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()  # another fold got there first
        return 0
    counts: Counter[CountKey] = Counter()
    statistics: Counter[StatisticsKey] = Counter()
    folded = 0
    rows = db.session.execute(
        select(*FOLDED_COLUMNS)
        .where(Result.id > mark, Result.id <= upper)
        .execution_options(yield_per=FOLD_BATCH)
    )
    for row in rows:
        folded += 1
        if row.deleted_at is None:
            counts.update(counts_of_result(*(getattr(row, c.key) for c in COUNTED_COLUMNS)))
            statistics.update(statistics_of_result(row))
    add_counts(counts)
    add_statistics(statistics)
    db.session.commit()
    return folded


def uncounted_results() -> int:
    """Return how many stored results the daily counts do not include yet."""
    newer = select(func.count()).select_from(Result).where(Result.id > _mark())
    return db.session.scalar(newer) or 0


def results_per_version() -> dict[int, int]:
    """Return how many undeleted results each quiz version has, by version id."""
    totals: Counter[int] = Counter()
    for (version_id, _), n in result_totals().items():
        totals[version_id] += n
    return dict(totals)


def result_totals(*, real_only: bool = False) -> dict[tuple[int, bool], int]:
    """Return how many undeleted results each version has, careful and careless apart.

    Keys are (version id, flagged as careless). With ``real_only``, synthetic results
    are left out. The counted results come from the daily counts and only the few not
    counted yet from the results table, whose rows are large: reading them all would
    take seconds with millions of them.
    """
    totals: Counter[tuple[int, bool]] = Counter()

    def counted(measure: str) -> Select[Any]:
        return (
            select(DailyCount.quiz_version_id, DailyCount.careless, func.sum(DailyCount.count))
            .where(DailyCount.measure == measure)
            .group_by(DailyCount.quiz_version_id, DailyCount.careless)
        )

    flagged = Result.careless.is_not(None)
    newer = (
        select(Result.quiz_version_id, flagged, func.count())
        .where(Result.id > _mark(), Result.deleted_at.is_(None))
        .group_by(Result.quiz_version_id, flagged)
    )
    if real_only:
        newer = newer.where(Result.synthetic.is_(False))
    for query in (counted(FINISHED), newer):
        for version_id, careless, n in db.session.execute(query):
            totals[(version_id, bool(careless))] += int(n)
    if real_only:
        for version_id, careless, n in db.session.execute(counted(SYNTHETIC)):
            totals[(version_id, bool(careless))] -= int(n)
    return {key: n for key, n in totals.items() if n}


def _mark() -> int:
    """Return the id of the last result in the daily counts (0 before the first fold)."""
    mark = db.session.scalar(
        select(CountedResults.last_result_id).where(CountedResults.id == MARK_ID)
    )
    return mark or 0


def forget_result(result: Result) -> None:
    """Take a result about to be deleted out of the daily counts, if it is in them.

    Call it before its answers are wiped, in the same transaction (the caller commits).
    """
    locked = lock_fold_mark()
    if locked is None or result.id > locked:
        return  # not folded in yet, and now it never will be: deleted results are skipped
    counts = Counter(
        counts_of_result(
            result.quiz_version_id,
            result.created_at,
            result.top_role,
            result.seconds_taken,
            result.careless,
            result.answers,
            result.synthetic,
        )
    )
    add_counts({key: -amount for key, amount in counts.items()})


# --- reading the counts ----------------------------------------------------------------


@dataclass(frozen=True)
class Analytics:
    """What the analytics page shows for one filter."""

    filter: ResultFilter
    finished: int
    careless: int
    synthetic: int  # of the finished results, how many ``flask demo-results`` made up
    per_day: list[tuple[date, int]]
    top_roles: dict[str, int]
    median_seconds: float | None
    reached: dict[int, int]
    answers: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def started(self) -> int:
        return self.reached.get(1, 0)


def _sum_by(measure: str, result_filter: ResultFilter, *columns: Any) -> Select[Any]:
    query = (
        select(*columns, func.sum(DailyCount.count))
        .where(
            DailyCount.measure == measure,
            DailyCount.day >= result_filter.first_day,
            DailyCount.day <= result_filter.last_day,
        )
        .group_by(*columns)
    )
    if result_filter.version_id is not None:
        query = query.where(DailyCount.quiz_version_id == result_filter.version_id)
    if not result_filter.include_careless:
        query = query.where(DailyCount.careless.is_(False))
    return query


def read_analytics(result_filter: ResultFilter) -> Analytics:
    """Add up the daily counts for ``result_filter``.

    A filter by mode or by self-reported work reads the results it picks instead (see
    :func:`read_analytics_of_results`): the daily counts keep neither.
    """
    if result_filter.reads_results:
        return read_analytics_of_results(result_filter)
    by_day = dict(db.session.execute(_sum_by(FINISHED, result_filter, DailyCount.day)).all())
    days = (result_filter.last_day - result_filter.first_day).days + 1
    per_day = [
        (day, int(by_day.get(day, 0)))
        for day in (result_filter.first_day + timedelta(days=i) for i in range(days))
    ]
    top_roles = {
        role: int(n)
        for role, n in db.session.execute(_sum_by(FINISHED, result_filter, DailyCount.value))
    }
    careless_query = _sum_by(FINISHED, result_filter, DailyCount.careless).where(
        DailyCount.careless.is_(True)
    )
    careless = sum(int(n) for _, n in db.session.execute(careless_query))
    synthetic_query = _sum_by(SYNTHETIC, result_filter, DailyCount.careless)
    synthetic = sum(int(n) for _, n in db.session.execute(synthetic_query))
    durations = {
        int(seconds): int(n)
        for seconds, n in db.session.execute(_sum_by(SECONDS, result_filter, DailyCount.value))
    }
    reached = {
        int(page): int(n)
        for page, n in db.session.execute(
            _sum_by(REACHED, result_filter, DailyCount.value).where(DailyCount.careless.is_(False))
        )
    }
    answers: dict[str, dict[str, int]] = {}
    for question, option, n in db.session.execute(
        _sum_by(ANSWER, result_filter, DailyCount.subject, DailyCount.value)
    ):
        answers.setdefault(question, {})[option] = int(n)
    return Analytics(
        filter=result_filter,
        finished=sum(top_roles.values()),
        careless=careless,
        synthetic=synthetic,
        per_day=per_day,
        top_roles=top_roles,
        median_seconds=median_of_counts(durations),
        reached=dict(sorted(reached.items())),
        answers=answers,
    )


def read_analytics_of_results(result_filter: ResultFilter) -> Analytics:
    """Count the results ``result_filter`` picks one by one, as a fold would.

    Slower than the daily counts, as it reads every result picked, so only for the
    filters the counts cannot answer. Results too new to be folded yet are included.
    Pages reached are counted per visit, before any result exists, so they are not
    shown: ``reached`` is empty.
    """
    counts: Counter[CountKey] = Counter()
    rows = db.session.execute(
        select(*COUNTED_COLUMNS)
        .where(*result_filter.result_conditions())
        .execution_options(yield_per=FOLD_BATCH)
    )
    for row in rows:
        counts.update(counts_of_result(*row))
    by_day: Counter[date] = Counter()
    top_roles: Counter[str] = Counter()
    durations: Counter[int] = Counter()
    answers: dict[str, dict[str, int]] = {}
    careless = 0
    synthetic = 0
    for (_, measure, day, subject, value, flagged), n in counts.items():
        if measure == FINISHED:
            by_day[day] += n
            top_roles[value] += n
            careless += n if flagged else 0
        elif measure == SYNTHETIC:
            synthetic += n
        elif measure == SECONDS:
            durations[int(value)] += n
        elif measure == ANSWER:
            by_question = answers.setdefault(subject, {})
            by_question[value] = by_question.get(value, 0) + n
    days = (result_filter.last_day - result_filter.first_day).days + 1
    return Analytics(
        filter=result_filter,
        finished=sum(top_roles.values()),
        careless=careless,
        synthetic=synthetic,
        per_day=[
            (day, by_day[day])
            for day in (result_filter.first_day + timedelta(days=i) for i in range(days))
        ],
        top_roles=dict(top_roles),
        median_seconds=median_of_counts(durations),
        reached={},
        answers=answers,
    )


def median_of_counts(counts: Mapping[int, int]) -> float | None:
    """Return the median of values given as value -> how many times it occurs."""
    total = sum(n for n in counts.values() if n > 0)
    if total == 0:
        return None
    # the middle one or two positions, counting from 0
    wanted = sorted({(total - 1) // 2, total // 2})
    found: list[int] = []
    seen = 0
    for value in sorted(counts):
        n = counts[value]
        if n <= 0:
            continue
        while wanted and wanted[0] < seen + n:
            found.append(value)
            wanted.pop(0)
        seen += n
    return statistics.fmean(found)


def _careful_full_results(version_id: int) -> list[ColumnElement[bool]]:
    """Return the conditions picking a version's undeleted, real, careful full-quiz results:
    the ones every statistic about takers rests on (see careful_responses for why)."""
    return [
        Result.quiz_version_id == version_id,
        Result.deleted_at.is_(None),
        Result.careless.is_(None),
        Result.synthetic.is_(False),
        Result.mode == "full",
    ]


def careful_responses(version_id: int, most: int) -> list[dict[str, str]]:
    """Return the answers of the latest ``most`` real, careful, undeleted results of a version.

    Only full-quiz results count: quick mode skips the questions that would not change
    its top role, so its answers say nothing about how the skipped ones hang together.
    Synthetic results never count: they are drawn from the bank's own weights, so they
    would show the quiz measuring exactly what it was built to measure.
    """
    return list(
        db.session.scalars(
            select(Result.answers)
            .where(*_careful_full_results(version_id))
            .order_by(Result.id.desc())
            .limit(most)
        )
    )
