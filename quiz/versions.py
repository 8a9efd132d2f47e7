"""Move the bank between its three forms: a document, the editable draft, published versions.

Published versions are immutable, so their parsed :class:`~quiz.bank.Bank` is
cached per process by version id and never needs invalidating; so is each
version's bank in each language (:func:`shown_bank`).

Translations travel with the texts: import puts them in the draft's rows, export
and publishing take them out again. When an admin changes an English text, its
translations are dropped (:func:`forget_stale_translations`): a translation of the
old wording would be wrong, and the English is the better fallback.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_babel import force_locale, lazy_gettext
from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectinload

from quiz import audit
from quiz.bank import (
    SOURCE_LANGUAGE,
    TEXT_LISTS,
    Bank,
    BankDimension,
    BankOption,
    BankQuestion,
    BankRole,
    TranslatableText,
    Translations,
    likert_options,
    parse_bank,
    parse_bank_text,
)
from quiz.checks import publish_problems
from quiz.db import db
from quiz.i18n import LANGUAGES, current_language
from quiz.models import (
    Dimension,
    Option,
    OptionWeight,
    Question,
    QuestionWeight,
    QuizVersion,
    Role,
    RoleEmphasis,
)

# A role's texts, copied field for field between the draft rows and the bank.
ROLE_TEXTS = ("name", "summary", "focus", "typical_day", "first_project")
ROLE_LISTS = ("skills", "tasks", "goals", "learn_first")

# The agreement scale's labels, marked for the catalog: the bank keeps them in English
# (quiz.bank.LIKERT_SCALE) and leaves translating them to the interface.
LIKERT_LABELS = {
    "1": lazy_gettext("Strongly disagree"),
    "2": lazy_gettext("Disagree"),
    "3": lazy_gettext("Neither agree nor disagree"),
    "4": lazy_gettext("Agree"),
    "5": lazy_gettext("Strongly agree"),
}


def stored_translations(translations: Translations) -> dict[str, dict[str, Any]]:
    """Return translations as a draft row's JSON column holds them: lists, not tuples."""
    return {
        code: {
            name: list(text) if isinstance(text, tuple) else text for name, text in texts.items()
        }
        for code, texts in translations.items()
    }


