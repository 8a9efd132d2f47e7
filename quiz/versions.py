"""Move the bank between its three forms: a document, the editable draft, published versions.

Published versions are immutable, so their parsed :class:`~quiz.bank.Bank` is
cached per process by version id and never needs invalidating.
"""

from __future__ import annotations

import json

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectinload

from quiz import audit
from quiz.bank import (
    Bank,
    BankDimension,
    BankOption,
    BankQuestion,
    BankRole,
    likert_options,
    parse_bank,
    parse_bank_text,
)
from quiz.checks import publish_problems
from quiz.db import db
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


def replace_draft(bank: Bank) -> None:
    """Replace the whole draft with ``bank`` (the caller commits)."""
    for model in (OptionWeight, QuestionWeight, Option, Question, RoleEmphasis, Role, Dimension):
        db.session.execute(delete(model))
    dimensions = {}
    for position, d in enumerate(bank.dimensions):
        dimensions[d.key] = Dimension(
            key=d.key, name=d.name, kind=d.kind, description=d.description, position=position
        )
    db.session.add_all(dimensions.values())
    for r in bank.roles:
        db.session.add(
            Role(
                key=r.key,
                position=r.position,
                **{name: getattr(r, name) for name in ROLE_TEXTS},
                **{name: list(getattr(r, name)) for name in ROLE_LISTS},
                emphases=[
                    RoleEmphasis(dimension=dimensions[k], emphasis=v) for k, v in r.profile.items()
                ],
            )
        )
    for position, q in enumerate(bank.questions):
        question = Question(key=q.key, kind=q.kind, prompt=q.prompt, position=position)
        question.weights = [
            QuestionWeight(dimension=dimensions[k], weight=v) for k, v in q.weights.items()
        ]
        if q.kind == "choice":
            question.options = [
                Option(
                    key=o.key,
                    label=o.label,
                    position=i,
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
        dimensions=tuple(BankDimension(d.key, d.name, d.kind, d.description) for d in dimensions),
        roles=tuple(
            BankRole(
                key=r.key,
                position=position,
                **{name: getattr(r, name) for name in ROLE_TEXTS},
                **{name: tuple(getattr(r, name)) for name in ROLE_LISTS},
                profile={e.dimension.key: e.emphasis for e in r.emphases},
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
            BankOption(o.key, o.label, {w.dimension.key: w.weight for w in o.weights})
            for o in question.options
        )
    return BankQuestion(question.key, question.kind, question.prompt, options, weights)


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
