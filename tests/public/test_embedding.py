"""The quiz in another site's frame: who may frame what, the quiz taken without a cookie, oEmbed.

A framed page gets no SameSite=Lax cookie from its site, so the embedded quiz is taken here
by a client that keeps no cookies at all, as a browser blocking third-party cookies does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import TEST_CONFIG, create_admin, page_options, sign_in, take_quiz, varied
from sqlalchemy import func, select

from quiz import create_app
from quiz.db import db
from quiz.models import Result

ALLOWED = ["https://blog.example", "http://127.0.0.1:8765"]
ACTION_PATTERN = re.compile(r'<form method="post" action="([^"]+)"')
HIDDEN_PATTERN = re.compile(r'<input id="[^"]*" name="([^"]+)" type="hidden" value="([^"]*)"')
TOKEN_PATTERN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def make_app(database_url: str, origins: object = "") -> Iterator[Flask]:
    app = create_app(
        {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, "EMBED_ALLOWED_ORIGINS": origins}
    )
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def embed_app(database_url: str) -> Iterator[Flask]:
    """An app that lets the two ALLOWED sites frame the quiz."""
    yield from make_app(database_url, "https://blog.example, http://127.0.0.1:8765")


@pytest.fixture
def framed(embed_app: Flask) -> FlaskClient:
    """A browser in a frame of another site: it sends and keeps no cookie of ours."""
    return embed_app.test_client(use_cookies=False)


class FramedTaker:
    """Take the embedded quiz like a framed browser: follow each page's form, keep no cookie."""

    def __init__(self, client: FlaskClient):
        self.client = client
        self.responses = []

    def get(self, url: str) -> str:
        response = self.client.get(url)
        self.responses.append(response)
        assert response.status_code == 200, (url, response.status_code)
        return response.get_data(as_text=True)

    def send(self, html: str, data: dict[str, str]):
        """Send the page's form with its hidden fields (form token, quick mode's question)."""
        action = unescape(ACTION_PATTERN.search(html).group(1))
        hidden = {name: unescape(value) for name, value in HIDDEN_PATTERN.findall(html)}
        hidden.pop("language", None)  # the language buttons' field, empty unless one is used
        response = self.client.post(action, data={**hidden, **data})
        self.responses.append(response)
        return response

    def finish(self, start: str, choose=varied) -> str:
        """Answer every page from ``start`` on; return the address the result opens at."""
        url = start
        for _ in range(200):
            html = self.get(url)
            answers = {name: choose(name, values) for name, values in page_options(html).items()}
            response = self.send(html, {**answers, "forward": "x"})
            assert response.status_code in (302, 303), response.get_data(as_text=True)[:2000]
            url = response.headers["Location"]
            if "/embed/r/" in url:
                return url
        raise AssertionError("the embedded quiz never ended")


def result_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Result))


def frame_ancestors(response) -> str:
    policy = response.headers["Content-Security-Policy"]
    return next(p for p in policy.split("; ") if p.startswith("frame-ancestors ")).split(" ", 1)[1]


# --- who may frame which page -------------------------------------------------------------


def embed_pages(app: Flask) -> list[str]:
    with app.test_client() as client:
        token = urlsplit(take_quiz(client).answer_every_page()).path.rsplit("/", 1)[1]
    return ["/embed/", "/embed/quiz", "/embed/quiz/2", "/embed/quiz/quick",
            f"/embed/r/{token}", "/embed/roles/data-scientist"]  # fmt: skip


def other_pages(app: Flask) -> list[str]:
    with app.test_client() as client:
        token = urlsplit(take_quiz(client).answer_every_page()).path.rsplit("/", 1)[1]
    return ["/", "/quiz", "/quiz/quick", f"/r/{token}", "/roles", "/roles/data-scientist",
            "/privacy", "/admin/sign-in", f"/oembed?url=http://localhost/r/{token}",
            f"/embed/r/{token}/mine", "/embed/no-such-page"]  # fmt: skip


def test_only_embed_pages_name_the_allowed_sites_and_drop_x_frame_options(
    embed_app: Flask, framed: FlaskClient
) -> None:
    for url in embed_pages(embed_app):
        response = framed.get(url)
        assert response.status_code == 200, url
        assert frame_ancestors(response) == " ".join(ALLOWED), url
        assert "X-Frame-Options" not in response.headers, url
        # the rest of the policy is every page's
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    for url in other_pages(embed_app):
        response = framed.get(url)
        assert frame_ancestors(response) == "'none'", url
        assert response.headers["X-Frame-Options"] == "DENY", url


