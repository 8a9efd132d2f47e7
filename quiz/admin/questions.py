"""Admin views: the draft's questions in order, their options and their weights.

Concurrent edits: every change to a question is made from the ``revision`` of it the
admin saw, and a stale one is refused with 409 and nothing saved. The revision is the
question row's version column, so SQLAlchemy refuses too (``StaleDataError``) when
another save lands between that check and the commit. Changes to options and weights
touch the question row, so they raise its revision like an edit of its text does.

Order is not part of what an editor saves, so moving a question neither checks nor
raises revisions: a colleague's reordering never refuses your edit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from quiz.admin import bp
from quiz.admin.ordering import moved
from quiz.admin.question_forms import (
    KIND_LABELS,
    LIKERT_LEVELS,
    AddOptionForm,
    EditQuestionForm,
    MoveForm,
    MoveOptionForm,
    NewQuestionForm,
    RevisionForm,
    edit_question_form,
)
from quiz.core.bank import CHOICE_OPTIONS, LIKERT_SCALE, Bank
from quiz.db import db
from quiz.models import Dimension, Option, OptionWeight, Question, QuestionWeight
from quiz.store import audit
from quiz.store.drafts import (
    QUESTION_WITH_WEIGHTS,
    bank_question,
    draft_bank,
    forget_stale_translations,
)
from quiz.web.banks import LIKERT_LABELS
from quiz.web.i18n import lazy_gettext as _l

CONFLICT = _l(
    "Someone else saved this question while you were editing. "
    "Your changes were not saved — reload to see their version."
)
# letters for new options' keys: a choice question has at most six options
OPTION_KEYS = "abcdefghijklmnopqrstuvwxyz"

Rendered = str | tuple[str, int]


@dataclass(frozen=True)
class QuestionEntry:
    """One line of the question list."""

    number: int
    question: Question
    roles: list[str]  # names of the roles its options move differently


@bp.get("/questions")
def questions() -> Rendered:
    """List every question in order with its kind, state and the roles it weighs on."""
    return _question_list()


@bp.route("/questions/new", methods=["GET", "POST"])
def new_question() -> Rendered | Response:
    """Create a question at the end; a choice question starts with its first two options."""
    form = NewQuestionForm()
    if form.validate_on_submit():
        question = Question(
            key=form.key.data,
            kind=form.kind.data,
            prompt=form.prompt.data,
            position=_next_question_position(),
        )
        if question.kind == "choice":
            labels = (form.first_option.data, form.second_option.data)
            question.options = [
                Option(key=OPTION_KEYS[i], label=label, position=i)
                for i, label in enumerate(labels)
            ]
        db.session.add(question)
        audit.record(
            "create question", f"question {question.key}", f"{question.kind}: {question.prompt}"
        )
        if not _commit():
            form.key.errors.append(
                _("Another question just took the key “%(key)s”.", key=form.key.data)
            )
            return _new_question_page(form, 409)
        flash(_("Question %(key)s created. Now set its weights.", key=question.key))
        return redirect(url_for(".edit_question", question_id=question.id))
    return _new_question_page(form, 422 if form.is_submitted() else 200)


@bp.route("/questions/<int:question_id>", methods=["GET", "POST"])
def edit_question(question_id: int) -> Rendered | Response:
    """Edit a question's key, text, option texts and weights: saved together or not at all."""
    question = _question_or_404(question_id)
    form = edit_question_form(question, _dimensions())
    if not form.is_submitted():
        return _editor(question, form=form)
    if form.is_stale(question):
        return _editor(question, form=form, problem=CONFLICT, status=409)
    if not form.validate():
        return _editor(question, form=form, status=422)
    changes = _apply_edits(question, form)
    if not changes:
        flash(_("Nothing to save: the question is as it was."))
        return redirect(url_for(".edit_question", question_id=question_id))
    audit.record("edit question", f"question {question.key}", "; ".join(changes))
    if not _commit():
        return _editor(_question_or_404(question_id), form=form, problem=CONFLICT, status=409)
    flash(_("Question %(key)s saved.", key=question.key))
    return redirect(url_for(".edit_question", question_id=question_id))


