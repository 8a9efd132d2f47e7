"""An admin previews one question from the question table, and a result from a role-leaning
answer pattern, in a real browser; nothing is stored."""

from __future__ import annotations

import os
import re
from collections.abc import Callable

import pytest
from browser_sign_in import sign_in_page
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from quiz.core.answer_patterns import leaning_answers
from quiz.core.bank import Bank, parse_bank
from quiz.core.scoring import rank_roles
from quiz.db import db
from quiz.models import Admin, DailyCount, Result
from quiz.store.drafts import draft_bank

pytestmark = pytest.mark.browser

ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "a long admin password"
SCREENSHOTS = os.environ.get("SCREENSHOT_DIR", "/tmp")


@pytest.fixture
def draft(live_app: Flask) -> Bank:
    """Add an admin; return the draft bank the previews show."""
    with live_app.app_context():
        db.session.add(
            Admin(
                email=ADMIN_EMAIL,
                password_hash=generate_password_hash(ADMIN_PASSWORD, "pbkdf2:sha256:1"),
            )
        )
        db.session.commit()
        return parse_bank(draft_bank().to_document())


def stored(live_app: Flask) -> tuple[int, int]:
    with live_app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(Result)),
            db.session.scalar(select(func.count()).select_from(DailyCount)),
        )


def sign_in(page: Page) -> None:
    sign_in_page(page)
    expect(page).to_have_url(re.compile(r"/admin/$"))


@pytest.mark.parametrize("width", [1280, 390])
def test_an_admin_previews_one_question_from_the_table(
    open_page: Callable[..., Page], live_app: Flask, draft: Bank, width: int
) -> None:
    page = open_page(viewport={"width": width, "height": 900})
    sign_in(page)
    page.goto("/admin/questions")
    question = draft.questions[6]
    page.get_by_role("link", name="Preview question 7", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Question 7 of {len(draft.questions)}"
    )
    expect(page.locator(".preview-banner")).to_be_visible()
    group = page.get_by_role("group", name=re.compile(re.escape(question.prompt)))
    expect(group.get_by_role("radio")).to_have_count(len(question.options))
    # the one question alone: no other question, no Back, no progress through the quiz
    expect(page.locator("fieldset.question")).to_have_count(1)
    expect(page.get_by_role("button", name="Back")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.get_by_role("button", name="Try this answer").click()
    expect(page.locator(".field-error")).to_have_text("Please choose an answer to this question.")
    group.get_by_label(question.options[-1].label, exact=True).check()
    page.get_by_role("button", name="Try this answer").click()
    expect(page.get_by_role("status")).to_have_text(
        "A taker could go on with this answer. Nothing is saved."
    )
    page.screenshot(path=f"{SCREENSHOTS}/admin-question-preview-{width}.png", full_page=True)
    page.get_by_role("link", name="Preview its whole page").click()
    expect(page.locator(f"#q-{question.key}")).to_be_visible()
    assert stored(live_app) == (0, 0)


def test_a_role_leaning_pattern_previews_a_result_with_that_role_on_top(
    open_page: Callable[..., Page], live_app: Flask, draft: Bank
) -> None:
    page = open_page()
    sign_in(page)
    page.get_by_role("link", name="Preview a result").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Preview a result")
    weights = {q.key: {o.key: o.weights for o in q.options} for q in draft.questions}
    findings = []
    for role in draft.roles:
        page.get_by_role("button", name=f"Lean towards {role.name}").click()
        expect(page.get_by_role("status")).to_have_text(
            f"Filled in: the answers leaning most towards {role.name}."
        )
        answers = leaning_answers(weights, role.key, draft.instrument.roles)
        for question in draft.questions[:: max(1, len(draft.questions) // 6)]:
            label = next(o.label for o in question.options if o.key == answers[question.key])
            select = page.locator(f"select#q-{question.key}")
            expect(select.locator("option:checked")).to_have_text(label)
        page.screenshot(path=f"{SCREENSHOTS}/admin-result-pattern-{role.key}.png", full_page=False)
        page.get_by_role("button", name="Show the result").click()

        top = rank_roles(draft.effect_table, answers).ranking[0]
        if top.role != role.key:  # a finding about the bank, not a failure of the preview
            findings.append(f"leaning towards {role.key} puts {top.role} on top")
        expect(page.get_by_role("heading", level=1)).to_contain_text(
            draft.role_by_key[top.role].name
        )
        expect(page.locator(".preview-banner")).to_be_visible()
        page.get_by_role("link", name="Take the preview again").click()
        expect(page).to_have_url(re.compile(r"/admin/preview/result$"))
    # in the default bank each role's leaning answers put that very role on top
    assert findings == []
    assert stored(live_app) == (0, 0)
