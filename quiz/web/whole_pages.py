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
A forged Host never reaches a kept page: a host the app's TRUSTED_HOSTS does not name goes
to the app, which refuses it, and a refusal is not kept.

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
import threading
from collections.abc import Callable, Iterable
from typing import Any

from cachetools import LRUCache
from flask import Flask, request
from werkzeug.datastructures import Headers
from werkzeug.http import remove_entity_headers, unquote_etag
from werkzeug.sansio.utils import host_is_trusted
from werkzeug.wrappers import Request, Response

from quiz.web import page_cache
from quiz.web.compression import ENCODINGS
from quiz.web.i18n import language_asked
from quiz.web.security import REQUEST_ID_SHAPE

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
# what is kept: the stamps it was made under, the headers and the body (of a 200, the only
# status kept)
Kept = tuple[dict[str, str], list[tuple[str, str]], bytes]

# responses each process keeps a copy of (about 30 KB each at most, less compressed)
PROCESS_COPIES = 128

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
        # this process's copies of the responses it sent last: only their stamps are read
        self.copies: LRUCache[str, Kept] = LRUCache(PROCESS_COPIES)
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return self.inner(environ, start_response)
        asked = Request(environ, shallow=True)
        if self.session_cookie in asked.cookies or not page_cache.usable(self.state):
            return self.inner(environ, start_response)
        if not self._trusted_host(asked):
            return self.inner(environ, start_response)  # which refuses it, as it should
        key = self._key(asked)
        kept = self._read(key)
        if kept is not None:
            return _send(kept, asked, start_response)
        return self._answer_and_keep(key, environ, start_response)

    def _trusted_host(self, asked: Request) -> bool:
        """Tell whether the app would serve this Host: a kept page never skips its check."""
        trusted = self.app.config["TRUSTED_HOSTS"]
        return trusted is None or host_is_trusted(asked.environ.get("HTTP_HOST"), trusted)

    def _key(self, asked: Request) -> str:
        environ = asked.environ
        encoding = asked.accept_encodings.best_match(ENCODINGS) or "identity"
        parts = (
            # the address as asked: werkzeug's decoded forms would cost more and add nothing
            environ["wsgi.url_scheme"],
            environ.get("HTTP_HOST", ""),
            environ.get("SCRIPT_NAME", ""),
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
            language_asked(asked),
            encoding,
            # what the page cache's keys name too (a setting may change while running)
            str(self.app.config["RELEASE_ID"]),
            self.state.identity,
            str(self.app.config.get("PUBLIC_URL")),
        )
        return "whole:" + hashlib.sha256("\0".join(parts).encode()).hexdigest()

    def _read(self, key: str) -> tuple[list[tuple[str, str]], bytes] | None:
        """Return the response kept under ``key`` while every stamp it depends on holds.

        The stamps are read from the shared cache every time; the response itself comes
        from this process's own copy when it was made under the same stamps, else from the
        shared cache (and is copied here).
        """
        with self.lock:
            entry = self.copies.get(key)
        try:
            if entry is None or not self._holds(entry[0]):
                entry = self.backend.get(key)
                if entry is None or not self._holds(entry[0]):
                    return None
                with self.lock:
                    self.copies[key] = entry
        except Exception:
            self._failed("read a whole page from")
            return None
        _, headers, body = entry
        return headers, body

    def _holds(self, stamps: dict[str, str]) -> bool:
        names = list(stamps)
        current: list[str | None] = self.backend.get_many(*names)
        return current == [stamps[name] for name in names]

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
            headers = [pair for pair in answered["headers"] if pair[0].lower() not in PER_RESPONSE]
            entry: Kept = (dict(stamps), headers, content)
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
    kept: tuple[list[tuple[str, str]], bytes],
    asked: Request,
    start_response: Callable[..., Any],
) -> Iterable[bytes]:
    """Send a kept response as the app would: a 304 for a known ETag, no body for HEAD."""
    stored, body = kept
    offered = asked.environ.get("HTTP_X_REQUEST_ID", "")
    request_id = offered if REQUEST_ID_SHAPE.fullmatch(offered) else secrets.token_hex(8)
    headers = [*stored, ("X-Request-ID", request_id)]
    if "HTTP_IF_NONE_MATCH" in asked.environ:
        etag = next((value for name, value in stored if name.lower() == "etag"), None)
        if etag is not None and asked.if_none_match.contains_weak(unquote_etag(etag)[0]):
            unchanged = Headers(headers)
            remove_entity_headers(unchanged)
            start_response("304 NOT MODIFIED", unchanged.to_wsgi_list())
            return []
    start_response("200 OK", headers)
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
