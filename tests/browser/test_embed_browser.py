"""The quiz framed by another site, in real Chromium: it runs to a result where the site is allowed,
the frame's height follows its content, and Chromium refuses the frame where it is not.

The host page is served by a small server of its own on 127.0.0.1 at another port: another
port is another origin, so the frame is a cross-origin one, as on a real site. Its HTML is
the snippet the admin page hands out.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from flask import Flask, request
from playwright.sync_api import Frame, Page, expect
from sqlalchemy import func, select

from quiz.admin.embedding import SNIPPET_HEIGHT, host_snippet
from quiz.db import db
from quiz.models import Result

pytestmark = pytest.mark.browser

HOST_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A host site</title></head>
<body><h1>A blog post about careers</h1>
{snippet}
</body></html>
"""


class HostSite:
    """A page of another site (another port of 127.0.0.1) that frames the quiz."""

    def __init__(self) -> None:
        self.html = ""
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802  (the name http.server calls)
                body = site.html.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_port}"

    def frame(self, app: Flask, src: str) -> None:
        """Serve the admin's snippet framing ``src`` as the host page."""
        with app.test_request_context():
            self.html = HOST_PAGE.format(snippet=host_snippet(src, "Career Fit quiz"))


@pytest.fixture
def host_site() -> Iterator[HostSite]:
    site = HostSite()
    thread = threading.Thread(target=site.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        site.server.shutdown()
        site.server.server_close()
        thread.join(timeout=5)


def career_fit_frame(page: Page) -> Frame:
    frame = page.frame_locator("iframe[data-careerfit-embed]")
    expect(frame.locator("h1")).to_be_visible()
    return next(f for f in page.frames if f != page.main_frame)


def frame_height(page: Page) -> float:
    return page.locator("iframe[data-careerfit-embed]").evaluate(
        "frame => frame.getBoundingClientRect().height"
    )


def test_an_allowed_site_frames_the_quiz_through_to_a_result_and_the_frame_fits_its_content(
    page: Page, live_app: Flask, live_server: str, host_site: HostSite
) -> None:
    live_app.config["EMBED_ALLOWED_ORIGINS"] = [host_site.origin]
    host_site.frame(live_app, f"{live_server}/embed/quiz")
    page.goto(host_site.origin + "/")
    frame = career_fit_frame(page)
    heights = []
    for _ in range(20):
        inner = frame.evaluate("() => document.documentElement.getBoundingClientRect().height")
        # the frame grows to its content (the quiz page is taller than the snippet's height)
        page.wait_for_function(
            "want => Math.abs(document.querySelector('iframe').getBoundingClientRect().height"
            " - want) <= 1",
            arg=inner,
        )
        heights.append(frame_height(page))
        if frame.locator("h1", has_text="Your best fit").count():
            break
        for group in frame.locator("fieldset.question").all():
            group.locator("input[type=radio]").nth(1).check()
        with frame.expect_navigation():
            frame.locator(".quiz-nav .button-primary").click()
    else:
        raise AssertionError("the framed quiz never reached a result")
    assert heights[0] > SNIPPET_HEIGHT, heights  # a page of six questions is taller
    assert len(set(heights)) > 1, heights  # and it follows each page's own height

    # the result opens in the frame, its full page in a new tab of the site itself
    full = frame.get_by_role("link", name="See the full result and why")
    assert full.get_attribute("target") == "_blank"
    with page.context.expect_page() as opened:
        full.click()
    tab = opened.value
    tab.wait_for_load_state()
    assert tab.url.startswith(f"{live_server}/r/")
    expect(tab.locator("h1")).to_contain_text("Your best fit")
    expect(tab.locator("#delete-link")).to_be_visible()


def test_a_site_not_allowed_gets_no_career_fit_content_in_its_frame(
    page: Page, live_app: Flask, live_server: str, host_site: HostSite
) -> None:
    live_app.config["EMBED_ALLOWED_ORIGINS"] = ["https://someone-else.example"]
    host_site.frame(live_app, f"{live_server}/embed/quiz")
    page.watch.expect_console_error(r"frame-ancestors https://someone-else\.example")
    messages = []
    page.on("console", lambda message: messages.append(message.text))
    page.goto(host_site.origin + "/")
    page.wait_for_load_state("load")
    expect(page.locator("h1")).to_have_text("A blog post about careers")
    frame = next(f for f in page.frames if f != page.main_frame)
    page.wait_for_timeout(300)
    # Chromium shows its own error page in place of the quiz: none of the quiz is there
    assert not frame.url.startswith(live_server), frame.url
    assert "Career Fit" not in frame.content()
    assert frame.locator("form").count() == 0
    assert any("frame-ancestors" in m and "blocked" in m for m in messages), messages
    # the one request that failed is the frame's, refused for its response's policy
    blocked = page.watch.failed_requests  # type: ignore[attr-defined]
    assert blocked == [f"GET {live_server}/embed/quiz: net::ERR_BLOCKED_BY_RESPONSE"], blocked
    blocked.clear()
    # and no height ever came from the refused frame
    assert frame_height(page) == SNIPPET_HEIGHT


def test_without_javascript_the_frame_keeps_its_height_scrolls_and_the_quiz_still_runs(
    open_page, live_app: Flask, live_server: str, host_site: HostSite
) -> None:
    page = open_page(java_script_enabled=False)
    live_app.config["EMBED_ALLOWED_ORIGINS"] = [host_site.origin]
    host_site.frame(live_app, f"{live_server}/embed/quiz")
    page.goto(host_site.origin + "/")
    frame = career_fit_frame(page)
    expect(frame.locator("h1")).to_contain_text("Questions 1–")
    # nothing tells the host the height: the frame keeps the snippet's, its page scrolls inside
    assert frame_height(page) == SNIPPET_HEIGHT
    scrolling = frame.evaluate("() => document.documentElement.scrollHeight")
    assert scrolling > SNIPPET_HEIGHT
    for group in frame.locator("fieldset.question").all():
        group.locator("input[type=radio]").nth(0).check()
    with frame.expect_navigation():
        frame.locator(".quiz-nav .button-primary").click()
    expect(frame.locator("h1")).to_contain_text("Questions 7–")
    assert frame_height(page) == SNIPPET_HEIGHT


def test_clicking_the_last_page_twice_in_the_frame_stores_one_result(
    page: Page, live_app: Flask, live_server: str, host_site: HostSite
) -> None:
    live_app.config["EMBED_ALLOWED_ORIGINS"] = [host_site.origin]
    # the last page's answer is slow, so the second click comes while the first is on its way
    finishing = {"slow": False, "received": 0}
    first_arrived = threading.Event()

    @live_app.before_request
    def slow_last_answer() -> None:
        if finishing["slow"] and request.method == "POST":
            finishing["received"] += 1
            first_arrived.set()
            time.sleep(0.5)

    host_site.frame(live_app, f"{live_server}/embed/quiz")
    page.goto(host_site.origin + "/")
    frame = career_fit_frame(page)
    for _ in range(20):
        for group in frame.locator("fieldset.question").all():
            group.locator("input[type=radio]").nth(1).check()
        button = frame.locator(".quiz-nav .button-primary")
        if button.get_attribute("value") == "See my result":
            break
        with frame.expect_navigation():
            button.click()
    else:
        raise AssertionError("the framed quiz never reached its last page")

    finishing["slow"] = True
    button.click(no_wait_after=True)
    assert first_arrived.wait(10)
    button.click(no_wait_after=True)
    expect(frame.locator("h1")).to_contain_text("Your best fit")
    assert finishing["received"] == 2
    with live_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Result)) == 1
