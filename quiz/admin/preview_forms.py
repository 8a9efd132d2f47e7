"""Forms for previewing a result from answers the admin sets by hand."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SubmitField
from wtforms.fields import SelectChoice
from wtforms.validators import AnyOf, InputRequired

from quiz.core.bank import BankQuestion
from quiz.web.i18n import lazy_gettext as _l
from quiz.web.taking_forms import MISSING_ANSWER, UNKNOWN_ANSWER, field_name

# the first choice of every select: no answer yet
NO_ANSWER = _l("Choose an answer")


class ResultPatternForm(FlaskForm):
    """Every question with a select of its options; a pattern button fills them all in."""

    # not rendered itself: the pressed pattern button (name="pattern") fills it
    pattern = HiddenField()
    show = SubmitField(_l("Show the result"))

    def answer_fields(self) -> list[SelectField]:
        return [field for field in self if field.name.startswith("q-")]

    def answers(self) -> dict[str, str]:
        """Return the answers chosen, by question key (only once the form has validated)."""
        return {field.name[2:]: field.data for field in self.answer_fields()}

    def choose(self, answers: Mapping[str, str]) -> None:
        """Show ``answers`` chosen in the selects, and nothing refused: a pattern was picked."""
        for field in self.answer_fields():
            field.data = answers.get(field.name[2:], "")
            field.errors = []


def result_pattern_form(questions: Iterable[BankQuestion]) -> ResultPatternForm:
    """Build the form for ``questions``: one select per question, no answer chosen at first."""

    class PatternForm(ResultPatternForm):
        pass

    for question in questions:
        keys = [o.key for o in question.options]
        setattr(
            PatternForm,
            field_name(question.key),
            SelectField(
                question.prompt,
                choices=[
                    SelectChoice("", NO_ANSWER),
                    *(SelectChoice(o.key, o.label) for o in question.options),
                ],
                validate_choice=False,
                validators=[
                    InputRequired(message=MISSING_ANSWER),
                    AnyOf(keys, message=UNKNOWN_ANSWER),
                ],
                default="",
            ),
        )
    return PatternForm()
