"""Admin views: the roles, their texts and their profile over the skills and goals.

Every change edits the draft; takers see it once a version is published. The rules live
in :mod:`quiz.store.editing`: a role carries a revision, and saving a copy older than the
stored role is refused with 409, never merged and never a silent overwrite.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from quiz.admin import bp
from quiz.admin.dimension_forms import DimensionForm
from quiz.admin.role_forms import ButtonForm, MoveForm, RoleForm, role_form
from quiz.core.bank import ROLE_PALETTE
from quiz.db import db
from quiz.models import Dimension, Role
from quiz.store import editing
from quiz.web.i18n import lazy_gettext as _l

STALE_ROLE = _l(
    "Someone else saved this role while you were editing. "
    "Your changes were not saved — reload to see their version."
)


@bp.get("/roles")
def roles() -> str:
    """List every role in order, active and retired, with buttons to reorder, retire, restore."""
    roles = editing.ordered(Role)
    active = [r for r in roles if r.active]
    # the colour each active role is drawn in: its own, or its place's in the palette
    colours = {
        r.id: r.colour or ROLE_PALETTE[place % len(ROLE_PALETTE)] for place, r in enumerate(active)
    }
    return render_template(
        "admin/roles/list.html", roles=roles, colours=colours, button_form=ButtonForm()
    )


@bp.route("/roles/new", methods=["GET", "POST"])
def new_role() -> str | Response:
    """Add a role with all its texts and its profile to the end of the draft's roles."""
    dimensions = editing.ordered(Dimension)
    form = role_form(dimensions, palette_colour(None))
    if form.validate_on_submit():
        try:
            role = editing.add_role(form.texts(), form.profile())
        except editing.EditRefused as refused:
            show_refusal(form, refused)
            page = render_template(
                "admin/roles/form.html", form=form, role=None, dimensions=dimensions
            )
            return page, 409
        flash(_("Added the role “%(name)s”. Takers see it once you publish.", name=role.name))
        return redirect(url_for(".roles", _anchor=f"role-{role.id}"))
    page = render_template("admin/roles/form.html", form=form, role=None, dimensions=dimensions)
    return page, refused_status(form)


@bp.route("/roles/<int:role_id>", methods=["GET", "POST"])
def edit_role(role_id: int) -> str | Response | tuple[str, int]:
    """Save a role's texts and profile, refusing a copy older than the stored role."""
    role = db.get_or_404(Role, role_id)
    dimensions = editing.ordered(Dimension)
    form = role_form(dimensions, palette_colour(role), role)
    try:
        if form.is_submitted():
            editing.check_revision(role, form.revision.data)
        if not form.validate_on_submit():
            page = render_template(
                "admin/roles/form.html", form=form, role=role, dimensions=dimensions
            )
            return page, refused_status(form)
        changed = editing.edit_role(role, form.revision.data, form.texts(), form.profile())
    except editing.StaleCopy:
        return _refuse_stale(form, role, dimensions)
    except editing.EditRefused as refused:
        show_refusal(form, refused)
        page = render_template("admin/roles/form.html", form=form, role=role, dimensions=dimensions)
        return page, 409
    if not changed:
        flash(_("Nothing in “%(name)s” changed, so nothing was saved.", name=role.name))
    else:
        flash(_("Saved “%(name)s”. Takers see the change once you publish.", name=role.name))
    return redirect(url_for(".roles", _anchor=f"role-{role.id}"))


@bp.post("/roles/<int:role_id>/move")
def move_role(role_id: int) -> Response:
    """Move a role one place up or down; the order is the display order and the tie-break."""
    role = db.get_or_404(Role, role_id)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    flash_move(role.name, form.direction.data, editing.move(role, form.direction.data))
    return redirect(url_for(".roles", _anchor=f"role-{role.id}"))


@bp.post("/roles/<int:role_id>/retire")
def retire_role(role_id: int) -> Response:
    """Take a role out of the draft, keeping it listed; the last active role stays."""
    return _set_active(role_id, active=False)


@bp.post("/roles/<int:role_id>/restore")
def restore_role(role_id: int) -> Response:
    """Bring a retired role back into the draft."""
    return _set_active(role_id, active=True)


def _set_active(role_id: int, active: bool) -> Response:
    role = db.get_or_404(Role, role_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    name = role.name
    try:
        changed = editing.set_active(role, active)
    except editing.EditRefused as refused:
        flash(_(refused.reason, **refused.values))
    else:
        if active and changed:
            flash(
                _(
                    "Restored “%(name)s”. It returns to the quiz with the next published version.",
                    name=name,
                )
            )
        elif active:
            flash(_("“%(name)s” is already active.", name=name))
        elif changed:
            flash(
                _(
                    "Retired “%(name)s”. It leaves the quiz with the next published version.",
                    name=name,
                )
            )
        else:
            flash(_("“%(name)s” is already retired.", name=name))
    return redirect(url_for(".roles", _anchor=f"role-{role_id}"))


def refused_status(form: RoleForm) -> int:
    """Return the status of the form page: 400 when a job title, link or colour was refused
    (values the bank itself refuses: the public role pages show them), else 200, the page
    shown again with each problem beside its field."""
    return 400 if form.is_submitted() and form.page_field_errors() else 200


def palette_colour(role: Role | None) -> str:
    """Return the palette's colour for ``role``'s place among the active roles (for a new or
    retired role: the place after the last), as :attr:`BankRole.shown_colour` picks it."""
    active = [r.id for r in editing.ordered(Role) if r.active]
    place = active.index(role.id) if role is not None and role.id in active else len(active)
    return ROLE_PALETTE[place % len(ROLE_PALETTE)]


def _refuse_stale(form: RoleForm, role: Role, dimensions: list[Dimension]) -> tuple[str, int]:
    # the form keeps the editor's text (so it can be copied) and their old revision
    # (so sending it again is refused again)
    page = render_template(
        "admin/roles/form.html", form=form, role=role, dimensions=dimensions, stale=STALE_ROLE
    )
    return page, 409


def show_refusal(form: RoleForm | DimensionForm, refused: editing.EditRefused) -> None:
    """Show the store's refusal beside what it is about: the profile, else the key.

    The form checks the same rules first, so this is met only when another admin's save
    got in between, such as taking the same key a moment earlier.
    """
    message = _(refused.reason, **refused.values)
    if refused.field == "profile" and isinstance(form, RoleForm):
        form.profile_errors.append(message)
    else:
        form.key.errors = [*form.key.errors, message]


def flash_move(name: str, direction: str, place: int | None) -> None:
    """Say where a role or dimension went, or that it already was at that end."""
    if place is None and direction == "up":
        flash(_("“%(name)s” is already first.", name=name))
    elif place is None:
        flash(_("“%(name)s” is already last.", name=name))
    elif direction == "up":
        flash(_("Moved “%(name)s” up.", name=name))
    else:
        flash(_("Moved “%(name)s” down.", name=name))
