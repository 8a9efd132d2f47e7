"""Helpers for tests: read forms off real pages and take the quiz like a browser would."""

from __future__ import annotations

import ast
import dataclasses
import re
import time
from datetime import UTC, datetime
from html.parser import HTMLParser
from urllib.parse import urlsplit

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash

from quiz import PACKAGE_DIR
from quiz.core.bank import load_bank_file
from quiz.core.result_page import ResultPage, ShownFit
from quiz.db import db
from quiz.models import Admin

CSRF_PATTERN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
DELETE_LINK_PATTERN = re.compile(r'id="delete-link" type="text" readonly value="([^"]+)"')
OPTION_PATTERN = re.compile(r'<input[^>]*name="(q-[^"]+)"[^>]*value="([^"]+)"')


def csrf_token(html: str) -> str:
    """Return the CSRF token of the form on a page."""
    match = CSRF_PATTERN.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def page_options(html: str) -> dict[str, list[str]]:
    """Return every question field on a quiz page with its option values, in page order."""
    options: dict[str, list[str]] = {}
    for name, value in OPTION_PATTERN.findall(html):
        options.setdefault(name, []).append(value)
    return options


class QuizTaker:
    """Take the quiz through the test client the way a browser would: real pages, real tokens."""

    def __init__(self, client: FlaskClient):
        self.client = client

    def open(self, page: int = 1) -> str:
        response = self.client.get(f"/quiz/{page}")
        assert response.status_code == 200, response.status_code
        return response.get_data(as_text=True)

    def submit(self, page: int, answers: dict[str, str], button: str = "forward"):
        html = self.open(page)
        data = {"csrf_token": csrf_token(html), button: "x", **answers}
        return self.client.post(f"/quiz/{page}", data=data)

    def answer_every_page(self, choose=lambda name, values: values[0]) -> str:
        """Answer every page with ``choose``; return the new result's URL, not yet opened."""
        page = 1
        while True:
            html = self.open(page)
            answers = {name: choose(name, values) for name, values in page_options(html).items()}
            response = self.submit(page, answers)
            assert response.status_code == 302, response.get_data(as_text=True)[:2000]
            location = response.headers["Location"]
            if "/r/" in location:
                return location
            page += 1

    def finish(self, choose=lambda name, values: values[0]) -> str:
        """Answer every page with ``choose`` and return the result URL.

        Like a person, it then opens the result once: that first view hands over the
        private delete link (kept in ``delete_url``), and every later view of the link
        is the page everyone sees.
        """
        location = self.answer_every_page(choose)
        first_view = self.client.get(location).get_data(as_text=True)
        match = DELETE_LINK_PATTERN.search(first_view)
        assert match, "the first view of a new result shows its private delete link"
        self.delete_url = match.group(1)
        return location


def finish_quiz(client: FlaskClient) -> str:
    """Answer every page and return the new result's path, not yet opened."""
    return urlsplit(QuizTaker(client).answer_every_page()).path


# Settings every test app starts from.
# Results are counted for analytics at once, rather than after the settling time.
TEST_CONFIG = {"TESTING": True, "SECRET_KEY": "test-secret-key", "ANALYTICS_SETTLE_SECONDS": 0}

ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "a long admin password"


def create_admin(
    app: Flask, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD, role: str = "owner"
) -> None:
    with app.app_context():
        # a one-round hash keeps sign-in fast in tests; the app itself hashes with scrypt
        admin = Admin(
            email=email,
            password_hash=generate_password_hash(password, "pbkdf2:sha256:1"),
            role=role,
        )
        db.session.add(admin)
        db.session.commit()


def sign_in(client: FlaskClient, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD):
    page = client.get("/admin/sign-in").get_data(as_text=True)
    return client.post(
        "/admin/sign-in",
        data={"csrf_token": csrf_token(page), "email": email, "password": password},
    )


