"""Whole responses kept ahead of the app for visitors without a session (quiz/web/whole_pages.py).

A kept page goes out without the app running: no view, template or query. It goes out only
while what it shows holds: deleting the result or publishing a version stops it at once,
also on another app sharing the cache. Nothing of one asker's own is ever kept, and each
language, encoding and host gets its own copy.
"""

from __future__ import annotations

import brotli
import kept_pages
import pytest
from flask import Flask, request, request_started
from flask.testing import FlaskClient
from helpers import TEST_CONFIG
from kept_pages import delete, rendered_templates, take
from query_counting import counted_queries
from sqlalchemy import select

from quiz import create_app
from quiz.db import db
from quiz.models import Role
from quiz.store.publishing import publish_draft

GERMAN = {"Accept-Language": "de"}
# the fixtures of a cache two apps share, as on two hosts
shared_cache = kept_pages.shared_cache
two_apps = kept_pages.two_apps


@pytest.fixture
def share(app: Flask) -> tuple[str, FlaskClient]:
    """A stored result's path, and the client of the browser that took it."""
    owner = app.test_client()
    return take(owner), owner


def views_run(app: Flask) -> list[str]:
    """Collect the endpoints ``app`` dispatches to from now on."""
    ran: list[str] = []

    def record(sender: Flask, **extra: object) -> None:
        ran.append(str(request.endpoint))

    request_started.connect(record, app, weak=False)
    return ran


@pytest.mark.parametrize("suffix", ["", ".json", ".png", "landing"])
def test_a_kept_page_goes_out_without_the_app(app: Flask, share: tuple[str, FlaskClient], suffix):
    path = "/" if suffix == "landing" else share[0] + suffix
    visitor = app.test_client()
    first = visitor.get(path)
    assert first.status_code == 200
    ran = views_run(app)
    with rendered_templates(app) as rendered, counted_queries(app) as statements:
        again = visitor.get(path)
    assert (ran, rendered, statements) == ([], [], [])
    assert again.status_code == 200 and again.data == first.data
    for header in ("Content-Type", "Cache-Control", "Content-Security-Policy", "Vary", "ETag"):
        assert again.headers.get(header) == first.headers.get(header), header
    # each answer has a request id of its own, or the one a proxy gave it
    assert again.headers["X-Request-ID"] != first.headers["X-Request-ID"]
    offered = visitor.get(path, headers={"X-Request-ID": "proxy-id-1234"})
    assert offered.headers["X-Request-ID"] == "proxy-id-1234"


def test_a_known_etag_gets_304_and_head_gets_no_body(app: Flask, share: tuple[str, FlaskClient]):
    visitor = app.test_client()
    page = visitor.get(share[0])
    visitor.get(share[0])
    ran = views_run(app)
    unchanged = visitor.get(share[0], headers={"If-None-Match": page.headers["ETag"]})
    head = visitor.head(share[0])
    assert ran == []
    assert unchanged.status_code == 304 and unchanged.data == b""
    assert unchanged.headers["ETag"] == page.headers["ETag"]
    assert head.status_code == 200 and head.data == b""
    assert head.headers["Content-Length"] == page.headers["Content-Length"]


def test_languages_and_encodings_are_kept_apart(app: Flask, share: tuple[str, FlaskClient]):
    visitor = app.test_client()
    asks = {
        "English": {},
        "German by browser": GERMAN,
        "German by address": {"query_string": {"lang": "de"}},
        "German by cookie": {"cookie": True},
        "brotli": {"Accept-Encoding": "br"},
    }
    for _ in range(2):  # rendered, then kept
        seen = {}
        for name, ask in asks.items():
            client = app.test_client()
            if ask.get("cookie"):
                client.set_cookie("lang", "de")
                seen[name] = client.get(share[0])
            elif "query_string" in ask:
                seen[name] = client.get(share[0], query_string=ask["query_string"])
            else:
                seen[name] = visitor.get(share[0], headers=ask)
        assert '<html lang="en">' in seen["English"].text
        for name in ("German by browser", "German by address", "German by cookie"):
            assert '<html lang="de">' in seen[name].text, name
        assert seen["brotli"].headers["Content-Encoding"] == "br"
        assert brotli.decompress(seen["brotli"].data) == seen["English"].data


