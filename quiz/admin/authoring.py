"""The one-screen question page: write or edit a whole question, see its effects, save once.

The routes are in :mod:`quiz.admin.questions` (``new_question`` and ``edit_question``);
this module answers them. A button that adds, moves or removes an option, or asks for
the effects and preview, re-renders the form with everything typed kept (200); only
"Save question" validates and saves, through :mod:`quiz.store.authoring`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import Form, RadioField
from wtforms.fields import SelectChoice

from quiz.admin.authoring_forms import (
    QuestionAuthoringForm,
    authoring_form,
    dimension_groups,
    weight_name,
)
from quiz.admin.question_forms import KIND_LABELS, LIKERT_LEVELS
from quiz.core.bank import (
    CHOICE_OPTIONS,
    CHOICE_WEIGHT_RANGE,
    LIKERT_SCALE,
    LIKERT_WEIGHT_RANGE,
    BankRole,
    likert_options,
)
from quiz.core.question_authoring import RoleEffect, option_effects, option_keys
from quiz.db import db
from quiz.models import Dimension, Question
from quiz.store import editing
from quiz.store.authoring import (
    create_whole_question,
    save_whole_question,
    taken_question_keys,
)
from quiz.store.drafts import draft_bank
from quiz.web.banks import LIKERT_LABELS
from quiz.web.i18n import lazy_gettext as _l

Rendered = str | tuple[str, int]
CONFLICT = _l(
    "Someone else saved this question while you were editing. "
    "Your changes were not saved — reload to see their version."
)
# the answer whose effects a statement's row shows: the strongest agreement
STRONGEST_AGREEMENT = LIKERT_SCALE[-1][0]


@dataclass(frozen=True)
class OptionRow:
    """One row of the weights grid: the option's form entry, its key and its effects."""

    index: int
    entry: Any  # the FormField of the option
    key: str
    effects: tuple[RoleEffect, ...]


def new_question_page() -> Rendered | Response:
    """Create a question with its options and weights in one step."""
    form = authoring_form(_dimensions())
    if not form.is_submitted():
        return _page(form, None)
    what, index = form.requested()
    if what != "save":
        return _page(form.rearranged(what, index), None, shown_effects=what == "preview")
    if not form.validate():
        if "csrf_token" in form.errors:
            abort(400)
        return _page(form, None, status=422)
    try:
        question = create_whole_question(
            key=form.key.data,
            kind=form.chosen_kind,
            prompt=form.prompt.data,
            options=form.option_drafts(),
            statement_weights=form.statement_weights(),
            scale_labels=form.labels_of_scale(),
        )
    except editing.EditRefused as refused:
        return _refused(form, None, refused)
    except editing.StaleCopy:
        # the form found the key free: another question took it since
        form.key.errors.append(
            _("Another question just took the key “%(key)s”.", key=form.key.data)
        )
        return _page(form, None, status=409)
    flash(_("Question %(key)s created.", key=question.key))
    return redirect(url_for(".edit_question", question_id=question.id))


def edit_question_page(question: Question) -> Rendered | Response:
    """Edit a whole question on one screen, from the revision the admin saw."""
    form = authoring_form(_dimensions(), question)
    if not form.is_submitted():
        return _page(form, question)
    what, index = form.requested()
    if what != "save":
        return _page(form.rearranged(what, index), question, shown_effects=what == "preview")
    try:
        editing.check_revision(question, form.revision.data)
    except editing.StaleCopy:
        return _page(form, question, problem=str(CONFLICT), status=409)
    if not form.validate():
        if "csrf_token" in form.errors:
            abort(400)
        return _page(form, question, status=422)
    try:
        changes = save_whole_question(
            question,
            form.revision.data,
            key=form.key.data,
            prompt=form.prompt.data,
            options=form.option_drafts(),
            statement_weights=form.statement_weights(),
            scale_labels=form.labels_of_scale() if question.kind == "likert" else None,
        )
    except editing.EditRefused as refused:
        return _refused(form, question, refused)
    except editing.StaleCopy:
        stored = db.get_or_404(Question, question.id)
        return _page(form, stored, problem=str(CONFLICT), status=409)
    if not changes:
        flash(_("Nothing to save: the question is as it was."))
    else:
        flash(_("Question %(key)s saved.", key=question.key))
    return redirect(url_for(".edit_question", question_id=question.id))


def stored_question_page(
    question: Question, problem: str | None = None, status: int = 200
) -> Rendered:
    """Render the page for ``question`` as stored, with a ``problem`` said above it."""
    form = authoring_form(_dimensions(), question, from_request=False)
    return _page(form, question, problem=problem, status=status)


