"""Editing the draft: every change an admin makes to questions, options, roles and dimensions.

Each rule an admin could break is stated in the docstring of the service that enforces it,
and the service refuses a change that breaks it with :class:`EditRefused`: a reason (an
English text marked for the catalog) and the values that fill it, which the page shows in
the reader's language. The services commit; nothing is saved when they refuse.

Concurrent edits: questions and roles carry a revision (the row's version column). A
change made from an older revision than the stored one is refused with :class:`StaleCopy`
and nothing saved, never merged; SQLAlchemy refuses too (``StaleDataError``) when another
save lands between the check and the commit. Changes to a question's options and weights
touch the question row, so they raise its revision like an edit of its text does; a change
of a role's profile raises the role's revision by hand. Dimensions have no revision: the
last save of a dimension wins.

Order is not part of what an editor saves, so moving a question, role or dimension neither
checks nor raises revisions: a colleague's reordering never refuses your edit. An option's
place is part of its question, so moving one does both. Moving a question to a chosen place
checks the order instead (:func:`question_order_mark`): a place means something only in the
order the admin saw.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import Subquery, delete, func, select, union, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from quiz.core.bank import CHOICE_OPTIONS, LIKERT_SCALE, document_value
from quiz.core.messages import N_
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
from quiz.store import audit
from quiz.store.drafts import (
    ROLE_LISTS,
    ROLE_PAGE_FIELDS,
    ROLE_TEXTS,
    forget_stale_translations,
)

# letters for new options' keys: a choice question has at most six options
OPTION_KEYS = "abcdefghijklmnopqrstuvwxyz"
# a role's own fields as an editor saves them: its key, its texts and its lists, and what
# its public page adds (job titles, links as BankLink, colour as "#rrggbb" or "")
ROLE_FIELDS = ("key", *ROLE_TEXTS, *ROLE_LISTS, *ROLE_PAGE_FIELDS)
DIMENSION_FIELDS = ("key", "name", "kind", "description")

QUESTION_KEY_TAKEN = N_("Another question already uses the key “%(key)s”.")
ROLE_KEY_TAKEN = N_("The role “%(name)s” already uses this key.")
RETIRED_ROLE_KEY_TAKEN = N_("The role “%(name)s” (retired) already uses this key.")
DIMENSION_KEY_TAKEN = N_("The skill or goal “%(name)s” already uses this key.")
NO_EMPHASIS = N_("Give at least one skill or goal an emphasis above 0.")
NO_DIMENSION_TO_EMPHASISE = N_(
    "Add a skill or goal first: a role needs at least one in its profile."
)
SCALE_LABELS_ALL_OR_NONE = N_(
    "An agreement statement has all %(count)s answer labels of its own or none."
)
TOO_MANY_OPTIONS = N_("A choice question can have at most %(most)s options. Delete one first.")
TOO_FEW_OPTIONS = N_(
    "A choice question needs at least %(fewest)s options, so option %(key)s "
    "was not deleted. Add another option first."
)
LAST_ACTIVE_ROLE = N_(
    "“%(name)s” is the only active role and the quiz needs at least one. "
    "Add or restore another role first."
)
LAST_DIMENSION = N_("“%(name)s” is the only skill or goal, and the quiz needs at least one.")
MOVE_OUT_OF_RANGE = N_("Choose a place from 1 to %(count)s: the draft has %(count)s questions.")

Keyed = Question | Role | Dimension
Ordered = Question | Option | Role | Dimension
Item = TypeVar("Item", Question, Option, Role, Dimension)


class EditRefused(Exception):
    """A change the draft's rules refuse: ``reason`` (marked ``N_``) filled with ``values``.

    ``field`` names the part of the change it is about ("key", "profile"), so a page can
    show the reason beside it; None when it is about the change as a whole.
    """

    def __init__(self, reason: str, field: str | None = None, **values: Any):
        super().__init__(reason % values)
        self.reason = reason
        self.field = field
        self.values = values


class StaleCopy(Exception):
    """Someone else saved the question or role after the revision the change started from."""


class StaleCopies(StaleCopy):
    """Someone else saved some of the questions a change to several started from: ``keys``."""

    def __init__(self, keys: Sequence[str]):
        super().__init__(", ".join(keys))
        self.keys = list(keys)


# rules every kind of draft item shares


def check_revision(item: Question | Role, revision: str | None) -> None:
    """Refuse a change made from a revision of ``item`` other than the stored one.

    ``revision`` is what the admin's page carried; a page that carried none is stale too,
    so a form sent without its revision cannot slip past the check.
    """
    if revision != str(item.revision):
        raise StaleCopy


def key_clash(model: type[Keyed], key: str, except_id: int | None = None) -> EditRefused | None:
    """Return why ``key`` is not free for a ``model`` row other than ``except_id``, or None.

    Keys are unique among each kind's rows, retired and inactive ones included: stored
    answers and published versions refer to them.
    """
    query = select(model).where(model.key == key)
    if except_id is not None:
        query = query.where(model.id != except_id)
    other = db.session.scalar(query.limit(1))
    if other is None:
        return None
    if isinstance(other, Question):
        return EditRefused(QUESTION_KEY_TAKEN, "key", key=key)
    if isinstance(other, Role):
        taken = ROLE_KEY_TAKEN if other.active else RETIRED_ROLE_KEY_TAKEN
        return EditRefused(taken, "key", name=other.name)
    return EditRefused(DIMENSION_KEY_TAKEN, "key", name=other.name)


def _require_free_key(model: type[Keyed], key: str, except_id: int | None = None) -> None:
    clash = key_clash(model, key, except_id)
    if clash is not None:
        raise clash


def move(item: Ordered, direction: str, revision: str | None = None) -> int | None:
    """Move a question, option, role or dimension one place ``direction`` ("up" or "down").

    Return the item's new place among its siblings (1 for the first), or None when it is
    already first (or last) and nothing changed. Questions, roles and dimensions are
    reordered with a bulk UPDATE, which leaves their revisions alone; an option is moved
    only from its question's current ``revision`` and raises it.
    """
    if isinstance(item, Option):
        check_revision(item.question, revision)
    siblings = _siblings(item)
    index = siblings.index(item)
    neighbour = index - 1 if direction == "up" else index + 1
    if not 0 <= neighbour < len(siblings):
        return None
    siblings[index], siblings[neighbour] = siblings[neighbour], siblings[index]
    place = neighbour + 1
    if isinstance(item, Option):
        for position, option in enumerate(siblings):
            option.position = position
        _touch(item.question)
        audit.record(
            "move option", f"question {item.question.key}", f"option {item.key} {direction}"
        )
        _commit()
        return place
    model = type(item)
    for position, other in enumerate(siblings):
        if other.position != position:
            # a bulk UPDATE leaves the version column alone: see the module docstring
            db.session.execute(update(model).where(model.id == other.id).values(position=position))
    kind = model.__name__.lower()
    if isinstance(item, Question):
        audit.record("move question", f"question {item.key}", f"{direction} to {place}")
    else:
        audit.record(f"move {kind}", f"{kind} {item.key}", f"{direction} to place {place}")
    db.session.commit()
    return place


def question_order_mark(questions: Sequence[Question] | None = None) -> str:
    """Return a short mark of the questions' order, inactive ones included (by default the
    draft's): it changes whenever a question is added, deleted or moved."""
    in_order = ordered(Question) if questions is None else questions
    ids = ",".join(str(q.id) for q in in_order)
    return hashlib.sha256(ids.encode()).hexdigest()[:16]


