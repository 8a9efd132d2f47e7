"""An admin narrows the question table by kind and moves a question to the top, on a wide
screen and on a phone; the table fits, or scrolls inside its own region."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from helpers import ADMIN_EMAIL, ADMIN_PASSWORD
from playwright.sync_api import Page, expect
from sqlalchemy import select

from quiz.db import db
from quiz.models import Question

pytestmark = pytest.mark.browser


def kinds_and_order(live_app: Flask) -> tuple[list[str], list[str]]:
    with live_app.app_context():
        questions = db.session.scalars(select(Question).order_by(Question.position)).all()
        return [q.kind for q in questions], [q.key for q in questions]


@pytest.mark.parametrize("width", [1280, 390])
def test_an_admin_filters_by_kind_and_moves_a_question_to_the_top(
    open_page: Callable[..., Page], live_app: Flask, admin_account: None, width: int
) -> None:
    page = open_page(viewport={"width": width, "height": 900})
    page.goto("/admin/sign-in")
    page.get_by_label("Email", exact=True).fill(ADMIN_EMAIL)
    page.get_by_label("Password", exact=True).fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/admin/questions")
    kinds, order = kinds_and_order(live_app)

    # the page itself never scrolls sideways; the table fits or scrolls in its own region
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    region = page.locator(".table-scroll")
    table_width, region_width = region.evaluate("e => [e.scrollWidth, e.clientWidth]")
    if width == 1280:
        assert table_width <= region_width
    page.screenshot(path=f"/tmp/admin-question-table-{width}.png", full_page=False)

    page.get_by_label("Kind", exact=True).select_option(label="Choice")
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page).to_have_url(re.compile(r"kind=choice"))
    rows = page.locator("table.question-table tbody tr")
    expect(rows).to_have_count(kinds.count("choice"))
    expect(page.locator(".question-count")).to_have_text(
        f"{kinds.count('choice')} of {len(kinds)} questions"
    )

    # move the last choice question to place 1
    last_choice = [key for key, kind in zip(order, kinds, strict=True) if kind == "choice"][-1]
    row = rows.filter(has=page.get_by_role("cell", name=last_choice, exact=True))
    row.get_by_role("spinbutton").fill("1")
    row.get_by_role("button", name="Move").click()
    expect(page.get_by_role("status")).to_contain_text(f"Question {last_choice} is now number 1.")
    expect(page).to_have_url(re.compile(r"kind=choice"))  # still filtered
    first_row = page.locator("table.question-table tbody tr").first
    expect(first_row.get_by_role("cell", name=last_choice, exact=True)).to_be_visible()
    assert kinds_and_order(live_app)[1][0] == last_choice
    page.screenshot(path=f"/tmp/admin-question-moved-{width}.png", full_page=False)
