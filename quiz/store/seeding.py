"""Bring the schema up to date and give an empty database the default quiz."""

from __future__ import annotations

from functools import cache

import flask_migrate
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import select

from quiz.core.bank import Bank, load_bank_file
from quiz.db import db
from quiz.models import QuizVersion
from quiz.store.drafts import replace_draft
from quiz.store.publishing import publish_draft


def ensure_seeded(bank: Bank | None = None) -> bool:
    """Migrate the schema where that is safe, and publish the default bank if nothing is.

    The schema always comes from the migrations, never from ``create_all``. An empty
    database, or the embedded SQLite file (one machine, so no other host can be
    migrating it at the same moment), is upgraded here; a shared database that is
    behind is left to ``flask --app quiz db upgrade`` and a warning says so.
    Returns True when it seeded.
    """
    with db.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current != _head_revision(current_app.extensions["migrate"].directory):
        if current is None or db.engine.dialect.name == "sqlite":
            flask_migrate.upgrade()
        else:
            current_app.logger.warning(
                "The database schema is behind this release: run 'flask --app quiz db upgrade'."
            )
            return False
    if db.session.scalar(select(QuizVersion.id).limit(1)) is not None:
        return False
    replace_draft(bank or load_bank_file())
    publish_draft(actor="first start")
    db.session.commit()
    return True


@cache
def _head_revision(directory: str) -> str | None:
    # reading the migration scripts costs a few milliseconds: once per process is enough
    return ScriptDirectory(directory).get_current_head()