def move_question_to(question: Question, place: int, order_mark: str | None) -> int | None:
    """Move a question to ``place`` in the quiz (1 for the first) in one step.

    Return its new place, or None when it already was there. The place counts in the
    order the admin saw, which ``order_mark`` (:func:`question_order_mark` of it) names:
    when the order has changed since, or no mark came, the move is refused
    (:class:`StaleCopy`) and nothing moves, since the place would put the question among
    other neighbours than the admin chose. A place outside 1 to the number of questions
    is refused (:class:`EditRefused`). Like :func:`move`, the reorder is a bulk UPDATE
    that leaves revisions alone.
    """
    siblings = ordered(Question)
    if order_mark != question_order_mark(siblings):
        raise StaleCopy
    if not 1 <= place <= len(siblings):
        raise EditRefused(MOVE_OUT_OF_RANGE, count=len(siblings))
    index = siblings.index(question)
    if index == place - 1:
        return None
    siblings.insert(place - 1, siblings.pop(index))
    for position, other in enumerate(siblings):
        if other.position != position:
            db.session.execute(
                update(Question).where(Question.id == other.id).values(position=position)
            )
    audit.record("move question", f"question {question.key}", f"from {index + 1} to {place}")
    db.session.commit()
    return place


def set_active_many(
    questions: Sequence[Question], active: bool, revisions: Mapping[int, str | None]
) -> list[Question]:
    """Activate (or deactivate) several questions at once, one audit entry each.

    Each question changes only from the revision the admin's page carried (``revisions``,
    by question id; none carried is stale too): when any of them was saved since, none
    changes, and :class:`StaleCopies` names them. Questions already in that state are left
    alone; return those that changed.
    """
    stale = [q.key for q in questions if revisions.get(q.id) != str(q.revision)]
    if stale:
        raise StaleCopies(stale)
    changed = [q for q in questions if q.active != active]
    for question in changed:
        question.active = active
        audit.record(
            "activate question" if active else "deactivate question", f"question {question.key}"
        )
    _commit()
    return changed


