"""Forms of the group pages: the short code on the landing page, and joining a group."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField
from wtforms.fields import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length

from quiz.store.groups import MAX_DISPLAY_NAME_LENGTH
from quiz.web.i18n import lazy_gettext as _l


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class GroupCodeForm(FlaskForm):
    """The short code a person was given, typed on the landing page.

    Without a CSRF token, on purpose: the lookup changes nothing (it only redirects to the
    join page, whose own form carries a token), and a token would give every visitor of the
    landing page a session cookie, which the page has never set.
    """

    class Meta:
        csrf = False

    code = StringField(
        _l("Group code"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Type the code you were given.")),
            Length(max=20, message=_l("A group code has 8 characters.")),
        ],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )


class JoinGroupForm(FlaskForm):
    """A name to show the group's owner (optional), whether they may open the result, and
    which quiz to take."""

    display_name = StringField(
        _l("Your name for this group (optional)"),
        filters=[_strip],
        validators=[
            Length(
                max=MAX_DISPLAY_NAME_LENGTH,
                message=_l("Keep the name to %(most)s characters.", most=MAX_DISPLAY_NAME_LENGTH),
            )
        ],
        render_kw={"autocomplete": "off"},
    )
    shares_result = BooleanField(_l("Let the group's owner open my whole result page"))
    mode = RadioField(
        _l("Which quiz"),
        choices=[
            SelectChoice("full", _l("The full quiz")),
            SelectChoice("quick", _l("The quick quiz")),
        ],
        validate_choice=False,  # AnyOf says it in words of our own
        default="full",
        validators=[AnyOf(["full", "quick"], message=_l("Choose the full or the quick quiz."))],
    )
