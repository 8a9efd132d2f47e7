"""Security headers, no inline code for the CSP to block, and the limits on what a request may hold.

Pages are fetched through the real app with real forms and CSRF tokens, the way a browser
would fill and send them; each test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import DELETE_LINK_PATTERN, TEST_CONFIG, csrf_token, inline_code, page_options
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.security import generate_password_hash
from werkzeug.test import TestResponse, encode_multipart

from quiz import create_app
from quiz.core.bank import LIST_LIMIT, TEXT_LIMIT
from quiz.db import db
from quiz.models import Admin, Dimension, Option, Question, Result, Role
from quiz.store.drafts import draft_bank
from quiz.web.errors import MESSAGES

ADMIN_EMAIL = "security.admin@example.com"
ADMIN_PASSWORD = "a long admin password"
# the limits the database columns set; a form must refuse longer text before it gets there
KEY_LIMIT = Question.__table__.c.key.type.length
NAME_LIMIT = Role.__table__.c.name.type.length
EMAIL_LIMIT = Admin.__table__.c.email.type.length
PASSWORD_LIMIT = 1024
HALF_A_YEAR = 182 * 24 * 3600
SAFE_REFERRER_POLICIES = {
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
}
UNSAFE_SOURCES = {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:", "http:"}


# ---- reading pages the way a browser does


@dataclass
class Form:
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)

    def names(self) -> set[str]:
        return {name for name, _ in self.fields}


class FormReader(HTMLParser):
    """Read every POST form of a page with the values a browser would send (no buttons)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.described_by: dict[str, str] = {}
        self._form: Form | None = None
        self._textarea: list[str] | None = None
        self._select: tuple[str, list[str], list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if "id" in a and "aria-describedby" in a:
            self.described_by[a["id"]] = a["aria-describedby"]
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._form = Form(a.get("action", ""))
            self.forms.append(self._form)
        if self._form is None or (tag != "option" and "name" not in a):
            return
        if tag == "input" and a.get("type", "text") not in ("submit", "button", "image", "file"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self._form.fields.append((a["name"], a.get("value", "")))
        elif tag == "textarea":
            self._textarea = []
            self._form.fields.append((a["name"], ""))
        elif tag == "select":
            self._select = (a["name"], [], [])
        elif tag == "option" and self._select is not None:
            self._select[1].append(a.get("value", ""))
            if "selected" in a:
                self._select[2].append(a.get("value", ""))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            name, _ = self._form.fields[-1]
            # a browser drops the one line break that may follow <textarea>
            text = re.sub(r"^\r?\n", "", "".join(self._textarea))
            self._form.fields[-1] = (name, text)
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, values, selected = self._select
            chosen = (selected or values)[:1]
            self._form.fields.extend((name, value) for value in chosen)
            self._select = None


def read_page(html: str) -> FormReader:
    reader = FormReader()
    reader.feed(html)
    reader.close()
    return reader


def form_with(html: str, name: str) -> Form:
    """Return the page's POST form that holds a field called ``name``."""
    forms = [form for form in read_page(html).forms if name in form.names()]
    assert len(forms) == 1, f"expected one form with a field {name!r}, found {len(forms)}"
    return forms[0]


def in_layout(html: str) -> bool:
    """Tell whether a page has the site's header and footer, privacy link included."""
    return (
        'class="site-header"' in html
        and 'class="site-footer"' in html
        and 'href="/privacy"' in html
    )


def walk_quiz(client: FlaskClient, start: str = "/quiz") -> tuple[list[str], TestResponse]:
    """Answer every page of a quiz with each question's first option.

    Returns the HTML of each page as it was shown and the response to the last submission.
    """
    pages = []
    url = f"{start}/1"
    while True:
        shown = client.get(url)
        assert shown.status_code == 200, (url, shown.status_code)
        html = shown.get_data(as_text=True)
        pages.append(html)
        answers = {name: values[0] for name, values in page_options(html).items()}
        sent = client.post(url, data={"csrf_token": csrf_token(html), "forward": "x", **answers})
        if sent.status_code != 302 or f"{start}/" not in sent.location:
            return pages, sent
        url = sent.location


def create_admin(app: Flask) -> None:
    with app.app_context():
        # a one-round hash keeps sign-in fast in tests; the app itself hashes with scrypt
        hashed = generate_password_hash(ADMIN_PASSWORD, "pbkdf2:sha256:1")
        db.session.add(Admin(email=ADMIN_EMAIL, password_hash=hashed))
        db.session.commit()


def sign_in(client: FlaskClient, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD):
    page = client.get("/admin/sign-in").get_data(as_text=True)
    return client.post(
        "/admin/sign-in",
        data={"csrf_token": csrf_token(page), "email": email, "password": password},
    )


def draft_document(app: Flask) -> dict[str, Any]:
    with app.app_context():
        return draft_bank().to_document()


def result_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Result)) or 0