@bp.post("/questions/<int:question_id>/move")
def move_question(question_id: int) -> Response:
    """Move a question one place up or down in the quiz."""
    question = _question_or_404(question_id)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    in_order = list(db.session.scalars(select(Question).order_by(Question.position, Question.id)))
    new_order = moved(in_order, question, form.direction.data)
    if new_order is None:
        if form.direction.data == "up":
            flash(_("Question %(key)s is already first.", key=question.key))
        else:
            flash(_("Question %(key)s is already last.", key=question.key))
    else:
        for position, item in enumerate(new_order):
            if item.position != position:
                # a bulk UPDATE leaves the version column alone: see the module docstring
                db.session.execute(
                    update(Question).where(Question.id == item.id).values(position=position)
                )
        number = new_order.index(question) + 1
        audit.record(
            "move question", f"question {question.key}", f"{form.direction.data} to {number}"
        )
        db.session.commit()
        flash(_("Question %(key)s is now number %(number)s.", key=question.key, number=number))
    return redirect(url_for(".questions", _anchor=f"question-{question_id}"))


@bp.post("/questions/<int:question_id>/activate")
def activate_question(question_id: int) -> Rendered | Response:
    """Ask a deactivated question in the quiz again."""
    return _set_active(question_id, active=True)


@bp.post("/questions/<int:question_id>/deactivate")
def deactivate_question(question_id: int) -> Rendered | Response:
    """Stop asking a question, keeping it and its weights in the list for later."""
    return _set_active(question_id, active=False)


@bp.route("/questions/<int:question_id>/delete", methods=["GET", "POST"])
def delete_question(question_id: int) -> Rendered | Response:
    """Confirm, then delete a question with its options and weights from the draft."""
    question = _question_or_404(question_id)
    form = RevisionForm()
    if not form.is_submitted():
        form.revision.data = question.revision
        return render_template("admin/questions/delete.html", question=question, form=form)
    if form.is_stale(question):
        return _delete_refused(question, form)
    key, prompt = question.key, question.prompt
    db.session.delete(question)
    audit.record("delete question", f"question {key}", prompt)
    if not _commit():
        return _delete_refused(_question_or_404(question_id), form)
    flash(_("Question %(key)s deleted.", key=key))
    return redirect(url_for(".questions"))


@bp.post("/questions/<int:question_id>/options")
def add_option(question_id: int) -> Rendered | Response:
    """Add an option at the end of a choice question; it weighs nothing until set."""
    question = _choice_question_or_404(question_id)
    form = AddOptionForm()
    if form.is_stale(question):
        return _editor(question, add_form=form, problem=CONFLICT, status=409)
    if not form.validate():
        return _editor(question, add_form=form, status=422)
    most = CHOICE_OPTIONS[1]
    if len(question.options) >= most:
        problem = _(
            "A choice question can have at most %(most)s options. Delete one first.", most=most
        )
        return _editor(question, add_form=form, problem=problem, status=422)
    used = {o.key for o in question.options}
    key = next(k for k in OPTION_KEYS if k not in used)
    position = max((o.position for o in question.options), default=-1) + 1
    question.options.append(Option(key=key, label=form.label.data, position=position))
    _touch(question)
    audit.record("add option", f"question {question.key}", f"option {key}: {form.label.data}")
    if not _commit():
        return _editor(_question_or_404(question_id), add_form=form, problem=CONFLICT, status=409)
    flash(_("Option %(key)s added. Set its weights in the matrix.", key=key))
    return redirect(url_for(".edit_question", question_id=question_id, _anchor="weights"))


@bp.post("/questions/<int:question_id>/options/<int:option_id>/delete")
def delete_option(question_id: int, option_id: int) -> Rendered | Response:
    """Delete an option and its weights, keeping the two options a choice question needs."""
    question = _choice_question_or_404(question_id)
    option = _option_or_404(question, option_id)
    form = RevisionForm()
    if form.is_stale(question):
        return _editor(question, problem=CONFLICT, status=409)
    fewest = CHOICE_OPTIONS[0]
    if len(question.options) <= fewest:
        problem = _(
            "A choice question needs at least %(fewest)s options, so option %(key)s "
            "was not deleted. Add another option first.",
            fewest=fewest,
            key=option.key,
        )
        return _editor(question, problem=problem, status=422)
    question.options.remove(option)
    _touch(question)
    audit.record(
        "delete option", f"question {question.key}", f"option {option.key}: {option.label}"
    )
    if not _commit():
        return _editor(_question_or_404(question_id), problem=CONFLICT, status=409)
    flash(_("Option %(key)s deleted.", key=option.key))
    return redirect(url_for(".edit_question", question_id=question_id, _anchor="options"))


