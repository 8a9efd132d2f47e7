"""Migration 0006 gives every question an empty list of its own labels, on both engines, so
questions stored before it keep showing the app's labels; and it can be undone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import flask_migrate
import pytest
from databases import app_migrated_to
from flask import Flask
from sqlalchemy import inspect, select, text

from quiz.db import db
from quiz.models import Question
from quiz.store.drafts import draft_bank


def _fill() -> None:
    db.session.execute(
        text(
            "INSERT INTO question (key, kind, prompt, position, translations, active, "
            "revision) VALUES ('q1', 'likert', 'I like puzzles', 0, '{}', :yes, 1)"
        ),
        {"yes": True},
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def app_at_0005(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """An app whose database is migrated up to revision 0005 and holds one question."""
    with app_migrated_to("0005", request.param, tmp_path, _fill) as app:
        yield app


def test_questions_stored_before_have_no_labels_of_their_own(app_at_0005):
    with app_at_0005.app_context():
        flask_migrate.upgrade()
        question = db.session.scalar(select(Question).where(Question.key == "q1"))
        assert question.labels == []
        options = draft_bank().question_by_key["q1"].options
        assert [o.label for o in options] == [
            "Strongly disagree",
            "Disagree",
            "Neither agree nor disagree",
            "Agree",
            "Strongly agree",
        ]
        db.session.remove()


def test_the_labels_column_can_be_migrated_away_again(app_at_0005):
    with app_at_0005.app_context():
        flask_migrate.upgrade()
        flask_migrate.downgrade(revision="0005")
        columns = {c["name"] for c in inspect(db.engine).get_columns("question")}
        assert "labels" not in columns
        assert db.session.execute(text("SELECT key FROM question")).scalars().all() == ["q1"]
        db.session.remove()
