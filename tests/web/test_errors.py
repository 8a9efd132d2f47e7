"""Error pages: the site's layout, a message a person can act on, and a reference to the log.

The app under test also has a test-only blueprint: one route that refuses with 403 (no
route of the app itself does) and one that crashes, with PROPAGATE_EXCEPTIONS off so the
500 page is what a visitor would get.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable, Iterator

import pytest
from flask import Blueprint, Flask, abort
from flask.testing import FlaskClient
from helpers import TEST_CONFIG, csrf_token
from sqlalchemy import event
from werkzeug.test import TestResponse

from quiz import create_app
from quiz.db import db
from quiz.store.publishing import latest_version_id, published_bank
from quiz.store.results import create_result, erase_result
from quiz.web.errors import MESSAGES
from quiz.web.security import REQUEST_ID_SHAPE

CRASH_DETAIL = "crash detail: token=5f3c9 in /srv/career-fit/quiz/views.py"
OUTAGE_DETAIL = "connection to server at db.internal (10.0.0.5), port 5432 failed"
# what must never reach a visitor: a traceback, an exception's name or its text
LEAKS = (
    "Traceback",
    'File "',
    CRASH_DETAIL,
    OUTAGE_DETAIL,
    "RuntimeError",
    "OperationalError",
    "sqlalchemy",
    "psycopg",
    "sqlite3",
)

test_only = Blueprint("test_only", __name__)


@test_only.get("/test-only/forbidden")
def forbidden() -> str:
    abort(403)


@test_only.get("/test-only/crash")
def crash() -> str:
    raise RuntimeError(CRASH_DETAIL)


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    """An app that answers a crash with its 500 page and takes one quiz submission a minute."""
    app = create_app(
        {
            **TEST_CONFIG,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "PROPAGATE_EXCEPTIONS": False,
            "QUIZ_SUBMISSION_LIMIT": "1 per minute",
        }
    )
    app.register_blueprint(test_only)
    yield app
    with app.app_context():
        db.engine.dispose()


def database_down(app: Flask, client: FlaskClient, url: str = "/") -> TestResponse:
    """Fetch ``url`` while every query fails the way a lost database connection does."""
    with app.app_context():
        engine = db.engine
    # the driver's own error, so SQLAlchemy wraps it just as it would a real outage
    outage = engine.dialect.loaded_dbapi.OperationalError(OUTAGE_DETAIL)

    def fail(*args: object) -> None:
        raise outage

    event.listen(engine, "before_cursor_execute", fail)
    try:
        return client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", fail)


def too_many_submissions(app: Flask, client: FlaskClient) -> TestResponse:
    for _ in range(2):
        page = client.get("/quiz/1").text
        response = client.post("/quiz/1", data={"csrf_token": csrf_token(page), "forward": "x"})
    return response


def too_large(app: Flask, client: FlaskClient) -> TestResponse:
    return client.post("/quiz/1", data={"x": "a" * (app.config["MAX_CONTENT_LENGTH"] + 1)})


def deleted_result(app: Flask, client: FlaskClient) -> TestResponse:
    """Open a result whose taker deleted it (stored directly: this app takes one quiz a minute)."""
    with app.app_context():
        version_id = latest_version_id()
        bank = published_bank(version_id)
        answers = {q.key: q.options[0].key for q in bank.questions}
        result, _ = create_result(bank, version_id, answers)
        erase_result(result)
        db.session.commit()
        token = result.share_token
    return client.get(f"/r/{token}")


def words_above_reference(page: str) -> str:
    """Return the words of the page's main part a person reads before the fine print."""
    main = page.split('<main id="main"', 1)[1].split("Reference:", 1)[0]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main.split(">", 1)[1])).split())


Trigger = Callable[[Flask, FlaskClient], TestResponse]
# each: (how to cause it, its status, the sentence that tells the visitor what to do)
ERRORS: dict[str, tuple[Trigger, int, str]] = {
    "400 NUL": (lambda app, c: c.get("/?q=%00"), 400, "isn't allowed (NUL)"),
    "400 CSRF": (lambda app, c: c.post("/quiz/1", data={"forward": "x"}), 400, "form expired"),
    "403": (lambda app, c: c.get("/test-only/forbidden"), 403, MESSAGES[403][1]),
    "404": (lambda app, c: c.get("/no-such-page"), 404, MESSAGES[404][1]),
    "405": (lambda app, c: c.delete("/"), 405, MESSAGES[405][1]),
    "410": (deleted_result, 410, MESSAGES[410][1]),
    "413": (too_large, 413, MESSAGES[413][1]),
    "429": (too_many_submissions, 429, MESSAGES[429][1]),
    "500": (lambda app, c: c.get("/test-only/crash"), 500, MESSAGES[500][1]),
    "503": (database_down, 503, MESSAGES[503][1]),
}


