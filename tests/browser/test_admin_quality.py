"""Every kind of admin page passes axe-core at 1280 and 390 px and the Nu HTML checker, and fits
a 360 px screen.

Each test walks all the pages in one browser, signing in on the way, and reports every page's
problems at once: one live server and one run of the HTML checker instead of one per page.
Console errors and requests to other origins fail any test here through ``open_page``. A test
walks ``app.url_map`` so that a new admin page joins the walk, or is listed with the reason why
it is not.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from browser_sign_in import sign_in_page
from conftest import LOOPBACK, REPO_ROOT
from flask import Flask, url_for
from helpers import create_admin
from helpers import sign_in as sign_in_client
from playwright.sync_api import Page, Response, expect
from sqlalchemy import select
from taker_results import insert_people_results
from werkzeug.security import generate_password_hash

from quiz.db import db
from quiz.models import (
    Admin,
    Dimension,
    OptionWeight,
    Question,
    Result,
    Role,
    WebhookAttempt,
    utcnow,
)
from quiz.store import admins, audit, editing, groups, secrets_at_rest, webhooks
from quiz.store.demo import insert_demo_results

ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "a long admin password"
VIEWER_EMAIL = "viewer@example.com"
VIEWER_PASSWORD = "a long viewer password"
NARROW = 360
SUBMIT = re.compile(r"^(Next|See my result)$")

# Each page of the walk, in the order visited, with the endpoint whose answer it is: the walk
# checks the browser really ends there (the method and address of the last document it got), and
# test_every_admin_page_is_in_the_walk_or_said_why_not that every admin page is named here.
SIGNED_OUT_PAGES = {
    "sign-in": "admin.sign_in",
    "sign-in-error": "admin.sign_in",
    "invitation": "admin.accept_invitation",
    # the invitation links an admin can no longer use (410, saying why) and one never made (404)
    "invitation-used": "admin.accept_invitation",
    "invitation-expired": "admin.accept_invitation",
    "invitation-unknown": "admin.accept_invitation",
}
# signed in as a viewer: an editor's page refused for the role (403)
VIEWER_PAGES = {"role-refused": "admin.new_question"}
SIGNED_IN_PAGES = {
    "dashboard": "admin.dashboard",
    "questions": "admin.questions",
    "questions-filtered": "admin.questions",
    "questions-none-found": "admin.questions",
    "likert-editor": "admin.edit_question",
    "choice-editor": "admin.edit_question",
    "weight-error": "admin.edit_question",
    "new-question": "admin.new_question",
    "new-question-effects": "admin.new_question",
    "choice-editor-remove": "admin.edit_question",
    "delete-question": "admin.delete_question",
    "roles": "admin.roles",
    "role-editor": "admin.edit_role",
    "role-error": "admin.edit_role",
    "new-role": "admin.new_role",
    "dimensions": "admin.dimensions",
    "new-dimension": "admin.new_dimension",
    "dimension-editor": "admin.edit_dimension",
    # a skill or goal in use: the confirmation lists the questions and roles it leaves
    "delete-dimension": "admin.delete_dimension",
    "import-export": "admin.bank_file",
    "bank-format": "admin.bank_format",
    "audit-log": "admin.audit_log",
    "embedding": "admin.embedding",
    "preview-quiz": "admin.preview",
    "preview-result": "admin.preview",
    "question-preview": "admin.preview_question",
    "question-preview-error": "admin.preview_question",
    "page-preview": "admin.preview_page",
    "result-preview-form": "admin.preview_result",
    "result-preview-filled": "admin.preview_result",
    "result-preview-gaps": "admin.preview_result",
    "result-preview-shown": "admin.preview_result",
    "analytics": "admin.analytics",
    "analytics-error": "admin.analytics",
    "quality": "admin.quality",
    "change-password": "admin.change_password",
    "change-password-error": "admin.change_password",
    "two-factor-setup": "admin.two_factor",
    "two-factor-setup-error": "admin.confirm_two_factor",
    "publish-confirm": "admin.confirm_publish",
    "versions": "admin.versions",
    "version-diff": "admin.version_diff",
    "draft-from-version": "admin.start_draft_from_version",
    "team": "admin.team",
    "team-invited": "admin.invite",
    "remove-admin": "admin.remove_admin",
    "webhooks": "admin.webhooks_page",
    "webhook-error": "admin.add_webhook",
    "webhook-added": "admin.add_webhook",
    "remove-webhook": "admin.remove_webhook",
    "groups": "admin.groups_list",
    "group-error": "admin.new_group",
    "group": "admin.group",
    "group-export-error": "admin.group_export",
    "delete-group": "admin.delete_group",
    # last: it changes the draft behind the pages above
    "publish-confirm-warnings": "admin.confirm_publish",
}
# Admin GET endpoints outside the walk, each with why. Answers that are not HTML pages:
NOT_PAGES = {
    # a CSV file; a filter that does not validate gets the analytics page ("analytics-error")
    "admin.results_download": "text/csv",
    # the draft bank as a JSON file
    "admin.export_bank": "application/json",
    # a group's counts as JSON, for scripts
    "admin.group_summary": "application/json",
}
# Admin pages whose axe-core and Nu checks run in another test, which reaches them its own way:
CHECKED_ELSEWHERE = {
    # asking for the code needs an admin with two-factor sign-in turned on, set up in the browser
    "admin.sign_in_code": "tests/browser/test_two_factor_browser.py",
}
# pages reached by a form, answered with these statuses
SENT_PAGES = {
    "sign-in-error": 401,
    "weight-error": 422,
    "new-question-effects": 200,
    "choice-editor-remove": 200,
    "role-error": 400,
    "preview-result": 200,
    "question-preview-error": 200,
    "result-preview-filled": 200,
    "result-preview-gaps": 422,
    "result-preview-shown": 200,
    "change-password-error": 401,
    "two-factor-setup-error": 422,
    "team-invited": 201,
    "webhook-error": 422,
    "webhook-added": 201,
    "group-error": 422,
}
# pages opened by address that answer with something other than 200
REFUSED_PAGES = {
    "analytics-error": 400,
    "group-export-error": 400,
    "invitation-used": 410,
    "invitation-expired": 410,
    "invitation-unknown": 404,
    "role-refused": 403,
}


@dataclass(frozen=True)
class Targets:
    """The rows whose pages are visited: the first question of each kind, the first role."""

    likert_id: int
    choice_id: int
    role_id: int
    invitation_token: str
    viewer_id: int
    # the live server's app, for the one page that needs the draft changed behind it
    app: Flask | None = None
    webhook_id: int = 0
    # a group with members, one of whom lets the owner open their result
    group_id: int = 0
    # a skill or goal that questions and roles use
    dimension_id: int = 0
    # invitation links used up, and expired
    used_invitation_token: str = ""
    expired_invitation_token: str = ""


@pytest.fixture
def targets(live_app: Flask) -> Targets:
    """Add an admin to the live server's database and find the rows to visit."""
    with live_app.app_context():
        db.session.add(
            Admin(
                email=ADMIN_EMAIL,
                password_hash=generate_password_hash(ADMIN_PASSWORD, "pbkdf2:sha256:1"),
            )
        )
        db.session.commit()

        def first_question(kind: str) -> int:
            query = select(Question.id).where(Question.kind == kind).order_by(Question.position)
            found = db.session.scalar(query.limit(1))
            assert found is not None, f"the default bank has no {kind} question"
            return found

        role_id = db.session.scalar(select(Role.id).order_by(Role.position).limit(1))
        assert role_id is not None
        # audit entries naming a role of the bank and a question no longer in it, for the log's
        # names and keys
        role_key = db.session.scalar(select(Role.key).where(Role.id == role_id))
        audit.record("edit role", f"role {role_key}", actor=ADMIN_EMAIL)
        audit.record("delete question", "question long-gone", actor=ADMIN_EMAIL)
        db.session.commit()
        # enough answers for every chart, table and statistic of the analytics and quality pages:
        # people's for the reliability tables, which leave synthetic ones out, and demo ones
        # for the analytics page's note about them
        insert_people_results(120, seed=2)
        insert_demo_results(80, days=10, seed=2)
        # a colleague on the team and an open invitation, for the team and invitation pages
        viewer = Admin(
            email=VIEWER_EMAIL,
            role="viewer",
            password_hash=generate_password_hash(VIEWER_PASSWORD, "pbkdf2:sha256:1"),
        )
        db.session.add(viewer)
        db.session.commit()
        invited = admins.invite("invited@example.com", "editor", actor=ADMIN_EMAIL)
        used = admins.invite("joined@example.com", "viewer", actor=ADMIN_EMAIL)
        used.invitation.used_at = utcnow()
        expired = admins.invite(
            "late@example.com", "editor", actor=ADMIN_EMAIL, now=utcnow() - timedelta(days=4)
        )
        dimension = editing.ordered(Dimension)[0]
        assert all(editing.dimension_users(dimension)), "the first dimension is not in use"
        # a webhook endpoint with a delivery tried once and refused, for the webhooks page
        # (no worker runs, so nothing is sent to the address)
        endpoint = webhooks.add_endpoint(
            "https://crm.example.com/hooks/career-fit-with-a-long-path-that-must-wrap",
            ["result.created"],
            actor=ADMIN_EMAIL,
        )
        event = webhooks.enqueue("result.deleted", {"token": "x" * 43})
        assert event is None  # the endpoint did not ask for it
        found = webhooks.find_endpoint(endpoint.id)
        assert found is not None
        webhooks.send_test(found, actor=ADMIN_EMAIL)
        db.session.flush()
        delivery = webhooks.recent_deliveries(found)[0]
        delivery.attempts = 1
        db.session.add(
            WebhookAttempt(
                delivery_id=delivery.id, status_code=500, error="HTTP 500", duration_ms=42
            )
        )
        # and one whose secret the site's key cannot read, so the page marks it failing
        unreadable = webhooks.add_endpoint(
            "https://lms.example.com/hooks/career-fit", ["result.created"], actor=ADMIN_EMAIL
        )
        webhooks.find_endpoint(unreadable.id).secret_encrypted = secrets_at_rest.encrypt(
            unreadable.secret, secrets_at_rest.WEBHOOK_SIGNING, "the SECRET_KEY of before"
        )
        owner = db.session.scalar(select(Admin).where(Admin.email == ADMIN_EMAIL))
        group = groups.create_group("Bootcamp spring", None, owner, actor=ADMIN_EMAIL)
        db.session.flush()
        for number, result in enumerate(db.session.scalars(select(Result).limit(3))):
            groups.record_finished(group.id, result, "Ada" if number == 0 else "", number == 0)
        db.session.commit()
        return Targets(
            first_question("likert"),
            first_question("choice"),
            role_id,
            invited.token,
            viewer.id,
            live_app,
            webhook_id=endpoint.id,
            group_id=group.id,
            dimension_id=dimension.id,
            used_invitation_token=used.token,
            expired_invitation_token=expired.token,
        )


