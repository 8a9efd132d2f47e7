"""The group pages' forms: a new group, giving a group to an admin, and the buttons that
close, reopen or delete one."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields import DateField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from quiz.store.groups import MAX_NAME_LENGTH
from quiz.web.i18n import lazy_gettext as _l


class NewGroupForm(FlaskForm):
    """A group's name and, if it should close by itself, the last day it takes people."""

    name = StringField(
        _l("Name"),
        description=_l("The people who join see it, such as “Bootcamp spring 2027”."),
        filters=[lambda text: text.strip() if isinstance(text, str) else text],
        validators=[
            DataRequired(_l("Give the group a name.")),
            Length(
                max=MAX_NAME_LENGTH,
                message=_l("Keep the name to %(most)s characters.", most=MAX_NAME_LENGTH),
            ),
        ],
    )
    closes_on = DateField(
        _l("Last day to join (optional)"),
        description=_l("After this day (UTC) the link says the group is closed."),
        validators=[Optional()],
    )

    def validate_closes_on(self, field: DateField) -> None:
        if field.data is not None and field.data < datetime.now(UTC).date():
            raise ValidationError(_l("Choose today or a later day."))


def owner_field(label: str) -> SelectField:
    """The admin a group belongs to, among the choices the view sets (every admin's id)."""
    return SelectField(
        label,
        coerce=int,
        description=_l("They see and manage the group, whatever their role."),
        validate_choice=True,
    )


class NewGroupFormWithOwner(NewGroupForm):
    """A new group as an owner or editor makes it: they also choose whose it is."""

    owner = owner_field(_l("Belongs to"))


class GiveGroupForm(FlaskForm):
    """Give a group to another admin (owners and editors)."""

    owner = owner_field(_l("Give the group to"))


class GroupActionForm(FlaskForm):
    """A button and its CSRF token: closing, reopening or deleting a group."""
