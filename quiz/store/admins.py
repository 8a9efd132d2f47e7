"""Admin accounts: creating and deleting them, changing a password, ending sessions.

A signed-in session opens the admin area only while it carries the account's session
nonce (:class:`quiz.models.Admin`); :func:`end_sessions` draws a new one, so every
session signed in before it ends, copies of its cookie included. Sign-out and a password
change both do. The services commit; nothing is saved when they refuse.
"""

from __future__ import annotations

from typing import Any

from quiz.core.messages import N_
from quiz.db import db
from quiz.models import Admin, new_session_nonce
from quiz.store import audit

MIN_PASSWORD_LENGTH = 12

PASSWORD_TOO_SHORT = N_("The password must be at least %(min)d characters long.")
WRONG_CURRENT_PASSWORD = N_("That is not your current password, so nothing was changed.")


class PasswordRefused(Exception):
    """A password the rules refuse: ``reason`` (marked ``N_``) filled with ``values``.

    ``field`` is "current" when the current password was wrong, "new" when the new one
    breaks a rule, so a page can show the reason beside the field it is about.
    """

    def __init__(self, reason: str, field: str, **values: Any):
        super().__init__(reason % values)
        self.reason = reason
        self.field = field
        self.values = values


def check_new_password(password: str) -> None:
    """Refuse a password shorter than :data:`MIN_PASSWORD_LENGTH` characters."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordRefused(PASSWORD_TOO_SHORT, "new", min=MIN_PASSWORD_LENGTH)


def create(email: str, password: str, actor: str) -> Admin:
    """Add an admin with ``password`` (stored as a hash), recorded in the audit log.

    The password must be at least :data:`MIN_PASSWORD_LENGTH` characters long. The caller
    has checked that ``email`` is an address no other admin has.
    """
    check_new_password(password)
    admin = Admin(email=email)
    admin.set_password(password)
    db.session.add(admin)
    audit.record("create admin", email, actor=actor)
    db.session.commit()
    return admin


def delete(admin: Admin, actor: str) -> None:
    """Delete an admin, recorded in the audit log; the account's sessions end with it."""
    db.session.delete(admin)
    audit.record("delete admin", admin.email, actor=actor)
    db.session.commit()


def end_sessions(admin: Admin) -> None:
    """End every session ``admin`` signed in so far, on every device, by a new nonce."""
    admin.session_nonce = new_session_nonce()
    db.session.commit()


def change_password(admin: Admin, current: str, new: str) -> None:
    """Give ``admin`` the password ``new``, recorded in the audit log, and end their sessions.

    ``current`` must be the admin's password now, so a session left open on someone
    else's screen cannot take the account; ``new`` must be at least
    :data:`MIN_PASSWORD_LENGTH` characters long. Every session signed in before ends
    (:func:`end_sessions`): the caller signs the session that asked in again, with the
    new nonce. The password itself is never recorded.
    """
    if not admin.check_password(current):
        raise PasswordRefused(WRONG_CURRENT_PASSWORD, "current")
    check_new_password(new)
    admin.set_password(new)
    audit.record("change password", admin.email, actor=admin.email)
    end_sessions(admin)
