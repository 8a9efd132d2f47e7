"""The quiz inside a frame on another site: /embed/, the quiz, quick mode, a result, a role.

Only the sites in EMBED_ALLOWED_ORIGINS may frame these pages (quiz/web/security.py); every
other page of the site stays unframeable. The layout is compact: no header or footer, a
small credit link, and static/js/embed.js telling the host page how tall the frame's
content is (docs/embedding.md).

Where the answers are kept. A browser does not send the site's SameSite=Lax session
cookie to a page framed by another site, and many browsers block third-party cookies
altogether, so the embedded quiz keeps no cookie at all. Its progress (version, answers,
start time, furthest page) travels in the page addresses as one signed value, ``s``: each
page's form is sent to an address carrying it, and the next page's address carries the
new one. The signature (the app's SECRET_KEY) means a taker cannot make up answers the
server never accepted or a start time it never gave; a value older than
EMBED_STATE_MAX_AGE starts the quiz afresh.

Forgery. The embedded pages never read or write the site's session, so a form sent from
another site can act on nothing but the progress it carries itself. Still, every POST
must carry a signed progress this server issued, and a form token bound to it (the
HMAC of the progress's own random id): a form sent without a page of ours gets a 400.
The site-wide CSRF check, which reads the session, is off for this blueprint only.

A group's join link in the frame (/embed/g/<code>): its form is sent to an address carrying
a signed ticket its token is bound to; joining puts the group's id, the name given and the
share choice into the signed progress, and the finish adds the result to that group in the
same transaction. Nothing unsigned (the code in the path included) decides the group.

Finishing once. Each run through the quiz gets a one-time finish id when its progress is
first made (for a group, when its join page is shown, inside the ticket), signed with the
rest. The result is stored under it (quiz.store.results.create_result), so the last page
sent twice (a double click, a reload that resends, Back and send again) or the join form
sent twice stores one result and one membership, and every answer leads to that result.

The result opens in the frame with a link to the full result page in a new tab. The
browser that finished the quiz is its owner: the link to its own result carries a signed
claim that, opened at the top level, where the site's cookie works, makes the full page
show the owner's view and hand over the private delete link once, as after the full quiz.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response
from wtforms import Field, Form
from wtforms.csrf.core import CSRF
from wtforms.validators import ValidationError

from quiz.core.bank import Bank
from quiz.core.result_page import result_page
from quiz.db import db
from quiz.models import Group
from quiz.public.group_forms import JoinGroupForm
from quiz.public.views import (
    QUICK_MODE_TYPICAL_QUESTIONS,
    QuizProgress,
    _minutes,
    _shown_result,
)
from quiz.store import groups
from quiz.store.groups import record_finished
from quiz.store.publishing import latest_version_id, published_bank
from quiz.store.results import (
    carried_finish_id,
    create_result,
    delete_key_matches,
    new_finish_id,
    stored_result,
)
from quiz.web import taking
from quiz.web.banks import shown_bank
from quiz.web.extensions import csrf, limiter
from quiz.web.i18n import LANGUAGE_PARAMETER, LANGUAGES
from quiz.web.i18n import lazy_gettext as _l
from quiz.web.ownership import remember_owned
from quiz.web.security import allow_framing
from quiz.web.taking_forms import QuickQuestionForm, QuizPageForm
from quiz.web.urls import public_url

bp = Blueprint("embed", __name__, url_prefix="/embed")
# the site-wide check reads the session, which a framed page never has (see above)
csrf.exempt(bp)

# the query parameter that carries a quiz's signed progress
STATE_PARAMETER = "s"
# the query parameter that carries the claim to a just-finished result
OWNER_PARAMETER = "own"
# a quiz left in a frame longer than this starts again; so does a claim this old
EMBED_STATE_MAX_AGE = 24 * 3600
STATE_SALT = "career-fit.embed.progress"
OWNER_SALT = "career-fit.embed.owner"
TOKEN_SALT = b"career-fit.embed.form-token"
# the pages whose addresses carry the progress
QUIZ_ENDPOINTS = {
    "embed.take_quiz": "full",
    "embed.take_quick_quiz": "quick",
    "embed.take_group_quiz": "full",
    "embed.take_group_quick_quiz": "quick",
}
# the pages of a group joined in the frame, whose addresses name the group's join code
GROUP_PAGES = frozenset(
    {"embed.join_group", "embed.take_group_quiz", "embed.take_group_quick_quiz"}
)
# the signed ticket a group's embedded join page puts in its form's address
JOIN_SALT = "career-fit.embed.join"

EXPIRED = _l(
    "This page of the quiz has expired or was changed on the way. Please start the quiz again."
)
FORGED = _l("This form did not come from a page of this quiz. Please start the quiz again.")


@bp.before_request
def let_allowed_sites_frame() -> None:
    """Let EMBED_ALLOWED_ORIGINS frame every embed page but the claim, which opens on its own."""
    if request.endpoint != "embed.claim_result":
        allow_framing()


@bp.url_defaults
def carry_state(endpoint: str, values: dict[str, Any]) -> None:
    """Give embed addresses the language the frame was opened in, and quiz pages the progress."""
    language = request.args.get(LANGUAGE_PARAMETER)
    if language in LANGUAGES:
        values.setdefault(LANGUAGE_PARAMETER, language)
    if endpoint == request.endpoint:
        # only the quiz being taken: quick mode's link to the full quiz starts that afresh
        if endpoint in QUIZ_ENDPOINTS and g.get("embed_state"):
            values.setdefault(STATE_PARAMETER, g.embed_state)
        # the quiz pages build their next address from the page alone (quiz/web/taking.py);
        # any other part of the path (a group's code, say) stays as it is
        for name, value in (request.view_args or {}).items():
            if name != "page":
                values.setdefault(name, value)
    elif endpoint in GROUP_PAGES and request.endpoint in GROUP_PAGES:
        # from a group's quick mode to its join page, say: the same group
        values.setdefault("code", (request.view_args or {}).get("code"))


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=salt)  # type: ignore[arg-type]


def form_token(flow: str) -> str:
    """Return the form token of the quiz with random id ``flow``: a keyed hash of it."""
    key = hashlib.sha256(TOKEN_SALT + str(current_app.secret_key).encode()).digest()
    return hmac.new(key, flow.encode(), hashlib.sha256).hexdigest()


class StateBoundCSRF(CSRF):
    """A CSRF token bound to the quiz's signed progress instead of the session (see above)."""

    def generate_csrf_token(self, csrf_token_field: Field) -> str:
        return form_token(g.embed_flow)

    def validate_csrf_token(self, form: Form, field: Field) -> None:
        if not hmac.compare_digest(str(field.data or ""), form_token(g.embed_flow)):
            raise ValidationError(str(FORGED))


