"""The quick quiz in a real browser: its progress line, and a result that says how settled it is.

The answers are worked out from the bank the live app published, never from the default
bank's question keys.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from test_page_quality import describe_violation

from quiz.core.bank import Bank
from quiz.core.scoring import answers_favouring, rank_roles
from quiz.store.publishing import latest_version_id, published_bank

pytestmark = pytest.mark.browser

RESULT_URL = re.compile(r"/r/[\w-]+$")
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"  # git-ignored


def live_bank(live_app: Flask) -> Bank:
    with live_app.app_context():
        version_id = latest_version_id()
        assert version_id is not None
        return published_bank(version_id)


def take_quick_quiz(page: Page, choose: Callable[[str, dict[str, str]], str]) -> int:
    """Answer each question with ``choose(question key, answers so far)``; return how many."""
    given: dict[str, str] = {}
    while not RESULT_URL.search(page.url):
        key = page.locator("input[name=question]").input_value()
        option = choose(key, given)
        given[key] = option
        page.locator(f"input[type=radio][value='{option}']").check()
        with page.expect_navigation():
            page.get_by_role("button", name="Next").click()
        assert len(given) < 200, "the quick quiz never stopped"
    return len(given)


def test_the_progress_line_counts_questions_and_bounds_those_left_without_javascript(
    open_page: Callable[..., Page], live_app: Flask
) -> None:
    total = len(live_bank(live_app).questions)
    page = open_page(java_script_enabled=False)
    page.goto("/quiz/quick")
    progress = page.locator("#quick-progress")
    expect(progress).to_have_text(f"Question 1 · at most {total - 1} more")

    page.locator("label.option").first.click()
    page.get_by_role("button", name="Next").click()
    expect(progress).to_have_text(f"Question 2 · at most {total - 2} more")
    page.get_by_role("button", name="Back").click()
    expect(progress).to_have_text(f"Question 1 · at most {total - 1} more")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "quick-progress.png"), full_page=True)


def test_answers_that_keep_two_roles_level_end_on_no_single_role_with_the_full_quiz_offered(
    open_page: Callable[..., Page], live_app: Flask
) -> None:
    table = live_bank(live_app).effect_table

    def keep_level(key: str, given: dict[str, str]) -> str:
        def gap(option: str) -> int:
            ranking = rank_roles(table, {**given, key: option}).ranking
            return ranking[0].percent - ranking[1].percent

        return min(table.effects[key], key=gap)

    page = open_page(java_script_enabled=False)
    page.goto("/quiz/quick")
    asked = take_quick_quiz(page, keep_level)

    verdict = page.locator("#quiz-mode")
    expect(verdict).to_contain_text(f"Quick result from {asked} of {len(table.effects)} questions.")
    expect(verdict).to_contain_text("Your answers so far point to no single role:")
    expect(verdict).not_to_contain_text("settled")
    expect(page.locator(".close-call")).to_be_visible()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "quick-no-single-role.png"))
    with page.expect_navigation():
        verdict.get_by_role("link", name="Take the full quiz").click()
    expect(page).to_have_url(re.compile(r"/quiz$"))


def test_a_settled_quick_result_says_so_and_shows_no_close_call(
    open_page: Callable[..., Page], live_app: Flask, axe_script: Path
) -> None:
    live_app.config["QUICK_MODE_CONFIDENCE"] = 1.0  # stop only when the top role is settled
    table = live_bank(live_app).effect_table
    sheet = answers_favouring(table, table.roles[-1].key)

    page = open_page(bypass_csp=True)  # a content security policy may refuse injected scripts
    page.goto("/quiz/quick")
    asked = take_quick_quiz(page, lambda key, given: sheet[key])

    assert asked < len(table.effects)
    verdict = page.locator("#quiz-mode")
    expect(verdict).to_contain_text(
        "The top role is settled: no way of answering the rest would change it."
    )
    expect(verdict).to_contain_text("The percentages are provisional")
    expect(page.locator(".close-call")).to_have_count(0)
    expect(page.get_by_role("heading", level=1)).to_contain_text("provisional")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "quick-settled.png"))

    page.add_script_tag(path=axe_script)
    violations = page.evaluate(
        """async () => (await axe.run()).violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html,
                                       why: n.failureSummary})),
        }))"""
    )
    assert not violations, "axe-core on a quick result:\n" + "\n".join(
        describe_violation(v) for v in violations
    )
