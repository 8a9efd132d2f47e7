"""Take the quiz the way people do: mouse, keyboard alone, no JavaScript, narrow screens."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from quiz.web.taking_forms import MISSING_ANSWER

pytestmark = pytest.mark.browser

SUBMIT = re.compile(r"^(Next|See my result)$")
RESULT_URL = re.compile(r"/r/[\w-]+$")
NARROW = 360
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"  # git-ignored


def pick_varied(number: int, option_count: int) -> int:
    """Choose a different option from question to question, so the answers are not uniform."""
    return (number * 2 + 1) % option_count


def quiz_page_number(page: Page) -> tuple[int, int]:
    """Return (this page, page count) from the progress line."""
    match = re.search(r"Page (\d+) of (\d+)", page.locator("#progress-label").inner_text())
    assert match, "the quiz page has no progress line"
    return int(match.group(1)), int(match.group(2))


def radio_names(page: Page) -> list[str]:
    return page.locator("fieldset.question").evaluate_all(
        "sets => sets.map(s => s.querySelector('input[type=radio]').name)"
    )


def chosen_values(page: Page) -> dict[str, str | None]:
    """Return each question's checked value on this page (None where nothing is checked)."""
    return page.locator("fieldset.question").evaluate_all(
        """sets => Object.fromEntries(sets.map(s => {
            const checked = s.querySelector('input[type=radio]:checked');
            return [s.querySelector('input[type=radio]').name, checked && checked.value];
        }))"""
    )


def answer_with_mouse(page: Page, skip: int | None = None) -> dict[str, str]:
    """Click an option in every question on this page (but ``skip``); return what was chosen."""
    chosen = {}
    for index, question in enumerate(page.locator("fieldset.question").all()):
        if index == skip:
            continue
        options = question.locator("label.option")
        option = options.nth(pick_varied(index, options.count()))
        radio = option.locator("input[type=radio]")
        # people click the words as often as the little circle
        (option.locator("span") if index % 2 else radio).click()
        expect(radio).to_be_checked()
        chosen[radio.get_attribute("name") or ""] = radio.get_attribute("value") or ""
    return chosen


def answer_quickly(page: Page) -> None:
    """Fill every page by script and go on, for tests whose subject comes after the quiz."""
    page.goto("/quiz/1")
    while not RESULT_URL.search(page.url):
        page.locator("fieldset.question").evaluate_all(
            """sets => sets.forEach((set, i) => {
                const radios = set.querySelectorAll('input[type=radio]');
                radios[(i * 2 + 1) % radios.length].checked = true;
            })"""
        )
        current = page.url
        page.get_by_role("button", name=SUBMIT).click()
        page.wait_for_url(lambda url, before=current: url != before)


def take_quiz_with_mouse(page: Page) -> None:
    """From the landing page, click through every quiz page to the result."""
    page.get_by_role("link", name="Start the quiz").click()
    expect(page).to_have_url(re.compile(r"/quiz$"))
    number, count = quiz_page_number(page)
    while True:
        assert quiz_page_number(page) == (number, count)
        answer_with_mouse(page)
        page.get_by_role("button", name=SUBMIT).click()
        if number == count:
            break
        number += 1
        expect(page).to_have_url(re.compile(rf"/quiz/{number}$"))
    expect(page).to_have_url(RESULT_URL)


def ranking_on_page(page: Page) -> list[tuple[str, int]]:
    """Return the ranking the chart shows: (role name, fit in percent), best first."""
    chart = page.locator("svg.chart")
    labels = chart.locator("text.chart-label").all_text_contents()
    values = chart.locator("text.chart-value").all_text_contents()
    assert labels and len(labels) == len(values), "the result page shows no ranking chart"
    names = [re.sub(r"^\d+\.\s*", "", label) for label in labels]
    return [(name, int(value.rstrip("%"))) for name, value in zip(names, values, strict=True)]


def roles_on_landing_page(page: Page) -> list[str]:
    return page.locator(".role-card h3").all_inner_texts()


def assert_shows_full_ranking(page: Page, roles: list[str]) -> None:
    ranking = ranking_on_page(page)
    assert sorted(name for name, _ in ranking) == sorted(roles)
    fits = [fit for _, fit in ranking]
    assert fits == sorted(fits, reverse=True), f"the ranking is not best first: {ranking}"
    assert all(0 <= fit <= 100 for fit in fits)
    best, best_fit = ranking[0]
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Your best fit: {best}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{best_fit}%")