@pytest.mark.parametrize("origins", ["", " , ", []])
def test_with_no_site_allowed_even_embed_pages_refuse_every_frame(
    database_url: str, origins: object
) -> None:
    for app in make_app(database_url, origins):
        client = app.test_client(use_cookies=False)
        for url in embed_pages(app):
            response = client.get(url)
            assert response.status_code == 200, url
            assert frame_ancestors(response) == "'none'", url
            assert response.headers["X-Frame-Options"] == "DENY", url


@pytest.mark.parametrize(
    ("configured", "origins"),
    [
        (
            "https://a.example https://B.example:8443",
            ["https://a.example", "https://b.example:8443"],
        ),
        ("https://a.example,https://a.example/", ["https://a.example"]),
        (["http://127.0.0.1:9000"], ["http://127.0.0.1:9000"]),
    ],
)
def test_allowed_origins_are_read_from_spaces_or_commas(
    database_url: str, configured: object, origins: list[str]
) -> None:
    for app in make_app(database_url, configured):
        assert app.config["EMBED_ALLOWED_ORIGINS"] == origins


@pytest.mark.parametrize(
    "bad",
    ["*", "https://*.example", "blog.example", "ftp://blog.example", "https://blog.example/page",
     "https://blog.example?x=1", "'self'", "https://user@blog.example", "https://blog.example:99999"],
)  # fmt: skip
def test_an_allowed_origin_that_is_not_an_origin_stops_the_app_from_starting(
    bad: str, tmp_path
) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    with pytest.raises(RuntimeError, match="EMBED_ALLOWED_ORIGINS"):
        create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url, "EMBED_ALLOWED_ORIGINS": bad})


# --- the quiz in the frame ----------------------------------------------------------------


def test_the_embedded_quiz_runs_to_a_result_without_a_cookie_or_script(
    embed_app: Flask, framed: FlaskClient
) -> None:
    taker = FramedTaker(framed)
    start = taker.get("/embed/")
    assert 'href="/embed/quiz"' in start and 'href="/embed/quiz/quick"' in start
    # compact: no site header or footer, a credit opening the site in a new tab
    assert "site-header" not in start and "site-footer" not in start
    assert re.search(r'<a href="http://localhost/" target="_blank" rel="noopener">Quiz by', start)
    assert "js/embed.js" in start

    result_url = taker.finish("/embed/quiz")
    assert result_count(embed_app) == 1
    # nothing asked the browser to keep a cookie, so a framed browser loses nothing
    assert all("Set-Cookie" not in r.headers for r in taker.responses)

    page = taker.get(result_url)
    assert "Set-Cookie" not in taker.responses[-1].headers
    assert re.search(r"<h1[^>]*>Your best fit: ", page)
    full_link = re.search(r'href="([^"]+)" target="_blank" rel="noopener">See the full', page)
    full = unescape(full_link[1])
    token = urlsplit(result_url).path.rsplit("/", 1)[1]
    assert full.startswith(f"http://localhost/embed/r/{token}/mine?own=")

    # opened in a new tab, the site's own cookie works: the full page is the owner's, once
    # with the private delete link, as after the full quiz
    tab = embed_app.test_client()
    opened = tab.get(full)
    assert opened.status_code == 303 and opened.headers["Location"] == f"/r/{token}"
    owner_page = tab.get(f"/r/{token}").get_data(as_text=True)
    assert "Your best fit" in owner_page and 'id="delete-link"' in owner_page
    again = tab.get(f"/r/{token}").get_data(as_text=True)
    assert "Your best fit" in again and 'id="delete-link"' not in again


def test_the_embedded_quick_quiz_runs_to_a_result_without_a_cookie(
    embed_app: Flask, framed: FlaskClient
) -> None:
    taker = FramedTaker(framed)
    result_url = taker.finish("/embed/quiz/quick")
    assert all("Set-Cookie" not in r.headers for r in taker.responses)
    with embed_app.app_context():
        result = db.session.scalars(select(Result)).one()
        assert result.mode == "quick"
        assert result.seconds_taken is not None
    assert "Your best fit" in taker.get(result_url)


def test_quick_modes_link_to_the_full_quiz_starts_it_afresh_in_the_frame(
    framed: FlaskClient,
) -> None:
    page = FramedTaker(framed).get("/embed/quiz/quick?lang=en")
    link = re.search(r'<a href="([^"]+)">Take the full quiz</a>', page)
    assert link and unescape(link[1]) == "/embed/quiz?lang=en"