def sign_in(page: Page, password: str = ADMIN_PASSWORD) -> None:
    sign_in_page(page, password=password)


def send(page: Page, click: Callable[[], None], status: int) -> str:
    """Send a form by ``click`` and return the page the server answered with."""
    with page.expect_response(
        lambda r: r.request.method == "POST" and r.request.resource_type == "document"
    ) as sent:
        click()
    response = sent.value
    assert response.status == status, (response.url, response.status)
    page.wait_for_load_state("load")
    return response.text()


def answer_preview_to_the_end(page: Page) -> str:
    """Answer every page of the draft's preview by script; return the result page's HTML."""
    page.goto("/admin/preview")
    while True:
        page.locator("fieldset.question").evaluate_all(
            """sets => sets.forEach((set, i) => {
                const radios = set.querySelectorAll('input[type=radio]');
                radios[(i * 2 + 1) % radios.length].checked = true;
            })"""
        )
        button = page.get_by_role("button", name=SUBMIT)
        if button.get_attribute("value") == "See my result":
            html = send(page, button.click, SENT_PAGES["preview-result"])
            expect(page.get_by_role("heading", level=1)).to_contain_text("Your best fit")
            return html
        before = page.url
        button.click()
        page.wait_for_url(lambda url, before=before: url != before)


