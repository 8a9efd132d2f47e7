"""Template filters that say numbers, times and days the way people read them, in their language."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import Flask
from flask_babel import format_date, format_decimal, format_percent
from flask_babel import gettext as _

from quiz.web.i18n import current_language

# English as this site has always written it; other languages use their own long form
DATE_PATTERNS = {"en": "d MMMM y"}


def register(app: Flask) -> None:
    app.add_template_filter(format_utc, "utc")
    app.add_template_filter(format_duration, "duration")
    app.add_template_filter(format_day, "day")
    app.add_template_filter(format_number, "number")
    app.add_template_filter(format_share, "share")
    app.add_template_filter(local_date, "local_date")


def format_utc(moment: datetime) -> str:
    """Format a stored time in UTC (SQLite hands times back without their zone, in UTC)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def format_duration(seconds: float | None) -> str:
    """Say a number of seconds as minutes and seconds."""
    if seconds is None:
        return "—"
    minutes, rest = divmod(round(seconds), 60)
    if minutes:
        return _("%(minutes)s min %(seconds)s s", minutes=minutes, seconds=rest)
    return _("%(seconds)s s", seconds=rest)


def format_day(day: date) -> str:
    """Say a day with its month's short name: 5 Jan 2026, in German 5. Jan. 2026."""
    # a CLDR date pattern, translated like any text (d: day, MMM: short month name, y: year)
    return format_date(day, _("d MMM y"))


def format_number(value: float, places: int | None = None) -> str:
    """Say a number with the reader's separators: 12,345.67 in English, 12.345,67 in German.

    With ``places``, always that many decimal places; without, as many as it needs (up to 3).
    """
    if places is None:
        return format_decimal(value)
    return format_decimal(value, format="#,##0" + ("." + "0" * places if places else ""))


def format_share(fraction: float) -> str:
    """Say a fraction as a percentage to one decimal place: 12.5% in English, 12,5 % in German."""
    return format_percent(fraction, format="#,##0.0%")


def local_date(moment: date | datetime) -> str:
    """Say a day as the page's language writes it: "26 November 2026", "26. November 2026"."""
    return format_date(moment, DATE_PATTERNS.get(current_language(), "long"))
