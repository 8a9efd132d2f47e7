"""Draw a result's share card: the 1200×630 PNG that link previews show for /r/<token>.

The card is made to be read as a thumbnail in a feed, by someone who has not taken the quiz:

* along the top, the site's name and its public address (PUBLIC_URL's host, never the
  request's: quiz/web/urls.py);
* the best-fitting role, named large (64 px, down to ``SMALLEST_HEADLINE`` for a long name) in
  the role's own colour, under "Their best fit" (the card speaks of the person who shared it);
* every role's fit as a bar in that role's colour, with its percent, in rank order, drawn
  from the stored result exactly as the result page shows it;
* along the bottom, an invitation to take the quiz at the site's address.

A quick result that skipped questions says, under the role, from how many questions it comes
and that its fits are provisional.

The card is in the language of whoever asks for it, like the result page (quiz/i18n.py).
Its text uses the font shipped in quiz/fonts, so it looks the same on every machine: DejaVu
Sans Condensed, cut down to Europe's Latin letters and punctuation (German „…“, – and ß,
Polish ł, Hungarian ő included: quiz/fonts/README.md; ``COVERED`` lists its characters). Text
is put in composed form first (e + ◌́ becomes é), so an accent typed apart still draws. A
letter outside the font is drawn as its base letter where it has one (ǎ → a); other scripts
show as boxes. A text too wide for its place is cut and ends with an ellipsis.

Up to ``MAX_ROWS`` roles each get a bar; a bank with more shows the best
``MAX_ROWS - 1`` and says how many more the page has.
"""

from __future__ import annotations

import io
import math
import unicodedata
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from PIL import Image, ImageColor, ImageDraw, ImageFont

from quiz.core.result_page import ResultPage, ShownFit
from quiz.settings import PACKAGE_DIR

WIDTH, HEIGHT = 1200, 630  # what Facebook, LinkedIn and X crop and scale to
MARGIN = 64
MAX_ROWS = 4  # more would be too small to read in a feed's thumbnail
# the best fit's name: 64 px is 16 px in a 300 px wide thumbnail; a long name steps down,
# never below 48 px, and is cut with an ellipsis if it still does not fit
HEADLINE_SIZES = (64, 58, 52, 48)
SMALLEST_HEADLINE = HEADLINE_SIZES[-1]
SITE_LINE_TOP = 36
BEST_FIT_LINE_TOP = 94
HEADLINE_TOP = 130
QUICK_LINE_TOP = 212  # between the headline and the bars
BARS_TOP = 254
BARS_BOTTOM = 548
INVITATION_TOP = 576

# the colours of static/css/site.css; each role's bar and the headline are in the role's own
INK = "#1b1f29"
MUTED = "#4b5363"
PAPER = "#ffffff"
BRAND = "#1d4ed8"
TRACK = "#e6e9f0"

TEXT_SHADES = 16
ELLIPSIS = "…"
FONT_PATH = PACKAGE_DIR / "fonts" / "DejaVuSansCondensed-Latin.ttf"
# the characters the font was cut down to (quiz/fonts/README.md): first and last of each range
COVERED = (
    (0x0020, 0x007E),
    (0x00A0, 0x017F),
    (0x0192, 0x0192),
    (0x0218, 0x021B),
    (0x02C6, 0x02C7),
    (0x02D8, 0x02DD),
    (0x2010, 0x2027),
    (0x2030, 0x203A),
    (0x2044, 0x2044),
    (0x20AC, 0x20AC),
    (0x2122, 0x2122),
    (0x2212, 0x2212),
)

Font = ImageFont.FreeTypeFont


@cache
def _font(size: int) -> Font:
    return ImageFont.truetype(FONT_PATH, size)


