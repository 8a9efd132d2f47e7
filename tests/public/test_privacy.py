"""Privacy: the private delete link, deleting a result, and what the database and limiter keep.

Visitors here come from a documentation address (203.0.113.0/24): it can only turn up in
the database or the rate limiter's keys if the app put it there.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import DELETE_LINK_PATTERN, csrf_token, finish_quiz
from sqlalchemy import MetaData, select
from werkzeug.security import generate_password_hash

from quiz.db import db
from quiz.models import Admin, Result
from quiz.web.errors import MESSAGES
from quiz.web.extensions import hashed_remote_address, limiter

ADDRESS = "203.0.113.77"
ADMIN_EMAIL = "privacy.admin@example.com"
ADMIN_PASSWORD = "a long admin password"


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A visitor from ADDRESS."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ADDRESS
    return client


def finished(client: FlaskClient) -> tuple[str, str]:
    """Take the quiz, open the result once, and return its share path and delete path."""
    share = finish_quiz(client)
    link = DELETE_LINK_PATTERN.search(client.get(share).text)
    assert link, "the first view of a new result shows its private delete link"
    return share, urlsplit(html.unescape(link[1])).path


def stored_result(app: Flask, share: str) -> Result:
    token = share.removeprefix("/r/")
    with app.app_context():
        result = db.session.scalar(select(Result).where(Result.share_token == token))
        assert result is not None
        db.session.expunge(result)
        return result


def database_dump(app: Flask) -> str:
    """Return every value of every row of every table, as text."""
    lines = []
    with app.app_context():
        tables = MetaData()
        tables.reflect(bind=db.engine)
        with db.engine.connect() as connection:
            for table in tables.sorted_tables:
                for row in connection.execute(select(table)):
                    values = [v if isinstance(v, str) else json.dumps(v, default=str) for v in row]
                    lines.append(f"{table.name}: {' | '.join(values)}")
    return "\n".join(lines)


def delete_key(delete_path: str) -> str:
    return delete_path.rsplit("/", 1)[1]


# ---- the private delete link is handed over once


def test_the_first_view_of_a_new_result_shows_the_delete_link_and_is_never_cached(
    client: FlaskClient,
):
    share = finish_quiz(client)
    first = client.get(share)
    assert first.status_code == 200
    link = DELETE_LINK_PATTERN.search(first.text)
    assert link and f"{share}/delete/" in link[1]

    cache = first.cache_control
    assert cache.no_store and cache.private
    assert not cache.public and cache.max_age is None
    assert "ETag" not in first.headers
    assert first.headers.get("X-Robots-Tag") == "noindex"


@pytest.mark.parametrize("viewer", ["the same browser", "another browser"])
def test_a_later_view_of_the_result_does_not_show_the_delete_link(
    app: Flask, client: FlaskClient, viewer: str
):
    share, delete_path = finished(client)
    later = (client if viewer == "the same browser" else app.test_client()).get(share)
    assert later.status_code == 200
    assert not DELETE_LINK_PATTERN.search(later.text)
    assert "/delete/" not in later.text
    assert delete_key(delete_path) not in later.text


def test_only_a_sha256_of_the_delete_key_is_stored(app: Flask, client: FlaskClient):
    share, delete_path = finished(client)
    key = delete_key(delete_path)
    result = stored_result(app, share)
    assert result.delete_key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert re.fullmatch(r"[0-9a-f]{64}", result.delete_key_hash)

    dump = database_dump(app)
    assert result.share_token in dump  # the dump does hold the row
    assert key not in dump


# ---- deleting


WRONG_KEYS = {
    "a random key": lambda key, other, stored: "A" * len(key),
    "one character changed": lambda key, other, stored: ("B" if key[0] != "B" else "C") + key[1:],
    "the stored hash": lambda key, other, stored: stored,
    "another result's key": lambda key, other, stored: other,
}


@pytest.mark.parametrize("wrong", list(WRONG_KEYS))
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_wrong_delete_key_answers_404_and_deletes_nothing(
    app: Flask, client: FlaskClient, wrong: str, method: str
):
    share, delete_path = finished(client)
    _, other_delete_path = finished(app.test_client())
    key = delete_key(delete_path)
    stored = stored_result(app, share).delete_key_hash
    guess = WRONG_KEYS[wrong](key, delete_key(other_delete_path), stored)
    assert guess != key
    guessed_path = delete_path.removesuffix(key) + guess

    page = client.get(delete_path).text
    response = client.open(guessed_path, method=method, data={"csrf_token": csrf_token(page)})
    assert response.status_code == 404
    assert stored_result(app, share).deleted_at is None
    assert client.get(share).status_code == 200


def test_the_delete_link_asks_for_confirmation_in_a_form_with_a_csrf_token(
    app: Flask, client: FlaskClient
):
    share, delete_path = finished(client)
    response = client.get(delete_path)
    assert response.status_code == 200
    page = response.text
    form = re.search(r"<form\b[^>]*>.*?</form>", page, re.S)
    assert form and 'method="post"' in form[0]
    action = re.search(r'action="([^"]*)"', form[0])
    assert action is None or action[1] in ("", delete_path)
    assert re.search(r'<input[^>]*name="csrf_token"[^>]*type="hidden"', form[0])
    assert response.cache_control.no_store

    result = stored_result(app, share)
    assert result.deleted_at is None and result.answers and result.outcome
    assert client.get(share).status_code == 200


@pytest.mark.parametrize("token", ["none", "made up", "another browser's"])
def test_deleting_without_a_valid_csrf_token_is_refused(
    app: Flask, client: FlaskClient, token: str
):
    share, delete_path = finished(client)
    client.get(delete_path)
    if token == "none":
        data = {}
    elif token == "made up":
        data = {"csrf_token": "IjAwMDAwMDAwMDAwMDAwMDAi.aaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbb"}
    else:
        data = {"csrf_token": csrf_token(app.test_client().get("/quiz/1").text)}
    response = client.post(delete_path, data=data)
    assert response.status_code == 400
    result = stored_result(app, share)
    assert result.deleted_at is None and result.answers and result.outcome
    assert client.get(share).status_code == 200


def test_deleting_erases_the_answers_and_every_link_then_answers_410(
    app: Flask, client: FlaskClient
):
    share, delete_path = finished(client)
    reader = app.test_client()
    etag = reader.get(share).headers["ETag"]

    page = client.get(delete_path).text
    response = client.post(delete_path, data={"csrf_token": csrf_token(page)})
    assert response.status_code == 200
    assert "Your result is deleted" in response.text
    assert response.cache_control.no_store

    result = stored_result(app, share)
    assert result.answers == {} and result.outcome == {}
    assert result.deleted_at is not None
    assert result.delete_key_hash is None

    for who in (client, reader):
        gone = who.get(share)
        assert gone.status_code == 410
        assert 'class="site-header"' in gone.text and 'class="site-footer"' in gone.text
        assert html.escape(MESSAGES[410][0], quote=True) in gone.text
    # a reader revalidating the copy they kept learns it is gone, not that it is unchanged
    assert reader.get(share, headers={"If-None-Match": etag}).status_code == 410

    as_json = reader.get(share + ".json")
    assert as_json.status_code == 410
    assert as_json.get_json()["error"] == MESSAGES[410][0]

    assert client.get(delete_path).status_code == 410
    assert client.post(delete_path, data={"csrf_token": csrf_token(page)}).status_code == 410


# ---- no address kept


def sign_in_as_admin(app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        hashed = generate_password_hash(ADMIN_PASSWORD, "pbkdf2:sha256:1")
        db.session.add(Admin(email=ADMIN_EMAIL, password_hash=hashed))
        db.session.commit()
    for password in ("not the password", ADMIN_PASSWORD):
        page = client.get("/admin/sign-in").text
        client.post(
            "/admin/sign-in",
            data={"csrf_token": csrf_token(page), "email": ADMIN_EMAIL, "password": password},
        )
    assert client.get("/admin/").status_code == 200


def test_no_address_is_stored_in_the_database(app: Flask, client: FlaskClient):
    share, delete_path = finished(client)
    finish_quiz(client)  # a second result, kept
    page = client.get(delete_path).text
    client.post(delete_path, data={"csrf_token": csrf_token(page)})
    sign_in_as_admin(app, client)
    # an admin change writes the audit log
    client.post("/admin/publish", data={"csrf_token": csrf_token(client.get("/admin/").text)})

    dump = database_dump(app)
    assert ADMIN_EMAIL in dump and share.removeprefix("/r/") in dump  # the dump holds the rows
    assert ADDRESS not in dump
    assert "127.0.0.1" not in dump


def limiter_keys() -> list[str]:
    storage: Any = limiter.storage
    keys = []
    for name in ("storage", "events", "expirations"):
        keys += [str(key) for key in getattr(storage, name, {})]
    return keys


def test_rate_limit_keys_are_a_keyed_hash_never_the_address(app: Flask, client: FlaskClient):
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
    finished(client)
    sign_in_as_admin(app, client)  # a failed sign-in counts too

    keys = limiter_keys()
    assert keys, "the limiter counted nothing"
    assert not [key for key in keys if ADDRESS in key]
    assert not [key for key in keys if "127.0.0.1" in key]
    with app.test_request_context(environ_base={"REMOTE_ADDR": ADDRESS}):
        hashed = hashed_remote_address()
    assert ADDRESS not in hashed
    assert any(hashed in key for key in keys)


# ---- the privacy page


# every public page; the admin pages have a layout of their own, without the public footer
@pytest.mark.parametrize(
    "url", ["/", "/quiz/1", "/privacy", "/no-such-page", "/roles", "/method", "/r/no-such-result"]
)
def test_every_page_links_to_the_privacy_page_from_its_footer(client: FlaskClient, url: str):
    page = client.get(url).text
    footer = re.search(r'<footer class="site-footer">.*?</footer>', page, re.S)
    assert footer and 'href="/privacy"' in footer[0]


def test_the_privacy_page_says_what_is_kept_and_for_how_long(client: FlaskClient):
    response = client.get("/privacy")
    assert response.status_code == 200
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.text)))
    for kept in ("answers", "result", "IP address", "cookie", "delete link"):
        assert kept in text, f"the privacy page says nothing of {kept!r}"
    assert "until you delete it" in text
    assert re.search(r"for a few (minutes|hours)|for \d+ (minutes|hours|days)", text)
