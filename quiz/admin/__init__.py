"""The admin area: sign-in, editing the draft quiz, publishing, import and export."""

from __future__ import annotations

from flask import Blueprint, request
from flask_login import current_user
from werkzeug.wrappers import Response

from quiz.extensions import login_manager

bp = Blueprint("admin", __name__, url_prefix="/admin")

# The only admin pages an anonymous visitor may open.
OPEN_ENDPOINTS = frozenset({"admin.sign_in"})


@bp.before_request
def require_admin() -> Response | None:
    """Refuse every admin page to anyone not signed in, except the sign-in page itself."""
    if request.endpoint in OPEN_ENDPOINTS or current_user.is_authenticated:
        return None
    response: Response = login_manager.unauthorized()
    return response


from quiz.admin import auth, overview  # noqa: E402,F401  (registers the views on bp)
