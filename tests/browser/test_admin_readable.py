"""The admin area reads well in a browser: the menu at desktop and phone widths, analytics'
folding answer tables and its chart's axes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from test_admin_quality import ADMIN_EMAIL, Targets, sign_in, targets

pytestmark = pytest.mark.browser

__all__ = ["targets"]  # the fixture, shared with the admin quality tests

WIDE = 1280
PHONE = 390
SCREENSHOTS = "/tmp"


def menu_rows(page: Page) -> int:
    """How many lines the admin menu's links take up."""
    return page.evaluate(
        """() => new Set([...document.querySelectorAll('.admin-menu a')]
            .map(a => Math.round(a.getBoundingClientRect().top))).size"""
    )


def test_the_admin_menu_is_one_line_at_1280_px(
    open_page: Callable[..., Page], targets: Targets
) -> None:
    page = open_page(viewport={"width": WIDE, "height": 900})
    sign_in(page)
    expect(page.get_by_text(f"Signed in as {ADMIN_EMAIL}")).to_be_visible()
    for path in ("/admin/", "/admin/analytics", "/admin/audit"):
        page.goto(path)
        assert menu_rows(page) == 1, path
        assert page.locator(".site-footer").count() == 0
    page.screenshot(path=f"{SCREENSHOTS}/admin-nav-1280.png")


def test_the_admin_menu_is_usable_at_390_px(
    open_page: Callable[..., Page], targets: Targets
) -> None:
    page = open_page(viewport={"width": PHONE, "height": 844})
    sign_in(page)
    page.goto("/admin/")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    links = page.locator(".admin-menu a")
    for i in range(links.count()):
        box = links.nth(i).bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE, links.nth(i).inner_text()
        assert box["height"] >= 24, links.nth(i).inner_text()  # big enough to tap
    page.screenshot(path=f"{SCREENSHOTS}/admin-nav-390.png")
    links.filter(has_text="Analytics").click()
    expect(page).to_have_url(f"{page.url.split('/admin')[0]}/admin/analytics")
    expect(page.get_by_role("heading", level=1)).to_have_text("How people answer")
