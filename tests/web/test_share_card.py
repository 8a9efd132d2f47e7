"""The share card: the PNG a result's link preview shows, served and cached like the result.

Every test but the last two runs the real app through the test client, on SQLite and on
PostgreSQL; the pictures are opened with Pillow and measured pixel by pixel.
"""

from __future__ import annotations

import dataclasses
import html as htmllib
import io
import json
import re
from itertools import groupby
from pathlib import Path

from flask import Flask
from helpers import create_admin, csrf_token, delete_result, page_options, shown_page, sign_in
from PIL import Image, ImageColor

from quiz.core.bank import DEFAULT_BANK_PATH, parse_bank
from quiz.db import db
from quiz.store.drafts import replace_draft
from quiz.store.publishing import latest_version_id, publish_draft, published_bank
from quiz.web.share_card import BARS_BOTTOM, BARS_TOP, MARGIN, MAX_ROWS, render_share_card

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SITE_CSS = Path(__file__).parents[2] / "static" / "css" / "site.css"
BAR_COLOURS = [
    tuple(bytes.fromhex(hex_colour))
    for _, hex_colour in sorted(re.findall(r"--bar-(\d): #([0-9a-f]{6});", SITE_CSS.read_text()))
]
ADDRESS = "careerfit.example"


def coloured_page(names_and_fits: list[tuple[str, int]]):
    """Return ``shown_page``'s page with each role in its own colour of the site's bars."""
    page = shown_page(names_and_fits)
    fits = [
        dataclasses.replace(
            fit, role=dataclasses.replace(fit.role, colour="#{:02x}{:02x}{:02x}".format(*colour))
        )
        for fit, colour in zip(page.fits, BAR_COLOURS, strict=False)
    ]
    return dataclasses.replace(page, fits=fits)


def card(response) -> Image.Image:
    """Open a share card response as an RGB image."""
    image = Image.open(io.BytesIO(response.data))
    image.load()
    return image.convert("RGB")


def bars(image: Image.Image) -> list[tuple[tuple[int, int, int], int]]:
    """Return each bar's colour and length, top to bottom.

    A bar is the longest run of one strong colour along a pixel row of the bars' band (above
    it, the headline is in the top role's colour); the names and percents beside the bars
    are in grey, and the track behind the bars is pale.
    """
    width, height = image.size
    data = image.tobytes()
    pixels = list(zip(data[0::3], data[1::3], data[2::3], strict=True))
    longest: dict[tuple[int, int, int], tuple[int, int]] = {}  # colour -> (length, its row)
    for y in range(BARS_TOP, BARS_BOTTOM):
        for colour, run in groupby(pixels[y * width : (y + 1) * width]):
            length = sum(1 for _ in run)
            strong = max(colour) - min(colour) >= 80
            if strong and longest.get(colour, (0, 0))[0] < length < width:
                longest[colour] = (length, y)
    found = [(y, colour, length) for colour, (length, y) in longest.items() if length >= 20]
    return [(colour, length) for _, colour, length in sorted(found)]


def ink_in_the_right_margin(image: Image.Image) -> bool:
    """Tell whether anything but background was drawn in the card's right margin.

    The coloured strip along the top edge is left out: it spans the whole card.
    """
    strip = image.crop((image.width - MARGIN + 4, 20, image.width, image.height))
    return strip.getcolors(1) is None  # more than one colour there


# ---------------------------------------------------------------- serving


def test_the_share_card_is_a_1200_by_630_png(client, taker):
    url = taker.finish() + ".png"
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.data.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(response.data))
    assert image.format == "PNG"
    assert image.size == (1200, 630)
    assert len(response.data) < 60_000
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert response.cache_control.public and response.cache_control.max_age == 3600


