"""The share card reads as an invitation, even as a thumbnail: the site's name and address, the
best fit large in its role's colour, and names in any European Latin script drawn as written.

The font's own character map is read here from the file, so "covered" means what the font
really holds, not what the code says it holds.
"""

from __future__ import annotations

import dataclasses
import io
import struct
import unicodedata
from functools import cache

import pytest
from flask import Flask
from helpers import shown_page
from PIL import Image, ImageColor, ImageDraw

from quiz.core.bank import contrast_on_white
from quiz.store.publishing import latest_version_id, published_bank
from quiz.web.share_card import (
    BARS_TOP,
    BEST_FIT_LINE_TOP,
    COVERED,
    FONT_PATH,
    HEADLINE_TOP,
    HEIGHT,
    INVITATION_TOP,
    MARGIN,
    QUICK_LINE_TOP,
    SITE_LINE_TOP,
    SMALLEST_HEADLINE,
    WIDTH,
    _font,
    drawable,
    render_share_card,
)

THUMBNAIL = (300, 158)  # a feed's small preview: a quarter of the card's width
NAMES = [
    "Jürgen Größe",
    "Ödön Kőszegi",
    "Łucja Świątek-Żółć",
    "Ségolène Çelik",
    "Åsa Øberg Ærø",
    "Dražen Čačić",
    "Ștefan Țurcanu",
    "Mārtiņš Ģērmanis",
    "Straße „Anführung“ – €",
    "Jose\u0301 Mun\u0303oz",  # accents typed apart: drawn as é and ñ
]


# ---------------------------------------------------------------- the font's character map


@cache
def font_cmap() -> frozenset[int]:
    """Return the code points the card's font maps to a glyph (cmap formats 4 and 12)."""
    data = FONT_PATH.read_bytes()
    tables = {
        data[12 + 16 * i : 16 + 16 * i]: struct.unpack(">II", data[20 + 16 * i : 28 + 16 * i])
        for i in range(struct.unpack(">H", data[4:6])[0])
    }
    cmap_at = tables[b"cmap"][0]
    covered: set[int] = set()
    for i in range(struct.unpack(">H", data[cmap_at + 2 : cmap_at + 4])[0]):
        platform, encoding, offset = struct.unpack(
            ">HHI", data[cmap_at + 4 + 8 * i : cmap_at + 12 + 8 * i]
        )
        at = cmap_at + offset
        kind = struct.unpack(">H", data[at : at + 2])[0]
        if (platform, encoding, kind) in ((3, 1, 4), (0, 3, 4)):
            covered |= _format_4(data, at)
        elif kind == 12:
            groups = struct.unpack(">I", data[at + 12 : at + 16])[0]
            for g in range(groups):
                first, last, _ = struct.unpack(">III", data[at + 16 + 12 * g : at + 28 + 12 * g])
                covered |= set(range(first, last + 1))
    return frozenset(covered)


def _format_4(data: bytes, at: int) -> set[int]:
    segments = struct.unpack(">H", data[at + 6 : at + 8])[0] // 2
    ends_at = at + 14
    starts_at = ends_at + 2 * segments + 2
    deltas_at = starts_at + 2 * segments
    ranges_at = deltas_at + 2 * segments
    covered = set()
    for s in range(segments):
        end, start = (
            struct.unpack(">H", data[a + 2 * s : a + 2 * s + 2])[0] for a in (ends_at, starts_at)
        )
        delta, range_offset = (
            struct.unpack(">H", data[a + 2 * s : a + 2 * s + 2])[0] for a in (deltas_at, ranges_at)
        )
        for code in range(start, end + 1):
            if code == 0xFFFF:
                continue
            if range_offset == 0:
                glyph = (code + delta) % 65536
            else:
                where = ranges_at + 2 * s + range_offset + 2 * (code - start)
                glyph = struct.unpack(">H", data[where : where + 2])[0]
                glyph = (glyph + delta) % 65536 if glyph else 0
            if glyph:
                covered.add(code)
    return covered


def test_the_font_holds_exactly_the_characters_the_card_counts_on():
    counted = {code for first, last in COVERED for code in range(first, last + 1)}
    assert counted == font_cmap()


@pytest.mark.parametrize("name", NAMES)
def test_every_character_of_a_european_name_is_drawn_from_the_font_as_written(name):
    drawn = drawable(name)
    # as written: no accent stripped (an accent typed apart is joined to its letter)
    assert drawn == unicodedata.normalize("NFC", name)
    # no boxes: the font has a glyph for every character drawn
    assert {ord(c) for c in drawn} <= font_cmap(), [c for c in drawn if ord(c) not in font_cmap()]


