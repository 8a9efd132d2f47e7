"""Migration 0006 gives every question an empty list of its own labels, on both engines, so
questions stored before it keep showing the app's labels; and it can be undone."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager as ContextManager
from contextlib import nullcontext
from pathlib import Path

import flask_migrate
import pytest
from databases import fresh_postgres_database
from sqlalchemy import inspect, select, text

from quiz import create_app
from quiz.db import db
from quiz.models import Question
from quiz.store.drafts import draft_bank


@pytest.fixture(params=["sqlite", "postgresql"])
def app_at_0005(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator:
    """An app whose database is migrated up to revision 0005 and holds one question."""

    def at(url: str):
        app = create_app({"TESTING": True, "SEED_ON_START": False, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            flask_migrate.upgrade(revision="0005")
            db.session.execute(
                text(
                    "INSERT INTO question (key, kind, prompt, position, translations, active, "
                    "revision) VALUES ('q1', 'likert', 'I like puzzles', 0, '{}', :yes, 1)"
                ),
                {"yes": True},
            )
            db.session.commit()
        return app

    if request.param == "sqlite":
        database: ContextManager[str] = nullcontext(f"sqlite:///{tmp_path / 'at-0005.sqlite3'}")
    else:
        database = fresh_postgres_database()
    with database as url:
        app = at(url)
        yield app
        with app.app_context():
            db.engine.dispose()


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
