"""An owner invites a colleague from the team page; the colleague, in a browser of their own,
opens the link, sets a password, and lands signed in with only what their role allows."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from quiz.db import db
from quiz.models import Admin

pytestmark = pytest.mark.browser

OWNER_EMAIL = "owner@example.com"
OWNER_PASSWORD = "a long owner password"
COLLEAGUE = "counsellor@example.com"
COLLEAGUE_PASSWORD = "a counsellor's own phrase"
SCREENSHOTS = os.environ.get("SCREENSHOT_DIR")


@pytest.fixture
def owner(live_app: Flask) -> None:
    with live_app.app_context():
        db.session.add(
            Admin(
                email=OWNER_EMAIL,
                password_hash=generate_password_hash(OWNER_PASSWORD, "pbkdf2:sha256:1"),
            )
        )
        db.session.commit()


def shoot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


def menu(page: Page) -> list[str]:
    # the menu and the site's settings beside the account's links
    return [text.strip() for text in page.locator(".admin-nav a").all_inner_texts()]


@pytest.mark.parametrize(
    ("role", "label", "shown", "hidden"),
    [
        ("viewer", "Viewer", ["Analytics", "Audit log", "Questions"], ["Preview", "Team"]),
        ("editor", "Editor", ["Preview", "Import and export"], ["Team"]),
    ],
)
def test_a_colleague_joins_by_invitation_with_the_role_they_were_given(
    open_page: Callable[..., Page],
    live_app: Flask,
    owner: None,
    role: str,
    label: str,
    shown: list[str],
    hidden: list[str],
) -> None:
    owner_page = open_page()
    owner_page.goto("/admin/sign-in")
    owner_page.get_by_label("Email", exact=True).fill(OWNER_EMAIL)
    owner_page.get_by_label("Password", exact=True).fill(OWNER_PASSWORD)
    owner_page.get_by_role("button", name="Sign in").click()
    owner_page.get_by_role("link", name="Team").click()
    expect(owner_page.get_by_role("heading", level=1)).to_have_text("Team")
    owner_page.get_by_label("Email address").fill(COLLEAGUE)
    owner_page.get_by_label("Role", exact=True).select_option(role)
    owner_page.get_by_role("button", name="Make an invitation link").click()
    expect(owner_page.get_by_role("heading", level=1)).to_have_text("Invitation made")
    link = owner_page.locator("#invitation-link").input_value()
    shoot(owner_page, f"invitation-made-{role}")
    assert "/admin/invitation/" in link

    # the colleague: a brand-new browser profile, no cookie of the owner's
    colleague = open_page()
    colleague.goto(urlsplit(link).path)
    expect(colleague.locator("main")).to_contain_text(f"{OWNER_EMAIL} invited {COLLEAGUE}")
    expect(colleague.locator("main")).to_contain_text(label)
    expect(colleague.locator(".admin-menu")).to_have_count(0)
    shoot(colleague, f"invitation-{role}")
    colleague.get_by_label("Password", exact=True).fill(COLLEAGUE_PASSWORD)
    colleague.get_by_label("Password again").fill(COLLEAGUE_PASSWORD)
    colleague.get_by_role("button", name="Set password and sign in").click()

    expect(colleague).to_have_url(re.compile(r"/admin/$"))
    expect(colleague.locator(".notice").first).to_contain_text("you are signed in")
    expect(colleague.locator(".admin-signed-in")).to_have_text(f"Signed in as {COLLEAGUE}")
    items = menu(colleague)
    for entry in shown:
        assert entry in items, (role, entry, items)
    for entry in hidden:
        assert entry not in items, (role, entry, items)
    publish = colleague.get_by_role("button", name="Publish the draft")
    expect(publish).to_have_count(0 if role == "viewer" else 1)
    shoot(colleague, f"signed-in-{role}")

    # the team page stays closed, even by address
    colleague.watch.expect_console_error(r"status of 403")
    response = colleague.goto("/admin/team")
    assert response is not None and response.status == 403
    expect(colleague.get_by_role("heading", level=1)).to_have_text(
        "Your role does not include this"
    )
    with live_app.app_context():
        assert db.session.scalar(select(Admin.role).where(Admin.email == COLLEAGUE)) == role

    # the owner sees the new admin on the team page, and the link no longer open
    owner_page.goto("/admin/team")
    expect(owner_page.locator("table.team")).to_contain_text(COLLEAGUE)
    expect(owner_page.locator("main")).to_contain_text("No invitation is waiting")
    shoot(owner_page, f"team-{role}-1280")
    owner_page.set_viewport_size({"width": 390, "height": 844})
    assert owner_page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(owner_page, f"team-{role}-390")
    again = open_page()
    again.watch.expect_console_error(r"status of 410")
    used = again.goto(urlsplit(link).path)
    assert used is not None and used.status == 410
