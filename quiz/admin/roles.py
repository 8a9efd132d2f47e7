"""Admin views: the roles, and the skills and goals (dimensions) they are profiled on.

Every change edits the draft; takers see it once a version is published. A role
carries a revision: saving a copy older than the stored role is refused with 409,
never merged and never a silent overwrite. Dimensions have no revision, so the
last save of a dimension wins.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import Subquery, delete, func, select, union, update
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from quiz.admin import bp
from quiz.admin.ordering import moved
from quiz.admin.role_forms import (
    ButtonForm,
    DeleteDimensionForm,
    DimensionForm,
    MoveForm,
    RoleForm,
    role_form,
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
from quiz.store import audit
from quiz.store.drafts import ROLE_LISTS, ROLE_TEXTS, forget_stale_translations
from quiz.web.i18n import lazy_gettext as _l

STALE_ROLE = _l(
    "Someone else saved this role while you were editing. "
    "Your changes were not saved — reload to see their version."
)

DIMENSION_FIELDS = ("key", "name", "kind", "description")


# roles


@bp.get("/roles")
def roles() -> str:
    """List every role in order, active and retired, with buttons to reorder, retire, restore."""
    return render_template(
        "admin/roles/list.html", roles=_ordered_roles(), button_form=ButtonForm()
    )


@bp.route("/roles/new", methods=["GET", "POST"])
def new_role() -> str | Response:
    """Add a role with all its texts and its profile to the end of the draft's roles."""
    dimensions = _ordered_dimensions()
    form = role_form(dimensions)
    if form.validate_on_submit():
        role = Role(position=_next_position(Role))
        _fill_role(role, form, dimensions)
        db.session.add(role)
        audit.record("add role", f"role {role.key}", role.name)
        db.session.commit()
        flash(_("Added the role “%(name)s”. Takers see it once you publish.", name=role.name))
        return redirect(url_for(".roles", _anchor=f"role-{role.id}"))
    return render_template("admin/roles/form.html", form=form, role=None, dimensions=dimensions)


@bp.route("/roles/<int:role_id>", methods=["GET", "POST"])
def edit_role(role_id: int) -> str | Response | tuple[str, int]:
    """Save a role's texts and profile, refusing a copy older than the stored role."""
    role = db.get_or_404(Role, role_id)
    dimensions = _ordered_dimensions()
    form = role_form(dimensions, role)
    if form.is_submitted() and form.revision.data != str(role.revision):
        return _refuse_stale(form, role, dimensions)
    if form.validate_on_submit():
        before = _role_snapshot(role)
        _fill_role(role, form, dimensions)
        after = _role_snapshot(role)
        changed = [name for name in after if after[name] != before[name]]
        if not changed:
            flash(_("Nothing in “%(name)s” changed, so nothing was saved.", name=role.name))
            return redirect(url_for(".roles", _anchor=f"role-{role.id}"))
        forget_stale_translations(role, changed)
        # The profile lives in other rows, which leave the role's own revision alone:
        # bump it by hand so a stale copy of the profile is refused too.
        role.revision = role.revision + 1
        audit.record("edit role", f"role {role.key}", _describe_changes(changed, before, after))
        try:
            db.session.commit()
        except StaleDataError:
            # another save landed between our check and our write
            db.session.rollback()
            return _refuse_stale(form, role, dimensions)
        flash(_("Saved “%(name)s”. Takers see the change once you publish.", name=role.name))
        return redirect(url_for(".roles", _anchor=f"role-{role.id}"))
    return render_template("admin/roles/form.html", form=form, role=role, dimensions=dimensions)


@bp.post("/roles/<int:role_id>/move")
def move_role(role_id: int) -> Response:
    """Move a role one place up or down; the order is the display order and the tie-break."""
    role = db.get_or_404(Role, role_id)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    _move(Role, role, _ordered_roles(), form.direction.data, "role")
    return redirect(url_for(".roles", _anchor=f"role-{role.id}"))


