"""Taking the quiz page by page, shared by the public quiz and the admin's preview of the draft.

A page shows a few questions. Submitting it keeps every valid answer on it (even
when another question on the page is still missing), then moves back, forward,
or, from the last page, finishes. The header's language buttons submit the same
form: its answers are kept without asking for the missing ones, and the same page
comes back in the chosen language. Finishing needs every question answered: a
gap anywhere sends the person to the first page that has one. Where the answers
are kept and what finishing does is the caller's business.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, Protocol

from flask import abort, current_app, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from quiz.core import adaptive
from quiz.core.bank import Bank, BankQuestion
from quiz.core.result_page import StoredResult
from quiz.core.scoring import rank_roles
from quiz.web.i18n import lazy_gettext as _l
from quiz.web.i18n import switch_language
from quiz.web.taking_forms import QuickQuestionForm, QuizPageForm, quiz_page_form

# the id of the quiz form, which the header's language buttons name to send it along
QUIZ_FORM_ID = "quiz-form"
UNANSWERED_MESSAGE = _l("A few questions still need an answer before we can show your result.")


def question_pages(bank: Bank) -> list[tuple[BankQuestion, ...]]:
    """Split the bank's questions into pages of at most QUESTIONS_PER_PAGE."""
    return bank.pages(current_app.config["QUESTIONS_PER_PAGE"])


def first_page_with_a_gap(
    pages: list[tuple[BankQuestion, ...]], answers: Mapping[str, str]
) -> int | None:
    """Return the number of the first page with an unanswered question, or None."""
    for number, questions in enumerate(pages, start=1):
        if any(q.key not in answers for q in questions):
            return number
    return None


def answers_in(bank: Bank, answers: Any) -> dict[str, str]:
    """Return the answers that name a question and option ``bank`` has; drop the rest.

    The draft can change under a preview in progress, so answers kept from an
    earlier page may no longer fit it.
    """
    if not isinstance(answers, dict):
        return {}
    return {
        question: option
        for question, option in answers.items()
        if question in bank.question_by_key
        and any(o.key == option for o in bank.question_by_key[question].options)
    }


def quiz_page(
    bank: Bank,
    page: int,
    answers: dict[str, str],
    *,
    endpoint: str,
    save: Callable[[dict[str, str]], None],
    finish: Callable[[dict[str, str]], str | Response],
    shown: Callable[[int], None] | None = None,
    form_class: type[QuizPageForm] = QuizPageForm,
    notify: Callable[[str], None] = flash,
    **context: Any,
) -> str | Response:
    """Show page ``page`` of ``bank``; on submit keep its answers and move back, forward or finish.

    ``endpoint`` serves the quiz pages (it takes ``page``); ``save`` keeps the
    answers so far; ``finish`` is called with every answer once all are given.
    ``shown`` hears the number of each page about to be shown. ``form_class`` is the
    page's form (the embedded quiz checks its own CSRF token); ``notify`` tells the
    person why they were sent back (a flashed message unless the caller keeps it
    elsewhere). ``context`` goes to the template as it is.
    """
    pages = question_pages(bank)
    if not 1 <= page <= len(pages):
        abort(404)
    form = quiz_page_form(pages[page - 1], answers, form_class=form_class)

    if form.is_submitted():
        valid = form.validate()
        answers.update(form.valid_answers())
        save(answers)
        if form.switches_language():
            return switch_language(form.language.data, url_for(endpoint, page=page))
        if form.back.data:
            return redirect(url_for(endpoint, page=max(page - 1, 1)))
        if valid:
            if page < len(pages):
                return redirect(url_for(endpoint, page=page + 1))
            gap = first_page_with_a_gap(pages, answers)
            if gap is not None:
                notify(str(UNANSWERED_MESSAGE))  # the session keeps text, not a lazy string
                return redirect(url_for(endpoint, page=gap))
            return finish(answers)

    if shown is not None:
        shown(page)
    return render_template(
        "public/quiz.html",
        form=form,
        page=page,
        page_count=len(pages),
        first_number=1 + sum(len(p) for p in pages[: page - 1]),
        answered=sum(1 for q in bank.questions if q.key in answers),
        question_count=len(bank.questions),
        quiz_endpoint=endpoint,
        quiz_form_id=QUIZ_FORM_ID,
        **context,
    )


def quick_question_page(
    bank: Bank,
    progress: QuickProgress,
    *,
    endpoint: str,
    finish: Callable[[dict[str, str]], str | Response],
    form_class: type[QuickQuestionForm] = QuickQuestionForm,
    **context: Any,
) -> str | Response:
    """Quick mode: ask the most informative question next, one at a time, and finish as soon
    as the top role is settled (see :mod:`quiz.core.adaptive`). ``form_class`` is the
    question's form, as for :func:`quiz_page`.

    Back takes the last answer away and asks that question again with its answer still
    chosen: the next question depends only on the answers given, so taking one away
    brings back the question it answered.
    """
    table = bank.effect_table
    confidence = current_app.config["QUICK_MODE_CONFIDENCE"]
    # None once the quiz should stop: the top role is settled, or no single role it will be
    key = adaptive.next_question(table, progress.answers, confidence=confidence)
    # the questions left, this one included: at most every unanswered one
    most_left = adaptive.progress(table, progress.answers, confidence=confidence).most_left
    question = bank.question_by_key[key] if key is not None else None
    form = quiz_page_form(
        [question] if question is not None else [],
        {**progress.undone, **progress.answers},
        form_class=form_class,
    )

    if form.is_submitted():
        if form.switches_language():
            if question is not None and form.question.data == key:
                form.validate()
                # chosen, not sent: the question stays, its answer shown chosen again
                progress.hold(form.valid_answers())
            return switch_language(form.language.data, url_for(endpoint))
        if form.back.data:
            progress.take_back_last()
            return redirect(url_for(endpoint))
        if form.question.data != (key or ""):
            # an answer to a question already behind us: a second click, or another tab
            return redirect(url_for(endpoint))
        if form.validate():
            if question is None:
                # settled already: a finish that failed before is being sent again
                return finish(progress.answers)
            progress.add(form.valid_answers())
            if adaptive.should_stop(table, progress.answers, confidence=confidence):
                return finish(progress.answers)
            return redirect(url_for(endpoint))

    form.question.data = key or ""
    return render_template(
        "public/quick_quiz.html",
        form=form,
        number=len(progress.answers) + 1,
        most_more=max(most_left - 1, 0),
        finished=question is None,
        question_count=len(bank.questions),
        quiz_endpoint=endpoint,
        quiz_form_id=QUIZ_FORM_ID,
        **context,
    )


class QuickProgress(Protocol):
    """A quick quiz's answers so far, kept wherever the caller keeps them."""

    answers: dict[str, str]
    # the answer just taken back with Back, chosen again when its question comes back
    undone: dict[str, str]

    def add(self, answers: dict[str, str]) -> None: ...

    def take_back_last(self) -> None: ...

    def hold(self, answers: dict[str, str]) -> None:
        """Keep ``answers`` to show chosen again, without counting them as given."""
        ...


def unsaved_result(bank: Bank, answers: Mapping[str, str]) -> StoredResult:
    """Score ``answers`` into a result as it would be stored, without storing it."""
    outcome = rank_roles(bank.effect_table, answers)
    return StoredResult(
        outcome=outcome.as_dict(), answers=dict(answers), created_at=datetime.now(UTC)
    )
