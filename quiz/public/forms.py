"""Forms of the public pages that are not quiz pages."""

from __future__ import annotations

from collections.abc import Iterable

from flask_wtf import FlaskForm
from wtforms import Field, RadioField, StringField, SubmitField
from wtforms.validators import AnyOf, InputRequired, ValidationError

from quiz.core.bank import BankRole
from quiz.store.self_reports import MOST_YEARS
from quiz.web.i18n import lazy_gettext as _l
from quiz.web.self_reports import work_choices


class DeleteResultForm(FlaskForm):
    submit = SubmitField(_l("Delete my result"))


YEARS_RULE = _l(
    "Give the years as a whole number from 0 to %(most)s, or leave it empty.", most=MOST_YEARS
)


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class WorkNowForm(FlaskForm):
    """What the taker does now, and for how long: optional, never scored."""

    work_now = RadioField(
        _l("What describes your work now?"),
        validate_choice=False,  # AnyOf says it in words of our own
        validators=[InputRequired(message=_l("Choose what describes your work now."))],
    )
    work_years = StringField(_l("Years in that work"), filters=[_strip])
    save = SubmitField(_l("Save my answer"))

    def __init__(self, roles: Iterable[BankRole], **kwargs: object) -> None:
        super().__init__(**kwargs)
        choices = work_choices(roles)
        self.work_now.choices = choices
        self.work_now.validators = [
            *self.work_now.validators,
            AnyOf(
                [choice.value for choice in choices],
                message=_l("That is not one of the choices. Please choose one of them."),
            ),
        ]

    def validate_work_years(self, field: Field) -> None:
        given = field.data
        # two digits at most: "60" is the most there is, and int() of a long string is slow
        if given and not (len(given) <= 2 and given.isdecimal() and int(given) <= MOST_YEARS):
            raise ValidationError(str(YEARS_RULE))

    def years(self) -> int | None:
        """Return the years given, None when left empty."""
        return int(self.work_years.data) if self.work_years.data else None


class WithdrawWorkNowForm(FlaskForm):
    submit = SubmitField(_l("Remove my answer"))
