"""Two people take the quiz in their own browsers and compare: each sees "You" for their own
result; the one who compares may name the other; anyone else sees Person A and Person B.

Console errors and requests to other origins fail any test here through ``open_page``.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

SUBMIT = re.compile(r"^(Next|See my result)$")
RESULT_URL = re.compile(r"/r/[\w-]+$")
COMPARE_URL = re.compile(r"/compare/[\w-]+/[\w-]+(\?.*)?$")
FRIEND_NAME = "Zoë <Łukasz>"
SCREENSHOTS = Path("/tmp")


def take_quiz(page: Page, offset: int) -> str:
    """Answer every quiz page by script, each question's option picked by ``offset``."""
    page.goto("/quiz/1")
    while not RESULT_URL.search(page.url):
        page.locator("fieldset.question").evaluate_all(
            """(sets, offset) => sets.forEach((set, i) => {
                const radios = set.querySelectorAll('input[type=radio]');
                radios[(i + offset) % radios.length].checked = true;
            })""",
            offset,
        )
        before = page.url
        page.get_by_role("button", name=SUBMIT).click()
        page.wait_for_url(lambda url, before=before: url != before)
    return page.url


def side_headings(page: Page) -> list[str]:
    """Return the name over each side's chart, without its best fit."""
    return [
        page.locator(f"#person-{side}-heading").evaluate("h => h.firstChild.textContent.trim()")
        for side in ("a", "b")
    ]


def top_role(page: Page, side: str) -> str:
    label = page.locator(f"#person-{side} text.chart-label").first.text_content() or ""
    return label.split(". ", 1)[1]


def test_two_people_compare_and_each_sees_themselves_as_you(
    open_page: Callable[..., Page], axe_script: Path, vnu_command: list[str]
) -> None:
    first = open_page()
    first_result = take_quiz(first, 0)
    first_top = first.locator("svg.chart text.chart-label").first.text_content() or ""
    friend = open_page()
    friend_result = take_quiz(friend, 3)

    # the first person pastes their friend's link on their own result page
    first.goto(first_result)
    first.get_by_label("Your friend's result link").fill(friend_result)
    first.get_by_role("button", name="Compare").click()
    expect(first).to_have_url(COMPARE_URL)
    assert side_headings(first) == ["You", "Your friend"]
    assert first_top.endswith(top_role(first, "a"))
    expect(first.get_by_role("link", name="Open your result")).to_have_attribute(
        "href", first_result.removeprefix(first_result.split("/r/")[0])
    )
    compare_path = first.url.split("?")[0]

    # then compares again from their result page, giving the friend a name this time
    first.goto(first_result)
    first.get_by_label("Your friend's result link").fill(friend_result)
    first.get_by_label("Your friend's name (optional)").fill(f"  {FRIEND_NAME} ")
    first.get_by_role("button", name="Compare").click()
    expect(first).to_have_url(COMPARE_URL)
    assert side_headings(first) == ["You", FRIEND_NAME]

    # a refused link keeps the name: the form on the refused page carries the field
    first.watch.expect_console_error(r"status of 400")
    mine = first_result.rsplit("/", 1)[1]
    first.goto(f"/compare?mine={mine}&friend=not+a+link&name=Zo%C3%AB")
    expect(first.get_by_label("Your friend's name (optional)")).to_have_value("Zoë")
    first.get_by_label("Your friend's result link").fill(friend_result)
    first.get_by_label("Your friend's name (optional)").fill(f"  {FRIEND_NAME} ")
    first.get_by_role("button", name="Compare").click()
    expect(first).to_have_url(COMPARE_URL)
    assert side_headings(first) == ["You", FRIEND_NAME]
    expect(first.locator(".reading li").first).to_contain_text(FRIEND_NAME)
    expect(first.locator("#role-table thead")).to_contain_text(FRIEND_NAME)
    first.screenshot(path=SCREENSHOTS / "compare-owner-named.png", full_page=True)

    # the friend opens the same link: their own result is "You", and no name of theirs shows
    friend.goto(first.url)
    assert side_headings(friend) == ["You", "Your friend"]
    expect(friend.locator("body")).not_to_contain_text("Zoë")

    # anyone else: Person A took the quiz first
    visitor = open_page()
    visitor.goto(first.url)
    assert side_headings(visitor) == ["Person A", "Person B"]
    assert first_top.endswith(top_role(visitor, "a"))
    expect(visitor.locator("body")).not_to_contain_text("Zoë")
    expect(visitor.locator("#labels-note")).to_have_text("Person A took the quiz before Person B.")
    visitor.screenshot(path=SCREENSHOTS / "compare-visitor.png", full_page=True)
    assert visitor.url.split("?")[0] == compare_path

    # the owner's page with a name passes axe-core and the Nu HTML checker
    checked = open_page(bypass_csp=True, storage_state=first.context.storage_state())
    document = checked.goto(first.url)
    assert document is not None and document.status == 200
    assert side_headings(checked) == ["You", FRIEND_NAME]
    checked.add_script_tag(path=axe_script)
    violations = checked.evaluate(
        """async () => (await axe.run()).violations.map(v => ({
            id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')),
        }))"""
    )
    assert not violations, f"axe-core on the owner's compare page: {violations}"
    nu = subprocess.run(vnu_command, input=document.body(), capture_output=True, timeout=120)
    assert nu.stdout, f"the Nu HTML checker did not run: {nu.stderr.decode()}"
    errors = [
        f"  line {m.get('lastLine', '?')}: {m['message']}"
        for m in json.loads(nu.stdout)["messages"]
        if m.get("type") in ("error", "non-document-error")
    ]
    assert not errors, "Nu HTML checker on the owner's compare page:\n" + "\n".join(errors)
