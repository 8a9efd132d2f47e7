"""Migration 0009 counts the results already folded in into the statistics counts, as the
fold would have, on both engines; `results count` then works out their norms. It can be
undone."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import flask_migrate
import pytest
from databases import app_migrated_to
from flask import Flask
from sqlalchemy import inspect, select, text

from quiz.db import db
from quiz.models import StatisticsCount
from quiz.store.statistics import version_norms


def _outcome(first: int, second: int) -> str:
    return json.dumps({"ranking": [{"role": "r1", "fit": first}, {"role": "r2", "fit": second}]})


# (token, answers, outcome, careless, synthetic, mode, work, deleted)
RESULTS = [
    ("t1", {"q1": "a"}, _outcome(70, 40), None, False, "full", "r1", False),
    ("t2", {"q1": "b"}, _outcome(60, 55), None, False, "full", None, False),
    ("t3", {"q1": "b"}, _outcome(30, 80), "too-fast", False, "full", "r2", False),  # careless
    ("t4", {"q1": "a"}, _outcome(90, 10), None, True, "full", "r1", False),  # synthetic
    ("t5", {"q1": "a"}, _outcome(90, 10), None, False, "quick", "r1", False),  # quick
    ("t6", {"q1": "a"}, _outcome(90, 10), None, False, "full", "r1", True),  # deleted
    ("t7", {"q1": "a"}, _outcome(20, 90), None, False, "full", "r2", False),  # not folded yet
]
FOLDED_UP_TO = 6


def _fill() -> None:
    db.session.execute(
        text(
            "INSERT INTO quiz_version (id, number, bank, published_at) "
            "VALUES (1, 1, '{}', CURRENT_TIMESTAMP)"
        )
    )
    for n, (token, answers, outcome, careless, synthetic, mode, work, deleted) in enumerate(
        RESULTS, start=1
    ):
        db.session.execute(
            text(
                "INSERT INTO result (id, share_token, quiz_version_id, answers, outcome, top_role, "
                "created_at, careless, synthetic, mode, work_now, deleted_at) VALUES (:id, "
                ":token, 1, :answers, :outcome, 'r1', '2026-01-01 00:00:00', :careless, "
                ":synthetic, :mode, :work, CASE WHEN :deleted THEN CURRENT_TIMESTAMP END)"
            ),
            {
                "id": n,
                "token": token,
                "answers": json.dumps(answers),
                "outcome": outcome,
                "careless": careless,
                "synthetic": synthetic,
                "mode": mode,
                "work": work,
                "deleted": deleted,
            },
        )
    db.session.execute(
        text("INSERT INTO counted_results (id, last_result_id) VALUES (1, :mark)"),
        {"mark": FOLDED_UP_TO},
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def app_at_0008(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """An app whose database is migrated up to revision 0008, with results folded in and not."""
    with app_migrated_to("0008", request.param, tmp_path, _fill) as app:
        yield app


def test_folded_real_careful_full_results_are_counted(app_at_0008: Flask) -> None:
    with app_at_0008.app_context():
        flask_migrate.upgrade()
        rows = db.session.execute(
            select(
                StatisticsCount.measure,
                StatisticsCount.work,
                StatisticsCount.subject,
                StatisticsCount.value,
                StatisticsCount.count,
            ).order_by(StatisticsCount.measure, StatisticsCount.subject, StatisticsCount.value)
        ).all()
        # t1 and t2 only: t3 careless, t4 synthetic, t5 quick, t6 deleted, t7 not folded yet
        assert [tuple(row) for row in rows] == [
            ("answer", "r1", "q1", "a", 1),
            ("fit", "", "r1", "60", 1),
            ("fit", "", "r1", "70", 1),
            ("fit", "", "r2", "40", 1),
            ("fit", "", "r2", "55", 1),
            ("top", "r1", "", "r1", 1),
        ]
        db.session.remove()
    outcome = app_at_0008.test_cli_runner().invoke(args=["results", "count"])
    assert outcome.exit_code == 0, outcome.output
    with app_at_0008.app_context():
        norms = version_norms(1)
        # t7 is folded in now too: three results, r1's fits 20, 60 and 70
        assert norms.results == 3
        assert norms.percentile("r1", 61, minimum=1) == 66
        db.session.remove()


def test_the_counts_can_be_migrated_away_again(app_at_0008: Flask) -> None:
    with app_at_0008.app_context():
        flask_migrate.upgrade()
        flask_migrate.downgrade(revision="0008")
        tables = set(inspect(db.engine).get_table_names())
        assert "statistics_count" not in tables and "version_norms" not in tables
        assert db.session.execute(text("SELECT count(*) FROM result")).scalar() == len(RESULTS)
        db.session.remove()