def test_a_letter_the_font_lacks_is_drawn_as_its_base_letter():
    assert drawable("Ǎlvarez Ḑ") == "Alvarez D"


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_cards_own_words_are_covered_by_the_font(app: Flask, language):
    """Every text the card draws, in each language, is drawn as written and from the font."""
    texts = [
        "Their best fit",
        "Their best fit so far",
        "Quick result from %(answered)s of %(count)s questions · provisional",
        "Which AI role fits you? Find out at %(address)s",
    ]
    with app.test_request_context(headers={"Accept-Language": language}):
        from flask_babel import gettext, ngettext

        worded = [gettext(t) for t in texts]
        worded += [ngettext("and %(num)s more role on the result page", "", n) for n in (1, 5)]
        worded += [r.name for r in published_bank(latest_version_id()).roles]
    if language == "de":
        assert worded[0] != texts[0], "the card's words are translated"
    for text in worded:
        assert drawable(text) == unicodedata.normalize("NFC", text)
        assert {ord(c) for c in text} <= font_cmap(), text


# ---------------------------------------------------------------- what the card shows


def open_card(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def page_with_top_colour(colour: str, names_and_fits: list[tuple[str, int]]):
    page = shown_page(names_and_fits)
    top = page.fits[0]
    fits = [dataclasses.replace(top, role=dataclasses.replace(top.role, colour=colour))]
    return dataclasses.replace(page, fits=fits + page.fits[1:])


def band(image: Image.Image, top: int, bottom: int, left: int = 0, right: int = WIDTH):
    return image.convert("RGB").crop((left, top, right, bottom))


def pixels_of(image: Image.Image, colour: str) -> list[tuple[int, int]]:
    """Return where ``image`` has exactly ``colour``."""
    wanted = ImageColor.getrgb(colour)
    rgb = image.convert("RGB")
    return [
        (x, y)
        for y in range(rgb.height)
        for x in range(rgb.width)
        if rgb.getpixel((x, y)) == wanted
    ]


def test_the_best_fit_is_named_large_in_its_roles_colour():
    colour = "#be123c"
    page = page_with_top_colour(colour, [("Data Scientist", 91), ("AI Engineer", 40)])

    image = open_card(render_share_card(page, "Career Fit", "careerfit.example"))

    headline = band(image, HEADLINE_TOP, QUICK_LINE_TOP)
    inked = pixels_of(headline, colour)
    assert inked, "the headline is not in the role's colour"
    ys = [y for _, y in inked]
    xs = [x for x, _ in inked]
    # "Data Scientist" at 64 px: capitals about 46 px tall, the name a third of the card wide
    assert max(ys) - min(ys) >= 44
    assert max(xs) - min(xs) >= WIDTH // 4
    # and nothing of that colour in the lines above: the site's line and "Their best fit"
    assert not pixels_of(band(image, 14, HEADLINE_TOP), colour)


def test_a_long_best_fit_steps_down_but_stays_at_least_48_px():
    name = "Principal Research Scientist for Large Language Model Evaluation and Safety"
    colour = "#0f766e"
    page = page_with_top_colour(colour, [(name, 91), ("AI Engineer", 40)])

    image = open_card(render_share_card(page, "Career Fit", "careerfit.example"))

    ys = [y for _, y in pixels_of(band(image, HEADLINE_TOP, QUICK_LINE_TOP), colour)]
    cap_height = _font(SMALLEST_HEADLINE).getbbox("P")[3] - _font(SMALLEST_HEADLINE).getbbox("P")[1]
    assert max(ys) - min(ys) >= cap_height - 2
    # cut with an ellipsis inside the margin
    assert not pixels_of(band(image, HEADLINE_TOP, QUICK_LINE_TOP, left=WIDTH - MARGIN + 2), colour)


def stands_out(pixel: tuple[int, int, int]) -> bool:
    """Tell whether a pixel stands out from white paper by a contrast ratio of 3 or more."""
    return contrast_on_white("#{:02x}{:02x}{:02x}".format(*pixel)) >= 3


def test_the_headline_still_reads_in_a_300_px_thumbnail():
    page = page_with_top_colour("#1d4ed8", [("Data Scientist", 91), ("AI Engineer", 40)])
    image = open_card(render_share_card(page, "Career Fit", "careerfit.example")).convert("RGB")

    thumbnail = image.resize(THUMBNAIL, Image.Resampling.LANCZOS)

    scale = THUMBNAIL[0] / WIDTH
    headline = thumbnail.crop(
        (0, round(HEADLINE_TOP * scale), THUMBNAIL[0], round(QUICK_LINE_TOP * scale))
    )
    # the letters keep solid strokes: at 16 px, "Data Scientist" leaves well over 150 pixels
    # dark enough to read against the paper, in letters at least 10 px tall
    standing_out = [
        (x, y)
        for y in range(headline.height)
        for x in range(headline.width)
        if stands_out(headline.getpixel((x, y)))
    ]
    assert len(standing_out) >= 150
    ys = [y for _, y in standing_out]
    assert max(ys) - min(ys) >= 10  # letters at least 10 px tall in the thumbnail


def address_ink(image: Image.Image) -> tuple[int, int]:
    """Return the left and right edge of what is drawn right of the site's name."""
    line = band(image, SITE_LINE_TOP - 4, BEST_FIT_LINE_TOP - 8, left=WIDTH // 2, right=WIDTH)
    xs = [
        x
        for y in range(line.height)
        for x in range(line.width)
        if line.getpixel((x, y)) != (255, 255, 255)
    ]
    return WIDTH // 2 + min(xs), WIDTH // 2 + max(xs)


@pytest.mark.parametrize("address", ["careerfit.example", "127.0.0.1:5000"])
def test_the_site_address_is_drawn_top_right_and_in_the_invitation(address):
    page = shown_page([("Data Scientist", 91), ("AI Engineer", 40)])
    other = "x" if address != "x" else "y"

    card = open_card(render_share_card(page, "Career Fit", address)).convert("RGB")
    without = open_card(render_share_card(page, "Career Fit", other)).convert("RGB")

    left, right = address_ink(card)
    assert right == pytest.approx(WIDTH - MARGIN, abs=5)  # a glyph's side bearing
    drawn_width = ImageDraw.Draw(card).textlength(address, font=_font(30))
    assert right - left == pytest.approx(drawn_width, abs=8)
    # the invitation names it too; nothing else on the card changes with it
    differs = [
        y
        for y in range(HEIGHT)
        if card.crop((0, y, WIDTH, y + 1)).tobytes() != without.crop((0, y, WIDTH, y + 1)).tobytes()
    ]
    assert differs and all(y < BEST_FIT_LINE_TOP or y >= INVITATION_TOP for y in differs)
    assert any(y >= INVITATION_TOP for y in differs)


def test_the_served_card_names_the_public_address_not_the_requests_host(app, client, taker):
    location = taker.finish()
    app.config["PUBLIC_URL"] = "https://careerfit.example"
    public = open_card(client.get(f"{location}.png").data).convert("RGB")
    spoofed = open_card(
        client.get(f"{location}.png", headers={"Host": "evil.example"}).data
    ).convert("RGB")
    app.config["PUBLIC_URL"] = "http://127.0.0.1:5000"
    local = open_card(client.get(f"{location}.png").data).convert("RGB")

    assert public.tobytes() == spoofed.tobytes()
    assert public.tobytes() != local.tobytes()
    for card, address in ((public, "careerfit.example"), (local, "127.0.0.1:5000")):
        left, right = address_ink(card)
        drawn_width = ImageDraw.Draw(card).textlength(address, font=_font(30))
        assert right - left == pytest.approx(drawn_width, abs=8)


@pytest.mark.parametrize("language", ["en", "de"])
def test_a_result_card_in_english_and_german_is_a_small_palette_png(client, taker, language):
    location = taker.finish()

    response = client.get(f"{location}.png", headers={"Accept-Language": language})

    assert response.status_code == 200
    image = open_card(response.data)
    assert image.size == (WIDTH, HEIGHT)
    assert image.mode == "P"  # a palette: a third of the size of full colour
    assert len(response.data) < 60_000
    assert response.cache_control.public and response.cache_control.max_age == 3600
    assert response.get_etag()[0].split("-png-")[1].startswith(f"{language}-")


def test_the_german_card_is_worded_in_german(client, taker):
    location = taker.finish()

    english = open_card(client.get(f"{location}.png", headers={"Accept-Language": "en"}).data)
    german = open_card(client.get(f"{location}.png", headers={"Accept-Language": "de"}).data)

    def rows(image: Image.Image, top: int, bottom: int) -> bytes:
        return band(image, top, bottom).tobytes()

    # the same result: the site's line and the bars alike, the words about them not
    assert rows(english, 0, BEST_FIT_LINE_TOP - 8) == rows(german, 0, BEST_FIT_LINE_TOP - 8)
    assert rows(english, BEST_FIT_LINE_TOP, HEADLINE_TOP) != rows(
        german, BEST_FIT_LINE_TOP, HEADLINE_TOP
    )
    assert rows(english, INVITATION_TOP, HEIGHT) != rows(german, INVITATION_TOP, HEIGHT)
    assert BARS_TOP < INVITATION_TOP