@dataclass(frozen=True)
class TakenQuiz:
    pages: list[str]  # each quiz page as it was shown
    result_path: str
    first_view: TestResponse  # the one view that shows the private delete link
    delete_path: str


class Site:
    """The app as a visitor and an admin see it; each piece is made the first time it is asked."""

    def __init__(self, app: Flask):
        self.app = app
        self.visitor = app.test_client()

    @cached_property
    def taken(self) -> TakenQuiz:
        """Take the quiz as the visitor and open the result once."""
        pages, finished = walk_quiz(self.visitor)
        path = urlsplit(finished.location).path
        first_view = self.visitor.get(path)
        delete_link = DELETE_LINK_PATTERN.search(first_view.text)
        assert delete_link, "the first view of a new result shows its private delete link"
        return TakenQuiz(pages, path, first_view, urlsplit(delete_link[1]).path)

    @cached_property
    def admin(self) -> FlaskClient:
        create_admin(self.app)
        client = self.app.test_client()
        assert sign_in(client).status_code == 302
        return client

    @cached_property
    def ids(self) -> dict[str, int]:
        """Ids of the draft's first statement question, choice question, role and dimension."""
        with self.app.app_context():

            def first(statement: Any) -> int:
                found = db.session.scalar(statement.limit(1))
                assert found is not None
                return found

            return {
                "statement": first(select(Question.id).where(Question.kind == "likert")),
                "choice": first(fewest_options_choice_question()),
                "role": first(select(Role.id).order_by(Role.position)),
                "dimension": first(select(Dimension.id).order_by(Dimension.position)),
            }

    def url(self, template: str) -> str:
        return template.format(**self.ids) if "{" in template else template


def fewest_options_choice_question() -> Any:
    """Select the choice question with the fewest options: it has room for one more."""
    return (
        select(Question.id)
        .join(Option)
        .where(Question.kind == "choice")
        .group_by(Question.id)
        .order_by(func.count(Option.id), Question.id)
    )


@pytest.fixture
def site(app: Flask) -> Site:
    return Site(app)


# ---- 1. security headers


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def over_the_size_limit(site: Site, base_url: str) -> TestResponse:
    body = "a" * (site.app.config["MAX_CONTENT_LENGTH"] + 1)
    return site.visitor.post("/quiz/1", data={"answers": body}, base_url=base_url)


# each: (how to fetch it, the status it answers)
RESPONSES: dict[str, tuple[Callable[[Site, str], TestResponse], int]] = {
    "landing page": (lambda s, b: s.visitor.get("/", base_url=b), 200),
    "quiz page": (lambda s, b: s.visitor.get("/quiz/1", base_url=b), 200),
    "result page": (lambda s, b: s.visitor.get(s.taken.result_path, base_url=b), 200),
    "result JSON": (lambda s, b: s.visitor.get(s.taken.result_path + ".json", base_url=b), 200),
    "privacy page": (lambda s, b: s.visitor.get("/privacy", base_url=b), 200),
    "admin sign-in": (lambda s, b: s.app.test_client().get("/admin/sign-in", base_url=b), 200),
    "admin dashboard": (lambda s, b: s.admin.get("/admin/", base_url=b), 200),
    "admin question editor": (
        lambda s, b: s.admin.get(s.url("/admin/questions/{choice}"), base_url=b),
        200,
    ),
    "delete confirmation": (lambda s, b: s.visitor.get(s.taken.delete_path, base_url=b), 200),
    "410 page": (lambda s, b: deleted_result(s, base_url=b), 410),
    "404 page": (lambda s, b: s.visitor.get("/no-such-page", base_url=b), 404),
    "404 JSON": (lambda s, b: s.visitor.get("/r/" + "x" * 43 + ".json", base_url=b), 404),
    "405 page": (lambda s, b: s.visitor.delete("/", base_url=b), 405),
    "413 page": (over_the_size_limit, 413),
    "admin 404 page": (lambda s, b: s.admin.get("/admin/questions/999999", base_url=b), 404),
}