def bank_translations(stored: Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    """Return a draft row's translations the way a bank holds them: tuples, not lists."""
    return {
        code: {
            name: tuple(text) if name in TEXT_LISTS and isinstance(text, list) else text
            for name, text in texts.items()
        }
        if isinstance(texts, dict)
        else texts
        for code, texts in (stored or {}).items()
    }


def forget_stale_translations(row: Any, changed_fields: Iterable[str]) -> None:
    """Drop every language's translation of ``changed_fields`` from a draft row.

    Called when an admin changes those English texts: a translation of the old
    wording would now say something else, so until a translator catches up the
    takers of that language read the new English instead.
    """
    changed = set(changed_fields)
    kept = {}
    for code, texts in (row.translations or {}).items():
        rest = {name: text for name, text in texts.items() if name not in changed}
        if rest:
            kept[code] = rest
    if kept != (row.translations or {}):
        # a new object, so SQLAlchemy sees the JSON column change
        row.translations = kept


def replace_draft(bank: Bank) -> None:
    """Replace the whole draft with ``bank`` (the caller commits)."""
    for model in (OptionWeight, QuestionWeight, Option, Question, RoleEmphasis, Role, Dimension):
        db.session.execute(delete(model))
    dimensions = {}
    for position, d in enumerate(bank.dimensions):
        dimensions[d.key] = Dimension(
            key=d.key,
            name=d.name,
            kind=d.kind,
            description=d.description,
            position=position,
            translations=stored_translations(d.translations),
        )
    db.session.add_all(dimensions.values())
    for r in bank.roles:
        db.session.add(
            Role(
                key=r.key,
                position=r.position,
                **{name: getattr(r, name) for name in ROLE_TEXTS},
                **{name: list(getattr(r, name)) for name in ROLE_LISTS},
                translations=stored_translations(r.translations),
                emphases=[
                    RoleEmphasis(dimension=dimensions[k], emphasis=v) for k, v in r.profile.items()
                ],
            )
        )
    for position, q in enumerate(bank.questions):
        question = Question(
            key=q.key,
            kind=q.kind,
            prompt=q.prompt,
            position=position,
            translations=stored_translations(q.translations),
        )
        question.weights = [
            QuestionWeight(dimension=dimensions[k], weight=v) for k, v in q.weights.items()
        ]
        if q.kind == "choice":
            question.options = [
                Option(
                    key=o.key,
                    label=o.label,
                    position=i,
                    translations=stored_translations(o.translations),
                    weights=[
                        OptionWeight(dimension=dimensions[k], weight=v)
                        for k, v in o.weights.items()
                    ],
                )
                for i, o in enumerate(q.options)
            ]
        db.session.add(question)


# Load questions with their options and every weight in a fixed few queries, however many.
QUESTION_WITH_WEIGHTS = (
    selectinload(Question.weights).selectinload(QuestionWeight.dimension),
    selectinload(Question.options)
    .selectinload(Option.weights)
    .selectinload(OptionWeight.dimension),
)


def draft_bank() -> Bank:
    """Return the active draft as a bank, unvalidated: parse its document to check it."""
    dimensions = db.session.scalars(select(Dimension).order_by(Dimension.position)).all()
    roles = db.session.scalars(
        select(Role)
        .where(Role.active)
        .order_by(Role.position, Role.id)
        .options(selectinload(Role.emphases).selectinload(RoleEmphasis.dimension))
    ).all()
    questions = db.session.scalars(
        select(Question)
        .where(Question.active)
        .order_by(Question.position, Question.id)
        .options(*QUESTION_WITH_WEIGHTS)
    ).all()
    return Bank(
        dimensions=tuple(
            BankDimension(d.key, d.name, d.kind, d.description, bank_translations(d.translations))
            for d in dimensions
        ),
        roles=tuple(
            BankRole(
                key=r.key,
                position=position,
                **{name: getattr(r, name) for name in ROLE_TEXTS},
                **{name: tuple(getattr(r, name)) for name in ROLE_LISTS},
                profile={e.dimension.key: e.emphasis for e in r.emphases},
                translations=bank_translations(r.translations),
            )
            for position, r in enumerate(roles)
        ),
        questions=tuple(bank_question(q) for q in questions),
    )


def bank_question(question: Question) -> BankQuestion:
    weights = {w.dimension.key: w.weight for w in question.weights}
    if question.kind == "likert":
        options = likert_options(weights)
    else:
        options = tuple(
            BankOption(
                o.key,
                o.label,
                {w.dimension.key: w.weight for w in o.weights},
                bank_translations(o.translations),
            )
            for o in question.options
        )
    return BankQuestion(
        question.key,
        question.kind,
        question.prompt,
        options,
        weights,
        bank_translations(question.translations),
    )


class PublishRefused(Exception):
    """The draft fails the publish checks; ``problems`` says why."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
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

    Raises :class:`~quiz.bank.BankError` naming every problem; then nothing changes.
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
    cache: dict[int, Bank] = current_app.extensions.setdefault("published_banks", {})
    bank = cache.get(version_id)
    if bank is None:
        version = db.session.get(QuizVersion, version_id)
        if version is None:
            raise LookupError(f"no published quiz version {version_id}")
        bank = cache[version_id] = parse_bank(version.bank)
    return bank


def shown_bank(version_id: int, language: str | None = None) -> Bank:
    """Return a published version's bank in ``language``, by default the request's.

    Texts the version has no translation of stay English; the agreement labels come
    from the interface's catalog. Outside a request (the command line) the default is
    English. Cached per version and language, as versions never change.
    """
    language = language or current_language()
    cache: dict[tuple[int, str], Bank] = current_app.extensions.setdefault("shown_banks", {})
    bank = cache.get((version_id, language))
    if bank is None:
        bank = cache[(version_id, language)] = shown_in_language(
            published_bank(version_id), language
        )
    return bank


def shown_in_language(bank: Bank, language: str | None = None) -> Bank:
    """Return ``bank`` as a taker reading ``language`` (by default the request's) sees it."""
    language = language or current_language()
    if language == SOURCE_LANGUAGE:
        return bank
    return bank.in_language(language, likert_labels=likert_labels(language))


def likert_labels(language: str) -> dict[str, str]:
    """Return the agreement scale's labels in ``language``, from the interface's catalog."""
    with force_locale(language):
        return {key: str(label) for key, label in LIKERT_LABELS.items()}


@dataclass(frozen=True)
class TranslationStatus:
    """How much of a bank is translated into one language, and what is still missing."""

    language: str
    language_name: str
    total: int
    gaps: list[TranslatableText]

    @property
    def translated(self) -> int:
        return self.total - len(self.gaps)


def translation_status(bank: Bank) -> list[TranslationStatus]:
    """Return the translation status of ``bank`` in every language the app offers but English."""
    total = len(bank.translatable_texts())
    return [
        TranslationStatus(code, name, total, bank.translation_gaps(code))
        for code, name in LANGUAGES.items()
        if code != SOURCE_LANGUAGE
    ]
