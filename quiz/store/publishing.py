"""Publishing: the draft frozen into immutable versions, and the bank as a file.

Published versions never change, so each one's parsed :class:`~quiz.core.bank.Bank` is
kept per app (:func:`published_bank`) and never needs invalidating.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from quiz.core.bank import Bank, BankError, parse_bank, parse_bank_text
from quiz.core.bank_diff import BankDiff, MissingTranslations, bank_diff, missing_translations
from quiz.core.messages import Message
from quiz.core.publish_rules import publish_problems
from quiz.db import db
from quiz.models import AuditEntry, Dimension, Question, QuizVersion, Role
from quiz.store import audit
from quiz.store.caches import app_cache
from quiz.store.drafts import draft_bank, replace_draft

# published versions a process keeps parsed; each is a few hundred kilobytes at most
VERSIONS_KEPT = 64
# set in the session's info while it holds a new version: pages showing the live version
# listen for its commit (quiz/web/page_cache.py) without the store knowing of them
PUBLISHED = "published a quiz version"


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
    db.session.info[PUBLISHED] = True
    audit.record("publish", f"quiz version {number}", actor=actor)
    return version


class NothingToPublish(Exception):
    """The draft is the same as the live version: publishing it would add an identical one."""

    def __init__(self, number: int):
        super().__init__(f"The draft is the same as the published version {number}.")
        self.number = number


def publish_changed_draft(actor: str | None = None) -> QuizVersion:
    """Publish the draft as :func:`publish_draft` does, unless it equals the live version.

    Raises :class:`NothingToPublish` then, before the checks: an unchanged draft needs
    no new version whatever the checks say.
    """
    live = db.session.scalar(select(QuizVersion).order_by(QuizVersion.number.desc()).limit(1))
    if live is not None and _as_published(draft_bank().to_document()) == live.bank:
        raise NothingToPublish(live.number)
    return publish_draft(actor=actor)


def _as_published(document: dict[str, object]) -> object:
    """Return ``document`` as publishing would store it; a draft that does not parse as is."""
    try:
        return parse_bank(document).to_document()
    except BankError:
        return document


@dataclass(frozen=True)
class PublishSummary:
    """What publishing the draft now would change, and what still stands in its way."""

    live_number: int | None
    diff: BankDiff
    problems: list[Message]
    missing: list[MissingTranslations]
    # the draft is what the live version holds, translations too: nothing to publish
    unchanged: bool


def publish_summary(languages: list[str]) -> PublishSummary:
    """Compare the draft with the live version; ``languages`` are those translations need."""
    draft = draft_bank()
    document = draft.to_document()
    problems = publish_problems(document)
    live = db.session.scalar(select(QuizVersion).order_by(QuizVersion.number.desc()).limit(1))
    live_bank = published_bank(live.id) if live is not None else None
    try:
        diff = bank_diff(live_bank, parse_bank(document))
    except BankError:
        diff = bank_diff(live_bank, draft)
    return PublishSummary(
        live_number=live.number if live else None,
        diff=diff,
        problems=problems,
        missing=missing_translations(draft, languages),
        unchanged=live is not None and _as_published(document) == live.bank,
    )


def draft_item_ids() -> dict[str, dict[str, int]]:
    """Return the database id of each draft question, role and dimension, by kind and key."""
    return {
        kind: {key: id for key, id in db.session.execute(select(model.key, model.id))}
        for kind, model in (("question", Question), ("role", Role), ("dimension", Dimension))
    }


@dataclass(frozen=True)
class VersionEntry:
    """One published version as the versions page lists it."""

    id: int
    number: int
    published_at: datetime
    published_by: str | None


def version_entries() -> list[VersionEntry]:
    """Return every published version, newest first, with who published it where the log says.

    The audit log names the publisher ("quiz version N"); a version from before the log
    kept it, or published by the first start, says who it can.
    """
    publishers = {
        target: email
        for target, email in db.session.execute(
            select(AuditEntry.target, AuditEntry.admin_email).where(AuditEntry.action == "publish")
        )
    }
    versions = db.session.execute(
        select(QuizVersion.id, QuizVersion.number, QuizVersion.published_at).order_by(
            QuizVersion.number.desc()
        )
    )
    return [
        VersionEntry(id, number, at, publishers.get(f"quiz version {number}"))
        for id, number, at in versions
    ]


# the largest version number the column holds; a larger one cannot name a version
MOST_VERSION_NUMBER = 2**31 - 1


def version_id(number: int) -> int | None:
    """Return the id of published version ``number``, or None when there is none."""
    if not 1 <= number <= MOST_VERSION_NUMBER:
        return None
    return db.session.scalar(select(QuizVersion.id).where(QuizVersion.number == number))


def draft_from_version(number: int, actor: str | None = None) -> Bank:
    """Replace the draft with published version ``number`` (the caller commits).

    Raises LookupError when there is no such version.
    """
    found = version_id(number)
    if found is None:
        raise LookupError(f"no published quiz version {number}")
    bank = published_bank(found)
    replace_draft(bank)
    audit.record("draft from version", f"quiz version {number}", actor=actor)
    return bank


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
