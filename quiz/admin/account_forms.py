"""The form an admin changes their own password with."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from quiz.store.admins import MIN_PASSWORD_LENGTH
from quiz.web.i18n import lazy_gettext as _l

# longer than any password a person types, short enough that hashing it costs nothing
MAX_PASSWORD_LENGTH = 1024
# Length fills in %(min)d, %(max)d and %(length)d
TOO_SHORT = _l("Use at least %(min)d characters (this has %(length)d).")
TOO_LONG = _l("Keep this to at most %(max)d characters (it has %(length)d).")


class PasswordForm(FlaskForm):
    """The current password, and the new one twice; the store checks the current one."""

    current_password = PasswordField(
        _l("Current password"),
        validators=[
            DataRequired(_l("Type your current password.")),
            Length(max=MAX_PASSWORD_LENGTH, message=TOO_LONG),
        ],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("New password"),
        description=_l("At least %(min)d characters.", min=MIN_PASSWORD_LENGTH),
        validators=[
            DataRequired(_l("Type a new password.")),
            Length(min=MIN_PASSWORD_LENGTH, message=TOO_SHORT),
            Length(max=MAX_PASSWORD_LENGTH, message=TOO_LONG),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    repeat_password = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(_l("Type the new password a second time.")),
            EqualTo(
                "new_password",
                message=_l("The two new passwords are not the same. Type the same one twice."),
            ),
        ],
        render_kw={"autocomplete": "new-password"},
    )
