"""Admin accounts and the team: creating, inviting, roles, removing, passwords, sessions.

The rules, each stated once here:

* **Roles.** Every admin is an owner, an editor or a viewer (:mod:`quiz.core.admin_roles`).
* **The last owner stays.** There is always at least one owner: the last one can be
  neither removed nor given another role (:func:`_keep_an_owner`), from the team page or
  from the command line alike, so the admin area can never be left with nobody able to
  manage it.
* **Passwords.** A new password is at least :data:`MIN_PASSWORD_LENGTH` characters long
  and not a common password (:func:`check_new_password`), on every path that sets one:
  creating an account, accepting an invitation, a reset and a change.
* **Invitations.** An owner invites an email address that is no admin's yet, with a role;
  the link works once, for :data:`INVITATION_LIFETIME`; only a hash of its token is kept.
  A new invitation to an address withdraws the ones still open for it, so only the
  newest link works.
* **Sessions.** A signed-in session opens the admin area only while it carries the
  account's session nonce (:class:`quiz.models.Admin`); :func:`end_sessions` draws a new
  one, so every session signed in before it ends, copies of its cookie included.
  Sign-out, a password change or reset, and removal all end them.

Every change is recorded in the audit log with who made it. The services commit; nothing
is saved when they refuse.
"""

from __future__ import annotations

import hashlib
import secrets
import string
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import func, select

from quiz.core.admin_roles import OWNER, ROLES
from quiz.core.messages import N_
from quiz.db import db
from quiz.models import Admin, AdminInvitation, new_session_nonce, utcnow
from quiz.store import audit

MIN_PASSWORD_LENGTH = 12
INVITATION_LIFETIME = timedelta(hours=72)

PASSWORD_TOO_SHORT = N_("The password must be at least %(min)d characters long.")
PASSWORD_TOO_COMMON = N_(
    "That password is on the lists of passwords people use most, which are tried first "
    "when an account is attacked. Choose one that is yours alone."
)
WRONG_CURRENT_PASSWORD = N_("That is not your current password, so nothing was changed.")
LAST_OWNER = N_(
    "%(email)s is the only owner. Make another admin an owner first: "
    "there must always be someone who can manage the team."
)
EMAIL_TAKEN = N_("%(email)s is already an admin.")
UNKNOWN_ROLE = N_("There is no role called %(role)s.")
INVITATION_CLOSED = N_("This invitation can no longer be used.")


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


class TeamRefused(Exception):
    """A change to the team the rules refuse: ``reason`` (marked ``N_``) with ``values``."""

    def __init__(self, reason: str, **values: Any):
        super().__init__(reason % values)
        self.reason = reason
        self.values = values


# ---------------------------------------------------------------- passwords


@cache
def common_passwords() -> frozenset[str]:
    """Return the 30,000 passwords people use most, lower case (zxcvbn's list).

    Read on first use: the list is large and most requests never set a password.
    """
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(word.lower() for word in FREQUENCY_LISTS["passwords"])


