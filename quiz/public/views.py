"""The public site: landing page, the quiz, result pages and their JSON."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import text
from werkzeug.wrappers import Response

from quiz.core.bank import Bank
from quiz.core.result_page import result_json, result_page, share_links
from quiz.db import db
from quiz.models import Result
from quiz.public.example import example_page
from quiz.public.forms import DeleteResultForm, WithdrawWorkNowForm, WorkNowForm
from quiz.public.group_forms import GroupCodeForm
from quiz.public.group_session import attach_to_group, finished_again, finished_in_group
from quiz.store.analytics import count_reached_page, forget_result
from quiz.store.groups import leave_groups
from quiz.store.publishing import latest_version_id, published_bank
from quiz.store.results import (
    carried_finish_id,
    create_result,
    delete_key_matches,
    erase_result,
    find_result,
    new_finish_id,
    quiz_version_number,
    remembered_changes_search,
    stored_result,
)
from quiz.store.self_reports import record_work_now, withdraw_work_now
from quiz.web import page_cache as pages
from quiz.web import taking
from quiz.web.banks import shown_bank
from quiz.web.extensions import limiter
from quiz.web.i18n import LANGUAGES, current_language
from quiz.web.ownership import owns, remember_owned
from quiz.web.site import site_title
from quiz.web.urls import public_address_tag, public_url

bp = Blueprint("public", __name__)

SECONDS_PER_QUESTION = 10
# How many questions quick mode typically asks a person who leans toward a role: the median
# of docs/quick-mode.md's leaning respondents at the default confidence.
QUICK_MODE_TYPICAL_QUESTIONS = 9


@bp.get("/")
def index() -> str:
    """Show what the quiz is, an example result, the roles, and invite the visitor to start."""
    pages.depend_on_live_version()  # before asking which it is: see quiz/web/page_cache.py
    version_id = latest_version_id()
    if version_id is None:
        abort(503)
    bank = shown_bank(version_id)
    questions = len(bank.questions)
    return render_template(
        "public/index.html",
        bank=bank,
        minutes=_minutes(questions),
        quick_minutes=_minutes(min(questions, QUICK_MODE_TYPICAL_QUESTIONS)),
        example=example_page(version_id),
        group_code_form=GroupCodeForm(),
    )


def _minutes(questions: int) -> int:
    """Return about how many minutes answering ``questions`` questions takes."""
    return max(1, round(questions * SECONDS_PER_QUESTION / 60))


@bp.route("/quiz", methods=["GET", "POST"])
@bp.route("/quiz/<int:page>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["QUIZ_SUBMISSION_LIMIT"], methods=["POST"])
def take_quiz(page: int = 1) -> str | Response:
    """Show one page of questions; save its answers and move back, forward or to the result."""
    progress = _quiz_in_progress("full")
    bank = shown_bank(progress.version_id)
    return taking.quiz_page(
        bank,
        page,
        progress.answers,
        endpoint="public.take_quiz",
        save=progress.save,
        finish=lambda given: _finish(bank, progress, given),
        shown=progress.reach,
    )


@bp.route("/quiz/quick", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["QUIZ_SUBMISSION_LIMIT"], methods=["POST"])
def take_quick_quiz() -> str | Response:
    """Quick mode: one question at a time, the most telling next, until the answers suffice."""
    progress = _quiz_in_progress("quick")
    if SESSION_KEYS["quick"] not in session:
        progress.save(progress.answers)  # the clock starts when the first question shows
    bank = shown_bank(progress.version_id)
    # the adaptive core refuses answers the version does not have; a stale session may hold some
    progress.answers = taking.answers_in(bank, progress.answers)
    return taking.quick_question_page(
        bank,
        progress,
        endpoint="public.take_quick_quiz",
        finish=lambda given: _finish(bank, progress, given),
    )


@bp.get("/r/<token>")
def show_result(token: str) -> Response:
    """Show a stored result: in full to the browser that took it, to anyone else as a visitor.

    The owner's view (see quiz/web/ownership.py) is private to that browser; the first one
    after the quiz also hands over the delete key, and no cache may keep it. The visitor's
    view is the same for everyone holding the link, so any cache may share it. Both are
    rendered once and then served from the page cache (quiz/web/page_cache.py), apart.
    """
    if _delete_key_waiting(token):
        return _first_owner_view(token)
    view = "owner" if owns(token) else "visitor"
    # the visitor's view invites them to the latest version's quiz and says how long it takes
    latest = None
    if view == "visitor":
        pages.depend_on_live_version()  # before asking which it is: see quiz/web/page_cache.py
        latest = latest_version_id()
    form = _view_form(view, latest)
    html = pages.served(
        pages.page_key([token], "html", form),
        _still_fresh(token, form),
        lambda: _shown_result(token),
        lambda result: _result_html(result, view, latest).encode(),
    )
    response = Response(status=304) if html is None else Response(html, mimetype="text/html")
    return _result_page_caching(response, token, view, latest)


def _first_owner_view(token: str) -> Response:
    """Show the owner's view with the private delete link: this once, and never cached."""
    result = _shown_result(token)
    delete_key = _delete_key_to_show(token)
    assert delete_key is not None, "only called while the key waits for this result"
    bank = shown_bank(result.quiz_version_id)
    html = _result_html(
        result,
        "owner",
        delete_url=public_url(".delete_result", token=token, key=delete_key),
        # only the owner's view asks what they do now: the key proves whose result it is
        work_form=WorkNowForm(bank.roles),
        work_url=url_for(".report_work_now", token=token, key=delete_key),
    )
    response = Response(html, mimetype="text/html")
    # this one response carries the private delete link: no cache may keep it
    response.cache_control.no_store = True
    response.cache_control.private = True
    response.vary.add("Cookie")
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _result_html(result: Result, view: str, latest: int | None = None, **owner: Any) -> str:
    """Render a result page in ``view``; ``latest`` is the version a visitor is invited to."""
    bank = shown_bank(result.quiz_version_id)
    return render_template(
        "public/result.html",
        result=result,
        owner=view == "owner",
        page=result_page(
            bank,
            stored_result(result),
            remembered_changes_search(bank, result.quiz_version_id),
        ),
        share_url=public_url(".show_result", token=result.share_token),
        share_links=share_links,
        # a visitor is invited to take the latest version of the quiz
        minutes=_minutes(len(shown_bank(latest).questions)) if latest is not None else None,
        delete_url=owner.get("delete_url"),
        work_form=owner.get("work_form"),
        work_url=owner.get("work_url"),
    )