def test_mouse_takes_the_quiz_to_a_ranked_result(page: Page) -> None:
    page.goto("/")
    roles = roles_on_landing_page(page)
    assert len(roles) >= 3

    take_quiz_with_mouse(page)

    assert_shows_full_ranking(page, roles)


def press_tab_until(page: Page, is_focused: str, limit: int = 40) -> None:
    """Press Tab until the JavaScript condition on ``el`` (the focused element) holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            f"(() => {{ const el = document.activeElement; return {is_focused}; }})()"
        ):
            return
    raise AssertionError(f"{limit} presses of Tab never reached an element where {is_focused}")


def focus_is_visible(page: Page) -> bool:
    """Tell whether the focused element shows a ring: its own, or its option card's around it."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const ringed = el.type === 'radio' ? el.closest('label.option') : el;
            const style = getComputedStyle(ringed);
            return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
        }"""
    )


def test_keyboard_alone_takes_the_quiz_to_a_ranked_result(page: Page) -> None:
    page.goto("/")
    roles = roles_on_landing_page(page)
    press_tab_until(page, "el.textContent.trim() === 'Start the quiz'")
    assert focus_is_visible(page), "the focused Start link shows no focus outline"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/quiz$"))

    while not RESULT_URL.search(page.url):
        number, count = quiz_page_number(page)
        wanted = {}
        for index, name in enumerate(radio_names(page)):
            # Tab lands on a group's first radio; Space picks it, each arrow moves one further
            press_tab_until(page, f"el.type === 'radio' && el.name === {name!r}")
            if index == 0:
                assert focus_is_visible(page), "the focused radio button shows no focus outline"
            moves = index % 3
            for _ in range(moves):
                page.keyboard.press("ArrowDown")
            if moves == 0:
                page.keyboard.press(" ")
            wanted[name] = moves
        chosen = page.locator("fieldset.question").evaluate_all(
            """sets => Object.fromEntries(sets.map(s => {
                const radios = [...s.querySelectorAll('input[type=radio]')];
                return [radios[0].name, radios.findIndex(r => r.checked)];
            }))"""
        )
        assert chosen == wanted, f"page {number}: keys chose {chosen}, expected {wanted}"

        if number % 2:
            page.keyboard.press("Enter")  # Enter in a radio group sends the form
        else:
            press_tab_until(page, "el.type === 'submit' && el.name === 'forward'")
            assert focus_is_visible(page), "the focused Next button shows no focus outline"
            page.keyboard.press("Enter")
        if number < count:
            expect(page).to_have_url(re.compile(rf"/quiz/{number + 1}$"))
        else:
            expect(page).to_have_url(RESULT_URL)

    assert_shows_full_ranking(page, roles)


def test_quiz_works_with_javascript_off(open_page: Callable[..., Page]) -> None:
    page = open_page(java_script_enabled=False)
    page.goto("/")
    roles = roles_on_landing_page(page)

    take_quiz_with_mouse(page)

    assert_shows_full_ranking(page, roles)
    share_link = page.get_by_label("Your share link")
    expect(share_link).to_be_visible()
    expect(share_link).to_have_value(page.url)
    # the copy button only works with the script, so without it the button must not show
    copy_button = page.locator("[data-copy-button]")
    assert copy_button.is_hidden(), (
        "without JavaScript the copy button shows (and does nothing): "
        f"{copy_button.evaluate('el => el.outerHTML')} is displayed as "
        f"{copy_button.evaluate('el => getComputedStyle(el).display')!r}"
    )


def test_next_with_a_question_unanswered_shows_the_message_beside_it(page: Page) -> None:
    page.goto("/quiz/1")
    chosen = answer_with_mouse(page, skip=2)

    page.get_by_role("button", name="Next").click()

    expect(page).to_have_url(re.compile(r"/quiz/1$"))
    expect(page.get_by_role("alert")).to_contain_text("Please answer 1 question")
    questions = page.locator("fieldset.question")
    unanswered = questions.nth(2)
    expect(page.get_by_role("alert").get_by_role("link")).to_have_attribute(
        "href", f"#{unanswered.get_attribute('id')}"
    )
    message = unanswered.locator(".field-error")
    expect(message).to_have_text(str(MISSING_ANSWER))
    expect(message).to_be_visible()
    expect(unanswered).to_have_attribute("aria-describedby", message.get_attribute("id") or "")
    # the message sits inside that question's box, above its options
    box, message_box = unanswered.bounding_box(), message.bounding_box()
    assert box and message_box
    assert box["y"] <= message_box["y"] and message_box["y"] + message_box["height"] <= (
        box["y"] + box["height"]
    )
    assert page.locator(".field-error").count() == 1, "only the unanswered question is marked"
    assert {k: v for k, v in chosen_values(page).items() if v} == chosen

    answer_with_mouse(page)
    page.get_by_role("button", name="Next").click()
    expect(page).to_have_url(re.compile(r"/quiz/2$"))


def test_back_shows_earlier_answers_still_chosen(page: Page) -> None:
    page.goto("/quiz/1")
    first_page = answer_with_mouse(page)
    page.get_by_role("button", name="Next").click()
    expect(page).to_have_url(re.compile(r"/quiz/2$"))
    second_page = answer_with_mouse(page, skip=3)

    page.get_by_role("button", name="Back").click()

    expect(page).to_have_url(re.compile(r"/quiz/1$"))
    assert chosen_values(page) == first_page
    expect(page.locator(".field-error")).to_have_count(0)

    page.get_by_role("button", name="Next").click()
    expect(page).to_have_url(re.compile(r"/quiz/2$"))
    assert {k: v for k, v in chosen_values(page).items() if v} == second_page


def test_share_link_shows_the_same_ranking_in_a_fresh_browser(
    page: Page, open_page: Callable[..., Page]
) -> None:
    answer_quickly(page)
    share_url = page.get_by_label("Your share link").input_value()
    assert RESULT_URL.search(share_url)
    ranking = ranking_on_page(page)

    stranger = open_page()  # a new profile: no cookies, no session
    assert stranger.context.cookies() == []
    stranger.goto(share_url)

    assert ranking_on_page(stranger) == ranking
    as_json = stranger.request.get(f"{share_url}.json")
    assert as_json.ok
    assert [(r["name"], r["fit"]) for r in as_json.json()["ranking"]] == ranking


def test_copy_button_copies_the_share_link(page: Page, live_server: str, result_url: str) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page.goto(result_url)

    page.get_by_role("button", name="Copy link").click()

    expect(page.locator("[data-copy-status]")).to_have_text("Link copied.")
    assert page.evaluate("navigator.clipboard.readText()") == result_url


def overflowing_elements(page: Page) -> list[str]:
    """Describe the deepest elements that stick out past the right edge of the viewport."""
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            const wide = [...document.body.querySelectorAll('*')].filter(
                el => el.getBoundingClientRect().right > width + 0.5);
            return wide.filter(el => !wide.some(other => other !== el && el.contains(other)))
                .slice(0, 5)
                .map(el => `${el.outerHTML.slice(0, 160)} (right edge at `
                    + `${Math.round(el.getBoundingClientRect().right)} px)`);
        }"""
    )


def visit_for_screenshot(page: Page, name: str, result_url: str) -> None:
    if name == "landing":
        page.goto("/")
    elif name == "quiz":
        page.goto("/quiz/1")
    elif name == "quiz-errors":
        page.goto("/quiz/1")
        page.get_by_role("button", name="Next").click()
        expect(page.get_by_role("alert")).to_be_visible()
    else:
        page.goto(result_url)


@pytest.mark.parametrize("width", [1280, NARROW])
def test_screens_are_captured_and_fit_the_width(
    open_page: Callable[..., Page], result_url: str, width: int
) -> None:
    page = open_page(viewport={"width": width, "height": 800})
    SCREENSHOTS.mkdir(exist_ok=True)
    overflow: dict[str, Any] = {}
    for name in ("landing", "quiz", "quiz-errors", "result"):
        visit_for_screenshot(page, name, result_url)
        page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if width == NARROW and scroll_width > NARROW:
            overflow[name] = (scroll_width, overflowing_elements(page))
    assert not overflow, f"pages scroll sideways at {NARROW} px: {overflow}"