def is_common_password(password: str) -> bool:
    """Tell whether ``password`` is a common password, or one thinly dressed up.

    Compared without case or spaces; refused too: a common password with only digits
    or punctuation before or after it ("dragon2026!!"), and one short piece or common
    password said again and again ("abababababab", "qwertyqwerty").
    """
    words = common_passwords()
    squeezed = "".join(password.lower().split())
    stem = squeezed.strip(string.digits + string.punctuation)
    if squeezed in words or (stem and stem in words):
        return True
    length = len(squeezed)
    for size in range(1, length // 2 + 1):
        piece = squeezed[:size]
        if length % size == 0 and piece * (length // size) == squeezed:
            return size <= 2 or piece in words
    return False


def check_new_password(password: str) -> None:
    """Refuse a password shorter than :data:`MIN_PASSWORD_LENGTH` characters or a common one."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordRefused(PASSWORD_TOO_SHORT, "new", min=MIN_PASSWORD_LENGTH)
    if is_common_password(password):
        raise PasswordRefused(PASSWORD_TOO_COMMON, "new")


# ---------------------------------------------------------------- the team


def normal_email(email: str) -> str:
    """Return ``email`` as accounts are kept and matched: without surrounding spaces, lower case."""
    return email.strip().lower()


def find(email: str) -> Admin | None:
    """Return the admin with ``email`` (matched as :func:`normal_email` keeps it), or None."""
    return db.session.scalar(select(Admin).where(Admin.email == normal_email(email)))


def team() -> Sequence[Admin]:
    """Return every admin, owners first, then by email."""
    rank = {role: place for place, role in enumerate(reversed(ROLES))}
    return sorted(db.session.scalars(select(Admin)), key=lambda a: (rank.get(a.role, 9), a.email))


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise TeamRefused(UNKNOWN_ROLE, role=role)


def _check_email_free(email: str) -> None:
    if find(email) is not None:
        raise TeamRefused(EMAIL_TAKEN, email=email)


def _keep_an_owner(admin: Admin, new_role: str | None) -> None:
    """Refuse to leave the team without an owner: ``admin`` becomes ``new_role`` (None: goes).

    The owners' rows are locked while counting (on PostgreSQL), so two owners demoting
    each other at once cannot both pass.
    """
    if admin.role != OWNER or new_role == OWNER:
        return
    owners = db.session.scalars(select(Admin.id).where(Admin.role == OWNER).with_for_update())
    if set(owners) <= {admin.id}:
        raise TeamRefused(LAST_OWNER, email=admin.email)


def create(email: str, password: str, actor: str, role: str = OWNER) -> Admin:
    """Add an admin with ``role`` and ``password`` (stored as a hash), recorded in the audit log.

    The email must be no other admin's; the password must pass :func:`check_new_password`.
    """
    email = normal_email(email)
    _check_role(role)
    _check_email_free(email)
    check_new_password(password)
    admin = Admin(email=email, role=role)
    admin.set_password(password)
    db.session.add(admin)
    audit.record("create admin", email, f"role: {role}", actor=actor)
    db.session.commit()
    return admin


def set_role(admin: Admin, role: str, actor: str) -> None:
    """Give ``admin`` another role, recorded with the one before; never the last owner's."""
    _check_role(role)
    if role == admin.role:
        return
    _keep_an_owner(admin, role)
    before = admin.role
    admin.role = role
    audit.record("change admin role", admin.email, f"role: {before} → {role}", actor=actor)
    db.session.commit()


def delete(admin: Admin, actor: str) -> None:
    """Remove an admin, recorded in the audit log; never the last owner.

    The account's sessions end with it: the row and its nonce are gone, so no cookie
    names it any more.
    """
    _keep_an_owner(admin, None)
    audit.record("delete admin", admin.email, f"role: {admin.role}", actor=actor)
    db.session.delete(admin)
    db.session.commit()


def end_sessions(admin: Admin) -> None:
    """End every session ``admin`` signed in so far, on every device, by a new nonce."""
    admin.session_nonce = new_session_nonce()
    db.session.commit()


def change_password(admin: Admin, current: str, new: str) -> None:
    """Give ``admin`` the password ``new``, recorded in the audit log, and end their sessions.

    ``current`` must be the admin's password now, so a session left open on someone
    else's screen cannot take the account; ``new`` must pass :func:`check_new_password`.
    Every session signed in before ends (:func:`end_sessions`): the caller signs the
    session that asked in again, with the new nonce. The password itself is never recorded.
    """
    if not admin.check_password(current):
        raise PasswordRefused(WRONG_CURRENT_PASSWORD, "current")
    check_new_password(new)
    admin.set_password(new)
    audit.record("change password", admin.email, actor=admin.email)
    end_sessions(admin)


def reset_password(admin: Admin, new: str, actor: str) -> None:
    """Set ``admin``'s password without the current one (an owner's or the server's reset).

    ``new`` must pass :func:`check_new_password`; every session of the admin ends.
    """
    check_new_password(new)
    admin.set_password(new)
    audit.record("reset password", admin.email, actor=actor)
    end_sessions(admin)


# ---------------------------------------------------------------- invitations


@dataclass(frozen=True)
class NewInvitation:
    """An invitation just made, with its token: the only moment the token is known."""

    invitation: AdminInvitation
    token: str


def hash_token(token: str) -> str:
    """Return the hash an invitation's token is kept as."""
    return hashlib.sha256(token.encode()).hexdigest()


def _now(now: datetime | None) -> datetime:
    return now or utcnow()


def _aware(moment: datetime) -> datetime:
    # SQLite hands back times without their zone; every time is stored in UTC
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def invitation_state(invitation: AdminInvitation, now: datetime | None = None) -> str:
    """Say where ``invitation`` stands: "open", "used", "withdrawn" or "expired"."""
    if invitation.used_at is not None:
        return "used"
    if invitation.withdrawn_at is not None:
        return "withdrawn"
    if _aware(invitation.expires_at) <= _now(now):
        return "expired"
    return "open"


def invite(email: str, role: str, actor: str, now: datetime | None = None) -> NewInvitation:
    """Invite ``email`` to join as ``role``: a one-time link for :data:`INVITATION_LIFETIME`.

    Refused for an address that is an admin's already. Open invitations to the same
    address are withdrawn, so only the newest link works. No mail is sent here: the caller
    shows the link to the owner, who passes it on, and may mail it too once this has
    committed (quiz/web/mail.py), so a mail that fails never costs the invitation.
    """
    email = normal_email(email)
    _check_role(role)
    _check_email_free(email)
    moment = _now(now)
    for earlier in pending_invitations(moment):
        if earlier.email == email:
            earlier.withdrawn_at = moment
            audit.record("withdraw invitation", email, "a newer invitation replaced it", actor)
    token = secrets.token_urlsafe(32)
    invitation = AdminInvitation(
        email=email,
        role=role,
        token_hash=hash_token(token),
        invited_by=actor,
        created_at=moment,
        expires_at=moment + INVITATION_LIFETIME,
    )
    db.session.add(invitation)
    audit.record("invite admin", email, f"role: {role}", actor=actor)
    db.session.commit()
    return NewInvitation(invitation, token)


def record_invitation_mail(
    invitation: AdminInvitation, actor: str, failure: str | None = None
) -> None:
    """Record in the audit log that ``invitation`` was emailed, or why it could not be."""
    if failure is None:
        audit.record("email invitation", invitation.email, f"role: {invitation.role}", actor)
    else:
        audit.record("email invitation failed", invitation.email, failure, actor=actor)
    db.session.commit()


def find_invitation(token: str) -> AdminInvitation | None:
    """Return the invitation whose link carries ``token``, or None."""
    return db.session.scalar(
        select(AdminInvitation).where(AdminInvitation.token_hash == hash_token(token))
    )


def pending_invitations(now: datetime | None = None) -> Sequence[AdminInvitation]:
    """Return the invitations still open (not used, withdrawn or expired), newest first."""
    return db.session.scalars(
        select(AdminInvitation)
        .where(
            AdminInvitation.used_at.is_(None),
            AdminInvitation.withdrawn_at.is_(None),
            AdminInvitation.expires_at > _now(now),
        )
        .order_by(AdminInvitation.created_at.desc(), AdminInvitation.id.desc())
    ).all()


def accept_invitation(
    invitation: AdminInvitation, password: str, now: datetime | None = None
) -> Admin:
    """Make the invited account with the invitation's role and ``password``; use the link up.

    Refused when the invitation is no longer open, when its address became an admin's
    meanwhile, or when the password breaks a rule (:func:`check_new_password`).
    """
    moment = _now(now)
    if invitation_state(invitation, moment) != "open":
        raise TeamRefused(INVITATION_CLOSED)
    _check_email_free(invitation.email)
    check_new_password(password)
    admin = Admin(email=invitation.email, role=invitation.role)
    admin.set_password(password)
    db.session.add(admin)
    invitation.used_at = moment
    audit.record(
        "accept invitation",
        invitation.email,
        f"role: {invitation.role}; invited by {invitation.invited_by}",
        actor=invitation.email,
    )
    db.session.commit()
    return admin


def withdraw_invitation(invitation: AdminInvitation, actor: str) -> None:
    """Withdraw an open invitation: its link stops working. One no longer open stays as it is."""
    if invitation_state(invitation) != "open":
        return
    invitation.withdrawn_at = utcnow()
    audit.record("withdraw invitation", invitation.email, f"role: {invitation.role}", actor=actor)
    db.session.commit()


def owner_count() -> int:
    """Return how many owners the team has."""
    return db.session.scalar(select(func.count(Admin.id)).where(Admin.role == OWNER)) or 0
