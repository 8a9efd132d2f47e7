"""Forms of the public pages that are not quiz pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SubmitField

from quiz.web.i18n import lazy_gettext as _l


class DeleteResultForm(FlaskForm):
    submit = SubmitField(_l("Delete my result"))
