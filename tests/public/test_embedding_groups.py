"""A group's join link in another site's frame: /embed/g/<code>, then the quiz, then the group.

Taken, as in test_embedding.py, by a client that keeps no cookies, as a framed browser does:
the group joined travels inside the quiz's signed progress, never in a cookie.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import TEST_CONFIG, create_admin, page_options, sign_in, varied
from sqlalchemy import func, select

from quiz import create_app
from quiz.db import db
from quiz.models import Group, GroupMember, Result
from quiz.store import groups

ALLOWED = "https://blog.example"
ACTION_PATTERN = re.compile(r'<form method="post" action="([^"]+)"')
HIDDEN_PATTERN = re.compile(r'<input id="[^"]*" name="([^"]+)" type="hidden" value="([^"]*)"')


@pytest.fixture
def embed_app(database_url: str) -> Iterator[Flask]:
    app = create_app(
        {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, "EMBED_ALLOWED_ORIGINS": ALLOWED}
    )
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def framed(embed_app: Flask) -> FlaskClient:
    """A browser in a frame of another site: it sends and keeps no cookie of ours."""
    return embed_app.test_client(use_cookies=False)


def make_group(app: Flask, name: str = "Evening class", closed: bool = False) -> tuple[int, str]:
    with app.app_context():
        group = groups.create_group(name, None, None, actor="test")
        if closed:
            groups.close_group(group)
        db.session.commit()
        return group.id, group.join_code


def send(client: FlaskClient, html: str, data: dict[str, str], action: str | None = None):
    """Send the page's form with its hidden fields (its token, quick mode's question)."""
    action = action or unescape(ACTION_PATTERN.search(html).group(1))
    hidden = {name: unescape(value) for name, value in HIDDEN_PATTERN.findall(html)}
    hidden.pop("language", None)
    return client.post(action, data={**hidden, **data})


def no_cookie(*responses) -> None:
    assert all("Set-Cookie" not in r.headers for r in responses)


def join_and_finish(client: FlaskClient, code: str, **join: str) -> tuple[str, list]:
    """Join in the frame and answer every page; return the result's address and responses."""
    page = client.get(f"/embed/g/{code}")
    assert page.status_code == 200
    sent = send(client, page.get_data(as_text=True), {"mode": "full", **join})
    assert sent.status_code == 303, sent.get_data(as_text=True)[:2000]
    responses = [page, sent]
    url = sent.headers["Location"]
    assert urlsplit(url).path == f"/embed/g/{code}/quiz"
    for _ in range(200):
        shown = client.get(url)
        assert shown.status_code == 200, url
        html = shown.get_data(as_text=True)
        answers = {name: varied(name, values) for name, values in page_options(html).items()}
        response = send(client, html, {**answers, "forward": "x"})
        responses += [shown, response]
        assert response.status_code in (302, 303), response.get_data(as_text=True)[:2000]
        url = response.headers["Location"]
        if "/embed/r/" in url:
            return url, responses
    raise AssertionError("the embedded group quiz never ended")


def summary(app: Flask, group_id: int) -> dict:
    create_admin(app)
    with app.test_client() as admin:
        sign_in(admin)
        response = admin.get(f"/admin/groups/{group_id}/summary.json")
        assert response.status_code == 200
        return response.get_json()


def test_joining_in_the_frame_puts_the_result_in_the_group_without_a_cookie(
    embed_app: Flask, framed: FlaskClient
) -> None:
    group_id, code = make_group(embed_app)
    page = framed.get(f"/embed/g/{code}")
    html = page.get_data(as_text=True)
    assert "Join Evening class" in html and "owner will see" in html
    # framed as the other embed pages are
    assert "frame-ancestors https://blog.example" in page.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in page.headers

    result_url, responses = join_and_finish(framed, code, display_name="Ada", shares_result="y")
    no_cookie(*responses)
    token = urlsplit(result_url).path.rsplit("/", 1)[1]
    with embed_app.app_context():
        member = db.session.scalar(select(GroupMember).where(GroupMember.group_id == group_id))
        assert member is not None and member.result.share_token == token

    data = summary(embed_app, group_id)
    assert data["opened"] == 2  # this test's first look, then the join's own page
    assert data["started"] == 1
    assert data["finished"] == 1
    assert data["members"][0]["display_name"] == "Ada"
    assert data["members"][0]["share_token"] == token
    assert data["members"][0]["mode"] == "full"


def test_quick_mode_joined_in_the_frame_without_sharing_keeps_the_result_private(
    embed_app: Flask, framed: FlaskClient
) -> None:
    group_id, code = make_group(embed_app)
    html = framed.get(f"/embed/g/{code}").get_data(as_text=True)
    sent = send(framed, html, {"mode": "quick"})
    assert sent.status_code == 303
    url = sent.headers["Location"]
    assert urlsplit(url).path == f"/embed/g/{code}/quiz/quick"
    # its link to the full quiz goes back to the group's join page, where that is chosen
    assert f'href="/embed/g/{code}">' in framed.get(url).get_data(as_text=True)
    for _ in range(200):
        page = framed.get(url).get_data(as_text=True)
        answers = {name: varied(name, values) for name, values in page_options(page).items()}
        response = send(framed, page, {**answers, "forward": "x"})
        assert response.status_code in (302, 303)
        url = response.headers["Location"]
        if "/embed/r/" in url:
            break
    data = summary(embed_app, group_id)
    assert data["finished"] == 1
    assert data["members"][0]["mode"] == "quick"
    assert data["members"][0]["display_name"] is None
    assert data["members"][0]["share_token"] is None


