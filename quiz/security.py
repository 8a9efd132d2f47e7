"""Session cookies that are Secure whenever the request came over HTTPS."""

from __future__ import annotations

from flask import Flask, has_request_context, request
from flask.sessions import SecureCookieSessionInterface


class HttpsAwareSessionInterface(SecureCookieSessionInterface):
    """Mark the session cookie Secure on HTTPS requests, even if the config does not ask.

    Behind a proxy this relies on ProxyFix setting the scheme from X-Forwarded-Proto.
    """

    def get_cookie_secure(self, app: Flask) -> bool:
        configured = bool(app.config["SESSION_COOKIE_SECURE"])
        return configured or (has_request_context() and request.is_secure)