@bp.get("/r/<token>.json")
def result_as_json(token: str) -> Response:
    """Return a stored result's ranking as JSON."""
    return _kept_result_form(token, "json", _result_json, "application/json")


def _result_json(result: Result) -> bytes:
    bank = published_bank(result.quiz_version_id)
    version_number = quiz_version_number(result.quiz_version_id)
    return jsonify(result_json(bank, stored_result(result), version_number)).get_data()


@bp.get("/r/<token>.png")
def result_share_card(token: str) -> Response:
    """Return a stored result's share card: the picture link previews show."""
    return _kept_result_form(token, "png", _share_card, "image/png")


def _kept_result_form(
    token: str, form: str, make: Callable[[Result], bytes], mimetype: str
) -> Response:
    """Serve one form of a result, made once by ``make`` and then kept (quiz/web/page_cache.py)."""
    body = pages.served(
        pages.page_key([token], form), _still_fresh(token, form), lambda: _shown_result(token), make
    )
    if body is None:
        return _not_modified(token, form)
    return _cacheable(Response(body, mimetype=mimetype), token, form)


def _share_card(result: Result) -> bytes:
    page = result_page(shown_bank(result.quiz_version_id), stored_result(result))
    # Pillow only in the process that draws a card: most never do (docs/performance.md)
    from quiz.web.share_card import render_share_card

    return render_share_card(page, site_name=site_title())