def test_an_owner_with_a_session_goes_to_the_app(app: Flask, share: tuple[str, FlaskClient]):
    path, owner = share
    owner.get(path)
    app.test_client().get(path)  # the visitor's view is kept whole
    ran = views_run(app)
    with counted_queries(app):
        page = owner.get(path)
    assert ran == ["public.show_result"]
    assert "Your best fit:" in page.text and "Find your own fit" not in page.text


def test_deleting_a_result_stops_its_kept_pages_on_another_app(two_apps: tuple[Flask, Flask]):
    one, other = two_apps
    owner = one.test_client()
    path = take(owner)
    for app in (one, other):
        for suffix in ("", ".json"):
            for _ in range(2):
                assert app.test_client().get(path + suffix).status_code == 200
    delete(owner)
    for app in (other, one):
        for suffix in ("", ".json", ".png"):
            assert app.test_client().get(path + suffix).status_code == 410, suffix


def test_publishing_a_version_shows_on_the_landing_page_at_once(two_apps: tuple[Flask, Flask]):
    one, other = two_apps
    for _ in range(2):
        assert "Data Wrangler" not in other.test_client().get("/").text
    with one.app_context():
        role = db.session.scalars(select(Role).order_by(Role.position)).first()
        role.name = "Data Wrangler"
        publish_draft(actor="test")
        db.session.commit()
    assert "Data Wrangler" in other.test_client().get("/").text


def test_publishing_from_the_command_line_also_shows_at_once(app: Flask):
    visitor = app.test_client()
    for _ in range(2):
        visitor.get("/")
    with app.app_context():
        role = db.session.scalars(select(Role).order_by(Role.position)).first()
        role.name = "Model Shepherd"
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["bank", "publish"])
    assert result.exit_code == 0, result.output
    assert "Model Shepherd" in visitor.get("/").text


def test_a_page_made_for_one_asker_is_never_kept(app: Flask):
    # the quiz's first page carries a form token and sets the session cookie
    first = app.test_client().get("/quiz/1")
    assert first.status_code == 200 and "csrf_token" in first.text
    again = app.test_client().get("/quiz/1")
    assert again.headers.get("Set-Cookie")
    token = 'name="csrf_token" type="hidden" value="'
    assert first.text.split(token)[1][:40] != again.text.split(token)[1][:40]


def test_a_host_no_longer_trusted_is_refused_even_with_a_kept_page(
    app: Flask, share: tuple[str, FlaskClient]
):
    visitor = app.test_client()
    other_host = {"Host": "evil.example"}
    for _ in range(2):  # while every host is served (TRUSTED_HOSTS unset), it is kept
        assert visitor.get(share[0], headers=other_host).status_code == 200
    app.config["TRUSTED_HOSTS"] = ["localhost"]  # as outside testing: PUBLIC_URL's host only
    for _ in range(2):
        assert visitor.get(share[0], headers=other_host).status_code == 400
        assert visitor.get(share[0]).status_code == 200


def test_a_cache_that_fails_sends_every_page_from_the_app(database_url: str):
    app = create_app(
        {
            **TEST_CONFIG,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": "redis://127.0.0.1:9/0",  # discard: nothing answers there
            "CACHE_RETRY_SECONDS": 0,
        }
    )
    share = take(app.test_client())
    for path in ("/", share, share + ".json"):
        answers = [app.test_client().get(path) for _ in range(2)]
        assert [answer.status_code for answer in answers] == [200, 200], path
        assert answers[0].data == answers[1].data
    with app.app_context():
        db.engine.dispose()
