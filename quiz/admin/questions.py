"""Admin views: the draft's questions in order, their options and their weights.

The rules of editing live in :mod:`quiz.store.editing`; a change it refuses is shown
with its reason (422), and one made from a stale revision of the question with 409.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response
from wtforms import HiddenField, IntegerField, SelectMultipleField
from wtforms.validators import AnyOf, InputRequired

from quiz.admin import authoring, bp
from quiz.admin.question_forms import (
    KIND_LABELS,
    WHOLE_NUMBER,
    AddOptionForm,
    MoveForm,
    MoveOptionForm,
    RevisionForm,
)
from quiz.core.bank import LIKERT_SCALE, Bank, BankDimension, BankRole
from quiz.core.question_reach import dimensions_measured, role_moved_most
from quiz.db import db
from quiz.models import Dimension, Option, Question
from quiz.store import editing
from quiz.store.drafts import (
    QUESTION_WITH_WEIGHTS,
    bank_question,
    draft_bank,
)
from quiz.web.banks import LIKERT_LABELS
from quiz.web.i18n import lazy_gettext as _l

CONFLICT = _l(
    "Someone else saved this question while you were editing. "
    "Your changes were not saved — reload to see their version."
)

Rendered = str | tuple[str, int]


@dataclass(frozen=True)
class QuestionEntry:
    """One row of the question table."""

    number: int
    question: Question
    dimensions: list[BankDimension]  # the skills and goals its options weigh on
    moves_most: BankRole | None  # the role its answers swing furthest apart


@dataclass(frozen=True)
class ListFilters:
    """What the list is narrowed to, read from the query string; empty means any."""

    text: str
    kind: str
    state: str
    dimension: str
    role: str

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> ListFilters:
        def arg(name: str) -> str:
            return args.get(name, "").strip()[:200]

        return cls(arg("q"), arg("kind"), arg("state"), arg("dimension"), arg("role"))

    def as_args(self) -> dict[str, str]:
        """Return the filters in use as query-string arguments, to come back to this view."""
        named = {
            "q": self.text,
            "kind": self.kind,
            "state": self.state,
            "dimension": self.dimension,
            "role": self.role,
        }
        return {name: value for name, value in named.items() if value}

    @property
    def any(self) -> bool:
        return any((self.text, self.kind, self.state, self.dimension, self.role))

    def keeps(self, entry: QuestionEntry) -> bool:
        """Say whether ``entry`` passes every filter (text matches prompt or option labels)."""
        question = entry.question
        if self.text:
            needle = self.text.casefold()
            texts = [question.prompt, question.key, *(o.label for o in question.options)]
            if not any(needle in text.casefold() for text in texts):
                return False
        if self.kind and question.kind != self.kind:
            return False
        if self.state == "active" and not question.active:
            return False
        if self.state == "inactive" and question.active:
            return False
        if self.dimension and self.dimension not in {d.key for d in entry.dimensions}:
            return False
        if self.role:
            moved = entry.moves_most.key if entry.moves_most else "none"
            if moved != self.role:
                return False
        return True


class MoveToForm(FlaskForm):
    """Move a question to a chosen place in the quiz, in the order the page showed."""

    place = IntegerField(validators=[InputRequired()])
    # the order the page showed (editing.question_order_mark): a place means something in it
    order = HiddenField()


class BulkActiveForm(FlaskForm):
    """Activate or deactivate the ticked questions; the pressed button says which."""

    # not rendered itself: the pressed button (name="active", value 1 or 0) fills it
    active = HiddenField(validators=[AnyOf(("1", "0"))])
    # not rendered itself either: each row's checkbox, "<question id>:<its revision>", so a
    # question someone else saved since the page was loaded is seen and nothing changes
    question = SelectMultipleField(validate_choice=False)

    def ticked(self) -> dict[int, str] | None:
        """Return the ticked questions' revisions by id, or None when a value is not
        "<id>:<revision>"."""
        ticked = {}
        for value in self.question.data or []:
            number, _colon, revision = value.partition(":")
            if not (WHOLE_NUMBER.fullmatch(number) and WHOLE_NUMBER.fullmatch(revision)):
                return None
            ticked[int(number)] = revision
        return ticked


@bp.get("/questions")
def questions() -> Rendered:
    """List the questions in a table, narrowed by the search and filters in the query string."""
    return _question_list()


@bp.route("/questions/new", methods=["GET", "POST"])
def new_question() -> Rendered | Response:
    """Create a question with its options and weights in one step (see quiz.admin.authoring)."""
    return authoring.new_question_page()


@bp.route("/questions/<int:question_id>", methods=["GET", "POST"])
def edit_question(question_id: int) -> Rendered | Response:
    """Edit a question's key, text, options and weights on one screen: saved together or not."""
    return authoring.edit_question_page(_question_or_404(question_id))


