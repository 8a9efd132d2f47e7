"""The role pages in Chromium, on a desktop and on a phone: the page itself never scrolls
sideways; the roles' side-by-side table, too wide for a phone, scrolls in its own region."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

WIDTHS = (1280, 390)


def page_width(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", ["/roles", "/roles/ai-engineer", "/roles/data-scientist"])
def test_a_role_page_never_scrolls_sideways(
    open_page: Callable[..., Page], path: str, width: int
) -> None:
    page = open_page(viewport={"width": width, "height": 800})

    page.goto(path)

    assert page_width(page) <= width, f"{path} is {page_width(page)} px wide at {width}"
    expect(page.get_by_role("link", name="Find your fit")).to_be_visible()


def test_on_a_phone_the_side_by_side_table_scrolls_in_its_own_region(
    open_page: Callable[..., Page],
) -> None:
    page = open_page(viewport={"width": 390, "height": 800})
    page.goto("/roles")
    region = page.get_by_role(
        "region", name="The roles side by side, a column each; scrolls sideways"
    )

    scroll, client = region.evaluate("e => [e.scrollWidth, e.clientWidth]")

    assert scroll > client  # the table is wider than the phone, and its region scrolls
    assert region.evaluate("e => e.classList.contains('table-scroll')")
    region.focus()  # reachable by keyboard, and scrolled by it
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => document.querySelector('.table-scroll').scrollLeft > 0", timeout=2000
    )
    assert page_width(page) <= 390


@pytest.mark.parametrize("language", ["en", "de"])
def test_on_a_desktop_the_side_by_side_table_fits_without_scrolling(
    open_page: Callable[..., Page], language: str
) -> None:
    page = open_page(viewport={"width": 1280, "height": 800})
    page.goto(f"/roles?lang={language}")  # German's long compounds must not widen it either
    region = page.locator(".table-scroll").first

    scroll, client = region.evaluate("e => [e.scrollWidth, e.clientWidth]")

    assert scroll <= client
    for name in ("Data Scientist", "Machine Learning Engineer", "AI Engineer"):
        expect(region.get_by_role("columnheader", name=name)).to_be_in_viewport()


def test_each_role_keeps_its_colour_as_its_accent(open_page: Callable[..., Page]) -> None:
    page = open_page()
    page.goto("/roles/ml-engineer")

    fill = page.locator(".role-hero .role-accent rect").get_attribute("fill")

    page.goto("/roles")
    headers = page.get_by_role("columnheader", name="Machine Learning Engineer")
    expect(headers).to_have_count(2)  # the side-by-side table and what each role draws on
    for header in headers.all():
        assert header.locator("rect").get_attribute("fill") == fill
    assert fill and fill.startswith("#")
