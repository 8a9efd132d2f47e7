"""Texts defined at import time (form labels, hints, validator messages), translated when shown.

Flask-Babel's own lazy strings hand their text to Jinja as markup, unescaped: an apostrophe
in a label, or anything a translation puts in, would reach the page as it is. These are
escaped like every other text.
"""

from __future__ import annotations

from flask_babel import gettext
from flask_babel.speaklater import LazyString
from markupsafe import Markup, escape


class LazyText(LazyString):
    """A text translated into the language of the request that shows it, escaped in HTML."""

    def __html__(self) -> Markup:
        return escape(str(self))


def lazy_gettext(string: str, **variables: object) -> LazyText:
    """Return ``string`` to be translated when shown; pybabel extracts it as ``_l``."""
    return LazyText(gettext, string, **variables)
