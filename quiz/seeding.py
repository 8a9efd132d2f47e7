"""Create the schema and the default quiz on a database that has none."""

from __future__ import annotations

from sqlalchemy import select

from quiz.bank import Bank, load_bank_file
from quiz.db import db
from quiz.models import QuizVersion
from quiz.versions import publish_draft, replace_draft


def ensure_seeded(bank: Bank | None = None) -> bool:
    """Create missing tables, and seed and publish the default bank if nothing is published.

    Returns True when it seeded.
    """
    db.create_all()
    if db.session.scalar(select(QuizVersion.id).limit(1)) is not None:
        return False
    replace_draft(bank or load_bank_file())
    publish_draft(actor="first start")
    db.session.commit()
    return True
