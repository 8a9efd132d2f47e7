"""The one-screen question form: key, kind, text, options and their weights, in one form.

Options are a FieldList of FormFields (``options-0-label``, ``options-0-w<dimension id>``,
...), so adding, moving and removing one is a matter of the list the form sends. Without
a script these are submit buttons (``action``: ``add``, ``up-N``, ``down-N``,
``remove-N``, ``confirm-remove-N``, ``keep``, ``preview``); the view answers them by
re-rendering the form rearranged (:meth:`QuestionAuthoringForm.rearranged`), everything
typed kept, and saves only on ``save``. static/js/question-authoring.js does the same in
the page.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict
from wtforms import Field, FieldList, Form, FormField, HiddenField, RadioField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from quiz.admin.plain_text import plain_text
from quiz.admin.question_forms import (
    KIND_CHOICES,
    TEXT_RULE,
    QuestionTextForm,
    RevisionForm,
    WeightField,
    _strip,
    _text_rules,
)
from quiz.core.bank import (
    CHOICE_OPTIONS,
    CHOICE_WEIGHT_RANGE,
    LIKERT_SCALE,
    LIKERT_WEIGHT_RANGE,
    TEXT_LIMIT,
)
from quiz.models import Dimension, Question
from quiz.store.authoring import OptionDraft, suggested_question_key
from quiz.web.banks import LIKERT_LABELS
from quiz.web.i18n import lazy_gettext as _l

ACTION = re.compile(r"(save|preview|add|keep)|(up|down|remove|confirm-remove)-([0-9]{1,2})")
NEW_CHOICE_OPTIONS = 2  # a new choice question starts with the fewest options it may have


def weight_name(dimension: Dimension) -> str:
    """Name a dimension's weight field; ids, since keys may hold hyphens."""
    return f"w{dimension.id}"


STORED_ID = re.compile(r"[0-9]{1,18}")


def stored_id(form: Form, field: Field) -> None:
    """Refuse an option id that is not a stored row's number; "" is a new option."""
    if field.data and not STORED_ID.fullmatch(field.data):
        raise ValidationError(_("This option does not exist. Reload the page."))


class OptionEntry(Form):
    """One option row: its stored row's id ("" for a new one), its text; weights are added."""

    option_id = HiddenField(validators=[stored_id])
    label = StringField(
        _l("Option text"),
        filters=[_strip],
        validators=_text_rules(_l("Enter this option's text.")),
    )


class WeightsEntry(Form):
    """A statement's weights row; its weight fields are added per dimension."""


