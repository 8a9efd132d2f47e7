"""The one form check that a draft item's key is free: questions, roles and dimensions use it."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.validators import ValidationError

from quiz.core.bank import KEY_PATTERN
from quiz.store.editing import Keyed, key_clash


def unique_key(model: type[Keyed], own_id: str) -> Callable[[FlaskForm, Field], None]:
    """Return a validator refusing a key another ``model`` row uses, in the store's words.

    ``own_id`` names the form attribute holding the id of the row being edited (None while
    creating), whose own key is no clash. A malformed key is left to the key's format check.
    """

    def validate(form: FlaskForm, field: Field) -> None:
        if not KEY_PATTERN.fullmatch(field.data or ""):
            return
        clash = key_clash(model, field.data, getattr(form, own_id, None))
        if clash is not None:
            raise ValidationError(_(clash.reason, **clash.values))

    return validate
