"""The result page in Chromium, for its owner and for a visitor holding the link.

The first screen shows the headline, the chart, the three strongest reasons and the share
actions, at 1280x800 and within one and a half screens of a 390x844 phone; the detail sits
in closed sections, and with them closed the page is at most 2,500 px tall at 1280 px. The
Share button shows only where the browser can share, the copy and print buttons work, and
printing gives every section on at most three A4 pages, without controls. Both views pass
axe-core and the Nu HTML checker.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import finish_quiz_in_this_browser
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

SCREENS = {"desktop": (1280, 800), "phone": (390, 844)}
# how far down the first screen's parts may reach: one screen, one and a half on a phone
FIRST_SCREEN = {"desktop": 800, "phone": 844 * 1.5}
MOST_CLOSED_HEIGHT = 2500
MOST_PRINTED_PAGES = 3
SHARE_SITES = ("LinkedIn", "WhatsApp", "X", "E-mail")
# every section of the detail, by its heading's id; the owner's view has one more
SECTIONS = {
    "visitor": [
        "reading-heading",
        "compare-heading",
        "why-heading",
        "profile-heading",
        "next-heading",
    ],
    "owner": [
        "reading-heading",
        "compare-heading",
        "why-heading",
        "change-heading",
        "profile-heading",
        "next-heading",
        "work-now-heading",
    ],
}


def open_view(
    open_page: Callable[..., Page], view: str, size: str = "desktop", **options: object
) -> tuple[Page, str]:
    """Open a result in the owner's or a visitor's browser; return the page and the link."""
    width, height = SCREENS[size]
    owner = open_page(viewport={"width": width, "height": height}, **options)
    url = finish_quiz_in_this_browser(owner)
    if view == "owner":
        return owner, url
    visitor = open_page(viewport={"width": width, "height": height}, **options)
    visitor.goto(url)
    return visitor, url


def bottom(page: Page, selector: str) -> float:
    box = page.locator(selector).bounding_box()
    assert box, f"{selector} is not shown"
    return box["y"] + box["height"]


@pytest.mark.parametrize("size", list(SCREENS))
@pytest.mark.parametrize("view", ["owner", "visitor"])
def test_the_first_screen_shows_the_result_its_reasons_and_the_share_actions(
    open_page: Callable[..., Page], view: str, size: str
) -> None:
    page, _ = open_view(open_page, view, size)
    headline = page.locator("h1")
    expect(headline).to_contain_text("Your best fit:" if view == "owner" else "Their best fit:")
    reasons = page.locator("ol.reasons > li")
    expect(reasons).to_have_count(3)
    expect(page.get_by_role("button", name="Copy link")).to_be_visible()
    expect(page.get_by_role("button", name="Print or save as PDF")).to_be_visible()

    limit = FIRST_SCREEN[size]
    parts = ["h1", "svg.chart", "ol.reasons", "#share-link", "[data-copy-button]"]
    parts += [f".share-links a:text-is('{site}')" for site in SHARE_SITES]
    if view == "visitor":
        parts.append(".result-hero .take-own .button")
    assert page.evaluate("window.scrollY") == 0
    page.screenshot(path=f"/tmp/result-{view}-{size}.png")
    for part in parts:
        assert bottom(page, part) <= limit, f"{part} ends at {bottom(page, part)} px, past {limit}"


@pytest.mark.parametrize("view", ["owner", "visitor"])
def test_the_detail_is_closed_and_the_closed_page_is_at_most_2500_px_tall(
    open_page: Callable[..., Page], view: str
) -> None:
    page, _ = open_view(open_page, view)
    headings = page.locator("details > summary > h2").evaluate_all("hs => hs.map(h => h.id)")
    assert headings == SECTIONS[view]
    assert page.locator("details[open]").count() == 0
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= MOST_CLOSED_HEIGHT, f"the closed page is {height} px tall"
    page.screenshot(path=f"/tmp/result-{view}-closed-full.png", full_page=True)

    # each section opens with a click on its heading, without a script of ours
    for heading in SECTIONS[view]:
        page.locator(f"#{heading}").click()
    assert page.locator("details[open]").count() == len(SECTIONS[view])
    page.screenshot(path=f"/tmp/result-{view}-open-full.png", full_page=True)


def test_sections_open_without_javascript_and_script_buttons_stay_hidden(
    open_page: Callable[..., Page],
) -> None:
    page, _ = open_view(open_page, "visitor", java_script_enabled=False)
    for name in ("Copy link", "Share…", "Print or save as PDF"):
        expect(page.get_by_role("button", name=name)).to_be_hidden()
    for site in SHARE_SITES:
        expect(
            page.locator(".share-links").get_by_role("link", name=site, exact=True)
        ).to_be_visible()
    page.locator("#why-heading").click()
    expect(page.locator(".why-role").first).to_be_visible()


def test_the_share_button_appears_only_where_the_browser_can_share(
    open_page: Callable[..., Page],
) -> None:
    page, url = open_view(open_page, "visitor")
    assert page.evaluate("typeof navigator.share") == "undefined"
    expect(page.get_by_role("button", name="Share…")).to_be_hidden()

    sharing = open_page()
    sharing.add_init_script(
        "navigator.share = (data) => { window.shared = data; return Promise.resolve(); };"
    )
    sharing.goto(url)
    button = sharing.get_by_role("button", name="Share…")
    expect(button).to_be_visible()
    button.click()
    shared = sharing.evaluate("window.shared")
    assert shared["url"] == url
    assert shared["title"] == sharing.title()
    assert shared["title"].startswith("Their best fit: ")
    assert re.fullmatch(
        r"Their best fit is .+ \(\d+%\)\. Which AI or data role fits you\?", shared["text"]
    )


@pytest.mark.parametrize("view", ["owner", "visitor"])
def test_the_copy_button_copies_the_link(
    open_page: Callable[..., Page], live_server: str, view: str
) -> None:
    page, url = open_view(open_page, view)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    page.get_by_role("button", name="Copy link").click()
    expect(page.locator("[data-copy-status]")).to_have_text("Link copied.")
    assert page.evaluate("navigator.clipboard.readText()") == url


def test_the_print_button_prints_and_opens_every_section_while_printing(
    open_page: Callable[..., Page],
) -> None:
    page, _ = open_view(open_page, "owner")
    page.evaluate("() => { window.print = () => { window.printed = (window.printed || 0) + 1; }; }")
    page.get_by_role("button", name="Print or save as PDF").click()
    assert page.evaluate("window.printed") == 1

    # the script opens the closed sections for printing and closes them again afterwards
    page.locator("#why-heading").click()  # one the reader opened stays open
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.locator("details:not([open])").count() == 0
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert page.locator("details[open]").evaluate_all("ds => ds.length") == 1
    expect(page.locator("details[open] #why-heading")).to_have_count(1)


def pdf_pages(pdf: bytes) -> int:
    """Count the page objects of a PDF (``/Type /Page``, never the ``/Pages`` tree)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def section_texts(page: Page, view: str) -> dict[str, str]:
    """Return each section's opening words from its content, as the screen has them."""
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    texts = {}
    for heading in SECTIONS[view]:
        if heading == "work-now-heading":
            continue  # a question, not part of the result: printing leaves it out
        content = page.locator(f"section[aria-labelledby='{heading}'] details > :not(summary)")
        texts[heading] = " ".join(content.first.inner_text().split())[:60]
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = false)")
    return texts


