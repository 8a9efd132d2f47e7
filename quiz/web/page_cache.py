"""Pages rendered once: result pages, their JSON, share cards and comparisons, kept in a cache
that every worker (and, on Redis, every host) shares.

A stored result never changes until its taker deletes it, so each of its pages is the same
bytes for everyone who asks for the same thing. They are rendered on the first request and
served from the cache after that: a hit reads the cache and nothing else (no database query,
no template), except that the visitor's view asks which quiz version is the latest, as it
says how long that quiz takes. What is kept is the page's bytes, never a Response: the views
set the headers (ETag, Cache-Control, Vary) on every answer as before, so a 304 and the
headers come out the same whether the bytes were kept or made.

The cache is Flask-Caching's, chosen by two settings (docs/deploy.md, "Page cache"):
``CACHE_TYPE=RedisCache`` with ``CACHE_REDIS_URL`` shares it between hosts; unset, it is a
folder under instance/ (``FileSystemCache``), shared by the workers of one host; in testing,
each app's own memory (``SimpleCache``), so tests never see each other's pages.

**The key** (:func:`page_key`, the one place it is made) names everything that can change the
bytes: the results' share tokens, the form (``html``, ``json``, ``png``, ``compare``,
``compare-json``), the view (the owner's or a visitor's, whose side is "You" in a
comparison), the language, the release id (templates, static files, catalogs, site title),
the public address, the page's own address as its language switcher prints it, and the
identity of this install's code and translation catalogs, read once at start. Norms are not
in it: a result's percentiles are worked out when it is stored and kept with it
(quiz.core.norms), so refreshing the norms changes no stored result's page. Pages whose
address holds anything but the parameters a view knows are rendered and not kept, so
made-up query strings cannot fill the cache.

**Deletion.** Every kept page of a result is only served while the result's *stamp* (a
random value under ``alive:<token>``) is in the cache and equals the stamp the page was kept
with. On a miss the stamp is read, or written if there is none, *before* the database is
asked whether the result exists; deleting a result removes its stamp *after* the deletion
commits. So a page rendered from a read that came before the deletion was kept under a
stamp that the deletion then removed, and no page of a deleted result is served again, on
any worker or host sharing the cache: at once, without asking the database on a hit. A stamp
that expires or is evicted makes its pages unreachable too; the next miss stamps afresh.
Deleting also removes the result's own pages (each language and view, JSON, share card)
by key; comparisons with it become unreachable with the stamp and expire.

**Failure.** A cache that fails (Redis down or frozen, a full disk) never fails a page: the
error is logged as a warning and the page is rendered as if nothing were kept. After a
failure this process leaves the cache alone for ``CACHE_RETRY_SECONDS``, so an outage costs
no request more than one short timeout. A deletion whose stamp could not be removed is
logged as an error: pages kept before it may be served by hosts that still reach the cache
until they expire (``CACHE_DEFAULT_TIMEOUT``, an hour, the same bound ``RESULT_MAX_AGE``
sets for copies in browsers and proxies).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from flask import Flask, current_app, g, has_app_context, request, session
from flask_caching import Cache
from sqlalchemy import event
from sqlalchemy.orm import Session

from quiz.db import db
from quiz.settings import PACKAGE_DIR
from quiz.store.publishing import PUBLISHED
from quiz.store.results import SHARE_TOKEN_SHAPE
from quiz.web.i18n import LANGUAGE_PARAMETER, current_language, switch_back_path
from quiz.web.urls import public_address_tag

Found = TypeVar("Found")

cache = Cache()

STAMP_BYTES = 12
# the stamp of the live quiz version, which publishing removes: not a share token's shape
LIVE_VERSION = "~live-version"


@dataclass(frozen=True)
class PageKey:
    """Where one page is kept: the results it shows, and the key naming everything else."""

    tokens: tuple[str, ...]
    name: str


@dataclass
class _PageCacheState:
    """What the page cache keeps per app: the install's identity and the failure back-off."""

    identity: str
    retry_seconds: float
    down_until: float = 0.0