@pytest.mark.parametrize("scheme", ["http", "https"])
@pytest.mark.parametrize("kind", list(RESPONSES))
def test_every_response_carries_the_security_headers(site: Site, kind: str, scheme: str):
    fetch, status = RESPONSES[kind]
    response = fetch(site, f"{scheme}://localhost")
    assert response.status_code == status

    policy = response.headers.get("Content-Security-Policy")
    assert policy, "no Content-Security-Policy"
    directives = csp_directives(policy)
    for directive in ("script-src", "style-src"):
        sources = directives.get(directive) or directives["default-src"]
        assert "'self'" in sources, (directive, sources)
        assert not UNSAFE_SOURCES & set(sources), (directive, sources)
    assert "'unsafe-inline'" not in policy
    assert directives.get("frame-ancestors") == ["'none'"]
    assert response.headers.get("Referrer-Policy") in SAFE_REFERRER_POLICIES
    assert response.headers.get("X-Content-Type-Options") == "nosniff"

    hsts = response.headers.get("Strict-Transport-Security")
    if scheme == "https":
        assert hsts, "no HSTS over HTTPS"
        max_age = re.search(r"max-age=(\d+)", hsts)
        assert max_age and int(max_age[1]) >= HALF_A_YEAR, hsts
    else:
        assert hsts is None, "HSTS over plain HTTP"


# ---- 1. no inline code a strict CSP would block, on any page


def refused_question(site: Site) -> TestResponse:
    html = site.admin.get("/admin/questions/new").text
    return site.admin.post("/admin/questions/new", data={"csrf_token": csrf_token(html)})


def refused_role(site: Site) -> TestResponse:
    url = site.url("/admin/roles/{role}")
    form = form_with(site.admin.get(url).text, "name")
    return site.admin.post(url, data={**dict(form.fields), "name": ""})


def refused_sign_in(site: Site) -> TestResponse:
    return sign_in(site.app.test_client(), password="not the password")


def quiz_page_with_errors(site: Site) -> TestResponse:
    html = site.visitor.get("/quiz/1").text
    return site.visitor.post("/quiz/1", data={"csrf_token": csrf_token(html), "forward": "x"})


def deleted(site: Site) -> TestResponse:
    page = site.visitor.get(site.taken.delete_path).text
    return site.visitor.post(site.taken.delete_path, data={"csrf_token": csrf_token(page)})


def deleted_result(site: Site, base_url: str = "http://localhost") -> TestResponse:
    assert deleted(site).status_code == 200
    return site.visitor.get(site.taken.result_path, base_url=base_url)


def preview_result(site: Site) -> TestResponse:
    _, finished = walk_quiz(site.admin, "/admin/preview")
    return finished


def get(url: str, who: str = "visitor") -> Callable[[Site], TestResponse]:
    return lambda site: getattr(site, who).get(site.url(url))


