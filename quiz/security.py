"""Request-level safety: Secure session cookies over HTTPS, and no NUL characters in input."""

from __future__ import annotations

from flask import Flask, abort, has_request_context, request
from flask.sessions import SecureCookieSessionInterface


class HttpsAwareSessionInterface(SecureCookieSessionInterface):
    """Mark the session cookie Secure on HTTPS requests, even if the config does not ask.

    Behind a proxy this relies on ProxyFix setting the scheme from X-Forwarded-Proto.
    """

    def get_cookie_secure(self, app: Flask) -> bool:
        configured = bool(app.config["SESSION_COOKIE_SECURE"])
        return configured or (has_request_context() and request.is_secure)


def refuse_nul_characters() -> None:
    """Refuse a request whose path, query or form holds a NUL character.

    No text a person types contains one, and PostgreSQL cannot store it: without this
    check such a request would reach the database and fail there.
    """
    values = [request.path, *request.args.values()]
    if request.method == "POST" and request.mimetype in FORM_MIMETYPES:
        values += request.form.values()
    if any("\x00" in value for value in values):
        abort(400, description="The request contained a character that isn't allowed (NUL).")


FORM_MIMETYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
