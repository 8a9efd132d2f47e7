"""The admin area: sign-in, editing the draft quiz, publishing, import and export, analytics."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_login import current_user, logout_user, user_logged_in
from werkzeug.wrappers import Response

from quiz.core.admin_roles import EDITOR, OWNER, ROLE_NAMES, VIEWER, allows
from quiz.web.extensions import login_manager
from quiz.web.i18n import lazy_gettext as _l

bp = Blueprint("admin", __name__, url_prefix="/admin")

# The only admin pages an anonymous visitor may open.
OPEN_ENDPOINTS = frozenset({"admin.sign_in", "admin.sign_in_code", "admin.accept_invitation"})

# The least role each admin page needs (quiz.core.admin_roles: viewer < editor < owner).
#
# The rule: an endpoint missing here needs an OWNER, so a new page is closed to viewers and
# editors until someone decides otherwise (deny by default). An entry is a role for every
# method, or a pair (to read, to send) for a page a role may read but whose form it may not
# send: the first applies to GET and HEAD, the second to every other method. To open a new
# page, add one line here; tests/admin/test_admin_role_guard.py walks every endpoint and
# method for every role against this table.
LEAST_ROLE: dict[str, str | tuple[str, str]] = {
    # any signed-in admin: their own account, and the pages that only read
    "admin.dashboard": VIEWER,
    "admin.sign_out": VIEWER,
    "admin.change_password": VIEWER,
    "admin.audit_log": VIEWER,
    "admin.analytics": VIEWER,
    "admin.quality": VIEWER,
    "admin.versions": VIEWER,
    "admin.version_diff": VIEWER,
    "admin.bank_format": VIEWER,
    "admin.questions": VIEWER,
    "admin.roles": VIEWER,
    "admin.dimensions": VIEWER,
    # readable by a viewer, sent only by an editor
    "admin.edit_question": (VIEWER, EDITOR),
    "admin.edit_role": (VIEWER, EDITOR),
    "admin.edit_dimension": (VIEWER, EDITOR),
    # editing, previewing, publishing, importing and exporting
    "admin.new_question": EDITOR,
    "admin.move_question": EDITOR,
    "admin.activate_question": EDITOR,
    "admin.deactivate_question": EDITOR,
    "admin.move_question_to": EDITOR,
    "admin.set_questions_active": EDITOR,
    "admin.delete_question": EDITOR,
    "admin.add_option": EDITOR,
    "admin.delete_option": EDITOR,
    "admin.move_option": EDITOR,
    "admin.new_role": EDITOR,
    "admin.move_role": EDITOR,
    "admin.retire_role": EDITOR,
    "admin.restore_role": EDITOR,
    "admin.new_dimension": EDITOR,
    "admin.move_dimension": EDITOR,
    "admin.delete_dimension": EDITOR,
    "admin.confirm_publish": EDITOR,
    "admin.publish": EDITOR,
    "admin.start_draft_from_version": EDITOR,
    "admin.preview": EDITOR,
    "admin.restart_preview": EDITOR,
    "admin.bank_file": EDITOR,
    "admin.export_bank": EDITOR,
    "admin.results_download": EDITOR,
    "admin.preview_question": EDITOR,
    "admin.preview_page": EDITOR,
    "admin.preview_result": EDITOR,
    # the snippet that shows the quiz on another site
    "admin.embedding": EDITOR,
    # each admin's own two-factor sign-in, whatever their role
    "admin.two_factor": VIEWER,
    "admin.confirm_two_factor": VIEWER,
    "admin.turn_off_two_factor": VIEWER,
    "admin.new_recovery_codes": VIEWER,
    # groups: every admin; which groups each sees is quiz.store.groups.may_manage
    "admin.groups_list": VIEWER,
    "admin.new_group": VIEWER,
    "admin.group": VIEWER,
    "admin.close_group": VIEWER,
    "admin.reopen_group": VIEWER,
    "admin.delete_group": VIEWER,
    "admin.group_export": VIEWER,
    "admin.group_summary": VIEWER,
    # giving a group to another admin: owners and editors (quiz.store.groups.may_choose_owner)
    "admin.give_group": EDITOR,
    # left out on purpose, so owners only: the team (admin.team, admin.invite, ...) and
    # requiring two-factor sign-in of everyone (admin.require_two_factor); the webhooks
    # (admin.webhooks_page, admin.add_webhook, ...): results leave the site through them
}
READING_METHODS = frozenset({"GET", "HEAD"})
# What admin_can() in a template asks about, by the least role each needs.
ABILITIES = {"view": VIEWER, "edit": EDITOR, "manage": OWNER}
# When the signed-in admin last asked for an admin page, in seconds since the epoch.
LAST_ACTIVE = "admin_active_at"
# The time kept in the session is written again only when it is older than this, so an
# admin page does not send a new cookie on every request; idle time is measured to it.
ACTIVITY_STEP_SECONDS = 60


# The admin menu; an entry shows once its view exists.
NAVIGATION = (
    ("admin.dashboard", _l("Overview")),
    ("admin.questions", _l("Questions")),
    ("admin.roles", _l("Roles")),
    ("admin.dimensions", _l("Skills and goals")),
    ("admin.preview", _l("Preview")),
    ("admin.bank_file", _l("Import and export")),
    ("admin.analytics", _l("Analytics")),
    ("admin.groups_list", _l("Groups")),
    ("admin.audit_log", _l("Audit log")),
)
# The site's settings, beside the account's links rather than in the menu, so the menu of the
# quiz's own work stays one line at 1280 px in every language.
SETTINGS_NAVIGATION = (
    ("admin.team", _l("Team")),
    ("admin.webhooks_page", _l("Webhooks")),
    ("admin.embedding", _l("Embedding")),
)


def least_role(endpoint: str, method: str) -> str:
    """Return the least role that may ask ``endpoint`` with ``method`` (see LEAST_ROLE)."""
    needed = LEAST_ROLE.get(endpoint, OWNER)
    if isinstance(needed, tuple):
        to_read, to_send = needed
        return to_read if method in READING_METHODS else to_send
    return needed


def may_open(endpoint: str, method: str = "GET") -> bool:
    """Tell whether the signed-in admin's role lets them ask ``endpoint`` with ``method``."""
    if not current_user.is_authenticated:
        return False
    return allows(current_user.role, least_role(endpoint, method))