def visit(page: Page, name: str, targets: Targets) -> str:
    """Open one admin page and return its HTML exactly as the server sent it."""
    if name == "sign-in-error":
        page.goto("/admin/sign-in")
        page.get_by_label("Email", exact=True).fill(ADMIN_EMAIL)
        page.get_by_label("Password", exact=True).fill("not the password")
        html = send(page, page.get_by_role("button", name="Sign in").click, 401)
        expect(page.locator(".field-error")).to_be_visible()
        return html
    if name == "weight-error":
        page.goto(f"/admin/questions/{targets.likert_id}")
        page.locator("table.authoring-grid input.weight-input").first.fill("9")
        html = send(page, page.get_by_role("button", name="Save question").click, 422)
        expect(page.locator("td.has-cell-error .field-error")).to_be_visible()
        return html
    if name == "new-question-effects":
        # the form as a browser without script gets it back: a choice, its effects and preview
        page.goto("/admin/questions/new")
        page.get_by_role("radio", name=re.compile("Choice: people pick")).check()
        page.get_by_label("Question text").fill("Which part of a project do you enjoy most?")
        page.get_by_label("Text of option a").fill("Finding the pattern")
        page.get_by_label("Text of option b").fill("Shipping the model")
        page.locator("table.authoring-grid input.weight-input").first.fill("3")
        button = page.get_by_role("button", name="Show effects and preview")
        html = send(page, button.click, 200)
        expect(page.locator("[data-preview] .option")).to_have_count(2)
        return html
    if name == "choice-editor-remove":
        # a removal asked for in the page: the confirmation sits under the option's row
        page.goto(f"/admin/questions/{targets.choice_id}")
        page.get_by_role("button", name="Remove option b").click()
        expect(page.locator("[data-remove-confirm]")).to_be_visible()
        return page.content()
    if name == "role-error":
        page.goto(f"/admin/roles/{targets.role_id}")
        page.get_by_label("Use the palette's colour").uncheck()
        page.get_by_label("Colour", exact=True).fill("#fde047")
        page.get_by_label("Typical job titles").fill("Data Scientist\n" + "x" * 121)
        page.get_by_label("Links to occupation databases").fill("O*NET | http://example.org/")
        html = send(page, page.get_by_role("button", name="Save role").click, 400)
        expect(page.locator("#colour-error")).to_contain_text("1.3:1")
        expect(page.locator("#links-error")).to_be_visible()
        return html
    if name == "preview-result":
        return answer_preview_to_the_end(page)
    if name == "question-preview-error":
        page.goto(f"/admin/questions/{targets.choice_id}/preview")
        html = send(page, page.get_by_role("button", name="Try this answer").click, 200)
        expect(page.locator(".field-error")).to_be_visible()
        return html
    if name == "result-preview-filled":
        page.goto("/admin/preview/result")
        button = page.get_by_role("button", name=re.compile(r"^Lean towards ")).first
        return send(page, button.click, SENT_PAGES[name])
    if name == "result-preview-gaps":
        page.goto("/admin/preview/result")
        html = send(page, page.get_by_role("button", name="Show the result").click, 422)
        expect(page.locator(".field-error").first).to_be_visible()
        return html
    if name == "result-preview-shown":
        page.goto("/admin/preview/result")
        send(page, page.get_by_role("button", name="Middle option everywhere").click, 200)
        html = send(page, page.get_by_role("button", name="Show the result").click, 200)
        expect(page.get_by_role("heading", level=1)).to_contain_text("Your best fit")
        return html
    if name == "publish-confirm-warnings":
        weigh_a_question_alike(targets)
        response = page.goto("/admin/publish/confirm")
        assert response is not None and response.status == 200
        expect(page.locator(".quality-warnings a").first).to_be_visible()
        return response.text()
    if name == "change-password-error":
        page.goto("/admin/account/password")
        page.get_by_label("Current password", exact=True).fill("not the password")
        page.get_by_label("New password", exact=True).fill("a new admin password")
        page.get_by_label("New password again", exact=True).fill("a new admin password")
        button = page.get_by_role("button", name="Change password")
        html = send(page, button.click, SENT_PAGES[name])
        expect(page.locator(".field-error")).to_be_visible()
        return html
    if name == "two-factor-setup-error":
        page.goto("/admin/account/two-factor")
        page.get_by_label("Code from your app").fill("000000")
        html = send(page, page.get_by_role("button", name="Turn on").click, SENT_PAGES[name])
        expect(page.locator(".field-error")).to_be_visible()
        return html
    if name == "team-invited":
        page.goto("/admin/team")
        page.get_by_label("Email address").fill("colleague@example.com")
        page.get_by_label("Role", exact=True).select_option("editor")
        button = page.get_by_role("button", name="Make an invitation link")
        html = send(page, button.click, SENT_PAGES[name])
        expect(page.locator("#invitation-link")).to_have_value(re.compile("/admin/invitation/"))
        return html
    if name in ("webhook-error", "webhook-added"):
        page.goto("/admin/webhooks")
        address = "http://crm.example.com/hook" if name == "webhook-error" else "https://b.example"
        page.get_by_label("Address (https://)").fill(address)
        page.get_by_label("A taker deleted their result").check()
        button = page.get_by_role("button", name="Add the endpoint")
        html = send(page, button.click, SENT_PAGES[name])
        if name == "webhook-error":
            expect(page.locator(".field-error")).to_contain_text("http://")
        else:
            expect(page.locator("#webhook-secret")).to_have_value(re.compile("^whsec_"))
        return html
    if name == "group-error":
        page.goto("/admin/groups")
        page.get_by_label("Name", exact=True).fill("Late group")
        page.get_by_label("Last day to join (optional)").fill("2001-01-01")
        button = page.get_by_role("button", name="Create the group")
        html = send(page, button.click, SENT_PAGES[name])
        expect(page.locator("#closes_on-error")).to_be_visible()
        return html
    path = {
        "webhooks": "/admin/webhooks",
        "remove-webhook": f"/admin/webhooks/{targets.webhook_id}/remove",
        "groups": "/admin/groups",
        "group": f"/admin/groups/{targets.group_id}",
        # the members' download with a filter that does not validate: the group page, and why
        "group-export-error": f"/admin/groups/{targets.group_id}/members.csv?mode=sometimes",
        "delete-group": f"/admin/groups/{targets.group_id}/delete",
        "sign-in": "/admin/sign-in",
        "invitation": f"/admin/invitation/{targets.invitation_token}",
        "invitation-used": f"/admin/invitation/{targets.used_invitation_token}",
        "invitation-expired": f"/admin/invitation/{targets.expired_invitation_token}",
        "invitation-unknown": "/admin/invitation/no-such-invitation-link",
        "role-refused": "/admin/questions/new",
        "team": "/admin/team",
        "remove-admin": f"/admin/team/{targets.viewer_id}/remove",
        "dashboard": "/admin/",
        "questions": "/admin/questions",
        "questions-filtered": "/admin/questions?q=data&kind=likert&state=active",
        "questions-none-found": "/admin/questions?q=no-such-question-text",
        "likert-editor": f"/admin/questions/{targets.likert_id}",
        "choice-editor": f"/admin/questions/{targets.choice_id}",
        "new-question": "/admin/questions/new",
        "delete-question": f"/admin/questions/{targets.likert_id}/delete",
        "roles": "/admin/roles",
        "role-editor": f"/admin/roles/{targets.role_id}",
        "new-role": "/admin/roles/new",
        "dimensions": "/admin/dimensions",
        "new-dimension": "/admin/dimensions/new",
        "dimension-editor": f"/admin/dimensions/{targets.dimension_id}",
        "delete-dimension": f"/admin/dimensions/{targets.dimension_id}/delete",
        "import-export": "/admin/bank",
        "bank-format": "/admin/bank/format",
        "audit-log": "/admin/audit",
        "embedding": "/admin/embed",
        "preview-quiz": "/admin/preview",
        "question-preview": f"/admin/questions/{targets.likert_id}/preview",
        "page-preview": "/admin/preview/pages/2",
        "result-preview-form": "/admin/preview/result",
        "analytics": "/admin/analytics",
        "analytics-error": "/admin/analytics?first_day=2026-05-02&last_day=2026-05-01",
        "quality": "/admin/versions/1/quality",
        "change-password": "/admin/account/password",
        "two-factor-setup": "/admin/account/two-factor",
        "publish-confirm": "/admin/publish/confirm",
        "versions": "/admin/versions",
        "version-diff": "/admin/versions/diff?from=1&to=1",
        "draft-from-version": "/admin/versions/1/draft",
    }[name]
    response = page.goto(path)
    status = REFUSED_PAGES.get(name, 200)
    assert response is not None and response.status == status, (path, response and response.status)
    assert response.url.endswith(path), f"{path} went to {response.url}"
    return response.text()


