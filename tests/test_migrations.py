"""The migrations build the schema the models describe, from an empty database, on both engines."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from databases import fresh_postgres_database
from sqlalchemy import inspect

from quiz import create_app
from quiz.db import db


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    with fresh_postgres_database() as url:
        yield url


@pytest.fixture
def unmigrated_app(empty_database_url: str):
    app = create_app(
        {"TESTING": True, "SEED_ON_START": False, "SQLALCHEMY_DATABASE_URI": empty_database_url}
    )
    yield app
    with app.app_context():
        db.engine.dispose()


def test_upgrade_from_an_empty_database_builds_every_table(unmigrated_app):
    with unmigrated_app.app_context():
        assert inspect(db.engine).get_table_names() == []
        flask_migrate.upgrade()
        tables = set(inspect(db.engine).get_table_names())
    assert tables == set(db.metadata.tables) | {"alembic_version"}


def test_models_and_migrations_agree(unmigrated_app):
    with unmigrated_app.app_context():
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
    assert differences == [], "the models changed without a migration: flask db migrate"


def test_first_start_migrates_and_seeds_an_empty_database(empty_database_url):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": empty_database_url})
    assert app.test_client().get("/").status_code == 200
    with app.app_context():
        assert inspect(db.engine).has_table("alembic_version")
        db.engine.dispose()


def test_first_start_upgrades_an_embedded_database_left_at_an_older_revision(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    old = create_app({"TESTING": True, "SEED_ON_START": False, "SQLALCHEMY_DATABASE_URI": url})
    with old.app_context():
        flask_migrate.upgrade(revision="0001")
        assert "deleted_at" not in {c["name"] for c in inspect(db.engine).get_columns("result")}
        db.engine.dispose()

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        assert "deleted_at" in {c["name"] for c in inspect(db.engine).get_columns("result")}
        db.engine.dispose()