def set_active(item: Question | Role, active: bool, revision: str | None = None) -> bool:
    """Put a question or role back into the draft (``active``) or take it out, keeping its row.

    A question changes only from the ``revision`` the admin saw; a role's retire and restore
    buttons carry none. The draft keeps at least one active role: without one the quiz can
    rank nobody. Return False when the item already was in that state (nothing changes).
    """
    if isinstance(item, Question):
        check_revision(item, revision)
    if item.active == active:
        return False
    if isinstance(item, Role):
        if not active and _active_role_count() == 1:
            raise EditRefused(LAST_ACTIVE_ROLE, name=item.name)
        item.active = active
        audit.record("restore role" if active else "retire role", f"role {item.key}", item.name)
        db.session.commit()
        return True
    item.active = active
    audit.record("activate question" if active else "deactivate question", f"question {item.key}")
    _commit()
    return True


def ordered(model: type[Item]) -> list[Item]:
    """Return every ``model`` row of the draft in its order, inactive ones included."""
    return list(db.session.scalars(select(model).order_by(model.position, model.id)))


def _siblings(item: Ordered) -> list[Any]:
    if isinstance(item, Option):
        return list(item.question.options)
    return ordered(type(item))


def _next_position(model: type[Question | Role | Dimension]) -> int:
    return db.session.scalar(select(func.coalesce(func.max(model.position) + 1, 0))) or 0


def _active_role_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Role).where(Role.active)) or 0


def _touch(question: Question) -> None:
    """Make the commit update the question row, so its revision is checked and raised.

    Option and weight rows have no version of their own; without this, two admins
    changing the same question's options would both succeed.
    """
    flag_modified(question, "prompt")


def _commit(keyed: tuple[type[Keyed], str, int | None] | None = None) -> None:
    """Commit, or roll back and refuse the change when another admin's save got in first.

    Between the checks and this commit another save may have moved the revision on
    (``StaleDataError``) or taken the same key or row (``IntegrityError``): both are
    :class:`StaleCopy`, except that a change saved under a key (``keyed``: the model, the
    key and the id of the row itself) that another row now holds is refused as that key
    being taken, naming whose it is.
    """
    try:
        db.session.commit()
    except (StaleDataError, IntegrityError) as error:
        db.session.rollback()
        if keyed is not None and isinstance(error, IntegrityError):
            clash = key_clash(*keyed)
            if clash is not None:
                raise clash from error
        raise StaleCopy from error


# questions and their options


def create_question(
    key: str, kind: str, prompt: str, first_option: str = "", second_option: str = ""
) -> Question:
    """Add a question at the end of the draft; its key must be free among the questions.

    A choice question starts with the two options it needs at least (``CHOICE_OPTIONS``),
    from ``first_option`` and ``second_option``; a statement has no options and ignores them.
    """
    _require_free_key(Question, key)
    question = Question(key=key, kind=kind, prompt=prompt, position=_next_position(Question))
    if kind == "choice":
        question.options = [
            Option(key=OPTION_KEYS[i], label=label, position=i)
            for i, label in enumerate((first_option, second_option))
        ]
    db.session.add(question)
    audit.record("create question", f"question {key}", f"{kind}: {prompt}")
    _commit()
    return question


