"""The editable draft: its rows in the database, and the draft as a bank.

The rules for changing the draft one item at a time live in :mod:`quiz.store.editing`.

Translations travel with the texts: import puts them in the draft's rows, export and
publishing take them out again. When an admin changes an English text, its translations
are dropped (:func:`forget_stale_translations`): a translation of the old wording would be
wrong, and the English is the better fallback.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from quiz.core.bank import (
    LINK_LISTS,
    TEXT_LISTS,
    Bank,
    BankDimension,
    BankLink,
    BankOption,
    BankQuestion,
    BankRole,
    Translations,
    document_value,
    likert_options,
)
from quiz.db import db
from quiz.models import (
    Dimension,
    Option,
    OptionWeight,
    Question,
    QuestionWeight,
    Role,
    RoleEmphasis,
)

# A role's texts, copied field for field between the draft rows and the bank.
ROLE_TEXTS = ("name", "summary", "focus", "typical_day", "first_project")
ROLE_LISTS = ("skills", "tasks", "goals", "learn_first")
# What a role's public page adds: typical job titles, links to occupation databases, and
# the colour it is drawn in ("" for the palette's). Each may be empty.
ROLE_PAGE_FIELDS = ("titles", "links", "colour")


def stored_role_page_fields(role: BankRole) -> dict[str, Any]:
    """Return a bank role's titles, links and colour as a draft row's columns hold them."""
    return {
        "titles": list(role.titles),
        "links": document_value(role.links),
        "colour": role.colour,
    }


def bank_role_page_fields(row: Role) -> dict[str, Any]:
    """Return a draft row's titles, links and colour the way a bank role holds them."""
    return {
        "titles": tuple(row.titles or ()),
        "links": bank_links(row.links or []),
        "colour": row.colour or "",
    }


def stored_translations(translations: Translations) -> dict[str, dict[str, Any]]:
    """Return translations as a draft row's JSON column holds them: lists, not tuples, and
    links as objects."""
    return {
        code: {name: document_value(text) for name, text in texts.items()}
        for code, texts in translations.items()
    }


def bank_links(stored: Any) -> Any:
    """Return links as a bank holds them, from a JSON column's list of objects.

    The draft is unvalidated, so anything else is passed on as it is, for parsing the
    draft's document to name as a problem.
    """
    if not isinstance(stored, list) or not all(
        isinstance(link, dict) and set(link) == {"label", "url"} for link in stored
    ):
        return stored
    return tuple(BankLink(link["label"], link["url"]) for link in stored)


def bank_translations(stored: Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    """Return a draft row's translations the way a bank holds them: tuples, not lists."""
    return {
        code: {
            name: tuple(text)
            if name in TEXT_LISTS and isinstance(text, list)
            else bank_links(text)
            if name in LINK_LISTS
            else text
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
                **stored_role_page_fields(r),
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
            labels=list(q.labels),
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
                **bank_role_page_fields(r),
                profile={e.dimension.key: e.emphasis for e in r.emphases},
                translations=bank_translations(r.translations),
            )
            for position, r in enumerate(roles)
        ),
        questions=tuple(bank_question(q) for q in questions),
    )


def bank_question(question: Question) -> BankQuestion:
    weights = {w.dimension.key: w.weight for w in question.weights}
    labels = tuple(question.labels or ()) if question.kind == "likert" else ()
    if question.kind == "likert":
        options = likert_options(weights, labels)
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
        labels,
    )
