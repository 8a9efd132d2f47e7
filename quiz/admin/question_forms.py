"""Forms for editing questions: their key and text, their options, and the weights matrix.

Every form that changes a question carries the ``revision`` the admin saw, so the view can
refuse a save made from a copy someone else has changed since (see
:func:`quiz.store.editing.check_revision`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, ValidationError
from wtforms.widgets import TextInput

from quiz.admin.plain_text import plain_text
from quiz.admin.unique_key import unique_key
from quiz.core.bank import (
    CHOICE_WEIGHT_RANGE,
    KEY_PATTERN,
    LIKERT_SCALE,
    LIKERT_WEIGHT_RANGE,
    TEXT_LIMIT,
)
from quiz.models import Dimension, Question
from quiz.web.banks import LIKERT_LABELS
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


class NewQuestionForm(QuestionTextForm):
    """A new question; a choice question starts with the two options it needs at least."""

    kind = RadioField(
        _l("Kind"),
        choices=KIND_CHOICES,
        default="likert",
        validators=[DataRequired(message=_l("Choose the kind of question."))],
    )
    # no Optional(): it would stop the chain before the check that choice questions need them
    first_option = StringField(
        _l("First option"),
        filters=[_strip],
        validators=[Length(max=TEXT_LIMIT, message=TEXT_RULE), plain_text],
    )
    second_option = StringField(
        _l("Second option"),
        filters=[_strip],
        validators=[Length(max=TEXT_LIMIT, message=TEXT_RULE), plain_text],
    )

    def validate_first_option(self, field: Field) -> None:
        self._require_for_choice(field)

    def validate_second_option(self, field: Field) -> None:
        self._require_for_choice(field)

    def _require_for_choice(self, field: Field) -> None:
        if self.kind.data == "choice" and not field.data:
            raise ValidationError(_("A choice question needs this option's text."))


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


@dataclass(frozen=True)
class WeightRow:
    """One row of the matrix: what it weighs (an option, or the statement) and its cells."""

    heading: str
    detail: str
    option_id: int | None
    cells: list[tuple[Dimension, WeightField]]


ALL_OR_NO_SCALE_LABELS = _l(
    "Fill in all five answer labels, or leave all five empty to show the usual ones."
)


class EditQuestionForm(RevisionForm, QuestionTextForm):
    """Everything an editor saves at once: key, text, option labels and the weights matrix.

    An agreement statement also has five optional answer labels (``scale_labels``, lowest
    level first): all five filled in, or none (the app's own labels are shown).
    """

    option_labels: list[tuple[int, StringField]]
    scale_labels: list[StringField]
    weight_rows: list[WeightRow]
    weight_range: tuple[int, int]

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        filled = [bool(field.data) for field in self.scale_labels]
        if any(filled) and not all(filled):
            for field, is_filled in zip(self.scale_labels, filled, strict=True):
                if not is_filled:
                    field.errors = [*field.errors, str(ALL_OR_NO_SCALE_LABELS)]
            valid = False
        return valid

    def labels_of_scale(self) -> list[str] | None:
        """Return the statement's five answer labels as submitted ([] for none); None for a
        choice question, which has none."""
        if not self.scale_labels:
            return None
        texts = [field.data or "" for field in self.scale_labels]
        return texts if all(texts) else []

    def weights_by_row(self) -> dict[int | None, dict[Dimension, int]]:
        """Return the submitted weights per row (option id, or None for a statement)."""
        return {row.option_id: {d: cell.data for d, cell in row.cells} for row in self.weight_rows}

    def labels_by_option(self) -> dict[int, str]:
        return {option_id: field.data for option_id, field in self.option_labels}


def edit_question_form(
    question: Question, dimensions: Sequence[Dimension], *, from_request: bool = True
) -> EditQuestionForm:
    """Build the editor's form for ``question``: a label per option and a weight per cell.

    Filled from the request when it is this form's submission (``from_request``),
    otherwise from the question as stored.
    """

    class QuestionForm(EditQuestionForm):
        pass

    label_names: list[tuple[int, str]] = []
    for option in question.options:
        name = f"label-{option.id}"
        setattr(
            QuestionForm,
            name,
            StringField(
                _("Option %(key)s", key=option.key),
                filters=[_strip],
                validators=_text_rules(_("Enter this option's text.")),
                default=option.label,
            ),
        )
        label_names.append((option.id, name))

    scale_names: list[str] = []
    if question.kind == "likert":
        stored_labels = list(question.labels or ())
        for position, (key, _label, _level) in enumerate(LIKERT_SCALE):
            name = f"scale-label-{key}"
            setattr(
                QuestionForm,
                name,
                StringField(
                    _("Answer %(number)s", number=key),
                    filters=[_strip],
                    validators=[Length(max=TEXT_LIMIT, message=TEXT_RULE), plain_text],
                    default=stored_labels[position] if len(stored_labels) > position else "",
                    description=_("Usually “%(label)s”", label=LIKERT_LABELS[key]),
                ),
            )
            scale_names.append(name)

    # field names use ids: keys may contain hyphens, so "a-b" + "c" and "a" + "b-c" would clash
    row_names: list[tuple[str, str, int | None, list[tuple[Dimension, str]]]] = []
    if question.kind == "likert":
        rows = [
            (
                None,
                _("This statement"),
                _(
                    "multiplied by the answer's level, %(lowest)s to +%(highest)s",
                    lowest=min(LIKERT_LEVELS),
                    highest=max(LIKERT_LEVELS),
                ),
                None,
                "statement",
                question.weights,
                LIKERT_WEIGHT_RANGE,
            )
        ]
    else:
        rows = [
            (
                o.key,
                _("Option %(key)s", key=o.key),
                o.label,
                o.id,
                str(o.id),
                o.weights,
                CHOICE_WEIGHT_RANGE,
            )
            for o in question.options
        ]
    for option_key, heading, detail, option_id, row_key, stored, bounds in rows:
        stored_by_dimension = {w.dimension_id: w.weight for w in stored}
        names = []
        for dimension in dimensions:
            name = f"weight-{row_key}-{dimension.id}"
            setattr(
                QuestionForm,
                name,
                WeightField(
                    _weight_label(option_key, dimension.name),
                    bounds,
                    default=stored_by_dimension.get(dimension.id, 0),
                ),
            )
            names.append((dimension, name))
        row_names.append((heading, detail, option_id, names))

    initial = {"key": question.key, "prompt": question.prompt, "revision": question.revision}
    form = QuestionForm(**initial) if from_request else QuestionForm(formdata=None, **initial)
    form.question_id = question.id
    form.weight_range = LIKERT_WEIGHT_RANGE if question.kind == "likert" else CHOICE_WEIGHT_RANGE
    form.option_labels = [(option_id, form[name]) for option_id, name in label_names]
    form.scale_labels = [form[name] for name in scale_names]
    form.weight_rows = [
        WeightRow(heading, detail, option_id, [(d, form[name]) for d, name in names])
        for heading, detail, option_id, names in row_names
    ]
    return form


def _weight_label(option_key: str | None, dimension: str) -> str:
    """Name one cell of the matrix for screen readers: whose weight, on what."""
    if option_key is None:
        return _("Weight of this statement on %(dimension)s", dimension=dimension)
    return _("Weight of option %(key)s on %(dimension)s", key=option_key, dimension=dimension)


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