@bp.post("/questions/<int:question_id>/options/<int:option_id>/move")
def move_option(question_id: int, option_id: int) -> Rendered | Response:
    """Move an option one place up or down within its question."""
    question = _choice_question_or_404(question_id)
    option = _option_or_404(question, option_id)
    form = MoveOptionForm()
    if not form.validate_on_submit():
        abort(400)
    if form.is_stale(question):
        return _editor(question, problem=CONFLICT, status=409)
    new_order = moved(list(question.options), option, form.direction.data)
    if new_order is None:
        if form.direction.data == "up":
            flash(_("Option %(key)s is already first.", key=option.key))
        else:
            flash(_("Option %(key)s is already last.", key=option.key))
        return redirect(url_for(".edit_question", question_id=question_id, _anchor="options"))
    for position, item in enumerate(new_order):
        item.position = position
    _touch(question)
    audit.record(
        "move option", f"question {question.key}", f"option {option.key} {form.direction.data}"
    )
    if not _commit():
        return _editor(_question_or_404(question_id), problem=CONFLICT, status=409)
    if form.direction.data == "up":
        flash(_("Option %(key)s moved up.", key=option.key))
    else:
        flash(_("Option %(key)s moved down.", key=option.key))
    return redirect(url_for(".edit_question", question_id=question_id, _anchor="options"))


def _question_list(problem: str | None = None, status: int = 200) -> Rendered:
    in_order = db.session.scalars(
        select(Question).order_by(Question.position, Question.id).options(*QUESTION_WITH_WEIGHTS)
    ).all()
    bank = _scored(in_order)
    entries = [
        QuestionEntry(number, question, _roles_weighed_on(bank, question.key))
        for number, question in enumerate(in_order, start=1)
    ]
    page = render_template(
        "admin/questions/list.html",
        entries=entries,
        kind_labels=KIND_LABELS,
        move_form=MoveForm(formdata=None),
        revision_form=RevisionForm(formdata=None),
        problem=problem,
    )
    return page, status


def _new_question_page(form: NewQuestionForm, status: int) -> Rendered:
    page = render_template("admin/questions/new.html", form=form, option_limits=CHOICE_OPTIONS)
    return page, status


def _editor(
    question: Question,
    *,
    form: EditQuestionForm | None = None,
    add_form: AddOptionForm | None = None,
    problem: str | None = None,
    status: int = 200,
) -> Rendered:
    """Render the question editor, with any refused submission's form as it was sent."""
    dimensions = _dimensions()
    bank = _scored([question])
    ids_in_order = db.session.scalars(
        select(Question.id).order_by(Question.position, Question.id)
    ).all()
    page = render_template(
        "admin/questions/edit.html",
        question=question,
        number=ids_in_order.index(question.id) + 1,
        kind_label=KIND_LABELS[question.kind],
        dimensions=dimensions,
        form=form or edit_question_form(question, dimensions, from_request=False),
        add_form=add_form or AddOptionForm(formdata=None, revision=question.revision),
        option_form=MoveOptionForm(formdata=None, revision=question.revision),
        option_limits=CHOICE_OPTIONS,
        likert_levels=LIKERT_LEVELS,
        roles=bank.roles,
        effects=_answer_effects(bank, question),
        weighs_on=_roles_weighed_on(bank, question.key),
        problem=problem,
    )
    return page, status


def _set_active(question_id: int, active: bool) -> Rendered | Response:
    question = _question_or_404(question_id)
    form = RevisionForm()
    if active:
        refused = _(
            "Someone else changed question %(key)s after this page was loaded, "
            "so it was not activated. The list below shows it as it is now.",
            key=question.key,
        )
        done = _("Question %(key)s activated.", key=question.key)
    else:
        refused = _(
            "Someone else changed question %(key)s after this page was loaded, "
            "so it was not deactivated. The list below shows it as it is now.",
            key=question.key,
        )
        done = _("Question %(key)s deactivated.", key=question.key)
    if form.is_stale(question):
        return _question_list(problem=refused, status=409)
    if question.active != active:
        question.active = active
        audit.record(
            "activate question" if active else "deactivate question", f"question {question.key}"
        )
        if not _commit():
            return _question_list(problem=refused, status=409)
    flash(done)
    return redirect(url_for(".questions", _anchor=f"question-{question_id}"))


