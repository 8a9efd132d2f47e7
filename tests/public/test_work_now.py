"""The optional, unscored question "what do you do now?" after a result.

Only the result's owner is asked: the first view of a new result, and the private page the
delete key opens. A visitor with the share link never sees the question nor the answer. It
is checked through the real app on SQLite and PostgreSQL.
"""

from __future__ import annotations

import html
import json
import re
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import DELETE_LINK_PATTERN, csrf_token, finish_quiz
from sqlalchemy import select

from quiz.db import db
from quiz.models import Result
from quiz.store.self_reports import OTHER_WORK
from quiz.web.banks import shown_bank

WORK_FORM = re.compile(r'<form method="post" action="([^"]*/work/[^"]+)" class="work-now-form"')
RADIO = re.compile(
    r'<label class="option" for="(work_now-\d+)"><input[^>]* id="\1" name="work_now"'
    r'[^>]* value="([^"]+)"[^>]*> <span>([^<]+)</span></label>'
)
QUESTION = "What describes your work now?"


class Owner:
    """A taker who has just finished: the first view of their result, and its private paths."""

    def __init__(self, client: FlaskClient):
        self.client = client
        self.share_path = finish_quiz(client)
        self.token = self.share_path.removeprefix("/r/")
        self.first_view = client.get(self.share_path).get_data(as_text=True)
        delete_link = DELETE_LINK_PATTERN.search(self.first_view)
        assert delete_link, "the first view of a new result shows its private delete link"
        self.delete_path = urlsplit(html.unescape(delete_link[1])).path
        form = WORK_FORM.search(self.first_view)
        assert form, "the first view of a new result asks what the owner does now"
        self.work_path = html.unescape(form[1])

    def answer(self, work_now: str | None, years: str = "", page: str | None = None):
        token = csrf_token(page or self.client.get(self.work_path).get_data(as_text=True))
        data = {"csrf_token": token, "work_years": years, "save": "Save"}
        if work_now is not None:
            data["work_now"] = work_now
        return self.client.post(self.work_path, data=data)


def stored(app: Flask, token: str) -> tuple[str | None, int | None, object]:
    with app.app_context():
        result = db.session.scalar(select(Result).where(Result.share_token == token))
        return result.work_now, result.work_years, result.work_reported_at


def role_names(app: Flask, token: str, language: str) -> dict[str, str]:
    with app.app_context():
        version_id = db.session.scalar(
            select(Result.quiz_version_id).where(Result.share_token == token)
        )
    with app.test_request_context():
        return {role.key: role.name for role in shown_bank(version_id, language).roles}


def test_the_owner_is_asked_after_their_result_and_their_answer_is_kept(app, client):
    owner = Owner(client)
    page = owner.first_view
    assert page.index('id="next-heading"') < page.index(QUESTION), "asked after the result"
    assert "never changes your result" in page
    offered = {value: label for _, value, label in RADIO.findall(page)}
    roles = role_names(app, owner.token, "en")
    assert offered == {
        **roles,
        "other-data-software": "Another data or software role",
        "student-or-changer": "Student or changing careers",
        "something-else": "Something else",
    }
    assert list(offered)[-3:] == list(OTHER_WORK)
    assert 'name="work_years"' in page and 'inputmode="numeric"' in page

    chosen = next(iter(roles))
    response = owner.answer(chosen, "4", page=page)  # straight from the result page's form
    assert response.status_code == 303
    assert urlsplit(response.location).path == owner.work_path
    work_now, years, reported_at = stored(app, owner.token)
    assert (work_now, years) == (chosen, 4)
    assert reported_at is not None

    private = client.get(owner.work_path)
    assert private.status_code == 200
    assert private.headers["Cache-Control"].startswith("no-store")
    text = private.get_data(as_text=True)
    assert "Thank you: your answer is saved." in text
    assert f"{roles[chosen]} — 4 years" in html.unescape(text)


def test_years_may_be_left_out(app, client):
    owner = Owner(client)
    assert owner.answer("student-or-changer").status_code == 303
    assert stored(app, owner.token)[:2] == ("student-or-changer", None)


def test_a_visitor_with_the_share_link_never_sees_the_question_nor_the_answer(app, client):
    owner = Owner(client)
    assert owner.answer("something-else", "12").status_code == 303
    visitor = app.test_client()
    shared = visitor.get(owner.share_path).get_data(as_text=True)
    assert QUESTION not in shared and "/work/" not in shared and "Something else" not in shared
    # the owner's own later views are the page everyone sees, too
    assert QUESTION not in client.get(owner.share_path).get_data(as_text=True)
    as_json = visitor.get(owner.share_path + ".json")
    assert as_json.status_code == 200
    flat = json.dumps(as_json.get_json())
    assert "something-else" not in flat and "work_now" not in flat and "work_years" not in flat
    assert visitor.get(owner.share_path + ".png").status_code == 200


