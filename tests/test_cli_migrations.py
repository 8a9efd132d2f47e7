"""flask db: Flask-Migrate's commands, loaded only when one runs, work as Flask-Migrate's own.

Through Flask's command line in a new process (``flask --app quiz``, as an operator types it) and
through Flask's CLI test runner, on fresh databases of both kinds.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from databases import app_migrated_to, fresh_postgres_database
from flask import Flask
from flask.testing import FlaskCliRunner
from fresh_process import run_python
from sqlalchemy import inspect

from quiz import create_app
from quiz.db import MIGRATIONS_DIR, SCHEMA_HEAD, db, schema_revision

SUBCOMMANDS = ("upgrade", "downgrade", "current", "history", "heads", "stamp", "migrate", "check")


def flask(database_url: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``flask --app quiz ARGS`` in a new process on ``database_url``."""
    return run_python(database_url, tmp_path, "-m", "flask", "--app", "quiz", *args)


def revision(app: Flask) -> str | None:
    with app.app_context(), db.engine.connect() as connection:
        return schema_revision(connection)


@pytest.fixture(params=["sqlite", "postgresql"])
def unmigrated_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """An app on an empty database that it does not migrate on start."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        app = create_app({"TESTING": True, "SEED_ON_START": False, "SQLALCHEMY_DATABASE_URI": url})
        yield app
    else:
        with fresh_postgres_database() as url:
            app = create_app(
                {"TESTING": True, "SEED_ON_START": False, "SQLALCHEMY_DATABASE_URI": url}
            )
            yield app
            with app.app_context():
                db.engine.dispose()
            return
    with app.app_context():
        db.engine.dispose()


def test_flask_help_lists_db_and_db_help_lists_flask_migrates_commands(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'help.sqlite3'}"
    listed = flask(url, tmp_path, "--help")
    assert listed.returncode == 0, listed.stderr
    assert "  db " in listed.stdout and "Perform database migrations." in listed.stdout

    group = flask(url, tmp_path, "db", "--help")
    assert group.returncode == 0, group.stderr
    assert "--directory" in group.stdout and "--x-arg" in group.stdout
    for name in SUBCOMMANDS:
        assert f"\n  {name} " in group.stdout, name


def test_an_operator_upgrades_a_shared_database_and_can_step_back(tmp_path: Path) -> None:
    with app_migrated_to("0015", "postgresql", tmp_path, lambda: None) as old:
        url = old.config["SQLALCHEMY_DATABASE_URI"]

        # starting on it leaves it alone (another host may be serving it): the command upgrades
        before = flask(url, tmp_path, "db", "current")
        assert before.returncode == 0, before.stderr
        assert before.stdout.split() == ["0015"]

        upgraded = flask(url, tmp_path, "db", "upgrade")
        assert upgraded.returncode == 0, upgraded.stderr
        assert revision(old) == SCHEMA_HEAD
        current = flask(url, tmp_path, "db", "current")
        assert current.stdout.split() == [SCHEMA_HEAD, "(head)"], current.stderr

        downgraded = flask(url, tmp_path, "db", "downgrade", "0015")
        assert downgraded.returncode == 0, downgraded.stderr
        assert revision(old) == "0015"
        # the group's own options reach Flask-Migrate's commands
        named = flask(url, tmp_path, "db", "--directory", str(MIGRATIONS_DIR), "current")
        assert named.returncode == 0, named.stderr
        assert named.stdout.split() == ["0015"]


def test_an_unknown_db_command_is_refused_by_name(tmp_path: Path) -> None:
    refused = flask(f"sqlite:///{tmp_path / 'x.sqlite3'}", tmp_path, "db", "upgrayed")
    assert refused.returncode == 2
    assert "No such command 'upgrayed'" in refused.stderr


def test_the_db_commands_migrate_a_fresh_database_up_down_and_stamp(
    unmigrated_app: Flask,
) -> None:
    runner: FlaskCliRunner = unmigrated_app.test_cli_runner()
    assert "migrate" not in unmigrated_app.extensions  # nothing of it loaded by create_app

    def db_command(*args: str) -> None:
        result = runner.invoke(args=["db", *args])
        assert result.exit_code == 0, (args, result.output, result.exception)

    db_command("upgrade")
    assert revision(unmigrated_app) == SCHEMA_HEAD
    with unmigrated_app.app_context():
        assert set(inspect(db.engine).get_table_names()) == set(db.metadata.tables) | {
            "alembic_version"
        }
    db_command("check")  # the models and the migrated schema agree
    db_command("downgrade", "0015")
    assert revision(unmigrated_app) == "0015"
    db_command("stamp", "0014")  # records a revision, changes nothing else
    assert revision(unmigrated_app) == "0014"
    db_command("stamp", "0015")
    db_command("upgrade")
    assert revision(unmigrated_app) == SCHEMA_HEAD
    db_command("downgrade", "base")
    assert revision(unmigrated_app) is None
    db_command("upgrade", "0001")
    assert revision(unmigrated_app) == "0001"
