"""The database handle: one declarative base with a naming convention, and ``db``; the
revision its schema should be at, and Flask-Migrate for when it is not."""

import sqlite3
from typing import Any

from flask import Flask, current_app
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import Connection, MetaData, event, inspect, text
from sqlalchemy.orm import DeclarativeBase

from quiz.settings import PACKAGE_DIR

# Named constraints keep migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Database(SQLAlchemy):
    """Flask-SQLAlchemy whose end of a request survives losing the database."""

    def _teardown_session(self, exc: BaseException | None) -> None:
        """Remove the request's session; if its rollback fails, drop its connection instead.

        Removing the session rolls back whatever transaction a read left open. With the
        database gone mid-request that rollback raises, and an exception here escapes
        after the response was made, which gunicorn then replaces with a bare, empty 500.
        Everything a view meant to keep it committed before answering, so nothing is
        lost by letting its response go out: the connection is thrown away unused.
        """
        try:
            self.session.remove()
        except Exception as error:  # whatever the driver raises, the response must go out
            current_app.logger.warning("database unavailable at the end of a request: %s", error)
            try:
                self.session().invalidate()  # closes the dead connection without talking to it
            finally:
                self.session.registry.clear()


db = Database(model_class=Base)

SQLITE_BUSY_TIMEOUT_MS = 30_000


def tune_sqlite(dbapi_connection: Any, connection_record: Any) -> None:
    """Make SQLite behave under several processes: WAL, a busy timeout, enforced foreign keys.

    WAL lets readers run while one process writes; the busy timeout makes a writer wait
    for the lock instead of failing with "database is locked".
    """
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def init_db(app: Flask) -> None:
    """Bind ``db`` to the app and tune SQLite connections when that is the database."""
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", tune_sqlite)


# The migrations ship inside the package, so an installed wheel can upgrade its database.
MIGRATIONS_DIR = PACKAGE_DIR / "migrations"
# The newest revision in MIGRATIONS_DIR. Written here so that a start on an up-to-date database
# need not load Alembic to read the scripts; tests/test_migrations.py fails when a new
# migration is added without changing it.
SCHEMA_HEAD = "0016"


def schema_revision(connection: Connection) -> str | None:
    """Return the revision the database's schema is at, None before the first migration.

    Read with one query, as Alembic keeps it, so that no start on an up-to-date database
    imports Alembic. The table is looked for first rather than a failed query caught:
    on PostgreSQL a failed statement would leave the transaction unusable.
    """
    if not inspect(connection).has_table("alembic_version"):
        return None
    # several rows would mean branches merged into several heads: the history is one line
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()


def init_migrations(app: Flask) -> None:
    """Initialise Flask-Migrate on ``app`` once, importing it (and Alembic) only now.

    Alembic, Mako and Pygments come to about 12 MB a process: only a start that migrates
    and the ``flask db`` commands need them. Flask-Migrate keeps its configuration in
    ``app.extensions["migrate"]``, which is also how a second call knows to do nothing.
    """
    if "migrate" in app.extensions:
        return
    from flask_migrate import Migrate

    Migrate().init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
