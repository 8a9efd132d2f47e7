"""Create the schema and the default quiz on a database that has none."""

from __future__ import annotations

import flask_migrate
from sqlalchemy import inspect, select

from quiz.bank import Bank, load_bank_file
from quiz.db import db
from quiz.models import QuizVersion
from quiz.versions import publish_draft, replace_draft


def ensure_seeded(bank: Bank | None = None) -> bool:
    """Build the schema if the database has none, and publish the default bank if nothing is.

    The schema comes from the migrations, never from ``create_all``, so a database made
    here can be upgraded later like any other. Returns True when it seeded.
    """
    if not inspect(db.engine).has_table(QuizVersion.__tablename__):
        flask_migrate.upgrade()
    if db.session.scalar(select(QuizVersion.id).limit(1)) is not None:
        return False
    replace_draft(bank or load_bank_file())
    publish_draft(actor="first start")
    db.session.commit()
    return True
