"""Signing an admin in through the real sign-in page in Chromium, for the browser tests."""

from __future__ import annotations

from typing import Any

from helpers import ADMIN_EMAIL, ADMIN_PASSWORD


def sign_in_page(page: Any, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD) -> None:
    """Open the sign-in page, fill in the email and password, and press Sign in."""
    page.goto("/admin/sign-in")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
