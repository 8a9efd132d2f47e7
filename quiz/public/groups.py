"""Joining a group: its join link, the short code typed on the landing page, and remembering
the membership in the session until the result is stored (see quiz.store.groups)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from quiz.db import db
from quiz.models import Group
from quiz.public.group_forms import GroupCodeForm, JoinGroupForm
from quiz.public.group_session import FINISHED, JOINING, OPENED, ids_kept, joining_group
from quiz.public.views import bp
from quiz.store import groups
from quiz.web.extensions import csrf


@bp.post("/group-code")
@csrf.exempt  # a lookup that changes nothing: see GroupCodeForm
def group_code() -> Response | tuple[str, int]:
    """Send a person who typed a group's short code to its join page.

    Nothing typed (or too much): 400; a code no group has: 404, both saying so on the page.
    """
    form = GroupCodeForm()
    if not form.validate_on_submit():
        return render_template("public/group_unknown.html", group_code_form=form), 400
    group = groups.find_by_short_code(form.code.data)
    if group is None:
        return render_template("public/group_unknown.html", group_code_form=form), 404
    return redirect(url_for(".join_group", code=group.join_code), code=303)


@bp.route("/g/<code>", methods=["GET", "POST"])
def join_group(code: str) -> Response | tuple[str, int]:
    """Show whose group it is and what its owner will see; joining sends to the quiz."""
    group = groups.find_by_join_code(code) or abort(404)
    if not groups.is_open(group):
        return render_template("public/group_closed.html", group=group), 410
    already = group.id in ids_kept(FINISHED)
    form = JoinGroupForm()
    if not already and form.validate_on_submit():
        joining = joining_group()
        if joining is None or joining["id"] != group.id:
            groups.count_started(group)
        session[JOINING] = {
            "id": group.id,
            "name": form.display_name.data or "",
            "share": bool(form.shares_result.data),
        }
        db.session.commit()
        flash(
            _(
                "You joined %(group)s. Your result joins the group when you finish.",
                group=group.name,
            )
        )
        endpoint = "public.take_quick_quiz" if form.mode.data == "quick" else "public.take_quiz"
        return redirect(url_for(endpoint), code=303)
    if group.id not in ids_kept(OPENED):
        session[OPENED] = [*ids_kept(OPENED), group.id][-20:]
        groups.count_opened(group)
        db.session.commit()
    return render_template(
        "public/group_join.html", group=group, form=form, already=already, owner=_owner(group)
    ), 400 if form.errors else 200


def _owner(group: Group) -> str:
    return group.owner.email if group.owner is not None else ""