def register(app: Flask) -> None:
    """Open the page cache the settings name (quiz/settings.py checked them)."""
    config: dict[str, Any] = {}
    if app.config["CACHE_TYPE"] == "RedisCache" and not app.config.get("CACHE_OPTIONS"):
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        timeout = float(app.config["CACHE_REDIS_TIMEOUT_SECONDS"])
        config["CACHE_OPTIONS"] = {
            "socket_timeout": timeout,
            "socket_connect_timeout": timeout,
            # one try: a failed call falls back to rendering at once (see Failure above)
            "retry": Retry(NoBackoff(), 0),
        }
    cache.init_app(app, config)
    app.extensions["page_cache"] = _PageCacheState(
        identity=_install_identity(app), retry_seconds=float(app.config["CACHE_RETRY_SECONDS"])
    )
    # one listener for every app: the session is the extension's, shared by all of them
    if not event.contains(db.session, "after_commit", _after_commit):
        event.listen(db.session, "after_commit", _after_commit)
        event.listen(db.session, "after_rollback", _after_rollback)


def _after_commit(session: Session) -> None:
    """Once a new quiz version is committed, whoever published it, forget the live one."""
    published = session.info.pop(PUBLISHED, False)
    if published and has_app_context() and "page_cache" in current_app.extensions:
        forget_live_version()


def _after_rollback(session: Session) -> None:
    session.info.pop(PUBLISHED, None)  # nothing was published after all


