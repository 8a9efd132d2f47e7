"""Whole responses kept ahead of the app: a kept page sent to a visitor without a session,
before Flask, its extensions or a view run.

The page cache (quiz/web/page_cache.py) keeps a page's bytes, and the view still runs on
every request: the request context, the session, the rate limiter's check, the security
headers, the language, compression, the ETag. For a visitor with no session cookie, who
is most of the people opening a shared link or the landing page, all of that comes out the
same each time. This layer keeps the finished response (status line, headers and the body,
compressed as the asker accepts) and sends it again to the next such request, without
entering the app.

**What is kept.** Only what the app marked: a page whose view said which stamps it depends
on (a result's, through the page cache; the live quiz version's,
:func:`~quiz.web.page_cache.depend_on_live_version`), answered 200, to a GET without the
session cookie, that sets no cookie and that no cache is told to keep private. A page that
put anything of the asker's own in it (a form token, a message) has no stamps, so is never
kept (:func:`~quiz.web.page_cache.stamps_this_page_depends_on`).

**The key** names all that such a response depends on: scheme, host, path and query, the
language the request is served in (by the same rule as the app: address, cookie, browser),
the encoding it accepts, and the release and install identity the page cache's keys name.
A forged Host never reaches a kept page: the app refuses it, and a refusal is not kept.

**Freshness.** A kept response is sent only while each stamp it was made under still holds,
read from the same shared cache on every request: deleting a result or publishing a
version removes a stamp after it commits, and from then on no worker or host sends the
response again. A fresh request id is sent with every response, and an ``If-None-Match``
naming the kept ETag gets a 304, as from the app.

**Failure.** A cache that fails is logged and left alone as the page cache does; the
request goes to the app, which renders the page as if nothing were kept.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, request
from werkzeug.datastructures import Headers
from werkzeug.http import remove_entity_headers, unquote_etag
from werkzeug.wrappers import Request, Response

from quiz.web import page_cache
from quiz.web.compression import ENCODINGS
from quiz.web.i18n import language_asked
from quiz.web.security import REQUEST_ID_SHAPE

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

# where a request's page leaves the stamps it was made under, for the layer to keep
STAMPS = "quiz.whole_page.stamps"
# headers made anew for every response, never sent from a kept one
PER_RESPONSE = {"x-request-id", "date", "set-cookie"}


class WholePages:
    """The WSGI layer that sends kept whole responses; everything else goes to the app."""

    def __init__(self, app: Flask, inner: WsgiApp):
        self.app = app
        self.inner = inner
        self.session_cookie = str(app.config["SESSION_COOKIE_NAME"])
        self.backend = app.extensions["cache"][page_cache.cache]
        self.state = app.extensions["page_cache"]

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return self.inner(environ, start_response)
        asked = Request(environ, shallow=True)
        if self.session_cookie in asked.cookies or not page_cache.usable(self.state):
            return self.inner(environ, start_response)
        key = self._key(asked)
        kept = self._read(key)
        if kept is not None:
            return _send(kept, asked, start_response)
        return self._answer_and_keep(key, environ, start_response)

    def _key(self, asked: Request) -> str:
        encoding = asked.accept_encodings.best_match(ENCODINGS) or "identity"
        parts = (
            asked.scheme,
            asked.host,
            asked.environ.get("SCRIPT_NAME", ""),
            asked.path,
            asked.query_string.decode("latin-1"),
            language_asked(asked),
            encoding,
            # what the page cache's keys name too (a setting may change while running)
            str(self.app.config["RELEASE_ID"]),
            self.state.identity,
            str(self.app.config.get("PUBLIC_URL")),
        )
        return "whole:" + hashlib.sha256("\0".join(parts).encode()).hexdigest()

    def _read(self, key: str) -> tuple[int, list[tuple[str, str]], bytes] | None:
        """Return the response kept under ``key`` while every stamp it depends on holds."""
        try:
            entry = self.backend.get(key)
            if entry is None:
                return None
            stamps, status, headers, body = entry
            names = list(stamps)
            current = self.backend.get_many(*names)
        except Exception:
            self._failed("read a whole page from")
            return None
        if current != [stamps[name] for name in names]:
            return None
        return status, headers, body

    def _answer_and_keep(
        self, key: str, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        """Let the app answer; keep its response when it is a page that may be kept."""
        answered: dict[str, Any] = {}

        def note(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            answered["status"], answered["headers"] = status, headers
            return start_response(status, headers, exc_info)

        body = self.inner(environ, note)
        stamps = environ.get(STAMPS)
        if not stamps or not _may_keep(answered.get("status", ""), answered.get("headers", [])):
            return body
        try:
            content = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        if environ["REQUEST_METHOD"] == "GET":
            headers = [(name, value) for name, value in answered["headers"]]
            entry = (dict(stamps), 200, headers, content)
            try:
                self.backend.set(key, entry)
            except Exception:
                self._failed("keep a whole page in")
        return [content]

    def _failed(self, what: str) -> None:
        with self.app.app_context():
            page_cache.failed(what)


def _may_keep(status: str, headers: list[tuple[str, str]]) -> bool:
    """Tell whether an answer is the same for every asker the key names."""
    if not status.startswith("200 "):
        return False
    names = {name.lower() for name, _ in headers}
    if "set-cookie" in names:
        return False
    control = ",".join(value for name, value in headers if name.lower() == "cache-control")
    return "private" not in control and "no-store" not in control


def _send(
    kept: tuple[int, list[tuple[str, str]], bytes],
    asked: Request,
    start_response: Callable[..., Any],
) -> Iterable[bytes]:
    """Send a kept response as the app would: a 304 for a known ETag, no body for HEAD."""
    _, stored, body = kept
    headers = Headers([(name, value) for name, value in stored if name.lower() not in PER_RESPONSE])
    offered = asked.headers.get("X-Request-ID", "")
    headers["X-Request-ID"] = (
        offered if REQUEST_ID_SHAPE.fullmatch(offered) else secrets.token_hex(8)
    )
    etag = headers.get("ETag")
    if etag is not None and asked.if_none_match.contains_weak(unquote_etag(etag)[0]):
        remove_entity_headers(headers)
        start_response("304 NOT MODIFIED", headers.to_wsgi_list())
        return []
    start_response("200 OK", headers.to_wsgi_list())
    return [] if asked.method == "HEAD" else [body]


def register(app: Flask) -> None:
    """Put the layer ahead of the app, and let each page say what it was made under."""

    @app.after_request
    def leave_stamps(response: Response) -> Response:
        stamps = page_cache.stamps_this_page_depends_on()
        if stamps:
            request.environ[STAMPS] = stamps
        return response

    app.wsgi_app = WholePages(app, app.wsgi_app)  # type: ignore[method-assign]
