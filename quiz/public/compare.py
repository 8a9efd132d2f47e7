"""Compare with a friend: two results side by side, and the form on a result page that starts it.

One URL per pair of results: the two share tokens in sorted order. The other order
redirects there, so every copy a browser or proxy keeps is of the same page. The page is in
the viewer's language (quiz/i18n.py), so its ETag names the language too.

Who is who: when this browser took one of the two results (quiz/web/ownership.py), the page
calls that side "You" and the other "Your friend", or the name the viewer gave in the form
(``?name=``: text to show, escaped like any other, never trusted). The form also says whose
name it is (``&friend=<token>``), so when the friend opens that same link their own side is
"You" and the other plain "Your friend", not their own name. That page is for this
browser only: ``private, no-cache``. Anyone else, and a browser that took both, sees "Person
A" for the result taken first and "Person B" for the later one; that page is the same for
everyone and stays publicly cacheable. Both vary on the cookie, and each ETag names its
labelling.

The same comparison as data: ``/compare/<token_a>/<token_b>.json`` (docs/api.md), in the
same token order, with the same refusals as JSON errors. It is always the neutral view
(Person A and Person B), so it never varies on who asks but their language, and every
cache may keep it. Each comparison page names it in a ``<link rel="alternate">``.

The refusals are kept in English (the tests read them) and shown in the viewer's language.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response
from wtforms import Form, HiddenField, StringField
from wtforms.validators import DataRequired, ValidationError

from quiz.core.comparison import LABELS, YOU, YOUR_FRIEND, Side, Who, compare, comparison_json
from quiz.core.messages import N_
from quiz.core.result_page import as_utc, result_page
from quiz.models import Result
from quiz.public.views import RESULT_MAX_AGE, _shown_result, bp
from quiz.store.results import SHARE_TOKEN_SHAPE, find_result, quiz_version_number, stored_result
from quiz.web import page_cache as pages
from quiz.web.banks import shown_bank
from quiz.web.i18n import LANGUAGE_PARAMETER, current_language, say
from quiz.web.i18n import lazy_gettext as _l
from quiz.web.ownership import owns
from quiz.web.urls import public_address_tag, public_url

# far longer than any share link, short enough that nothing odd hides in it
LINK_LIMIT = 500
# long enough for a first and last name, short enough for a table's heading
NAME_LIMIT = 40
# besides the C0 and C1 controls: the marks that turn text's direction around, so a name
# could make the words after it read backwards
DIRECTION_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# the parameters a comparison page's address may hold and still be kept (quiz/web/page_cache.py)
COMPARISON_QUERY = (LANGUAGE_PARAMETER, "name", "friend")
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
NAME_TOO_LONG = N_("Your friend's name is too long: keep it to 40 characters or fewer.")
NAME_WITH_CONTROLS = N_(
    "Your friend's name holds a character that can't be shown, such as a line break or a "
    "tab. Type the name on one line, with letters, digits and spaces."
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


def _trimmed(text: object) -> object:
    return text.strip() if isinstance(text, str) else text


class FriendNameForm(Form):
    """The name a viewer gives their friend, read from the query string; empty means none.

    The name is trimmed, at most ``NAME_LIMIT`` characters, and holds no control character
    (nor a mark that turns text's direction): it is shown as text, escaped, and only to the
    viewer who typed it.
    """

    name = StringField(_l("Your friend's name (optional)"), filters=[_trimmed])

    def validate_name(self, field: StringField) -> None:
        if not field.data:
            return
        if len(field.data) > NAME_LIMIT:
            raise ValidationError(NAME_TOO_LONG)
        if any(
            unicodedata.category(c) in ("Cc", "Zl", "Zp") or c in DIRECTION_CONTROLS
            for c in field.data
        ):
            raise ValidationError(NAME_WITH_CONTROLS)

    def friend_name(self) -> str | None:
        """Return the valid name, or None when the viewer gave none."""
        return self.name.data or None


class CompareForm(FriendNameForm):
    """Read from the query string: comparing changes nothing, so it needs no CSRF token."""

    mine = HiddenField()
    friend = StringField(
        _l("Your friend's result link"),
        validators=[DataRequired(message=NO_LINK)],
        filters=[_trimmed],
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
        if form.friend.errors:
            return _refused(400, form.friend.errors[0], form=form)
        return _refused(400, form.name.errors[0], form=form, name_refused=True)
    friend = find_result(form.friend_token())
    if friend is None:
        return _refused(404, FRIEND_NOT_FOUND, form=form)
    if friend.deleted_at is not None:
        return _refused(410, FRIEND_DELETED, form=form)
    first, second = sorted((mine.share_token, friend.share_token))
    return redirect(_comparison_path(first, second, form.friend_name(), friend.share_token))


@bp.get("/compare/<token_a>/<token_b>")
def compare_results(token_a: str, token_b: str) -> Response:
    """Show two results side by side with a plain reading of where they differ."""
    first, second = sorted((token_a, token_b))
    names = FriendNameForm(request.args)
    if first == second or (token_a, token_b) != (first, second) or not names.validate():
        return _comparison_refused_or_moved(token_a, token_b, names)
    viewer = _viewer(first, second, names.friend_name())
    labelling = viewer.labelling if viewer else "by-date"
    etag = _comparison_etag(first, second, labelling)
    keep = _public if viewer is None else _private
    # the name shown is in the page's address, which the key names too
    view = "by-date" if viewer is None else f"you-{viewer.mine}"
    html = pages.served(
        pages.page_key([first, second], "compare", view, query=COMPARISON_QUERY),
        etag in request.if_none_match,
        lambda: (_shown_result(first), _shown_result(second)),
        lambda results: _comparison_html(first, second, viewer, *results).encode(),
    )
    if html is None:
        return keep(Response(status=304), etag)
    return keep(Response(html, mimetype="text/html"), etag)


def _comparison_refused_or_moved(token_a: str, token_b: str, names: FriendNameForm) -> Response:
    """Answer a comparison asked for as no page is kept: the same result twice, the tokens
    in the other order (a redirect), or a name that cannot be shown."""
    first, second = sorted((token_a, token_b))
    _shown_result(first), _shown_result(second)
    if first == second:
        return _refused(400, SAME_RESULT, back=url_for(".show_result", token=first))
    if (token_a, token_b) != (first, second):
        canonical = _comparison_path(
            first, second, request.args.get("name"), request.args.get("friend")
        )
        return _public(redirect(canonical, code=308))
    without_name = url_for(".compare_results", token_a=first, token_b=second)
    return _refused(400, names.name.errors[0], back=without_name, name_refused=True)


def _comparison_html(
    first: str, second: str, viewer: _Viewer | None, result_a: Result, result_b: Result
) -> str:
    if viewer is not None:
        sides = viewer.sides({first: result_a, second: result_b})
    else:
        sides = _sides_by_date(result_a, result_b)
    return render_template(
        "public/compare.html",
        comparison=compare(*sides),
        yours=viewer is not None,
        canonical_url=public_url(".compare_results", token_a=first, token_b=second),
        json_url=public_url(".comparison_as_json", token_a=first, token_b=second),
    )


@bp.get("/compare/<token_a>/<token_b>.json")
def comparison_as_json(token_a: str, token_b: str) -> Response:
    """Return the comparison as a visitor sees it, as JSON: Person A took the quiz first."""
    first, second = sorted((token_a, token_b))
    if first == second or (token_a, token_b) != (first, second):
        _shown_result(first), _shown_result(second)
    if first == second:
        abort(400, description=SAME_RESULT)
    if (token_a, token_b) != (first, second):
        # the language asked for goes along: it is the one thing the query changes
        asked = {k: v for k, v in request.args.items() if k == LANGUAGE_PARAMETER}
        canonical = url_for(".comparison_as_json", token_a=first, token_b=second, **asked)
        return _public(redirect(canonical, code=308))
    etag = _comparison_etag(first, second, "json")
    body = pages.served(
        pages.page_key([first, second], "compare-json"),
        etag in request.if_none_match,
        lambda: (_shown_result(first), _shown_result(second)),
        lambda results: _comparison_json(*results),
    )
    if body is None:
        return _public_json(Response(status=304), etag)
    return _public_json(Response(body, mimetype="application/json"), etag)


def _comparison_json(result_a: Result, result_b: Result) -> bytes:
    comparison = compare(*_sides_by_date(result_a, result_b))
    document = comparison_json(comparison, current_language(), _result_url, say)
    return jsonify(document).get_data()


@dataclass(frozen=True)
class _Viewer:
    """A viewer who took one of the two results: theirs, their friend's, and the name given."""

    mine: str
    friend: str
    friend_name: str | None

    @property
    def labelling(self) -> str:
        """Return what the ETag says of this view: whose side is "You", and the friend's name."""
        name = hashlib.sha256((self.friend_name or "").encode()).hexdigest()[:12]
        return f"you-{self.mine[:8]}-{name}"

    def sides(self, results: dict[str, Result]) -> tuple[Side, Side]:
        """Return the viewer's side first, then their friend's, by name if they gave one."""
        mine, friend = results[self.mine], results[self.friend]
        if self.friend_name:
            friend_side = _side(self.friend_name, friend, "named")
        else:
            friend_side = _side(gettext(YOUR_FRIEND), friend, "your friend")
        return _side(gettext(YOU), mine, "you"), friend_side


def _viewer(first: str, second: str, friend_name: str | None) -> _Viewer | None:
    """Return who the viewer is if this browser took exactly one of the results, else None.

    A browser that took both is shown the neutral page: neither side is more its own. A
    name is shown only for the friend's side: when ``?friend=`` names another result (the
    friend opening the link they were sent names their own), the other side is the one who
    named them, and stays "Your friend".
    """
    yours = [token for token in (first, second) if owns(token)]
    if len(yours) != 1:
        return None
    mine = yours[0]
    friend = second if mine == first else first
    named = request.args.get("friend", friend) == friend
    return _Viewer(mine, friend, friend_name if named else None)


def _comparison_path(
    first: str, second: str, friend_name: str | None, friend: str | None = None
) -> str:
    """Return the comparison's path, with the friend's name and token if there is a name."""
    values = {"token_a": first, "token_b": second}
    if friend_name:
        values["name"] = friend_name
        if friend:
            values["friend"] = friend
    return url_for(".compare_results", **values)


def _taken(result: Result) -> tuple[object, str]:
    """Order results by when they were taken; two taken at one instant by their tokens."""
    return (as_utc(result.created_at), result.share_token)


def _sides_by_date(result_a: Result, result_b: Result) -> tuple[Side, Side]:
    """Return both sides as anyone who took neither sees them: Person A took the quiz first."""
    earlier, later = sorted((result_a, result_b), key=_taken)
    return _side(gettext(LABELS[0]), earlier), _side(gettext(LABELS[1]), later)


def _result_url(token: str) -> str:
    return public_url(".show_result", token=token)


def _side(label: str, result: Result, who: Who = "named") -> Side:
    """Read one result with its own version's bank in the viewer's language; never score again."""
    page = result_page(shown_bank(result.quiz_version_id), stored_result(result))
    version = quiz_version_number(result.quiz_version_id)
    return Side(label, result.share_token, version, page, who)


def _comparison_etag(first: str, second: str, labelling: str) -> str:
    # like a result's: both results never change, and the release id covers templates; the
    # language is the viewer's, so a copy kept in one language is never confirmed for another;
    # the labelling says whose view it is, so the owner's copy never confirms a visitor's
    # ("json" for the JSON, which is a visitor's view in another form)
    release = current_app.config["RELEASE_ID"]
    language = current_language()
    return (
        f"{first[:22]}-{second[:22]}-{public_address_tag()}-compare-{language}-{labelling}"
        f"-{release}"
    )


def _public(response: Response, etag: str | None = None) -> Response:
    """Let browsers and proxies keep it as long as a result page; keep it out of search."""
    if etag is not None:
        response.set_etag(etag)
        # the same URL says "You" to the browser that took one of the results
        response.vary.add("Cookie")
    response.cache_control.public = True
    response.cache_control.max_age = RESULT_MAX_AGE
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _public_json(response: Response, etag: str) -> Response:
    """Let any cache keep the JSON like a result's: it never says "You", whoever asks.

    Only its language follows the reader: the ETag names it, and the app's Vary
    (Accept-Language, and Cookie for the language cookie) keeps a copy per language.
    """
    response.set_etag(etag)
    return _public(response)


def _private(response: Response, etag: str) -> Response:
    """Let only this browser keep the page that calls one side "You", and ask before reuse."""
    response.set_etag(etag)
    response.vary.add("Cookie")
    response.cache_control.private = True
    response.cache_control.no_cache = True
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _refused(
    code: int,
    message: str,
    form: CompareForm | None = None,
    back: str | None = None,
    name_refused: bool = False,
) -> Response:
    """Say why there is nothing to compare, with the form again and a way back to the result.

    ``message`` is one of the English refusals above: the page says it in the viewer's language.
    ``name_refused``: the message is about the friend's name, not the link or the results.
    """
    if form is not None:
        back = url_for(".show_result", token=form.mine.data)
    html = render_template(
        "public/compare.html",
        comparison=None,
        code=code,
        message=gettext(message),
        form=form,
        name_refused=name_refused,
        back_url=back,
    )
    response = Response(html, status=code, mimetype="text/html")
    response.headers["X-Robots-Tag"] = "noindex"
    return response
