"""The difference between two question banks, as an admin reads it before publishing.

Items are matched by key, never by position: a question moved to another place is
not "changed". A changed item names the fields that differ; a question's options are
matched by their own keys too, so an option may be added, removed, relabelled or
reweighted. A role that is in the older bank and not in the newer one is retired (the
draft leaves a retired role out of what it publishes). Translations are not compared
as changes: :func:`missing_translations` says what each language still lacks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from quiz.core.bank import Bank, BankDimension, BankQuestion, BankRole

# fields compared field by field; translations are reported by missing_translations
_IGNORED_FIELDS = frozenset({"translations", "options", "key"})


@dataclass(frozen=True)
class QuestionChange:
    """What differs in one question kept by key: its fields and its options."""

    key: str
    prompt: str  # the newer prompt, to name the question
    fields: tuple[str, ...]  # among "prompt", "kind", "weights", "labels"
    options_added: tuple[str, ...] = ()
    options_removed: tuple[str, ...] = ()
    options_relabelled: tuple[str, ...] = ()
    options_reweighted: tuple[str, ...] = ()


@dataclass(frozen=True)
class ItemChange:
    """A role or dimension kept by key whose ``fields`` differ."""

    key: str
    name: str  # the newer name
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Named:
    """An item added or removed, by key and name (a question's name is its prompt)."""

    key: str
    name: str


@dataclass(frozen=True)
class BankDiff:
    """Every difference between an older and a newer bank; empty when they are equal."""

    questions_added: tuple[Named, ...] = ()
    questions_removed: tuple[Named, ...] = ()
    questions_changed: tuple[QuestionChange, ...] = ()
    roles_added: tuple[Named, ...] = ()
    roles_retired: tuple[Named, ...] = ()
    roles_changed: tuple[ItemChange, ...] = ()
    dimensions_added: tuple[Named, ...] = ()
    dimensions_removed: tuple[Named, ...] = ()
    dimensions_changed: tuple[ItemChange, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(self))

    @property
    def change_count(self) -> int:
        return sum(len(getattr(self, f.name)) for f in fields(self))


def bank_diff(older: Bank | None, newer: Bank) -> BankDiff:
    """Return what ``newer`` adds, removes and changes against ``older`` (None: all added)."""
    old_questions = {q.key: q for q in older.questions} if older else {}
    old_roles = {r.key: r for r in older.roles} if older else {}
    old_dimensions = {d.key: d for d in older.dimensions} if older else {}
    new_questions = {q.key: q for q in newer.questions}
    new_roles = {r.key: r for r in newer.roles}
    new_dimensions = {d.key: d for d in newer.dimensions}
    return BankDiff(
        questions_added=_named(q for k, q in new_questions.items() if k not in old_questions),
        questions_removed=_named(q for k, q in old_questions.items() if k not in new_questions),
        questions_changed=tuple(
            change
            for key, question in new_questions.items()
            if key in old_questions
            and (change := _question_change(old_questions[key], question)) is not None
        ),
        roles_added=_named(r for k, r in new_roles.items() if k not in old_roles),
        roles_retired=_named(r for k, r in old_roles.items() if k not in new_roles),
        roles_changed=_item_changes(old_roles, new_roles),
        dimensions_added=_named(d for k, d in new_dimensions.items() if k not in old_dimensions),
        dimensions_removed=_named(d for k, d in old_dimensions.items() if k not in new_dimensions),
        dimensions_changed=_item_changes(old_dimensions, new_dimensions),
    )


@dataclass(frozen=True)
class MissingTranslations:
    """How many of a bank's texts lack their translation into one language."""

    language: str
    missing: int
    total: int


def missing_translations(bank: Bank, languages: Iterable[str]) -> list[MissingTranslations]:
    """Return, for each language in ``languages`` that lacks any text, how many it lacks."""
    total = len(bank.translatable_texts())
    gaps = [(code, len(bank.translation_gaps(code))) for code in languages]
    return [MissingTranslations(code, count, total) for code, count in gaps if count]


def _name(item: BankQuestion | BankRole | BankDimension) -> str:
    return item.prompt if isinstance(item, BankQuestion) else item.name


def _named(items: Iterable[BankQuestion | BankRole | BankDimension]) -> tuple[Named, ...]:
    return tuple(Named(item.key, _name(item)) for item in items)


def _changed_fields(older: Any, newer: Any) -> tuple[str, ...]:
    return tuple(
        f.name
        for f in fields(older)
        if f.name not in _IGNORED_FIELDS and getattr(older, f.name) != getattr(newer, f.name)
    )


def _item_changes(
    older: Mapping[str, BankRole | BankDimension], newer: Mapping[str, BankRole | BankDimension]
) -> tuple[ItemChange, ...]:
    changes = []
    for key, item in newer.items():
        if key in older and (changed := _changed_fields(older[key], item)):
            changes.append(ItemChange(key, _name(item), changed))
    return tuple(changes)


def _question_change(older: BankQuestion, newer: BankQuestion) -> QuestionChange | None:
    """Return what differs in one question, or None when nothing but translations does."""
    changed = list(_changed_fields(older, newer))
    old_options = {o.key: o for o in older.options}
    new_options = {o.key: o for o in newer.options}
    kept = [k for k in new_options if k in old_options]
    added = tuple(k for k in new_options if k not in old_options)
    removed = tuple(k for k in old_options if k not in new_options)
    relabelled = tuple(k for k in kept if old_options[k].label != new_options[k].label)
    reweighted = tuple(k for k in kept if old_options[k].weights != new_options[k].weights)
    # the options both keep, in the older order against the newer one
    if [k for k in old_options if k in new_options] != kept:
        changed.append("option order")
    if not (changed or added or removed or relabelled or reweighted):
        return None
    return QuestionChange(
        newer.key, newer.prompt, tuple(changed), added, removed, relabelled, reweighted
    )