@pytest.mark.parametrize("error", list(ERRORS))
def test_an_error_page_is_in_the_layout_helpful_and_gives_its_reference(
    app: Flask, client: FlaskClient, error: str
):
    trigger, status, advice = ERRORS[error]
    response = trigger(app, client)
    assert response.status_code == status
    assert response.mimetype == "text/html"
    page = response.text
    shown = html.unescape(page)

    assert 'class="site-header"' in page and 'class="site-footer"' in page
    assert 'href="/privacy"' in page
    heading = re.search(r"<h1>([^<]+)</h1>", page)
    assert heading and html.unescape(heading[1]) == MESSAGES[status][0] % {"site": "Career Fit"}
    said = re.search(r"</h1>\s*<p>([^<]*)</p>", page)
    assert said, "no message under the heading"
    assert advice in shown, f"the page says {html.unescape(said[1])!r}, not {advice!r}"
    # a way on: to the quiz and to the start, as buttons
    assert '<a class="button button-primary" href="/quiz">Take the quiz</a>' in page
    assert '<a class="button" href="/">Go to the start</a>' in page
    # plain words: no status code or "Error" heading for a person to decode
    words = words_above_reference(page)
    assert str(status) not in words and "error" not in words.lower(), words
    for leak in LEAKS:
        assert leak not in shown, f"the page shows {leak!r}"

    reference = response.headers["X-Request-ID"]
    assert REQUEST_ID_SHAPE.fullmatch(reference)
    assert f'<p class="fine-print error-reference">Reference: <code>{reference}</code></p>' in page
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("url", "status"), [("/r/" + "x" * 43 + ".json", 404), ("/r/" + "x" * 43 + ".json", 503)]
)
def test_a_json_error_is_json_with_its_reference(
    app: Flask, client: FlaskClient, url: str, status: int
):
    response = database_down(app, client, url) if status == 503 else client.get(url)
    assert response.status_code == status
    assert response.is_json
    body = response.get_json()
    assert body["error"] == MESSAGES[status][0] % {"site": "Career Fit"}
    assert body["request_id"] == response.headers["X-Request-ID"]
    assert not any(leak in response.text for leak in LEAKS)


@pytest.mark.parametrize(
    ("trigger", "level", "message"),
    [
        (lambda app, c: c.get("/test-only/crash"), logging.ERROR, "Exception on /test-only/crash"),
        (database_down, logging.WARNING, "database unavailable"),
    ],
    ids=["500", "503"],
)
def test_a_server_error_is_logged_with_the_request_id_the_page_shows(
    app: Flask,
    client: FlaskClient,
    caplog: pytest.LogCaptureFixture,
    trigger: Trigger,
    level: int,
    message: str,
):
    caplog.set_level(logging.INFO, logger=app.logger.name)
    response = trigger(app, client)
    reference = response.headers["X-Request-ID"]
    assert f"<code>{reference}</code>" in response.text

    records = [r for r in caplog.records if r.name == app.logger.name and r.levelno == level]
    assert [r.getMessage()[: len(message)] for r in records] == [message]
    (record,) = records
    assert getattr(record, "request_id", None) == reference, (
        "the log record carries no request id matching the page's reference"
    )
    if level == logging.ERROR:
        assert record.exc_info, "the crash is logged without its traceback"


@pytest.mark.parametrize(
    "offered",
    ["abcdefgh", "req-2024.06.01_0042", "A" * 64, "3f2a1b9c-5d6e-4f70-8a9b-0c1d2e3f4a5b"],
)
def test_a_well_formed_incoming_request_id_is_kept(client: FlaskClient, offered: str):
    response = client.get("/no-such-page", headers={"X-Request-ID": offered})
    assert response.headers["X-Request-ID"] == offered
    assert f"<code>{offered}</code>" in response.text


@pytest.mark.parametrize(
    "offered",
    [
        "",
        "abcdefg",  # too short
        "a" * 65,  # too long
        "two words",
        "id;drop-table",
        "<script>alert(1)</script>",
        "../../etc/passwd",
    ],
)
def test_a_malformed_incoming_request_id_is_replaced(client: FlaskClient, offered: str):
    response = client.get("/no-such-page", headers={"X-Request-ID": offered})
    given = response.headers["X-Request-ID"]
    assert given != offered
    assert REQUEST_ID_SHAPE.fullmatch(given)
    assert f"<code>{given}</code>" in response.text


def test_every_request_gets_its_own_id(client: FlaskClient):
    ids = {client.get("/privacy").headers["X-Request-ID"] for _ in range(5)}
    assert len(ids) == 5


@pytest.mark.parametrize(
    ("error", "heading"),
    [
        ("404", "We can't find that page"),
        ("410", "This result was deleted by the person who took the quiz"),
        ("429", "Slow down a little"),
        ("500", "Something went wrong on our side"),
        ("503", "Career Fit is briefly unavailable"),
        ("400 NUL", "We couldn't use what was sent"),
    ],
)
def test_an_error_page_says_what_happened_in_plain_words(
    app: Flask, client: FlaskClient, error: str, heading: str
):
    trigger, status, _ = ERRORS[error]
    response = trigger(app, client)
    assert response.status_code == status
    assert f"<h1>{heading}</h1>" in html.unescape(response.text)
    assert html.unescape(response.text).count("<h1>") == 1


def test_a_400_page_says_the_apps_own_reason(client: FlaskClient):
    response = client.get("/?q=%00")
    assert response.status_code == 400
    said = re.search(r"</h1>\s*<p>([^<]*)</p>", response.text)
    assert said and html.unescape(said[1]) == (
        "The request contained a character that isn't allowed (NUL)."
    )
