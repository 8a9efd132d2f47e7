"""An admin sets up two-factor sign-in in a real browser, then signs in with a password and a code.

The key is read off the setup page and the codes worked out with pyotp, as an authenticator app
would. Each page on the way passes axe-core and fits the screen, at a desktop's width and a
phone's; the pages as the server sent them pass the Nu HTML checker.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pyotp
import pytest
from browser_sign_in import sign_in_page
from flask import Flask
from playwright.sync_api import Page, expect
from werkzeug.security import generate_password_hash

from quiz.db import db
from quiz.models import Admin

pytestmark = pytest.mark.browser

ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "a long admin password"
SCREENSHOTS = os.environ.get("SCREENSHOT_DIR")


@pytest.fixture
def admin(live_app: Flask) -> None:
    with live_app.app_context():
        db.session.add(
            Admin(
                email=ADMIN_EMAIL,
                password_hash=generate_password_hash(ADMIN_PASSWORD, "pbkdf2:sha256:1"),
            )
        )
        db.session.commit()


def check_page(page: Page, axe_script: Path, width: int, name: str) -> list[str]:
    """Return the page's axe-core violations and any sideways scrolling; shoot it if asked."""
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}-{width}.png"), full_page=True)
    page.add_script_tag(path=axe_script)
    problems = page.evaluate(
        """async () => (await axe.run()).violations.map(
            v => `${v.id}: ${v.help} at ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)"""
    )
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        problems.append(f"{scroll_width} px wide at {width} px")
    return [f"{name}: {problem}" for problem in problems]


def sign_in_with_password(page: Page) -> None:
    sign_in_page(page)


@pytest.mark.parametrize("width", [1280, 390])
def test_an_admin_sets_up_two_factor_then_signs_in_with_a_code(
    open_page: Callable[..., Page],
    admin: None,
    axe_script: Path,
    vnu_command: list[str],
    tmp_path: Path,
    width: int,
) -> None:
    page = open_page(bypass_csp=True, viewport={"width": width, "height": 900})
    problems: list[str] = []
    sent: dict[str, str] = {}
    sign_in_with_password(page)
    expect(page).to_have_url(re.compile(r"/admin/$"))

    # set it up from the link every admin page has
    page.get_by_role("link", name="Two-factor sign-in").click()
    expect(page.get_by_role("heading", name="Set it up")).to_be_visible()
    qr = page.get_by_role("img", name=re.compile("QR code"))
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.naturalWidth") > 0, "the QR code did not load"
    sent["setup"] = page.request.get(page.url).text()
    problems += check_page(page, axe_script, width, "setup")
    secret = page.locator("#two-factor-secret").inner_text().replace(" ", "")
    assert len(secret) == 32
    page.get_by_label("Code from your app").fill(pyotp.TOTP(secret).now())
    with page.expect_response(lambda r: r.request.method == "POST") as confirmed:
        page.get_by_role("button", name="Turn on").click()
    assert confirmed.value.status == 200
    sent["recovery-codes"] = confirmed.value.text()

    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    problems += check_page(page, axe_script, width, "recovery-codes")
    page.get_by_role("link", name="I have kept them safe").click()
    expect(page.get_by_text("You have 10 unused recovery codes.")).to_be_visible()
    sent["two-factor-on"] = page.request.get(page.url).text()
    problems += check_page(page, axe_script, width, "two-factor-on")

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/admin/sign-in$"))

    # the password alone leads to the code step, not into the admin area
    sign_in_with_password(page)
    expect(page).to_have_url(re.compile(r"/admin/sign-in/code$"))
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    sent["sign-in-code"] = page.request.get(page.url).text()
    problems += check_page(page, axe_script, width, "sign-in-code")
    # the code that turned it on is used up: an app shows the next one half a minute later
    page.get_by_label("Code", exact=True).fill(pyotp.TOTP(secret).at(time.time() + 30))
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.context.request.get(page.url).status == 200

    assert not problems, "\n".join(problems)
    if width == 1280:
        assert_valid_html(sent, vnu_command, tmp_path)


def assert_valid_html(pages: dict[str, str], vnu_command: list[str], folder: Path) -> None:
    files = {}
    for name, html in pages.items():
        files[name] = folder / f"{name}.html"
        files[name].write_text(html, encoding="utf-8")
    checked = subprocess.run(
        [*vnu_command[:-1], *map(str, files.values())], capture_output=True, timeout=120
    )
    assert checked.stdout, f"the Nu HTML checker did not run: {checked.stderr.decode()}"
    errors = [
        f"{Path(m.get('url', '')).name} line {m.get('lastLine', '?')}: {m['message']}"
        for m in json.loads(checked.stdout)["messages"]
        if m.get("type") in ("error", "non-document-error")
    ]
    assert not errors, "Nu HTML checker:\n" + "\n".join(errors)
