"""An admin edits the quiz in a real browser, and takers see it only once it is published.

The story the issue asks for: sign in, edit a question's text and one weight, publish, take the
quiz and see the change; a share link made before still shows the old result. Then the sign-in
page's error, the session cookie as the browser stores it, and screenshots of the admin pages.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from helpers import ADMIN_EMAIL, ADMIN_PASSWORD
from playwright.sync_api import Page, expect
from sqlalchemy import func, select
from werkzeug.middleware.proxy_fix import ProxyFix

from quiz.core.bank import (
    CHOICE_WEIGHT_RANGE,
    LIKERT_SCALE,
    LIKERT_WEIGHT_RANGE,
    Bank,
    BankQuestion,
)
from quiz.db import db
from quiz.models import Result
from quiz.store.demo import insert_demo_results
from quiz.store.drafts import draft_bank

pytestmark = pytest.mark.browser

SIGN_IN_MISMATCH = "That email and password don't match an admin account."
SUBMIT = re.compile(r"^(Next|See my result)$")
RESULT_URL = re.compile(r"/r/[\w-]+$")
DASHBOARD_URL = re.compile(r"/admin/$")
SIGN_IN_URL = re.compile(r"/admin/sign-in(\?.*)?$")
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"  # git-ignored


def draft_of(app: Flask) -> Bank:
    with app.app_context():
        return draft_bank()


def sign_in_with_keyboard(page: Page) -> None:
    """Click into the email field, type, Tab to the password, type, and press Enter."""
    page.goto("/admin/sign-in")
    page.get_by_label("Email", exact=True).click()
    page.keyboard.type(ADMIN_EMAIL)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    page.keyboard.type(ADMIN_PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(DASHBOARD_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text("Quiz overview")


def take_quiz_by_script(page: Page) -> list[str]:
    """Answer every quiz page by script; return each question's text, in the order shown."""
    prompts: list[str] = []
    page.goto("/quiz/1")
    while not RESULT_URL.search(page.url):
        legends = page.locator("fieldset.question legend").all_inner_texts()
        prompts += [re.sub(r"^\d+\.\s*", "", legend.strip()) for legend in legends]
        page.locator("fieldset.question").evaluate_all(
            """sets => sets.forEach((set, i) => {
                const radios = set.querySelectorAll('input[type=radio]');
                radios[(i * 2 + 1) % radios.length].checked = true;
            })"""
        )
        before = page.url
        page.get_by_role("button", name=SUBMIT).click()
        page.wait_for_url(lambda url, before=before: url != before)
    return prompts


def ranking_on_page(page: Page) -> list[tuple[str, int]]:
    """Return the ranking the chart shows: (role name, fit in percent), best first."""
    chart = page.locator("svg.chart")
    labels = chart.locator("text.chart-label").all_text_contents()
    values = chart.locator("text.chart-value").all_text_contents()
    assert labels and len(labels) == len(values), "the result page shows no ranking chart"
    names = [re.sub(r"^\d+\.\s*", "", label) for label in labels]
    return [(name, int(value.rstrip("%"))) for name, value in zip(names, values, strict=True)]


def why_prompts(page: Page) -> list[str]:
    """Return the question texts the result's "why" lists name."""
    return [text.strip() for text in page.locator(".why-roles .push-prompt").all_text_contents()]


def effects_on_page(page: Page) -> dict[str, dict[str, int]]:
    """Read the effects beside the editor's weights: row ("statement" or the option's key) ->
    role name -> effect."""
    return page.locator("table.authoring-grid").evaluate(
        """table => Object.fromEntries([...table.querySelectorAll("tr.option-row")].map(row => [
            row.dataset.key || "statement",
            Object.fromEntries([...row.querySelectorAll("td[data-effect-role]")].map(cell => [
                cell.dataset.effectRole,
                parseInt(cell.querySelector(".effect-value").textContent, 10)])),
        ]))"""
    )


def row_factors(question: BankQuestion) -> dict[str, int]:
    """How much a change to the first row of weights moves each row's effects.

    A statement's row shows the effect of its strongest agreement, level 2; a choice
    question's first row belongs to its first option alone.
    """
    if question.kind == "likert":
        return {"statement": max(level for _key, _label, level in LIKERT_SCALE)}
    first = question.options[0].key
    return {o.key: int(o.key == first) for o in question.options}


