"""A taker answers "what do you do now?" with the keyboard alone, with JavaScript off; the
owner's pages that ask it pass axe-core and the Nu HTML checker."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import finish_quiz_in_this_browser
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

WORK_PAGE = re.compile(r"/r/[\w-]+/work/[\w-]+$")


def press_tab_until(page: Page, is_focused: str, limit: int = 200) -> None:
    """Press Tab until the JavaScript condition on ``el`` (the focused element) holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            f"(() => {{ const el = document.activeElement; return {is_focused}; }})()"
        ):
            return
    raise AssertionError(f"{limit} presses of Tab never reached an element where {is_focused}")


def checked_work_answer(page: Page) -> str | None:
    return page.evaluate(
        "(() => { const r = document.querySelector('input[name=work_now]:checked');"
        " return r && r.value; })()"
    )


def test_keyboard_alone_answers_changes_and_removes_the_work_answer(
    open_page: Callable[..., Page],
) -> None:
    page = open_page(java_script_enabled=False)
    finish_quiz_in_this_browser(page)
    question = page.get_by_role("group", name="What describes your work now?")

    # the question sits in a closed section: Tab reaches its heading, Enter opens it
    press_tab_until(
        page, "el.tagName === 'SUMMARY' && el.textContent.includes('what do you do now')"
    )
    page.keyboard.press("Enter")
    expect(question).to_be_visible()
    values = question.locator("input[type=radio]").evaluate_all("rs => rs.map(r => r.value)")
    # Tab reaches the group's first radio; Space picks it, each arrow moves one further
    press_tab_until(page, "el.name === 'work_now'")
    page.keyboard.press(" ")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert checked_work_answer(page) == values[2]
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "work_years"
    page.keyboard.type("5")
    page.keyboard.press("Enter")  # Enter in a text field sends the form

    expect(page).to_have_url(WORK_PAGE)
    expect(page.get_by_role("status")).to_contain_text("Thank you: your answer is saved.")
    assert checked_work_answer(page) == values[2]
    expect(page.get_by_label("Years in that work")).to_have_value("5")

    # a mistake is shown beside the field, and the field says so to a screen reader
    years = page.get_by_label("Years in that work")
    press_tab_until(page, "el.name === 'work_years'")
    page.keyboard.press("Control+A")
    page.keyboard.type("99")
    # the refusal comes with a 400, which Chromium reports on the console
    page.watch.expect_console_error(r"status of 400")  # type: ignore[attr-defined]
    page.keyboard.press("Enter")
    expect(page.locator("#work_years-error")).to_contain_text("from 0 to 60")
    expect(years).to_have_attribute("aria-invalid", "true")

    press_tab_until(page, "el.type === 'submit' && el.value === 'Remove my answer'")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Your answer about your work is removed.")
    assert checked_work_answer(page) is None


def problems_found(page: Page, axe_script: Path, vnu_command: list[str]) -> list[str]:
    """Return what the Nu checker finds in the page's HTML, and axe-core on the page as shown."""
    # the checker refuses loopback URLs, so the document goes in on stdin, before axe is added
    report = subprocess.run(
        vnu_command, input=page.content().encode(), capture_output=True, timeout=120
    )
    assert report.stdout, f"the Nu HTML checker did not run: {report.stderr.decode()}"
    found = [
        f"line {m.get('lastLine', '?')}: {m['message']}"
        for m in json.loads(report.stdout)["messages"]
        if m.get("type") in ("error", "non-document-error")
    ]
    page.add_script_tag(path=axe_script)
    return found + page.evaluate(
        "async () => (await axe.run()).violations.map(v => v.id + ': ' + "
        "v.nodes.map(n => n.html).join(' | '))"
    )


def test_the_owners_pages_that_ask_have_no_axe_violations_and_valid_html(
    open_page: Callable[..., Page], axe_script: Path, vnu_command: list[str]
) -> None:
    page = open_page(bypass_csp=True)  # a content security policy may refuse injected scripts
    finish_quiz_in_this_browser(page)
    work_url = page.locator("form.work-now-form").get_attribute("action")
    assert work_url
    assert problems_found(page, axe_script, vnu_command) == [], "the result page's first view"

    page.goto(work_url)
    page.get_by_label("Student or changing careers").check()
    page.get_by_label("Years in that work").fill("75")
    page.watch.expect_console_error(r"status of 400")  # type: ignore[attr-defined]
    page.get_by_role("button", name="Save my answer").click()
    expect(page.locator("#work_years-error")).to_be_visible()
    assert problems_found(page, axe_script, vnu_command) == [], "a refused answer"

    page.get_by_label("Years in that work").fill("3")
    page.get_by_role("button", name="Save my answer").click()
    expect(page.get_by_role("button", name="Remove my answer")).to_be_visible()
    assert problems_found(page, axe_script, vnu_command) == [], "the page with an answer"
