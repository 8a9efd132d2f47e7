"""Browser fixtures: a live server on 127.0.0.1, Debian's headless Chromium, and watched pages.

Every page a test opens is watched: a console error, an uncaught script error, a failed request or
a request to any host but 127.0.0.1 fails the test when its page is closed. The browser itself may
not look anything up outside this machine (``--host-resolver-rules``).

Missing tools skip these tests on a workstation and fail them under CI (``CI=true``): a missing
browser must never turn a CI run green.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urljoin, urlsplit

import pytest
from flask import Flask
from helpers import create_admin, csrf_token, page_options
from werkzeug.serving import WSGIRequestHandler, make_server

from quiz import create_app

if TYPE_CHECKING:  # Playwright is imported at run time only where a missing one can be reported
    from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Request

CHROMIUM = Path("/usr/bin/chromium")
REPO_ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = REPO_ROOT / "node_modules"
AXE_SCRIPT = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
LOOPBACK = "127.0.0.1"

# Every flag from shared/TOOLS.md. Playwright gives each launch a fresh --user-data-dir of its own
# (it refuses one in ``args``) and every context starts with no cookies or storage.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # the last one stops Chromium's own look-ups of outside hosts
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
]


def require(available: bool, message: str) -> None:
    """Skip when a tool is missing, except under CI, where a missing tool fails the run."""
    if available:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """The axe-core script that test pages inject."""
    require(AXE_SCRIPT.is_file(), "axe-core not installed: npm ci --no-audit --no-fund")
    return AXE_SCRIPT


@pytest.fixture(scope="session")
def vnu_command() -> list[str]:
    """The Nu HTML checker, reading one document on stdin and writing JSON to stdout."""
    java = shutil.which("java")
    require(java is not None, "Java not installed (the Nu HTML checker needs Java 17 or newer)")
    require(VNU_JAR.is_file(), "vnu-jar not installed: npm ci --no-audit --no-fund")
    return [str(java), "-jar", str(VNU_JAR), "--stdout", "--format", "json", "-"]


class QuietRequestHandler(WSGIRequestHandler):
    """Keep the access log out of test output (errors are still logged); drop idle connections.

    The timeout guards teardown: closing the server waits for every request thread, and a
    keep-alive connection left open would otherwise hold its thread for good.
    """

    timeout = 5

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@pytest.fixture
def live_app(tmp_path: Path) -> Flask:
    """The app on its own fresh SQLite file, seeded with the default bank, CSRF on."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "browser-test-secret-key",
            "WTF_CSRF_ENABLED": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'career_fit.sqlite3'}",
        }
    )


@pytest.fixture
def live_server(live_app: Flask) -> Iterator[str]:
    """Serve the app on a free port of 127.0.0.1 and yield its base URL (no trailing slash)."""
    server = make_server(LOOPBACK, 0, live_app, threaded=True, request_handler=QuietRequestHandler)
    live_app.config["PUBLIC_URL"] = f"http://{LOOPBACK}:{server.server_port}"  # its share links
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="live-server", daemon=True
    )
    thread.start()
    try:
        yield f"http://{LOOPBACK}:{server.server_port}"
    finally:
        server.shutdown()
        # Closes the listening socket and waits for request threads; pages are closed by now, so
        # Chromium has dropped its keep-alive connections and every thread ends.
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium for the session, its temp folders in a folder removed afterwards."""
    require(CHROMIUM.exists(), "Chromium not installed: apt-get install chromium chromium-driver")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "Playwright not installed: pip install -e '.[test]'")
        raise

    # Chromium and Playwright's driver leave folders in TMPDIR, so they get one of their own.
    chromium_tmp = short_temp_dir()
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("TMPDIR", chromium_tmp)
            with sync_playwright() as playwright:
                chromium = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
                )
                try:
                    yield chromium
                finally:
                    chromium.close()
    finally:
        shutil.rmtree(chromium_tmp, ignore_errors=True)


# Chromium puts a Unix socket at <TMPDIR>/org.chromium.Chromium.XXXXXX/SingletonSocket and aborts
# ("Socket path too long") when that passes the 107-byte limit of such paths.
SOCKET_PATH_LIMIT = 107
SOCKET_PATH_TAIL = len("/org.chromium.Chromium.XXXXXX/SingletonSocket")


def short_temp_dir() -> str:
    """Make a temp folder in TMPDIR, or in /tmp when TMPDIR is too deep for Chromium's socket."""
    path = tempfile.mkdtemp(prefix="chromium-")
    if len(path) + SOCKET_PATH_TAIL <= SOCKET_PATH_LIMIT:
        return path
    os.rmdir(path)
    return tempfile.mkdtemp(prefix="chromium-", dir="/tmp")