class QuestionAuthoringForm(RevisionForm, QuestionTextForm):
    """A whole question as one form: on save, every field is checked and saved together.

    An empty key is filled in from the question's text (a free key, see
    :func:`quiz.store.authoring.suggested_question_key`) before it is checked.
    """

    kind = RadioField(
        _l("Kind"),
        choices=KIND_CHOICES,
        default="likert",
        validators=[DataRequired(message=_l("Choose the kind of question."))],
    )
    options = FieldList(FormField(OptionEntry), max_entries=CHOICE_OPTIONS[1])
    statement = FormField(WeightsEntry)
    # not rendered itself: the pressed button (name="action") fills it
    action = HiddenField()

    # set by the factory
    dimensions: Sequence[Dimension]
    fixed_kind: str | None = None
    scale_labels: list[StringField]

    @property
    def chosen_kind(self) -> str:
        """Return the question's kind: fixed once it exists, else as chosen (likert if odd)."""
        if self.fixed_kind:
            return self.fixed_kind
        return self.kind.data if self.kind.data in ("likert", "choice") else "likert"

    def requested(self) -> tuple[str, int | None]:
        """Return the pressed button: (what, option index or None); ("save", None) if unknown."""
        match = ACTION.fullmatch(self.action.data or "save")
        if match is None:
            return "save", None
        if match.group(1):
            return match.group(1), None
        return match.group(2), int(match.group(3))

    def validate(self, extra_validators: Any = None) -> bool:
        if not self.key.data and self.prompt.data:
            self.key.data = suggested_question_key(self.prompt.data, self.question_id)
        # the fields of the other kind are not sent on (a statement's options are its scale,
        # a choice has no statement row): what was typed there is kept but never refused
        unused = self.options.entries if self.chosen_kind == "likert" else [self.statement]
        for part in unused:
            for field in part.form:
                field.process_errors = []
                field.validators = []
        valid = super().validate(extra_validators)
        if self.chosen_kind == "choice":
            fewest, most = CHOICE_OPTIONS
            if not fewest <= len(self.options.entries) <= most:
                self.option_count_error = _(
                    "A choice question needs %(fewest)s to %(most)s options.",
                    fewest=fewest,
                    most=most,
                )
                valid = False
        if self.scale_labels:
            filled = [bool(field.data) for field in self.scale_labels]
            if self.chosen_kind == "likert" and any(filled) and not all(filled):
                for field, is_filled in zip(self.scale_labels, filled, strict=True):
                    if not is_filled:
                        field.errors = [*field.errors, str(ALL_OR_NO_SCALE_LABELS)]
                valid = False
        return valid

    # what the form says, for the store and for the effects

    def weights_of(self, entry: Form) -> dict[Dimension, int]:
        """Return one row's weights per dimension; a refused cell counts as 0 until fixed."""
        return {d: entry[weight_name(d)].data or 0 for d in self.dimensions}

    def option_drafts(self) -> list[OptionDraft]:
        """Return the options as sent, in order, for the store."""
        return [
            OptionDraft(
                _option_id(entry.form.option_id.data),
                entry.form.label.data or "",
                self.weights_of(entry.form),
            )
            for entry in self.options.entries
        ]

    def statement_weights(self) -> dict[Dimension, int]:
        return self.weights_of(self.statement.form)

    def labels_of_scale(self) -> list[str]:
        texts = [field.data or "" for field in self.scale_labels]
        return texts if all(texts) else []

    # rearranging without a script

    def raw_values(self) -> MultiDict[str, str]:
        """Return every field's value as typed (or as filled in), to build the form again."""
        values: MultiDict[str, str] = MultiDict()
        for field in self:
            if field.type == "CSRFTokenField" or field.name == "action":
                continue
            if isinstance(field, FieldList):
                continue
            for sub in _leaves(field):
                values.add(sub.name, _typed(sub))
        for index, entry in enumerate(self.options.entries):
            for sub in entry.form:
                values.add(f"options-{index}-{sub.short_name}", _typed(sub))
        return values

    def rearranged(self, what: str, index: int | None) -> QuestionAuthoringForm:
        """Return this form again with an option added, moved or removed, everything kept.

        ``remove`` only asks (the new form's ``removing`` is the option's index);
        ``confirm-remove`` removes it. Any other action changes nothing.
        """
        rows = [
            {sub.short_name: _typed(sub) for sub in entry.form} for entry in self.options.entries
        ]
        removing = None
        count = len(rows)
        if what == "add" and count < CHOICE_OPTIONS[1]:
            rows.append({"option_id": "", "label": ""})
        elif index is not None and 0 <= index < count:
            if what == "up" and index > 0:
                rows[index - 1], rows[index] = rows[index], rows[index - 1]
            elif what == "down" and index < count - 1:
                rows[index], rows[index + 1] = rows[index + 1], rows[index]
            elif what == "remove":
                removing = index
            elif what == "confirm-remove":
                del rows[index]
        values = self.raw_values()
        for name in [n for n in values if n.startswith("options-")]:
            values.poplist(name)
        for position, row in enumerate(rows):
            for name, value in row.items():
                values.add(f"options-{position}-{name}", value)
        again = type(self)(formdata=values)
        _copy_setup(self, again)
        again.removing = removing
        return again

    removing: int | None = None
    # why the options as sent cannot be saved as a whole (too few or too many), if they cannot
    option_count_error: str | None = None