def admin_can(ability: str) -> bool:
    """Tell a template whether to show a control: "view", "edit" or "manage" (the team).

    Only hides what would be refused: the guard (:func:`require_admin`) is what enforces.
    """
    return current_user.is_authenticated and allows(current_user.role, ABILITIES[ability])


@bp.context_processor
def navigation() -> dict[str, object]:
    views = current_app.view_functions

    def entries(menu: tuple[tuple[str, Any], ...]) -> list[tuple[str, Any]]:
        return [(e, label) for e, label in menu if e in views and may_open(e)]

    return {
        "admin_navigation": entries(NAVIGATION),
        "admin_settings_navigation": entries(SETTINGS_NAVIGATION),
        "admin_can": admin_can,
        "role_names": ROLE_NAMES,
    }


@bp.before_request
def require_admin() -> Response | tuple[str, int] | None:
    """Refuse every admin page to anyone not signed in, except the open ones (OPEN_ENDPOINTS),
    and to a signed-in admin whose role is below the page's least role (LEAST_ROLE).

    A session idle for longer than ``ADMIN_IDLE_MINUTES`` (no admin page asked for) is
    signed out first and sent to sign in again, told why. Only the admin's part of the
    session goes: a quiz being taken in the same browser keeps its answers. An admin
    refused for their role gets a 403 page saying so, and nothing is done.
    """
    if current_user.is_authenticated:
        now = int(time.time())
        last_active = session.get(LAST_ACTIVE)
        idle = timedelta(minutes=current_app.config["ADMIN_IDLE_MINUTES"])
        if not isinstance(last_active, int) or now - last_active > idle.total_seconds():
            return _sign_out_idle(idle)
        if now - last_active >= ACTIVITY_STEP_SECONDS:
            session[LAST_ACTIVE] = now
        # no endpoint: no such page or method, which the 404 or 405 says best
        endpoint = request.endpoint
        if endpoint is None or endpoint in OPEN_ENDPOINTS:
            return None
        needed = least_role(endpoint, request.method)
        if not allows(current_user.role, needed):
            page = render_template("admin/forbidden.html", needed=needed)
            return page, 403
        return None
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    response: Response = login_manager.unauthorized()
    return response


def _sign_out_idle(idle: timedelta) -> Response | None:
    logout_user()
    session.pop(LAST_ACTIVE, None)
    flash(
        _(
            "You were signed out after %(idle)s without using the admin area. "
            "Please sign in again.",
            idle=_duration(idle),
        )
    )
    if request.endpoint in OPEN_ENDPOINTS:
        return None
    # back to this page after signing in, if it is one that can be opened by address
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("admin.sign_in", next=target))


def _duration(span: timedelta) -> str:
    """Word ``span`` in the reader's language: "8 hours", or "90 minutes" when not whole hours."""
    whole_hours = span % timedelta(hours=1) == timedelta(0)
    # babel rounds to the largest unit the threshold lets through; 90 minutes are not 2 hours
    return format_timedelta(span, granularity="minute", threshold=1 if whole_hours else 10**9)


@user_logged_in.connect
def _record_sign_in(sender: Any, **extra: Any) -> None:
    """Start the idle clock when an admin signs in (or is signed in again)."""
    session[LAST_ACTIVE] = int(time.time())


# importing the view modules registers their views on bp
from quiz.admin import (  # noqa: E402,F401
    account,
    analytics,
    auth,
    bank_format,
    dimensions,
    embedding,
    groups,
    overview,
    publishing,
    questions,
    roles,
    team,
    two_factor,
    webhooks,
)
