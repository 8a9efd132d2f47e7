"""An admin reorders the question table by dragging a row with the mouse: the move is saved
and the table updated without a reload; a refused move says why and shows the order as it
is now. (Moving by typing a place, without script, is tested in test_question_table_browser.)"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from browser_sign_in import sign_in_page
from flask import Flask
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select, update

from quiz.db import db
from quiz.models import Question

pytestmark = pytest.mark.browser


def order(live_app: Flask) -> list[str]:
    with live_app.app_context():
        return list(db.session.scalars(select(Question.key).order_by(Question.position)))


def shown_keys(page: Page) -> list[str]:
    return page.locator("table.question-table tbody tr td:nth-child(4)").all_inner_texts()


def sign_in_to_the_table(page: Page) -> None:
    sign_in_page(page)
    expect(page).to_have_url(re.compile(r"/admin/$"))
    page.goto("/admin/questions")
    expect(page.locator(".drag-handle").first).to_be_visible()
    # a mark that a reload would wipe out
    page.evaluate("window.sameDocument = true")


def drag(page: Page, handle: Locator, onto: Locator, *, above: bool) -> None:
    """Drag ``handle`` with the real mouse to just above or below the middle of ``onto``."""
    # both in view: the upper of the two rows at the top of the window
    upper = min((handle, onto), key=lambda item: item.bounding_box()["y"])
    upper.evaluate("element => element.scrollIntoView({block: 'start'})")
    start = handle.bounding_box()
    target = onto.bounding_box()
    assert start and target
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    y = target["y"] + (target["height"] * (0.25 if above else 0.75))
    page.mouse.move(start["x"] + start["width"] / 2, y, steps=12)
    page.mouse.up()


def row_of(page: Page, key: str) -> Locator:
    return page.locator("table.question-table tbody tr").filter(
        has=page.get_by_role("cell", name=key, exact=True)
    )


def test_dragging_a_row_moves_the_question_without_a_reload(
    open_page: Callable[..., Page], live_app: Flask, admin_account: None
) -> None:
    page = open_page(viewport={"width": 1280, "height": 1000})
    sign_in_to_the_table(page)
    before = order(live_app)
    expect(page.locator("[data-drag-intro]")).to_be_visible()

    # the fifth question up above the first
    drag(page, row_of(page, before[4]).locator(".drag-handle"), row_of(page, before[0]), above=True)
    expect(page.locator("#drag-status")).to_have_text(f"Question {before[4]} is now number 1.")
    expected = [before[4], *before[:4], *before[5:]]
    assert order(live_app) == expected
    assert shown_keys(page) == expected
    # numbered afresh by the server, and still the same document
    expect(
        page.locator("table.question-table tbody tr").first.locator(".question-number")
    ).to_have_text(re.compile(r"1$"))
    assert page.evaluate("window.sameDocument") is True

    # then the (new) first question down below the third, from the table the server sent
    drag(
        page,
        row_of(page, expected[0]).locator(".drag-handle"),
        row_of(page, expected[2]),
        above=False,
    )
    expect(page.locator("#drag-status")).to_have_text(f"Question {expected[0]} is now number 3.")
    after = [expected[1], expected[2], expected[0], *expected[3:]]
    assert order(live_app) == after
    assert shown_keys(page) == after
    assert page.evaluate("window.sameDocument") is True
    page.screenshot(path="/tmp/admin-question-dragged.png", full_page=False)


def test_a_drag_on_a_stale_table_is_refused_and_shows_the_order_as_it_is(
    open_page: Callable[..., Page], live_app: Flask, admin_account: None
) -> None:
    page = open_page(viewport={"width": 1280, "height": 1000})
    sign_in_to_the_table(page)
    before = order(live_app)
    # a colleague swaps the first two questions after the page was loaded
    with live_app.app_context():
        first, second = (
            db.session.scalar(select(Question).where(Question.key == key)) for key in before[:2]
        )
        positions = first.position, second.position
        db.session.execute(
            update(Question).where(Question.id == first.id).values(position=positions[1])
        )
        db.session.execute(
            update(Question).where(Question.id == second.id).values(position=positions[0])
        )
        db.session.commit()
    now = [before[1], before[0], *before[2:]]
    assert order(live_app) == now

    page.watch.expect_console_error(r"status of 409")
    drag(page, row_of(page, before[3]).locator(".drag-handle"), row_of(page, before[0]), above=True)
    expect(page.locator("#drag-status")).to_have_text(
        "Someone else changed the order of the questions after this page was loaded, so "
        f"question {before[3]} was not moved. The list below shows the order as it is now."
    )
    assert order(live_app) == now
    expect(page.locator("table.question-table tbody tr td:nth-child(4)").first).to_have_text(now[0])
    assert shown_keys(page) == now
    assert page.evaluate("window.sameDocument") is True