# each: (how to fetch it, the status it answers); a list of pages is several HTML documents
PAGES: dict[str, tuple[Callable[[Site], Any], int]] = {
    "landing": (get("/"), 200),
    "every quiz page": (lambda site: site.taken.pages, 200),
    "quiz page with errors": (quiz_page_with_errors, 200),
    "result, first view": (lambda site: site.taken.first_view, 200),
    "result": (lambda site: site.visitor.get(site.taken.result_path), 200),
    "delete confirmation": (lambda site: site.visitor.get(site.taken.delete_path), 200),
    "deleted": (deleted, 200),
    "deleted result": (deleted_result, 410),
    "privacy": (get("/privacy"), 200),
    "404": (get("/no-such-page"), 404),
    "sign-in": (get("/admin/sign-in"), 200),
    "sign-in refused": (refused_sign_in, 401),
    "dashboard": (get("/admin/", "admin"), 200),
    "questions": (get("/admin/questions", "admin"), 200),
    "statement question editor": (get("/admin/questions/{statement}", "admin"), 200),
    "choice question editor": (get("/admin/questions/{choice}", "admin"), 200),
    "new question": (get("/admin/questions/new", "admin"), 200),
    "new question refused": (refused_question, 422),
    "delete question": (get("/admin/questions/{statement}/delete", "admin"), 200),
    "roles": (get("/admin/roles", "admin"), 200),
    "role editor": (get("/admin/roles/{role}", "admin"), 200),
    "role editor refused": (refused_role, 200),
    "new role": (get("/admin/roles/new", "admin"), 200),
    "dimensions": (get("/admin/dimensions", "admin"), 200),
    "dimension editor": (get("/admin/dimensions/{dimension}", "admin"), 200),
    "new dimension": (get("/admin/dimensions/new", "admin"), 200),
    "delete dimension": (get("/admin/dimensions/{dimension}/delete", "admin"), 200),
    "import and export": (get("/admin/bank", "admin"), 200),
    "audit log": (get("/admin/audit", "admin"), 200),
    "preview": (get("/admin/preview", "admin"), 200),
    "preview result": (preview_result, 200),
}


@pytest.mark.parametrize("page", list(PAGES))
def test_no_page_has_inline_scripts_styles_or_event_handlers(site: Site, page: str):
    fetch, status = PAGES[page]
    fetched = fetch(site)
    if isinstance(fetched, list):
        documents = fetched
    else:
        assert fetched.status_code == status
        assert fetched.mimetype == "text/html"
        documents = [fetched.text]
    assert documents
    for html in documents:
        assert "<html" in html
        assert inline_code(html) == []


def test_the_inline_code_check_finds_what_it_looks_for():
    html = (
        '<p style="color: red">x</p><button onclick="go()">x</button>'
        '<a href="javascript:go()">x</a><style>p {}</style><script>go()</script>'
        '<script src="/static/js/share.js"></script><details open>x</details>'
    )
    assert len(inline_code(html)) == 5


# ---- 2. limits: request size


def over_max_content(app: Flask) -> dict[str, str]:
    return {"field": "a" * (app.config["MAX_CONTENT_LENGTH"] + 1)}


@pytest.mark.parametrize(
    "url", ["/quiz/1", "/admin/sign-in", "/admin/roles/new", "/r/" + "x" * 43 + "/delete/key"]
)
def test_a_request_over_the_size_limit_gets_the_413_page(app: Flask, client: FlaskClient, url: str):
    before = result_count(app)
    response = client.post(url, data=over_max_content(app))
    assert response.status_code == 413
    html = response.text
    assert in_layout(html)
    assert MESSAGES[413][0] in html
    assert result_count(app) == before


