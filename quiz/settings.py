"""Configuration: defaults, then instance/config.py, then the environment, then the caller."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

ENVIRONMENT_KEYS = ("SECRET_KEY", "RATELIMIT_STORAGE_URI")


def configure(app: Flask, overrides: dict[str, Any] | None) -> None:
    """Load settings into ``app.config`` and fill in the embedded SQLite defaults."""
    instance = Path(app.instance_path)
    app.config.from_mapping(
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{instance / 'career_fit.sqlite3'}",
        SEED_ON_START=True,
        # Answers live in the signed session cookie while a person takes the quiz.
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        MAX_CONTENT_LENGTH=64 * 1024,
        WTF_CSRF_TIME_LIMIT=None,
        QUESTIONS_PER_PAGE=6,
        RATELIMIT_STORAGE_URI="memory://",
        RATELIMIT_HEADERS_ENABLED=True,
        # failed sign-ins only; a successful one never counts
        ADMIN_SIGN_IN_LIMIT_PER_ADDRESS="20 per 10 minutes",
        ADMIN_SIGN_IN_LIMIT_PER_ACCOUNT="5 per 10 minutes",
    )
    app.config.from_pyfile("config.py", silent=True)
    # every setting a deployment changes can come from the environment
    for key in ENVIRONMENT_KEYS:
        if os.environ.get(key):
            app.config[key] = os.environ[key]
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if overrides:
        app.config.from_mapping(overrides)

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        instance.mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _local_secret_key(app, instance)


def _local_secret_key(app: Flask, instance: Path) -> str:
    """Use a per-install key kept in instance/ for the embedded setup; refuse elsewhere."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if not (app.testing or app.debug or uri.startswith("sqlite:")):
        raise RuntimeError(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
            "to a long random value, for example the output of: "
            "python -c 'import secrets; print(secrets.token_hex(32))'"
        )
    key_file = instance / "secret_key"
    if not key_file.exists():
        instance.mkdir(parents=True, exist_ok=True)
        # exclusive create: two workers starting together must agree on one key
        try:
            with open(key_file, "x", encoding="ascii") as handle:
                handle.write(secrets.token_hex(32))
            key_file.chmod(0o600)
        except FileExistsError:
            pass
    return key_file.read_text(encoding="ascii").strip()
