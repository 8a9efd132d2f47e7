"""The admin's question table: search and filters, moving to a place, activating several."""

from __future__ import annotations

import re
from html import unescape

from admin_pages import listed
from flask import Flask
from flask.testing import FlaskClient
from helpers import form_token
from sqlalchemy import select

from quiz.db import db
from quiz.models import AuditEntry, Question
from quiz.store.drafts import draft_bank

LIST = "/admin/questions"


def document(app: Flask) -> dict:
    with app.app_context():
        return draft_bank().to_document()


def question_id(app: Flask, key: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Question.id).where(Question.key == key))


def audit_trail(app: Flask) -> list[tuple[str, str, str]]:
    with app.app_context():
        return [
            (e.admin_email, e.action, e.target)
            for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
            if e.action != "publish"  # seeding publishes the default bank
        ]


def keys(client: FlaskClient, query: str = "") -> list[str]:
    response = client.get(LIST + query)
    assert response.status_code == 200
    return [entry["Key"] for entry in listed(response.get_data(as_text=True))]


def count_line(client: FlaskClient, query: str = "") -> str:
    html = client.get(LIST + query).get_data(as_text=True)
    return re.search(r'<p class="question-count"[^>]*>([^<]+)</p>', html).group(1)


def all_keys(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(Question.key).order_by(Question.position)))


def order_mark(client: FlaskClient) -> str:
    """Return the order mark the table's move forms carry."""
    html = client.get(LIST).get_data(as_text=True)
    return re.search(r'name="order" value="([0-9a-f]+)"', html).group(1)


def ticked(app: Flask, key: str) -> str:
    """Return a question's checkbox value as the table shows it: its id and its revision."""
    with app.app_context():
        question = db.session.scalar(select(Question).where(Question.key == key))
        return f"{question.id}:{question.revision}"


def move_to(client: FlaskClient, app: Flask, key: str, place: str):
    token = form_token(client, LIST)
    url = f"/admin/questions/{question_id(app, key)}/place"
    return client.post(url, data={"csrf_token": token, "place": place, "order": order_mark(client)})


def set_active(client: FlaskClient, app: Flask, questions: list[str], active: str):
    token = form_token(client, LIST)
    values = [ticked(app, key) for key in questions]
    return client.post(
        "/admin/questions/active",
        data={"csrf_token": token, "question": values, "active": active},
    )


def alert(html: str) -> str:
    match = re.search(r'<p class="form-error" role="alert">([^<]+)</p>', html)
    assert match, "no alert on the page"
    return unescape(match.group(1))


# --- the table ---------------------------------------------------------------------------


def test_table_lists_every_question_with_its_link_kind_state_measures_and_role(app, admin_client):
    html = admin_client.get(LIST).get_data(as_text=True)
    entries = listed(html)
    draft = document(app)["questions"]
    assert [e["Key"] for e in entries] == [q["key"] for q in draft]
    assert [e["number"] for e in entries] == [str(n) for n in range(1, len(draft) + 1)]
    assert [e["prompt"] for e in entries] == [q["prompt"] for q in draft]
    assert {e["State"] for e in entries} == {"Active"}
    # q01 weighs only on data exploration, which only Data Scientists draw on
    assert entries[0]["Kind"] == "Agreement statement"
    assert entries[0]["Moves most"] == "Data Scientist"
    assert entries[0]["Measures"] == "Data exploration & visual storytelling"
    assert entries[1]["Kind"] == "Choice"
    link = f'<a href="/admin/questions/{question_id(app, "q01")}">'
    assert link in html
    assert f"{len(draft)} of {len(draft)} questions" == count_line(admin_client)
    assert html.count('type="checkbox" form="bulk-form" name="question"') == len(draft)


# --- search and filters ------------------------------------------------------------------


def test_search_finds_text_in_prompts_and_in_option_labels(app, admin_client):
    draft = document(app)["questions"]
    prompt_word = "desk"  # q02: "A new set of data lands on your desk."
    expected = [q["key"] for q in draft if prompt_word in q["prompt"].lower()]
    assert "q02" in expected
    assert keys(admin_client, f"?q={prompt_word.upper()}") == expected

    choice = next(q for q in draft if q["kind"] == "choice")
    label = choice["options"][-1]["label"]
    found = keys(admin_client, "?q=" + label)
    assert choice["key"] in found
    assert len(found) < len(draft)


def test_filter_by_kind_and_state(app, admin_client):
    draft = document(app)["questions"]
    choices = [q["key"] for q in draft if q["kind"] == "choice"]
    likerts = [q["key"] for q in draft if q["kind"] == "likert"]
    assert choices and likerts
    assert keys(admin_client, "?kind=choice") == choices
    assert keys(admin_client, "?kind=likert") == likerts
    assert count_line(admin_client, "?kind=choice") == f"{len(choices)} of {len(draft)} questions"

    assert set_active(admin_client, app, ["q03", "q05"], "0").status_code == 302
    assert keys(admin_client, "?state=inactive") == ["q03", "q05"]
    assert "q03" not in keys(admin_client, "?state=active")
    assert len(keys(admin_client, "?state=active")) == len(draft) - 2


def test_filter_by_dimension_and_by_role_moved_most(app, admin_client):
    entries = listed(admin_client.get(LIST).get_data(as_text=True))
    exploring = [
        e["Key"]
        for e in entries
        if "Data exploration & visual storytelling" in e["Measures"].split(", ")
    ]
    assert "q01" in exploring
    assert keys(admin_client, "?dimension=exploration") == exploring

    scientist = [e["Key"] for e in entries if e["Moves most"] == "Data Scientist"]
    assert "q01" in scientist and len(scientist) < len(entries)
    assert keys(admin_client, "?role=data-scientist") == scientist
    # filters combine, and the URL alone reproduces the view
    both = [k for k in scientist if k in exploring and k in keys(admin_client, "?kind=likert")]
    assert keys(admin_client, "?role=data-scientist&dimension=exploration&kind=likert") == both