@bp.post("/questions/<int:question_id>/move")
def move_question(question_id: int) -> Response:
    """Move a question one place up or down in the quiz."""
    question = _question_or_404(question_id)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    number = editing.move(question, form.direction.data)
    if number is not None:
        flash(_("Question %(key)s is now number %(number)s.", key=question.key, number=number))
    elif form.direction.data == "up":
        flash(_("Question %(key)s is already first.", key=question.key))
    else:
        flash(_("Question %(key)s is already last.", key=question.key))
    return redirect(url_for(".questions", _anchor=f"question-{question_id}"))


@bp.post("/questions/<int:question_id>/activate")
def activate_question(question_id: int) -> Rendered | Response:
    """Ask a deactivated question in the quiz again."""
    return _set_active(question_id, active=True)


@bp.post("/questions/<int:question_id>/deactivate")
def deactivate_question(question_id: int) -> Rendered | Response:
    """Stop asking a question, keeping it and its weights in the list for later."""
    return _set_active(question_id, active=False)


@bp.post("/questions/<int:question_id>/place")
def move_question_to(question_id: int) -> Rendered | Response:
    """Move a question to the place typed in its row, in one step."""
    question = _question_or_404(question_id)
    form = MoveToForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        return _question_list(
            problem=_("Type the place to move the question to, as a number."), status=400
        )
    try:
        place = editing.move_question_to(question, form.place.data, form.order.data)
    except editing.StaleCopy:
        problem = _(
            "Someone else changed the order of the questions after this page was loaded, "
            "so question %(key)s was not moved. The list below shows the order as it is now.",
            key=question.key,
        )
        return _question_list(problem=problem, status=409)
    except editing.EditRefused as refused:
        return _question_list(problem=_(refused.reason, **refused.values), status=400)
    if place is None:
        flash(
            _(
                "Question %(key)s already is number %(number)s.",
                key=question.key,
                number=form.place.data,
            )
        )
    else:
        flash(_("Question %(key)s is now number %(number)s.", key=question.key, number=place))
    back = ListFilters.from_args(request.form).as_args()
    return redirect(url_for(".questions", **back, _anchor=f"question-{question_id}"))


