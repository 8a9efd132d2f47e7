"""The migrations build the schema the models describe, from an empty database, on both engines;
a start migrates only where that is safe, and knows an up-to-date schema without Alembic."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from databases import app_migrated_to, fresh_postgres_database
from sqlalchemy import inspect, text

from quiz import create_app
from quiz.db import MIGRATIONS_DIR, SCHEMA_HEAD, db, init_migrations, schema_revision


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
    init_migrations(app)
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
    init_migrations(old)
    with old.app_context():
        flask_migrate.upgrade(revision="0001")
        assert "deleted_at" not in {c["name"] for c in inspect(db.engine).get_columns("result")}
        db.engine.dispose()

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        assert "deleted_at" in {c["name"] for c in inspect(db.engine).get_columns("result")}
        db.engine.dispose()


def test_a_shared_database_that_is_behind_is_left_for_the_operator_to_upgrade(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # another host may be serving it, or migrating it at this moment
    with app_migrated_to("0015", "postgresql", tmp_path, lambda: None) as old:
        with caplog.at_level(logging.WARNING):
            app = create_app(
                {"TESTING": True, "SQLALCHEMY_DATABASE_URI": old.config["SQLALCHEMY_DATABASE_URI"]}
            )
        with app.app_context():
            with db.engine.connect() as connection:
                assert schema_revision(connection) == "0015"
            db.engine.dispose()
    assert "run 'flask --app quiz db upgrade'" in caplog.text


def test_the_schema_head_written_in_the_code_is_the_newest_migration() -> None:
    head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
    assert head == SCHEMA_HEAD, (
        f"quiz/migrations ends at revision {head!r}, but quiz/db.py says {SCHEMA_HEAD!r}: "
        f"write SCHEMA_HEAD = {head!r} in quiz/db.py, or every start takes the database "
        "for one that is behind"
    )


def test_the_revision_is_read_with_one_query_none_before_the_first_migration(unmigrated_app):
    with unmigrated_app.app_context():
        with db.engine.connect() as connection:
            assert schema_revision(connection) is None
            # no failed statement: on PostgreSQL the transaction would refuse everything after
            assert connection.execute(text("SELECT 1")).scalar() == 1
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            assert schema_revision(connection) == SCHEMA_HEAD
            alembic_says = MigrationContext.configure(connection).get_current_revision()
            assert alembic_says == SCHEMA_HEAD
        flask_migrate.downgrade(revision="0015")
        with db.engine.connect() as connection:
            assert schema_revision(connection) == "0015"
        flask_migrate.downgrade(revision="base")
        with db.engine.connect() as connection:
            # Alembic keeps its table and empties it: as before the first migration
            assert inspect(connection).has_table("alembic_version")
            assert schema_revision(connection) is None