@bp.route("/r/<token>/delete/<key>", methods=["GET", "POST"])
def delete_result(token: str, key: str) -> Response | str:
    """Ask the taker to confirm, then delete their answers for good."""
    result = _owned_result(token, key)
    form = DeleteResultForm()
    if form.validate_on_submit():
        forget_result(result)
        leave_groups(result)  # out of any group it joined, in the same transaction
        erase_result(result)
        db.session.commit()
        # after the commit: a page rendered from a read before it is never served again
        pages.forget(token, _own_page_keys(token))
        return _private(render_template("public/deleted.html"))
    return _private(render_template("public/delete.html", form=form, result=result, key=key))


@bp.route("/r/<token>/work/<key>", methods=["GET", "POST"])
def report_work_now(token: str, key: str) -> Response:
    """Let a result's owner say what they do now, or change what they said."""
    result = _owned_result(token, key)
    bank = shown_bank(result.quiz_version_id)
    years = "" if result.work_years is None else str(result.work_years)
    form = WorkNowForm(bank.roles, data={"work_now": result.work_now, "work_years": years})
    if form.validate_on_submit():
        record_work_now(result, form.work_now.data, form.years(), [r.key for r in bank.roles])
        db.session.commit()
        flash(_("Thank you: your answer is saved. It does not change your result."))
        return redirect(url_for(".report_work_now", token=token, key=key), code=303)
    html = render_template(
        "public/work_now.html",
        result=result,
        form=form,
        withdraw_form=WithdrawWorkNowForm(),
        answer={c.value: c.label for c in form.work_now.choices}.get(result.work_now),
        token=token,
        key=key,
    )
    return _private(html, status=400 if form.errors else 200)


@bp.post("/r/<token>/work/<key>/remove")
def withdraw_work_now_answer(token: str, key: str) -> Response:
    """Forget what a result's owner said they do now."""
    result = _owned_result(token, key)
    if not WithdrawWorkNowForm().validate_on_submit():
        abort(400)
    withdraw_work_now(result)
    db.session.commit()
    flash(_("Your answer about your work is removed."))
    return redirect(url_for(".report_work_now", token=token, key=key), code=303)


@bp.get("/privacy")
def privacy() -> str:
    """Say what the site keeps, for how long, and how to delete it."""
    return render_template("public/privacy.html")


@bp.get("/healthz")
def healthz() -> tuple[dict[str, Any], int]:
    """Report whether the database answers, and the state of the rate-limit store.

    Only the database makes the app unhealthy (503): without the limit store it still serves
    every page, counting limits in memory. ``limits`` is ``ok`` while the configured store
    answers, ``unavailable`` while it does not, and ``memory`` when memory is the configured
    store (quiz/web/limits.py).
    """
    limits = limiter.failover.probe()
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means unhealthy, whatever the driver raises
        db.session.rollback()
        return {"status": "unhealthy", "database": "unreachable", "limits": limits}, 503
    return {"status": "ok", "database": "ok", "limits": limits}, 200


# A result never changes, so browsers and proxies may keep it; an hour bounds how long a
# copy can outlive a deletion.
RESULT_MAX_AGE = 3600


def _result_etag(token: str, form: str) -> str:
    # the release id changes whenever templates or static files do, and with them the page;
    # the same link reads differently in each language, so a copy is only good in its own;
    # the page prints the public address, never the request's host, so the address is the
    # one host that can change it
    release = current_app.config["RELEASE_ID"]
    language = current_language()
    return f"{token[:22]}-{public_address_tag()}-{form}-{language}-{release}"


def _view_form(view: str, latest: int | None) -> str:
    # the visitor's view invites them to the latest version's quiz and says how long it
    # takes, so publishing a version changes it
    if view == "visitor":
        return f"html-visitor-v{latest}"
    return f"html-{view}"


def _own_page_keys(token: str) -> list[pages.PageKey | None]:
    """Return the keys of a result's own pages in every language: each view, JSON, share card."""
    page = url_for(".show_result", token=token)
    forms = [
        ("html", _view_form("owner", None), page),
        ("html", _view_form("visitor", latest_version_id()), page),
        ("json", "anyone", url_for(".result_as_json", token=token)),
        ("png", "anyone", url_for(".result_share_card", token=token)),
    ]
    return [
        pages.page_key([token], form, view, language=language, address=address)
        for form, view, address in forms
        for language in LANGUAGES
    ]