@bp.post("/questions/active")
def set_questions_active() -> Rendered | Response:
    """Activate or deactivate every ticked question at once."""
    form = BulkActiveForm()
    if not form.validate_on_submit():
        abort(400)
    if not form.question.data:
        return _question_list(problem=_("Tick at least one question first."), status=400)
    wanted = form.ticked()
    if wanted is None:
        return _question_list(problem=_("Some of the ticked questions do not exist."), status=400)
    chosen = db.session.scalars(select(Question).where(Question.id.in_(wanted))).all()
    if len(chosen) != len(wanted):
        return _question_list(
            problem=_("Some of the ticked questions do not exist any more. Nothing was changed."),
            status=400,
        )
    active = form.active.data == "1"
    try:
        changed = editing.set_active_many(chosen, active, wanted)
    except editing.StaleCopies as stale:
        return _question_list(
            problem=ngettext(
                "Someone else changed question %(keys)s after this page was loaded, so "
                "nothing was changed. The list below shows the questions as they are now.",
                "Someone else changed questions %(keys)s after this page was loaded, so "
                "nothing was changed. The list below shows the questions as they are now.",
                len(stale.keys),
                keys=", ".join(stale.keys),
            ),
            status=409,
        )
    except editing.StaleCopy:
        return _question_list(
            problem=_(
                "Someone else changed the ticked questions at the same moment, so nothing "
                "was changed. The list below shows them as they are now."
            ),
            status=409,
        )
    if active:
        flash(ngettext("%(num)s question activated.", "%(num)s questions activated.", len(changed)))
    else:
        flash(
            ngettext(
                "%(num)s question deactivated.", "%(num)s questions deactivated.", len(changed)
            )
        )
    return redirect(url_for(".questions", **ListFilters.from_args(request.form).as_args()))


@bp.route("/questions/<int:question_id>/delete", methods=["GET", "POST"])
def delete_question(question_id: int) -> Rendered | Response:
    """Confirm, then delete a question with its options and weights from the draft."""
    question = _question_or_404(question_id)
    form = RevisionForm()
    if not form.is_submitted():
        form.revision.data = question.revision
        return render_template("admin/questions/delete.html", question=question, form=form)
    key = question.key
    try:
        editing.delete_question(question, form.revision.data)
    except editing.StaleCopy:
        return _delete_refused(_question_or_404(question_id), form)
    flash(_("Question %(key)s deleted.", key=key))
    return redirect(url_for(".questions"))


@bp.post("/questions/<int:question_id>/options")
def add_option(question_id: int) -> Rendered | Response:
    """Add an option at the end of a choice question; it weighs nothing until set."""
    question = _choice_question_or_404(question_id)
    form = AddOptionForm()
    try:
        editing.check_revision(question, form.revision.data)
    except editing.StaleCopy:
        return _editor(question, add_form=form, problem=CONFLICT, status=409)
    if not form.validate():
        return _editor(question, add_form=form, status=422)
    try:
        key = editing.add_option(question, form.revision.data, form.label.data)
    except editing.EditRefused as refused:
        problem = _(refused.reason, **refused.values)
        return _editor(question, add_form=form, problem=problem, status=422)
    except editing.StaleCopy:
        return _editor(_question_or_404(question_id), add_form=form, problem=CONFLICT, status=409)
    flash(_("Option %(key)s added. Set its weights in the matrix.", key=key))
    return redirect(url_for(".edit_question", question_id=question_id, _anchor="weights"))


@bp.post("/questions/<int:question_id>/options/<int:option_id>/delete")
def delete_option(question_id: int, option_id: int) -> Rendered | Response:
    """Delete an option and its weights, keeping the two options a choice question needs."""
    question = _choice_question_or_404(question_id)
    option = _option_or_404(question, option_id)
    form = RevisionForm()
    key = option.key
    try:
        editing.delete_option(option, form.revision.data)
    except editing.EditRefused as refused:
        return _editor(question, problem=_(refused.reason, **refused.values), status=422)
    except editing.StaleCopy:
        return _editor(_question_or_404(question_id), problem=CONFLICT, status=409)
    flash(_("Option %(key)s deleted.", key=key))
    return redirect(url_for(".edit_question", question_id=question_id, _anchor="options"))