def tampered(url: str) -> str:
    """Change one character of the signed ``s`` in ``url``."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    value = query["s"][0]
    at = len(value) // 2
    query["s"] = [value[:at] + ("A" if value[at] != "A" else "B") + value[at + 1 :]]
    return urlunsplit(parts._replace(query=urlencode(query, doseq=True)))


def test_a_tampered_progress_or_ticket_is_refused_and_joins_nobody(
    embed_app: Flask, framed: FlaskClient
) -> None:
    group_id, code = make_group(embed_app)
    html = framed.get(f"/embed/g/{code}").get_data(as_text=True)
    action = unescape(ACTION_PATTERN.search(html).group(1))
    # the join form's ticket, changed
    refused = send(framed, html, {"mode": "full"}, action=tampered(action))
    assert refused.status_code == 400
    # no ticket at all: a form sent from another site
    assert send(framed, html, {"mode": "full"}, action=f"/embed/g/{code}").status_code == 400
    # a real ticket with a made-up token
    forged = framed.post(action, data={"csrf_token": "x" * 64, "mode": "full"})
    assert forged.status_code == 400

    # the quiz's progress, changed on the way to the next page
    url = send(framed, html, {"mode": "full"}).headers["Location"]
    page = framed.get(url).get_data(as_text=True)
    answers = {name: varied(name, values) for name, values in page_options(page).items()}
    next_action = unescape(ACTION_PATTERN.search(page).group(1))
    response = send(framed, page, {**answers, "forward": "x"}, action=tampered(next_action))
    assert response.status_code == 400
    # a plain embedded quiz's progress carries no group: it cannot be sent to a group's quiz
    plain = framed.get("/embed/quiz").get_data(as_text=True)
    plain_action = unescape(ACTION_PATTERN.search(plain).group(1))
    query = urlsplit(plain_action).query
    assert send(framed, plain, {}, action=f"/embed/g/{code}/quiz?{query}").status_code == 400
    # a group's quick progress on the plain quick page: the quiz goes on (it is ours)
    quick_html = framed.get(f"/embed/g/{code}").get_data(as_text=True)
    quick_url = send(framed, quick_html, {"mode": "quick"}).headers["Location"]
    plain_quick = framed.get("/embed/quiz/quick?" + urlsplit(quick_url).query)
    assert plain_quick.status_code == 200
    # and without a joined group, the group's quiz page sends the frame to the join page
    bare = framed.get(f"/embed/g/{code}/quiz")
    assert bare.status_code == 303 and urlsplit(bare.headers["Location"]).path == f"/embed/g/{code}"

    with embed_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(GroupMember)) == 0
        assert db.session.scalar(select(func.count()).select_from(Result)) == 0
        assert db.session.get(Group, group_id).started == 2  # the two real joins


def test_a_closed_or_unknown_group_answers_politely_in_the_frame(
    embed_app: Flask, framed: FlaskClient
) -> None:
    group_id, code = make_group(embed_app, "Spring bootcamp", closed=True)
    closed = framed.get(f"/embed/g/{code}")
    assert closed.status_code == 410
    html = closed.get_data(as_text=True)
    assert "This group is closed" in html and "Spring bootcamp" in html
    assert "frame-ancestors https://blog.example" in closed.headers["Content-Security-Policy"]
    # sending the form anyway joins nobody
    assert framed.post(f"/embed/g/{code}", data={"mode": "full"}).status_code == 410
    unknown = framed.get("/embed/g/a-join-code-no-group-has-0000000")
    assert unknown.status_code == 404
    assert "No group has this link" in unknown.get_data(as_text=True)
    no_cookie(closed, unknown)
    with embed_app.app_context():
        group = db.session.get(Group, group_id)
        assert (group.opened, group.started) == (0, 0)


def test_a_group_closed_while_its_quiz_is_taken_in_the_frame_still_takes_the_result(
    embed_app: Flask, framed: FlaskClient
) -> None:
    """As with the join link outside a frame: whoever joined before it closed is counted."""
    group_id, code = make_group(embed_app)
    html = framed.get(f"/embed/g/{code}").get_data(as_text=True)
    url = send(framed, html, {"mode": "full"}).headers["Location"]
    with embed_app.app_context():
        groups.close_group(db.session.get(Group, group_id))
        db.session.commit()
    for _ in range(200):
        page = framed.get(url).get_data(as_text=True)
        answers = {name: varied(name, values) for name, values in page_options(page).items()}
        url = send(framed, page, {**answers, "forward": "x"}).headers["Location"]
        if "/embed/r/" in url:
            break
    assert summary(embed_app, group_id)["finished"] == 1


def test_the_join_page_in_german(embed_app: Flask, framed: FlaskClient) -> None:
    _, code = make_group(embed_app)
    html = framed.get(f"/embed/g/{code}?lang=de").get_data(as_text=True)
    assert "Evening class beitreten" in html and "Was die Person sieht, der die Gruppe" in html
    assert f"/embed/g/{code}?" in html and "lang=de" in html


def test_the_admin_group_page_and_the_embedding_page_show_the_groups_frame(
    embed_app: Flask,
) -> None:
    group_id, code = make_group(embed_app)
    create_admin(embed_app)
    with embed_app.test_client() as admin:
        sign_in(admin)
        page = admin.get(f"/admin/groups/{group_id}").get_data(as_text=True)
        frame = f"&lt;iframe src=&#34;http://localhost/embed/g/{code}&#34;"
        assert frame in page
        embedding = admin.get("/admin/embed").get_data(as_text=True)
        assert frame in embedding and "Evening class" in embedding