def weigh_a_question_alike(targets: Targets) -> None:
    """Give every option of the choice question the same weights: it then separates no roles,
    which the publish confirmation warns about."""
    assert targets.app is not None
    with targets.app.app_context():
        question = db.session.get(Question, targets.choice_id)
        assert question is not None
        dimension_id = db.session.scalar(select(Dimension.id).order_by(Dimension.position))
        for option in question.options:
            option.weights.clear()
        db.session.commit()
        for option in question.options:
            option.weights.append(OptionWeight(dimension_id=dimension_id, weight=1))
        db.session.commit()


def visit_every_page(page: Page, targets: Targets) -> Iterator[tuple[str, str]]:
    """Open each admin page in turn: signed out, as a viewer, then as an owner; yield (name,
    HTML), having checked each page is the answer of the endpoint its list names."""
    # the refused sign-in (401), role (403), invitations (404, 410), weight (422), filter (400)
    # and result preview (422) are asked for on purpose
    page.watch.expect_console_error(r"status of (400|401|403|404|410|422)")
    shown = LastDocument(page)
    assert targets.app is not None
    addresses = targets.app.url_map.bind(LOOPBACK)

    def each(pages: dict[str, str]) -> Iterator[tuple[str, str]]:
        for name, endpoint in pages.items():
            html = visit(page, name, targets)
            method, url = shown.method_and_url()
            found, _arguments = addresses.match(urlsplit(url).path, method=method)
            assert found == endpoint, f"the {name} page is {method} {url}, {found}, not {endpoint}"
            yield name, html

    yield from each(SIGNED_OUT_PAGES)
    sign_in_page(page, VIEWER_EMAIL, VIEWER_PASSWORD)
    expect(page).to_have_url(re.compile(r"/admin/$"))
    yield from each(VIEWER_PAGES)
    page.context.clear_cookies()  # signed out: the session cookie is the sign-in
    sign_in(page)
    expect(page).to_have_url(re.compile(r"/admin/$"))
    yield from each(SIGNED_IN_PAGES)


