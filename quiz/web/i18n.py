"""Languages: which one a request is served in, the switcher's cookie, and caching by language.

The interface's strings are translated with Flask-Babel from the catalogs in
quiz/translations (docs/translating.md says how to update them). The question bank
carries its own translations per published version (see :meth:`quiz.core.bank.Bank.in_language`).
What the pure code says comes as :class:`~quiz.core.messages.Message` objects, worded here by
:func:`say` (in templates, the ``say`` filter) and nowhere else.

A visitor's language is, in order: the one the address names (``?lang=de``), else the
one they picked with the switcher (a cookie), else the best match for their browser's
Accept-Language, else English. It belongs to the viewer, not to the page: a share link
opens in the language of whoever opens it. The ``lang`` parameter is for the public pages
a search engine indexes: each language of a page needs an address of its own that serves
it to a crawler with no cookie (see the hreflang links in templates/base.html).
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Flask, has_request_context, redirect, request
from flask_babel import Babel, format_decimal, get_locale, get_translations, gettext
from flask_babel.speaklater import LazyString
from markupsafe import Markup, escape
from werkzeug.wrappers import Request, Response

from quiz.core.messages import Message
from quiz.settings import PACKAGE_DIR
from quiz.web.redirects import same_site_path

# The languages the interface is complete in, each named in itself for the switcher.
LANGUAGES = {"en": "English", "de": "Deutsch"}
DEFAULT_LANGUAGE = "en"
LANGUAGE_COOKIE = "lang"
# the query parameter naming a page's language in its address
LANGUAGE_PARAMETER = "lang"
# a preference, not a secret: long-lived, sent to this site only
LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 3600

babel = Babel()
bp = Blueprint("language", __name__)


class LazyText(LazyString):
    """A text made at import time (a form label, a message), translated when it is shown.

    Flask-Babel's own lazy strings hand their text to Jinja as markup, unescaped, so an
    apostrophe in a label, or whatever a translation puts in, would reach the page as it
    is. These are escaped like every other text.
    """

    def __html__(self) -> Markup:
        return escape(str(self))


def lazy_gettext(string: str, **variables: object) -> LazyText:
    """Return ``string``, to be translated into the language of the request that shows it.

    Imported as ``_l``, the name `pybabel extract` is told to look for.
    """
    return LazyText(gettext, string, **variables)


def say(message: Message) -> str:
    """Word ``message`` in the language of the request being served (English outside one).

    Its text comes from the catalog, each value worded in the same language, and each
    :class:`~quiz.core.messages.Figure` written with the locale's decimal separator
    (12.5 in English, 12,5 in German). The result is plain text: templates escape it.
    """
    if not has_request_context():
        return str(message)  # the command line, a timer: they speak the default
    return message.worded(get_translations(), _decimal)


def _decimal(value: float, places: int) -> str:
    """Write ``value`` with ``places`` decimals, as the filters' ``number`` does."""
    return format_decimal(value, format="#,##0" + ("." + "0" * places if places else ""))


def select_language() -> str:
    """Return the language code this request is served in (English outside a request)."""
    if not has_request_context():
        return DEFAULT_LANGUAGE  # the command line, a timer: they speak the default
    return language_asked(request)


def language_asked(asked: Request) -> str:
    """Return the language ``asked`` is served in: the address's, the cookie's, the browser's."""
    named = asked.args.get(LANGUAGE_PARAMETER)
    if named in LANGUAGES:
        return named
    chosen = asked.cookies.get(LANGUAGE_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    return asked.accept_languages.best_match(LANGUAGES, default=DEFAULT_LANGUAGE)


def current_language() -> str:
    """Return the language of the request being served ("en" outside a request)."""
    locale = get_locale()
    return locale.language if locale is not None else DEFAULT_LANGUAGE


@bp.get("/language/<code>")
def choose_language(code: str) -> Response:
    """Remember the language a visitor picked, then take them back to the page they were on.

    A plain link, so the switcher works without JavaScript; choosing a language
    changes nothing stored on the server, so it needs no form or CSRF token. On a quiz
    page the switcher's buttons send the quiz form instead, to keep its answers.
    """
    return switch_language(code, same_site_path(request.args.get("next")) or "/")


def switch_language(code: str, back_to: str) -> Response:
    """Remember ``code`` as the visitor's language and send them on to ``back_to`` (this site).

    The quiz pages switch through their own form instead of the link, so the answers on
    the page are kept first (quiz/web/taking.py); both end here.
    """
    if code not in LANGUAGES:
        # an unknown code is most likely a hand-edited link or form: use the default language
        code = DEFAULT_LANGUAGE
    response = redirect(back_to, code=303)
    response.set_cookie(
        LANGUAGE_COOKIE,
        code,
        max_age=LANGUAGE_COOKIE_MAX_AGE,
        samesite="Lax",
        httponly=True,
        secure=request.is_secure,
    )
    response.cache_control.no_store = True
    return response


def vary_by_language(response: Response) -> Response:
    """Tell caches a page depends on the language cookie and the browser's languages."""
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    return response


def register(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(PACKAGE_DIR / "translations"))
    babel.init_app(app, locale_selector=select_language)
    app.register_blueprint(bp)
    app.after_request(vary_by_language)
    app.add_template_filter(say, "say")

    @app.context_processor
    def language_context() -> dict[str, object]:
        return {
            "languages": LANGUAGES,
            "current_language": current_language(),
            "language_switch_next": switch_back_path(),
        }


def switch_back_path() -> str:
    """Return the path the switcher comes back to: this page, with its query but its language.

    An address naming its language would override the one just picked.
    """
    if not has_request_context():
        return "/"
    if LANGUAGE_PARAMETER not in request.args:
        return request.full_path.rstrip("?")
    query = urlencode(
        [(k, v) for k, v in request.args.items(multi=True) if k != LANGUAGE_PARAMETER]
    )
    return f"{request.path}?{query}" if query else request.path
