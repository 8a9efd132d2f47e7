"""A person joins a group by typing its short code on the landing page, takes the quick quiz,
and the admin who runs the group sees them on its page."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from test_taking_quick_quiz import RESULT_URL, answer_until_the_result
from werkzeug.security import generate_password_hash

from quiz.db import db
from quiz.models import Admin
from quiz.store import groups

pytestmark = pytest.mark.browser

COUNSELLOR = "counsellor@example.com"
PASSWORD = "a counsellor's own phrase"
SCREENSHOTS = os.environ.get("SCREENSHOT_DIR")


def shoot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


@pytest.fixture
def group(live_app: Flask) -> tuple[int, str]:
    """A viewer who runs a group of their own; returns the group's id and short code."""
    with live_app.app_context():
        viewer = Admin(
            email=COUNSELLOR,
            role="viewer",
            password_hash=generate_password_hash(PASSWORD, "pbkdf2:sha256:1"),
        )
        db.session.add(viewer)
        made = groups.create_group("Evening class", None, viewer, actor=COUNSELLOR)
        db.session.commit()
        return made.id, made.short_code


def test_a_person_joins_by_the_typed_code_and_the_group_page_lists_them(
    open_page: Callable[..., Page], group: tuple[int, str]
) -> None:
    group_id, short_code = group
    person = open_page()
    person.goto("/")
    # typed as a person might: in small letters, with a dash in the middle
    person.get_by_role("textbox", name="Group code").fill(
        f"{short_code[:4].lower()}-{short_code[4:].lower()}"
    )
    person.get_by_role("button", name="Join the group").click()
    expect(person.get_by_role("heading", level=1)).to_have_text("Join Evening class")
    expect(person.get_by_text(f"This group is run by {COUNSELLOR}.")).to_be_visible()
    expect(person.get_by_role("heading", name="What the group's owner will see")).to_be_visible()
    shoot(person, "group-join")
    person.get_by_label("Your name for this group (optional)").fill("Ada")
    person.get_by_label("The quick quiz").check()
    person.get_by_role("button", name="Join and start the quiz").click()

    answer_until_the_result(person, lambda number: _answer(person))
    expect(person).to_have_url(RESULT_URL)

    admin = open_page()
    admin.goto("/admin/sign-in")
    admin.get_by_label("Email", exact=True).fill(COUNSELLOR)
    admin.get_by_label("Password", exact=True).fill(PASSWORD)
    admin.get_by_role("button", name="Sign in").click()
    admin.get_by_role("link", name="Groups").click()
    admin.get_by_role("link", name="Evening class").click()
    expect(admin.locator("#finished-count")).to_have_text("1")
    members = admin.locator("table.group-members tbody tr")
    expect(members).to_have_count(1)
    expect(members.first.locator("td").first).to_have_text("Ada")
    expect(members.first).to_contain_text("Not shared")
    shoot(admin, "group-page")
    assert admin.url.endswith(f"/admin/groups/{group_id}")


def _answer(page: Page) -> None:
    """Choose the first answer of the question shown and send it."""
    page.locator("label.option").first.click()
    page.get_by_role("button", name="Next").click()
