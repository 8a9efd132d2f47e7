"""Two-factor sign-in for admins: an authenticator app's codes, recovery codes, the requirement.

The rules, in one place:

* Codes are TOTP (RFC 6238) as every authenticator app makes them: 6 digits, a new one every
  30 seconds. A code of the time step before or after the server's is accepted too (clocks
  drift), but never one of a step at or before the last accepted one, so a code seen over
  someone's shoulder cannot be used again, nor an older one.
* The shared secret is stored encrypted (Fernet: AES-128-CBC with an HMAC-SHA256), with a key
  derived from ``SECRET_KEY`` by HKDF (:mod:`quiz.store.secrets_at_rest`), so a copy of the
  database alone does not give the codes. Changing ``SECRET_KEY`` makes the stored secrets
  unreadable: admins then sign in with a recovery code and set two-factor up again.
* Turning it on takes a current code for the new secret (so the app surely has it), ends
  the admin's other sessions (signed in with the password alone) and gives
  :data:`RECOVERY_CODE_COUNT` recovery codes, shown once. Only a salted SHA-256 of each is
  stored: they are random (about 59 bits), so a slow password hash would add nothing but
  seconds to every check. A recovery code signs in once, then it is gone. Making a new set
  takes a current code and replaces the old set.
* Turning it off takes the password and a current code (or a recovery code), and is refused
  while the site requires two-factor sign-in of every admin.
* The requirement is a site-wide setting; an admin may turn it on only with two-factor
  sign-in on for their own account, so nobody requires what they cannot do.

The services commit and record what they did in the audit log, never a secret or a code;
nothing is saved when they refuse.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from typing import Any

from sqlalchemy import func, select

from quiz.core.messages import N_
from quiz.db import db
from quiz.models import Admin, AdminTwoFactor, RecoveryCode, SiteSetting, new_session_nonce
from quiz.store import audit, secrets_at_rest

ISSUER = "Career Fit"
RECOVERY_CODE_COUNT = 10
# lower-case letters and digits a reader cannot mistake for one another: no 0/o, 1/l/i
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_GROUPS = 3
RECOVERY_GROUP_LENGTH = 4
# how many time steps before and after the server's own a code may be from
VALID_WINDOW = 1
REQUIRED_SETTING = "two_factor_required"

WRONG_CODE = N_("That code is not right, or it was used already. Type the code your app shows now.")
WRONG_PASSWORD = N_("That is not your password, so two-factor sign-in stays on.")
STILL_REQUIRED = N_("Two-factor sign-in is required for every admin, so it can't be turned off.")
OWN_FIRST = N_(
    "Turn on two-factor sign-in for your own account first, then require it of everyone."
)
ALREADY_ON = N_("Two-factor sign-in is already on for your account.")


class TwoFactorRefused(Exception):
    """A step the rules refuse: ``reason`` (marked ``N_``) filled with ``values``.

    ``field`` names the form field the reason is about ("code", "password") or is empty.
    """

    def __init__(self, reason: str, field: str = "", **values: Any):
        super().__init__(reason % values)
        self.reason = reason
        self.field = field
        self.values = values


# ---------------------------------------------------------------- the secret


def encrypt_secret(secret: str) -> str:
    return secrets_at_rest.encrypt(secret, secrets_at_rest.TWO_FACTOR)


def decrypt_secret(token: str) -> str | None:
    """Return the secret ``token`` holds, or None when it was made with another ``SECRET_KEY``."""
    return secrets_at_rest.decrypt(token, secrets_at_rest.TWO_FACTOR)


def new_secret() -> str:
    """Draw a new shared secret (160 bits, base32 as authenticator apps take it)."""
    import pyotp  # only where two-factor is used, not in every worker (docs/performance.md)

    return pyotp.random_base32(32)


def provisioning_uri(secret: str, email: str) -> str:
    """The ``otpauth://`` address a QR code carries for an authenticator app to add."""
    import pyotp

    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def _matching_step(secret: str, code: str, after: int, now: float | None) -> int | None:
    """Return the time step whose code ``code`` is, within the window and after ``after``."""
    digits = "".join(code.split())
    if len(digits) != 6 or not digits.isdigit():
        return None
    import pyotp

    totp = pyotp.TOTP(secret)
    current = totp.timecode(int(time.time() if now is None else now))
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if step > after and hmac.compare_digest(totp.generate_otp(step), digits):
            return step
    return None


# ---------------------------------------------------------------- recovery codes


def new_recovery_code() -> str:
    """Draw a recovery code like ``abcd-efgh-jkmn``."""
    groups = (
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_GROUP_LENGTH))
        for _ in range(RECOVERY_GROUPS)
    )
    return "-".join(groups)


def _normalized(code: str) -> str:
    # typed with or without the dashes, in either case, with spaces
    return "".join(ch for ch in code.lower() if ch.isalnum())


def _hash_recovery_code(code: str, salt: str | None = None) -> str:
    salt = salt or secrets.token_hex(8)
    digest = hashlib.sha256(f"{salt}:{_normalized(code)}".encode()).hexdigest()
    return f"{salt}${digest}"


def _recovery_code_matches(code: str, stored: str) -> bool:
    salt, _, _digest = stored.partition("$")
    return hmac.compare_digest(_hash_recovery_code(code, salt), stored)


