"""Export stored results as CSV, streamed, so millions of them never sit in memory at once.

One row per stored, undeleted result the filter picks, oldest id first, as
stored when the export started:
``result_id, created_at, quiz_version, mode, top_role`` (mode: ``full`` or
``quick``), a ``fit_<role>`` column per role, ``seconds_taken, careless``, then
one column per question holding the chosen option's key (empty where quick mode
did not ask it). Roles and questions are the union over the quiz versions
the exported results were taken on, in order of first appearance (by version
number, then place in that version's bank); a result leaves the columns its own
version did not have empty.

What is never exported: share tokens (a token is what opens a result page) and
delete-key hashes.

Spreadsheets run a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return as a formula, so every text cell that starts with one gets a
leading apostrophe (:func:`safe_cell`). Numbers the export writes itself need no
guard.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TextIO

from sqlalchemy import func, select

from quiz.core.result_page import as_utc
from quiz.db import db
from quiz.models import QuizVersion, Result
from quiz.store.analytics import ResultFilter

# rows read from the database, and written out, at a time
CHUNK_ROWS = 1000
FIXED_COLUMNS = ("result_id", "created_at", "quiz_version", "mode", "top_role")
# how far a result can be trusted: its time, any careless-answer flag, and whether
# `flask demo-results` made it up ("yes") rather than a person
TRUST_COLUMNS = ("seconds_taken", "careless", "synthetic")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(text: str) -> str:
    """Return ``text`` with a leading apostrophe if a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def results_csv(result_filter: ResultFilter) -> Iterator[str]:
    """Yield the CSV of the results ``result_filter`` picks: the header, then rows in chunks."""
    for text, _ in _chunks(result_filter):
        yield text


def write_results_csv(result_filter: ResultFilter, out: TextIO) -> int:
    """Write the CSV of the results ``result_filter`` picks to ``out``; return how many."""
    exported = 0
    for text, rows in _chunks(result_filter):
        out.write(text)
        exported += rows
    return exported


def _chunks(result_filter: ResultFilter) -> Iterator[tuple[str, int]]:
    """Yield (CSV text, number of results in it), header first, about CHUNK_ROWS results each."""
    conditions = result_filter.result_conditions()
    # results stored while the export runs are left for the next one: the header and
    # the rows then cover the same results
    newest = db.session.scalar(select(func.max(Result.id)).where(*conditions))
    conditions.append(Result.id <= (newest or 0))
    covered = select(Result.quiz_version_id).where(*conditions).distinct()
    versions: Sequence[Any] = db.session.execute(
        select(QuizVersion.id, QuizVersion.number, QuizVersion.bank)
        .where(QuizVersion.id.in_(covered))
        .order_by(QuizVersion.number)
    ).all()
    numbers = {version_id: number for version_id, number, _ in versions}
    roles = _union(role["key"] for _, _, bank in versions for role in bank["roles"])
    questions = _union(q["key"] for _, _, bank in versions for q in bank["questions"])

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            *FIXED_COLUMNS,
            *(safe_cell(f"fit_{role}") for role in roles),
            *TRUST_COLUMNS,
            *(safe_cell(question) for question in questions),
        ]
    )
    yield _take(buffer), 0

    # each place in the ranking's role and fit, picked out by the database: parsing the
    # whole stored outcome (pushes and profile too) would cost most of the export's time
    places = max((len(bank["roles"]) for _, _, bank in versions), default=0)
    ranking = [
        column
        for place in range(places)
        for column in (
            Result.outcome[("ranking", place, "role")].as_string(),
            Result.outcome[("ranking", place, "fit")].as_integer(),
        )
    ]
    rows = db.session.execute(
        select(
            Result.id,
            Result.created_at,
            Result.quiz_version_id,
            Result.mode,
            Result.top_role,
            Result.seconds_taken,
            Result.careless,
            Result.synthetic,
            Result.answers,
            *ranking,
        )
        .where(*conditions)
        .order_by(Result.id)
        .execution_options(yield_per=CHUNK_ROWS)
    )
    for partition in rows.partitions():
        row: Any
        for row in partition:
            result_id, created_at, version_id, mode, top_role, seconds, careless = row[:7]
            synthetic, answers = row[7:9]
            placed = row[9:]
            fits = dict(zip(placed[0::2], placed[1::2], strict=True))
            writer.writerow(
                [
                    result_id,
                    as_utc(created_at).isoformat(),
                    numbers[version_id],
                    mode,
                    safe_cell(top_role),
                    *(_number(fits.get(role)) for role in roles),
                    _number(seconds),
                    safe_cell(careless or ""),
                    "yes" if synthetic else "",
                    *_answer_cells(answers, questions),
                ]
            )
        yield _take(buffer), len(partition)


def _union(keys: Iterable[str]) -> list[str]:
    """Return the distinct keys in order of first appearance."""
    return list(dict.fromkeys(keys))


def _number(value: Any) -> Any:
    # stored numbers are written as they are; anything else is text and gets the guard
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return safe_cell(str(value))


def _answer_cells(answers: dict[str, Any], questions: list[str]) -> list[str]:
    """Return the chosen option of each question, empty where the result has no answer."""
    return [
        safe_cell(str(answers[question])) if question in answers else "" for question in questions
    ]


def _take(buffer: io.StringIO) -> str:
    """Return what ``buffer`` holds and empty it."""
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
