"""Writing a whole question at once: its key, text, options and weights in one save.

The one-screen question form sends everything it shows together, so these services take
it all, check every rule before changing anything, and commit once with one audit entry:
a question is never left half made. The rules are those of :mod:`quiz.store.editing`
(whose refusals, :class:`~quiz.store.editing.EditRefused` and
:class:`~quiz.store.editing.StaleCopy`, they raise), stated again where they are enforced:

* the key has the bank's key format and is free among the questions, inactive ones too;
* the kind is an agreement statement ("likert") or a choice ("choice"); it never changes
  once the question exists, since stored answers are answers to that kind;
* the text and every option's text are non-empty;
* a choice question has 2 to 6 options (``CHOICE_OPTIONS``); a statement has none;
* weights are whole numbers, -4 to 4 for an option and -2 to 2 for a statement (each
  answer multiplies them by its level, -2 to 2); a zero weight keeps no row;
* a statement has its own five answer labels or none.

An option keeps its key for life (stored answers name it); a new one takes the first
letter no option of the question uses now, so a key freed in the same save is not
reused in it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select

from quiz.core.bank import (
    CHOICE_OPTIONS,
    CHOICE_WEIGHT_RANGE,
    KEY_PATTERN,
    LIKERT_SCALE,
    LIKERT_WEIGHT_RANGE,
)
from quiz.core.messages import N_
from quiz.core.question_authoring import option_keys, suggest_key
from quiz.db import db
from quiz.models import Dimension, Option, OptionWeight, Question, QuestionWeight
from quiz.store import audit
from quiz.store.drafts import forget_stale_translations
from quiz.store.editing import (
    OPTION_KEYS,
    SCALE_LABELS_ALL_OR_NONE,
    EditRefused,
    StaleCopy,
    _commit,
    _next_position,
    _require_free_key,
    _set_scale_labels,
    _set_weights,
    _touch,
    check_revision,
)

KINDS = ("likert", "choice")
BAD_KEY = N_(
    "Use 1 to 40 lowercase letters, digits or hyphens, starting with a letter or digit "
    "(for example q36)."
)
BAD_KIND = N_("Choose the kind of question.")
NO_TEXT = N_("Enter the question's text.")
NO_OPTION_TEXT = N_("Enter the text of option %(number)s.")
OPTION_COUNT = N_("A choice question needs %(fewest)s to %(most)s options; this one has %(count)s.")
WEIGHT_OUT_OF_RANGE = N_("Weights are whole numbers from %(low)s to %(high)s.")


@dataclass(frozen=True)
class OptionDraft:
    """One option as the form sends it: its row's id (None for a new one), text and weights."""

    option_id: int | None
    label: str
    weights: Mapping[Dimension, int] = field(default_factory=dict)


def taken_question_keys(except_id: int | None = None) -> set[str]:
    """Return every question's key but that of ``except_id``."""
    query = select(Question.key)
    if except_id is not None:
        query = query.where(Question.id != except_id)
    return set(db.session.scalars(query))


def suggested_question_key(text: str, except_id: int | None = None) -> str:
    """Return a free key made from ``text``, for a question saved without one."""
    return suggest_key(text, taken_question_keys(except_id))


def create_whole_question(
    *,
    key: str,
    kind: str,
    prompt: str,
    options: Sequence[OptionDraft] = (),
    statement_weights: Mapping[Dimension, int] | None = None,
    scale_labels: Sequence[str] = (),
) -> Question:
    """Add a question at the end of the draft with its options and weights, in one commit.

    A statement takes ``statement_weights`` and ``scale_labels`` and ignores ``options``; a
    choice question takes ``options`` (in order; their ids are ignored) and ignores the rest.
    """
    _check_question(key, kind, prompt, options, statement_weights, scale_labels)
    _require_free_key(Question, key)
    question = Question(key=key, kind=kind, prompt=prompt, position=_next_position(Question))
    details = [f"{kind}: {prompt}"]
    if kind == "likert":
        question.labels = list(scale_labels)
        question.weights = [
            QuestionWeight(dimension=d, weight=w) for d, w in (statement_weights or {}).items() if w
        ]
        details += [f"statement on {w.dimension.key} {w.weight}" for w in question.weights]
    else:
        for position, draft in enumerate(options):
            option = Option(key=OPTION_KEYS[position], label=draft.label, position=position)
            option.weights = [
                OptionWeight(dimension=d, weight=w) for d, w in draft.weights.items() if w
            ]
            question.options.append(option)
            details.append(f"option {option.key}: {draft.label}")
            details += [
                f"option {option.key} on {w.dimension.key} {w.weight}" for w in option.weights
            ]
    db.session.add(question)
    audit.record("create question", f"question {key}", "; ".join(details))
    _commit((Question, key, None))
    return question