def _replace_recovery_codes(admin: Admin) -> list[str]:
    codes = [new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    admin.recovery_codes[:] = [RecoveryCode(code_hash=_hash_recovery_code(c)) for c in codes]
    return codes


# ---------------------------------------------------------------- the admin's own settings


def is_on(admin: Admin) -> bool:
    """Whether ``admin`` signs in with a second factor."""
    return admin.two_factor is not None


def recovery_codes_left(admin: Admin) -> int:
    return len(admin.recovery_codes)


def turn_on(admin: Admin, secret: str, code: str, now: float | None = None) -> list[str]:
    """Turn two-factor sign-in on with ``secret`` once ``code`` proves the app has it.

    Every session signed in before, with the password alone, ends (a new session nonce):
    the caller signs the session that asked in again. Returns the new recovery codes: the
    only time they are seen in plain text.
    """
    if is_on(admin):
        raise TwoFactorRefused(ALREADY_ON)
    step = _matching_step(secret, code, after=-1, now=now)
    if step is None:
        raise TwoFactorRefused(WRONG_CODE, "code")
    admin.two_factor = AdminTwoFactor(secret_encrypted=encrypt_secret(secret), last_used_step=step)
    codes = _replace_recovery_codes(admin)
    audit.record("turn on two-factor", admin.email, actor=admin.email)
    admin.session_nonce = new_session_nonce()
    db.session.commit()
    return codes


def turn_off(admin: Admin, password: str, code: str, now: float | None = None) -> None:
    """Turn two-factor sign-in off, with the password and a current or recovery code."""
    if is_required():
        raise TwoFactorRefused(STILL_REQUIRED)
    if not admin.check_password(password):
        raise TwoFactorRefused(WRONG_PASSWORD, "password")
    if check_code(admin, code, now=now, commit=False) is None:
        db.session.rollback()
        raise TwoFactorRefused(WRONG_CODE, "code")
    admin.two_factor = None
    admin.recovery_codes[:] = []
    audit.record("turn off two-factor", admin.email, actor=admin.email)
    db.session.commit()


def reset(admin: Admin, actor: str) -> bool:
    """Take two-factor sign-in off ``admin``'s account for them; say if it was on.

    For an admin who lost both their app and their recovery codes: whoever runs the site
    (the command line) clears it, and the admin sets it up again at their next sign-in when
    the site requires it. Every session of theirs ends, so only a fresh sign-in gets in.
    """
    if admin.two_factor is None and not admin.recovery_codes:
        return False
    admin.two_factor = None
    admin.recovery_codes[:] = []
    admin.session_nonce = new_session_nonce()
    audit.record("reset two-factor", admin.email, actor=actor)
    db.session.commit()
    return True


def regenerate_recovery_codes(admin: Admin, code: str, now: float | None = None) -> list[str]:
    """Replace the admin's recovery codes with new ones, once a current app code is given."""
    if not _check_app_code(admin, code, now):
        raise TwoFactorRefused(WRONG_CODE, "code")
    codes = _replace_recovery_codes(admin)
    audit.record("new recovery codes", admin.email, actor=admin.email)
    db.session.commit()
    return codes


def _check_app_code(admin: Admin, code: str, now: float | None) -> bool:
    """Accept a code from the app once, remembering its time step; the caller commits."""
    factor = admin.two_factor
    if factor is None:
        return False
    secret = decrypt_secret(factor.secret_encrypted)
    if secret is None:
        return False
    step = _matching_step(secret, code, after=factor.last_used_step, now=now)
    if step is None:
        return False
    factor.last_used_step = step
    return True


def check_code(
    admin: Admin, code: str, now: float | None = None, commit: bool = True
) -> str | None:
    """Check a code given at sign-in: "app" or "recovery" for the kind accepted, else None.

    A code from the app is accepted once (its time step is remembered); a recovery code is
    deleted as it is used, and its use recorded in the audit log.
    """
    if _check_app_code(admin, code, now):
        kind: str | None = "app"
    else:
        kind = None
        typed = _normalized(code)
        if len(typed) == RECOVERY_GROUPS * RECOVERY_GROUP_LENGTH:
            for stored in list(admin.recovery_codes):
                if _recovery_code_matches(typed, stored.code_hash):
                    admin.recovery_codes.remove(stored)
                    audit.record(
                        "use recovery code",
                        admin.email,
                        detail=f"{len(admin.recovery_codes)} left",
                        actor=admin.email,
                    )
                    kind = "recovery"
                    break
    if commit and kind is not None:
        db.session.commit()
    return kind


# ---------------------------------------------------------------- the site-wide requirement


def is_required() -> bool:
    """Whether every admin must sign in with a second factor."""
    setting = db.session.get(SiteSetting, REQUIRED_SETTING)
    return setting is not None and setting.value == "yes"


def set_required(required: bool, actor: Admin) -> bool:
    """Require (or stop requiring) two-factor sign-in of every admin; say if anything changed.

    Only an admin with two-factor sign-in on may turn the requirement on.
    """
    if required == is_required():
        return False
    if required and not is_on(actor):
        raise TwoFactorRefused(OWN_FIRST)
    setting = db.session.get(SiteSetting, REQUIRED_SETTING)
    if setting is None:
        setting = SiteSetting(name=REQUIRED_SETTING, value="no")
        db.session.add(setting)
    setting.value = "yes" if required else "no"
    action = "require two-factor" if required else "stop requiring two-factor"
    audit.record(action, "every admin", actor=actor.email)
    db.session.commit()
    return True


def admins_without_two_factor() -> int:
    """Count the admins who have not turned two-factor sign-in on."""
    query = select(func.count(Admin.id)).where(~Admin.two_factor.has())
    return db.session.scalar(query) or 0
