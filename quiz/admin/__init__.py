"""The admin area: sign-in, editing the draft quiz, publishing, import and export, analytics."""

from __future__ import annotations

from flask import Blueprint, current_app, request
from flask_login import current_user
from werkzeug.wrappers import Response

from quiz.web.extensions import login_manager
from quiz.web.i18n import lazy_gettext as _l

bp = Blueprint("admin", __name__, url_prefix="/admin")

# The only admin pages an anonymous visitor may open.
OPEN_ENDPOINTS = frozenset({"admin.sign_in"})


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
    """Refuse every admin page to anyone not signed in, except the sign-in page itself."""
    if request.endpoint in OPEN_ENDPOINTS or current_user.is_authenticated:
        return None
    response: Response = login_manager.unauthorized()
    return response


# importing the view modules registers their views on bp
from quiz.admin import (  # noqa: E402,F401
    analytics,
    auth,
    dimensions,
    overview,
    publishing,
    questions,
    roles,
)
