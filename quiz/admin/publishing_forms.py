"""Forms for publishing the draft and for importing a question bank file."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import SubmitField
from wtforms.validators import ValidationError

from quiz.web.i18n import lazy_gettext as _l

# A bank file is a few dozen kilobytes; a megabyte leaves room for large banks.
BANK_FILE_LIMIT = 1024 * 1024


class PublishForm(FlaskForm):
    submit = SubmitField(_l("Publish the draft"))


class DraftFromVersionForm(FlaskForm):
    submit = SubmitField(_l("Replace the draft"))


class RestartPreviewForm(FlaskForm):
    submit = SubmitField(_l("Start the preview over"))


class BankUploadForm(FlaskForm):
    bank_file = FileField(
        _l("Question bank file (.json)"),
        validators=[
            FileRequired(_l("Choose a question bank file to upload.")),
            FileAllowed(["json"], _l("Upload a .json file, like the one Download gives you.")),
            FileSize(BANK_FILE_LIMIT, message=_l("The file is larger than 1 MB.")),
        ],
    )
    submit = SubmitField(_l("Import into the draft"))

    # the uploaded file as text, once it has validated
    bank_text: str = ""

    def validate_bank_file(self, field: FileField) -> None:
        if field.errors:  # too large: don't read it
            return
        try:
            # utf-8-sig: tolerate the byte order mark some editors write
            self.bank_text = field.data.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(
                _l("The file is not UTF-8 text. Save it as UTF-8 JSON and upload it again.")
            ) from None