class LastDocument:
    """Remember the method and address of the last page the browser's main frame received."""

    def __init__(self, page: Page) -> None:
        self.last: tuple[str, str] | None = None
        page.on("response", self._on_response)

    def _on_response(self, response: Response) -> None:
        request = response.request
        if request.resource_type == "document" and response.frame.parent_frame is None:
            self.last = (request.method, response.url)

    def method_and_url(self) -> tuple[str, str]:
        assert self.last is not None, "no page was opened"
        return self.last


# a desktop's width and a phone's: what a narrow layout hides or stacks is checked too
@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_admin_pages_have_no_axe_violations(
    open_page: Callable[..., Page], axe_script: Path, targets: Targets, width: int
) -> None:
    # bypass_csp: a content security policy may refuse injected scripts
    page = open_page(bypass_csp=True, viewport={"width": width, "height": 800})
    found = {}
    overflow = {}
    for name, _html in visit_every_page(page, targets):
        # at this width too, wide tables scroll inside their own region and the page never does
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            overflow[name] = (scroll_width, overflowing_elements(page))
        page.add_script_tag(path=axe_script)
        violations = page.evaluate(
            """async () => (await axe.run()).violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html,
                                           why: n.failureSummary})),
            }))"""
        )
        if violations:
            found[name] = violations

    problems = [
        f"{name} page scrolls sideways at {width} px: {wide} px wide; sticking out: {elements}"
        for name, (wide, elements) in overflow.items()
    ]
    if found:
        problems.append(
            "axe-core on admin pages:\n"
            + "\n".join(
                f"{name} page:\n" + "\n".join(describe_violation(v) for v in violations)
                for name, violations in found.items()
            )
        )
    assert not problems, "\n".join(problems)


