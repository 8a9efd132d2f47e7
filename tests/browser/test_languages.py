"""Languages as a person meets them: the switcher without a script, and share links abroad."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

RESULT_URL = re.compile(r"/r/[\w-]+$")
NARROW = 360
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"  # git-ignored


def take_quick_quiz(page: Page, next_button: str) -> None:
    page.goto("/quiz/quick")
    while not RESULT_URL.search(page.url):
        options = page.locator("label.option")
        options.nth(options.count() // 2).click()
        with page.expect_navigation():
            page.get_by_role("button", name=next_button).click()


def test_the_switcher_works_without_javascript_and_is_remembered(
    open_page: Callable[..., Page],
) -> None:
    page = open_page(java_script_enabled=False, locale="en-US")
    page.goto("/privacy")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("navigation", name="Language").get_by_role("link", name="Deutsch").click()

    expect(page).to_have_url(re.compile(r"/privacy$"))  # back on the same page
    expect(page.locator("html")).to_have_attribute("lang", "de")
    switcher = page.get_by_role("navigation", name="Sprache")
    expect(switcher.get_by_role("link", name="Deutsch")).to_have_attribute("aria-current", "true")
    page.goto("/")
    expect(page.get_by_role("link", name="Schnell-Quiz")).to_be_visible()
    take_quick_quiz(page, "Weiter")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.locator("#quiz-mode")).to_contain_text("Schnell-Ergebnis aus")


def test_a_share_link_opens_in_the_language_of_whoever_opens_it(
    open_page: Callable[..., Page],
) -> None:
    german = open_page(locale="de-DE")
    take_quick_quiz(german, "Weiter")
    link = german.url
    german_heading = german.get_by_role("heading", level=1).inner_text()

    english = open_page(locale="en-GB")
    english.goto(link)

    expect(english.locator("html")).to_have_attribute("lang", "en")
    # a reader of someone else's link sees their result in the third person
    expect(english.get_by_role("heading", level=1)).to_contain_text("Their best fit")
    assert english.get_by_role("heading", level=1).inner_text() != german_heading
    # the same ranking in both languages: the role names and fits agree
    fits = english.locator(".fit-badge").first.inner_text()
    assert german.locator(".fit-badge").first.inner_text() == fits


@pytest.mark.parametrize("width", [1280, NARROW])
def test_german_pages_fit_the_width(
    open_page: Callable[..., Page], result_url: str, width: int
) -> None:
    page = open_page(viewport={"width": width, "height": 800}, locale="de-DE")
    SCREENSHOTS.mkdir(exist_ok=True)
    overflow: dict[str, Any] = {}
    for name, url in (
        ("landing", "/"),
        ("quiz", "/quiz/1"),
        ("quick", "/quiz/quick"),
        ("result", result_url),
    ):
        page.goto(url)
        expect(page.locator("html")).to_have_attribute("lang", "de")
        page.screenshot(path=SCREENSHOTS / f"{name}-de-{width}.png", full_page=True)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            overflow[name] = scroll_width
    assert not overflow, f"German pages scroll sideways at {width} px: {overflow}"
