"""Admin views: preview the draft, confirm and publish it, list and compare the published
versions, start a draft from one, import and export the bank."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from quiz.admin import (
    bp,
    previews,  # noqa: F401  registers the previews of a question, page, result
)
from quiz.admin.draft_quality import draft_quality_warnings
from quiz.admin.overview import render_dashboard
from quiz.admin.publishing_forms import (
    BANK_FILE_LIMIT,
    BankUploadForm,
    DraftFromVersionForm,
    PublishForm,
    RestartPreviewForm,
)
from quiz.core.bank import SOURCE_LANGUAGE, Bank, BankError, parse_bank
from quiz.core.bank_diff import bank_diff
from quiz.core.messages import N_, Message
from quiz.core.publish_rules import file_problem, problem_subject, publish_problems
from quiz.core.result_page import changes_search, result_page
from quiz.db import db
from quiz.store.drafts import draft_bank
from quiz.store.publishing import (
    NothingToPublish,
    PublishRefused,
    draft_from_version,
    draft_item_ids,
    export_text,
    import_text,
    publish_changed_draft,
    publish_summary,
    published_bank,
    version_entries,
    version_id,
)
from quiz.web import taking
from quiz.web.banks import shown_in_language
from quiz.web.i18n import LANGUAGES
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


# a version number in an address that names no published version (a 404 page's message)
NO_SUCH_VERSION = N_(
    "There is no published version with that number. "
    "The list of published versions shows the ones there are."
)

# the edit page of each kind of item a check can name
EDIT_ENDPOINTS = {
    "question": ("admin.edit_question", "question_id"),
    "role": ("admin.edit_role", "role_id"),
    "dimension": ("admin.edit_dimension", "dimension_id"),
}


@bp.app_context_processor
def check_links() -> dict[str, Any]:
    """Let admin templates link a check to the page that edits what it names."""
    ids: dict[str, dict[str, int]] = {}

    def check_link(problem: Message) -> str | None:
        subject = problem_subject(problem)
        if subject is None:
            return None
        if not ids:
            ids.update(draft_item_ids())
        kind, key = subject
        found = ids[kind].get(key)
        if found is None:
            return None
        endpoint, argument = EDIT_ENDPOINTS[kind]
        return url_for(endpoint, **{argument: found})

    return {"check_link": check_link}


@bp.get("/publish/confirm")
def confirm_publish() -> str:
    """Show what publishing the draft would change against the live version, its checks, and
    the quality report's warnings for it (which warn, never block)."""
    summary = publish_summary([code for code in LANGUAGES if code != SOURCE_LANGUAGE])
    return render_template(
        "admin/publishing/confirm.html",
        summary=summary,
        quality_warnings=draft_quality_warnings(),
        languages=LANGUAGES,
        form=PublishForm(),
    )


@bp.post("/publish")
def publish() -> Response | tuple[str, int]:
    """Publish the draft as the next version, or list the checks it fails."""
    if not PublishForm().validate_on_submit():
        abort(400)
    try:
        version = publish_changed_draft()
        db.session.commit()
    except NothingToPublish as unchanged:
        flash(
            _(
                "Not published: the draft is the same as version %(number)s, "
                "so a new version would change nothing.",
                number=unchanged.number,
            )
        )
        return redirect(url_for("admin.dashboard"))
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


@bp.get("/versions")
def versions() -> str:
    """List the published versions, and let the admin compare two of them."""
    return render_template(
        "admin/publishing/versions.html",
        versions=version_entries(),
        draft_form=DraftFromVersionForm(),
    )


@bp.get("/versions/diff")
def version_diff() -> str:
    """Show what changed from one published version to another."""
    older = request.args.get("from", type=int)
    newer = request.args.get("to", type=int)
    older_id = version_id(older) if older is not None else None
    newer_id = version_id(newer) if newer is not None else None
    if older_id is None or newer_id is None:
        abort(404, NO_SUCH_VERSION)
    return render_template(
        "admin/publishing/version_diff.html",
        older=older,
        newer=newer,
        diff=bank_diff(published_bank(older_id), published_bank(newer_id)),
    )


@bp.route("/versions/<int:number>/draft", methods=["GET", "POST"])
def start_draft_from_version(number: int) -> str | Response:
    """Replace the draft with a published version, after the admin confirms it."""
    if version_id(number) is None:
        abort(404, NO_SUCH_VERSION)
    form = DraftFromVersionForm()
    if form.validate_on_submit():
        draft_from_version(number)
        db.session.commit()
        flash(
            _(
                "The draft is now version %(number)s. Nothing is published yet: "
                "preview the draft, then publish it.",
                number=number,
            )
        )
        return redirect(url_for("admin.dashboard"))
    return render_template("admin/publishing/draft_from_version.html", number=number, form=form)


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
