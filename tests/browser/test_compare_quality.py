"""The compare page and its refusal page pass axe-core and the Nu HTML checker, stay light and
local, fit a 360 px screen, and work by keyboard without JavaScript.

Console errors and requests to other origins fail any test here through ``open_page``.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from helpers import QuizTaker
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

NARROW = 360
MAX_PAGE_BYTES = 60 * 1024
PAGES = ("compare", "refused-link", "refused-name")


@dataclass(frozen=True)
class Pair:
    mine: str  # share tokens
    friend: str

    @property
    def compare_path(self) -> str:
        return "/compare/{}/{}".format(*sorted((self.mine, self.friend)))

    @property
    def refused_path(self) -> str:
        return f"/compare?mine={self.mine}&friend=not+a+link"

    @property
    def refused_name_path(self) -> str:
        return self.compare_path + "?name=" + "x" * 41


@pytest.fixture
def pair(live_app: Flask, live_server: str) -> Pair:
    """Two results, taken with different answers, in the live server's database."""

    def take(pick: Callable[[int], int]) -> str:
        taker = QuizTaker(live_app.test_client())
        chosen = taker.finish(lambda name, values: values[pick(len(values))])
        return chosen.rsplit("/", 1)[1]

    return Pair(mine=take(lambda n: 0), friend=take(lambda n: n - 1))


def path_of(name: str, pair: Pair) -> str:
    paths = {
        "compare": pair.compare_path,
        "refused-link": pair.refused_path,
        "refused-name": pair.refused_name_path,
    }
    return paths[name]


def status_of(name: str) -> int:
    return 200 if name == "compare" else 400


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_axe_violations(
    open_page: Callable[..., Page], axe_script: Path, pair: Pair, name: str
) -> None:
    page = open_page(bypass_csp=True)  # a content security policy may refuse injected scripts
    if name != "compare":
        page.watch.expect_console_error(r"status of 400")  # the refusal this test asks for
    document = page.goto(path_of(name, pair))
    assert document is not None and document.status == status_of(name)
    page.add_script_tag(path=axe_script)

    violations = page.evaluate(
        """async () => (await axe.run()).violations.map(v => ({
            id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')),
        }))"""
    )

    assert not violations, f"axe-core on the {name} page: {violations}"


@pytest.mark.parametrize("name", PAGES)
def test_page_html_is_valid(page: Page, vnu_command: list[str], pair: Pair, name: str) -> None:
    if name != "compare":
        page.watch.expect_console_error(r"status of 400")
    document = page.goto(path_of(name, pair))
    assert document is not None and document.status == status_of(name)

    # the checker refuses loopback URLs, so the served document goes in on stdin
    checked = subprocess.run(vnu_command, input=document.body(), capture_output=True, timeout=120)

    assert checked.stdout, f"the Nu HTML checker did not run: {checked.stderr.decode()}"
    errors = [
        f"  line {m.get('lastLine', '?')}: {m['message']}"
        for m in json.loads(checked.stdout)["messages"]
        if m.get("type") in ("error", "non-document-error")
    ]
    assert not errors, f"Nu HTML checker on the {name} page:\n" + "\n".join(errors)


def test_compare_page_weighs_under_60_kb_and_loads_only_from_this_server(
    page: Page, live_server: str, pair: Pair
) -> None:
    page.route("**/*", lambda route: route.continue_())  # routing turns the cache off
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(pair.compare_path)
    page.wait_for_load_state("networkidle")

    sizes = {r.url: len(r.body()) for r in responses}
    assert sum(sizes.values()) < MAX_PAGE_BYTES, sizes
    origins = {f"{urlsplit(r.url).scheme}://{urlsplit(r.url).netloc}" for r in responses}
    assert origins == {live_server}


@pytest.mark.parametrize("name", PAGES)
def test_page_fits_a_360_px_screen(open_page: Callable[..., Page], pair: Pair, name: str) -> None:
    page = open_page(viewport={"width": NARROW, "height": 800})
    if name != "compare":
        page.watch.expect_console_error(r"status of 400")
    page.goto(path_of(name, pair))

    # wide tables scroll inside their own region; the page itself must not
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW
    for region in page.locator(".table-scroll").all():
        expect(region).to_have_attribute("tabindex", "0")  # reachable to scroll by keyboard


def test_a_refused_link_is_fixed_and_sent_by_keyboard_without_javascript(
    open_page: Callable[..., Page], live_server: str, pair: Pair
) -> None:
    page = open_page(java_script_enabled=False)
    page.watch.expect_console_error(r"status of 400")
    page.goto(pair.refused_path)
    box = page.get_by_label("Your friend's result link")
    expect(box).to_have_value("not a link")
    expect(box).to_have_accessible_description(
        "That doesn't look like a link to a result on this site. Paste the whole link your "
        "friend shared: it ends in /r/ and a long run of letters and digits."
    )

    for _ in range(20):  # the skip link, the brand, then the box
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "friend":
            break
    else:
        pytest.fail("Tab never reached the link box")
    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type(f"{live_server}/r/{pair.friend}")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert urlsplit(page.url).path == pair.compare_path
    expect(page.get_by_role("heading", level=1)).to_have_text("Two results side by side")
    expect(page.locator(".reading li").first).to_be_visible()
