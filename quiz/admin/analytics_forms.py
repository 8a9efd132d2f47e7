"""The analytics filter: which version, which days, careless answers in or out, which quiz
mode, and what takers say they do now."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from flask_wtf.i18n import translations
from wtforms import Form, SelectField
from wtforms.fields import DateField, SelectChoice
from wtforms.validators import Optional, ValidationError

from quiz.core.adaptive import MODES
from quiz.core.bank import BankRole
from quiz.store.analytics import ResultFilter, today
from quiz.store.self_reports import NOT_ANSWERED
from quiz.web.i18n import lazy_gettext as _l
from quiz.web.self_reports import work_choices

DEFAULT_DAYS = 30
# one bar per day: a longer range would make the chart unreadable
MOST_DAYS = 366
EARLIEST_DAY = date(2000, 1, 1)
ALL_VERSIONS = ""
ANY = ""
MODE_NAMES = {"full": _l("Full quiz"), "quick": _l("Quick mode")}


class AnalyticsFilterForm(Form):
    """Read from the query string: filtering changes nothing, so it needs no CSRF token."""

    class Meta:
        def get_translations(self, form: Form) -> object:
            # WTForms' own messages ("Not a valid date value.") in the admin's language,
            # as Flask-WTF gives them to every FlaskForm
            return translations

    version = SelectField(_l("Quiz version"), default=ALL_VERSIONS)
    first_day = DateField(_l("From"), validators=[Optional()])
    last_day = DateField(_l("To"), validators=[Optional()])
    careless = SelectField(
        _l("Careless answers"),
        choices=[
            SelectChoice("include", _l("Included")),
            SelectChoice("exclude", _l("Left out")),
        ],
        default="include",
    )
    mode = SelectField(
        _l("Quiz mode"),
        choices=[SelectChoice(ANY, _l("Both")), *(SelectChoice(m, MODE_NAMES[m]) for m in MODES)],
        default=ANY,
    )
    work_now = SelectField(_l("Says they work as"), default=ANY)

    def __init__(
        self, formdata: object, version_numbers: list[int], roles: Iterable[BankRole] = ()
    ) -> None:
        """Offer ``version_numbers``, and ``roles`` (a version's) as answers to filter by."""
        super().__init__(formdata)
        self.version.choices = [SelectChoice(ALL_VERSIONS, _("All versions"))] + [
            SelectChoice(str(n), _("Version %(number)s", number=n)) for n in version_numbers
        ]
        self.work_now.choices = [
            SelectChoice(ANY, _("Any answer, or none")),
            SelectChoice(NOT_ANSWERED, _("Not answered")),
            *work_choices(roles),
        ]

    def validate_first_day(self, field: DateField) -> None:
        if field.data is not None and field.data < EARLIEST_DAY:
            raise ValidationError(_too_early())

    def validate_last_day(self, field: DateField) -> None:
        if field.data is not None and field.data < EARLIEST_DAY:
            raise ValidationError(_too_early())
        first, last = self.days()
        if last > today() + timedelta(days=1):
            raise ValidationError(_("Choose a day no later than today."))
        if last < first:
            raise ValidationError(_("The last day comes before the first day."))
        if (last - first).days + 1 > MOST_DAYS:
            raise ValidationError(_("Choose at most %(days)s days.", days=MOST_DAYS))

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
            mode=self.mode.data or None,
            work_now=self.work_now.data or None,
        )


def _too_early() -> str:
    # a CLDR date pattern, translated like any text (d: day, MMMM: month name, y: year)
    earliest = format_date(EARLIEST_DAY, _("d MMMM y"))
    return _("Choose a day from %(day)s on.", day=earliest)