def test_a_search_that_matches_nothing_says_so(admin_client):
    html = admin_client.get(LIST + "?q=zzzz-no-such-text").get_data(as_text=True)
    assert "No question matches this search." in html
    assert listed(html) == []
    assert count_line(admin_client, "?q=zzzz-no-such-text").startswith("0 of ")
    assert 'value="zzzz-no-such-text"' in html


# --- moving to a place -------------------------------------------------------------------


def test_move_to_first_middle_and_last_place(app, admin_client):
    start = all_keys(app)
    last = len(start)

    assert move_to(admin_client, app, "q05", "1").status_code == 302
    assert all_keys(app)[:6] == ["q05", "q01", "q02", "q03", "q04", "q06"]
    assert "Question q05 is now number 1." in admin_client.get(LIST).get_data(as_text=True)
    assert keys(admin_client)[0] == "q05"

    assert move_to(admin_client, app, "q05", "3").status_code == 302
    assert all_keys(app)[:4] == ["q01", "q02", "q05", "q03"]

    assert move_to(admin_client, app, "q01", str(last)).status_code == 302
    assert all_keys(app)[-1] == "q01"
    assert sorted(all_keys(app)) == sorted(start)
    moves = [entry for entry in audit_trail(app) if entry[1] == "move question"]
    assert [target for _email, _action, target in moves] == [
        "question q05",
        "question q05",
        "question q01",
    ]


def test_move_out_of_range_or_not_a_number_is_refused_with_a_clear_400(app, admin_client):
    before = all_keys(app)
    for place in ("0", str(len(before) + 1), "-3"):
        response = move_to(admin_client, app, "q02", place)
        assert response.status_code == 400
        assert alert(response.get_data(as_text=True)) == (
            f"Choose a place from 1 to {len(before)}: the draft has {len(before)} questions."
        )
    response = move_to(admin_client, app, "q02", "first")
    assert response.status_code == 400
    assert "as a number" in alert(response.get_data(as_text=True))
    assert all_keys(app) == before


# --- activating several ------------------------------------------------------------------


def test_bulk_deactivate_then_activate_records_each_question(app, admin_client):
    response = set_active(admin_client, app, ["q02", "q04"], "0")
    assert response.status_code == 302
    assert "2 questions deactivated." in admin_client.get(LIST).get_data(as_text=True)
    assert {"q02", "q04"}.isdisjoint(q["key"] for q in document(app)["questions"])
    states = {e["Key"]: e["State"] for e in listed(admin_client.get(LIST).get_data(as_text=True))}
    assert states["q02"] == states["q04"] == "Inactive"
    assert states["q03"] == "Active"

    assert set_active(admin_client, app, ["q02", "q04"], "1").status_code == 302
    assert {"q02", "q04"} <= {q["key"] for q in document(app)["questions"]}
    assert [(action, target) for _email, action, target in audit_trail(app)] == [
        ("deactivate question", "question q02"),
        ("deactivate question", "question q04"),
        ("activate question", "question q02"),
        ("activate question", "question q04"),
    ]


def test_bulk_with_none_selected_or_an_unknown_id_is_refused_with_a_clear_400(app, admin_client):
    before = document(app)
    token = form_token(admin_client, LIST)
    response = admin_client.post(
        "/admin/questions/active", data={"csrf_token": token, "active": "0"}
    )
    assert response.status_code == 400
    assert alert(response.get_data(as_text=True)) == "Tick at least one question first."

    for unknown in ("99999:1", "abc", str(question_id(app, "q02"))):
        ids = [ticked(app, "q01"), unknown]
        response = admin_client.post(
            "/admin/questions/active", data={"csrf_token": token, "question": ids, "active": "0"}
        )
        assert response.status_code == 400
        assert "do not exist" in alert(response.get_data(as_text=True))
    assert document(app) == before
    assert audit_trail(app) == []


def test_the_new_forms_refuse_a_missing_csrf_token(app, admin_client):
    before = document(app)
    q02 = str(question_id(app, "q02"))
    response = admin_client.post(f"/admin/questions/{q02}/place", data={"place": "1"})
    assert response.status_code == 400
    response = admin_client.post("/admin/questions/active", data={"question": [q02], "active": "0"})
    assert response.status_code == 400
    assert document(app) == before
    assert audit_trail(app) == []


def test_moving_or_changing_from_a_filtered_table_comes_back_to_the_same_filters(app, admin_client):
    html = admin_client.get(LIST + "?kind=choice&q=data").get_data(as_text=True)
    assert '<input type="hidden" name="kind" value="choice">' in html
    token = form_token(admin_client, LIST)
    q02 = str(question_id(app, "q02"))
    kept = {"kind": "choice", "q": "data"}
    mark = order_mark(admin_client)
    response = admin_client.post(
        f"/admin/questions/{q02}/place",
        data={"csrf_token": token, "place": "1", "order": mark, **kept},
    )
    assert response.headers["Location"] == f"/admin/questions?q=data&kind=choice#question-{q02}"
    response = admin_client.post(
        "/admin/questions/active",
        data={"csrf_token": token, "question": [ticked(app, "q02")], "active": "0", **kept},
    )
    assert response.headers["Location"] == "/admin/questions?q=data&kind=choice"
