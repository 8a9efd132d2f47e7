"""The CSV export of results (``flask --app quiz results export``) and ``results count``.

Results come from the real quiz, taken through the test client; the export must match
what is stored, leave out share tokens and delete keys, filter by version, day and
carefulness, and stream rather than hold every result in memory.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import tracemalloc
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result as CliResult
from flask import Flask
from flask.testing import FlaskCliRunner
from helpers import delete_result, take_quiz, varied
from sqlalchemy import func, select, update

from quiz.core.bank import DEFAULT_BANK_PATH, parse_bank
from quiz.core.result_page import as_utc
from quiz.db import db
from quiz.models import DailyCount, QuizVersion, Result
from quiz.store.analytics import FINISHED, ResultFilter, uncounted_results
from quiz.store.demo import insert_demo_results
from quiz.store.drafts import replace_draft
from quiz.store.export import safe_cell, write_results_csv
from quiz.store.publishing import publish_draft

DOCUMENT = json.loads(DEFAULT_BANK_PATH.read_text(encoding="utf-8"))
ROLES = [r["key"] for r in DOCUMENT["roles"]]
QUESTIONS = [q["key"] for q in DOCUMENT["questions"]]
FIXED = ["result_id", "created_at", "quiz_version", "mode", "top_role"]
TRUST = ["seconds_taken", "careless", "synthetic"]
OLD_DAY = datetime(2024, 1, 15, 12, 0, tzinfo=UTC)


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """An empty folder for export files (the test's SQLite database sits in tmp_path)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def run(runner: FlaskCliRunner, *args: str) -> CliResult:
    return runner.invoke(args=list(args))


def first_option(name: str, values: list[str]) -> str:
    return values[0]


def second_version() -> dict[str, Any]:
    """Return a changed bank: a new first question, the last one gone, a role with a new key."""
    document = copy.deepcopy(DOCUMENT)
    document["questions"].pop()
    new = copy.deepcopy(next(q for q in document["questions"] if q["kind"] == "likert"))
    new["key"] = "q00"
    new["prompt"] = "A question only version two asks."
    document["questions"].insert(0, new)
    document["roles"][-1]["key"] = "ai-researcher"
    return document


def publish(app: Flask, document: dict[str, Any]) -> int:
    """Replace the draft with ``document``, publish it, and return the new version's id."""
    with app.app_context():
        replace_draft(parse_bank(document))
        version_id = publish_draft().id
        db.session.commit()
    return version_id


def stored_results(app: Flask) -> list[Result]:
    with app.app_context():
        results = db.session.scalars(select(Result).order_by(Result.id)).all()
        db.session.expunge_all()
        return list(results)


def version_numbers(app: Flask) -> dict[int, int]:
    with app.app_context():
        return dict(db.session.execute(select(QuizVersion.id, QuizVersion.number)).all())


def expected_row(
    result: Result, numbers: dict[int, int], roles: list[str], questions: list[str]
) -> list[str]:
    """Return a result's CSV row as the export should write it, from what is stored."""
    fits = {entry["role"]: str(entry["fit"]) for entry in result.outcome["ranking"]}
    return [
        str(result.id),
        as_utc(result.created_at).isoformat(),
        str(numbers[result.quiz_version_id]),
        result.mode,
        result.top_role,
        *(fits.get(role, "") for role in roles),
        "" if result.seconds_taken is None else str(result.seconds_taken),
        result.careless or "",
        "yes" if result.synthetic else "",
        *(result.answers.get(q, "") for q in questions),
    ]


def parse(text: str) -> tuple[list[str], list[list[str]]]:
    header, *rows = list(csv.reader(io.StringIO(text)))
    return header, rows


def exported_ids(text: str) -> list[int]:
    return [int(row[0]) for row in parse(text)[1]]


@pytest.fixture
def mixed(app: Flask) -> dict[str, int]:
    """Results of both versions, one careless, one deleted, one from an old day; name -> id.

    Version 1: a straight-liner (flagged careless), a careful one moved back to
    2024-01-15, a careful one deleted by its taker. Version 2: one careful result.
    """
    straight = take_quiz(app.test_client(), choose=first_option)
    old = take_quiz(app.test_client(), choose=varied)
    deleted = take_quiz(app.test_client(), choose=varied)
    delete_result(deleted)
    publish(app, second_version())
    newer = take_quiz(app.test_client(), choose=varied)
    ids = {}
    with app.app_context():
        for name, taker in [("straight", straight), ("old", old), ("deleted", deleted)]:
            token = taker.result_url.rsplit("/", 1)[1]
            ids[name] = db.session.scalar(select(Result.id).where(Result.share_token == token))
        token = newer.result_url.rsplit("/", 1)[1]
        ids["newer"] = db.session.scalar(select(Result.id).where(Result.share_token == token))
        db.session.execute(update(Result).where(Result.id == ids["old"]).values(created_at=OLD_DAY))
        db.session.commit()
        flags = dict(db.session.execute(select(Result.id, Result.careless)).all())
    assert flags[ids["straight"]] == "same-answer"
    assert flags[ids["old"]] is None and flags[ids["newer"]] is None
    return ids


# ---------------------------------------------------------------- the export


def test_export_to_a_file_matches_the_stored_results_row_for_row(app, runner, tmp_path):
    takers = [take_quiz(app.test_client(), choose=c) for c in (first_option, varied)]
    target = tmp_path / "results.csv"

    result = run(runner, "results", "export", str(target))

    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == f"Exported 2 results to {target}"
    assert result.stdout == ""
    header, rows = parse(target.read_text(encoding="utf-8"))
    assert header == [*FIXED, *(f"fit_{r}" for r in ROLES), *TRUST, *QUESTIONS]
    stored = stored_results(app)
    assert [r.share_token for r in stored] == [t.result_url.rsplit("/", 1)[1] for t in takers]
    numbers = version_numbers(app)
    assert rows == [expected_row(r, numbers, ROLES, QUESTIONS) for r in stored]
    cells = [dict(zip(header, row, strict=True)) for row in rows]
    assert [c["careless"] for c in cells] == ["same-answer", ""]
    assert all(600 <= int(c["seconds_taken"]) < 660 for c in cells)  # started ten minutes ago


def test_export_marks_results_made_up_by_demo_results_apart_from_real_ones(app, runner):
    take_quiz(app.test_client(), choose=varied)
    with app.app_context():
        insert_demo_results(3, days=1, pool=3)
        db.session.commit()

    result = run(runner, "results", "export", "-")

    header, rows = parse(result.stdout)
    column = header.index("synthetic")
    assert [row[column] for row in rows] == ["", "yes", "yes", "yes"]
    stored = stored_results(app)
    assert [r.synthetic for r in stored] == [False, True, True, True]
    assert rows == [expected_row(r, version_numbers(app), ROLES, QUESTIONS) for r in stored]


def test_export_never_contains_share_tokens_or_delete_keys(app, runner, mixed, tmp_path):
    target = tmp_path / "results.csv"
    assert run(runner, "results", "export", str(target)).exit_code == 0
    text = target.read_text(encoding="utf-8")
    secrets = []
    for result in stored_results(app):
        secrets.append(result.share_token)
        secrets.extend(filter(None, [result.delete_key_hash]))
    assert len(secrets) >= 4 + 3  # four tokens, three delete-key hashes (one result deleted)
    for secret in secrets:
        assert secret not in text
        assert secret[:16] not in text


@pytest.mark.parametrize("args", [["-"], []], ids=["dash", "default"])
def test_export_writes_to_standard_output(app, runner, mixed, tmp_path, args):
    result = run(runner, "results", "export", *args)
    assert result.exit_code == 0, result.output
    assert "Exported" not in result.stderr
    assert exported_ids(result.stdout) == sorted(
        mixed[name] for name in ("straight", "old", "newer")
    )
    target = tmp_path / "results.csv"
    run(runner, "results", "export", str(target))
    assert result.stdout == target.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], ["straight", "old", "newer"]),
        (["--version", "1"], ["straight", "old"]),
        (["--version", "2"], ["newer"]),
        (["--careful-only"], ["old", "newer"]),
        (["--version", "1", "--careful-only"], ["old"]),
        (["--from", "2024-01-15", "--to", "2024-01-15"], ["old"]),
        (["--from", "2024-01-01", "--to", "2024-01-14"], []),
        (["--from", "2024-01-16"], ["straight", "newer"]),
        (["--to", "2024-02-01"], ["old"]),
    ],
    ids=[
        "everything",
        "version-1",
        "version-2",
        "careful-only",
        "version-1-careful",
        "that-day",
        "days-before",
        "from-a-day",
        "to-a-day",
    ],
)
def test_export_filters_by_version_day_and_carefulness(app, runner, mixed, args, expected):
    result = run(runner, "results", "export", *args)
    assert result.exit_code == 0, result.output
    assert exported_ids(result.stdout) == sorted(mixed[name] for name in expected)


