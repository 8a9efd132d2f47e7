"""Copies of one quiz run that each finish anew: the benchmark chose the app's SECRET_KEY.

The app stores one result per quiz run (the run's one-time finish id, kept in the session
cookie), so sending the last page again with the same cookie reads the stored row back
instead of storing one. A load test that means to measure real submissions re-signs the
walked session with a fresh finish id per request.
"""

from __future__ import annotations

import secrets

from flask import Flask
from flask.sessions import SecureCookieSessionInterface


class NoFinishId(Exception):
    """The walked session holds no quiz progress with a finish id."""


class SessionSigner:
    """Read and write the app's session cookie with the SECRET_KEY the benchmark gave it."""

    def __init__(self, secret_key: str):
        app = Flask(__name__)
        app.secret_key = secret_key
        serializer = SecureCookieSessionInterface().get_signing_serializer(app)
        assert serializer is not None
        self.serializer = serializer

    def read(self, cookie: str) -> dict[str, object]:
        return dict(self.serializer.loads(cookie))

    def write(self, session: dict[str, object]) -> str:
        return str(self.serializer.dumps(session))

    def fresh_runs(self, cookie: str, count: int) -> list[str]:
        """Return ``count`` session cookies like ``cookie``, each with a finish id of its own."""
        session = self.read(cookie)
        progress = session.get("quiz")
        if not isinstance(progress, dict) or "finish" not in progress:
            raise NoFinishId(f"the quiz's session holds no progress with a finish id: {session!r}")
        return [
            self.write({**session, "quiz": {**progress, "finish": secrets.token_urlsafe(16)}})
            for _ in range(count)
        ]


def cookie_value(cookies: str, name: str = "session") -> str | None:
    """Return the value of cookie ``name`` in a Cookie header, or None."""
    for part in cookies.split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    return None
