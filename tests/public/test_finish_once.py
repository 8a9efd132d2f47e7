"""A quiz run's finish sent twice stores one result: in the frame (progress in the address)
and on the site (progress in the session cookie).

A double click, a reload that sends the form again, or Back and send again all send the
last page's form once more with the progress it carried; the result is stored under the
run's one-time finish id, so the second answer leads to the first result, the group keeps
one member, and the webhook outbox one event of each kind.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from html import unescape
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import TEST_CONFIG, QuizTaker, csrf_token, page_options, varied
from sqlalchemy import func, select

from quiz import create_app
from quiz.db import db
from quiz.models import Group, GroupMember, Result, WebhookEvent
from quiz.store import groups, webhooks
from quiz.store.publishing import published_bank
from quiz.store.results import create_result, new_finish_id

ALLOWED = "https://blog.example"
ACTION_PATTERN = re.compile(r'<form method="post" action="([^"]+)"')
HIDDEN_PATTERN = re.compile(r'<input id="[^"]*" name="([^"]+)" type="hidden" value="([^"]*)"')


@pytest.fixture
def embed_app(database_url: str) -> Iterator[Flask]:
    app = create_app(
        {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, "EMBED_ALLOWED_ORIGINS": ALLOWED}
    )
    with app.app_context():
        # every event is written to the outbox only when an endpoint wants it
        webhooks.add_endpoint("https://crm.example.com/hook", [], actor="test")
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def framed(embed_app: Flask) -> FlaskClient:
    """A browser in a frame of another site: it sends and keeps no cookie of ours."""
    return embed_app.test_client(use_cookies=False)


def make_group(app: Flask) -> tuple[int, str]:
    with app.app_context():
        group = groups.create_group("Evening class", None, None, actor="test")
        db.session.commit()
        return group.id, group.join_code


def form_of(html: str, data: dict[str, str]) -> tuple[str, dict[str, str]]:
    """Return the page form's address and what it sends: its hidden fields and ``data``."""
    action = unescape(ACTION_PATTERN.search(html).group(1))
    hidden = {name: unescape(value) for name, value in HIDDEN_PATTERN.findall(html)}
    hidden.pop("language", None)
    return action, {**hidden, **data}


def last_embedded_page(client: FlaskClient, url: str) -> tuple[str, dict[str, str]]:
    """Answer every page from ``url``, the last one once; return the last page's form, to
    send it again as a browser would."""
    for _ in range(200):
        html = client.get(url).get_data(as_text=True)
        answers = {name: varied(name, values) for name, values in page_options(html).items()}
        action, data = form_of(html, {**answers, "forward": "x"})
        # the answer says whether this page was the last: it leads to the result then
        sent = client.post(action, data=data)
        assert sent.status_code in (302, 303), sent.get_data(as_text=True)[:2000]
        if "/embed/r/" in sent.headers["Location"]:
            return action, data
        url = sent.headers["Location"]
    raise AssertionError("the embedded quiz never ended")


def counts(app: Flask) -> dict[str, int]:
    with app.app_context():
        events = dict(
            db.session.execute(
                select(WebhookEvent.type, func.count()).group_by(WebhookEvent.type)
            ).all()
        )
        return {
            "results": db.session.scalar(select(func.count()).select_from(Result)),
            "members": db.session.scalar(select(func.count()).select_from(GroupMember)),
            "result.created": events.get("result.created", 0),
            "group.member_finished": events.get("group.member_finished", 0),
        }


def join(client: FlaskClient, code: str) -> tuple[str, dict[str, str]]:
    """Open a group's join page in the frame; return its form, filled in, unsent."""
    html = client.get(f"/embed/g/{code}").get_data(as_text=True)
    return form_of(html, {"mode": "full", "display_name": "Ada", "shares_result": "y"})


