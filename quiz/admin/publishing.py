"""Admin views: preview the draft as a taker sees it, publish it, import and export the bank."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from quiz.admin import bp
from quiz.admin.overview import render_dashboard
from quiz.admin.publishing_forms import (
    BANK_FILE_LIMIT,
    BankUploadForm,
    PublishForm,
    RestartPreviewForm,
)
from quiz.core.bank import Bank, BankError, parse_bank
from quiz.core.messages import Message
from quiz.core.publish_rules import file_problem, publish_problems
from quiz.core.result_page import changes_search, result_page
from quiz.db import db
from quiz.store.drafts import draft_bank
from quiz.store.publishing import PublishRefused, export_text, import_text, publish_draft
from quiz.web import taking
from quiz.web.banks import shown_in_language
from quiz.web.urls import public_url

# The preview's answers, kept apart from a real quiz the same browser may be taking.
PREVIEW_SESSION_KEY = "draft_preview"
BANK_FILE_NAME = "career-fit-bank.json"
# room for the multipart envelope and the form's other fields around the file itself
UPLOAD_ENVELOPE = 64 * 1024


@bp.url_value_preprocessor
def allow_bank_file_uploads(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """Let a bank upload be larger than other requests.

    CSRF protection reads the request body before any before_request hook of
    this blueprint runs; URL value preprocessors run earlier still, so this is
    the place to raise the limit for the one view that takes files.
    """
    if endpoint == "admin.bank_file":
        request.max_content_length = BANK_FILE_LIMIT + UPLOAD_ENVELOPE


@bp.post("/publish")
def publish() -> Response | tuple[str, int]:
    """Publish the draft as the next version, or list the checks it fails."""
    if not PublishForm().validate_on_submit():
        abort(400)
    try:
        version = publish_draft()
        db.session.commit()
    except PublishRefused as refused:
        return render_dashboard(refused=refused.problems), 409
    except IntegrityError:
        # another admin took the same version number a moment earlier
        db.session.rollback()
        flash(_("Someone else published at the same moment. Check the versions, then try again."))
        return redirect(url_for("admin.dashboard"))
    flash(
        _(
            "Published version %(number)s. New takers get it from now on; "
            "every earlier result keeps the version it was taken with.",
            number=version.number,
        )
    )
    return redirect(url_for("admin.dashboard"))


@bp.route("/preview", methods=["GET", "POST"])
@bp.route("/preview/<int:page>", methods=["GET", "POST"])
def preview(page: int = 1) -> str | Response:
    """Take the draft quiz exactly as a taker would; nothing is stored."""
    document = draft_bank().to_document()
    try:
        # in the admin's language, as a taker reading it would see the draft once published
        bank = shown_in_language(parse_bank(document))
    except BankError:
        return render_template(
            "admin/publishing/preview_problems.html", problems=publish_problems(document)
        )
    return taking.quiz_page(
        bank,
        page,
        taking.answers_in(bank, session.get(PREVIEW_SESSION_KEY)),
        endpoint="admin.preview",
        save=_keep_preview_answers,
        finish=lambda answers: _preview_result(bank, answers),
        preview=True,
    )


@bp.post("/preview/restart")
def restart_preview() -> Response:
    """Forget the preview's answers and start it from the first page."""
    if RestartPreviewForm().validate_on_submit():
        session.pop(PREVIEW_SESSION_KEY, None)
    return redirect(url_for("admin.preview"))


def _keep_preview_answers(answers: dict[str, str]) -> None:
    session[PREVIEW_SESSION_KEY] = answers


def _preview_result(bank: Bank, answers: dict[str, str]) -> str:
    """Render the result page a taker would get, from a result that is never stored."""
    session.pop(PREVIEW_SESSION_KEY, None)
    # a draft is never published as it stands: its changes are searched every time
    page = result_page(bank, taking.unsaved_result(bank, answers), changes_search(bank))
    return render_template(
        "public/result.html",
        page=page,
        share_url=public_url("admin.preview"),
        preview=True,
        quiz_endpoint="admin.preview",
    )


@bp.route("/bank", methods=["GET", "POST"])
def bank_file() -> str | Response | tuple[str, int]:
    """Offer the draft as a file to download, and replace the draft with an uploaded one."""
    form = BankUploadForm()
    problems: list[Message] = []
    if form.validate_on_submit():
        try:
            bank = import_text(
                form.bank_text, source=f"uploaded file {form.bank_file.data.filename}"
            )
        except BankError as error:
            problems = [file_problem(problem) for problem in error.details]
        else:
            db.session.commit()
            flash(
                _(
                    "Imported %(questions)s and %(roles)s into the draft. "
                    "Nothing is published yet: preview the draft, then publish it.",
                    questions=ngettext(
                        "%(num)s question", "%(num)s questions", len(bank.questions)
                    ),
                    roles=ngettext("%(num)s role", "%(num)s roles", len(bank.roles)),
                )
            )
            return redirect(url_for("admin.dashboard"))
    html = render_template("admin/publishing/bank_file.html", form=form, problems=problems)
    return (html, 422) if form.errors or problems else html


@bp.get("/bank/export")
def export_bank() -> Response:
    """Download the draft question bank as a JSON file."""
    return Response(
        export_text(draft_bank()),
        mimetype="application/json",
        headers={
            "Content-Disposition": f"attachment; filename={BANK_FILE_NAME}",
            "Cache-Control": "no-store",
        },
    )