ALL_OR_NO_SCALE_LABELS = _l(
    "Fill in all five answer labels, or leave all five empty to show the usual ones."
)


def _option_id(text: str | None) -> int | None:
    """Return a stored option's id from the form, or None for a new (or unreadable) one."""
    return int(text) if text and STORED_ID.fullmatch(text) else None


def _leaves(field: Field) -> list[Field]:
    if isinstance(field, FormField):
        return list(field.form)
    return [field]


def _typed(field: Field) -> str:
    """Return what a field shows: the text sent, or its value when nothing was sent."""
    if field.raw_data:
        return str(field.raw_data[0])
    value = field._value()
    return "" if value is None else str(value)


def _copy_setup(source: QuestionAuthoringForm, target: QuestionAuthoringForm) -> None:
    target.question_id = source.question_id
    target.fixed_kind = source.fixed_kind
    target.dimensions = source.dimensions
    target.scale_labels = [target[field.short_name] for field in source.scale_labels]


def authoring_form(
    dimensions: Sequence[Dimension],
    question: Question | None = None,
    *,
    from_request: bool = True,
) -> QuestionAuthoringForm:
    """Build the one-screen form for a new question, or for ``question`` as stored.

    Filled from the request when it is this form's submission (``from_request``); otherwise
    from ``question``, or, for a new one, blank with the two options a choice starts with.
    """

    class Entry(OptionEntry):
        pass

    class Statement(WeightsEntry):
        pass

    for dimension in dimensions:
        setattr(Entry, weight_name(dimension), WeightField(dimension.name, CHOICE_WEIGHT_RANGE))
        setattr(Statement, weight_name(dimension), WeightField(dimension.name, LIKERT_WEIGHT_RANGE))

    class AuthoringForm(QuestionAuthoringForm):
        options = FieldList(FormField(Entry), max_entries=CHOICE_OPTIONS[1])
        statement = FormField(Statement)

    if question is not None:
        # the kind of a stored question never changes: its answers are of that kind
        AuthoringForm.kind = None  # type: ignore[assignment]

    scale_names = []
    stored_labels = list(question.labels or ()) if question is not None else []
    if question is None or question.kind == "likert":
        for position, (key, _label, _level) in enumerate(LIKERT_SCALE):
            name = f"scale-label-{key}"
            setattr(
                AuthoringForm,
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

    data: dict[str, Any]
    if question is None:
        data = {"options": [{"option_id": "", "label": ""}] * NEW_CHOICE_OPTIONS}
    else:
        data = {
            "key": question.key,
            "prompt": question.prompt,
            "revision": question.revision,
            "statement": {
                weight_name(w.dimension): w.weight for w in question.weights if w.dimension
            },
            "options": [
                {
                    "option_id": str(o.id),
                    "label": o.label,
                    **{weight_name(w.dimension): w.weight for w in o.weights},
                }
                for o in question.options
            ],
        }
    form = AuthoringForm(data=data) if from_request else AuthoringForm(formdata=None, data=data)
    form.question_id = question.id if question is not None else None
    form.fixed_kind = question.kind if question is not None else None
    form.dimensions = dimensions
    form.scale_labels = [form[name] for name in scale_names]
    return form


@dataclass(frozen=True)
class DimensionGroup:
    """Dimensions of one kind, shown under one heading in the weights grid."""

    kind: str
    dimensions: list[Dimension]


def dimension_groups(dimensions: Sequence[Dimension]) -> list[DimensionGroup]:
    """Group dimensions by kind, kinds in the order they first appear."""
    groups: dict[str, list[Dimension]] = {}
    for dimension in dimensions:
        groups.setdefault(dimension.kind, []).append(dimension)
    return [DimensionGroup(kind, members) for kind, members in groups.items()]