def form_token(client: FlaskClient, url: str) -> str:
    """Return the CSRF token from the page at ``url``."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return csrf_token(response.get_data(as_text=True))


def varied(name: str, values: list[str]) -> str:
    """Pick a different place on each question, as a person answering honestly might."""
    return values[sum(map(ord, name)) % len(values)]


def take_quiz(client: FlaskClient, minutes: float = 10, choose=varied) -> QuizTaker:
    """Take the whole quiz as a person who started ``minutes`` ago.

    The taker's ``result_url`` and ``delete_url`` say where the result is.
    """
    taker = QuizTaker(client)
    taker.open(1)
    with client.session_transaction() as session:
        session["quiz"] = {**session["quiz"], "started": int(time.time() - minutes * 60)}
    taker.result_url = taker.finish(choose)
    return taker


def delete_result(taker: QuizTaker) -> None:
    """Follow the private delete link and confirm, as the taker would."""
    html = taker.client.get(taker.delete_url).get_data(as_text=True)
    response = taker.client.post(taker.delete_url, data={"csrf_token": csrf_token(html)})
    assert response.status_code == 200


def imports_beyond(
    source: str, forbidden_roots: set[str], allowed_quiz_modules: frozenset[str] = frozenset()
) -> list[str]:
    """Return what ``source`` imports from ``forbidden_roots`` or from quiz beyond the allowed.

    A pure module of the package passes when this is empty.
    """
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # a relative import can only reach into the quiz package
                found.append("." * node.level + (node.module or ""))
                continue
            module = node.module or ""
            # ``from quiz import models`` names the module in the alias
            names = [f"quiz.{alias.name}" for alias in node.names] if module == "quiz" else [module]
        else:
            continue
        for name in names:
            root = name.split(".")[0]
            if root in forbidden_roots or (root == "quiz" and name not in allowed_quiz_modules):
                found.append(name)
    return found


class _FormFields(HTMLParser):
    """Collect what a browser would send for the first form posting to ``action`` (no button)."""

    def __init__(self, action: str):
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = self.found = False
        self.fields: dict[str, str] = {}
        self.textarea: str | None = None
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            # a form without an action posts to its own page: ask for it with action=""
            self.inside = a.get("action", "") == self.action and not self.found
            self.found = self.found or self.inside
        elif not self.inside:
            return
        elif tag == "input" and "name" in a:
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox") and "checked" not in a:
                return
            if kind not in ("submit", "button"):
                self.fields[a["name"]] = a.get("value", "y" if kind == "checkbox" else "")
        elif tag == "textarea":
            self.textarea = a["name"]
            self.fields[self.textarea] = ""
        elif tag == "select":
            self.select = a["name"]
        elif (
            tag == "option" and self.select and ("selected" in a or self.select not in self.fields)
        ):
            self.fields[self.select] = a.get("value", "")

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.fields[self.textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self.textarea:
            # HTML drops one line break right after <textarea>
            value = self.fields[self.textarea].replace("\r\n", "\n")
            self.fields[self.textarea] = value.removeprefix("\n")
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "form":
            self.inside = False


def form_fields(html: str, action: str) -> dict[str, str]:
    """Return the fields the first form posting to ``action`` sends, as the page filled them in."""
    reader = _FormFields(action)
    reader.feed(html)
    assert reader.found, f"no form posts to {action}"
    return reader.fields


# The keywords `pybabel extract` is run with (docs/translating.md).
CATALOG_KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "N_": None,  # marks a constant for the catalog; it is translated where it is shown
    "plural_message": (1, 2),  # a plural Message from pure code (babel.cfg names it too)
}


def extracted_messages(methods: list[tuple[str, str]]) -> dict[str | tuple[str, str], str]:
    """Return every translatable message in the files ``methods`` name, with where it is.

    ``methods`` pairs a glob below the repository with its extractor, as babel.cfg does.
    """
    found: dict[str | tuple[str, str], str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(PACKAGE_DIR.parent), methods, keywords=CATALOG_KEYWORDS
    ):
        if filename.startswith("quiz/migrations"):
            continue
        found.setdefault(message, f"{filename}:{lineno}")
    return found


def translation_catalog(language: str) -> Catalog:
    """Read the written (.po) catalog of ``language``."""
    path = PACKAGE_DIR / "translations" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


class InlineCode(HTMLParser):
    """Collect what a CSP without 'unsafe-inline' would block: inline scripts, styles, handlers."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            script_url = (value or "").strip().lower().startswith("javascript:")
            if name == "style" or name.startswith("on") or script_url:
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag == "style":
            self.found.append("<style> element")
        if tag == "script":
            self._inline_script = "src" not in dict(attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._inline_script = False

    def handle_data(self, data: str) -> None:
        if self._inline_script and data.strip():
            self.found.append(f"inline <script>: {data.strip()[:80]!r}")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    parser.close()
    return parser.found


def shown_page(names_and_fits: list[tuple[str, int]]) -> ResultPage:
    """Return a result page of the default bank's roles, renamed, with these fits in order."""
    role = load_bank_file().roles[0]
    return ResultPage(
        fits=[
            ShownFit(
                role=dataclasses.replace(role, key=f"role-{rank}", name=name),
                rank=rank,
                fit=fit,
                toward=[],
                away=[],
            )
            for rank, (name, fit) in enumerate(names_and_fits, start=1)
        ],
        profile=[],
        close_call=False,
        close_call_points=5,
        created_at=datetime.now(UTC),
    )