def _delete_refused(question: Question, form: RevisionForm) -> Rendered:
    page = render_template(
        "admin/questions/delete.html",
        question=question,
        form=form,
        problem=_(
            "Someone else saved this question after you opened this page, so it was not "
            "deleted. Check their version in the editor before deleting it."
        ),
    )
    return page, 409


def _apply_edits(question: Question, form: EditQuestionForm) -> list[str]:
    """Copy the form onto the question; return what changed, in words for the audit log."""
    changes = []
    if form.key.data != question.key:
        changes.append(f"key {question.key} → {form.key.data}")
        question.key = form.key.data
    if form.prompt.data != question.prompt:
        changes.append("text")
        question.prompt = form.prompt.data
        forget_stale_translations(question, ["prompt"])
    options = {o.id: o for o in question.options}
    for option_id, label in form.labels_by_option().items():
        if label != options[option_id].label:
            changes.append(f"option {options[option_id].key} text")
            options[option_id].label = label
            forget_stale_translations(options[option_id], ["label"])
    for option_id, weights in form.weights_by_row().items():
        if option_id is None:
            changes += _set_weights(question.weights, QuestionWeight, weights, "statement")
        else:
            option = options[option_id]
            changes += _set_weights(option.weights, OptionWeight, weights, f"option {option.key}")
    if changes:
        _touch(question)
    return changes


def _set_weights(
    stored: list[Any],
    model: type[QuestionWeight | OptionWeight],
    weights: dict[Dimension, int],
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


def _touch(question: Question) -> None:
    """Make the commit update the question row, so its revision is checked and raised.

    Option and weight rows have no version of their own; without this, two admins
    changing the same question's options would both succeed.
    """
    flag_modified(question, "prompt")


def _commit() -> bool:
    """Commit, or roll back and return False when another admin's save got in first."""
    try:
        db.session.commit()
    except (StaleDataError, IntegrityError):
        # StaleDataError: the revision moved on between our check and this commit;
        # IntegrityError: a save at the same moment took the same key or row.
        db.session.rollback()
        return False
    return True


def _scored(questions: Sequence[Question]) -> Bank:
    """Return a bank of the draft's active roles and ``questions``, inactive ones included."""
    draft = draft_bank()
    return Bank(
        dimensions=draft.dimensions,
        roles=draft.roles,
        questions=tuple(bank_question(q) for q in questions),
    )


def _roles_weighed_on(bank: Bank, question_key: str) -> list[str]:
    """Name the roles a question weighs on: those its options do not all move equally."""
    bounds = bank.effect_table.bounds.get(question_key)
    if not bounds:
        return []
    return [role.name for role, (low, high) in zip(bank.roles, bounds, strict=True) if low != high]


def _answer_effects(bank: Bank, question: Question) -> list[tuple[str, tuple[int, ...]]]:
    """Return each answer's text with its effect on each of the bank's roles, in order."""
    effects = bank.effect_table.effects.get(question.key, {})
    if question.kind == "likert":
        labels = [(key, str(LIKERT_LABELS[key])) for key, _label, _level in LIKERT_SCALE]
    else:
        labels = [(o.key, f"{o.key}. {o.label}") for o in question.options]
    return [(label, effects[key]) for key, label in labels if key in effects]


def _dimensions() -> Sequence[Dimension]:
    return db.session.scalars(select(Dimension).order_by(Dimension.position, Dimension.id)).all()


def _next_question_position() -> int:
    last = db.session.scalar(select(func.max(Question.position)))
    return 0 if last is None else last + 1


def _question_or_404(question_id: int) -> Question:
    return db.get_or_404(Question, question_id)


def _choice_question_or_404(question_id: int) -> Question:
    question = _question_or_404(question_id)
    if question.kind != "choice":
        abort(404)
    return question


def _option_or_404(question: Question, option_id: int) -> Option:
    option = next((o for o in question.options if o.id == option_id), None)
    if option is None:
        abort(404)
    return option