def test_a_bank_upload_over_its_own_limit_gets_the_413_page(app: Flask, site: Site):
    before = draft_document(app)
    page = site.admin.get("/admin/bank").text
    two_megabytes = b"{" + b" " * (2 * 1024 * 1024) + b"}"
    upload = FileStorage(io.BytesIO(two_megabytes), "bank.json", content_type="application/json")
    # encoded here, in memory: the test client would spool a body this large to a
    # temporary file that it never closes
    boundary, body = encode_multipart({"csrf_token": csrf_token(page), "bank_file": upload})
    response = site.admin.post(
        "/admin/bank", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 413
    assert in_layout(response.text)
    assert draft_document(app) == before


# ---- 2. limits: the number of form parts


@pytest.mark.parametrize("encoding", ["multipart/form-data", "application/x-www-form-urlencoded"])
def test_a_form_with_more_parts_than_max_form_parts_is_refused(
    app: Flask, client: FlaskClient, encoding: str
):
    html = client.get("/quiz/1").text
    answers = {name: values[0] for name, values in page_options(html).items()}
    valid = {"csrf_token": csrf_token(html), "forward": "x", **answers}
    most = app.config["MAX_FORM_PARTS"]

    def padded(parts: int) -> dict[str, str]:
        return {**valid, **{f"padding-{i}": "" for i in range(parts - len(valid))}}

    refused = client.post("/quiz/1", data=padded(most + 1), content_type=encoding)
    assert refused.status_code in (400, 413), (
        f"{most + 1} parts sent as {encoding} were accepted ({refused.status_code})"
    )
    assert in_layout(refused.text)
    # nothing kept: the next page still says no question is answered
    assert re.search(r"\b0 of \d+ answered", client.get("/quiz/1").text)

    accepted = client.post("/quiz/1", data=padded(most), content_type=encoding)
    assert accepted.status_code == 302


# ---- 2. limits: the length of every text field of the admin forms


@dataclass(frozen=True)
class TextLimit:
    """One text field of an admin form and the longest text it takes."""

    page: str  # the form's page; {statement}, {choice}, {role}, {dimension} are filled in
    name: str  # the field; {option} is the first option's id
    limit: int
    shape: str = "text"  # text | key | item (one list item) | items (how many list items)
    extra: tuple[tuple[str, str], ...] = ()

    def value(self, length: int) -> str:
        if self.shape == "key":
            return "k" + "0" * (length - 1)
        if self.shape == "items":
            return "\n".join(f"item {number}" for number in range(length))
        return "x" * length


CHOICE = (("kind", "choice"),)
ROLE_FIELDS = [
    ("name", NAME_LIMIT, "text"),
    ("key", KEY_LIMIT, "key"),
    ("summary", TEXT_LIMIT, "text"),
    ("focus", TEXT_LIMIT, "text"),
    ("typical_day", TEXT_LIMIT, "text"),
    ("first_project", TEXT_LIMIT, "text"),
    ("skills", TEXT_LIMIT, "item"),
    ("tasks", TEXT_LIMIT, "item"),
    ("goals", TEXT_LIMIT, "item"),
    ("learn_first", TEXT_LIMIT, "item"),
    ("skills", LIST_LIMIT, "items"),
]
DIMENSION_FIELDS = [
    ("name", NAME_LIMIT, "text"),
    ("key", KEY_LIMIT, "key"),
    ("description", TEXT_LIMIT, "text"),
]
TEXT_LIMITS = [
    TextLimit("/admin/questions/new", "key", KEY_LIMIT, "key"),
    TextLimit("/admin/questions/new", "prompt", TEXT_LIMIT),
    TextLimit("/admin/questions/new", "options-0-label", TEXT_LIMIT, extra=CHOICE),
    TextLimit("/admin/questions/new", "options-1-label", TEXT_LIMIT, extra=CHOICE),
    TextLimit("/admin/questions/{statement}", "key", KEY_LIMIT, "key"),
    TextLimit("/admin/questions/{statement}", "prompt", TEXT_LIMIT),
    TextLimit("/admin/questions/{choice}", "options-0-label", TEXT_LIMIT),
    *(TextLimit("/admin/roles/new", n, limit, shape) for n, limit, shape in ROLE_FIELDS),
    *(TextLimit("/admin/roles/{role}", n, limit, shape) for n, limit, shape in ROLE_FIELDS),
    *(TextLimit("/admin/dimensions/new", n, lim, shape) for n, lim, shape in DIMENSION_FIELDS),
    *(
        TextLimit("/admin/dimensions/{dimension}", n, lim, shape)
        for n, lim, shape in DIMENSION_FIELDS
    ),
]


WEIGHT_OR_OPTION_ID = re.compile(r"-(w[0-9]+|option_id)$")


def completed(fields: list[tuple[str, str]]) -> dict[str, str]:
    """Fill a new item's blank fields with valid values, as a person completing the form would."""
    values = dict(fields)
    # a role's links may stay empty, and a sentence is not a link
    for name, value in values.items():
        # a blank weight counts as 0 and a blank option id is a new option: both are complete
        if WEIGHT_OR_OPTION_ID.search(name):
            continue
        if not value and name not in ("csrf_token", "revision", "links"):
            values[name] = "sec-new" if name == "key" else "Filled in by the test."
    emphases = sorted(name for name in values if name.startswith("emphasis-"))
    if emphases and all(values[name] == "0" for name in emphases):
        values[emphases[0]] = "2"  # a role needs one skill or goal above 0
    return values


def limit_id(case: TextLimit) -> str:
    return f"{case.page} {case.name} {case.shape} {case.limit}"


@pytest.mark.parametrize("case", TEXT_LIMITS, ids=limit_id)
def test_text_one_over_the_limit_is_refused_beside_the_field_and_nothing_saved(
    app: Flask, site: Site, case: TextLimit
):
    client = site.admin
    page = site.url(case.page)
    name = case.name
    if "{option}" in name:
        with app.app_context():
            question = db.session.get_one(Question, site.ids["choice"])
            name = name.format(option=question.options[0].id)
    form = form_with(client.get(page).text, name)
    action = urljoin(page, form.action) if form.action else page
    # an edit form is sent as shown; a form for a new item is first filled in
    shown = completed(form.fields) if page.endswith("/new") else dict(form.fields)
    values = {**shown, **dict(case.extra)}
    before = draft_document(app)

    refused = client.post(action, data={**values, name: case.value(case.limit + 1)})
    assert refused.status_code in (200, 422), refused.status_code
    html = refused.text
    error = re.search(rf'<p class="field-error" id="{re.escape(name)}-error">([^<]+)</p>', html)
    assert error, f"no error beside {name}"
    assert str(case.limit) in error[1], error[1]
    assert f"{name}-error" in read_page(html).described_by.get(name, "")
    assert draft_document(app) == before

    longest = case.value(case.limit)
    saved = client.post(action, data={**values, name: longest})
    assert saved.status_code == 302, f"{case.limit} characters refused: {saved.text[:300]}"
    assert draft_document(app) != before


@pytest.mark.parametrize(("name", "limit"), [("email", EMAIL_LIMIT), ("password", PASSWORD_LIMIT)])
def test_sign_in_refuses_a_credential_one_over_its_limit(
    app: Flask, client: FlaskClient, name: str, limit: int
):
    create_admin(app)
    values = {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}
    values[name] = "a" * (limit + 1 - len("@example.com")) + "@example.com"
    response = sign_in(client, **values)
    assert response.status_code in (200, 401, 422)
    error = re.search(rf'<p class="field-error" id="{name}-error">([^<]+)</p>', response.text)
    assert error and str(limit) in error[1], f"no length error beside {name}"
    assert client.get("/admin/").status_code == 302  # still signed out


# ---- 2. limits: quiz submissions per address


@pytest.fixture
def throttled_app(database_url: str) -> Iterator[Flask]:
    """An app taking 3 quiz submissions a minute per address, the whole quiz on one page."""
    app = create_app(
        {
            **TEST_CONFIG,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "QUIZ_SUBMISSION_LIMIT": "3 per minute",
            "QUESTIONS_PER_PAGE": 10_000,
        }
    )
    yield app
    with app.app_context():
        db.engine.dispose()


def test_the_fourth_quiz_submission_in_a_minute_gets_the_429_page(throttled_app: Flask):
    client = throttled_app.test_client()
    for _ in range(3):
        _, finished = walk_quiz(client)
        assert finished.status_code == 302 and "/r/" in finished.location
    assert result_count(throttled_app) == 3

    html = client.get("/quiz/1").text
    answers = {name: values[0] for name, values in page_options(html).items()}
    refused = client.post(
        "/quiz/1", data={"csrf_token": csrf_token(html), "forward": "x", **answers}
    )
    assert refused.status_code == 429
    assert in_layout(refused.text)
    assert MESSAGES[429][0] in refused.text
    retry_after = refused.headers.get("Retry-After")
    assert retry_after is not None and 0 < int(retry_after) <= 60, retry_after
    assert result_count(throttled_app) == 3

    # reading still works, and another address may still submit
    assert client.get("/").status_code == 200
    assert client.get("/quiz/1").status_code == 200
    assert client.get("/privacy").status_code == 200
    neighbour = throttled_app.test_client()
    neighbour.environ_base["REMOTE_ADDR"] = "192.0.2.8"
    _, finished = walk_quiz(neighbour)
    assert finished.status_code == 302
    assert result_count(throttled_app) == 4