def _refused(
    form: QuestionAuthoringForm, question: Question | None, refused: editing.EditRefused
) -> Rendered:
    message = _(refused.reason, **refused.values)
    if refused.field == "key":
        form.key.errors.append(message)
        return _page(form, question, status=422)
    return _page(form, question, problem=message, status=422)


def _page(
    form: QuestionAuthoringForm,
    question: Question | None,
    *,
    problem: str | None = None,
    status: int = 200,
    shown_effects: bool = False,
) -> Rendered:
    """Render the one-screen form with each option's effects and the taker's preview."""
    dimensions = list(form.dimensions)
    groups = dimension_groups(dimensions)
    in_grid_order = [d for group in groups for d in group.dimensions]
    roles = draft_bank().roles
    profiles = [dict(role.profile) for role in roles]
    kind = form.chosen_kind

    entries = list(form.options.entries)
    by_key = {d.key: d for d in dimensions}
    option_weights = [
        {d.key: w for d, w in form.weights_of(entry.form).items()} for entry in entries
    ]
    effects = option_effects(option_weights, profiles)
    stored_keys = {o.id: o.key for o in question.options} if question is not None else {}
    ids = [draft.option_id for draft in form.option_drafts()]
    rows = [
        OptionRow(i, entry, key, effects[i] if effects else ())
        for i, (entry, key) in enumerate(zip(entries, option_keys(stored_keys, ids), strict=True))
    ]

    statement = {d.key: w for d, w in form.statement_weights().items()}
    scale = likert_options(statement)
    scale_effects = option_effects([o.weights for o in scale], profiles)
    strongest = [o.key for o in scale].index(STRONGEST_AGREEMENT)

    number = None
    if question is not None:
        ids_in_order = db.session.scalars(
            select(Question.id).order_by(Question.position, Question.id)
        ).all()
        number = ids_in_order.index(question.id) + 1
    page = render_template(
        "admin/questions/author.html",
        form=form,
        question=question,
        number=number,
        kind=kind,
        kind_label=KIND_LABELS[kind],
        groups=groups,
        grid_dimensions=in_grid_order,
        weight_name=weight_name,
        rows=rows,
        statement_effects=scale_effects[strongest],
        roles=roles,
        role_profiles=_profiles_by_field(roles, by_key),
        taken_keys=sorted(taken_question_keys(question.id if question else None)),
        stored_option_keys=sorted(stored_keys.values()),
        option_limits=CHOICE_OPTIONS,
        choice_range=CHOICE_WEIGHT_RANGE,
        likert_range=LIKERT_WEIGHT_RANGE,
        likert_levels=LIKERT_LEVELS,
        taker_preview=_preview_field(form, kind),
        default_scale=[str(LIKERT_LABELS[k]) for k, *_ in LIKERT_SCALE],
        shown_effects=shown_effects,
        problem=problem,
        weighs_on=_weighs_on(roles, effects if kind == "choice" else scale_effects),
    )
    return page, status


def _weighs_on(roles: Sequence[BankRole], effects: tuple[tuple[RoleEffect, ...], ...]) -> list[str]:
    """Name the roles the question weighs on: those its answers do not all move equally."""
    if not effects:
        return []
    columns = zip(*effects, strict=True)
    return [
        role.name
        for role, column in zip(roles, columns, strict=True)
        if len({e.effect for e in column}) > 1
    ]


def _profiles_by_field(
    roles: Sequence[BankRole], by_key: dict[str, Dimension]
) -> list[dict[str, Any]]:
    """Return each role's name and profile by weight field name, for the page's script."""
    return [
        {
            "name": role.name,
            "profile": {
                weight_name(by_key[key]): emphasis
                for key, emphasis in role.profile.items()
                if key in by_key and emphasis
            },
        }
        for role in roles
    ]


def _preview_field(form: QuestionAuthoringForm, kind: str) -> Any:
    """Return the question as a taker's radio field, for the quiz's own question macro."""
    if kind == "likert":
        own = [field.data for field in form.scale_labels] if form.scale_labels else []
        labels = own if own and all(own) else [str(LIKERT_LABELS[k]) for k, *_ in LIKERT_SCALE]
        choices = [
            SelectChoice(k, label) for (k, *_), label in zip(LIKERT_SCALE, labels, strict=True)
        ]
    else:
        choices = [
            SelectChoice(str(i), entry.form.label.data or "…")
            for i, entry in enumerate(form.options.entries)
        ]

    class Preview(Form):
        question = RadioField(
            form.prompt.data or _("Your question's text"),
            choices=choices,
            description=kind,
        )

    return Preview(formdata=None, prefix="preview-").question


def _dimensions() -> list[Dimension]:
    return editing.ordered(Dimension)
