"""Secrets the site must read back (to sign or to check a code), stored encrypted at rest.

A hash would not do: the site needs the secret itself. So it is encrypted with Fernet
(AES-128-CBC with an HMAC-SHA256) under a key derived from ``SECRET_KEY`` by HKDF, never
``SECRET_KEY`` as it is, and a copy of the database alone gives none of them. Each kind of
secret names its own ``purpose``, HKDF's *info*, so each kind has a key of its own: a
token of one kind never decrypts as another. Changing ``SECRET_KEY`` makes every stored
secret unreadable; :func:`decrypt` then returns None and the caller says what to do.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

from flask import current_app

if TYPE_CHECKING:
    from cryptography.fernet import Fernet

TWO_FACTOR = b"career-fit two-factor secrets"
WEBHOOK_SIGNING = b"career-fit webhook signing secrets"


def _fernet(purpose: bytes, secret_key: str | None) -> Fernet:
    """The cipher for ``purpose``, keyed by ``secret_key`` (unless given, the app's)."""
    # cryptography only where a secret is used, not in every worker (docs/performance.md)
    from cryptography.fernet import Fernet
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    key = str(current_app.secret_key) if secret_key is None else secret_key
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(
        key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def encrypt(plain: str, purpose: bytes, secret_key: str | None = None) -> str:
    """Return ``plain`` encrypted for ``purpose``, as text a column can hold.

    ``secret_key`` is for code that runs outside a request's app, such as a migration.
    """
    return _fernet(purpose, secret_key).encrypt(plain.encode()).decode()


def decrypt(token: str, purpose: bytes, secret_key: str | None = None) -> str | None:
    """Return the secret ``token`` holds, or None when it was made with another key."""
    from cryptography.fernet import InvalidToken

    try:
        return _fernet(purpose, secret_key).decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        return None
