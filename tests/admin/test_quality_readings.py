"""The quality report puts each reliability figure into plain words beside the number."""

from __future__ import annotations

import html as markup
import re

from flask import Flask
from flask.testing import FlaskClient
from taker_results import insert_people_results

from quiz.core.plain_readings import alpha_reading, item_rest_reading

ALPHA_ROW = re.compile(
    r'<tr><th scope="row">([^<]+)</th><td>\d+</td><td>[\d,]+</td><td>([^<]+)</td>'
    r'<td><span class="reading reading-(\w+)">([^<]+)</span></td></tr>'
)
ITEM_CELL = re.compile(
    r'<td>(−?-?\d\.\d\d) <span class="reading reading-(\w+)">([^<]+)</span></td>'
)


def number(shown: str) -> float:
    return float(shown.replace("−", "-"))


def readings_near(read, shown: str) -> set[tuple[str, str]]:
    """The reading of a figure as shown, rounded to two decimals: the admin reads the number
    and its words together, so they must agree."""
    reading = read(number(shown))
    return {(reading.text, reading.level)}


def test_every_alpha_and_item_rest_correlation_has_its_plain_reading(
    app: Flask, admin_client: FlaskClient
) -> None:
    with app.app_context():
        insert_people_results(130, seed=21)
    page = admin_client.get("/admin/versions/1/quality").get_data(as_text=True)

    alphas = ALPHA_ROW.findall(page)
    assert len(alphas) == 3  # one per role of the default bank
    for _role, alpha, level, words in alphas:
        assert (markup.unescape(words), level) in readings_near(alpha_reading, alpha)
    assert "What it means" in page

    cells = ITEM_CELL.findall(page)
    assert len(cells) > 30
    for shown, level, words in cells:
        assert (markup.unescape(words), level) in readings_near(item_rest_reading, shown)