def edit_question(
    question: Question,
    revision: str | None,
    *,
    key: str,
    prompt: str,
    labels: Mapping[int, str],
    weights: Mapping[int | None, Mapping[Dimension, int]],
    scale_labels: Sequence[str] | None = None,
) -> list[str]:
    """Save a question's key, text, option texts and weights together, or nothing at all.

    ``labels`` maps option ids to their texts; ``weights`` maps option ids (None for a
    statement) to a weight per dimension, where 0 keeps no row. ``scale_labels`` are an
    agreement statement's own five answer labels, lowest level first, or none (``[]``:
    the app's own labels are shown); None leaves them as they are. A changed English text
    drops its translations. Return what changed, in words for the audit log; an empty
    list when nothing did (then nothing is saved).
    """
    check_revision(question, revision)
    _require_free_key(Question, key, question.id)
    changes = []
    if key != question.key:
        changes.append(f"key {question.key} → {key}")
        question.key = key
    if prompt != question.prompt:
        changes.append("text")
        question.prompt = prompt
        forget_stale_translations(question, ["prompt"])
    if scale_labels is not None:
        changes += _set_scale_labels(question, scale_labels)
    options = {o.id: o for o in question.options}
    for option_id, label in labels.items():
        if label != options[option_id].label:
            changes.append(f"option {options[option_id].key} text")
            options[option_id].label = label
            forget_stale_translations(options[option_id], ["label"])
    for option_id, row in weights.items():
        if option_id is None:
            changes += _set_weights(question.weights, QuestionWeight, row, "statement")
        else:
            option = options[option_id]
            changes += _set_weights(option.weights, OptionWeight, row, f"option {option.key}")
    if not changes:
        return changes
    _touch(question)
    audit.record("edit question", f"question {question.key}", "; ".join(changes))
    _commit()
    return changes


def _set_scale_labels(question: Question, labels: Sequence[str]) -> list[str]:
    """Give an agreement statement its own five answer labels, or none (``[]``).

    Only a statement has them, and only all five: a scale with some levels unnamed
    would mix the question's words with the app's.
    """
    if question.kind != "likert" or len(labels) not in (0, len(LIKERT_SCALE)):
        raise EditRefused(SCALE_LABELS_ALL_OR_NONE, "labels", count=len(LIKERT_SCALE))
    if list(labels) == list(question.labels or ()):
        return []
    question.labels = list(labels)
    forget_stale_translations(question, ["labels"])
    return ["answer labels" if labels else "answer labels removed"]


def _set_weights(
    stored: list[Any],
    model: type[QuestionWeight | OptionWeight],
    weights: Mapping[Dimension, int],
    owner: str,
) -> list[str]:
    """Store ``weights`` in ``stored``, a list of ``model`` rows; a zero weight keeps no row."""
    changes = []
    by_dimension = {row.dimension_id: row for row in stored}
    for dimension, weight in weights.items():
        row = by_dimension.get(dimension.id)
        before = row.weight if row else 0
        if weight == before:
            continue
        changes.append(f"{owner} on {dimension.key} {before} → {weight}")
        if row is None:
            stored.append(model(dimension=dimension, weight=weight))
        elif weight == 0:
            stored.remove(row)
        else:
            row.weight = weight
    return changes


def delete_question(question: Question, revision: str | None) -> None:
    """Delete a question with its options and weights, from the revision the admin saw."""
    check_revision(question, revision)
    key, prompt = question.key, question.prompt
    db.session.delete(question)
    audit.record("delete question", f"question {key}", prompt)
    _commit()


def add_option(question: Question, revision: str | None, label: str) -> str:
    """Add an option at the end of a choice question and return its key; it weighs nothing.

    A choice question has at most 6 options (``CHOICE_OPTIONS``).
    """
    check_revision(question, revision)
    most = CHOICE_OPTIONS[1]
    if len(question.options) >= most:
        raise EditRefused(TOO_MANY_OPTIONS, most=most)
    used = {o.key for o in question.options}
    key = next(k for k in OPTION_KEYS if k not in used)
    position = max((o.position for o in question.options), default=-1) + 1
    question.options.append(Option(key=key, label=label, position=position))
    _touch(question)
    audit.record("add option", f"question {question.key}", f"option {key}: {label}")
    _commit()
    return key