@bp.post("/roles/<int:role_id>/retire")
def retire_role(role_id: int) -> Response:
    """Take a role out of the draft, keeping it listed; the last active role stays."""
    role = db.get_or_404(Role, role_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    active_count = db.session.scalar(select(func.count()).select_from(Role).where(Role.active))
    if not role.active:
        flash(_("“%(name)s” is already retired.", name=role.name))
    elif active_count == 1:
        flash(
            _(
                "“%(name)s” is the only active role and the quiz needs at least one. "
                "Add or restore another role first.",
                name=role.name,
            )
        )
    else:
        role.active = False
        audit.record("retire role", f"role {role.key}", role.name)
        db.session.commit()
        flash(
            _(
                "Retired “%(name)s”. It leaves the quiz with the next published version.",
                name=role.name,
            )
        )
    return redirect(url_for(".roles", _anchor=f"role-{role.id}"))


@bp.post("/roles/<int:role_id>/restore")
def restore_role(role_id: int) -> Response:
    """Bring a retired role back into the draft."""
    role = db.get_or_404(Role, role_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    if role.active:
        flash(_("“%(name)s” is already active.", name=role.name))
    else:
        role.active = True
        audit.record("restore role", f"role {role.key}", role.name)
        db.session.commit()
        flash(
            _(
                "Restored “%(name)s”. It returns to the quiz with the next published version.",
                name=role.name,
            )
        )
    return redirect(url_for(".roles", _anchor=f"role-{role.id}"))


def _refuse_stale(form: RoleForm, role: Role, dimensions: list[Dimension]) -> tuple[str, int]:
    # the form keeps the editor's text (so it can be copied) and their old revision
    # (so sending it again is refused again)
    page = render_template(
        "admin/roles/form.html", form=form, role=role, dimensions=dimensions, stale=STALE_ROLE
    )
    return page, 409


def _fill_role(role: Role, form: RoleForm, dimensions: list[Dimension]) -> None:
    """Copy the form onto ``role``; an emphasis of 0 is stored as no row, as the bank does."""
    role.key = form.key.data
    for name in ROLE_TEXTS:
        setattr(role, name, getattr(form, name).data)
    for name in ROLE_LISTS:
        setattr(role, name, list(getattr(form, name).data))
    chosen = form.profile()
    stored = {e.dimension_id: e for e in role.emphases}
    for dimension in dimensions:
        level, emphasis = chosen.get(dimension.id, 0), stored.get(dimension.id)
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
        "profile": {e.dimension.key: e.emphasis for e in role.emphases if e.emphasis},
    }


def _describe_changes(
    changed: list[str], before: dict[str, object], after: dict[str, object]
) -> str:
    words = [f"key {before['key']} → {after['key']}" if n == "key" else n for n in changed]
    return "changed " + ", ".join(words)


def _ordered_roles() -> list[Role]:
    return list(db.session.scalars(select(Role).order_by(Role.position, Role.id)))


# dimensions


@bp.get("/dimensions")
def dimensions() -> str:
    """List the skills and goals in order, with how many questions and roles use each."""
    question_counts, role_counts = _dimension_usage()
    return render_template(
        "admin/dimensions/list.html",
        dimensions=_ordered_dimensions(),
        question_counts=question_counts,
        role_counts=role_counts,
        button_form=ButtonForm(),
    )


@bp.route("/dimensions/new", methods=["GET", "POST"])
def new_dimension() -> str | Response:
    """Add a skill or goal to the end of the draft's list."""
    form = DimensionForm()
    if form.validate_on_submit():
        dimension = Dimension(position=_next_position(Dimension))
        _fill_dimension(dimension, form)
        db.session.add(dimension)
        audit.record("add dimension", f"dimension {dimension.key}", dimension.name)
        db.session.commit()
        flash(
            _(
                "Added “%(name)s”. Weigh it in questions and roles' profiles before you publish.",
                name=dimension.name,
            )
        )
        return redirect(url_for(".dimensions", _anchor=f"dimension-{dimension.id}"))
    return render_template("admin/dimensions/form.html", form=form, dimension=None)


@bp.route("/dimensions/<int:dimension_id>", methods=["GET", "POST"])
def edit_dimension(dimension_id: int) -> str | Response:
    """Change a skill or goal's key, name, kind or description."""
    dimension = db.get_or_404(Dimension, dimension_id)
    form = DimensionForm(obj=dimension, dimension_id=dimension.id)
    if form.validate_on_submit():
        before = {name: getattr(dimension, name) for name in DIMENSION_FIELDS}
        _fill_dimension(dimension, form)
        changed = [n for n in DIMENSION_FIELDS if getattr(dimension, n) != before[n]]
        if changed:
            forget_stale_translations(dimension, changed)
            detail = "changed " + ", ".join(
                f"key {before['key']} → {dimension.key}" if n == "key" else n for n in changed
            )
            audit.record("edit dimension", f"dimension {dimension.key}", detail)
            db.session.commit()
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
    _move(Dimension, dimension, _ordered_dimensions(), form.direction.data, "dimension")
    return redirect(url_for(".dimensions", _anchor=f"dimension-{dimension.id}"))


@bp.route("/dimensions/<int:dimension_id>/delete", methods=["GET", "POST"])
def delete_dimension(dimension_id: int) -> str | Response:
    """Delete a skill or goal with its weights and emphases; when in use, only once confirmed.

    The last one is kept: a quiz without dimensions can neither score nor be published.
    """
    dimension = db.get_or_404(Dimension, dimension_id)
    if db.session.scalar(select(func.count()).select_from(Dimension)) == 1:
        flash(
            _(
                "“%(name)s” is the only skill or goal, and the quiz needs at least one.",
                name=dimension.name,
            )
        )
        return redirect(url_for(".dimensions"))
    questions, roles = _users_of(dimension)
    form = DeleteDimensionForm(in_use=bool(questions or roles))
    if form.validate_on_submit():
        for model in (QuestionWeight, OptionWeight, RoleEmphasis):
            db.session.execute(delete(model).where(model.dimension_id == dimension.id))
        db.session.delete(dimension)
        audit.record(
            "delete dimension",
            f"dimension {dimension.key}",
            f"{dimension.name}; removed from {len(questions)} questions and {len(roles)} roles",
        )
        db.session.commit()
        flash(_("Deleted “%(name)s” and its weights and emphases.", name=dimension.name))
        return redirect(url_for(".dimensions"))
    return render_template(
        "admin/dimensions/delete.html",
        form=form,
        dimension=dimension,
        questions=questions,
        roles=roles,
    )


def _fill_dimension(dimension: Dimension, form: DimensionForm) -> None:
    for name in DIMENSION_FIELDS:
        setattr(dimension, name, getattr(form, name).data)


def _ordered_dimensions() -> list[Dimension]:
    return list(db.session.scalars(select(Dimension).order_by(Dimension.position, Dimension.id)))


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


def _dimension_usage() -> tuple[dict[int, int], dict[int, int]]:
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


def _users_of(dimension: Dimension) -> tuple[list[Question], list[Role]]:
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


# shared


def _move(
    model: type[Role] | type[Dimension],
    item: Role | Dimension,
    ordered: Sequence[Role | Dimension],
    direction: str,
    kind: str,
) -> None:
    """Move a role or dimension one place up or down, audit it and say so."""
    order = moved(list(ordered), item, direction)
    if order is None:
        if direction == "up":
            flash(_("“%(name)s” is already first.", name=item.name))
        else:
            flash(_("“%(name)s” is already last.", name=item.name))
        return
    for position, other in enumerate(order):
        if other.position != position:
            # A bulk UPDATE leaves revisions alone: the order is not part of what an
            # editor saves, so moving an item must not make their save stale.
            db.session.execute(update(model).where(model.id == other.id).values(position=position))
    where = order.index(item) + 1
    audit.record(f"move {kind}", f"{kind} {item.key}", f"{direction} to place {where}")
    db.session.commit()
    if direction == "up":
        flash(_("Moved “%(name)s” up.", name=item.name))
    else:
        flash(_("Moved “%(name)s” down.", name=item.name))


def _next_position(model: type[Role] | type[Dimension]) -> int:
    return db.session.scalar(select(func.coalesce(func.max(model.position) + 1, 0))) or 0
