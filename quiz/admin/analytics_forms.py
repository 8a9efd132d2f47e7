"""The results filter: which version, which days, careless answers in or out, which quiz
mode, and what takers say they do now. The analytics page, its CSV download and a group's
CSV download all read it from the query string with :func:`filter_from_query`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from flask_wtf.i18n import translations
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from wtforms import Form, SelectField
from wtforms.fields import DateField, SelectChoice
from wtforms.validators import Optional, ValidationError

from quiz.core.adaptive import MODES
from quiz.core.bank import BankRole
from quiz.db import db
from quiz.models import QuizVersion
from quiz.store.analytics import ResultFilter, today
from quiz.store.self_reports import NOT_ANSWERED
from quiz.web.banks import shown_bank
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
    """Read from the query string: filtering changes nothing, so it needs no CSRF token.

    With ``chart_days`` (the analytics page and its download) the days make a chart: at most
    MOST_DAYS of them, the last DEFAULT_DAYS when none are given. Without (a group's
    download) there is no chart to fit: no first day means every day up to the last.
    """

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
        self,
        formdata: object,
        version_numbers: list[int],
        roles: Iterable[BankRole] = (),
        *,
        chart_days: bool = True,
    ) -> None:
        """Offer ``version_numbers``, and ``roles`` (a version's) as answers to filter by."""
        super().__init__(formdata)
        self.chart_days = chart_days
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
        if self.chart_days and (last - first).days + 1 > MOST_DAYS:
            raise ValidationError(_("Choose at most %(days)s days.", days=MOST_DAYS))

    def days(self) -> tuple[date, date]:
        """Return the chosen days; without a first day, the 30 days up to the last (every
        day up to it when the days make no chart), and without a last day, up to today."""
        last = self.last_day.data or today()
        if self.first_day.data is not None:
            first = self.first_day.data
        elif self.chart_days:
            first = max(last, EARLIEST_DAY) - timedelta(days=DEFAULT_DAYS - 1)
        else:
            first = EARLIEST_DAY
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

    def file_name_parts(self) -> list[str]:
        """Name what was chosen, in words fit for a file name: days given, version, careless
        answers left out, mode and work (every value is a number, a date or a key)."""
        parts = []
        if self.first_day.data is not None or self.last_day.data is not None:
            first, last = self.days()
            parts.append(f"{first.isoformat()}-to-{last.isoformat()}")
        if self.version.data:
            parts.append(f"version-{self.version.data}")
        if self.careless.data == "exclude":
            parts.append("careful-only")
        if self.mode.data:
            parts.append(self.mode.data)
        if self.work_now.data:
            parts.append(f"works-as-{self.work_now.data}")
        return parts


def filter_from_query(
    args: MultiDict[str, str], *, chart_days: bool = True
) -> tuple[AnalyticsFilterForm, ResultFilter | None]:
    """Read the filter from the query string ``args``; the filter is None when it does not
    validate (the form then holds the messages)."""
    ids = _version_ids()
    form = AnalyticsFilterForm(
        args, list(ids), _roles_to_filter_by(args, ids), chart_days=chart_days
    )
    if not form.validate():
        return form, None
    number = form.version_number()
    return form, form.result_filter(ids[number] if number is not None else None)


def _version_ids() -> dict[int, int]:
    """Return every published version's id by its number, newest first."""
    rows = db.session.execute(
        select(QuizVersion.number, QuizVersion.id).order_by(QuizVersion.number.desc())
    )
    return dict(rows.all())


def _roles_to_filter_by(args: MultiDict[str, str], ids: dict[int, int]) -> list[BankRole]:
    """Return the roles a taker of the chosen version (else the latest) could say they work as."""
    chosen = args.get("version", "")
    version_id = ids.get(int(chosen)) if chosen.isdecimal() and len(chosen) < 10 else None
    version_id = version_id or next(iter(ids.values()), None)
    return list(shown_bank(version_id).roles) if version_id is not None else []


def _too_early() -> str:
    # a CLDR date pattern, translated like any text (d: day, MMMM: month name, y: year)
    earliest = format_date(EARLIEST_DAY, _("d MMMM y"))
    return _("Choose a day from %(day)s on.", day=earliest)
