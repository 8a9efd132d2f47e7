"""Result pages, their JSON, share cards and comparisons are rendered once (quiz/web/page_cache.py).

A second request for the same page renders no template and asks the database nothing, and
gives the same bytes (a visitor without a session gets the whole response kept:
tests/web/test_whole_pages.py). Deleting a result stops every kept form of it at once,
also for another app sharing the cache; the page with the private delete link is never
kept; a cache that does not answer costs no page.
"""

from __future__ import annotations

import shutil
import socket
from pathlib import Path
from urllib.parse import urlsplit

import kept_pages
import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import DELETE_LINK_PATTERN, TEST_CONFIG, QuizTaker
from kept_pages import delete, rendered_templates, take
from query_counting import counted_queries
from taker_results import insert_people_results

from quiz import PACKAGE_DIR, create_app
from quiz.db import db

GERMAN = {"Accept-Language": "de"}
# the fixtures of a cache two apps share, as on two hosts
shared_cache = kept_pages.shared_cache
two_apps = kept_pages.two_apps


def comparison(share_a: str, share_b: str) -> str:
    first, second = sorted((share_a.removeprefix("/r/"), share_b.removeprefix("/r/")))
    return f"/compare/{first}/{second}"


@pytest.fixture
def owner(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def shares(app: Flask, owner: FlaskClient) -> tuple[str, str]:
    """Two results: the owner's, and a friend's taken in another browser."""
    mine = take(owner)
    friend = take(app.test_client(), choose=lambda name, values: values[-1])
    return mine, friend


def forms_of(shares: tuple[str, str]) -> dict[str, tuple[str, dict[str, str], bool]]:
    """Every kept form of the first result: (path, headers, asked by its owner)."""
    mine, friend = shares
    compared = comparison(mine, friend)
    return {
        "visitor's page": (mine, {}, False),
        "visitor's page in German": (mine, GERMAN, False),
        "owner's page": (mine, {}, True),
        "JSON": (mine + ".json", {}, False),
        "share card": (mine + ".png", {}, False),
        "comparison": (compared, {}, False),
        "owner's comparison": (compared, {}, True),
        "comparison as JSON": (compared + ".json", {}, False),
    }


FORMS = list(forms_of(("/r/a", "/r/b")))


@pytest.mark.parametrize("form", FORMS)
def test_a_second_request_renders_nothing_and_gives_the_same_bytes(
    app: Flask, owner: FlaskClient, shares: tuple[str, str], form: str
):
    path, headers, by_owner = forms_of(shares)[form]
    client = owner if by_owner else app.test_client()
    with rendered_templates(app) as rendered:
        first = client.get(path, headers=headers)
    assert first.status_code == 200
    assert rendered or form in ("JSON", "share card", "comparison as JSON")

    with rendered_templates(app) as rendered, counted_queries(app) as statements:
        again = client.get(path, headers=headers)
    assert again.status_code == 200
    assert again.data == first.data
    assert rendered == []
    assert statements == []
    # the headers are made for each answer as before: the same ETag, and 304 for it
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Cache-Control"] == first.headers["Cache-Control"]
    etag = {"If-None-Match": first.headers["ETag"], **headers}
    assert client.get(path, headers=etag).status_code == 304


def test_languages_and_views_are_kept_apart(
    app: Flask, owner: FlaskClient, shares: tuple[str, str]
):
    mine, _ = shares
    visitor = app.test_client()
    for _ in range(2):  # the first round renders, the second is kept
        english = visitor.get(mine).text
        german = visitor.get(mine, headers=GERMAN).text
        owners = owner.get(mine).text
        assert "Their best fit:" in english and "Your best fit:" not in english
        assert '<html lang="de">' in german and "Their best fit:" not in german
        # (the title speaks of "their" fit to everyone: it is what link previews show)
        assert "Your best fit:" in owners and "Find your own fit" not in owners
        assert len({english, german, owners}) == 3


def test_deleting_a_result_stops_every_kept_form_of_it_at_once(
    app: Flask, owner: FlaskClient, shares: tuple[str, str]
):
    forms = forms_of(shares)
    visitor = app.test_client()
    for path, headers, by_owner in forms.values():
        for _ in range(2):  # kept, and served from the cache
            assert (owner if by_owner else visitor).get(path, headers=headers).status_code == 200

    delete(owner)

    for form, (path, headers, by_owner) in forms.items():
        for client in (owner if by_owner else visitor, app.test_client()):
            assert client.get(path, headers=headers).status_code == 410, form
    # the friend's own pages are as they were
    assert visitor.get(shares[1]).status_code == 200


def test_the_page_with_the_delete_link_is_never_kept(app: Flask):
    client = app.test_client()
    share = urlsplit(QuizTaker(client).answer_every_page()).path
    with rendered_templates(app) as rendered:
        first = client.get(share).text
    assert DELETE_LINK_PATTERN.search(first) and rendered == ["public/result.html"]
    # the owner's next view is rendered for the first time: the one with the key was not kept
    with rendered_templates(app) as rendered:
        later = client.get(share).text
    assert rendered == ["public/result.html"]
    assert "/delete/" not in later and "Your best fit:" in later
    with rendered_templates(app) as rendered:
        assert client.get(share).text == later
    assert rendered == []


def test_a_new_release_renders_afresh(app: Flask, shares: tuple[str, str]):
    visitor = app.test_client()
    before = visitor.get(shares[0])
    app.config["RELEASE_ID"] = "a-later-release"
    with rendered_templates(app) as rendered:
        after = visitor.get(shares[0])
    assert rendered == ["public/result.html"]
    assert after.headers["ETag"] != before.headers["ETag"]


def test_a_page_with_an_unknown_parameter_is_rendered_and_not_kept(
    app: Flask, shares: tuple[str, str]
):
    visitor = app.test_client()
    for _ in range(2):
        with rendered_templates(app) as rendered:
            page = visitor.get(shares[0] + "?from=newsletter").text
        assert rendered == ["public/result.html"]
        # the language switcher leads back to this address, parameter and all
        assert "from%3Dnewsletter" in page
    assert "newsletter" not in visitor.get(shares[0]).text


def test_a_refresh_of_the_norms_leaves_a_kept_page_as_a_fresh_render_would_be(
    database_url: str, tmp_path: Path
):
    """A result's percentiles are kept with it when it is stored, so refreshing the norms
    changes none of its pages: the page kept before equals one rendered after."""
    settings = {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url}
    settings["STATISTICS_MINIMUM_RESULTS"] = 1
    app = create_app(settings)
    share = take(app.test_client())
    kept = app.test_client().get(share).data

    with app.app_context():
        insert_people_results(20)  # folded in: the norms of the version are refreshed
    later = take(app.test_client())
    assert "higher than" in app.test_client().get(later).text  # the new norms at work

    uncached = create_app({**settings, "CACHE_TYPE": "NullCache"})
    with rendered_templates(app) as rendered:
        assert app.test_client().get(share).data == kept
    assert rendered == []
    assert uncached.test_client().get(share).data == kept
    for each in (app, uncached):
        with each.app_context():
            db.engine.dispose()


def test_two_apps_share_kept_pages_and_a_deletion_through_one_reaches_the_other(
    two_apps: tuple[Flask, Flask],
):
    one, other = two_apps
    owner = other.test_client()
    share = take(owner)
    with rendered_templates(one) as rendered:
        kept = one.test_client().get(share)
        json_kept = one.test_client().get(share + ".json")
    assert kept.status_code == json_kept.status_code == 200
    assert rendered == ["public/result.html"]
    # the other app serves what the first one rendered
    with rendered_templates(other) as rendered:
        assert other.test_client().get(share).data == kept.data
    assert rendered == []

    delete(owner)

    reader = one.test_client()
    assert reader.get(share).status_code == 410
    assert reader.get(share + ".json").status_code == 410
    assert reader.get(share, headers={"If-None-Match": kept.headers["ETag"]}).status_code == 410


def test_a_new_language_catalog_renders_afresh(database_url: str, tmp_path: Path):
    catalogs = tmp_path / "translations"
    shutil.copytree(PACKAGE_DIR / "translations", catalogs)
    settings = {
        **TEST_CONFIG,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "CACHE_TYPE": "FileSystemCache",
        "CACHE_DIR": str(tmp_path / "page-cache"),
        "BABEL_TRANSLATION_DIRECTORIES": str(catalogs),
    }
    before = create_app(settings)
    share = take(before.test_client())
    before.test_client().get(share, headers=GERMAN)
    compiled = catalogs / "de" / "LC_MESSAGES" / "messages.mo"
    compiled.write_bytes(compiled.read_bytes() + b"\0")  # as a corrected translation would
    after = create_app(settings)
    with rendered_templates(after) as rendered:
        assert after.test_client().get(share, headers=GERMAN).status_code == 200
    assert rendered == ["public/result.html"]
    for app in (before, after):
        with app.app_context():
            db.engine.dispose()


def closed_port() -> int:
    """Return a port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_cache_that_does_not_answer_costs_no_page(
    database_url: str, caplog: pytest.LogCaptureFixture
):
    app = create_app(
        {
            **TEST_CONFIG,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": f"redis://127.0.0.1:{closed_port()}/0",
            "CACHE_RETRY_SECONDS": 0,  # ask it every time: every request meets the failure
        }
    )
    owner = app.test_client()
    share = take(owner)
    visitor = app.test_client()
    pages = [visitor.get(share) for _ in range(2)]
    assert [page.status_code for page in pages] == [200, 200]
    assert pages[0].data == pages[1].data and "Their best fit:" in pages[0].text
    assert owner.get(share).status_code == 200
    for path in (share + ".json", share + ".png"):
        assert visitor.get(path).status_code == 200
    assert "page cache failed" in caplog.text

    delete(owner)
    assert visitor.get(share).status_code == 410
    assert "could not forget the deleted result" in caplog.text
    with app.app_context():
        db.engine.dispose()
