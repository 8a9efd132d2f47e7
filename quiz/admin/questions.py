"""Admin views: questions."""

from __future__ import annotations

from quiz.admin import bp  # noqa: F401
