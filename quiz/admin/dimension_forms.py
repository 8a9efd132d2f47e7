"""Forms for editing the skills and goals (dimensions) roles are profiled on."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, SelectField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, ValidationError

from quiz.admin.plain_text import plain_text
from quiz.admin.role_forms import (
    GIVE_A_KEY,
    KEY_HINT,
    TOO_LONG,
    name_field,
    strip,
    valid_key,
)
from quiz.admin.unique_key import unique_key
from quiz.core.bank import DIMENSION_KINDS, TEXT_LIMIT
from quiz.models import Dimension
from quiz.store.editing import DIMENSION_FIELDS
from quiz.web.i18n import lazy_gettext as _l


class DimensionForm(FlaskForm):
    """A skill or goal's key, name, kind and description."""

    name = name_field(description=_l("Shown to people on their result page."))
    key = StringField(
        _l("Key"),
        filters=[strip],
        validators=[
            DataRequired(GIVE_A_KEY),
            valid_key,
            unique_key(Dimension, own_id="dimension_id"),
        ],
        description=KEY_HINT,
    )
    kind = SelectField(
        _l("Kind"),
        choices=[
            SelectChoice("skill", _l("Skill — something a person does")),
            SelectChoice("goal", _l("Goal — something a person wants to achieve")),
            SelectChoice("interest", _l("Interest — something a person likes to do")),
        ],
        validate_choice=False,
        validators=[AnyOf(DIMENSION_KINDS, message=_l("Choose skill, goal or interest."))],
    )
    description = TextAreaField(
        _l("Description"),
        filters=[strip],
        validators=[Length(max=TEXT_LIMIT, message=TOO_LONG), plain_text],
        description=_l("Optional: what it means, in a sentence."),
    )

    def __init__(self, *args: Any, dimension_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dimension_id = dimension_id

    def texts(self) -> dict[str, str]:
        """Return the dimension's key, name, kind and description as submitted, by name."""
        return {name: self[name].data for name in DIMENSION_FIELDS}


class DeleteDimensionForm(FlaskForm):
    """Confirm deleting a dimension; the box must be ticked when questions or roles use it."""

    confirm = BooleanField(_l("Yes, delete it and remove its weights and emphases"))

    def __init__(self, *args: Any, in_use: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.in_use = in_use

    def validate_confirm(self, field: Field) -> None:
        if self.in_use and not field.data:
            raise ValidationError(_("Tick this box to confirm, or go back to keep it."))
