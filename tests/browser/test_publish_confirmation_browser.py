"""An admin publishes through the confirmation page in a real browser, and a publish sent from a
page shown before the last publish is refused."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from browser_sign_in import sign_in_page
from conftest import PageWatch
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from quiz.db import db
from quiz.models import Admin, Question, QuizVersion

pytestmark = pytest.mark.browser

ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "a long admin password"
# where screenshots go when asked for, to look at the pages by eye
SCREENSHOTS = os.environ.get("SCREENSHOT_DIR")


@pytest.fixture
def changed_draft(live_app: Flask) -> None:
    """Add an admin, and change one prompt in the draft so there is something to publish."""
    with live_app.app_context():
        db.session.add(
            Admin(
                email=ADMIN_EMAIL,
                password_hash=generate_password_hash(ADMIN_PASSWORD, "pbkdf2:sha256:1"),
            )
        )
        question = db.session.scalar(select(Question).where(Question.key == "q01"))
        question.prompt = "A prompt the browser test publishes."
        db.session.commit()


def version_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(QuizVersion))


def sign_in(page: Page) -> None:
    sign_in_page(page)
    expect(page).to_have_url(re.compile(r"/admin/$"))


def shoot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


def test_admin_reviews_the_changes_then_publishes(
    page: Page, live_app: Flask, changed_draft: None
) -> None:
    sign_in(page)
    page.get_by_role("button", name="Publish the draft").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Publish the draft")
    expect(page.locator(".diff-list")).to_contain_text("A prompt the browser test publishes.")
    shoot(page, "publish-confirm-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    shoot(page, "publish-confirm-390")
    page.set_viewport_size({"width": 1280, "height": 800})
    assert version_count(live_app) == 1  # the summary alone publishes nothing

    page.get_by_role("button", name="Publish the draft").click()
    expect(page.locator(".notice").first).to_contain_text("Published version 2.")
    assert version_count(live_app) == 2

    # the draft now equals version 2: the overview's button says why it cannot publish
    button = page.get_by_role("button", name="Publish the draft")
    expect(button).to_be_disabled()
    expect(page.locator("#publish-blocked")).to_contain_text("Nothing to publish")
    shoot(page, "overview-blocked-1280")
    page.goto("/admin/versions")
    shoot(page, "versions-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    shoot(page, "versions-390")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("button", name="Compare").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("From version 1 to version 2")
    shoot(page, "version-diff-1280")


def test_a_publish_sent_from_a_page_shown_before_the_last_publish_is_refused(
    page: Page, live_app: Flask, changed_draft: None
) -> None:
    sign_in(page)
    # a second tab of the same signed-in browser, its own page watched like the first
    later_tab = page.context.new_page()
    later_watch = PageWatch()
    later_watch.attach(later_tab)
    for tab in (page, later_tab):
        tab.goto("/admin/publish/confirm")
        expect(tab.locator(".diff-list")).to_contain_text("A prompt the browser test publishes.")
        expect(tab.get_by_role("button", name="Publish the draft")).to_be_enabled()

    page.get_by_role("button", name="Publish the draft").click()
    expect(page.locator(".notice").first).to_contain_text("Published version 2.")
    assert version_count(live_app) == 2

    # the second tab still offers the button, rendered while the draft differed from version 1
    button = later_tab.get_by_role("button", name="Publish the draft")
    expect(button).to_be_enabled()
    with later_tab.expect_response(
        lambda r: r.request.method == "POST" and r.url.endswith("/admin/publish")
    ) as sent:
        button.click()
    assert sent.value.status == 302  # sent back to the overview, which says why
    later_tab.wait_for_load_state("load")
    expect(later_tab).to_have_url(re.compile(r"/admin/$"))
    expect(later_tab.locator(".notice").first).to_have_text(
        "Not published: the draft is the same as version 2, so a new version would change nothing."
    )
    assert version_count(live_app) == 2
    later_tab.goto("/admin/versions")
    expect(later_tab.get_by_role("heading", level=1)).to_have_text("Published versions")
    expect(later_tab.locator("table.versions tbody tr")).to_have_count(2)
    later_tab.close()
    assert not later_watch.problems(), "\n".join(later_watch.problems())