def describe_violation(violation: dict[str, Any]) -> str:
    nodes = "\n".join(
        f"    {n['target']}: {n['html']}\n      {n['why'].replace(chr(10), ' ')}"
        for n in violation["nodes"]
    )
    return f"  {violation['id']} ({violation['impact']}): {violation['help']}\n{nodes}"


@pytest.mark.browser
def test_admin_pages_html_is_valid(
    page: Page, vnu_command: list[str], targets: Targets, tmp_path: Path
) -> None:
    files = {}
    for name, html in visit_every_page(page, targets):
        files[name] = tmp_path / f"{name}.html"
        files[name].write_text(html, encoding="utf-8")

    # one run over every saved page (the checker refuses loopback URLs); "-" is stdin
    assert vnu_command[-1] == "-"
    checked = subprocess.run(
        [*vnu_command[:-1], *map(str, files.values())], capture_output=True, timeout=120
    )

    assert checked.stdout, f"the Nu HTML checker did not run: {checked.stderr.decode()}"
    messages = json.loads(checked.stdout)["messages"]
    by_file = {path.name: name for name, path in files.items()}
    errors: dict[str, list[str]] = {}
    for m in messages:
        if m.get("type") not in ("error", "non-document-error"):
            continue
        name = by_file.get(Path(m.get("url", "")).name, m.get("url", "?"))
        errors.setdefault(name, []).append(
            f"  line {m.get('lastLine', '?')}: {m['message']}\n    {m.get('extract', '').strip()}"
        )
    assert not errors, "Nu HTML checker on admin pages:\n" + "\n".join(
        f"{name} page:\n" + "\n".join(lines) for name, lines in errors.items()
    )


