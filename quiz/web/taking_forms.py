"""Forms for taking the quiz, shared by the public quiz and the admin preview: one per page."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SubmitField
from wtforms.fields import SelectChoice
from wtforms.validators import AnyOf, InputRequired

from quiz.core.bank import BankQuestion
from quiz.web.i18n import lazy_gettext as _l

MISSING_ANSWER = _l("Please choose an answer to this question.")
UNKNOWN_ANSWER = _l("That answer is not one of the choices. Please choose one of them.")


class QuizPageForm(FlaskForm):
    back = SubmitField(_l("Back"))
    forward = SubmitField(_l("Next"))
    # set by the header's language buttons, which send this form along (templates/base.html):
    # the answers on the page are kept, then the page comes back in that language
    language = HiddenField()

    def question_fields(self) -> list[RadioField]:
        return [field for field in self if field.name.startswith("q-")]

    def unanswered(self) -> list[RadioField]:
        """Return the questions on this page whose answer is missing or not one of the choices."""
        return [field for field in self.question_fields() if field.errors]

    def switches_language(self) -> bool:
        """Tell whether this submission came from a language button rather than Back or Next."""
        return bool(self.language.data)

    def valid_answers(self) -> dict[str, str]:
        """Return the answers on this page that passed validation, by question key."""
        return {f.name[2:]: f.data for f in self.question_fields() if f.data and not f.errors}


class QuickQuestionForm(QuizPageForm):
    """One question of the quick quiz; ``question`` says which, so a stale second send is seen."""

    question = HiddenField()


def field_name(question_key: str) -> str:
    return f"q-{question_key}"


def quiz_page_form(
    questions: Iterable[BankQuestion],
    answers: Mapping[str, str],
    form_class: type[QuizPageForm] = QuizPageForm,
) -> QuizPageForm:
    """Build the form for one page, pre-filled with the answers given so far."""

    class PageForm(form_class):  # type: ignore[valid-type,misc]  # a class chosen at run time
        pass

    for question in questions:
        keys = [o.key for o in question.options]
        setattr(
            PageForm,
            field_name(question.key),
            RadioField(
                question.prompt,
                choices=[SelectChoice(o.key, o.label) for o in question.options],
                validate_choice=False,
                validators=[
                    InputRequired(message=MISSING_ANSWER),
                    AnyOf(keys, message=UNKNOWN_ANSWER),
                ],
                default=answers.get(question.key),
                description=question.kind,
            ),
        )
    return PageForm()