def _result_page_caching(
    response: Response, token: str, view: str, latest: int | None = None
) -> Response:
    """Mark a result page cacheable as its view allows; both views vary by the cookie.

    The visitor's view is the same for everyone: any cache may keep it. The owner's is
    this browser's alone: only the browser may keep it, and it asks again each time
    (an owner who deletes the result must not see it again from a cache).
    """
    response.vary.add("Cookie")
    if view == "visitor":
        return _cacheable(response, token, _view_form(view, latest))
    response.set_etag(_result_etag(token, _view_form(view, latest)))
    response.cache_control.private = True
    response.cache_control.no_cache = True
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _shown_result(token: str) -> Result:
    """Return the result for a share link: 404 if there is none, 410 if its taker deleted it."""
    result = find_result(token) or abort(404)
    if result.deleted_at is not None:
        abort(410)
    return result


def _owned_result(token: str, key: str) -> Result:
    """Return the result whose private delete key is ``key``; 404 for any other key."""
    result = _shown_result(token)
    if not delete_key_matches(result, key):
        abort(404)  # the same answer as an unknown link: nothing to learn by guessing
    return result


def _delete_key_waiting(token: str) -> bool:
    """Tell whether this browser's first view of ``token``, with its delete key, is due."""
    # a visitor without a session cookie (most share-link readers) never touches the
    # session, so their response stays free of "Vary: Cookie" and cacheable by proxies
    if current_app.config["SESSION_COOKIE_NAME"] not in request.cookies:
        return False
    created = session.get("new_result")
    return isinstance(created, dict) and created.get("token") == token


def _delete_key_to_show(token: str) -> str | None:
    """Hand over the private delete key once, on the first view after the quiz."""
    if not _delete_key_waiting(token):
        return None
    return str(session.pop("new_result")["delete_key"])


def _private(html: str, status: int = 200) -> Response:
    response = Response(html, status=status, mimetype="text/html")
    response.cache_control.no_store = True
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _still_fresh(token: str, form: str) -> bool:
    return _result_etag(token, form) in request.if_none_match


def _cacheable(response: Response, token: str, form: str) -> Response:
    response.set_etag(_result_etag(token, form))
    response.cache_control.public = True
    response.cache_control.max_age = RESULT_MAX_AGE
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _not_modified(token: str, form: str) -> Response:
    return _cacheable(Response(status=304), token, form)


class QuizProgress:
    """A visit's way through the quiz, kept in the session: version, answers, start, furthest page.

    The full quiz and quick mode each keep their own (``mode``), so starting one never
    loses the other's answers. Quick mode also keeps the order questions were answered
    in, so Back can take the last one away. The start time and the furthest page shown
    come from the server's clock and counter, never from the form, so they say how long
    a visit took and where people stop.

    ``finish_id`` names this one run through the quiz, minted with its progress: the
    result is stored under it, so the finish sent twice (a double click sends the same
    cookie twice) stores one result (quiz.store.results.create_result).
    """

    def __init__(
        self,
        mode: str,
        version_id: int,
        answers: dict[str, str],
        started: int,
        reached: int = 0,
        asked: list[str] | None = None,
        undone: dict[str, str] | None = None,
        finish_id: str | None = None,
    ):
        self.mode = mode
        self.version_id = version_id
        self.answers = answers
        self.started = started
        self.reached = reached
        self.asked = asked if asked is not None else list(answers)
        self.undone = undone or {}
        self.finish_id = finish_id or new_finish_id()

    def save(self, answers: dict[str, str]) -> None:
        self.answers = answers
        session[SESSION_KEYS[self.mode]] = {
            "version": self.version_id,
            "answers": answers,
            "started": self.started,
            "reached": self.reached,
            "asked": self.asked,
            "undone": self.undone,
            "finish": self.finish_id,
        }

    def add(self, answers: dict[str, str]) -> None:
        """Keep newly given answers, in the order given."""
        self.asked += [key for key in answers if key not in self.answers]
        self.undone = {}
        self.save({**self.answers, **answers})

    def take_back_last(self) -> None:
        """Take back the last answer given, remembering it to offer it again."""
        if self.asked:
            key = self.asked.pop()
            self.undone = {key: self.answers.pop(key)} if key in self.answers else {}
        self.save(self.answers)

    def hold(self, answers: dict[str, str]) -> None:
        """Keep an answer chosen but not sent on (the language changed), to offer it again."""
        self.undone = answers
        self.save(self.answers)

    def reach(self, page: int) -> None:
        """Count the first time this visit is shown ``page``."""
        if page <= self.reached:
            return
        self.reached = page
        count_reached_page(self.version_id, page)
        self.save(self.answers)

    def seconds_taken(self) -> int | None:
        taken = int(time.time()) - self.started
        return taken if 0 <= taken <= MAX_SECONDS_TAKEN else None


