"""Publishing: the draft frozen into immutable versions, and the bank as a file.

Published versions never change, so each one's parsed :class:`~quiz.core.bank.Bank` is
kept per app (:func:`published_bank`) and never needs invalidating.
"""

from __future__ import annotations

import json

from sqlalchemy import func, select

from quiz.core.bank import Bank, parse_bank, parse_bank_text
from quiz.core.messages import Message
from quiz.core.publish_rules import publish_problems
from quiz.db import db
from quiz.models import QuizVersion
from quiz.store import audit
from quiz.store.caches import app_cache
from quiz.store.drafts import draft_bank, replace_draft

# published versions a process keeps parsed; each is a few hundred kilobytes at most
VERSIONS_KEPT = 64


class PublishRefused(Exception):
    """The draft fails the publish checks; ``problems`` says why, to be worded where shown.

    ``str()`` of the exception lists them in English.
    """

    def __init__(self, problems: list[Message]):
        super().__init__("; ".join(str(problem) for problem in problems))
        self.problems = problems


def publish_draft(actor: str | None = None) -> QuizVersion:
    """Check the draft and freeze it as the next published version (the caller commits).

    Raises :class:`PublishRefused` with every reason when a check fails.
    """
    document = draft_bank().to_document()
    problems = publish_problems(document)
    if problems:
        raise PublishRefused(problems)
    number = (db.session.scalar(select(func.max(QuizVersion.number))) or 0) + 1
    version = QuizVersion(number=number, bank=parse_bank(document).to_document())
    db.session.add(version)
    db.session.flush()
    audit.record("publish", f"quiz version {number}", actor=actor)
    return version


def export_text(bank: Bank) -> str:
    """Return ``bank`` as the JSON text of an export file."""
    return json.dumps(bank.to_document(), indent=2, ensure_ascii=False) + "\n"


def import_text(text: str, actor: str | None = None, source: str = "upload") -> Bank:
    """Replace the draft with the bank in ``text`` (the caller commits).

    Raises :class:`~quiz.core.bank.BankError` naming every problem; then nothing changes.
    """
    bank = parse_bank_text(text)
    replace_draft(bank)
    # a file name is the sender's text: keep it printable before it reaches the log
    printable = "".join(c for c in source if c.isprintable())
    audit.record("import", f"question bank from {printable}"[:200], actor=actor)
    return bank


def latest_version_id() -> int | None:
    """Return the id of the newest published version, or None before the first publish."""
    return db.session.scalar(select(QuizVersion.id).order_by(QuizVersion.number.desc()).limit(1))


def published_bank(version_id: int) -> Bank:
    """Return the parsed bank of a published version, cached per app: versions never change."""
    return app_cache("published banks", VERSIONS_KEPT).get(
        version_id, lambda: parse_bank(_stored_version(version_id).bank)
    )


def _stored_version(version_id: int) -> QuizVersion:
    version = db.session.get(QuizVersion, version_id)
    if version is None:
        raise LookupError(f"no published quiz version {version_id}")
    return version
