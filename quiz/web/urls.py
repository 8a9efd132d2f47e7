"""The site's one public address: every absolute URL the app prints is built from PUBLIC_URL.

A request's Host header (and X-Forwarded-Host, where a proxy is trusted with it) is written
by the client. So nothing the app prints takes its host from the request: share links, the
canonical and og: tags, the share card's address, absolute redirects and the ETags of
cacheable pages come from PUBLIC_URL (quiz/settings.py), and a page a browser or proxy keeps
names the real site whoever asked for it.

Outside debug and testing, Flask refuses a request for any host but TRUSTED_HOSTS (by default
PUBLIC_URL's) before a view runs; here that refusal becomes the site's own 400 page, which
never repeats the host it was sent.
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from flask import Flask, abort, current_app, redirect, request, url_for
from flask.globals import request_ctx
from werkzeug.exceptions import SecurityError
from werkzeug.wrappers import Response

from quiz.core.messages import N_

UNTRUSTED_HOST = N_(
    "This site does not answer at the address this request was sent to. "
    "Open it at its own address, the one its links use."
)


def register(app: Flask) -> None:
    app.before_request(_refuse_untrusted_host)
    app.after_request(_redirect_to_public_address)
    app.add_template_global(public_url)


def public_url(endpoint: str, **values: Any) -> str:
    """Return the absolute URL of ``endpoint`` at the site's public address (PUBLIC_URL).

    The one way the app builds an absolute URL: never ``url_for(..., _external=True)``,
    which takes the host from the request.
    """
    return current_app.config["PUBLIC_URL"].rstrip("/") + url_for(endpoint, **values)


def public_address_tag() -> str:
    """Return a short tag of PUBLIC_URL for ETags: a page that prints it changes with it."""
    address = current_app.config["PUBLIC_URL"].encode()
    return hashlib.sha256(address).hexdigest()[:8]


def _refuse_untrusted_host() -> None:
    """Answer a request for a host Flask does not trust (TRUSTED_HOSTS) with the 400 page."""
    if not isinstance(request.routing_exception, SecurityError):
        return
    # Flask found no URLs to build for a host it refused; the error page's links lead to
    # the public address instead
    public = urlsplit(current_app.config["PUBLIC_URL"])
    request_ctx.url_adapter = current_app.url_map.bind(
        public.netloc, script_name=request.script_root or "/", url_scheme=public.scheme
    )
    abort(400, description=UNTRUSTED_HOST)


def _redirect_to_public_address(response: Response) -> Response:
    """Point an absolute redirect to the request's own host at the public address instead.

    The app's own redirects are relative paths; werkzeug writes its slash redirects
    (``/admin`` to ``/admin/``, doubled slashes merged) as absolute URLs with the request's
    host and scheme, in the Location header and the page's link.
    """
    location = response.headers.get("Location")
    if not location:
        return response
    parts = urlsplit(location)
    if parts.netloc and parts.netloc.lower() == request.host.lower():
        public = urlsplit(current_app.config["PUBLIC_URL"])
        moved = urlunsplit(parts._replace(scheme=public.scheme, netloc=public.netloc))
        response.headers["Location"] = moved
        # the body links to the new place too, for clients that do not follow redirects
        response.set_data(redirect(moved, response.status_code).get_data())
    return response
