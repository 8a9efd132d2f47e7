"""An admin writes a whole choice question on one screen in a real Chromium: the key follows
the text, the effects on the roles follow the weights as they are typed, an option is added
and removed (after a confirmation in the page), and one save makes the question, which the
question table then lists. The grid fits a 1280 px screen and stays usable at 390 px."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from browser_sign_in import sign_in_page
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from quiz.db import db
from quiz.models import Question

pytestmark = pytest.mark.browser

PROMPT = "Which part of a project do you enjoy most?"
# the first words that fit in 32 characters, joined by hyphens
SUGGESTED_KEY = "which-part-of-a-project-do-you"
STATISTICS = "Statistics & experiments"
SOFTWARE = "Software engineering"
PIPELINES = "Pipelines & MLOps"


def sign_in(page: Page) -> None:
    sign_in_page(page)
    expect(page).to_have_url(re.compile(r"/admin/$"))


def effect(page: Page, option: str, role: str) -> str:
    """Return the effect shown for ``option`` ("a", "b", ...) on ``role``."""
    row = page.locator(f"tr[data-option-row][data-key='{option}']")
    return row.locator(f"td[data-effect-role='{role}'] .effect-value").inner_text()


def direction(page: Page, option: str, role: str) -> str:
    row = page.locator(f"tr[data-option-row][data-key='{option}']")
    return row.locator(f"td[data-effect-role='{role}'] .effect-words").inner_text()


def test_an_admin_authors_a_whole_choice_question_in_one_step(
    open_page: Callable[..., Page], live_app: Flask, admin_account: None
) -> None:
    page = open_page(viewport={"width": 1280, "height": 1000})
    sign_in(page)
    page.goto("/admin/questions/new")
    page.get_by_role("radio", name=re.compile(r"Choice: people pick")).check()
    expect(page.get_by_role("button", name="Add option")).to_be_visible()

    # the key follows the text as it is typed
    page.get_by_label("Question text").press_sequentially(PROMPT, delay=5)
    expect(page.get_by_label("Key", exact=True)).to_have_value(SUGGESTED_KEY)
    expect(page.locator("[data-preview] legend")).to_contain_text(PROMPT)

    page.get_by_label("Text of option a").fill("Finding the pattern in the data")
    page.get_by_label("Text of option b").fill("Shipping the model to production")
    # the effects follow the weights as they are typed (worked out by hand from the roles'
    # profiles: Data Scientist 3 on statistics and 1 on software, Machine Learning Engineer
    # 2 on software and 3 on pipelines, AI Engineer 2 on software)
    page.get_by_label(f"Weight of option a on {STATISTICS}").press_sequentially("3")
    expect(page.locator("tr[data-key='a'] td[data-effect-role='Data Scientist']")).to_contain_text(
        "+9"
    )
    page.get_by_label(f"Weight of option a on {SOFTWARE}").fill("1")
    page.get_by_label(f"Weight of option b on {SOFTWARE}").fill("2")
    page.get_by_label(f"Weight of option b on {PIPELINES}").fill("3")
    assert effect(page, "a", "Data Scientist") == "+10"
    assert effect(page, "b", "Data Scientist") == "+2"
    assert effect(page, "b", "Machine Learning Engineer") == "+13"
    assert effect(page, "a", "AI Engineer") == "+2"
    assert direction(page, "a", "Data Scientist") == "moves the fit up"
    assert direction(page, "b", "Data Scientist") == "moves the fit down"
    assert direction(page, "b", "Machine Learning Engineer") == "moves the fit up"

    # a third option is added in place, then removed after a confirmation in the page
    page.get_by_role("button", name="Add option").click()
    third = page.get_by_label("Text of option c")
    expect(third).to_be_focused()
    third.fill("Writing the report")
    expect(page.locator("[data-preview] .option")).to_have_count(3)
    page.get_by_role("button", name="Remove option c").click()
    confirm = page.locator("[data-remove-confirm]")
    expect(confirm).to_contain_text("Remove option c (“Writing the report”)?")
    page.screenshot(path="/tmp/question-authoring-1280-confirm.png", full_page=True)
    confirm.get_by_role("button", name="Keep").click()
    expect(confirm).to_have_count(0)
    expect(page.get_by_label("Text of option c")).to_have_value("Writing the report")
    page.get_by_role("button", name="Remove option c").click()
    page.locator("[data-remove-confirm]").get_by_role("button", name="Remove").click()
    expect(page.locator("tr[data-option-row]")).to_have_count(2)
    expect(page.locator("[data-preview] .option")).to_have_count(2)
    # the typing in the other rows is untouched
    expect(page.get_by_label("Text of option b")).to_have_value("Shipping the model to production")

    # the grid fits a 1280 px screen: nothing scrolls sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    scroll_width, client_width = page.locator(".authoring-scroll").evaluate(
        "e => [e.scrollWidth, e.clientWidth]"
    )
    assert scroll_width <= client_width
    page.screenshot(path="/tmp/question-authoring-1280.png", full_page=True)

    page.get_by_role("button", name="Create question").click()
    expect(page.get_by_role("status")).to_contain_text(f"Question {SUGGESTED_KEY} created.")
    with live_app.app_context():
        question = db.session.scalar(select(Question).where(Question.key == SUGGESTED_KEY))
        assert question is not None and question.kind == "choice"
        assert [(o.key, o.label) for o in question.options] == [
            ("a", "Finding the pattern in the data"),
            ("b", "Shipping the model to production"),
        ]
        weights = {o.key: {w.dimension.key: w.weight for w in o.weights} for o in question.options}
        assert weights == {
            "a": {"statistics": 3, "software": 1},
            "b": {"software": 2, "production": 3},
        }
    page.goto("/admin/questions")
    expect(page.locator("table.question-table")).to_contain_text(SUGGESTED_KEY)
    expect(page.locator("table.question-table")).to_contain_text(PROMPT)


def test_the_form_stays_usable_on_a_phone(
    open_page: Callable[..., Page], live_app: Flask, admin_account: None
) -> None:
    page = open_page(viewport={"width": 390, "height": 844})
    sign_in(page)
    page.goto("/admin/questions/new")
    page.get_by_role("radio", name=re.compile(r"Choice: people pick")).check()
    page.get_by_label("Question text").fill(PROMPT)
    page.get_by_label("Text of option a").fill("Finding the pattern in the data")
    page.get_by_label(f"Weight of option a on {STATISTICS}").fill("3")
    # the page never scrolls sideways; the grid scrolls inside its own region
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    expect(page.locator("tr[data-key='a'] td[data-effect-role='Data Scientist']")).to_contain_text(
        "+9"
    )
    page.screenshot(path="/tmp/question-authoring-390.png", full_page=True)

    # a stored choice question opens in the same form, its options as rows
    with live_app.app_context():
        choice = db.session.scalar(select(Question).where(Question.kind == "choice"))
        assert choice is not None
        url, keys = f"/admin/questions/{choice.id}", [o.key for o in choice.options]
    page.goto(url)
    expect(page.locator("tr[data-option-row]")).to_have_count(len(keys))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path="/tmp/question-editor-390.png", full_page=True)


def test_without_script_the_buttons_rearrange_the_form_and_removal_asks_first(
    open_page: Callable[..., Page], live_app: Flask, admin_account: None
) -> None:
    page = open_page(viewport={"width": 1280, "height": 1000}, java_script_enabled=False)
    sign_in(page)
    page.goto("/admin/questions/new")
    page.get_by_role("radio", name=re.compile(r"Choice: people pick")).check()
    page.get_by_label("Question text").fill("Which tool do you reach for first?")
    page.get_by_role("button", name="Show effects and preview").click()
    # the server filled in nothing yet: the key is suggested only on saving
    expect(page.get_by_label("Key", exact=True)).to_have_value("")
    page.get_by_label("Text of option a").fill("A notebook")
    page.get_by_label("Text of option b").fill("An editor")
    page.get_by_label(f"Weight of option a on {STATISTICS}").fill("3")
    page.get_by_role("button", name="Add option").click()
    page.get_by_label("Text of option c").fill("A whiteboard")
    page.get_by_role("button", name="Show effects and preview").click()
    assert effect(page, "a", "Data Scientist") == "+9"
    expect(page.locator("[data-preview] legend")).to_contain_text("Which tool do you reach for")

    page.get_by_role("button", name="Remove option c").click()
    expect(page.get_by_role("alert")).to_contain_text("Remove option c (“A whiteboard”)?")
    page.get_by_role("alert").get_by_role("button", name="Keep").click()
    expect(page.get_by_label("Text of option c")).to_have_value("A whiteboard")
    page.get_by_role("button", name="Remove option c").click()
    page.get_by_role("alert").get_by_role("button", name="Remove").click()
    expect(page.locator("tr[data-option-row]")).to_have_count(2)
    expect(page.get_by_label(f"Weight of option a on {STATISTICS}")).to_have_value("3")
    page.screenshot(path="/tmp/question-authoring-no-script.png", full_page=True)

    page.get_by_role("button", name="Create question").click()
    key = "which-tool-do-you-reach-for"  # the words that fit in 32 characters
    expect(page.get_by_role("status")).to_contain_text(f"Question {key} created.")
    with live_app.app_context():
        question = db.session.scalar(select(Question).where(Question.key == key))
        assert question is not None
        assert [o.label for o in question.options] == ["A notebook", "An editor"]


def test_a_statement_shows_strongly_agree_live_and_a_taken_key_gets_a_number(
    open_page: Callable[..., Page], live_app: Flask, admin_account: None
) -> None:
    page = open_page(viewport={"width": 1280, "height": 1000})
    sign_in(page)
    page.goto("/admin/questions/new")
    page.get_by_label("Question text").press_sequentially("Q01", delay=5)
    expect(page.get_by_label("Key", exact=True)).to_have_value("q01-2")  # q01 is taken
    # a key typed by hand is left alone from then on
    page.get_by_label("Key", exact=True).fill("my-own")
    page.get_by_label("Question text").press_sequentially(" and more", delay=5)
    expect(page.get_by_label("Key", exact=True)).to_have_value("my-own")

    statement = page.locator("tr[data-statement-row]")
    page.get_by_label(f"Weight of this statement on {STATISTICS}").fill("-1")
    # strongly agree is level 2: 2 x (-1 x 3) for the Data Scientist
    expect(statement.locator("td[data-effect-role='Data Scientist'] .effect-value")).to_have_text(
        "-6"
    )
    expect(statement.locator("td[data-effect-role='Data Scientist'] .effect-words")).to_have_text(
        "moves the fit down"
    )
    # the preview shows the five answers of the scale
    expect(page.locator("[data-preview] .option")).to_have_count(5)

    # Enter in a field shows the effects and preview again: it neither saves nor moves anything
    with page.expect_response(lambda r: r.request.method == "POST") as sent:
        page.get_by_label("Key", exact=True).press("Enter")
    assert sent.value.status == 200
    assert "action=preview" in (sent.value.request.post_data or "")
    expect(page.get_by_label("Key", exact=True)).to_have_value("my-own")
    with live_app.app_context():
        assert db.session.scalar(select(Question).where(Question.key == "my-own")) is None