def test_published_edit_reaches_new_takers_and_old_links_keep_their_result(
    open_page: Callable[..., Page], live_app: Flask, admin_account: None, result_url: str
) -> None:
    # (a) a taker has finished the quiz on version 1 (over plain HTTP, for speed) and keeps
    # the share link, the ranking and a question the "why" list names
    taker = open_page()
    taker.goto(result_url)
    # the link was finished over HTTP: this browser reads it as a visitor
    share_url = taker.get_by_label("Link to this result").input_value()
    assert share_url == result_url
    ranking = ranking_on_page(taker)
    old_prompt = why_prompts(taker)[0]

    # (b) the admin signs in
    admin = open_page()
    sign_in_with_keyboard(admin)

    # (c) opens the question that result's "why" list names, changes its text and one weight
    admin.get_by_role("navigation", name="Admin").get_by_role("link", name="Questions").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Questions")
    entry = admin.get_by_role("link", name=old_prompt, exact=True)
    expect(entry).to_have_count(1)
    entry.click()
    expect(admin.get_by_label("Question text", exact=True)).to_have_value(old_prompt)

    bank = draft_of(live_app)
    question = next(q for q in bank.questions if q.prompt == old_prompt)
    # a skill or goal some role draws on, so the change shows in the effect table
    dimension = next(d for d in bank.dimensions if any(r.profile.get(d.key) for r in bank.roles))
    cell = admin.locator("table.authoring-grid tr.option-row").first.get_by_role(
        "textbox", name=re.compile(rf" on {re.escape(dimension.name)}$")
    )
    before = int(cell.input_value() or 0)
    high = (LIKERT_WEIGHT_RANGE if question.kind == "likert" else CHOICE_WEIGHT_RANGE)[1]
    after = before + 1 if before < high else before - 1
    effects_before = effects_on_page(admin)

    new_prompt = f"{old_prompt} (reworded)"
    admin.get_by_label("Question text", exact=True).fill(new_prompt)
    cell.fill(str(after))
    admin.get_by_role("button", name="Save question").click()

    expect(admin.get_by_role("status")).to_have_text(f"Question {question.key} saved.")
    expect(admin.get_by_label("Question text", exact=True)).to_have_value(new_prompt)
    expect(cell).to_have_value(str(after))
    # the effects show what the new weight does, before anything is published
    emphasis = {r.name: r.profile.get(dimension.key, 0) for r in bank.roles}
    expected = {
        answer: {
            role: effect + (after - before) * row_factors(question)[answer] * emphasis[role]
            for role, effect in effects.items()
        }
        for answer, effects in effects_before.items()
    }
    assert effects_on_page(admin) == expected
    assert expected != effects_before

    # (d) publishes from the overview
    admin.get_by_role("navigation", name="Admin").get_by_role("link", name="Overview").click()
    expect(admin.get_by_text("The draft has changes that are not published yet.")).to_be_visible()
    admin.get_by_role("button", name="Publish the draft").click()
    # the confirmation page names the change before anything is published
    expect(admin).to_have_url(re.compile(r"/admin/publish/confirm\??$"))
    expect(admin.locator("main")).to_contain_text("Questions changed")
    admin.get_by_role("button", name="Publish the draft").click()
    expect(admin).to_have_url(DASHBOARD_URL)
    expect(admin.get_by_role("status")).to_contain_text("Published version 2.")
    expect(admin.locator("table.versions tbody tr").first.locator("th")).to_contain_text("2")

    # (e) a new taker gets the new text
    newcomer = open_page()
    prompts = take_quiz_by_script(newcomer)
    assert new_prompt in prompts
    assert old_prompt not in prompts
    new_result = newcomer.request.get(f"{newcomer.url}.json")
    assert new_result.ok and new_result.json()["quiz_version"] == 2

    # (f) the old share link, opened afresh, still shows version 1's text and the same ranking
    stranger = open_page()
    stranger.goto(share_url)
    assert ranking_on_page(stranger) == ranking
    shown = why_prompts(stranger)
    assert old_prompt in shown
    assert new_prompt not in shown
    old_result = stranger.request.get(f"{share_url}.json")
    assert old_result.ok and old_result.json()["quiz_version"] == 1
    assert [(r["name"], r["fit"]) for r in old_result.json()["ranking"]] == ranking

    # (g) the admin signs out, and the admin area is closed again
    admin.get_by_role("button", name="Sign out").click()
    expect(admin).to_have_url(SIGN_IN_URL)
    expect(admin.get_by_role("status")).to_have_text("You are signed out.")
    admin.goto("/admin/questions")
    expect(admin).to_have_url(SIGN_IN_URL)


