"""Which results this browser took: its own, seen in the owner's view; any other, as a visitor.

The session remembers the share tokens of the last results the browser finished. Nothing
else proves ownership: a share link is meant to be passed on, so holding it proves nothing.
"""

from __future__ import annotations

from flask import current_app, request, session

SESSION_KEY = "owned_results"

# enough for anyone retaking the quiz a few times; a cap keeps the session cookie small
MAX_REMEMBERED = 12


def remember_owned(token: str) -> None:
    """Remember that this browser took the result ``token``, newest last."""
    owned = [t for t in _owned() if t != token]
    session[SESSION_KEY] = [*owned, token][-MAX_REMEMBERED:]


def owns(token: str) -> bool:
    """Return whether this browser took the result ``token``."""
    # a visitor without a session cookie (most share-link readers) never touches the
    # session, so their response stays free of "Vary: Cookie" added by the session
    if current_app.config["SESSION_COOKIE_NAME"] not in request.cookies:
        return False
    return token in _owned()


def _owned() -> list[str]:
    owned = session.get(SESSION_KEY)
    # the cookie is signed, but a session from an older release may hold something else
    if not isinstance(owned, list):
        return []
    return [t for t in owned if isinstance(t, str)]
