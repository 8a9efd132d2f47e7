"""Error pages in the site's layout, with a message a person can act on."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

MESSAGES = {
    400: ("That request did not make sense", "Something in it was missing or malformed."),
    403: ("You can't open this page", "You don't have access to it."),
    404: ("We couldn't find that page", "The link may be mistyped, or the page never existed."),
    405: ("That action isn't allowed here", "Try going back and using the buttons on the page."),
    413: ("That was too much to send", "The form you sent was larger than we accept."),
    429: ("Slow down a little", "You have sent many requests in a short time. Wait a minute."),
    500: ("Something went wrong on our side", "It's not you. Please try again in a moment."),
    503: ("Career Fit is briefly unavailable", "Please try again in a minute."),
}


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(CSRFError, _csrf_error)


def _render(code: int, detail: str | None = None) -> tuple[str, int]:
    title, message = MESSAGES.get(code, (f"Error {code}", "Something went wrong."))
    wants_json = request.path.endswith(".json")
    if wants_json:
        return {"error": title, "detail": detail or message}, code  # type: ignore[return-value]
    return render_template(
        "errors/error.html", code=code, title=title, message=detail or message
    ), code


def _http_error(error: HTTPException) -> tuple[str, int]:
    code = error.code or 500
    if isinstance(error, InternalServerError):
        return _render(500)
    # a description the app wrote for this case says more than werkzeug's generic one
    custom = error.description if error.description != type(error).description else None
    return _render(code, custom)


def _csrf_error(error: CSRFError) -> tuple[str, int]:
    return _render(
        400,
        "This form expired or was sent from somewhere else. "
        "Go back, reload the page and send it again — your earlier answers are kept.",
    )