@bp.post("/questions/<int:question_id>/options/<int:option_id>/move")
def move_option(question_id: int, option_id: int) -> Rendered | Response:
    """Move an option one place up or down within its question."""
    question = _choice_question_or_404(question_id)
    option = _option_or_404(question, option_id)
    form = MoveOptionForm()
    if not form.validate_on_submit():
        abort(400)
    key, direction = option.key, form.direction.data
    try:
        place = editing.move(option, direction, form.revision.data)
    except editing.StaleCopy:
        return _editor(_question_or_404(question_id), problem=CONFLICT, status=409)
    if place is None:
        if direction == "up":
            flash(_("Option %(key)s is already first.", key=key))
        else:
            flash(_("Option %(key)s is already last.", key=key))
    elif direction == "up":
        flash(_("Option %(key)s moved up.", key=key))
    else:
        flash(_("Option %(key)s moved down.", key=key))
    return redirect(url_for(".edit_question", question_id=question_id, _anchor="options"))


def _question_list(problem: str | None = None, status: int = 200) -> Rendered:
    in_order = db.session.scalars(
        select(Question).order_by(Question.position, Question.id).options(*QUESTION_WITH_WEIGHTS)
    ).all()
    bank = _scored(in_order)
    dimension_keys = [d.key for d in bank.dimensions]
    dimension_by_key = {d.key: d for d in bank.dimensions}
    instrument_roles = bank.instrument.roles
    entries = []
    for number, question in enumerate(in_order, start=1):
        option_weights = [o.weights for o in bank.question_by_key[question.key].options]
        moved = role_moved_most(option_weights, instrument_roles)
        entries.append(
            QuestionEntry(
                number,
                question,
                [dimension_by_key[k] for k in dimensions_measured(option_weights, dimension_keys)],
                bank.role_by_key[moved] if moved else None,
            )
        )
    filters = ListFilters.from_args(request.args)
    shown = [entry for entry in entries if filters.keeps(entry)]
    page = render_template(
        "admin/questions/list.html",
        entries=shown,
        total=len(entries),
        filters=filters,
        dimensions=bank.dimensions,
        roles=bank.roles,
        kind_labels=KIND_LABELS,
        move_form=MoveToForm(formdata=None),
        order_mark=editing.question_order_mark(in_order),
        bulk_form=BulkActiveForm(formdata=None),
        problem=problem,
    )
    return page, status


def _editor(
    question: Question,
    *,
    form: object = None,
    add_form: object = None,
    problem: str | None = None,
    status: int = 200,
) -> Rendered:
    """Render the question's one-screen page as stored, with why a change was refused.

    Only the old one-option forms (kept for addresses already in use) end here; the page
    itself adds, moves and removes options in its own form.
    """
    if problem is None and add_form is not None:
        errors = getattr(add_form, "errors", {})
        problem = next((str(e[0]) for e in errors.values() if e), None)
    return authoring.stored_question_page(question, problem=problem, status=status)


def _set_active(question_id: int, active: bool) -> Rendered | Response:
    question = _question_or_404(question_id)
    form = RevisionForm()
    key = question.key
    try:
        editing.set_active(question, active, form.revision.data)
    except editing.StaleCopy:
        if active:
            refused = _(
                "Someone else changed question %(key)s after this page was loaded, "
                "so it was not activated. The list below shows it as it is now.",
                key=key,
            )
        else:
            refused = _(
                "Someone else changed question %(key)s after this page was loaded, "
                "so it was not deactivated. The list below shows it as it is now.",
                key=key,
            )
        return _question_list(problem=refused, status=409)
    if active:
        flash(_("Question %(key)s activated.", key=key))
    else:
        flash(_("Question %(key)s deactivated.", key=key))
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
    if question.kind == "likert" and question.labels:
        labels = [(o.key, o.label) for o in bank.question_by_key[question.key].options]
    elif question.kind == "likert":
        labels = [(key, str(LIKERT_LABELS[key])) for key, _label, _level in LIKERT_SCALE]
    else:
        labels = [(o.key, f"{o.key}. {o.label}") for o in question.options]
    return [(label, effects[key]) for key, label in labels if key in effects]


def _dimensions() -> Sequence[Dimension]:
    return editing.ordered(Dimension)


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
