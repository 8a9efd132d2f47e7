"""The quiz pages in Chromium, on a desk and on a phone: the list of unanswered questions,
switching language mid-page, Back and Next, option cards, and the error pages.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from quiz.db import db
from quiz.store.results import erase_result, find_result

pytestmark = pytest.mark.browser

WIDTHS = {"desk": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
SCREENSHOTS = Path("/tmp/quizflow-screens")
MIN_TARGET = 24  # CSS px, for a radio button
MIN_RING_CONTRAST = 3.0


def open_at(open_page: Callable[..., Page], width: str, **options: object) -> Page:
    return open_page(viewport=WIDTHS[width], **options)


def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def questions(page: Page):
    return page.locator("fieldset.question")


def choose(page: Page, index: int, option: int = 0) -> tuple[str, str]:
    """Click an option card of question ``index`` on its words; return (name, value)."""
    card = questions(page).nth(index).locator("label.option").nth(option)
    card.locator("span").click()
    radio = card.locator("input[type=radio]")
    expect(radio).to_be_checked()
    return radio.get_attribute("name") or "", radio.get_attribute("value") or ""


def chosen_values(page: Page) -> dict[str, str | None]:
    return questions(page).evaluate_all(
        """sets => Object.fromEntries(sets.map(s => {
            const checked = s.querySelector('input[type=radio]:checked');
            return [s.querySelector('input[type=radio]').name, checked && checked.value];
        }))"""
    )


def summary_entries(page: Page) -> list[str]:
    return page.locator("#error-summary li a").all_inner_texts()


def active_element(page: Page) -> dict[str, str]:
    return page.evaluate(
        """() => { const el = document.activeElement;
            return {id: el.id, name: el.name || '', type: el.type || '',
                    fieldset: el.closest('fieldset') ? el.closest('fieldset').id : ''}; }"""
    )


def axe_violations(page: Page, axe_script: Path) -> list[str]:
    page.add_script_tag(path=axe_script)
    return page.evaluate(
        """async () => (await axe.run()).violations.map(v =>
            `${v.id}: ${v.help} at ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)"""
    )


def nu_errors(html: str, vnu_command: list[str]) -> list[str]:
    checked = subprocess.run(vnu_command, input=html.encode(), capture_output=True, timeout=120)
    assert checked.stdout, f"the Nu HTML checker did not run: {checked.stderr.decode()}"
    messages = json.loads(checked.stdout)["messages"]
    return [
        f"line {m.get('lastLine', '?')}: {m['message']}"
        for m in messages
        if m.get("type") in ("error", "non-document-error")
    ]


def in_viewport(page: Page, selector: str) -> bool:
    return page.evaluate(
        f"""() => {{ const r = document.querySelector({selector!r}).getBoundingClientRect();
            return r.top >= -1 && r.top < window.innerHeight; }}"""
    )


# ---------------------------------------------------------------- contrast, as WCAG defines it


def channel(value: float) -> float:
    value /= 255
    return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4


def luminance(rgb: tuple[float, float, float]) -> float:
    red, green, blue = (channel(c) for c in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: tuple[float, float, float], second: tuple[float, float, float]) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def parse_rgb(css: str) -> tuple[float, float, float]:
    match = re.fullmatch(r"rgba?\(([\d.]+), ([\d.]+), ([\d.]+)(?:, ([\d.]+))?\)", css)
    assert match, f"not an rgb() colour: {css}"
    assert match[4] is None or float(match[4]) == 1, f"a see-through ring: {css}"
    return float(match[1]), float(match[2]), float(match[3])


WHITE = (255.0, 255.0, 255.0)


def ring_of(page: Page, selector: str) -> dict[str, str]:
    return page.evaluate(
        f"""() => {{ const s = getComputedStyle(document.querySelector({selector!r}));
            return {{style: s.outlineStyle, width: s.outlineWidth, colour: s.outlineColor}}; }}"""
    )


def press_tab_until(page: Page, condition: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return {condition}; }})()"):
            return
    raise AssertionError(f"Tab never reached an element where {condition}")


# ---------------------------------------------------------------- the list of unanswered questions


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_summary_takes_focus_leads_to_each_question_and_clears_as_they_are_answered(
    open_page: Callable[..., Page], axe_script: Path, vnu_command: list[str], width: str
) -> None:
    # the policy refuses injected scripts, axe among them (quiz.js is the site's own)
    page = open_at(open_page, width, bypass_csp=True)
    page.goto("/quiz/1")
    count = questions(page).count()
    prompts = questions(page).locator("legend").all_inner_texts()
    for index in range(count):
        if index not in (1, 3):
            choose(page, index, option=index % 2)
    before = chosen_values(page)

    with page.expect_response(lambda r: r.request.method == "POST") as sent:
        page.get_by_role("button", name="Next").click()

    expect(page).to_have_url(re.compile(r"/quiz/1$"))
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("heading", level=2)).to_have_text("Please answer 2 questions")
    entries = summary_entries(page)
    assert [e.split(": ", 1)[0] for e in entries] == ["Question 2", "Question 4"]
    for entry, prompt in zip(entries, (prompts[1], prompts[3]), strict=True):
        shown = entry.split(": ", 1)[1].removesuffix("…")
        assert prompt.split(" ", 1)[1].startswith(shown), (entry, prompt)
    assert page.title().startswith("Error: ")
    assert chosen_values(page) == before
    shoot(page, f"quiz-errors-{width}")
    assert axe_violations(page, axe_script) == []
    assert nu_errors(sent.value.text(), vnu_command) == []

    # a link takes the reader to that question, its options ready for the keyboard
    second = questions(page).nth(1)
    second_id = second.get_attribute("id") or ""
    summary.get_by_role("link").first.click()
    assert active_element(page)["fieldset"] == second_id
    assert in_viewport(page, f"#{second_id} legend")
    assert urlsplit(page.url).fragment == second_id

    # answering takes away its marks and its entry; the count follows
    choose(page, 1, option=2)
    expect(second).not_to_have_class(re.compile(r"has-error"))
    assert second.get_attribute("aria-invalid") is None
    assert second.get_attribute("aria-describedby") is None
    expect(second.locator(".field-error")).to_have_count(0)
    expect(summary.get_by_role("heading", level=2)).to_have_text("Please answer 1 question")
    assert [e.split(":")[0] for e in summary_entries(page)] == ["Question 4"]
    expect(questions(page).nth(3)).to_have_class(re.compile(r"has-error"))
    assert axe_violations(page, axe_script) == []

    choose(page, 3, option=0)
    expect(summary).to_have_count(0)
    expect(page.locator(".has-error, .field-error, [aria-invalid]")).to_have_count(0)
    assert not page.title().startswith("Error")

    page.get_by_role("button", name="Next").click()
    expect(page).to_have_url(re.compile(r"/quiz/2$"))


def test_without_javascript_the_summary_comes_first_and_the_next_submit_clears_it(
    open_page: Callable[..., Page],
) -> None:
    page = open_page(java_script_enabled=False, viewport=WIDTHS["phone"])
    page.goto("/quiz/1")
    for index in range(2, questions(page).count()):
        choose(page, index)

    page.get_by_role("button", name="Next").click()
    # the answer comes back to the same address, so wait for the page it brings, not the URL
    expect(page.locator("#error-summary")).to_be_visible()

    # straight after the heading, so reading on from it meets the list first
    assert page.evaluate("document.querySelector('h1').nextElementSibling.id === 'error-summary'")
    assert page.title().startswith("Error: ")
    assert len(summary_entries(page)) == 2
    first_id = questions(page).first.get_attribute("id") or ""
    page.locator("#error-summary a").first.click()
    assert urlsplit(page.url).fragment == first_id
    assert in_viewport(page, f"#{first_id}")

    choose(page, 0)
    choose(page, 1)
    expect(page.locator(".has-error")).to_have_count(2)  # no script: marks stay until sent
    page.get_by_role("button", name="Next").click()
    expect(page).to_have_url(re.compile(r"/quiz/2$"))
    page.get_by_role("button", name="Back").click()
    expect(page).to_have_url(re.compile(r"/quiz/1$"))
    expect(page.locator("#error-summary, .has-error")).to_have_count(0)


# ---------------------------------------------------------------- switching language


@pytest.mark.parametrize(("width", "script"), [("desk", True), ("phone", True), ("phone", False)])
def test_switching_language_keeps_the_answers_on_the_page(
    open_page: Callable[..., Page], width: str, script: bool
) -> None:
    page = open_at(open_page, width, java_script_enabled=script, locale="en-GB")
    page.goto("/quiz/2")
    chosen = dict([choose(page, 0, option=1), choose(page, 2, option=2)])
    before = chosen_values(page)
    assert {k: v for k, v in before.items() if v} == chosen

    page.get_by_role("navigation", name="Language").get_by_role("button", name="Deutsch").click()

    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page).to_have_url(re.compile(r"/quiz/2$"))
    assert chosen_values(page) == before
    expect(page.locator("#error-summary, .has-error")).to_have_count(0)
    switcher = page.get_by_role("navigation", name="Sprache")
    expect(switcher.get_by_role("button", name="Deutsch")).to_have_attribute("aria-current", "true")
    shoot(page, f"quiz-de-{width}-{'js' if script else 'nojs'}")

    # and back, with one more answer given in German
    chosen.update([choose(page, 4, option=0)])
    after = chosen_values(page)
    switcher.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert chosen_values(page) == after


def test_switching_language_in_the_quick_quiz_keeps_the_chosen_answer(page: Page) -> None:
    page.goto("/quiz/quick")
    name, value = choose(page, 0, option=2)

    page.get_by_role("navigation", name="Language").get_by_role("button", name="Deutsch").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Schnell-Quiz: Frage 1")
    assert chosen_values(page) == {name: value}
    page.get_by_role("button", name="Weiter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Schnell-Quiz: Frage 2")


# ---------------------------------------------------------------- Back and Next


def assert_back_left_of_next(page: Page) -> None:
    back = page.get_by_role("button", name="Back").bounding_box()
    forward = page.get_by_role("button", name="Next").bounding_box()
    assert back and forward
    assert back["x"] + back["width"] <= forward["x"], (back, forward)
    assert abs(back["y"] - forward["y"]) < 2, "Back and Next are not side by side"
    # Tab goes from Back to Next, as they read
    page.get_by_role("button", name="Back").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Next")).to_be_focused()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_back_sits_left_of_next_and_enter_means_next(
    open_page: Callable[..., Page], width: str
) -> None:
    page = open_at(open_page, width)
    page.goto("/quiz/1")
    for index in range(questions(page).count()):
        choose(page, index)
    page.get_by_role("button", name="Next").click()
    expect(page).to_have_url(re.compile(r"/quiz/2$"))

    assert_back_left_of_next(page)
    for index in range(questions(page).count()):
        choose(page, index, option=1)
    questions(page).last.locator("input[type=radio]:checked").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/quiz/3$"))

    page.goto("/quiz/quick")
    choose(page, 0)
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Quick quiz: question 2")
    assert_back_left_of_next(page)
    choose(page, 0, option=1)
    questions(page).first.locator("input[type=radio]:checked").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Quick quiz: question 3")


# ---------------------------------------------------------------- option cards


@pytest.mark.parametrize("width", list(WIDTHS))
def test_radios_are_large_and_the_focus_ring_stands_out_on_white(
    open_page: Callable[..., Page], width: str
) -> None:
    page = open_at(open_page, width)
    page.goto("/quiz/1")
    sizes = page.locator("input[type=radio]").evaluate_all(
        "radios => radios.map(r => [r.getBoundingClientRect().width, "
        "r.getBoundingClientRect().height])"
    )
    assert sizes and all(w >= MIN_TARGET and h >= MIN_TARGET for w, h in sizes), sizes

    press_tab_until(page, "el.type === 'radio'")
    card_ring = ring_of(page, "label.option:has(input:focus)")
    assert card_ring["style"] == "solid" and float(card_ring["width"].rstrip("px")) >= 2
    ring_contrast = contrast(parse_rgb(card_ring["colour"]), WHITE)
    assert ring_contrast >= MIN_RING_CONTRAST, (card_ring, ring_contrast)
    shoot(page, f"quiz-focus-{width}")

    # the same ring everywhere else, a button's for one
    press_tab_until(page, "el.type === 'submit' && el.name === 'forward'")
    button_ring = ring_of(page, "input[name=forward]:focus")
    assert button_ring["colour"] == card_ring["colour"]
    assert contrast(parse_rgb(button_ring["colour"]), WHITE) >= MIN_RING_CONTRAST


# ---------------------------------------------------------------- error pages


def deleted_result_url(live_app: Flask, result_url: str) -> str:
    token = urlsplit(result_url).path.rsplit("/", 1)[1]
    with live_app.app_context():
        result = find_result(token)
        assert result is not None
        erase_result(result)
        db.session.commit()
    return result_url


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize(
    ("error", "status", "heading"),
    [
        ("not-found", 404, "We can't find that page"),
        ("deleted", 410, "This result was deleted by the person who took the quiz"),
    ],
)
def test_error_pages_speak_plainly_offer_a_way_on_and_are_clean(
    open_page: Callable[..., Page],
    live_app: Flask,
    result_url: str,
    axe_script: Path,
    vnu_command: list[str],
    width: str,
    error: str,
    status: int,
    heading: str,
) -> None:
    page = open_at(open_page, width, bypass_csp=True)  # for axe
    page.watch.expect_console_error(rf"status of {status}")
    url = "/no-such-page" if error == "not-found" else deleted_result_url(live_app, result_url)

    document = page.goto(url)

    assert document is not None and document.status == status
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    main_text = page.locator("main").inner_text()
    assert str(status) not in main_text.split("Reference:")[0]
    expect(page.locator(".error-reference")).to_contain_text(
        re.compile(r"^Reference: [A-Za-z0-9._-]{8,}$")
    )
    shoot(page, f"error-{status}-{width}")
    assert axe_violations(page, axe_script) == []
    assert nu_errors(document.text(), vnu_command) == []

    page.get_by_role("link", name="Take the quiz").click()
    expect(page).to_have_url(re.compile(r"/quiz$"))
    page.go_back()
    page.get_by_role("link", name="Go to the start").click()
    expect(page).to_have_url(re.compile(r"/$"))
