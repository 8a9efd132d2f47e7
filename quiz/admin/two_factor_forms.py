"""The forms of two-factor sign-in: a code, turning it off, new recovery codes, the requirement."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from quiz.admin.account_forms import MAX_PASSWORD_LENGTH, TOO_LONG
from quiz.web.i18n import lazy_gettext as _l

# room for a recovery code typed with spaces; longer is no code at all
MAX_CODE_LENGTH = 40


def code_field(
    label: str, description: str = "", id: str | None = None, digits_only: bool = False
) -> StringField:
    """A code from the app, or a recovery code unless ``digits_only``; ``id`` tells apart two
    on one page. A phone shows its number pad for a field that takes digits only."""
    render_kw = {"autocomplete": "one-time-code", "spellcheck": "false"}
    if digits_only:
        render_kw["inputmode"] = "numeric"
    return StringField(
        label,
        id=id,
        description=description,
        validators=[
            DataRequired(_l("Type the code.")),
            Length(max=MAX_CODE_LENGTH, message=TOO_LONG),
        ],
        render_kw=render_kw,
    )


class ConfirmForm(FlaskForm):
    """The first code from the app, proving it has the new secret."""

    code = code_field(
        _l("Code from your app"), _l("6 digits; a new one every 30 seconds."), digits_only=True
    )


class SignInCodeForm(FlaskForm):
    """The second step of signing in: a code from the app, or a recovery code."""

    code = code_field(
        _l("Code"),
        _l("The 6 digits your authenticator app shows now, or one of your recovery codes."),
    )


class TurnOffForm(FlaskForm):
    """The password and a current code, so an open session alone can't turn it off."""

    password = PasswordField(
        _l("Password"),
        id="off-password",
        validators=[
            DataRequired(_l("Type your password.")),
            Length(max=MAX_PASSWORD_LENGTH, message=TOO_LONG),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    code = code_field(_l("Code from your app"), _l("Or one of your recovery codes."), "off-code")


class RecoveryCodesForm(FlaskForm):
    """A current code from the app, for a new set of recovery codes."""

    code = code_field(_l("Code from your app"), id="codes-code", digits_only=True)


class RequireForm(FlaskForm):
    """Whether every admin must sign in with a second factor."""

    required = BooleanField(_l("Require two-factor sign-in of every admin"))
