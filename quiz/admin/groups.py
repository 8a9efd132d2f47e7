"""Groups: an admin's list of groups, one group's page, its CSV and its summary as JSON.

Every admin may open these pages (LEAST_ROLE); which groups each sees is the rule in
:mod:`quiz.store.groups` (owners and editors: all; a viewer: their own). A group the admin may
not see answers 404, as one that does not exist. Only owners and editors are offered the
choice of a group's owner (``groups.may_choose_owner``); a viewer never sees it.

The members' CSV takes the analytics filter (the same form, read the same way), so a
counsellor can download, say, only the quick-mode members of one week.
"""

from __future__ import annotations

import re

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from quiz.admin import bp
from quiz.admin.analytics_forms import AnalyticsFilterForm, filter_from_query
from quiz.admin.embedding import host_snippet
from quiz.admin.group_forms import (
    GiveGroupForm,
    GroupActionForm,
    NewGroupForm,
    NewGroupFormWithOwner,
)
from quiz.db import db
from quiz.models import Admin, Group
from quiz.store import groups
from quiz.store.analytics import ResultFilter
from quiz.store.publishing import latest_version_id
from quiz.web.banks import shown_bank
from quiz.web.urls import public_url


def _group(group_id: int) -> Group:
    """Return the group if the signed-in admin may see it; else 404."""
    group = db.session.get(Group, group_id)
    if group is None or not groups.may_manage(current_user, group):
        abort(404)
    return group


def _owner_choices() -> list[tuple[int, str]]:
    return [(admin.id, admin.email) for admin in groups.owner_choices()]


def _new_group_form(**kwargs: object) -> NewGroupForm:
    """The new-group form: with the owner select for owners and editors, defaulting to them."""
    if not groups.may_choose_owner(current_user):
        return NewGroupForm(**kwargs)  # type: ignore[arg-type]
    form = NewGroupFormWithOwner(**kwargs)  # type: ignore[arg-type]
    form.owner.choices = _owner_choices()
    if form.owner.data is None:
        form.owner.data = current_user.id
    return form


def _give_form(group: Group) -> GiveGroupForm | None:
    """The form that gives ``group`` to another admin, for owners and editors only."""
    if not groups.may_choose_owner(current_user):
        return None
    form = GiveGroupForm()
    form.owner.choices = _owner_choices()
    if form.owner.data is None:
        form.owner.data = group.owner_id
    return form


def _render_list(form: NewGroupForm, status: int = 200) -> tuple[str, int]:
    shown = db.session.scalars(groups.visible_groups(current_user)).all()
    return render_template(
        "admin/groups/list.html", groups=shown, form=form, is_open=groups.is_open
    ), status


@bp.get("/groups")
def groups_list() -> tuple[str, int]:
    """List the groups this admin may see, with the form for a new one."""
    return _render_list(_new_group_form(formdata=None))


@bp.post("/groups")
def new_group() -> Response | tuple[str, int]:
    """Create a group owned by the signed-in admin, or by the admin an owner or editor chose."""
    form = _new_group_form()
    if not form.validate_on_submit():
        return _render_list(form, 422)
    owner = current_user._get_current_object()
    if isinstance(form, NewGroupFormWithOwner):
        owner = db.session.get(Admin, form.owner.data) or owner
    group = groups.create_group(form.name.data, form.closes_on.data, owner)
    db.session.commit()
    flash(_("The group %(name)s is ready: pass on its link or its code.", name=group.name))
    return redirect(url_for(".group", group_id=group.id), code=303)


@bp.get("/groups/<int:group_id>")
def group(group_id: int) -> tuple[str, int]:
    """Show a group: its link and code, the counts, top roles, average profile and members."""
    group = _group(group_id)
    return _render_group(group, _give_form(group))


