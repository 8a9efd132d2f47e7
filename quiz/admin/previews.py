"""Admin views: preview one question, one page, or a result from hand-set answers, without
taking the whole draft quiz. Nothing here is stored: no result, no analytics count.

The whole-quiz preview, page after page, lives in :mod:`quiz.admin.publishing`.
"""

from __future__ import annotations

from flask import abort, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from quiz.admin import bp
from quiz.admin.preview_forms import ResultPatternForm, result_pattern_form
from quiz.core.answer_patterns import (
    POSITION_NAMES,
    POSITIONS,
    ROLE_PREFIX,
    pattern_answers,
)
from quiz.core.bank import Bank, BankError, parse_bank
from quiz.core.publish_rules import publish_problems
from quiz.core.result_page import changes_search, result_page
from quiz.db import db
from quiz.models import Question
from quiz.store.drafts import bank_question, draft_bank
from quiz.web import taking
from quiz.web.banks import shown_in_language
from quiz.web.i18n import switch_language
from quiz.web.taking_forms import quiz_page_form
from quiz.web.urls import public_url

Rendered = str | tuple[str, int]


def _shown_draft() -> Bank | None:
    """Return the draft as a taker reading the admin's language would see it once published,
    or None when the draft is not a bank a taker could answer."""
    try:
        return shown_in_language(parse_bank(draft_bank().to_document()))
    except BankError:
        return None


def _draft_problems() -> Rendered:
    page = render_template(
        "admin/publishing/preview_problems.html",
        problems=publish_problems(draft_bank().to_document()),
    )
    return page, 200


@bp.route("/questions/<int:question_id>/preview", methods=["GET", "POST"])
def preview_question(question_id: int) -> Rendered | Response:
    """Show one question of the draft as a taker sees it; trying an answer stores nothing.

    An inactive question is shown too, as it would read once activated.
    """
    row = db.get_or_404(Question, question_id)
    draft = draft_bank()
    bank = shown_in_language(
        Bank(dimensions=draft.dimensions, roles=draft.roles, questions=(bank_question(row),))
    )
    asked = [q.key for q in draft.questions]
    form = quiz_page_form(bank.questions, {})
    tried = False
    if form.is_submitted():
        tried = form.validate()
        if "csrf_token" in form.errors:
            abort(400)
        if form.switches_language():
            return switch_language(
                form.language.data, url_for(".preview_question", question_id=question_id)
            )
    # the page of the quiz that asks it, for the link to that page's preview
    page_number = next(
        (
            number
            for number, questions in enumerate(taking.question_pages(draft), start=1)
            if any(q.key == row.key for q in questions)
        ),
        None,
    )
    return render_template(
        "admin/previews/question.html",
        form=form,
        row=row,
        number=asked.index(row.key) + 1 if row.key in asked else None,
        question_count=len(asked),
        page_number=page_number,
        tried=tried,
        preview=True,
        quiz_form_id=taking.QUIZ_FORM_ID,
    )


@bp.route("/preview/pages/<int:page>", methods=["GET", "POST"])
def preview_page(page: int) -> Rendered | Response:
    """Show one page of the draft quiz as a taker sees it, without answering the pages before.

    Back and Next go to the page before and after; their answers are never kept.
    """
    bank = _shown_draft()
    if bank is None:
        return _draft_problems()
    pages = taking.question_pages(bank)
    if not 1 <= page <= len(pages):
        abort(404)
    form = quiz_page_form(pages[page - 1], {})
    tried = False
    if form.is_submitted():
        valid = form.validate()
        if "csrf_token" in form.errors:
            abort(400)
        if form.switches_language():
            return switch_language(form.language.data, url_for(".preview_page", page=page))
        if form.back.data:
            return redirect(url_for(".preview_page", page=max(page - 1, 1)))
        if valid and page < len(pages):
            return redirect(url_for(".preview_page", page=page + 1))
        tried = valid
    return render_template(
        "admin/previews/page.html",
        form=form,
        page=page,
        page_count=len(pages),
        first_number=1 + sum(len(p) for p in pages[: page - 1]),
        answered=0,
        question_count=len(bank.questions),
        quiz_endpoint="admin.preview_page",
        quiz_form_id=taking.QUIZ_FORM_ID,
        tried=tried,
        preview=True,
    )


@bp.route("/preview/result", methods=["GET", "POST"])
def preview_result() -> Rendered:
    """Pick an answer to every question by hand or by a pattern, then show the result a taker
    answering so would get, from the draft; it is stored nowhere.

    A pattern button fills in every select and shows the form again; Show the result needs
    every question answered.
    """
    bank = _shown_draft()
    if bank is None:
        return _draft_problems()
    form = result_pattern_form(bank.questions)
    if not form.is_submitted():
        return _pattern_page(bank, form)
    valid = form.validate()
    if "csrf_token" in form.errors:
        abort(400)
    if form.pattern.data:
        weights = {q.key: {o.key: o.weights for o in q.options} for q in bank.questions}
        try:
            answers = pattern_answers(form.pattern.data, weights, bank.instrument.roles)
        except ValueError:
            problem = _("That pattern is not one of the buttons. Pick one of them.")
            return _pattern_page(bank, form, problem=problem, status=422)
        form.choose(answers)
        return _pattern_page(bank, form, pattern=form.pattern.data)
    if not valid:
        return _pattern_page(bank, form, status=422)
    page = result_page(bank, taking.unsaved_result(bank, form.answers()), changes_search(bank))
    return render_template(
        "public/result.html",
        page=page,
        share_url=public_url("admin.preview_result"),
        preview=True,
        quiz_endpoint="admin.preview_result",
    )


def _pattern_page(
    bank: Bank,
    form: ResultPatternForm,
    *,
    pattern: str | None = None,
    problem: str | None = None,
    status: int = 200,
) -> Rendered:
    roles = {ROLE_PREFIX + role.key: role.name for role in bank.roles}
    page = render_template(
        "admin/previews/result_form.html",
        form=form,
        positions=[(position, POSITION_NAMES[position]) for position in POSITIONS],
        roles=roles,
        pattern=pattern,
        pattern_name=POSITION_NAMES.get(pattern or "") or roles.get(pattern or ""),
        pattern_is_role=bool(pattern and pattern in roles),
        problem=problem,
        missing=len([f for f in form.answer_fields() if f.errors]),
    )
    return page, status
