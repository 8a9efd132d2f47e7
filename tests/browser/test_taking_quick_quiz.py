"""Quick mode the way people take it: keyboard alone, without JavaScript, on a narrow screen."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from test_taking_quiz import ranking_on_page, roles_on_landing_page

pytestmark = pytest.mark.browser

RESULT_URL = re.compile(r"/r/[\w-]+$")
QUICK_URL = re.compile(r"/quiz/quick$")
NARROW = 360


def answer_until_the_result(page: Page, choose: Callable[[int], None], first: int = 1) -> int:
    """Answer question after question with ``choose(number)``; return the last number asked."""
    number = first
    while True:
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Quick quiz: question {number}")
        assert page.locator("fieldset.question").count() == 1, "quick mode asks one at a time"
        with page.expect_navigation():
            choose(number)
        if RESULT_URL.search(page.url):
            return number
        number += 1
        assert number < 100, "the quick quiz never stopped"


def assert_shows_provisional_ranking(page: Page, roles: list[str]) -> None:
    """The quick result ranks every role, best first, its top fit marked provisional."""
    ranking = ranking_on_page(page)
    assert sorted(name for name, _ in ranking) == sorted(roles)
    fits = [fit for _, fit in ranking]
    assert fits == sorted(fits, reverse=True), f"the ranking is not best first: {ranking}"
    best, best_fit = ranking[0]
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(f"Your best fit so far: {best}")
    expect(heading).to_contain_text(f"{best_fit}% provisional")


def asked_of_total(page: Page) -> tuple[int, int]:
    match = re.search(r"(\d+) of (\d+) questions", page.locator("#quiz-mode").inner_text())
    assert match, "the result page does not say how many questions quick mode asked"
    return int(match[1]), int(match[2])


def test_keyboard_alone_takes_the_quick_quiz_from_the_landing_page(page: Page) -> None:
    page.goto("/")
    roles = roles_on_landing_page(page)
    page.get_by_role("link", name="Quick quiz").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(QUICK_URL)

    def by_keyboard(number: int) -> None:
        page.locator("input[type=radio]").first.focus()
        for _ in range(number % 4):
            page.keyboard.press("ArrowDown")
        if number % 4 == 0:
            page.keyboard.press(" ")
        expect(page.locator("input[type=radio]:checked")).to_have_count(1)
        page.keyboard.press("Enter")  # Enter in a radio group sends the form

    asked = answer_until_the_result(page, by_keyboard)

    assert_shows_provisional_ranking(page, roles)
    expect(page.locator("#quiz-mode")).to_contain_text("Quick result from")
    shown, total = asked_of_total(page)
    assert shown == asked < total


def test_quick_quiz_works_without_javascript_and_back_asks_the_same_question_again(
    open_page: Callable[..., Page],
) -> None:
    page = open_page(java_script_enabled=False)
    page.goto("/quiz/quick")
    first = page.locator("fieldset.question legend").inner_text()
    page.locator("label.option").nth(1).click()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quick quiz: question 2")

    page.get_by_role("button", name="Back").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quick quiz: question 1")
    assert page.locator("fieldset.question legend").inner_text() == first
    expect(page.locator("input[type=radio]").nth(1)).to_be_checked()

    # sending without a choice asks again, with the reason beside the question
    page.locator("input[type=radio]").nth(1).evaluate("el => { el.checked = false; }")
    page.get_by_role("button", name="Next").click()
    expect(page.locator(".field-error")).to_be_visible()

    def by_mouse(number: int) -> None:
        options = page.locator("label.option")
        options.nth(number % options.count()).click()
        page.get_by_role("button", name="Next").click()

    asked = answer_until_the_result(page, by_mouse)
    assert asked_of_total(page)[0] == asked


def test_quick_quiz_fits_a_narrow_screen(open_page: Callable[..., Page]) -> None:
    page = open_page(viewport={"width": NARROW, "height": 740})
    page.goto("/quiz/quick")
    page.locator("label.option").first.click()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quick quiz: question 2")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= NARROW, f"the quick quiz is {width}px wide on a {NARROW}px screen"