def test_the_share_card_revalidates_with_304_under_its_own_etag(client, taker):
    url = taker.finish()
    first = client.get(url + ".png")
    etag = first.headers["ETag"]
    # the card is worded in the viewer's language (English here), so its ETag names it
    assert first.get_etag()[0].endswith(f"-png-en-{client.application.config['RELEASE_ID']}")
    assert etag not in {client.get(url).headers["ETag"], client.get(url + ".json").headers["ETag"]}

    again = client.get(url + ".png", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert again.cache_control.public and again.cache_control.max_age == 3600

    other = client.get(url + ".png", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200
    assert other.data == first.data


def test_an_unknown_card_is_404_and_a_deleted_results_card_410(client, taker):
    assert client.get("/r/" + "x" * 43 + ".png").status_code == 404
    assert client.get("/r/not-a-token.png").status_code == 404

    url = taker.finish() + ".png"
    etag = client.get(url).headers["ETag"]
    delete_result(taker)
    assert client.get(url).status_code == 410
    # a kept copy revalidated learns the result is gone, not that it is unchanged
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 410


def test_the_result_page_offers_the_card_as_its_link_preview_image(client, taker):
    location = taker.finish()
    html = client.get(location).get_data(as_text=True)

    def meta(key: str) -> str:
        match = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">', html)
        assert match, f"no meta {key}"
        return htmllib.unescape(match.group(1))

    card_url = f"http://localhost{location}.png"
    assert meta("og:image") == card_url
    assert meta("twitter:image") == card_url
    assert meta("twitter:card") == "summary_large_image"
    assert (meta("og:image:width"), meta("og:image:height")) == ("1200", "630")
    assert meta("og:image:type") == "image/png"
    top = client.get(f"{location}.json").get_json()["ranking"][0]
    # a link preview is read by whoever the link is sent to: the third person
    assert f"Their best fit: {top['name']}." in meta("og:image:alt")

    response = client.get(card_url)
    assert response.status_code == 200
    assert response.mimetype == "image/png"


def test_the_admin_preview_offers_no_card(app):
    create_admin(app)
    admin = app.test_client()
    sign_in(admin)
    page = 1
    while True:
        html = admin.get(f"/admin/preview/{page}").get_data(as_text=True)
        answers = {name: values[0] for name, values in page_options(html).items()}
        response = admin.post(
            f"/admin/preview/{page}",
            data={"csrf_token": csrf_token(html), "forward": "x", **answers},
        )
        if response.status_code != 302:
            break
        page += 1
    result = response.get_data(as_text=True)
    assert "Your best fit:" in result
    assert "og:image" not in result
    assert '<meta name="twitter:card" content="summary">' in result


# ---------------------------------------------------------------- drawing


def test_the_bars_are_as_long_as_the_fits_in_rank_order_each_in_its_roles_colour(
    app, client, taker
):
    location = taker.finish(lambda name, values: values[-1])
    ranking = client.get(f"{location}.json").get_json()["ranking"]
    fits = [r["fit"] for r in ranking]
    assert len(set(fits)) == len(fits) and min(fits) > 0, "needs distinct, visible fits"
    with app.app_context():
        colour_of = {r.key: r.shown_colour for r in published_bank(latest_version_id()).roles}
    role_colours = [ImageColor.getrgb(colour_of[r["slug"]]) for r in ranking]
    assert role_colours != BAR_COLOURS[: len(fits)], "needs roles ranked out of bank order"

    found = bars(card(client.get(f"{location}.png")))

    assert [colour for colour, _ in found] == role_colours
    lengths = [length for _, length in found]
    assert lengths == sorted(lengths, reverse=True)
    assert len(set(lengths)) == len(lengths)
    # every bar is its fit on one common track: the top bar gives the scale
    for fit, length in zip(fits, lengths, strict=True):
        assert abs(length - lengths[0] * fit / fits[0]) <= 2


def test_a_120_character_role_name_is_shortened_inside_the_card(app: Flask, client, taker):
    document = json.loads(DEFAULT_BANK_PATH.read_text(encoding="utf-8"))
    long_name = ("Principal Research Scientist for Large Language Model Evaluation " * 2)[:120]
    assert len(long_name) == 120
    document["roles"][0]["name"] = long_name
    with app.app_context():
        replace_draft(parse_bank(document))
        publish_draft()
        db.session.commit()

    location = taker.finish()
    ranking = client.get(f"{location}.json").get_json()["ranking"]
    assert long_name in [r["name"] for r in ranking]
    response = client.get(f"{location}.png")
    assert response.status_code == 200
    image = card(response)
    assert image.size == (1200, 630)
    assert not ink_in_the_right_margin(image)
    assert len(bars(image)) == len(ranking)


def test_more_roles_than_rows_show_the_best_and_stay_inside_the_card():
    page = coloured_page([(f"Role {n} " + "with a long name " * 8, 95 - 9 * n) for n in range(9)])
    image = Image.open(io.BytesIO(render_share_card(page, "Career Fit", ADDRESS))).convert("RGB")
    assert image.size == (1200, 630)
    assert len(bars(image)) == MAX_ROWS - 1
    assert not ink_in_the_right_margin(image)


def test_a_fit_of_zero_draws_no_bar_and_any_name_renders():
    page = coloured_page([("Ingénieur — données", 100), ("數據科學家", 40), ("Straße", 0)])
    image = Image.open(io.BytesIO(render_share_card(page, "Career Fit", ADDRESS))).convert("RGB")
    assert [colour for colour, _ in bars(image)] == BAR_COLOURS[:2]