@cache
def _palette(bar_colours: tuple[str, ...], headline_colour: str) -> Image.Image:
    """Return a palette image of the card's colours and the shades text edges blend to."""
    paper = ImageColor.getrgb(PAPER)
    colours = [paper, *(ImageColor.getrgb(c) for c in (TRACK, *bar_colours))]
    for ink in dict.fromkeys((INK, MUTED, BRAND, headline_colour)):  # text is only on paper
        target = ImageColor.getrgb(ink)
        colours += [
            tuple(
                round(p + (t - p) * step / TEXT_SHADES) for p, t in zip(paper, target, strict=True)
            )
            for step in range(1, TEXT_SHADES + 1)
        ]
    palette = Image.new("P", (1, 1))
    palette.putpalette([channel for colour in colours for channel in colour])
    return palette


def public_host() -> str:
    """Return the site's address as a person types it: PUBLIC_URL's host (and port, if any)."""
    return urlsplit(current_app.config["PUBLIC_URL"]).netloc


def render_share_card(page: ResultPage, site_name: str, address: str | None = None) -> bytes:
    """Draw ``page``'s share card and return it as PNG bytes.

    ``address`` is the site's address the card names; by default the public host.
    """
    address = drawable(address if address is not None else public_host())
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    text_width = WIDTH - 2 * MARGIN
    top = page.top
    headline_colour = top.role.shown_colour

    draw.rectangle((0, 0, WIDTH, 12), fill=BRAND)
    # the address on the right of the site's name, as long as it takes; the name gets the rest
    address_font = _font(30)
    address_width = min(math.ceil(draw.textlength(address, font=address_font)), text_width // 2)
    draw.text(
        (WIDTH - MARGIN, SITE_LINE_TOP + 34),
        _shortened(draw, address, address_font, address_width),
        font=address_font,
        fill=MUTED,
        anchor="rs",
    )
    site_width = text_width - address_width - 32
    _text(draw, (MARGIN, SITE_LINE_TOP), drawable(site_name), _font(34), BRAND, site_width, True)

    # a quick result that skipped questions says so: its fits are not a full measurement
    quick = page.quick if page.quick is not None and page.quick.kind != "complete" else None
    best_fit = _("Their best fit so far") if quick is not None else _("Their best fit")
    _text(draw, (MARGIN, BEST_FIT_LINE_TOP), drawable(best_fit), _font(30), INK, text_width)
    headline = drawable(top.role.name)
    size = _largest_size_that_fits(draw, headline, text_width - 2, sizes=HEADLINE_SIZES)
    _text(draw, (MARGIN, HEADLINE_TOP), headline, _font(size), headline_colour, text_width, True)
    if quick is not None:
        line = _(
            "Quick result from %(answered)s of %(count)s questions · provisional",
            answered=quick.answered,
            count=quick.question_count,
        )
        _text(draw, (MARGIN, QUICK_LINE_TOP), drawable(line), _font(26), MUTED, text_width)

    shown = page.fits if len(page.fits) <= MAX_ROWS else page.fits[: MAX_ROWS - 1]
    more = len(page.fits) - len(shown)
    rows = len(shown) + (1 if more else 0)
    sizes = _RowSizes.for_slot((BARS_BOTTOM - BARS_TOP) // rows)
    gap = (BARS_BOTTOM - BARS_TOP - rows * sizes.height) // max(1, rows - 1)
    for index, fit in enumerate(shown):
        y = BARS_TOP + index * (sizes.height + gap)
        _bar_row(draw, y, sizes, fit, fit.role.shown_colour)
    if more:
        note = ngettext(
            "and %(num)s more role on the result page",
            "and %(num)s more roles on the result page",
            more,
        )
        y = BARS_TOP + len(shown) * (sizes.height + gap)
        _text(draw, (MARGIN, y), drawable(note), _font(sizes.label), MUTED, text_width)

    invitation = _("Which AI role fits you? Find out at %(address)s", address=address)
    _text(draw, (MARGIN, INVITATION_TOP), drawable(invitation), _font(30), BRAND, text_width, True)

    # every colour is known, so a palette of them and their anti-aliasing shades loses
    # nothing and makes the file a third the size of full colour
    bar_colours = tuple(dict.fromkeys(fit.role.shown_colour for fit in shown))
    card = image.quantize(palette=_palette(bar_colours, headline_colour), dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    card.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


@dataclass(frozen=True)
class _RowSizes:
    """The type sizes and bar thickness of one role's row, scaled to the room each row has."""

    label: int
    bar: int
    percent: int

    @classmethod
    def for_slot(cls, slot: int) -> _RowSizes:
        return cls(
            label=min(34, round(slot * 0.3)),
            bar=min(36, round(slot * 0.3)),
            percent=min(42, round(slot * 0.36)),
        )

    @property
    def bar_top(self) -> int:
        return round(self.label * 1.4)

    @property
    def height(self) -> int:
        return self.bar_top + self.bar


def _bar_row(
    draw: ImageDraw.ImageDraw, y: int, sizes: _RowSizes, fit: ShownFit, colour: str
) -> None:
    """Draw one role: its rank and name above a bar as long as its fit, the percent beside."""
    percent_width = _font(sizes.percent).getbbox("100%")[2] + 32
    bar_left, bar_right = MARGIN, WIDTH - MARGIN - percent_width
    label = f"{fit.rank}. {drawable(fit.role.name)}"
    _text(draw, (MARGIN, y), label, _font(sizes.label), INK, WIDTH - 2 * MARGIN)

    bar_top = y + sizes.bar_top
    bar = (bar_left, bar_top, bar_right, bar_top + sizes.bar)
    radius = sizes.bar // 4
    draw.rounded_rectangle(bar, radius=radius, fill=TRACK)
    length = round((bar_right - bar_left) * max(0, min(fit.fit, 100)) / 100)
    if length > 0:
        end = bar_left + length
        draw.rounded_rectangle(
            (*bar[:2], end, bar[3]), radius=min(radius, length // 2), fill=colour
        )
    draw.text(
        (WIDTH - MARGIN, bar_top + sizes.bar / 2),
        f"{fit.fit}%",
        font=_font(sizes.percent),
        fill=INK,
        anchor="rm",
        stroke_width=1,
        stroke_fill=INK,
    )


def _text(
    draw: ImageDraw.ImageDraw,
    at: tuple[int, int],
    text: str,
    font: Font,
    fill: str,
    width: int,
    bold: bool = False,
) -> None:
    """Draw one line of text from its top left, cut with an ellipsis to ``width``."""
    stroke = 1 if bold else 0
    draw.text(
        at,
        _shortened(draw, text, font, width - 2 * stroke),
        font=font,
        fill=fill,
        anchor="la",
        stroke_width=stroke,
        stroke_fill=fill,
    )


def _largest_size_that_fits(
    draw: ImageDraw.ImageDraw, text: str, width: int, sizes: tuple[int, ...]
) -> int:
    """Return the first of ``sizes`` at which ``text`` fits ``width``, else the last."""
    for size in sizes:
        if draw.textlength(text, font=_font(size)) <= width:
            return size
    return sizes[-1]


def _shortened(draw: ImageDraw.ImageDraw, text: str, font: Font, width: int) -> str:
    """Return ``text``, or its longest start that fits ``width`` with an ellipsis after it."""
    if draw.textlength(text, font=font) <= width:
        return text
    low, high = 0, len(text)  # the longest fitting start is at least low and below high
    while high - low > 1:
        middle = (low + high) // 2
        if draw.textlength(text[:middle].rstrip() + ELLIPSIS, font=font) <= width:
            low = middle
        else:
            high = middle
    return text[:low].rstrip() + ELLIPSIS


def drawable(text: str) -> str:
    """Spell ``text`` with the letters the font has: a letter it lacks becomes its base letter.

    The text is composed first: the font has é, not e followed by a combining accent.
    """
    composed = unicodedata.normalize("NFC", text)
    return "".join(c if _covered(c) else _base_letter(c) for c in composed)


def _covered(character: str) -> bool:
    code = ord(character)
    return any(first <= code <= last for first, last in COVERED)


def _base_letter(character: str) -> str:
    """Return ``character`` without its accents if the font has that, else unchanged (a box)."""
    base = "".join(
        c for c in unicodedata.normalize("NFKD", character) if not unicodedata.combining(c)
    )
    return base if base and all(_covered(c) for c in base) else character