@dataclass
class PageWatch:
    """What went wrong while a page was open, gathered from the browser's own events."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    expected_console_errors: list[re.Pattern[str]] = field(default_factory=list)

    def expect_console_error(self, pattern: str) -> None:
        """Allow one kind of console error, such as the 404 a test asks for on purpose."""
        self.expected_console_errors.append(re.compile(pattern))

    def attach(self, page: Page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on("request", self._on_request)
        page.on("requestfailed", self._on_request_failed)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        text = f"{message.text} (at {message.location.get('url', '?')})"
        if not any(p.search(message.text) for p in self.expected_console_errors):
            self.console_errors.append(text)

    def _on_request(self, request: Request) -> None:
        if not is_local(request.url):
            self.foreign_requests.append(f"{request.method} {request.url}")

    def _on_request_failed(self, request: Request) -> None:
        reason = request.failure or "unknown"
        # A navigation replaced by the next one (a form sent twice, a click during a load) is
        # aborted by design; anything else is a real failure.
        if "ERR_ABORTED" not in reason:
            self.failed_requests.append(f"{request.method} {request.url}: {reason}")

    def problems(self) -> list[str]:
        found = []
        for title, items in (
            ("console errors", self.console_errors),
            ("uncaught page errors", self.page_errors),
            ("failed requests", self.failed_requests),
            (f"requests to another origin than {LOOPBACK}", self.foreign_requests),
        ):
            if items:
                found.append(f"{title}:\n  " + "\n  ".join(items))
        return found


def is_local(url: str) -> bool:
    """Tell whether a request stays on this machine (inline data: and blob: URLs do)."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.scheme in ("http", "https", "ws", "wss") and parts.hostname == LOOPBACK


@dataclass
class OpenedPage:
    context: BrowserContext
    watch: PageWatch


@pytest.fixture
def open_page(browser: Browser, live_server: str) -> Iterator[Callable[..., Page]]:
    """Open a page in a brand-new context (a fresh profile: no cookies, no storage).

    Keyword arguments go to ``browser.new_context``; relative URLs resolve against the live
    server. Each page is closed after the test, and the test fails if anything went wrong while
    it was open; ``page.watch.expect_console_error(pattern)`` allows an error the test causes.
    """
    opened: list[OpenedPage] = []

    def open_new(**context_options: Any) -> Page:
        options = {"base_url": live_server, "viewport": {"width": 1280, "height": 800}}
        options.update(context_options)
        context = browser.new_context(**options)
        context.set_default_timeout(5_000)
        watch = PageWatch()
        page = context.new_page()
        watch.attach(page)
        page.watch = watch  # type: ignore[attr-defined]  # for expect_console_error
        opened.append(OpenedPage(context, watch))
        return page

    yield open_new

    problems = []
    for item in opened:
        item.context.close()
        problems.extend(item.watch.problems())
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.fixture
def page(open_page: Callable[..., Page]) -> Page:
    """A page 1280 px wide in a fresh context, with JavaScript on."""
    return open_page()


class FormReader(HTMLParser):
    """Read the quiz form on a page: its action, CSRF token and each question's option values."""

    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.csrf_token = ""
        self.options: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.action = found.get("action", "")
        elif tag == "input" and found.get("name") == "csrf_token":
            self.csrf_token = found.get("value", "")
        elif tag == "input" and found.get("type") == "radio":
            self.options.setdefault(found["name"], []).append(found["value"])


def finish_quiz_over_http(base_url: str) -> str:
    """Answer every question over plain HTTP (own cookies, no browser); return the result URL.

    For tests whose subject is the result page rather than taking the quiz: about 0.2 s instead
    of several seconds of clicking.
    """
    opener = urllib.request.build_opener(
        urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(CookieJar())
    )
    url = f"{base_url}/quiz/1"
    with opener.open(url, timeout=10) as response:
        html = response.read().decode()
    for _ in range(50):
        form = FormReader()
        form.feed(html)
        # vary the answers, so the ranking is not a tie built from identical choices
        answers = {
            name: values[i % len(values)] for i, (name, values) in enumerate(form.options.items())
        }
        data = urlencode({"csrf_token": form.csrf_token, "forward": "Next", **answers}).encode()
        with opener.open(urljoin(url, form.action), data=data, timeout=10) as response:
            url, html = response.url, response.read().decode()
        if "/r/" in url:
            return url
    raise AssertionError(f"the quiz never reached a result page; last page: {url}")


def finish_quiz_in_this_browser(page: Page) -> str:
    """Answer every quiz page with this browser's own cookies, open the result, return its URL.

    Sending the pages with the context's cookies makes this browser the result's owner.
    """
    url = "/quiz/1"
    for _ in range(50):
        html = page.request.get(url).text()
        options = page_options(html)
        answers = {
            name: values[i % len(values)] for i, (name, values) in enumerate(options.items())
        }
        sent = page.request.post(
            url,
            form={"csrf_token": csrf_token(html), "forward": "Next", **answers},
            max_redirects=0,
        )
        assert sent.status == 302, sent.text()[:2000]
        url = sent.headers["location"]
        if "/r/" in url:
            page.goto(url)
            return page.url
    raise AssertionError("the quiz never reached a result page")


@pytest.fixture
def result_url(live_server: str) -> str:
    """The share URL of a freshly stored result."""
    return finish_quiz_over_http(live_server)


@pytest.fixture
def admin_account(live_app: Flask) -> None:
    """Add an owner (helpers.ADMIN_EMAIL, ADMIN_PASSWORD) to the live server's database."""
    create_admin(live_app)
