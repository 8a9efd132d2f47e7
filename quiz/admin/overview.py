"""The admin overview: the draft's state, its checks, the published versions, the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import abort, render_template, request
from sqlalchemy import select

from quiz.admin import bp
from quiz.admin.publishing_forms import PublishForm, RestartPreviewForm
from quiz.core.audit_targets import action_name, name_target
from quiz.core.bank import BankError, parse_bank
from quiz.core.messages import Message
from quiz.core.publish_rules import publish_problems
from quiz.db import db
from quiz.models import AuditEntry, Dimension, Question, QuizVersion, Role
from quiz.store.analytics import results_per_version
from quiz.store.drafts import draft_bank
from quiz.web.banks import translation_status

AUDIT_ENTRIES_PER_PAGE = 50


@dataclass(frozen=True)
class PublishedVersion:
    number: int
    published_at: datetime
    question_count: int
    role_count: int
    result_count: int
    bank: dict[str, Any]


def published_versions() -> list[PublishedVersion]:
    """Return every published version, newest first, with how many results use it."""
    result_counts = results_per_version()
    versions = db.session.scalars(select(QuizVersion).order_by(QuizVersion.number.desc()))
    return [
        PublishedVersion(
            number=version.number,
            published_at=version.published_at,
            question_count=len(version.bank["questions"]),
            role_count=len(version.bank["roles"]),
            result_count=result_counts.get(version.id, 0),
            bank=version.bank,
        )
        for version in versions
    ]


def render_dashboard(refused: list[Message] | None = None) -> str:
    """Render the overview; ``refused`` lists why a publish attempt was just turned down."""
    draft = draft_bank()
    document = draft.to_document()
    versions = published_versions()
    try:
        # compared as publishing would store it, so surrounding spaces are no "change"
        unpublished_changes = not versions or parse_bank(document).to_document() != versions[0].bank
    except BankError:
        unpublished_changes = True
    return render_template(
        "admin/dashboard.html",
        draft=draft,
        problems=refused if refused is not None else publish_problems(document),
        refused=refused is not None,
        unpublished_changes=unpublished_changes,
        versions=versions,
        translations=translation_status(draft),
        publish_form=PublishForm(),
        restart_preview_form=RestartPreviewForm(),
    )


@bp.get("/")
def dashboard() -> str:
    """Show the draft, what stops it from being published, and the published versions."""
    return render_dashboard()


MOST_AUDIT_PAGES = 1_000_000


@bp.get("/audit")
def audit_log() -> str:
    """List who changed what in the quiz, newest first, a page at a time."""
    page = request.args.get("page", 1, type=int)
    # a page number no log could reach would overflow the database's OFFSET
    if page is None or not 1 <= page <= MOST_AUDIT_PAGES:
        abort(404)
    entries = db.paginate(
        select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()),
        page=page,
        per_page=AUDIT_ENTRIES_PER_PAGE,
        max_per_page=AUDIT_ENTRIES_PER_PAGE,
    )
    names = bank_item_names()
    targets = {entry.id: name_target(entry.target, names) for entry in entries.items}
    return render_template(
        "admin/audit_log.html", entries=entries, targets=targets, action_name=action_name
    )


def bank_item_names() -> dict[str, dict[str, str]]:
    """Map each kind of bank item to its names by key: the draft's, retired ones included,
    then the latest published version's for items the draft no longer has."""
    names: dict[str, dict[str, str]] = {"role": {}, "question": {}, "dimension": {}}
    latest = db.session.scalars(select(QuizVersion).order_by(QuizVersion.number.desc())).first()
    if latest is not None:
        try:
            published = parse_bank(latest.bank)
        except BankError:
            published = None
        if published is not None:
            names["role"].update((r.key, r.name) for r in published.roles)
            names["question"].update((q.key, q.prompt) for q in published.questions)
            names["dimension"].update((d.key, d.name) for d in published.dimensions)
    names["role"].update((k, n) for k, n in db.session.execute(select(Role.key, Role.name)))
    names["question"].update(
        (k, p) for k, p in db.session.execute(select(Question.key, Question.prompt))
    )
    names["dimension"].update(
        (k, n) for k, n in db.session.execute(select(Dimension.key, Dimension.name))
    )
    return names
