"""The admin overview: the draft's state, its checks, and the published versions."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import select

from quiz.admin import bp
from quiz.checks import publish_problems
from quiz.db import db
from quiz.models import QuizVersion
from quiz.versions import draft_bank


@bp.get("/")
def dashboard() -> str:
    """Show the draft, what stops it from being published, and the published versions."""
    draft = draft_bank()
    versions = db.session.scalars(select(QuizVersion).order_by(QuizVersion.number.desc())).all()
    return render_template(
        "admin/dashboard.html",
        draft=draft,
        problems=publish_problems(draft.to_document()),
        versions=versions,
    )
