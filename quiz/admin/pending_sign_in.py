"""The sign-in half-done: a password accepted, the second factor still to come.

The session holds who is signing in and since when, but the admin is not signed in: the
guard opens nothing for it but the code page. It lasts :data:`PENDING_SECONDS` and names the
account's session nonce, so a password change or sign-out everywhere in between ends it too.
Kept apart from the views so the password step and the code step can both use it.
"""

from __future__ import annotations

import hmac
import time

from flask import session

from quiz.db import db
from quiz.models import Admin

PENDING = "admin_pending_sign_in"
PENDING_SECONDS = 5 * 60


def begin(admin: Admin, next_page: str | None) -> None:
    """Remember that ``admin`` gave the right password, and where to go once the code is right."""
    session[PENDING] = {
        "admin": admin.id,
        "nonce": admin.session_nonce,
        "since": int(time.time()),
        "next": next_page or "",
    }


def waiting() -> tuple[Admin, str] | None:
    """Return the admin whose sign-in waits for a code, and the page to go to; None if none.

    A marker older than :data:`PENDING_SECONDS`, or for an account whose sessions ended
    since, is dropped.
    """
    pending = session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    since, admin_id, nonce = pending.get("since"), pending.get("admin"), pending.get("nonce")
    if not isinstance(since, int) or not isinstance(admin_id, int) or not isinstance(nonce, str):
        end()
        return None
    if time.time() - since > PENDING_SECONDS:
        end()
        return None
    admin = db.session.get(Admin, admin_id)
    if admin is None or not hmac.compare_digest(admin.session_nonce.encode(), nonce.encode()):
        end()
        return None
    return admin, str(pending.get("next") or "")


def end() -> None:
    session.pop(PENDING, None)