def delete_option(option: Option, revision: str | None) -> None:
    """Delete an option and its weights; a choice question keeps at least 2 options."""
    question = option.question
    check_revision(question, revision)
    fewest = CHOICE_OPTIONS[0]
    if len(question.options) <= fewest:
        raise EditRefused(TOO_FEW_OPTIONS, fewest=fewest, key=option.key)
    question.options.remove(option)
    _touch(question)
    audit.record(
        "delete option", f"question {question.key}", f"option {option.key}: {option.label}"
    )
    _commit()


# roles


def add_role(fields: Mapping[str, Any], profile: Mapping[int, int]) -> Role:
    """Add a role with its key, texts, lists and profile at the end of the draft's roles.

    ``fields`` holds every name in ``ROLE_FIELDS``; ``profile`` the emphasis (0 to 3) per
    dimension id. The key must be free among the roles, retired ones included, and a role
    needs at least one emphasis above 0: a role emphasising nothing can never be ranked.
    """
    dimensions = ordered(Dimension)
    _require_free_key(Role, fields["key"])
    _require_emphasis(profile, dimensions)
    role = Role(position=_next_position(Role))
    _fill_role(role, fields, profile, dimensions)
    db.session.add(role)
    audit.record("add role", f"role {role.key}", role.name)
    _commit((Role, fields["key"], None))
    return role


def edit_role(
    role: Role, revision: str | None, fields: Mapping[str, Any], profile: Mapping[int, int]
) -> list[str]:
    """Save a role's key, texts, lists and profile from the revision the admin saw.

    The same rules as :func:`add_role` hold. A changed English text drops its
    translations. Return the names of what changed; an empty list when nothing did
    (then nothing is saved).
    """
    check_revision(role, revision)
    dimensions = ordered(Dimension)
    _require_free_key(Role, fields["key"], role.id)
    _require_emphasis(profile, dimensions)
    before = _role_snapshot(role)
    _fill_role(role, fields, profile, dimensions)
    after = _role_snapshot(role)
    changed = [name for name in after if after[name] != before[name]]
    if not changed:
        return changed
    forget_stale_translations(role, changed)
    # The profile lives in other rows, which leave the role's own revision alone:
    # bump it by hand so a stale copy of the profile is refused too.
    role.revision = role.revision + 1
    words = [f"key {before['key']} → {after['key']}" if n == "key" else n for n in changed]
    audit.record("edit role", f"role {role.key}", "changed " + ", ".join(words))
    _commit((Role, fields["key"], role.id))
    return changed


def _require_emphasis(profile: Mapping[int, int], dimensions: Sequence[Dimension]) -> None:
    if not any(profile.get(d.id, 0) for d in dimensions):
        raise EditRefused(NO_EMPHASIS if dimensions else NO_DIMENSION_TO_EMPHASISE, "profile")


def _fill_role(
    role: Role,
    fields: Mapping[str, Any],
    profile: Mapping[int, int],
    dimensions: Sequence[Dimension],
) -> None:
    """Copy ``fields`` and ``profile`` onto ``role``; an emphasis of 0 is stored as no row."""
    role.key = fields["key"]
    for name in ROLE_TEXTS:
        setattr(role, name, fields[name])
    for name in ROLE_LISTS:
        setattr(role, name, list(fields[name]))
    role.titles = list(fields["titles"])
    role.links = document_value(tuple(fields["links"]))
    role.colour = fields["colour"]
    stored = {e.dimension_id: e for e in role.emphases}
    for dimension in dimensions:
        level, emphasis = profile.get(dimension.id, 0), stored.get(dimension.id)
        if emphasis is not None and level:
            emphasis.emphasis = level
        elif emphasis is not None:
            role.emphases.remove(emphasis)
        elif level:
            role.emphases.append(RoleEmphasis(dimension=dimension, emphasis=level))


def _role_snapshot(role: Role) -> dict[str, object]:
    return {
        "key": role.key,
        **{name: getattr(role, name) for name in ROLE_TEXTS},
        **{name: list(getattr(role, name)) for name in ROLE_LISTS},
        "titles": list(role.titles or ()),
        "links": list(role.links or ()),
        "colour": role.colour or "",
        "profile": {e.dimension.key: e.emphasis for e in role.emphases if e.emphasis},
    }


