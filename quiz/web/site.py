"""The site's own words: its title and tagline, and the roles it compares, as a visitor reads them.

Nothing here names a role: the roles are those of the live version (the latest published),
in the visitor's language, so a bank with other roles is described by its own. The title
and the tagline are settings (SITE_TITLE, SITE_TAGLINE); an unset tagline is the default
sentence, translated like every other text, while one that is set is used as given.
"""

from __future__ import annotations

from collections.abc import Iterable

from babel.lists import format_list
from flask import Flask, current_app

from quiz.web.i18n import current_language, lazy_gettext

DEFAULT_TAGLINE = lazy_gettext("Which AI and data role fits you?")

# The locale a language's lists are joined in. The site writes British English (colour,
# normalise), whose lists have no comma before "and": "A, B and C".
LIST_LOCALES = {"en": "en_GB"}


def site_title() -> str:
    """Return the site's name as the settings give it (SITE_TITLE)."""
    return str(current_app.config["SITE_TITLE"])


def site_tagline() -> str:
    """Return the tagline: SITE_TAGLINE as given, else the default in the visitor's language."""
    configured = current_app.config.get("SITE_TAGLINE")
    return str(configured) if configured else str(DEFAULT_TAGLINE)


def listed(names: Iterable[str]) -> str:
    """Join ``names`` the way the visitor's language lists things: "A, B and C", "A, B und C"."""
    language = current_language()
    return format_list(list(names), locale=LIST_LOCALES.get(language, language))


def register(app: Flask) -> None:
    app.add_template_filter(listed, "listed")

    @app.context_processor
    def site_context() -> dict[str, object]:
        return {"site_title": site_title(), "site_tagline": site_tagline()}