@pytest.mark.parametrize("javascript", [True, False], ids=["with script", "without script"])
@pytest.mark.parametrize("view", ["owner", "visitor"])
def test_printing_gives_every_section_on_at_most_three_a4_pages_without_controls(
    open_page: Callable[..., Page], view: str, javascript: bool
) -> None:
    # without the script (or with Ctrl+P, which may not wait for it) the stylesheet opens
    # the closed sections by itself
    page, url = open_view(open_page, view, java_script_enabled=javascript)
    expected = section_texts(page, view)
    assert page.locator("details[open]").count() == 0

    page.emulate_media(media="print")
    pdf = page.pdf(format="A4")
    assert 1 <= pdf_pages(pdf) <= MOST_PRINTED_PAGES, f"{pdf_pages(pdf)} pages"

    printed = " ".join(page.locator("body").inner_text().split())
    for heading, text in expected.items():
        assert text in printed, f"the printout lacks the {heading} section: {text!r}"
        assert page.locator(f"#{heading}").is_visible()
    assert f"This result online: {url}" in printed
    for control in ("button", "form", "input", ".share-links a", ".take-own a"):
        shown = page.locator(control).evaluate_all(
            "els => els.filter(el => el.checkVisibility()).map(el => el.outerHTML.slice(0, 80))"
        )
        assert shown == [], f"printed controls: {shown}"


def quality_problems(page: Page, html: str, axe_script: Path, vnu_command: list[str]) -> list[str]:
    """Return the Nu checker's errors in ``html`` and axe-core's violations on the page."""
    report = subprocess.run(vnu_command, input=html.encode(), capture_output=True, timeout=120)
    assert report.stdout, f"the Nu HTML checker did not run: {report.stderr.decode()}"
    found = [
        f"Nu, line {m.get('lastLine', '?')}: {m['message']}"
        for m in json.loads(report.stdout)["messages"]
        if m.get("type") in ("error", "non-document-error")
    ]
    page.add_script_tag(path=axe_script)
    return found + page.evaluate(
        "async () => (await axe.run()).violations.map(v => 'axe ' + v.id + ': ' + "
        "v.nodes.map(n => n.html).join(' | '))"
    )


@pytest.mark.parametrize("view", ["owner", "visitor"])
def test_both_views_pass_axe_and_the_nu_checker_closed_and_open(
    open_page: Callable[..., Page], axe_script: Path, vnu_command: list[str], view: str
) -> None:
    page, url = open_view(open_page, view, bypass_csp=True)
    html = page.content()
    assert quality_problems(page, html, axe_script, vnu_command) == []
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    assert page.evaluate("axe.run().then(r => r.violations.map(v => v.id))") == []


MAX_PAGE_BYTES = 60 * 1024


@pytest.mark.parametrize("locale", ["en-GB", "de-DE"])
def test_the_owners_heaviest_view_weighs_under_60_kb(
    open_page: Callable[..., Page], locale: str
) -> None:
    # the first view after the quiz carries the most: the delete link and the work question
    page = open_page(locale=locale)
    page.route("**/*", lambda route: route.continue_())  # routing turns the cache off
    responses = []
    page.on("response", lambda response: responses.append(response))
    finish_quiz_in_this_browser(page)
    page.wait_for_load_state("networkidle")
    expect(page.locator("#delete-link")).to_be_attached()

    sizes = {r.url: len(r.body()) for r in responses if r.request.resource_type != "fetch"}
    assert any(urlsplit(url).path.endswith(".css") for url in sizes), "no stylesheet counted"
    assert sum(sizes.values()) < MAX_PAGE_BYTES, sizes