def _install_identity(app: Flask) -> str:
    """Hash this install's code, data, fonts and translation catalogs: a new release of any
    of them must never be served a page the old one kept in a cache that outlives it."""
    digest = hashlib.sha256()
    catalogs = str(app.config.get("BABEL_TRANSLATION_DIRECTORIES", "")).split(";")
    folders = [PACKAGE_DIR, *(Path(folder) for folder in catalogs if folder)]
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                digest.update(path.relative_to(folder).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def page_key(
    tokens: Iterable[str],
    form: str,
    view: str = "anyone",
    query: Collection[str] = (LANGUAGE_PARAMETER,),
    language: str | None = None,
    address: str | None = None,
) -> PageKey | None:
    """Return the key of the page of ``tokens`` in ``form`` and ``view``, as this request asks.

    ``query`` names the parameters the page may have; None when the request has others (or
    a token is not one we issue): such a page is rendered and not kept. ``language`` and
    ``address`` default to the request's (deletion names them for each language).
    """
    tokens = tuple(tokens)
    if not all(SHARE_TOKEN_SHAPE.fullmatch(token) for token in tokens):
        return _not_kept()
    if address is None:
        if not _only_known_parameters(query):
            return _not_kept()
        address = switch_back_path()
    state: _PageCacheState = current_app.extensions["page_cache"]
    parts = (
        form,
        view,
        language or current_language(),
        current_app.config["RELEASE_ID"],
        public_address_tag(),
        state.identity,
        hashlib.sha256(address.encode()).hexdigest()[:16],
    )
    return PageKey(tokens, "page:" + "+".join(tokens) + ":" + ":".join(parts))


def served(
    key: PageKey | None,
    fresh: bool,
    find: Callable[[], Found],
    render: Callable[[Found], bytes],
) -> bytes | None:
    """Return a page's bytes, kept or rendered now; None when the asker's copy is still good.

    ``fresh`` says the request's If-None-Match holds the page's ETag. ``find`` reads the
    results from the database and aborts (404, 410) when one is missing or deleted; it runs
    on every miss, and ``render`` only when the page must be sent. With ``key`` None the
    page is rendered and not kept.
    """
    if key is None or _browser_state_pending():
        found = find()
        return None if fresh else render(found)
    kept = _kept(key)
    if kept is not None:
        stamps, body = kept
        _depends_on(key.tokens, stamps)
        return None if fresh else body
    stamps = _stamps(key.tokens)  # before the database is asked: see Deletion above
    found = find()
    if fresh:
        return None
    body = render(found)
    if stamps is not None and not _browser_state_added():
        _keep(key, stamps, body)
        _depends_on(key.tokens, stamps)
    return body


def depend_on_live_version(query: Collection[str] = (LANGUAGE_PARAMETER,)) -> None:
    """Say this page shows the live quiz version, before the database is asked which it is.

    Its kept whole response (quiz/web/whole_pages.py) is then served only until a new
    version is published: publishing removes the live version's stamp after it commits,
    in the same order deletion keeps (see Deletion above).
    """
    if not _only_known_parameters(query):
        _not_kept()
        return
    if _has_session_cookie():
        return  # only a page asked for without a session is kept whole: no stamp to read
    stamps = _stamps((LIVE_VERSION,))
    if stamps is not None:
        _depends_on((LIVE_VERSION,), stamps)


def _only_known_parameters(query: Collection[str]) -> bool:
    # made-up query strings must not fill the cache: each would be a page of its own
    return all(name in query for name in request.args)


def _not_kept() -> None:
    """Say this request's page is not kept, whatever else it depends on."""
    g.page_not_kept = True


def stamps_this_page_depends_on() -> dict[str, str] | None:
    """Return the stamps (by name) this request's page was made under, None if it is not kept.

    A page that was rendered for the asker alone (a form token, a flashed message) or
    without the cache has none; nor does one that showed a result but was not kept.
    """
    if _browser_state_added() or g.get("page_not_kept"):
        return None
    return g.get("page_stamps")


def _depends_on(tokens: Iterable[str], stamps: Iterable[str]) -> None:
    g.setdefault("page_stamps", {}).update(zip(map(_stamp_name, tokens), stamps, strict=True))


def forget_live_version() -> None:
    """Stop serving pages that show the live version, on every host: call it after a publish
    commits (:func:`register` does, whatever published)."""
    try:
        cache.delete(_stamp_name(LIVE_VERSION))
    except Exception:
        current_app.logger.error(
            "The page cache could not forget the live version: hosts that still reach the "
            "cache may show the version before it on the landing page until it expires.",
            exc_info=True,
        )


def forget(token: str, keys: Iterable[PageKey | None] = ()) -> None:
    """Stop serving every kept page of the deleted result ``token``, on every host; call it
    after the deletion commits. ``keys`` are its own pages, removed too."""
    names = [_stamp_name(token)] + [key.name for key in keys if key is not None]
    try:
        cache.delete_many(*names)
    except Exception:  # whatever the backend raises: the page has been deleted all the same
        current_app.logger.error(
            "The page cache could not forget the deleted result %s...: hosts that still "
            "reach the cache may serve its kept pages until they expire.",
            token[:8],
            exc_info=True,
        )


def _kept(key: PageKey) -> tuple[tuple[str, ...], bytes] | None:
    """Return the page kept under ``key``, with its stamps, if every one still holds."""
    if not _usable():
        return None
    try:
        *stamps, page = cache.get_many(*(_stamp_name(t) for t in key.tokens), key.name)
    except Exception:
        failed("read a page from")
        return None
    if page is None or None in stamps:
        return None
    kept_stamps, body = page
    return (tuple(stamps), body) if tuple(kept_stamps) == tuple(stamps) else None


def _stamps(tokens: tuple[str, ...]) -> tuple[str, ...] | None:
    """Return each result's stamp, writing a new one where there is none; None on failure."""
    if not _usable():
        return None
    stamps = []
    try:
        for token in tokens:
            stamp = cache.get(_stamp_name(token))
            if stamp is None:
                stamp = secrets.token_urlsafe(STAMP_BYTES)
                cache.set(_stamp_name(token), stamp)
            stamps.append(stamp)
    except Exception:
        failed("stamp a result in")
        return None
    return tuple(stamps)


def _keep(key: PageKey, stamps: tuple[str, ...], body: bytes) -> None:
    try:
        cache.set(key.name, (stamps, body))
    except Exception:
        failed("keep a page in")


def _stamp_name(token: str) -> str:
    return f"alive:{token}"


def _usable() -> bool:
    return usable(current_app.extensions["page_cache"])


def usable(state: _PageCacheState) -> bool:
    """Tell whether the cache may be asked: not while it is left alone after a failure."""
    return time.monotonic() >= state.down_until


def failed(what: str) -> None:
    """Log a cache failure and leave the cache alone for a while; the page is rendered."""
    state: _PageCacheState = current_app.extensions["page_cache"]
    state.down_until = time.monotonic() + state.retry_seconds
    current_app.logger.warning(
        "The page cache failed to %s (%s); rendering pages without it for %g s.",
        what,
        current_app.config["CACHE_TYPE"],
        state.retry_seconds,
        exc_info=True,
    )


def _has_session_cookie() -> bool:
    # a visitor without a session cookie never touches the session (quiz/web/ownership.py)
    return current_app.config["SESSION_COOKIE_NAME"] in request.cookies


def _browser_state_pending() -> bool:
    """Tell whether this browser has messages waiting that the page would show (flashes)."""
    return _has_session_cookie() and "_flashes" in session


def _browser_state_added() -> bool:
    """Tell whether rendering put something of this browser's own into the page: a CSRF
    token, or a message it took from the session. Such a page is never kept."""
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    return field in g or session.modified