# dimensions


def add_dimension(fields: Mapping[str, str]) -> Dimension:
    """Add a skill or goal at the end of the draft's list; its key must be free."""
    _require_free_key(Dimension, fields["key"])
    dimension = Dimension(position=_next_position(Dimension))
    for name in DIMENSION_FIELDS:
        setattr(dimension, name, fields[name])
    db.session.add(dimension)
    audit.record("add dimension", f"dimension {dimension.key}", dimension.name)
    _commit((Dimension, fields["key"], None))
    return dimension


def edit_dimension(dimension: Dimension, fields: Mapping[str, str]) -> list[str]:
    """Save a skill or goal's key, name, kind and description; the last save wins.

    The key must be free among the others. A changed English text drops its
    translations. Return the names of what changed; an empty list when nothing did.
    """
    _require_free_key(Dimension, fields["key"], dimension.id)
    before = {name: getattr(dimension, name) for name in DIMENSION_FIELDS}
    for name in DIMENSION_FIELDS:
        setattr(dimension, name, fields[name])
    changed = [n for n in DIMENSION_FIELDS if getattr(dimension, n) != before[n]]
    if not changed:
        return changed
    forget_stale_translations(dimension, changed)
    detail = "changed " + ", ".join(
        f"key {before['key']} → {dimension.key}" if n == "key" else n for n in changed
    )
    audit.record("edit dimension", f"dimension {dimension.key}", detail)
    _commit((Dimension, fields["key"], dimension.id))
    return changed


def check_deletable(dimension: Dimension) -> None:
    """Refuse to delete the draft's last dimension.

    The draft keeps at least one dimension: without one the quiz can neither score nor
    be published.
    """
    if db.session.scalar(select(func.count()).select_from(Dimension)) == 1:
        raise EditRefused(LAST_DIMENSION, name=dimension.name)


def delete_dimension(dimension: Dimension) -> None:
    """Delete a skill or goal with its weights and emphases; the last one stays.

    See :func:`check_deletable`.
    """
    check_deletable(dimension)
    questions, roles = dimension_users(dimension)
    for model in (QuestionWeight, OptionWeight, RoleEmphasis):
        db.session.execute(delete(model).where(model.dimension_id == dimension.id))
    db.session.delete(dimension)
    audit.record(
        "delete dimension",
        f"dimension {dimension.key}",
        f"{dimension.name}; removed from {len(questions)} questions and {len(roles)} roles",
    )
    db.session.commit()


def _question_links() -> Subquery:
    """Pairs (dimension id, question id) where the question weighs the dimension, once each."""
    return union(
        select(QuestionWeight.dimension_id, QuestionWeight.question_id).where(
            QuestionWeight.weight != 0
        ),
        select(OptionWeight.dimension_id, Option.question_id)
        .join(Option, OptionWeight.option_id == Option.id)
        .where(OptionWeight.weight != 0),
    ).subquery()


def dimension_usage() -> tuple[dict[int, int], dict[int, int]]:
    """Count per dimension id the questions (retired ones too) and roles that use it."""
    links = _question_links()
    questions = db.session.execute(
        select(links.c.dimension_id, func.count()).group_by(links.c.dimension_id)
    )
    roles = db.session.execute(
        select(RoleEmphasis.dimension_id, func.count())
        .where(RoleEmphasis.emphasis != 0)
        .group_by(RoleEmphasis.dimension_id)
    )
    return (
        {dimension: count for dimension, count in questions},
        {dimension: count for dimension, count in roles},
    )


def dimension_users(dimension: Dimension) -> tuple[list[Question], list[Role]]:
    """Return the questions that weigh ``dimension`` and the roles that emphasise it, in order."""
    links = _question_links()
    questions = db.session.scalars(
        select(Question)
        .where(
            Question.id.in_(select(links.c.question_id).where(links.c.dimension_id == dimension.id))
        )
        .order_by(Question.position, Question.id)
    )
    roles = db.session.scalars(
        select(Role)
        .join(RoleEmphasis)
        .where(RoleEmphasis.dimension_id == dimension.id, RoleEmphasis.emphasis != 0)
        .order_by(Role.position, Role.id)
    )
    return list(questions), list(roles)