def test_the_private_page_needs_the_results_own_key(app, client):
    owner = Owner(client)
    other = Owner(app.test_client())
    wrong = f"{owner.share_path}/work/{other.work_path.rsplit('/', 1)[1]}"
    assert client.get(wrong).status_code == 404
    token = csrf_token(client.get(owner.work_path).get_data(as_text=True))
    data = {"csrf_token": token, "work_now": "something-else"}
    assert client.post(wrong, data=data).status_code == 404
    assert client.post(wrong + "/remove", data={"csrf_token": token}).status_code == 404
    assert stored(app, owner.token)[0] is None


def test_answering_needs_the_forms_csrf_token(app, client):
    owner = Owner(client)
    response = client.post(owner.work_path, data={"work_now": "something-else", "save": "x"})
    assert response.status_code == 400
    assert stored(app, owner.token) == (None, None, None)
    assert owner.answer("something-else").status_code == 303
    removal = client.post(owner.work_path + "/remove", data={})
    assert removal.status_code == 400
    assert stored(app, owner.token)[0] == "something-else"


def test_the_answer_can_be_changed_and_then_removed(app, client):
    owner = Owner(client)
    assert owner.answer("other-data-software", "2").status_code == 303
    assert owner.answer("something-else", "").status_code == 303
    assert stored(app, owner.token)[:2] == ("something-else", None)
    page = client.get(owner.work_path).get_data(as_text=True)
    assert re.search(
        r'<input checked id="work_now-\d+" name="work_now" type="radio" '
        r'value="something-else">',
        page,
    )
    assert "Remove my answer" in page

    removal = client.post(owner.work_path + "/remove", data={"csrf_token": csrf_token(page)})
    assert removal.status_code == 303
    assert stored(app, owner.token) == (None, None, None)
    page = client.get(owner.work_path).get_data(as_text=True)
    assert "Your answer about your work is removed." in page
    assert "You haven't answered this question." in html.unescape(page)
    assert "Remove my answer" not in page
    # the result itself is untouched
    assert client.get(owner.share_path).status_code == 200


@pytest.mark.parametrize(
    ("work_now", "years", "message"),
    [
        (None, "3", "Choose what describes your work now."),
        ("", "", "Choose what describes your work now."),
        ("chief-astronaut", "", "That is not one of the choices. Please choose one of them."),
        ("something-else", "61", "Give the years as a whole number from 0 to 60"),
        ("something-else", "-1", "Give the years as a whole number from 0 to 60"),
        ("something-else", "2.5", "Give the years as a whole number from 0 to 60"),
        ("something-else", "ten", "Give the years as a whole number from 0 to 60"),
        ("something-else", "9" * 5000, "Give the years as a whole number from 0 to 60"),
    ],
)
def test_a_bad_answer_is_refused_beside_its_field_and_nothing_changes(
    app, client, work_now, years, message
):
    owner = Owner(client)
    assert owner.answer("student-or-changer", "1").status_code == 303
    response = owner.answer(work_now, years)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    field = "work_years" if "years" in message else "work_now"
    assert re.search(rf'<p class="field-error" id="{field}-error">{re.escape(message)}', page)
    assert "Nothing was saved." in page
    assert stored(app, owner.token)[:2] == ("student-or-changer", 1)


def test_deleting_the_result_deletes_the_answer(app, client):
    owner = Owner(client)
    assert owner.answer("other-data-software", "7").status_code == 303
    page = client.get(owner.delete_path).get_data(as_text=True)
    assert owner.work_path in page, "the private delete page leads to the answer too"
    assert client.post(owner.delete_path, data={"csrf_token": csrf_token(page)}).status_code == 200
    assert stored(app, owner.token) == (None, None, None)
    assert client.get(owner.work_path).status_code == 410


def test_the_question_is_asked_in_german_with_the_roles_german_names(app, client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "de-DE,de;q=0.9"
    owner = Owner(client)
    page = owner.first_view
    assert QUESTION not in page
    offered = {value: label for _, value, label in RADIO.findall(page)}
    roles = role_names(app, owner.token, "de")
    assert {key: offered[key] for key in roles} == roles
    assert offered["something-else"] == "Etwas anderes"
    assert "Was beschreibt deine jetzige Arbeit?" in page
    assert "Jahre in dieser Arbeit" in page and "Meine Antwort speichern" in page
    response = owner.answer("chief-astronaut", "99")
    assert response.status_code == 400
    refused = response.get_data(as_text=True)
    assert "Das ist keine der Möglichkeiten. Bitte wähle eine davon." in refused
    assert "Gib die Jahre als ganze Zahl von 0 bis 60 an" in refused
    assert "Es wurde nichts gespeichert." in refused
    assert stored(app, owner.token)[0] is None