def test_results_of_two_versions_give_the_union_of_their_roles_and_questions(
    app, runner, mixed, tmp_path
):
    target = tmp_path / "results.csv"
    assert run(runner, "results", "export", str(target)).exit_code == 0
    header, rows = parse(target.read_text(encoding="utf-8"))

    roles = [*ROLES, "ai-researcher"]
    questions = [*QUESTIONS, "q00"]  # first seen in version 1, then what version 2 adds
    assert header == [*FIXED, *(f"fit_{r}" for r in roles), *TRUST, *questions]
    numbers = version_numbers(app)
    stored = [r for r in stored_results(app) if r.deleted_at is None]
    assert rows == [expected_row(r, numbers, roles, questions) for r in stored]
    by_id = {int(row[0]): dict(zip(header, row, strict=True)) for row in rows}
    old, newer = by_id[mixed["old"]], by_id[mixed["newer"]]
    assert (old["quiz_version"], newer["quiz_version"]) == ("1", "2")
    assert old["fit_ai-researcher"] == old["q00"] == ""
    assert newer["fit_ai-engineer"] == newer[QUESTIONS[-1]] == ""
    assert newer["fit_ai-researcher"] != "" and newer["q00"] != ""


def test_a_single_version_exports_only_its_own_columns(app, runner, mixed):
    result = run(runner, "results", "export", "--version", "2")
    header, _ = parse(result.stdout)
    assert "fit_ai-engineer" not in header and QUESTIONS[-1] not in header
    assert header[len(FIXED) : len(FIXED) + len(ROLES)] == [
        "fit_data-scientist",
        "fit_ml-engineer",
        "fit_ai-researcher",
    ]


