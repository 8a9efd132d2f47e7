"""Request-level safety: security headers, a request id, Secure cookies over HTTPS, clean input."""

from __future__ import annotations

import re
import secrets
from typing import Any

from flask import Flask, abort, current_app, g, has_request_context, request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_babel import gettext
from werkzeug.routing import IntegerConverter, Map
from werkzeug.wrappers import Response

from quiz.web.extensions import talisman


class HttpsAwareSessionInterface(SecureCookieSessionInterface):
    """Mark the session cookie Secure on HTTPS requests, even if the config does not ask;
    leave "Vary: Cookie" off responses that never had a cookie to vary on.

    Behind a proxy this relies on ProxyFix setting the scheme from X-Forwarded-Proto.
    """

    def save_session(self, app: Flask, session: SecureCookieSession, response: Response) -> None:
        # Flask marks any response that looked at the session "Vary: Cookie". When no
        # cookie came in and none goes out, the response cannot depend on one; dropping
        # the Vary lets proxies share a result page among everyone who opens the link.
        if not session and app.config["SESSION_COOKIE_NAME"] not in request.cookies:
            session.accessed = False
        super().save_session(app, session, response)

    def get_cookie_secure(self, app: Flask) -> bool:
        configured = bool(app.config["SESSION_COOKIE_SECURE"])
        return configured or (has_request_context() and request.is_secure)


def refuse_nul_characters() -> None:
    """Refuse a request whose path, query or form holds a NUL character, or too many fields.

    No text a person types contains one, and PostgreSQL cannot store it: without this
    check such a request would reach the database and fail there.
    """
    values = [request.path, *request.args.values()]
    if request.method == "POST" and request.mimetype in FORM_MIMETYPES:
        # werkzeug caps the parts of multipart forms only; count urlencoded ones here
        items = list(request.form.items(multi=True))
        if len(items) > current_app.config["MAX_FORM_PARTS"]:
            abort(413)
        # werkzeug reads a multipart part without a name as the key None, which later
        # checks (Flask-WTF's CSRF among them) are not written to expect
        if any(not isinstance(name, str) for name, _ in items):
            abort(400, description=gettext("A field of the form you sent had no name."))
        values += [value for _, value in items]
    if any("\x00" in value for value in values):
        abort(
            400, description=gettext("The request contained a character that isn't allowed (NUL).")
        )


FORM_MIMETYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


# Scripts and styles come from this site only; nothing inline, no framing.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
REQUEST_ID_SHAPE = re.compile(r"[A-Za-z0-9._-]{8,64}")


def protect(app: Flask) -> None:
    """Send security headers on every response and give every request an id."""
    # registered before Talisman's, so it runs after it (Flask runs them in reverse) and
    # sees the headers Talisman has just set
    app.after_request(let_allowed_sites_frame)
    talisman.init_app(
        app,
        force_https=False,  # the proxy in front redirects; HSTS goes out on HTTPS requests
        strict_transport_security=True,
        strict_transport_security_max_age=365 * 24 * 3600,
        session_cookie_secure=bool(app.config["SESSION_COOKIE_SECURE"]),
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        permissions_policy={"camera": "()", "microphone": "()", "geolocation": "()"},
    )
    app.before_request(assign_request_id)
    app.before_request(refuse_nul_characters)
    app.after_request(send_request_id)


def allow_framing() -> None:
    """Let the sites in EMBED_ALLOWED_ORIGINS show this request's page in a frame.

    Called by the embed pages only (quiz/public/embed.py) before their view runs; every
    other page keeps ``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``.
    """
    g.frame_ancestors = list(current_app.config["EMBED_ALLOWED_ORIGINS"])


def framing_policy(origins: list[str]) -> str:
    """Return the Content-Security-Policy that lets ``origins`` frame a page, and no one else.

    The same policy as every page's (CONTENT_SECURITY_POLICY), written the way Talisman
    writes it, with only frame-ancestors changed.
    """
    policy = {**CONTENT_SECURITY_POLICY, "frame-ancestors": " ".join(origins)}
    return "; ".join(f"{directive} {value}" for directive, value in policy.items())


def let_allowed_sites_frame(response: Response) -> Response:
    """On a page that allows framing (:func:`allow_framing`), name the allowed sites.

    With no site allowed, the page stays as unframeable as any other. With some, the
    CSP's frame-ancestors lists exactly them, and X-Frame-Options goes: it cannot name
    several sites, and DENY would refuse them in browsers that read it.
    """
    origins = g.get("frame_ancestors")
    if not origins:
        return response
    response.headers["Content-Security-Policy"] = framing_policy(origins)
    response.headers.pop("X-Frame-Options", None)
    return response


def assign_request_id() -> None:
    """Use the proxy's X-Request-ID when it looks like one, else make one up."""
    offered = request.headers.get("X-Request-ID", "")
    g.request_id = offered if REQUEST_ID_SHAPE.fullmatch(offered) else secrets.token_hex(8)


def send_request_id(response: Response) -> Response:
    response.headers["X-Request-ID"] = g.get("request_id", "")
    return response


class BoundedIntegerConverter(IntegerConverter):
    """Match only ids a database integer column can hold; anything larger is a 404.

    Without a bound, /admin/questions/99999999999999999999 reaches the database driver,
    which cannot even send the number.
    """

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)
