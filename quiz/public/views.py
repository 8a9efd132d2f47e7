"""The public site: landing page, the quiz, result pages and their JSON."""

from __future__ import annotations

import math
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    session,
    url_for,
)
from sqlalchemy import text
from werkzeug.wrappers import Response

from quiz.bank import Bank, BankQuestion
from quiz.db import db
from quiz.public.forms import quiz_page_form
from quiz.results import (
    create_result,
    find_result,
    quiz_version_number,
    result_json,
    result_page,
)
from quiz.versions import latest_version_id, published_bank

bp = Blueprint("public", __name__)

SECONDS_PER_QUESTION = 10


@bp.get("/")
def index() -> str:
    """Show what the quiz is and invite the visitor to start."""
    bank = _current_bank()
    minutes = max(1, round(len(bank.questions) * SECONDS_PER_QUESTION / 60))
    return render_template("public/index.html", bank=bank, minutes=minutes)


@bp.route("/quiz", methods=["GET", "POST"])
@bp.route("/quiz/<int:page>", methods=["GET", "POST"])
def take_quiz(page: int = 1) -> str | Response:
    """Show one page of questions; save its answers and move back, forward or to the result."""
    version_id, answers = _quiz_in_progress()
    bank = published_bank(version_id)
    pages = _pages(bank)
    if not 1 <= page <= len(pages):
        abort(404)
    form = quiz_page_form(pages[page - 1], answers)

    if form.is_submitted():
        valid = form.validate()
        answers.update(form.valid_answers())
        _save_progress(version_id, answers)
        if form.back.data:
            return redirect(url_for(".take_quiz", page=max(page - 1, 1)))
        if valid:
            if page < len(pages):
                return redirect(url_for(".take_quiz", page=page + 1))
            return _finish(bank, version_id, answers, pages)

    return render_template(
        "public/quiz.html",
        form=form,
        page=page,
        page_count=len(pages),
        first_number=1 + sum(len(p) for p in pages[: page - 1]),
        answered=sum(1 for q in bank.questions if q.key in answers),
        question_count=len(bank.questions),
    )


@bp.get("/r/<token>")
def show_result(token: str) -> Response:
    """Show a stored result exactly as its taker first saw it."""
    result = find_result(token) or abort(404)
    bank = published_bank(result.quiz_version_id)
    html = render_template(
        "public/result.html",
        result=result,
        page=result_page(bank, result),
        share_url=url_for(".show_result", token=token, _external=True),
    )
    response = Response(html, mimetype="text/html")
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/r/<token>.json")
def result_as_json(token: str) -> Response:
    """Return a stored result's ranking as JSON."""
    result = find_result(token) or abort(404)
    bank = published_bank(result.quiz_version_id)
    response = jsonify(result_json(bank, result, quiz_version_number(result.quiz_version_id)))
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/healthz")
def healthz() -> tuple[dict[str, Any], int]:
    """Report whether the database answers."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means unhealthy, whatever the driver raises
        db.session.rollback()
        return {"status": "unhealthy", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}, 200


def _current_bank() -> Bank:
    version_id = latest_version_id()
    if version_id is None:
        abort(503)
    return published_bank(version_id)


def _pages(bank: Bank) -> list[tuple[BankQuestion, ...]]:
    size = current_app.config["QUESTIONS_PER_PAGE"]
    count = max(1, math.ceil(len(bank.questions) / size))
    # spread questions evenly, so the last page is never a lone question
    per_page = math.ceil(len(bank.questions) / count)
    return [bank.questions[i : i + per_page] for i in range(0, len(bank.questions), per_page)]


def _quiz_in_progress() -> tuple[int, dict[str, str]]:
    """Return the quiz version and answers kept in the session, starting afresh if needed."""
    progress = session.get("quiz")
    if isinstance(progress, dict) and isinstance(progress.get("answers"), dict):
        try:
            published_bank(progress["version"])
            return progress["version"], dict(progress["answers"])
        except (LookupError, KeyError, TypeError):
            pass
    version_id = latest_version_id()
    if version_id is None:
        abort(503)
    return version_id, {}


def _save_progress(version_id: int, answers: dict[str, str]) -> None:
    session["quiz"] = {"version": version_id, "answers": answers}


def _finish(
    bank: Bank, version_id: int, answers: dict[str, str], pages: list[tuple[BankQuestion, ...]]
) -> Response:
    """Store the result once every question is answered, or send the person back to a gap."""
    for number, questions in enumerate(pages, start=1):
        if any(q.key not in answers for q in questions):
            flash("A few questions still need an answer before we can show your result.")
            return redirect(url_for(".take_quiz", page=number))
    result = create_result(bank, version_id, answers)
    db.session.commit()
    session.pop("quiz", None)
    return redirect(url_for(".show_result", token=result.share_token))