def test_no_results_export_the_header_only(app, runner):
    result = run(runner, "results", "export")
    assert result.exit_code == 0
    assert parse(result.stdout) == ([*FIXED, *TRUST], [])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--version", "7"], "there is no published quiz version 7"),
        (["--from", "2024-02-01", "--to", "2024-01-01"], "--from must not be after --to"),
        (["--from", "15/01/2024"], "does not match the format"),
    ],
    ids=["unknown-version", "from-after-to", "bad-date"],
)
def test_bad_options_are_refused_and_write_nothing(app, runner, mixed, out_dir, args, message):
    target = out_dir / "results.csv"
    result = run(runner, "results", "export", str(target), *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert list(out_dir.iterdir()) == []


# ---------------------------------------------------------------- formula injection


@pytest.mark.parametrize(
    "text", ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x")']
)
def test_a_cell_a_spreadsheet_would_run_gets_a_leading_apostrophe(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["", "a", "q01", "same-answer", "1-2", "data-scientist", " =x"])
def test_a_harmless_cell_is_left_alone(text):
    assert safe_cell(text) == text


def test_hostile_stored_text_reaches_the_csv_defused(app, runner):
    take_quiz(app.test_client())
    with app.app_context():
        result = db.session.scalar(select(Result))
        result.top_role = "=cmd|' /C calc'!A0"
        result.careless = "@SUM(1)"
        result.answers = {**result.answers, "q01": "+1", "q02": "-2"}
        db.session.commit()
    text = run(runner, "results", "export").stdout
    header, [row] = parse(text)
    cells = dict(zip(header, row, strict=True))
    assert cells["top_role"] == "'=cmd|' /C calc'!A0"
    assert cells["careless"] == "'@SUM(1)"
    assert (cells["q01"], cells["q02"]) == ("'+1", "'-2")
    assert cells["fit_data-scientist"].isdigit()


# ---------------------------------------------------------------- streaming


class Discard(io.TextIOBase):
    """A text sink that keeps only the number of characters written."""

    def __init__(self) -> None:
        self.characters = 0

    def write(self, text: str) -> int:
        self.characters += len(text)
        return len(text)


def export_peak(app: Flask) -> tuple[int, int, int]:
    """Export every result; return (results, characters written, peak traced bytes)."""
    with app.app_context():
        everything = ResultFilter(None, date(2000, 1, 1), datetime.now(UTC).date())
        sink = Discard()
        tracemalloc.start()
        try:
            exported = write_results_csv(everything, sink)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        db.session.rollback()
    return exported, sink.characters, peak


def test_export_streams_so_ten_times_the_results_need_about_the_same_memory(app):
    # one day and a small pool keep inserting and folding 20,000 results quick
    with app.app_context():
        insert_demo_results(2_000, days=1, pool=200)
    small, small_characters, small_peak = export_peak(app)
    with app.app_context():
        insert_demo_results(18_000, days=1, pool=200, seed=1)
    large, large_characters, large_peak = export_peak(app)

    assert (small, large) == (2_000, 20_000)
    assert large_characters > 9 * small_characters
    # holding every result would take ten times the memory; streaming keeps it level
    assert large_peak < 2 * small_peak, (small_peak, large_peak)


# ---------------------------------------------------------------- results count


def finished_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.coalesce(func.sum(DailyCount.count), 0)).where(
                DailyCount.measure == FINISHED
            )
        )


def test_results_count_folds_every_new_result_into_the_daily_counts(app, runner):
    for _ in range(3):
        take_quiz(app.test_client())
    with app.app_context():
        assert uncounted_results() == 3
    assert finished_count(app) == 0

    result = run(runner, "results", "count")

    assert result.exit_code == 0, result.output
    assert (
        result.stdout.strip()
        == "Went through 3 new results; the daily counts and the norms include them now."
    )
    assert finished_count(app) == 3
    with app.app_context():
        assert uncounted_results() == 0
    again = run(runner, "results", "count")
    assert (
        again.stdout.strip()
        == "Went through 0 new results; the daily counts and the norms include them now."
    )
    assert finished_count(app) == 3


def test_results_count_folds_in_batches_until_none_is_left(app, runner):
    app.config["ANALYTICS_FOLD_LIMIT"] = 2
    for _ in range(5):
        take_quiz(app.test_client())
    result = run(runner, "results", "count")
    assert (
        result.stdout.strip()
        == "Went through 5 new results; the daily counts and the norms include them now."
    )
    assert finished_count(app) == 5


def test_export_file_argument_may_not_be_a_directory(app, runner, out_dir):
    take_quiz(app.test_client())
    result = run(runner, "results", "export", str(out_dir))
    assert result.exit_code == 2
    assert list(out_dir.iterdir()) == []
