"""Admin views: publishing."""

from __future__ import annotations

from quiz.admin import bp  # noqa: F401
