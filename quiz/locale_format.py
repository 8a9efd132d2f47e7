"""Say things in the visitor's language: the dates pages show, and messages kept in English.

A message that a module keeps as an English constant (a test or another module compares
against it) is marked with :func:`N_` where it is written, so ``pybabel extract`` finds it
(N_ is one of Babel's default keywords), and put into the visitor's language with
``gettext`` where it is shown.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from flask_babel import format_date

from quiz.i18n import current_language

# English as this site has always written it; other languages use their own long form
DATE_PATTERNS = {"en": "d MMMM y"}


def register(app: Flask) -> None:
    app.add_template_filter(local_date, "local_date")


def local_date(moment: date | datetime) -> str:
    """Say a day as the page's language writes it: "26 November 2026", "26. November 2026"."""
    return format_date(moment, DATE_PATTERNS.get(current_language(), "long"))