class EmbedQuizPageForm(QuizPageForm):
    class Meta:
        csrf_class = StateBoundCSRF


class EmbedQuickQuestionForm(QuickQuestionForm):
    class Meta:
        csrf_class = StateBoundCSRF


class EmbedJoinGroupForm(JoinGroupForm):
    class Meta:
        csrf_class = StateBoundCSRF


class EmbedTokenForm(FlaskForm):
    """Only the form token: checked on every POST before the quiz reads the answers."""

    class Meta:
        csrf_class = StateBoundCSRF


class EmbeddedProgress(QuizProgress):
    """A quiz's progress kept in the signed ``s`` of the frame's addresses, never in a cookie."""

    def __init__(
        self,
        *args: Any,
        flow: str,
        notice: bool = False,
        group: dict[str, Any] | None = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.flow = flow
        self.notice = notice
        # the group joined in the frame, {"id", "name", "share"}: only ever set by the
        # server when the join form was sent, and signed with the rest
        self.group = group

    def save(self, answers: dict[str, str]) -> None:
        self.answers = answers
        g.embed_state = self.sealed()

    def sealed(self) -> str:
        """Return the progress as the signed value the next address carries."""
        return _serializer(STATE_SALT).dumps(
            {
                "mode": self.mode,
                "version": self.version_id,
                "answers": self.answers,
                "started": self.started,
                "reached": self.reached,
                "asked": self.asked,
                "undone": self.undone,
                "flow": self.flow,
                "notice": self.notice,
                "group": self.group,
                "finish": self.finish_id,
            }
        )

    def tell_unanswered(self, _message: str) -> None:
        """Remember to say, on the page the quiz goes back to, that answers are missing."""
        self.notice = True
        g.embed_state = self.sealed()


def _embedded_progress(mode: str) -> EmbeddedProgress:
    """Return the progress the address carries, or start afresh on the latest version.

    A POST must carry a progress of ours, not expired, and the form token bound to it:
    anything else is refused with a 400 (see the module docstring).
    """
    progress = _carried_progress(mode)
    if progress is None:
        if request.method == "POST":
            abort(400, description=str(EXPIRED))
        version_id = latest_version_id()
        if version_id is None:
            abort(503)
        # a fresh progress mints its finish id (QuizProgress)
        progress = EmbeddedProgress(
            mode, version_id, {}, int(time.time()), flow=secrets.token_urlsafe(12)
        )
    g.embed_flow = progress.flow
    if request.method == "POST" and not EmbedTokenForm().validate():
        abort(400, description=str(FORGED))
    g.embed_state = progress.sealed()
    return progress


def _carried_progress(mode: str) -> EmbeddedProgress | None:
    """Return the progress in the address if it is ours, fresh and of ``mode``, else None."""
    carried = request.args.get(STATE_PARAMETER)
    if not carried:
        return None
    try:
        state = _serializer(STATE_SALT).loads(carried, max_age=EMBED_STATE_MAX_AGE)
    except BadSignature:  # expired values raise its subclass SignatureExpired
        return None
    if not isinstance(state, dict) or state.get("mode") != mode:
        return None
    version, answers, flow = state.get("version"), state.get("answers"), state.get("flow")
    if not (isinstance(version, int) and isinstance(answers, dict) and isinstance(flow, str)):
        return None
    try:
        published_bank(version)
    except LookupError:
        return None
    asked, undone, group = state.get("asked"), state.get("undone"), state.get("group")
    return EmbeddedProgress(
        mode,
        version,
        dict(answers),
        int(state.get("started") or time.time()),
        int(state.get("reached") or 0),
        [k for k in asked if k in answers] if isinstance(asked, list) else None,
        dict(undone) if isinstance(undone, dict) else None,
        # a progress signed before finish ids were carried gets one from here on
        carried_finish_id(state.get("finish")),
        flow=flow,
        notice=bool(state.get("notice")),
        group=group if isinstance(group, dict) and isinstance(group.get("id"), int) else None,
    )


def _notices(progress: EmbeddedProgress) -> list[str]:
    """Return the notice the last page left for this one, once."""
    if request.method != "GET" or not progress.notice:
        return []
    progress.notice = False
    g.embed_state = progress.sealed()
    return [str(taking.UNANSWERED_MESSAGE)]


def _embed_context() -> dict[str, Any]:
    return {"layout": "embed/base.html", "full_quiz_endpoint": "embed.take_quiz"}


@bp.get("/")
def start() -> str:
    """Invite the visitor to the full quiz or quick mode, inside the frame."""
    version_id = latest_version_id()
    if version_id is None:
        abort(503)
    questions = len(shown_bank(version_id).questions)
    return render_template(
        "embed/start.html",
        minutes=_minutes(questions),
        quick_minutes=_minutes(min(questions, QUICK_MODE_TYPICAL_QUESTIONS)),
    )


@bp.route("/quiz", methods=["GET", "POST"])
@bp.route("/quiz/<int:page>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["QUIZ_SUBMISSION_LIMIT"], methods=["POST"])
def take_quiz(page: int = 1) -> str | Response:
    """Show one page of the quiz in the frame; its progress travels in the address."""
    return _quiz_page(_embedded_progress("full"), page, "embed.take_quiz")


@bp.route("/quiz/quick", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["QUIZ_SUBMISSION_LIMIT"], methods=["POST"])
def take_quick_quiz() -> str | Response:
    """Quick mode in the frame: one question at a time, its progress in the address."""
    return _quick_page(_embedded_progress("quick"), "embed.take_quick_quiz")


def _quiz_page(progress: EmbeddedProgress, page: int, endpoint: str) -> str | Response:
    bank = shown_bank(progress.version_id)
    return taking.quiz_page(
        bank,
        page,
        progress.answers,
        endpoint=endpoint,
        save=progress.save,
        finish=lambda given: _finish(bank, progress, given),
        shown=progress.reach,
        form_class=EmbedQuizPageForm,
        notify=progress.tell_unanswered,
        notices=_notices(progress),
        **_embed_context(),
    )


def _quick_page(progress: EmbeddedProgress, endpoint: str) -> str | Response:
    bank = shown_bank(progress.version_id)
    # the adaptive core refuses answers the version does not have
    progress.answers = taking.answers_in(bank, progress.answers)
    context = _embed_context()
    if endpoint == "embed.take_group_quick_quiz":
        # the full quiz of a group starts from its join page, where it can be chosen
        context["full_quiz_endpoint"] = "embed.join_group"
    return taking.quick_question_page(
        bank,
        progress,
        endpoint=endpoint,
        finish=lambda given: _finish(bank, progress, given),
        form_class=EmbedQuickQuestionForm,
        **context,
    )


@bp.route("/g/<code>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["QUIZ_SUBMISSION_LIMIT"], methods=["POST"])
def join_group(code: str) -> str | Response | tuple[str, int]:
    """A group's join page in the frame: whose group, what its owner sees, then the quiz.

    Without a session, the form's address carries a signed ticket (the group's id and a
    random id the form token is bound to); joining puts the group, the name given and the
    share choice into the quiz's signed progress, which the finish reads. Every GET counts
    as the link opened (the frame cannot remember a browser); every join, as started, but
    the same join page's form sent twice only once (its finish id).
    """
    group = groups.find_by_join_code(code)
    if group is None:
        return render_template("embed/group_gone.html", group=None), 404
    if not groups.is_open(group):
        return render_template("embed/group_gone.html", group=group), 410
    if request.method == "POST":
        ticket = _join_ticket(group)
        if ticket is None:
            abort(400, description=str(EXPIRED))
        g.embed_flow, finish_id = ticket
        if not EmbedTokenForm().validate():
            abort(400, description=str(FORGED))
    else:
        # the run's finish id is minted with the page, so joining twice with this one
        # form (sent twice) still finishes one result, one member
        g.embed_flow, finish_id = secrets.token_urlsafe(12), new_finish_id()
    form = EmbedJoinGroupForm()
    if form.validate_on_submit():
        version_id = latest_version_id()
        if version_id is None:
            abort(503)
        mode = "quick" if form.mode.data == "quick" else "full"
        progress = EmbeddedProgress(
            mode,
            version_id,
            {},
            int(time.time()),
            finish_id=finish_id,
            flow=g.embed_flow,
            group={
                "id": group.id,
                "name": form.display_name.data or "",
                "share": bool(form.shares_result.data),
            },
        )
        groups.count_started_once(group, finish_id)
        db.session.commit()
        endpoint = "embed.take_group_quick_quiz" if mode == "quick" else "embed.take_group_quiz"
        return redirect(
            url_for(endpoint, code=code, **{STATE_PARAMETER: progress.sealed()}), code=303
        )
    if request.method == "GET":
        groups.count_opened(group)
        db.session.commit()
    ticket = _serializer(JOIN_SALT).dumps(
        {"group": group.id, "flow": g.embed_flow, "finish": finish_id}
    )
    return render_template(
        "embed/group_join.html",
        group=group,
        form=form,
        owner=_owner(group),
        action=url_for(".join_group", code=code, **{STATE_PARAMETER: ticket}),
    ), 400 if form.errors else 200


def _owner(group: Group) -> str:
    return group.owner.email if group.owner is not None else ""


def _join_ticket(group: Group) -> tuple[str, str | None] | None:
    """Return the random id and finish id of the address's join ticket if it is ours and
    this group's, else None."""
    try:
        ticket = _serializer(JOIN_SALT).loads(
            request.args.get(STATE_PARAMETER, ""), max_age=EMBED_STATE_MAX_AGE
        )
    except BadSignature:
        return None
    if not isinstance(ticket, dict) or ticket.get("group") != group.id:
        return None
    flow = ticket.get("flow")
    return (flow, carried_finish_id(ticket.get("finish"))) if isinstance(flow, str) else None


@bp.route("/g/<code>/quiz", methods=["GET", "POST"])
@bp.route("/g/<code>/quiz/<int:page>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["QUIZ_SUBMISSION_LIMIT"], methods=["POST"])
def take_group_quiz(code: str, page: int = 1) -> str | Response:
    """The full quiz of a group joined in the frame; without a joined group, its join page."""
    progress = _group_progress(code, "full")
    if progress is None:
        return redirect(url_for(".join_group", code=code), code=303)
    return _quiz_page(progress, page, "embed.take_group_quiz")


@bp.route("/g/<code>/quiz/quick", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["QUIZ_SUBMISSION_LIMIT"], methods=["POST"])
def take_group_quick_quiz(code: str) -> str | Response:
    """Quick mode of a group joined in the frame; without a joined group, its join page."""
    progress = _group_progress(code, "quick")
    if progress is None:
        return redirect(url_for(".join_group", code=code), code=303)
    return _quick_page(progress, "embed.take_group_quick_quiz")


def _group_progress(code: str, mode: str) -> EmbeddedProgress | None:
    """Return the carried progress of a group joined in the frame, or None to join first.

    Only the signed progress says which group the result joins; the code in the path must
    not name another group. A POST without such a progress is refused with a 400.
    """
    carried = _carried_progress(mode)
    group = groups.find_by_join_code(code)
    if (
        carried is None
        or carried.group is None
        or (group is not None and group.id != carried.group["id"])
    ):
        if request.method == "POST":
            abort(400, description=str(EXPIRED))
        return None
    # checks the form token on a POST, and seals the progress for the next address
    return _embedded_progress(mode)


def _finish(bank: Bank, progress: EmbeddedProgress, answers: dict[str, str]) -> Response:
    """Store the finished quiz's result and show it in the frame, claimable by its taker."""
    result, delete_key = create_result(
        bank,
        progress.version_id,
        answers,
        seconds_taken=progress.seconds_taken(),
        mode=progress.mode,
        finish_id=progress.finish_id,
    )
    if progress.group is not None:
        # the group joined in the frame gets the result in the same transaction (once: the
        # same finish sent again returns the result stored first, already a member)
        record_finished(
            progress.group["id"],
            result,
            str(progress.group.get("name") or ""),
            bool(progress.group.get("share")),
        )
    db.session.commit()
    claim = _serializer(OWNER_SALT).dumps({"token": result.share_token, "key": delete_key})
    g.embed_state = None  # the quiz is done: the result's address carries no progress
    return redirect(
        url_for(".show_result", token=result.share_token, **{OWNER_PARAMETER: claim}), code=303
    )


def _claimed_key(token: str) -> str | None:
    """Return the delete key the address's claim holds for result ``token``, if it is valid."""
    claim = request.args.get(OWNER_PARAMETER)
    if not claim:
        return None
    try:
        held = _serializer(OWNER_SALT).loads(claim, max_age=EMBED_STATE_MAX_AGE)
    except BadSignature:
        return None
    if not isinstance(held, dict) or held.get("token") != token:
        return None
    key = held.get("key")
    return key if isinstance(key, str) else None


@bp.get("/r/<token>")
def show_result(token: str) -> Response:
    """Show a result compactly in the frame, with a link to the full result in a new tab.

    Its taker (the frame that just finished the quiz, holding the claim) reads "your";
    anyone else, such as a page framing a shared result, reads "their".
    """
    result = _shown_result(token)
    bank = shown_bank(result.quiz_version_id)
    claim = request.args.get(OWNER_PARAMETER) if _claimed_key(token) else None
    html = render_template(
        "embed/result.html",
        page=result_page(bank, stored_result(result)),
        owner=claim is not None,
        full_url=(
            public_url(".claim_result", token=token, **{OWNER_PARAMETER: claim})
            if claim
            else public_url("public.show_result", token=token)
        ),
    )
    response = Response(html, mimetype="text/html")
    response.headers["X-Robots-Tag"] = "noindex"
    if claim:
        # the claim's links lead to the private delete link: no cache may keep them
        response.cache_control.no_store = True
    else:
        response.cache_control.public = True
        response.cache_control.max_age = 3600
    return response


@bp.get("/r/<token>/mine")
def claim_result(token: str) -> Response:
    """Open a result finished in a frame as its owner: the full page, with the delete link once.

    Opened at the top level (the frame's link opens a new tab), where the site's session
    cookie works; the claim is the signed pair of token and delete key the frame was given.
    """
    result = _shown_result(token)
    key = _claimed_key(token)
    if key is None or not delete_key_matches(result, key):
        return redirect(url_for("public.show_result", token=token), code=303)
    session["new_result"] = {"token": token, "delete_key": key}
    remember_owned(token)
    response = redirect(url_for("public.show_result", token=token), code=303)
    response.cache_control.no_store = True
    return response


@bp.get("/roles/<key>")
def show_role(key: str) -> str:
    """Show one role compactly in the frame, with a link to its full page in a new tab."""
    version_id = latest_version_id()
    if version_id is None:
        abort(503)
    bank = shown_bank(version_id)
    role = bank.role_by_key.get(key) or abort(404)
    return render_template("embed/role.html", role=role)
