"""The form side of the bank's text rule: refuse what :func:`quiz.core.bank.refused_character`
refuses, so a draft never holds a text that publishing would refuse or a page could not show."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from wtforms import Field
from wtforms.validators import ValidationError

from quiz.core.bank import character_code, refused_character


def plain_text(form: Any, field: Field) -> None:
    """Refuse a text (or a list of texts) holding a control, direction or broken character."""
    texts = field.data if isinstance(field.data, list) else [field.data]
    for text in texts:
        character = refused_character(text) if isinstance(text, str) else None
        if character is not None:
            raise ValidationError(
                _(
                    "Remove the character %(character)s: texts may not hold control "
                    "characters (other than line breaks and tabs), text direction "
                    "overrides or broken characters.",
                    character=character_code(character),
                )
            )