def test_back_keeps_the_answers_and_a_gap_is_named_on_the_page_it_returns_to(
    framed: FlaskClient,
) -> None:
    taker = FramedTaker(framed)
    first = taker.get("/embed/quiz")
    answers = {name: values[0] for name, values in page_options(first).items()}
    to_second = taker.send(first, {**answers, "forward": "x"}).headers["Location"]
    second = taker.get(to_second)
    back = taker.send(second, {"back": "x"})
    assert urlsplit(back.headers["Location"]).path == "/embed/quiz/1"
    again = taker.get(back.headers["Location"])
    for name, value in answers.items():
        chosen = re.search(rf'<input [^>]*name="{name}"[^>]*value="{value}"[^>]*>', again)
        assert chosen and "checked" in chosen[0], name
    # a missing answer on the page keeps the taker there, with the question named
    refused = taker.send(second, {"forward": "x"})
    assert refused.status_code == 200
    assert "Please answer" in refused.get_data(as_text=True)


def test_a_post_without_a_page_of_ours_is_refused(embed_app: Flask, framed: FlaskClient) -> None:
    taker = FramedTaker(framed)
    first = taker.get("/embed/quiz")
    action = unescape(ACTION_PATTERN.search(first).group(1))
    token = TOKEN_PATTERN.search(first).group(1)
    state = parse_qs(urlsplit(action).query)["s"][0]
    answers = {name: values[0] for name, values in page_options(first).items()}
    other = FramedTaker(embed_app.test_client(use_cookies=False)).get("/embed/quiz")
    other_token = TOKEN_PATTERN.search(other).group(1)
    attempts = {
        "no progress": ("/embed/quiz/1", token),
        "a forged progress": ("/embed/quiz/1?s=" + state[:-4] + "AAAA", token),
        "no form token": (action, ""),
        "another quiz's token": (action, other_token),
        "quick mode's address": ("/embed/quiz/quick?s=" + state, token),
    }
    for what, (url, sent_token) in attempts.items():
        response = framed.post(url, data={"csrf_token": sent_token, "forward": "x", **answers})
        assert response.status_code == 400, what
    assert result_count(embed_app) == 0
    # the page's own form, as sent by the page, goes through
    sent = framed.post(action, data={"csrf_token": token, "forward": "x", **answers})
    assert sent.status_code == 302


def test_the_frame_keeps_the_language_it_was_opened_in(framed: FlaskClient) -> None:
    taker = FramedTaker(framed)
    first = taker.get("/embed/quiz?lang=de")
    assert '<html lang="de"' in first
    answers = {name: values[0] for name, values in page_options(first).items()}
    moved = taker.send(first, {**answers, "forward": "x"}).headers["Location"]
    assert parse_qs(urlsplit(moved).query)["lang"] == ["de"]
    assert '<html lang="de"' in taker.get(moved)


def test_a_shared_result_in_a_frame_speaks_of_them_and_links_the_public_page(
    embed_app: Flask, framed: FlaskClient
) -> None:
    with embed_app.test_client() as client:
        path = urlsplit(take_quiz(client).answer_every_page()).path
    page = FramedTaker(framed).get("/embed" + path)
    assert re.search(r"<h1[^>]*>Their best fit: ", page)
    assert f'href="http://localhost{path}" target="_blank"' in page
    # a claim for another result, or a made-up one, proves nothing
    assert "Their best fit" in framed.get(f"/embed{path}?own=made-up").get_data(as_text=True)
    assert framed.get("/embed/r/no-such-token").status_code == 404


def test_a_role_in_a_frame_links_its_full_page(framed: FlaskClient) -> None:
    page = FramedTaker(framed).get("/embed/roles/data-scientist")
    assert "<h1" in page and 'href="http://localhost/roles/data-scientist" target="_blank"' in page
    assert framed.get("/embed/roles/no-such-role").status_code == 404


# --- oEmbed -------------------------------------------------------------------------------


@pytest.fixture
def shared(embed_app: Flask) -> str:
    """The public address of a stored result."""
    with embed_app.test_client() as client:
        return "http://localhost" + urlsplit(take_quiz(client).answer_every_page()).path


def test_oembed_describes_a_result_as_a_frame_of_its_embed_view(
    framed: FlaskClient, shared: str
) -> None:
    response = framed.get("/oembed", query_string={"url": shared})
    assert response.status_code == 200 and response.mimetype == "application/json"
    answer = response.get_json()
    token = shared.rsplit("/", 1)[1]
    assert answer["version"] == "1.0" and answer["type"] == "rich"
    assert answer["title"].startswith("Their best fit: ")
    assert answer["provider_name"] == "Career Fit"
    assert answer["provider_url"] == "http://localhost/"
    assert answer["thumbnail_url"] == f"http://localhost/r/{token}.png"
    assert (answer["thumbnail_width"], answer["thumbnail_height"]) == (1200, 630)
    assert (answer["width"], answer["height"]) == (600, 640)
    assert f'src="http://localhost/embed/r/{token}"' in answer["html"]
    assert 'width="600" height="640"' in answer["html"]
    assert answer["html"].startswith("<iframe ") and "<script" not in answer["html"]
    # the result page names its oEmbed address for consumers that discover it
    page = framed.get(urlsplit(shared).path).get_data(as_text=True)
    link = re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', page)
    assert link and framed.get(unescape(link[1])).get_json() == answer