def test_the_last_embedded_page_sent_twice_stores_one_result_one_member_one_event(
    embed_app: Flask, framed: FlaskClient
) -> None:
    group_id, code = make_group(embed_app)
    action, data = join(framed, code)
    joined = framed.post(action, data=data)
    assert joined.status_code == 303
    action, data = last_embedded_page(framed, joined.headers["Location"])
    # the last page was sent once above; twice more, as a double click sends it
    first = framed.post(action, data=data)
    second = framed.post(action, data=data)
    assert first.status_code == second.status_code == 303
    paths = {urlsplit(r.headers["Location"]).path for r in (first, second)}
    assert len(paths) == 1 and next(iter(paths)).startswith("/embed/r/")
    assert counts(embed_app) == {
        "results": 1,
        "members": 1,
        "result.created": 1,
        "group.member_finished": 1,
    }
    # every answer leads to the result as its owner sees it, with the claim to it
    for response in (first, second):
        shown = framed.get(response.headers["Location"]).get_data(as_text=True)
        assert "Your result" in shown and "/mine?" in shown
    with embed_app.app_context():
        group = db.session.get_one(Group, group_id)
        assert group.started == 1


def test_the_join_form_sent_twice_counts_one_start_and_finishes_one_member(
    embed_app: Flask, framed: FlaskClient
) -> None:
    group_id, code = make_group(embed_app)
    action, data = join(framed, code)
    once, twice = framed.post(action, data=data), framed.post(action, data=data)
    assert once.status_code == twice.status_code == 303
    # both runs are taken to the end: they are one run, finished once
    for joined in (once, twice):
        last_embedded_page(framed, joined.headers["Location"])
    assert counts(embed_app)["results"] == 1
    assert counts(embed_app)["members"] == 1
    with embed_app.app_context():
        assert db.session.get_one(Group, group_id).started == 1


def test_two_finishes_of_one_run_at_once_store_one_row(
    embed_app: Flask, framed: FlaskClient
) -> None:
    _, code = make_group(embed_app)
    action, data = join(framed, code)
    joined = framed.post(action, data=data)
    action, data = last_embedded_page(framed, joined.headers["Location"])
    start = threading.Barrier(4)
    answers: list[int] = []

    def finish() -> None:
        client = embed_app.test_client(use_cookies=False)
        start.wait()
        answers.append(client.post(action, data=data).status_code)

    threads = [threading.Thread(target=finish) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [303] * 4
    assert counts(embed_app) == {
        "results": 1,
        "members": 1,
        "result.created": 1,
        "group.member_finished": 1,
    }


def test_the_store_keeps_the_first_result_of_a_finish_id_with_the_same_delete_key(
    embed_app: Flask,
) -> None:
    with embed_app.app_context():
        version_id = db.session.scalar(select(func.max(Result.quiz_version_id))) or 1
        bank = published_bank(version_id)
        answers = {q.key: q.options[0].key for q in bank.questions}
        other = {q.key: q.options[-1].key for q in bank.questions}
        finish_id = new_finish_id()
        first, first_key = create_result(bank, version_id, answers, finish_id=finish_id)
        db.session.commit()
        token = first.share_token
        db.session.expunge_all()  # as a second request, which has never seen the row
        again, again_key = create_result(bank, version_id, other, finish_id=finish_id)
        db.session.commit()
        assert again.share_token == token and again.answers == answers
        assert again_key == first_key
        fresh, fresh_key = create_result(bank, version_id, answers, finish_id=new_finish_id())
        db.session.commit()
        assert fresh.share_token != token and fresh_key != first_key
    assert counts(embed_app)["results"] == 2
    assert counts(embed_app)["result.created"] == 2


def test_the_site_quiz_finished_twice_with_the_same_cookie_stores_one_result(
    embed_app: Flask,
) -> None:
    client = embed_app.test_client()
    taker = QuizTaker(client)
    name = embed_app.config["SESSION_COOKIE_NAME"]
    page = 1
    while True:
        html = taker.open(page)
        answers = {key: varied(key, values) for key, values in page_options(html).items()}
        data = {"csrf_token": csrf_token(html), "forward": "x", **answers}
        # a double click sends the cookie as it was before either answer came back
        before = client.get_cookie(name).value
        response = client.post(f"/quiz/{page}", data=data)
        assert response.status_code == 302
        if "/r/" in response.headers["Location"]:
            break
        page += 1
    client.set_cookie(name, before)
    again = client.post(f"/quiz/{page}", data=data)
    assert again.status_code == 302
    assert again.headers["Location"] == response.headers["Location"]
    assert counts(embed_app)["results"] == 1
    assert counts(embed_app)["result.created"] == 1
    # the second answer still hands the taker the private delete link
    shown = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "Your private delete link" in shown
