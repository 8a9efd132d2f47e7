"""The question table's bulk activate and move-to-place refuse a copy of the table that is out
of date: a colleague's change is never overwritten by a page loaded before it."""

from __future__ import annotations

import re
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import create_admin, csrf_token, sign_in
from sqlalchemy import select

from quiz.db import db
from quiz.models import AuditEntry, Question

LIST = "/admin/questions"
SECOND_ADMIN = "second@example.com"


@pytest.fixture
def second_admin(app: Flask) -> FlaskClient:
    """Another admin, signed in on their own client."""
    create_admin(app, email=SECOND_ADMIN)
    client = app.test_client()
    assert sign_in(client, email=SECOND_ADMIN).status_code == 302
    return client


def states(app: Flask) -> list[tuple[str, bool]]:
    """Return every question's key and whether it is active, in order."""
    with app.app_context():
        return [
            (q.key, q.active)
            for q in db.session.scalars(select(Question).order_by(Question.position, Question.id))
        ]


def audit_actions(app: Flask) -> list[str]:
    with app.app_context():
        return [e.action for e in db.session.scalars(select(AuditEntry)) if e.action != "publish"]


def ticks(html: str) -> dict[str, str]:
    """Return each row's checkbox value (id and revision) by the row's question id."""
    return {
        value.split(":")[0]: value
        for value in re.findall(r'name="question" value="(\d+:\d+)"', html)
    }


def question_id(app: Flask, key: str) -> str:
    with app.app_context():
        return str(db.session.scalar(select(Question.id).where(Question.key == key)))


def alert(html: str) -> str:
    return unescape(re.search(r'<p class="form-error" role="alert">([^<]+)</p>', html).group(1))


def test_a_bulk_change_from_a_stale_table_is_refused_and_changes_nothing(
    app, admin_client, second_admin
):
    stale = second_admin.get(LIST).get_data(as_text=True)
    q02, q03 = question_id(app, "q02"), question_id(app, "q03")

    # the first admin deactivates q02 from a fresh table
    fresh = admin_client.get(LIST).get_data(as_text=True)
    response = admin_client.post(
        "/admin/questions/active",
        data={"csrf_token": csrf_token(fresh), "question": [ticks(fresh)[q02]], "active": "0"},
    )
    assert response.status_code == 302
    after_first = states(app)
    audited = audit_actions(app)

    # the second admin, from the table loaded before, activates q02 and q03 at once
    response = second_admin.post(
        "/admin/questions/active",
        data={
            "csrf_token": csrf_token(stale),
            "question": [ticks(stale)[q02], ticks(stale)[q03]],
            "active": "1",
        },
    )
    assert response.status_code == 409
    assert alert(response.get_data(as_text=True)) == (
        "Someone else changed question q02 after this page was loaded, so nothing was "
        "changed. The list below shows the questions as they are now."
    )
    assert states(app) == after_first
    assert ("q02", False) in after_first
    assert audit_actions(app) == audited
    # the table sent back carries the new revisions: from it, the change goes through
    current = response.get_data(as_text=True)
    assert ticks(current)[q02] != ticks(stale)[q02]
    response = second_admin.post(
        "/admin/questions/active",
        data={
            "csrf_token": csrf_token(current),
            "question": [ticks(current)[q02], ticks(current)[q03]],
            "active": "1",
        },
    )
    assert response.status_code == 302
    assert ("q02", True) in states(app)


def test_a_bulk_change_without_revisions_is_refused(app, admin_client):
    html = admin_client.get(LIST).get_data(as_text=True)
    before = states(app)
    response = admin_client.post(
        "/admin/questions/active",
        data={"csrf_token": csrf_token(html), "question": [question_id(app, "q02")], "active": "0"},
    )
    assert response.status_code == 400
    assert alert(response.get_data(as_text=True)) == "Some of the ticked questions do not exist."
    assert states(app) == before


def test_a_move_to_a_place_from_a_stale_table_is_refused_and_moves_nothing(
    app, admin_client, second_admin
):
    stale = second_admin.get(LIST).get_data(as_text=True)
    stale_mark = re.search(r'name="order" value="([0-9a-f]+)"', stale).group(1)
    fresh = admin_client.get(LIST).get_data(as_text=True)
    fresh_mark = re.search(r'name="order" value="([0-9a-f]+)"', fresh).group(1)
    assert fresh_mark == stale_mark

    moved = admin_client.post(
        f"/admin/questions/{question_id(app, 'q05')}/place",
        data={"csrf_token": csrf_token(fresh), "place": "1", "order": fresh_mark},
    )
    assert moved.status_code == 302
    after_first = states(app)
    assert after_first[0][0] == "q05"

    url = f"/admin/questions/{question_id(app, 'q02')}/place"
    for mark in (stale_mark, "", None):
        data = {"csrf_token": csrf_token(stale), "place": "3"}
        if mark is not None:
            data["order"] = mark
        response = second_admin.post(url, data=data)
        assert response.status_code == 409
        assert alert(response.get_data(as_text=True)) == (
            "Someone else changed the order of the questions after this page was loaded, so "
            "question q02 was not moved. The list below shows the order as it is now."
        )
        assert states(app) == after_first
    # the table sent back carries the order as it is now: from it, the move goes through
    current = re.search(r'name="order" value="([0-9a-f]+)"', response.get_data(as_text=True)).group(
        1
    )
    assert current != stale_mark
    response = second_admin.post(
        url, data={"csrf_token": csrf_token(stale), "place": "3", "order": current}
    )
    assert response.status_code == 302
    assert [key for key, _ in states(app)][:3] == ["q05", "q01", "q02"]