def test_oembed_describes_a_role_and_its_page_names_the_address(framed: FlaskClient) -> None:
    url = "http://localhost/roles/ml-engineer"
    answer = framed.get("/oembed", query_string={"url": url}).get_json()
    assert answer["type"] == "rich" and answer["title"].startswith("Machine Learning Engineer")
    assert 'src="http://localhost/embed/roles/ml-engineer"' in answer["html"]
    page = framed.get("/roles/ml-engineer").get_data(as_text=True)
    link = re.search(r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', page)
    assert link and framed.get(unescape(link[1])).get_json() == answer


def test_oembed_keeps_within_maxwidth_and_maxheight(framed: FlaskClient, shared: str) -> None:
    answer = framed.get(
        "/oembed", query_string={"url": shared, "maxwidth": 320, "maxheight": 400}
    ).get_json()
    assert (answer["width"], answer["height"]) == (320, 400)
    assert 'width="320" height="400"' in answer["html"]
    # the share card is 1200 x 630: too big for those bounds, so it is left out
    assert "thumbnail_url" not in answer
    roomy = framed.get("/oembed", query_string={"url": shared, "maxwidth": 2000}).get_json()
    assert roomy["width"] == 600 and roomy["thumbnail_width"] == 1200


def test_with_no_site_allowed_oembed_answers_with_a_link(database_url: str) -> None:
    for app in make_app(database_url, ""):
        client = app.test_client()
        answer = client.get(
            "/oembed", query_string={"url": "http://localhost/roles/data-scientist"}
        ).get_json()
        assert answer["type"] == "link" and "html" not in answer and "width" not in answer
        assert answer["title"].startswith("Data Scientist")


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ({"url": "http://localhost/r/no-such-token"}, 404),
        ({"url": "http://elsewhere.example/roles/data-scientist"}, 404),
        ({"url": "https://localhost.evil.example/roles/data-scientist"}, 404),
        ({"url": "http://localhost/privacy"}, 404),
        ({"url": "http://localhost/roles/no-such-role"}, 404),
        ({"url": "http://localhost/r/x/delete/y"}, 404),
        ({"url": "javascript:alert(1)"}, 404),
        ({"url": "http://localhost/roles/data-scientist", "format": "xml"}, 501),
        ({}, 400),
        ({"url": "http://localhost/roles/data-scientist", "maxwidth": "wide"}, 400),
        ({"url": "http://localhost/roles/data-scientist", "maxheight": "0"}, 400),
    ],
)
def test_oembed_refuses_what_it_cannot_describe(
    framed: FlaskClient, query: dict[str, str], status: int
) -> None:
    assert framed.get("/oembed", query_string=query).status_code == status


def test_oembed_of_a_deleted_result_is_404(embed_app: Flask) -> None:
    client = embed_app.test_client()
    taker = take_quiz(client)
    url = taker.finish()
    delete_page = client.get(taker.delete_url)
    token = TOKEN_PATTERN.search(delete_page.get_data(as_text=True)).group(1)
    assert client.post(taker.delete_url, data={"csrf_token": token}).status_code == 200
    shared = "http://localhost" + urlsplit(url).path
    assert client.get("/oembed", query_string={"url": shared}).status_code == 404


# --- the admin's snippet ------------------------------------------------------------------


def test_the_admin_page_shows_the_allowed_sites_and_the_snippet(embed_app: Flask) -> None:
    create_admin(embed_app, role="editor")
    client = embed_app.test_client()
    sign_in(client)
    response = client.get("/admin/embed")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for origin in ALLOWED:
        assert f"<code>{origin}</code>" in page
    shown = re.search(r'<textarea id="snippet-start"[^>]*>(.*?)</textarea>', page, re.S)
    snippet = unescape(shown[1])
    assert '<iframe src="http://localhost/embed/"' in snippet
    assert 'event.origin !== "http://localhost"' in snippet
    assert '"careerfit:height"' in snippet
    assert 'href="/admin/embed" aria-current="page"' in page


def test_the_admin_page_says_when_no_site_may_frame_the_quiz(database_url: str) -> None:
    for app in make_app(database_url, ""):
        create_admin(app, role="owner")
        client = app.test_client()
        sign_in(client)
        assert 'id="no-origins"' in client.get("/admin/embed").get_data(as_text=True)
