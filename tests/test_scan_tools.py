"""The security scan's own tools, against the real admin pages through the Flask test client.

bench/scan.py reads every admin form and its CSRF token off the page that shows it, sends each
once with that token (it must reach the handler) and once with a wrong one (it must be refused),
and later counts in the access log how many of the scanners' POSTs got through. These tests run
those pieces on the real app, without gunicorn or any scanner.
"""

from __future__ import annotations

import urllib.parse

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import create_admin, sign_in

from bench.scan import (
    ADMIN_FORM_PAGES,
    AdminPages,
    admin_pages,
    admin_post_counts,
    find_admin_forms,
    multipart_body,
    probe_admin_forms,
    read_forms,
    sign_out,
    sqlmap_admin_target,
)

BASE = "http://localhost"


class ClientBrowser:
    """The scan's Browser, spoken through the Flask test client instead of HTTP."""

    base = BASE

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def get(self, path: str) -> tuple[int, str]:
        response = self.client.get(urllib.parse.urlsplit(urllib.parse.urljoin(BASE, path)).path)
        return self._answer(response)

    def send(self, path: str, body: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
        headers = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
        target = urllib.parse.urlsplit(urllib.parse.urljoin(BASE, path)).path
        response = self.client.post(target, data=body.encode(), headers=headers)
        return self._answer(response)

    @staticmethod
    def _answer(response) -> tuple[int, str]:
        if 300 <= response.status_code < 400:
            return response.status_code, response.headers.get("Location", "")
        return response.status_code, response.get_data(as_text=True)


@pytest.fixture
def browser(app: Flask) -> ClientBrowser:
    create_admin(app)
    client = app.test_client()
    assert sign_in(client).status_code == 302
    return ClientBrowser(client)


def test_every_admin_form_is_found_with_a_token_that_reaches_its_handler(
    browser: ClientBrowser,
) -> None:
    pages = admin_pages(browser)
    forms = find_admin_forms(browser, pages)

    assert set(forms) == {*ADMIN_FORM_PAGES, "choice-edit"}
    for name, admin in forms.items():
        if name == "analytics-filter":
            assert admin.form.method == "GET"
            continue
        assert admin.form.method == "POST", name
        assert admin.form.csrf_token, name
    assert forms["bank-import"].form.files == ["bank_file"]
    # a choice question's options are rows of its own form
    assert "options-0-label" in dict(forms["choice-edit"].form.fields)
    # the question's text as a browser would send it back: the textarea's opening line
    # break is not part of it
    prompt = dict(forms["question-edit"].form.fields)["prompt"]
    assert prompt and not prompt.startswith(("\r", "\n")), prompt

    probe = probe_admin_forms(browser, forms)

    # with the page's token each form got past the CSRF check to its handler ...
    assert all(status != 400 for status in probe.reached.values()), probe.reached
    # ... and with a wrong one each was refused with the "form expired" page
    assert set(probe.refused) == {n for n, a in forms.items() if a.form.method == "POST"}
    assert all(status == 400 for status in probe.refused.values()), probe.refused
    assert probe.refusal_sizes


def test_a_token_read_off_a_page_is_accepted_and_a_wrong_one_is_not(
    browser: ClientBrowser,
) -> None:
    pages = admin_pages(browser)
    page = f"/admin/roles/{pages.first['roles']}"
    forms = read_forms(browser.get(page)[1], BASE + page)
    [form] = [f for f in forms if "/sign-out" not in f.action]
    assert form.csrf_token

    wrong = [(n, "x" if n == "csrf_token" else v) for n, v in form.fields]
    status, page_text = browser.send(form.action, urllib.parse.urlencode(wrong))
    assert status == 400
    assert "This form expired" in page_text

    status, _ = browser.send(form.action, form.body())
    assert status in (200, 302, 409, 422)


def test_the_bank_upload_reaches_the_import_as_multipart_with_the_pages_token(
    browser: ClientBrowser,
) -> None:
    forms = find_admin_forms(browser, admin_pages(browser))
    bank = forms["bank-import"].form
    body = multipart_body(bank, '{"questions": []}')
    boundary = body.split("\r\n", 1)[0].removeprefix("--")
    status, page = browser.send(
        bank.action, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    )
    # the import code read the file and refused it as a bank: the draft is untouched
    assert status == 422, page[:500]
    url, arguments = sqlmap_admin_target(forms["bank-import"], "session=x")
    assert url == bank.action and "--data" in arguments


def test_the_access_log_tells_reached_from_refused_for_the_token(
    browser: ClientBrowser,
) -> None:
    forms = find_admin_forms(browser, admin_pages(browser))
    probe = probe_admin_forms(browser, forms)
    # the real "form expired" pages at two paths the probe never sent a wrong token to
    status, page = browser.send("/admin/roles/new", "csrf_token=wrong")
    assert status == 400
    expired = len(page.encode())
    status, page = browser.send("/admin/questions/12345", "csrf_token=wrong")
    assert status == 400
    expired_long = len(page.encode())
    agent = "sqlmap/1.7.2#stable (https://sqlmap.org)"
    firefox = "Mozilla/5.0 (Windows NT 6.1; rv:45.0) Gecko/20100101 Firefox/45.0"
    lines = [
        f'127.0.0.1 [t] "POST /admin/roles/new HTTP/1.1" 422 9000 "{agent}" "-"',
        f'127.0.0.1 [t] "POST /admin/roles/new HTTP/1.1" 400 {expired} "{agent}" "-"',
        f'127.0.0.1 [t] "POST /admin/roles/new HTTP/1.1" 400 {expired + 7} "{agent}" "-"',
        f'127.0.0.1 [t] "POST /admin/questions/3 HTTP/1.1" 302 0 "{firefox}" "/admin/questions"',
        f'127.0.0.1 [t] "POST /admin/questions/12345 HTTP/1.1" 400 {expired_long} "{firefox}" "-"',
        f'127.0.0.1 [t] "POST /admin/dimensions/new HTTP/1.1" 302 0 "{firefox}" '
        '"/admin/sign-in?next=/admin/dimensions/new"',
        f'127.0.0.1 [t] "GET /admin/roles/new HTTP/1.1" 400 {expired} "{agent}" "-"',
    ]

    counts = admin_post_counts("\n".join(lines), forms, probe)

    roles = counts[("role-new", "sqlmap")]
    assert (roles.reached, roles.refused_for_token, roles.refused_other) == (1, 1, 1)
    assert counts[("question-edit", "wapiti")].reached == 1
    assert counts[("question-edit", "wapiti")].refused_for_token == 1
    assert counts[("dimension-new", "wapiti")].signed_out == 1
    assert counts[("dimension-new", "wapiti")].reached == 0


def test_sign_out_sent_last_ends_the_session(browser: ClientBrowser) -> None:
    assert sign_out(browser)
    status, location = browser.get("/admin/")
    assert status == 302 and "/admin/sign-in" in location


def test_admin_pages_lists_the_first_of_each_kind(browser: ClientBrowser) -> None:
    pages = admin_pages(browser)
    assert isinstance(pages, AdminPages)
    assert set(pages.first) == {"questions", "roles", "dimensions"}
