"""The admin area: sign-in, editing the draft quiz, publishing, import and export, analytics."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from flask import Blueprint, current_app, flash, redirect, request, session, url_for
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_login import current_user, logout_user, user_logged_in
from werkzeug.wrappers import Response

from quiz.web.extensions import login_manager
from quiz.web.i18n import lazy_gettext as _l

bp = Blueprint("admin", __name__, url_prefix="/admin")

# The only admin pages an anonymous visitor may open.
OPEN_ENDPOINTS = frozenset({"admin.sign_in", "admin.sign_in_code"})
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
    ("admin.audit_log", _l("Audit log")),
)


@bp.context_processor
def navigation() -> dict[str, object]:
    views = current_app.view_functions
    return {"admin_navigation": [(e, label) for e, label in NAVIGATION if e in views]}


@bp.before_request
def require_admin() -> Response | None:
    """Refuse every admin page to anyone not signed in, except the sign-in page itself.

    A session idle for longer than ``ADMIN_IDLE_MINUTES`` (no admin page asked for) is
    signed out first and sent to sign in again, told why. Only the admin's part of the
    session goes: a quiz being taken in the same browser keeps its answers.
    """
    if current_user.is_authenticated:
        now = int(time.time())
        last_active = session.get(LAST_ACTIVE)
        idle = timedelta(minutes=current_app.config["ADMIN_IDLE_MINUTES"])
        if not isinstance(last_active, int) or now - last_active > idle.total_seconds():
            return _sign_out_idle(idle)
        if now - last_active >= ACTIVITY_STEP_SECONDS:
            session[LAST_ACTIVE] = now
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
    overview,
    publishing,
    questions,
    roles,
    two_factor,
)
