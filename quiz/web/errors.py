"""Error pages in the site's layout, with a message a person can act on and a reference.

Every page and log line of an error carries the request id (quiz/web/security.py), so a person
who reports "Reference: 3f2a…" leads straight to the log entry. The page names no status code:
it says what happened in plain words and offers a way on, to the quiz or to the start page.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app, g, has_request_context, render_template, request
from flask.logging import default_handler
from flask_babel import gettext
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException, InternalServerError

from quiz.core.messages import N_
from quiz.db import db
from quiz.web.site import site_title

# In English, as the log and the tests read them; each page says them in the visitor's language.
# Each says what happened in plain words and what to do; the page then offers a way on.
MESSAGES = {
    400: (
        N_("We couldn't use what was sent"),
        N_("Part of it was missing or not in a shape we understand. Go back and try once more."),
    ),
    403: (N_("You can't open this page"), N_("You don't have permission to see it.")),
    404: (
        N_("We can't find that page"),
        N_("The link may have a typo in it, or the page has moved or never existed."),
    ),
    405: (
        N_("That doesn't work from here"),
        N_("Go back and use the buttons on the page instead."),
    ),
    410: (
        N_("This result was deleted by the person who took the quiz"),
        N_("Their answers were deleted with it, so there is nothing left to show."),
    ),
    413: (
        N_("That was more than we can take"),
        N_("What you sent was larger than we accept. Try again with less."),
    ),
    429: (
        N_("Slow down a little"),
        N_("You have sent many requests in a short time. Wait a minute, then try again."),
    ),
    500: (
        N_("Something went wrong on our side"),
        N_("It's not you. Please try again in a moment."),
    ),
    503: (
        N_("%(site)s is briefly unavailable"),
        N_(
            "We can't reach our database right now. Please try again in a minute: "
            "if you were taking the quiz, your answers so far are kept."
        ),
    ),
}
CSRF_EXPIRED = N_(
    "This form expired or was sent from somewhere else. "
    "Go back, reload the page and send it again — your earlier answers are kept."
)


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(DBAPIError, _database_unavailable)
    app.register_error_handler(RateLimitExceeded, _rate_limited)
    # on the logger, not a handler: it then holds whatever handlers the host configures
    app.logger.addFilter(RequestIdFilter())
    default_handler.setFormatter(
        logging.Formatter(
            "[%(asctime)s] %(levelname)s request=%(request_id)s %(module)s: %(message)s"
        )
    )


class RequestIdFilter(logging.Filter):
    """Stamp each log record with the id of the request it happened in."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def _rate_limited(error: RateLimitExceeded) -> tuple[str, int]:
    # the limiter's own description is the limit itself: say what it means instead
    return _render(429)


def _database_unavailable(error: DBAPIError) -> tuple[str, int]:
    """Answer 503 while the database is away; pre-ping reconnects once it is back.

    The rollback may fail too, the connection being gone: then the session drops its
    connection unused, and the page still says 503 rather than 500.
    """
    try:
        db.session.rollback()
    except DBAPIError:
        db.session().invalidate()
    current_app.logger.warning("database unavailable: %s", error.orig or error)
    return _render(503)


def _render(code: int, detail: str | None = None) -> tuple[str, int]:
    """Answer with the error's page (or JSON) in the visitor's language.

    ``detail`` may be an English message marked with N_ (see quiz/core/messages.py): it is
    translated here like the standard messages; any other text is shown as it is.
    """
    if code in MESSAGES:
        title, message = (gettext(text, site=site_title()) for text in MESSAGES[code])
    else:
        title, message = (
            gettext("Something went wrong"),
            gettext("We couldn't do what was asked. Please try again in a moment."),
        )
    if detail:
        message = gettext(detail)
    # the JSON endpoints (docs/api.md): every path ending in .json, and all under /api/
    wants_json = request.path.endswith(".json") or request.path.startswith("/api/")
    if wants_json:
        body = {"error": title, "detail": message, "request_id": g.get("request_id")}
        return body, code  # type: ignore[return-value]
    html = render_template(
        "errors/error.html",
        code=code,
        title=title,
        message=message,
        request_id=g.get("request_id"),
    )
    return html, code


def _http_error(error: HTTPException) -> tuple[str, int]:
    code = error.code or 500
    if isinstance(error, InternalServerError):
        return _render(500)
    # a description the app wrote for this case says more than werkzeug's generic one
    custom = error.description if error.description != type(error).description else None
    return _render(code, custom)


def _csrf_error(error: CSRFError) -> tuple[str, int]:
    return _render(400, CSRF_EXPIRED)
