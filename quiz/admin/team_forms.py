"""The team page's forms: inviting a colleague, changing a role, removing an admin, and the
invitation page's password form."""

from __future__ import annotations

from flask_babel import gettext
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from quiz.admin.account_forms import MAX_PASSWORD_LENGTH, TOO_LONG, TOO_SHORT
from quiz.core.admin_roles import ROLE_NAMES, ROLES
from quiz.store.admins import MIN_PASSWORD_LENGTH
from quiz.web.i18n import lazy_gettext as _l


def role_choices() -> list[tuple[str, str]]:
    """The roles to choose from, most powerful last, in the reader's language."""
    return [(role, gettext(ROLE_NAMES[role])) for role in ROLES]


def role_field(label: str) -> SelectField:
    # choices set per form, in the request's language; a value not among them is refused
    return SelectField(label, choices=[], validate_choice=True)


class InviteForm(FlaskForm):
    """An email address to invite and the role to give."""

    email = EmailField(
        _l("Email address"),
        filters=[lambda text: text.strip().lower() if isinstance(text, str) else text],
        validators=[
            DataRequired(_l("Type the email address of the person to invite.")),
            Length(max=254, message=TOO_LONG),
            Regexp(r"^[^@\s]+@[^@\s]+$", message=_l("Type a whole email address, with an @.")),
        ],
        render_kw={"autocomplete": "off"},
    )
    role = role_field(_l("Role"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()
        if not self.is_submitted():
            self.role.data = "viewer"


class RoleForm(FlaskForm):
    """Another role for one admin."""

    role = role_field(_l("Role"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = role_choices()


class ConfirmForm(FlaskForm):
    """A button and its CSRF token: removing an admin, withdrawing an invitation."""


class NewPasswordForm(FlaskForm):
    """A new password, twice: the invitation page's form."""

    new_password = PasswordField(
        _l("Password"),
        description=_l(
            "At least %(min)d characters, and not one of the passwords people use most.",
            min=MIN_PASSWORD_LENGTH,
        ),
        validators=[
            DataRequired(_l("Type a password.")),
            Length(min=MIN_PASSWORD_LENGTH, message=TOO_SHORT),
            Length(max=MAX_PASSWORD_LENGTH, message=TOO_LONG),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    repeat_password = PasswordField(
        _l("Password again"),
        validators=[
            DataRequired(_l("Type the password a second time.")),
            EqualTo(
                "new_password",
                message=_l("The two passwords are not the same. Type the same one twice."),
            ),
        ],
        render_kw={"autocomplete": "new-password"},
    )
