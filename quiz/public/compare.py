"""Compare with a friend: two results side by side, and the form on a result page that starts it.

One URL per pair of results: the two share tokens in sorted order. The other order
redirects there, so every copy a browser or proxy keeps is of the same page. The page is in
the viewer's language (quiz/i18n.py), so its ETag names the language too.

The refusals are kept in English (the tests read them) and shown in the viewer's language.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response
from wtforms import Form, HiddenField, StringField
from wtforms.validators import DataRequired, ValidationError

from quiz.core.comparison import LABELS, Side, compare
from quiz.core.messages import N_
from quiz.core.result_page import result_page
from quiz.models import Result
from quiz.public.views import RESULT_MAX_AGE, _shown_result, bp
from quiz.store.results import SHARE_TOKEN_SHAPE, find_result, quiz_version_number, stored_result
from quiz.web.banks import shown_bank
from quiz.web.i18n import current_language
from quiz.web.i18n import lazy_gettext as _l
from quiz.web.urls import public_address_tag, public_url

# far longer than any share link, short enough that nothing odd hides in it
LINK_LIMIT = 500
SHARE_PATH = re.compile(rf"/r/({SHARE_TOKEN_SHAPE.pattern})")

NOT_A_LINK = N_(
    "That doesn't look like a link to a result on this site. Paste the whole link your friend "
    "shared: it ends in /r/ and a long run of letters and digits."
)
NO_LINK = N_("Paste the link to your friend's result.")
SAME_LINK = N_("That is the link to your own result. Paste the link to your friend's result.")
SAME_RESULT = N_("These are the same result. Compare two different results: yours and a friend's.")
FRIEND_NOT_FOUND = N_(
    "We couldn't find a result at that link. Check that you copied all of it, or ask your "
    "friend to send it again."
)
FRIEND_DELETED = N_("The result at that link was deleted by the person who took the quiz.")
NO_RESULT_OF_YOUR_OWN = N_(
    "To compare, start from your own result page and paste your friend's link there."
)


def token_from_link(text: str) -> str | None:
    """Return the share token in a pasted result link, or None if it holds none.

    Accepted: a full link (http or https, any host: the token alone names the result,
    and a query or fragment is ignored), a path ``/r/<token>``, or the bare token.
    """
    text = text.strip()
    if SHARE_TOKEN_SHAPE.fullmatch(text):
        return text
    try:
        parts = urlsplit(text)
    except ValueError:  # such as an unclosed [ in the host
        return None
    web_link = parts.scheme.lower() in ("http", "https") and parts.netloc
    if (parts.scheme or parts.netloc) and not web_link:
        return None
    match = SHARE_PATH.fullmatch(parts.path)
    return match.group(1) if match else None


class CompareForm(Form):
    """Read from the query string: comparing changes nothing, so it needs no CSRF token."""

    mine = HiddenField()
    friend = StringField(
        _l("Your friend's result link"),
        validators=[DataRequired(message=NO_LINK)],
        filters=[lambda text: text.strip() if isinstance(text, str) else text],
    )

    def validate_mine(self, field: HiddenField) -> None:
        if not isinstance(field.data, str) or not SHARE_TOKEN_SHAPE.fullmatch(field.data):
            raise ValidationError(NO_RESULT_OF_YOUR_OWN)

    def validate_friend(self, field: StringField) -> None:
        token = token_from_link(field.data) if len(field.data) <= LINK_LIMIT else None
        if token is None:
            raise ValidationError(NOT_A_LINK)
        if token == self.mine.data:
            raise ValidationError(SAME_LINK)

    def friend_token(self) -> str:
        token = token_from_link(self.friend.data)
        assert token is not None, "call after validate()"
        return token


@bp.get("/compare")
def start_comparison() -> Response:
    """Read a friend's result link and open the comparison of the two results."""
    form = CompareForm(request.args)
    valid = form.validate()
    if form.mine.errors:
        abort(400, description=NO_RESULT_OF_YOUR_OWN)
    mine = _shown_result(form.mine.data)
    if not valid:
        return _refused(400, form.friend.errors[0], form=form)
    friend = find_result(form.friend_token())
    if friend is None:
        return _refused(404, FRIEND_NOT_FOUND, form=form)
    if friend.deleted_at is not None:
        return _refused(410, FRIEND_DELETED, form=form)
    first, second = sorted((mine.share_token, friend.share_token))
    return redirect(url_for(".compare_results", token_a=first, token_b=second))


@bp.get("/compare/<token_a>/<token_b>")
def compare_results(token_a: str, token_b: str) -> Response:
    """Show two results side by side with a plain reading of where they differ."""
    first, second = sorted((token_a, token_b))
    result_a, result_b = _shown_result(first), _shown_result(second)
    if first == second:
        return _refused(400, SAME_RESULT, back=url_for(".show_result", token=first))
    if (token_a, token_b) != (first, second):
        canonical = url_for(".compare_results", token_a=first, token_b=second)
        return _public(redirect(canonical, code=308))
    etag = _comparison_etag(first, second)
    if etag in request.if_none_match:
        return _public(Response(status=304), etag)
    label_a, label_b = (gettext(label) for label in LABELS)
    comparison = compare(_side(label_a, result_a), _side(label_b, result_b))
    html = render_template(
        "public/compare.html",
        comparison=comparison,
        canonical_url=public_url(".compare_results", token_a=first, token_b=second),
    )
    return _public(Response(html, mimetype="text/html"), etag)


def _side(label: str, result: Result) -> Side:
    """Read one result with its own version's bank in the viewer's language; never score again."""
    page = result_page(shown_bank(result.quiz_version_id), stored_result(result))
    return Side(label, result.share_token, quiz_version_number(result.quiz_version_id), page)


def _comparison_etag(first: str, second: str) -> str:
    # like a result's: both results never change, and the release id covers templates; the
    # language is the viewer's, so a copy kept in one language is never confirmed for another
    release = current_app.config["RELEASE_ID"]
    language = current_language()
    return f"{first[:22]}-{second[:22]}-{public_address_tag()}-compare-{language}-{release}"


def _public(response: Response, etag: str | None = None) -> Response:
    """Let browsers and proxies keep it as long as a result page; keep it out of search."""
    if etag is not None:
        response.set_etag(etag)
    response.cache_control.public = True
    response.cache_control.max_age = RESULT_MAX_AGE
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _refused(
    code: int, message: str, form: CompareForm | None = None, back: str | None = None
) -> Response:
    """Say why there is nothing to compare, with the form again and a way back to the result.

    ``message`` is one of the English refusals above: the page says it in the viewer's language.
    """
    if form is not None:
        back = url_for(".show_result", token=form.mine.data)
    html = render_template(
        "public/compare.html",
        comparison=None,
        code=code,
        message=gettext(message),
        form=form,
        back_url=back,
    )
    response = Response(html, status=code, mimetype="text/html")
    response.headers["X-Robots-Tag"] = "noindex"
    return response
