"""Every kind of page passes axe-core and the Nu HTML checker, stays light and stays local.

The pages: the landing page, a quiz page, a quiz page showing errors, a quick-mode question, a
result page, the roles compared, one role, the method and the 404 page, and six of them in
German. Console errors and requests to other origins fail any test here through the ``page``
fixture; the weight test also names each origin it saw.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from playwright.sync_api import Page, Response, expect

from quiz.db import db
from quiz.store import groups

pytestmark = pytest.mark.browser

# "name@de": the same page in German, whose longer words and other texts are checked too
PAGES = (
    "landing",
    "quiz",
    "quiz-errors",
    "quick",
    "result",
    "roles",
    "role",
    "method",
    "not-found",
    "embed-start",
    "embed-quiz",
    "embed-quick",
    "embed-role",
    "embed-result",
    "embed-group-join",
    "group-join",
    "group-closed",
    "landing@de",
    "group-join@de",
    "quiz-errors@de",
    "quick@de",
    "result@de",
    "roles@de",
    "role@de",
    "embed-quiz@de",
    "embed-result@de",
    "embed-group-join@de",
)
# the pages that are one address each
PATHS = {
    "landing": "/",
    "quiz": "/quiz/1",
    "quick": "/quiz/quick",
    "roles": "/roles",
    "role": "/roles/ml-engineer",
    "method": "/method",
    # the pages another site frames (quiz/public/embed.py), opened here on their own
    "embed-start": "/embed/",
    "embed-quiz": "/embed/quiz",
    "embed-quick": "/embed/quiz/quick",
    "embed-role": "/embed/roles/ml-engineer",
    "group-join": "/g/page-quality-open-group-00000000",
    # the same group's join page in another site's frame
    "embed-group-join": "/embed/g/page-quality-open-group-00000000",
}
# a group's join link when the group is closed: a polite 410
CLOSED_GROUP_PATH = "/g/page-quality-closed-group-000000"
STATUSES = {"not-found": 404, "group-closed": 410}
NEXT = re.compile(r"^(Next|Weiter)$")
MAX_PAGE_BYTES = 60 * 1024


@dataclass
class Visit:
    html: str  # the document exactly as the server sent it
    responses: list[Response]  # the document and everything it loaded


def visit(page: Page, name: str, result_url: str) -> Visit:
    """Open one of the ``PAGES`` with the HTTP cache off, recording every response."""
    name, _, language = name.partition("@")
    if language:
        # as the switcher in the header does; "networkidle": the favicon comes after "load"
        page.goto(f"/language/{language}?next=/", wait_until="networkidle")
    page.route("**/*", lambda route: route.continue_())  # routing turns the cache off
    responses: list[Response] = []
    page.on("response", lambda response: responses.append(response))
    if name in PATHS:
        document = page.goto(PATHS[name])
    elif name == "quiz-errors":
        page.goto("/quiz/1", wait_until="networkidle")  # the favicon comes after "load"
        responses.clear()
        with page.expect_response(lambda r: r.request.method == "POST") as sent:
            page.get_by_role("button", name=NEXT).click()
        document = sent.value
        expect(page.get_by_role("alert")).to_be_visible()
    elif name == "result":
        document = page.goto(result_url)
    elif name == "embed-result":
        document = page.goto(result_url.replace("/r/", "/embed/r/"))
    elif name == "group-closed":
        page.watch.expect_console_error(r"status of 410")  # the 410 this test asks for
        document = page.goto(CLOSED_GROUP_PATH)
    else:
        page.watch.expect_console_error(r"status of 404")  # the 404 this test asks for
        document = page.goto("/no-such-page")
    assert document is not None
    assert document.status == STATUSES.get(name, 200), document.status
    page.wait_for_load_state("load")
    return Visit(document.text(), responses)


@pytest.fixture
def result_url(result_url: str, live_app: Flask) -> str:
    """The share URL of a fresh result, with an open and a closed group beside it to visit."""
    with live_app.app_context():
        for code, closed in ((PATHS["group-join"], False), (CLOSED_GROUP_PATH, True)):
            group = groups.create_group("Bootcamp spring", None, None, actor="test")
            group.join_code = code.removeprefix("/g/")
            if closed:
                groups.close_group(group)
        db.session.commit()
    return result_url


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_axe_violations(
    open_page: Callable[..., Page], axe_script: Path, result_url: str, name: str
) -> None:
    page = open_page(bypass_csp=True)  # a content security policy may refuse injected scripts
    visit(page, name, result_url)
    page.add_script_tag(path=axe_script)

    violations = page.evaluate(
        """async () => (await axe.run()).violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html,
                                       why: n.failureSummary})),
        }))"""
    )

    assert not violations, f"axe-core on the {name} page:\n" + "\n".join(
        describe_violation(v) for v in violations
    )


def describe_violation(violation: dict[str, Any]) -> str:
    nodes = "\n".join(
        f"    {n['target']}: {n['html']}\n      {n['why'].replace(chr(10), ' ')}"
        for n in violation["nodes"]
    )
    return f"  {violation['id']} ({violation['impact']}): {violation['help']}\n{nodes}"


@pytest.mark.parametrize("name", PAGES)
def test_page_html_is_valid(page: Page, vnu_command: list[str], result_url: str, name: str) -> None:
    html = visit(page, name, result_url).html

    # the checker refuses loopback URLs, so the served document goes in on stdin
    checked = subprocess.run(vnu_command, input=html.encode(), capture_output=True, timeout=120)

    assert checked.stdout, f"the Nu HTML checker did not run: {checked.stderr.decode()}"
    report = json.loads(checked.stdout)
    errors = [m for m in report["messages"] if m.get("type") in ("error", "non-document-error")]
    assert not errors, f"Nu HTML checker on the {name} page:\n" + "\n".join(
        f"  line {m.get('lastLine', '?')}: {m['message']}\n    {m.get('extract', '').strip()}"
        for m in errors
    )


@pytest.mark.parametrize("name", PAGES)
def test_page_weighs_under_60_kb_and_loads_only_from_this_server(
    page: Page, live_server: str, result_url: str, name: str
) -> None:
    responses = visit(page, name, result_url).responses
    page.wait_for_load_state("networkidle")  # count what loads after "load" too (the favicon)

    sizes = {r.url: len(r.body()) for r in responses}
    total = sum(sizes.values())
    assert total < MAX_PAGE_BYTES, f"the {name} page weighs {total} bytes: {sizes}"
    origins = {f"{urlsplit(r.url).scheme}://{urlsplit(r.url).netloc}" for r in responses}
    assert origins == {live_server}, f"the {name} page loaded from {origins}"
    stylesheets = [url for url in sizes if urlsplit(url).path.endswith(".css")]
    assert stylesheets, "the stylesheet was not counted; is the cache still on?"
