"""Forms for editing questions: their key and text, their options, and the weights matrix.

Every form that changes a question carries the ``revision`` the admin saw, so the view can
refuse a save made from a copy someone else has changed since (see
:func:`quiz.store.editing.check_revision`).
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, ValidationError
from wtforms.widgets import TextInput

from quiz.admin.plain_text import plain_text
from quiz.admin.unique_key import unique_key
from quiz.core.bank import (
    KEY_PATTERN,
    LIKERT_SCALE,
    TEXT_LIMIT,
)
from quiz.models import Question
from quiz.web.i18n import lazy_gettext as _l

KIND_LABELS = {
    "likert": _l("Agreement statement"),
    "choice": _l("Choice"),
}
KIND_CHOICES = [
    SelectChoice(
        "likert", _l("Agreement statement: people say how much they agree, on five steps")
    ),
    SelectChoice("choice", _l("Choice: people pick one of 2 to 6 options you write")),
]
KEY_RULE = _l(
    "Use 1 to 40 lowercase letters, digits or hyphens, starting with a letter or digit "
    "(for example q36)."
)
# Length fills in %(max)d
TEXT_RULE = _l("Keep it to %(max)d characters or fewer.")
LIKERT_LEVELS = [level for _key, _label, level in LIKERT_SCALE]
# Whole numbers as people type them; int() alone would also take "٣" or "1_0".
WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _text_rules(missing: str) -> list[Any]:
    return [DataRequired(message=missing), Length(max=TEXT_LIMIT, message=TEXT_RULE), plain_text]


class RevisionForm(FlaskForm):
    """A change to one question, made from the copy of it the admin saw."""

    revision = HiddenField()


class QuestionTextForm(FlaskForm):
    """A question's key and prompt; the key must be free unless it is this question's own."""

    # the question being edited, whose own key is not a clash; None while creating
    question_id: int | None = None

    key = StringField(
        _l("Key"),
        filters=[_strip],
        validators=[DataRequired(message=KEY_RULE), unique_key(Question, own_id="question_id")],
        description=_l("Identifies the question in stored answers: keep it once published."),
    )
    prompt = TextAreaField(
        _l("Question text"),
        filters=[_strip],
        validators=_text_rules(_l("Enter the question's text.")),
    )

    def validate_key(self, field: Field) -> None:
        if not KEY_PATTERN.fullmatch(field.data):
            raise ValidationError(KEY_RULE)


class WeightField(Field):
    """One cell of the weights matrix: a whole number within ``bounds``; blank means 0."""

    widget = TextInput()

    def __init__(self, label: str, bounds: tuple[int, int], **kwargs: Any):
        super().__init__(label, **kwargs)
        self.bounds = bounds

    def process_formdata(self, valuelist: list[str]) -> None:
        text = valuelist[0].strip() if valuelist else ""
        self.data = 0
        if not text:
            return
        low, high = self.bounds
        if not WHOLE_NUMBER.fullmatch(text) or not low <= int(text) <= high:
            raise ValueError(
                _("Enter a whole number from %(low)s to %(high)s.", low=low, high=high)
            )
        self.data = int(text)

    def _value(self) -> str:
        # show what was typed when it was refused, so the admin can see what to fix
        if self.raw_data:
            return str(self.raw_data[0])
        return str(self.data) if self.data else ""


class AddOptionForm(RevisionForm):
    label = StringField(
        _l("Text of the new option"),
        filters=[_strip],
        validators=_text_rules(_l("Enter the option's text.")),
    )


class MoveForm(FlaskForm):
    """Move something one place up or down; each direction is its own submit button."""

    # not rendered itself: the pressed button (name="direction", value up or down) fills it
    direction = HiddenField(validators=[AnyOf(("up", "down"))])


class MoveOptionForm(RevisionForm, MoveForm):
    pass
