"""Chromium gets the pages, styles and scripts compressed, and reads them: styled and working."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, Response

pytestmark = pytest.mark.browser


def test_chromium_gets_the_page_its_css_and_js_with_brotli_and_shows_them(
    open_page: Callable[..., Page], live_server: str
) -> None:
    page = open_page()
    responses: list[Response] = []
    page.on("response", lambda response: responses.append(response))
    page.goto(f"{live_server}/quiz/1")
    page.wait_for_load_state("load")

    encodings = {
        response.url.split("?")[0].removeprefix(live_server): response.headers.get(
            "content-encoding"
        )
        for response in responses
    }
    assert encodings["/quiz/1"] == "br"
    assert encodings["/static/css/site.css"] == "br"
    assert encodings["/static/js/quiz.js"] == "br"
    # the stylesheet was decoded and applied: its rules are there and the page is styled
    rules = page.evaluate(
        "() => [...document.styleSheets].reduce((n, sheet) => n + sheet.cssRules.length, 0)"
    )
    assert rules > 50
    font = page.evaluate("() => getComputedStyle(document.body).fontFamily")
    assert font.startswith("system-ui")  # site.css's, not the browser's default
    assert page.locator("form input[name=csrf_token]").count() == 1