def test_wrong_password_shows_the_error_beside_the_password_field(
    page: Page, admin_account: None
) -> None:
    page.watch.expect_console_error(r"status of 401")  # the refused sign-in answers 401
    page.goto("/admin/sign-in")
    page.get_by_label("Email", exact=True).fill(ADMIN_EMAIL)
    page.get_by_label("Password", exact=True).fill("not the password")

    page.get_by_role("button", name="Sign in").click()

    password = page.get_by_label("Password", exact=True)
    error = page.locator(".field-error")
    expect(error).to_have_count(1)
    expect(error).to_have_text(SIGN_IN_MISMATCH)
    expect(password).to_have_attribute("aria-describedby", error.get_attribute("id") or "")
    expect(password).to_have_accessible_description(SIGN_IN_MISMATCH)
    # beside the field: in the password's own box, right below the input
    field = page.locator(".field").filter(has=password)
    expect(field.locator(".field-error")).to_have_count(1)
    input_box, error_box = password.bounding_box(), error.bounding_box()
    assert input_box and error_box
    assert 0 <= error_box["y"] - (input_box["y"] + input_box["height"]) < 40
    # the email stays, the password is never sent back
    expect(page.get_by_label("Email", exact=True)).to_have_value(ADMIN_EMAIL)
    expect(password).to_have_value("")
    page.goto("/admin/")
    expect(page).to_have_url(SIGN_IN_URL)


def session_cookie(page: Page) -> dict[str, object]:
    cookies = [c for c in page.context.cookies() if c["name"] == "session"]
    assert len(cookies) == 1, page.context.cookies()
    return dict(cookies[0])


def test_session_cookie_is_http_only_and_same_site_lax(page: Page, admin_account: None) -> None:
    sign_in_with_keyboard(page)

    cookie = session_cookie(page)
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"
    # plain HTTP here, so not Secure (the next test covers HTTPS)
    assert cookie["secure"] is False
    assert "session=" not in page.evaluate("document.cookie"), "scripts can read the session"


def test_session_cookie_is_secure_behind_an_https_proxy(
    open_page: Callable[..., Page], live_app: Flask
) -> None:
    # as in a deployment behind a proxy that ends TLS and says so in X-Forwarded-Proto
    live_app.wsgi_app = ProxyFix(live_app.wsgi_app, x_proto=1)  # type: ignore[method-assign]
    page = open_page(extra_http_headers={"X-Forwarded-Proto": "https"})

    # the sign-in form's CSRF token starts the session (signing in over this fake HTTPS would
    # fail the CSRF referrer check: the browser's Referer still says http)
    page.goto("/admin/sign-in")

    cookie = session_cookie(page)
    assert cookie["secure"] is True
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"


@pytest.mark.parametrize("width", [1280, 360])
def test_admin_screens_are_captured(
    open_page: Callable[..., Page], live_app: Flask, admin_account: None, width: int
) -> None:
    page = open_page(viewport={"width": width, "height": 800})
    SCREENSHOTS.mkdir(exist_ok=True)

    page.goto("/admin/sign-in")
    page.screenshot(path=SCREENSHOTS / f"admin-sign-in-{width}.png", full_page=True)
    sign_in_with_keyboard(page)
    page.screenshot(path=SCREENSHOTS / f"admin-dashboard-{width}.png", full_page=True)
    page.goto("/admin/questions")
    page.screenshot(path=SCREENSHOTS / f"admin-questions-{width}.png", full_page=True)
    # a choice question: its matrix has a row per option
    choice = next(q for q in draft_of(live_app).questions if q.kind == "choice")
    page.get_by_role("link", name=choice.prompt, exact=True).click()
    expect(page.locator("table.authoring-grid")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / f"admin-question-editor-{width}.png", full_page=True)


def test_an_admin_filters_the_analytics_and_downloads_what_they_see(
    page: Page, live_app: Flask, admin_account: None, tmp_path: Path
) -> None:
    take_quiz_by_script(page)
    with live_app.app_context():
        # older than the quiz just taken, with newer ids: counting them counts it too
        insert_demo_results(40, days=20, seed=5)
        careful = db.session.scalar(
            select(func.count()).select_from(Result).where(Result.careless.is_(None))
        )
    sign_in_with_keyboard(page)
    page.get_by_role("link", name="Analytics").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How people answer")
    summary = page.locator("dl.figures")
    expect(summary.locator("div", has_text="Results").locator("dd")).to_have_text("41")

    page.get_by_label("Careless answers").select_option(label="Left out")
    page.get_by_label("Quiz version").select_option(label="Version 1")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"careless=exclude"))
    expect(summary.locator("div", has_text="Results").locator("dd")).to_have_text(str(careful))
    expect(page.get_by_role("img", name=re.compile("Results per day"))).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download these results (CSV)").click()
    saved = tmp_path / "results.csv"
    download.value.save_as(saved)
    lines = saved.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("result_id,created_at,quiz_version,mode,top_role,")
    assert len(lines) == 1 + careful

    page.get_by_role("link", name="How well version 1 measures: its quality report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How well version 1 measures")
    page.get_by_text("The answers that do it").first.click()
    expect(page.locator("ol.proof").first).to_be_visible()