def save_whole_question(
    question: Question,
    revision: str | None,
    *,
    key: str,
    prompt: str,
    options: Sequence[OptionDraft] = (),
    statement_weights: Mapping[Dimension, int] | None = None,
    scale_labels: Sequence[str] | None = None,
) -> list[str]:
    """Save a question's key, text, options (added, removed, reordered) and weights at once.

    Only from the ``revision`` the admin saw. For a choice question, ``options`` is the
    whole list in its new order: stored options it leaves out are deleted, drafts without
    an id are added, and one naming an option the question does not have is stale (someone
    deleted it meanwhile). ``scale_labels`` None leaves a statement's labels as they are.
    Return what changed, in words for the audit log; nothing is saved when nothing changed.
    """
    check_revision(question, revision)
    _check_question(key, question.kind, prompt, options, statement_weights, scale_labels or ())
    _require_free_key(Question, key, question.id)
    # read before anything changes: a query after a change would flush it early and hold
    # the database's write lock while the audit entry is made
    dimensions = list(db.session.scalars(select(Dimension)))
    changes: list[str] = []
    if key != question.key:
        changes.append(f"key {question.key} → {key}")
        question.key = key
    if prompt != question.prompt:
        changes.append("text")
        question.prompt = prompt
        forget_stale_translations(question, ["prompt"])
    if question.kind == "likert":
        if scale_labels is not None:
            changes += _set_scale_labels(question, scale_labels)
        changes += _set_weights(
            question.weights,
            QuestionWeight,
            _every_dimension(statement_weights, dimensions),
            "statement",
        )
    else:
        changes += _save_options(question, options, dimensions)
    if not changes:
        return changes
    _touch(question)
    audit.record("edit question", f"question {question.key}", "; ".join(changes))
    _commit((Question, key, question.id))
    return changes


def _save_options(
    question: Question, drafts: Sequence[OptionDraft], dimensions: Sequence[Dimension]
) -> list[str]:
    """Make ``question.options`` what ``drafts`` say, in their order; return the changes."""
    stored = {o.id: o for o in question.options}
    if any(d.option_id is not None and d.option_id not in stored for d in drafts):
        raise StaleCopy
    kept_ids = {d.option_id for d in drafts if d.option_id is not None}
    changes: list[str] = []
    for option in list(question.options):
        if option.id not in kept_ids:
            question.options.remove(option)
            changes.append(f"option {option.key} deleted")
    # see option_keys: a letter freed in this save is not reused in it, since the delete
    # is flushed after the insert and (question, key) is unique
    keys = option_keys({i: o.key for i, o in stored.items()}, [d.option_id for d in drafts])
    before = [o.key for o in question.options]  # the kept options, in their stored order
    in_order: list[Option] = []
    for draft, option_key in zip(drafts, keys, strict=True):
        if draft.option_id is None:
            option = Option(key=option_key, label=draft.label)
            question.options.append(option)
            changes.append(f"option {option.key} added: {draft.label}")
            changes += _set_weights(
                option.weights, OptionWeight, _nonzero(draft.weights), f"option {option.key}"
            )
        else:
            option = stored[draft.option_id]
            if draft.label != option.label:
                changes.append(f"option {option.key} text")
                option.label = draft.label
                forget_stale_translations(option, ["label"])
            changes += _set_weights(
                option.weights,
                OptionWeight,
                _every_dimension(draft.weights, dimensions),
                f"option {option.key}",
            )
        in_order.append(option)
    for position, option in enumerate(in_order):
        option.position = position
    question.options.sort(key=lambda o: o.position)
    if [o.key for o in in_order if o.key in before] != before:
        changes.append("options reordered: " + ", ".join(o.key for o in in_order))
    return changes


def _every_dimension(
    weights: Mapping[Dimension, int] | None, dimensions: Sequence[Dimension]
) -> dict[Dimension, int]:
    """Return ``weights`` with 0 for every dimension they leave out, so its row goes too."""
    given = dict(weights or {})
    return {d: given.get(d, 0) for d in dimensions} | given


def _nonzero(weights: Mapping[Dimension, int]) -> dict[Dimension, int]:
    return {d: w for d, w in weights.items() if w}


def _check_question(
    key: str,
    kind: str,
    prompt: str,
    options: Sequence[OptionDraft],
    statement_weights: Mapping[Dimension, int] | None,
    scale_labels: Sequence[str],
) -> None:
    """Refuse a question breaking any rule of the module docstring, before anything changes."""
    if not KEY_PATTERN.fullmatch(key or ""):
        raise EditRefused(BAD_KEY, "key")
    if kind not in KINDS:
        raise EditRefused(BAD_KIND, "kind")
    if not prompt.strip():
        raise EditRefused(NO_TEXT, "prompt")
    if kind == "likert":
        if len(scale_labels) not in (0, len(LIKERT_SCALE)) or not all(scale_labels):
            raise EditRefused(SCALE_LABELS_ALL_OR_NONE, "labels", count=len(LIKERT_SCALE))
        _check_weights((statement_weights or {}).values(), LIKERT_WEIGHT_RANGE)
        return
    fewest, most = CHOICE_OPTIONS
    if not fewest <= len(options) <= most:
        raise EditRefused(OPTION_COUNT, "options", fewest=fewest, most=most, count=len(options))
    for number, draft in enumerate(options, start=1):
        if not draft.label.strip():
            raise EditRefused(NO_OPTION_TEXT, "options", number=number)
        _check_weights(draft.weights.values(), CHOICE_WEIGHT_RANGE)


def _check_weights(weights: Iterable[object], bounds: tuple[int, int]) -> None:
    low, high = bounds
    for weight in weights:
        if not isinstance(weight, int) or not low <= weight <= high:
            raise EditRefused(WEIGHT_OUT_OF_RANGE, "weights", low=low, high=high)
