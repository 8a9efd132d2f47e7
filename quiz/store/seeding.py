"""Bring the schema up to date and give an empty database the default quiz."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from quiz.core.bank import Bank, load_bank_file
from quiz.db import SCHEMA_HEAD, db, init_migrations, schema_revision
from quiz.models import QuizVersion
from quiz.store.drafts import replace_draft
from quiz.store.publishing import publish_draft


def ensure_seeded(bank: Bank | None = None) -> bool:
    """Migrate the schema where that is safe, and publish the default bank if nothing is.

    The schema always comes from the migrations, never from ``create_all``. An empty
    database, or the embedded SQLite file (one machine, so no other host can be
    migrating it at the same moment), is upgraded here; a shared database that is
    behind is left to ``flask --app quiz db upgrade`` and a warning says so.
    Alembic is imported only to upgrade: an up-to-date schema is known by one query.
    Returns True when it seeded.
    """
    with db.engine.connect() as connection:
        current = schema_revision(connection)
    if current != SCHEMA_HEAD:
        if current is None or db.engine.dialect.name == "sqlite":
            import flask_migrate

            init_migrations(current_app)
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
