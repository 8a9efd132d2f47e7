"""Record who changed what in the quiz."""

from __future__ import annotations

from flask_login import current_user

from quiz.db import db
from quiz.models import AuditEntry


def record(action: str, target: str, detail: str = "", actor: str | None = None) -> None:
    """Add an audit entry for the signed-in admin (or ``actor``); the caller commits."""
    email = actor or getattr(current_user, "email", None) or "command line"
    db.session.add(AuditEntry(admin_email=email, action=action, target=target[:200], detail=detail))