# Where each mode's quiz in progress lives in the session.
SESSION_KEYS = {"full": "quiz", "quick": "quick_quiz"}

# Longer than a week is not one sitting: the time says nothing then.
MAX_SECONDS_TAKEN = 7 * 24 * 3600


def _quiz_in_progress(mode: str) -> QuizProgress:
    """Return the quiz of ``mode`` kept in the session, or start afresh on the latest version."""
    progress = session.get(SESSION_KEYS[mode])
    if isinstance(progress, dict) and isinstance(progress.get("answers"), dict):
        version = progress.get("version")
        # only an id we could have issued: anything else would reach the database driver
        if isinstance(version, int) and 1 <= version < 2**31:
            try:
                published_bank(version)
            except LookupError:
                pass
            else:
                answers = dict(progress["answers"])
                started, reached = progress.get("started"), progress.get("reached")
                asked, undone = progress.get("asked"), progress.get("undone")
                finish_id = progress.get("finish")
                return QuizProgress(
                    mode,
                    version,
                    answers,
                    started if isinstance(started, int) else int(time.time()),
                    reached if isinstance(reached, int) else 0,
                    # a session cookie is the visitor's to edit: keep only what fits
                    [k for k in asked if k in answers] if isinstance(asked, list) else None,
                    dict(undone) if isinstance(undone, dict) else None,
                    carried_finish_id(finish_id),
                )
    version_id = latest_version_id()
    if version_id is None:
        abort(503)
    return QuizProgress(mode, version_id, {}, int(time.time()))


def _finish(bank: Bank, progress: QuizProgress, answers: dict[str, str]) -> Response:
    """Store the result of a finished quiz and show it, once, however often it is sent.

    The result's token and delete key go into the session before the commit. If the
    database commits but its reply is lost, the taker sees a 503 and retries: the retry
    finds the stored result under that token and shows it instead of storing a second.
    The same finish sent twice at once (a double click: both carry the cookie from before
    either answer) is caught by the progress's finish id instead: the second gets the first
    result, with the same delete key, and its group keeps one member.
    """
    pending = session.get("pending_result")
    if isinstance(pending, dict):
        stored = find_result(str(pending.get("token", "")))
        if stored is not None and stored.answers == answers:
            finished_again()
            return _show_new_result(stored.share_token, pending["delete_key"], progress.mode)
    result, delete_key = create_result(
        bank,
        progress.version_id,
        answers,
        seconds_taken=progress.seconds_taken(),
        mode=progress.mode,
        finish_id=progress.finish_id,
    )
    # the group this browser joined gets the result in the same transaction
    group_id = attach_to_group(result)
    session["pending_result"] = {"token": result.share_token, "delete_key": delete_key}
    db.session.commit()
    finished_in_group(group_id)
    return _show_new_result(result.share_token, delete_key, progress.mode)


def _show_new_result(token: str, delete_key: str, mode: str) -> Response:
    session.pop(SESSION_KEYS[mode], None)
    session.pop("pending_result", None)
    session["new_result"] = {"token": token, "delete_key": delete_key}
    remember_owned(token)
    return redirect(url_for(".show_result", token=token))
