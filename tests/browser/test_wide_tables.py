"""On a phone, a table too wide for the screen scrolls sideways and shows that it does: its edge
is shaded where more columns lie beyond, and only there."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 360, "height": 800}}

# Compares two screenshots of the same box, pixel by pixel, in a thin column at each edge.
EDGE_DIFFERENCE = """async ([first, second]) => {
    const pixels = async bytes => {
        const bitmap = await createImageBitmap(new Blob([new Uint8Array(bytes)]));
        const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
        const context = canvas.getContext("2d");
        context.drawImage(bitmap, 0, 0);
        return context.getImageData(0, 0, bitmap.width, bitmap.height);
    };
    const [a, b] = [await pixels(first), await pixels(second)];
    const column = (x0, x1) => {
        let total = 0, count = 0;
        for (let y = 0; y < a.height; y++) {
            for (let x = x0; x < x1; x++) {
                const i = (y * a.width + x) * 4;
                total += Math.abs(a.data[i] - b.data[i]) + Math.abs(a.data[i + 1] - b.data[i + 1])
                    + Math.abs(a.data[i + 2] - b.data[i + 2]);
                count += 3;
            }
        }
        return total / count;
    };
    return {left: column(0, 6), right: column(a.width - 6, a.width)};
}"""


def edge_shade(page: Page, box: Locator) -> dict[str, float]:
    """Return how much the box's own background changes its left and right edges: the mean
    difference per colour channel between the box as shown and the box with no background."""
    shown = box.screenshot(type="png")
    box.evaluate("e => { e.dataset.background = e.style.background; e.style.background = 'none'; }")
    bare = box.screenshot(type="png")
    box.evaluate("e => { e.style.background = e.dataset.background; }")
    return page.evaluate(EDGE_DIFFERENCE, [list(shown), list(bare)])


def table_box(page: Page) -> Locator:
    # the roles table sits in a closed section of the result page: open it as a reader would
    page.locator("#profile-heading").click()
    box = page.locator(".table-scroll").first
    box.scroll_into_view_if_needed()
    return box


def test_the_roles_table_on_a_phone_scrolls_with_a_shaded_edge(
    open_page: Callable[..., Page], result_url: str
) -> None:
    page = open_page(**PHONE)
    page.goto(result_url)
    box = table_box(page)
    scroll, client = box.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert scroll > client  # wider than the screen: the table scrolls
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # the page does not
    at_start = edge_shade(page, box)
    assert at_start["right"] > 5 and at_start["left"] < 1  # more beyond the right edge only
    box.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    at_end = edge_shade(page, box)
    assert at_end["left"] > 5 and at_end["right"] < 1  # now only the left has more


def test_a_table_that_fits_its_screen_has_no_shade(
    open_page: Callable[..., Page], result_url: str
) -> None:
    page = open_page(viewport={"width": 1280, "height": 800})
    page.goto(result_url)
    box = table_box(page)
    scroll, client = box.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert scroll <= client
    shade = edge_shade(page, box)
    assert shade["left"] < 1 and shade["right"] < 1
