"""Admin views: the skills and goals (dimensions) roles are profiled on and answers weigh.

Every change edits the draft; takers see it once a version is published. The rules live
in :mod:`quiz.store.editing`. Dimensions have no revision, so the last save wins.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from quiz.admin import bp
from quiz.admin.dimension_forms import DeleteDimensionForm, DimensionForm
from quiz.admin.role_forms import ButtonForm, MoveForm
from quiz.admin.roles import flash_move, show_refusal
from quiz.db import db
from quiz.models import Dimension
from quiz.store import editing


@bp.get("/dimensions")
def dimensions() -> str:
    """List the skills and goals in order, with how many questions and roles use each."""
    question_counts, role_counts = editing.dimension_usage()
    return render_template(
        "admin/dimensions/list.html",
        dimensions=editing.ordered(Dimension),
        question_counts=question_counts,
        role_counts=role_counts,
        button_form=ButtonForm(),
    )


@bp.route("/dimensions/new", methods=["GET", "POST"])
def new_dimension() -> str | Response | tuple[str, int]:
    """Add a skill or goal to the end of the draft's list."""
    form = DimensionForm()
    if form.validate_on_submit():
        try:
            dimension = editing.add_dimension(form.texts())
        except editing.EditRefused as refused:
            show_refusal(form, refused)
            page = render_template("admin/dimensions/form.html", form=form, dimension=None)
            return page, 409
        flash(
            _(
                "Added “%(name)s”. Weigh it in questions and roles' profiles before you publish.",
                name=dimension.name,
            )
        )
        return redirect(url_for(".dimensions", _anchor=f"dimension-{dimension.id}"))
    return render_template("admin/dimensions/form.html", form=form, dimension=None)


@bp.route("/dimensions/<int:dimension_id>", methods=["GET", "POST"])
def edit_dimension(dimension_id: int) -> str | Response | tuple[str, int]:
    """Change a skill or goal's key, name, kind or description."""
    dimension = db.get_or_404(Dimension, dimension_id)
    form = DimensionForm(obj=dimension, dimension_id=dimension.id)
    if form.validate_on_submit():
        try:
            changed = editing.edit_dimension(dimension, form.texts())
        except editing.EditRefused as refused:
            show_refusal(form, refused)
            page = render_template("admin/dimensions/form.html", form=form, dimension=dimension)
            return page, 409
        if changed:
            flash(
                _("Saved “%(name)s”. Takers see the change once you publish.", name=dimension.name)
            )
        else:
            flash(_("Nothing in “%(name)s” changed, so nothing was saved.", name=dimension.name))
        return redirect(url_for(".dimensions", _anchor=f"dimension-{dimension.id}"))
    return render_template("admin/dimensions/form.html", form=form, dimension=dimension)


@bp.post("/dimensions/<int:dimension_id>/move")
def move_dimension(dimension_id: int) -> Response:
    """Move a skill or goal one place up or down."""
    dimension = db.get_or_404(Dimension, dimension_id)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    flash_move(dimension.name, form.direction.data, editing.move(dimension, form.direction.data))
    return redirect(url_for(".dimensions", _anchor=f"dimension-{dimension.id}"))


@bp.route("/dimensions/<int:dimension_id>/delete", methods=["GET", "POST"])
def delete_dimension(dimension_id: int) -> str | Response:
    """Delete a skill or goal with its weights and emphases; when in use, only once confirmed."""
    dimension = db.get_or_404(Dimension, dimension_id)
    try:
        editing.check_deletable(dimension)
    except editing.EditRefused as refused:
        flash(_(refused.reason, **refused.values))
        return redirect(url_for(".dimensions"))
    questions, roles = editing.dimension_users(dimension)
    form = DeleteDimensionForm(in_use=bool(questions or roles))
    if form.validate_on_submit():
        name = dimension.name
        editing.delete_dimension(dimension)
        flash(_("Deleted “%(name)s” and its weights and emphases.", name=name))
        return redirect(url_for(".dimensions"))
    return render_template(
        "admin/dimensions/delete.html",
        form=form,
        dimension=dimension,
        questions=questions,
        roles=roles,
    )
