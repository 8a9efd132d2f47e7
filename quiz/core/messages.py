"""Texts the pure code says, put into words where they are shown.

Pure code does not translate: it marks a constant for the catalog with ``N_``, or
returns a :class:`Message`, an English text with named places and the values that
fill them. The web floor words a message in the reader's language
(``quiz.web.i18n.say``, the ``say`` template filter); ``str(message)`` words it in
English, for the command line, logs and tests.

A value may be a plain value (written as it is), another :class:`Message` (worded
first, in the same language) or a :class:`Figure`, a number with its decimal places,
written the reader's way (12.5 in English, 12,5 in German).

`pybabel extract` knows ``N_`` by default; plural texts are marked with
:func:`plural_message`, which babel.cfg names as a keyword (docs/translating.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

MINUS = "−"  # a true minus sign, not the hyphen


def N_(text: str) -> str:
    """Return ``text`` unchanged, marked for the catalog."""
    return text


@dataclass(frozen=True)
class Figure:
    """A number to be written with ``places`` decimal places, in the reader's format."""

    value: float
    places: int = 2


@dataclass(frozen=True)
class Message:
    """A text to be worded where it is shown: ``text`` (the singular, with ``plural``) and values.

    ``text`` is the catalog's msgid, an English sentence with ``%(name)s`` places; write
    it as ``Message(N_("..."), {...})`` so the catalog finds it. A plural message has
    ``plural`` and ``count`` (see :func:`plural_message`); ``count`` is also the value
    ``num``. A text not in the catalog (the punctuation joining other messages) is
    written as it is, in every language.
    """

    text: str
    values: Mapping[str, object] = field(default_factory=dict)
    plural: str | None = None
    count: int | None = None

    def worded(self, catalog: Catalog, number: NumberFormat) -> str:
        """Return the message in ``catalog``'s words, numbers written by ``number``."""
        values = {
            name: _worded_value(value, catalog, number) for name, value in self.values.items()
        }
        if self.plural is not None and self.count is not None:
            values.setdefault("num", self.count)
            return catalog.ngettext(self.text, self.plural, self.count) % values
        text = catalog.gettext(self.text)
        # like gettext with no values: a text without values keeps any "%" as written
        return text % values if values else text

    def __str__(self) -> str:
        return self.worded(ENGLISH, english_number)


def plural_message(singular: str, plural: str, count: int, **values: object) -> Message:
    """Return a message with a singular and a plural form, chosen by ``count`` (``%(num)s``).

    Its name is a catalog keyword (babel.cfg), so both forms are extracted.
    """
    return Message(singular, values, plural=plural, count=count)


class Catalog(Protocol):
    """What wording needs of a catalog: the standard library's gettext methods."""

    def gettext(self, message: str, /) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int, /) -> str: ...


NumberFormat = Callable[[float, int], str]


class _English:
    """The catalog the messages are written in: every text is its own English."""

    def gettext(self, message: str, /) -> str:
        return message

    def ngettext(self, singular: str, plural: str, n: int, /) -> str:
        return singular if n == 1 else plural


ENGLISH: Catalog = _English()


def english_number(value: float, places: int) -> str:
    """Write a number with a decimal point and ``places`` decimals, without grouping."""
    return f"{value:.{places}f}"


def written_figure(figure: Figure, number: NumberFormat) -> str:
    """Write ``figure`` with ``number``: rounded first, so never "-0.00", and a true minus."""
    text = number(round(figure.value, figure.places) + 0.0, figure.places)
    return MINUS + text[1:] if text.startswith("-") else text


def _worded_value(value: object, catalog: Catalog, number: NumberFormat) -> object:
    if isinstance(value, Message):
        return value.worded(catalog, number)
    if isinstance(value, Figure):
        return written_figure(value, number)
    return value
