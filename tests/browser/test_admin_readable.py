"""The admin area reads well in a browser: the menu at desktop and phone widths, analytics'
folding answer tables and its chart's axes."""

from __future__ import annotations

import re
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
    # German labels are longer: still one line
    page.get_by_role("link", name="Deutsch").click()
    expect(page.get_by_text(f"Angemeldet als {ADMIN_EMAIL}")).to_be_visible()
    assert menu_rows(page) == 1


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


def page_height(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollHeight")


def test_analytics_answer_tables_fold_and_the_page_is_short_with_them_closed(
    open_page: Callable[..., Page], targets: Targets
) -> None:
    page = open_page(viewport={"width": WIDE, "height": 900})
    sign_in(page)
    page.goto("/admin/analytics")
    sections = page.locator("details.question-answers")
    count = sections.count()
    assert count > 20  # one per question of the published bank
    assert sections.evaluate_all("all => all.every(d => !d.open)")
    first = sections.first
    summary = first.locator("summary")
    expect(summary).to_contain_text("1.")
    expect(summary).to_contain_text(re.compile(r"\d+ answers?"))
    expect(first.locator("table")).to_be_hidden()
    closed = page_height(page)
    page.screenshot(path=f"{SCREENSHOTS}/admin-analytics-1280.png", full_page=True)

    summary.click()
    expect(first.locator("table")).to_be_visible()
    expect(first.get_by_role("rowheader").first).to_be_visible()
    summary.click()
    expect(first.locator("table")).to_be_hidden()

    sections.evaluate_all("all => all.forEach(d => { d.open = true; })")
    opened = page_height(page)
    print(f"analytics at {WIDE} px: {closed} px with answers closed, {opened} px open")
    assert closed * 2 < opened

    # a share's figure stays on the line of its bar
    for width in (WIDE, PHONE):
        page.set_viewport_size({"width": width, "height": 900})
        figures = page.locator(".share-figure")
        assert figures.count() > count * 2
        # one line box per figure: the number did not wrap, whatever the width
        wrapped = figures.evaluate_all(
            """cells => cells.filter(cell => {
                const range = document.createRange();
                range.selectNodeContents(cell);
                return range.getClientRects().length !== 1;
            }).map(cell => cell.textContent)"""
        )
        assert wrapped == [], width
        assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_daily_chart_has_counts_up_the_side_and_dates_along_the_bottom(
    open_page: Callable[..., Page], targets: Targets
) -> None:
    page = open_page(viewport={"width": WIDE, "height": 900})
    sign_in(page)
    page.goto("/admin/analytics")
    chart = page.locator("svg.day-chart")
    counts = chart.locator(".y-axis text.chart-note").all_text_contents()
    assert counts[-1] == "Results"
    numbers = [int(c.replace(",", "")) for c in counts[:-1]]
    assert numbers[0] == 0 and len(numbers) >= 2
    assert numbers == sorted(numbers)
    busiest = max(int(t.split(": ")[1]) for t in chart.locator("rect title").all_text_contents())
    assert numbers[-1] >= busiest > numbers[-2]
    dates = chart.locator(".x-axis text.chart-note").all_text_contents()
    assert dates[-1] == "Day (UTC)"
    assert len(dates) >= 3
    assert all(re.search(r"\d", d) for d in dates[:-1])
    # the labels are inside the picture, not cut off at its edges
    box = chart.bounding_box()
    assert box is not None
    for label in chart.locator("text").all():
        edge = label.bounding_box()
        assert edge is not None
        assert (
            box["x"] - 1 <= edge["x"] and edge["x"] + edge["width"] <= box["x"] + box["width"] + 1
        )
    chart.screenshot(path=f"{SCREENSHOTS}/admin-day-chart.png")


def test_quality_figures_have_readings_and_the_format_page_reads_at_phone_width(
    open_page: Callable[..., Page], targets: Targets
) -> None:
    page = open_page(viewport={"width": WIDE, "height": 900})
    sign_in(page)
    page.goto("/admin/versions/1/quality")
    readings = page.locator(".reading")
    assert readings.count() > 30
    expect(readings.first).to_be_visible()
    page.locator("#reliability-heading").scroll_into_view_if_needed()
    page.screenshot(path=f"{SCREENSHOTS}/admin-quality-1280.png")
    page.goto("/admin/audit")
    page.screenshot(path=f"{SCREENSHOTS}/admin-audit-1280.png")

    page.set_viewport_size({"width": PHONE, "height": 844})
    page.goto("/admin/bank")
    page.get_by_role("link", name="The question bank file format, explained").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Question bank format")
    page.get_by_role("link", name="Roles", exact=True).last.click()
    expect(page.get_by_role("heading", name="Roles", level=2)).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    page.screenshot(path=f"{SCREENSHOTS}/admin-bank-format-390.png")
