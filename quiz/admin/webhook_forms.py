"""The webhooks page's forms: registering an endpoint, and the buttons that only confirm."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, URLField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from quiz.core.webhook_urls import MAX_URL_LENGTH
from quiz.store.webhooks import EVENTS
from quiz.web.i18n import lazy_gettext as _l

# what each event is, as the page says it; the names themselves are what receivers see
EVENT_DESCRIPTIONS = {
    "result.created": _l("A taker finished the quiz and their result was stored"),
    "result.deleted": _l("A taker deleted their result"),
    "group.member_finished": _l("A member of a group finished the quiz"),
    "webhook.test": _l("A test event sent from this page"),
}


class EndpointForm(FlaskForm):
    """An https:// address and the events to send to it (every event when none is ticked)."""

    url = URLField(
        _l("Address (https://)"),
        filters=[lambda text: text.strip() if isinstance(text, str) else text],
        description=_l(
            "Where to send the events, such as https://example.com/hooks/career-fit. "
            "Only https:// addresses are taken."
        ),
        validators=[
            DataRequired(_l("Type the address to send events to.")),
            Length(max=MAX_URL_LENGTH, message=_l("At most 500 characters.")),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    events = SelectMultipleField(
        _l("Events"),
        description=_l("Leave every box empty to send every event."),
        choices=[SelectChoice(event, event) for event in EVENTS],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        validate_choice=True,
    )


class ConfirmForm(FlaskForm):
    """A button and its CSRF token: a test event, sending again, removing an endpoint."""
