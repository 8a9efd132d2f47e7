"""Template filters that say numbers, times and days the way people read them."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import Flask


def register(app: Flask) -> None:
    app.add_template_filter(format_utc, "utc")
    app.add_template_filter(format_duration, "duration")
    app.add_template_filter(format_day, "day")


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
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


def format_day(day: date) -> str:
    return f"{day:%-d %b %Y}"
