"""The analytics filter: which version, which days, careless answers in or out."""

from __future__ import annotations

from datetime import date, timedelta

from wtforms import Form, SelectField
from wtforms.fields import DateField, SelectChoice
from wtforms.validators import Optional, ValidationError

from quiz.analytics import ResultFilter, today

DEFAULT_DAYS = 30
# one bar per day: a longer range would make the chart unreadable
MOST_DAYS = 366
EARLIEST_DAY = date(2000, 1, 1)
ALL_VERSIONS = ""


class AnalyticsFilterForm(Form):
    """Read from the query string: filtering changes nothing, so it needs no CSRF token."""

    version = SelectField("Quiz version", default=ALL_VERSIONS)
    first_day = DateField("From", validators=[Optional()])
    last_day = DateField("To", validators=[Optional()])
    careless = SelectField(
        "Careless answers",
        choices=[SelectChoice("include", "Included"), SelectChoice("exclude", "Left out")],
        default="include",
    )

    def __init__(self, formdata: object, version_numbers: list[int]) -> None:
        super().__init__(formdata)
        self.version.choices = [SelectChoice(ALL_VERSIONS, "All versions")] + [
            SelectChoice(str(n), f"Version {n}") for n in version_numbers
        ]

    def validate_first_day(self, field: DateField) -> None:
        if field.data is not None and field.data < EARLIEST_DAY:
            raise ValidationError(f"Choose a day from {EARLIEST_DAY:%-d %B %Y} on.")

    def validate_last_day(self, field: DateField) -> None:
        if field.data is not None and field.data < EARLIEST_DAY:
            raise ValidationError(f"Choose a day from {EARLIEST_DAY:%-d %B %Y} on.")
        first, last = self.days()
        if last > today() + timedelta(days=1):
            raise ValidationError("Choose a day no later than today.")
        if last < first:
            raise ValidationError("The last day comes before the first day.")
        if (last - first).days + 1 > MOST_DAYS:
            raise ValidationError(f"Choose at most {MOST_DAYS} days.")

    def days(self) -> tuple[date, date]:
        """Return the chosen days, the last 30 days when none are given."""
        last = self.last_day.data or today()
        first = self.first_day.data or max(last, EARLIEST_DAY) - timedelta(days=DEFAULT_DAYS - 1)
        return first, last

    def version_number(self) -> int | None:
        return int(self.version.data) if self.version.data else None

    def result_filter(self, version_id: int | None) -> ResultFilter:
        first, last = self.days()
        return ResultFilter(
            version_id=version_id,
            first_day=first,
            last_day=last,
            include_careless=self.careless.data != "exclude",
        )