def overflowing_elements(page: Page) -> list[str]:
    """Describe the deepest elements that stick out past the right edge of the viewport."""
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            const wide = [...document.body.querySelectorAll('*')].filter(
                el => el.getBoundingClientRect().right > width + 0.5
                    && !el.closest('.table-scroll'));
            return wide.filter(el => !wide.some(other => other !== el && el.contains(other)))
                .slice(0, 5)
                .map(el => `${el.outerHTML.slice(0, 200)} (right edge at `
                    + `${Math.round(el.getBoundingClientRect().right)} px)`);
        }"""
    )


@pytest.mark.browser
def test_admin_pages_fit_a_360_px_screen(open_page: Callable[..., Page], targets: Targets) -> None:
    page = open_page(viewport={"width": NARROW, "height": 800})
    overflow = {}
    for name, _html in visit_every_page(page, targets):
        # wide tables scroll inside their own region; the page itself must not
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > NARROW:
            overflow[name] = (scroll_width, overflowing_elements(page))

    assert not overflow, f"admin pages scroll sideways at {NARROW} px:\n" + "\n".join(
        f"  {name}: {width} px wide; sticking out: {elements}"
        for name, (width, elements) in overflow.items()
    )


def test_every_admin_page_is_in_the_walk_or_said_why_not(live_app: Flask) -> None:
    # a new admin page fails here until it joins the walk above, or a list says why it is not
    get_endpoints = {
        rule.endpoint
        for rule in live_app.url_map.iter_rules()
        if rule.endpoint.startswith("admin.") and "GET" in (rule.methods or ())
    }
    walked = {*SIGNED_OUT_PAGES.values(), *VIEWER_PAGES.values(), *SIGNED_IN_PAGES.values()}
    excused = NOT_PAGES.keys() | CHECKED_ELSEWHERE.keys()

    unchecked = sorted(get_endpoints - walked - excused)
    assert not unchecked, (
        f"admin pages no axe-core or Nu check opens: {unchecked}; add each to the walk, "
        "or to NOT_PAGES or CHECKED_ELSEWHERE saying why"
    )
    assert walked <= set(live_app.view_functions), walked - set(live_app.view_functions)
    assert excused <= get_endpoints, f"not admin GET endpoints: {excused - get_endpoints}"
    assert not excused & walked, f"both walked and left out: {excused & walked}"
    for endpoint, test_file in CHECKED_ELSEWHERE.items():
        text = (REPO_ROOT / test_file).read_text(encoding="utf-8")
        (rule,) = live_app.url_map.iter_rules(endpoint)
        assert rule.rule in text, f"{test_file} never opens {rule.rule}"
        assert "axe_script" in text and "vnu_command" in text, f"{test_file} checks no page"


def test_the_admin_answers_left_out_of_the_walk_are_files(live_app: Flask) -> None:
    create_admin(live_app)
    with live_app.app_context():
        group = groups.create_group("Files", None, None, actor=ADMIN_EMAIL)
        db.session.commit()
        group_id = group.id
    client = live_app.test_client()
    assert sign_in_client(client).status_code == 302

    for endpoint, mimetype in NOT_PAGES.items():
        (rule,) = live_app.url_map.iter_rules(endpoint)
        with live_app.test_request_context():
            address = url_for(endpoint, **dict.fromkeys(rule.arguments, group_id))
        response = client.get(address)
        assert response.status_code == 200, (address, response.status_code)
        assert response.mimetype == mimetype, (address, response.mimetype)