def _render_group(
    group: Group,
    give_form: GiveGroupForm | None,
    status: int = 200,
    export_form: AnalyticsFilterForm | None = None,
) -> tuple[str, int]:
    members = groups.members(group)
    version_id = latest_version_id()
    bank = shown_bank(version_id) if version_id is not None else None
    average = groups.average_profile(group)
    return render_template(
        "admin/groups/group.html",
        group=group,
        is_open=groups.is_open(group),
        join_url=public_url("public.join_group", code=group.join_code),
        embed_snippet=host_snippet(
            public_url("embed.join_group", code=group.join_code), current_app.config["SITE_TITLE"]
        ),
        members=members,
        top_roles=groups.top_roles(members),
        bank=bank,
        role_names={r.key: r.name for r in bank.roles} if bank else {},
        average=average,
        largest=max((abs(v) for v in average.values()), default=0) or 1,
        form=GroupActionForm(),
        give_form=give_form,
        export_form=export_form or _export_filter(MultiDict())[0],
    ), status


def _export_filter(args: MultiDict[str, str]) -> tuple[AnalyticsFilterForm, ResultFilter | None]:
    """Read the members' CSV filter: the analytics filter, where no dates mean every day."""
    return filter_from_query(args, chart_days=False)


@bp.post("/groups/<int:group_id>/owner")
def give_group(group_id: int) -> Response | tuple[str, int]:
    """Give a group to another admin (owners and editors: LEAST_ROLE)."""
    group = _group(group_id)
    form = _give_form(group)
    if form is None:
        abort(403)
    if not form.validate_on_submit():
        return _render_group(group, form, 422)
    owner = db.session.get(Admin, form.owner.data)
    if owner is not None and owner.id != group.owner_id:
        groups.give_group(group, owner)
        db.session.commit()
        flash(_("%(name)s now belongs to %(email)s.", name=group.name, email=owner.email))
    return redirect(url_for(".group", group_id=group.id), code=303)


@bp.post("/groups/<int:group_id>/close")
def close_group(group_id: int) -> Response:
    """Close a group: its link then says so, and nobody new joins."""
    group = _group(group_id)
    if GroupActionForm().validate_on_submit():
        groups.close_group(group)
        db.session.commit()
        flash(_("%(name)s is closed: nobody new can join.", name=group.name))
    return redirect(url_for(".group", group_id=group.id), code=303)


@bp.post("/groups/<int:group_id>/reopen")
def reopen_group(group_id: int) -> Response:
    """Open a closed group again."""
    group = _group(group_id)
    if GroupActionForm().validate_on_submit():
        groups.reopen_group(group)
        db.session.commit()
        flash(_("%(name)s is open again.", name=group.name))
    return redirect(url_for(".group", group_id=group.id), code=303)


@bp.route("/groups/<int:group_id>/delete", methods=["GET", "POST"])
def delete_group(group_id: int) -> str | Response:
    """Delete a group once confirmed: its memberships go, the results stay with their takers."""
    group = _group(group_id)
    form = GroupActionForm()
    if form.validate_on_submit():
        name = group.name
        groups.delete_group(group)
        db.session.commit()
        flash(_("%(name)s is deleted. Its members' results stay theirs.", name=name))
        return redirect(url_for(".groups_list"), code=303)
    return render_template("admin/groups/delete.html", group=group, form=form)


@bp.get("/groups/<int:group_id>/members.csv")
def group_export(group_id: int) -> Response | tuple[str, int]:
    """Download the group's members whose results the filter picks, as CSV."""
    group = _group(group_id)
    form, result_filter = _export_filter(request.args)
    if result_filter is None:
        return _render_group(group, _give_form(group), 400, export_form=form)
    csv_text = "".join(groups.members_csv(group, _result_url, result_filter))
    response = Response(csv_text, mimetype="text/csv")
    name = "-".join(["career-fit-group", *_name_in_file(group), *form.file_name_parts()])
    name += ".csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.cache_control.no_store = True
    return response


@bp.get("/groups/<int:group_id>/summary.json")
def group_summary(group_id: int) -> Response:
    """Return the group's counts, top roles and members as JSON."""
    response = jsonify(groups.summary(_group(group_id)))
    response.cache_control.no_store = True
    return response


def _result_url(token: str) -> str:
    return public_url("public.show_result", token=token)


def _name_in_file(group: Group) -> list[str]:
    """Name the group in a file name: its name in plain letters and digits, then its code
    (names need not be unique, nor written in letters a file name keeps)."""
    words = re.sub(r"[^a-z0-9]+", "-", group.name.lower()).strip("-")[:40].strip("-")
    return [words, group.short_code] if words else [group.short_code]
