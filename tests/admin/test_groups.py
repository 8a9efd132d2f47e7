"""Groups over HTTP, on both databases: from creation to the CSV, joining, closing, the short
code on the landing page, deleting a result, who sees which group, and the command line."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import (
    ADMIN_PASSWORD,
    QuizTaker,
    create_admin,
    csrf_token,
    delete_result,
    sign_in,
    take_quiz,
    varied,
)
from sqlalchemy import select

from quiz.db import db
from quiz.models import AuditEntry, GroupMember, Result, WebhookDelivery, WebhookEvent
from quiz.store import webhooks
from quiz.store.groups import SHORT_CODE_ALPHABET

JOIN_LINK = re.compile(r'<code class="group-link">[^<]*/g/([A-Za-z0-9_-]+)</code>')
SHORT_CODE = re.compile(r'<code class="group-short-code">([A-Z0-9]{8})</code>')


def create_group(client: FlaskClient, name: str = "Bootcamp spring", closes: str = "") -> int:
    token = csrf_token(client.get("/admin/groups").get_data(as_text=True))
    response = client.post(
        "/admin/groups", data={"csrf_token": token, "name": name, "closes_on": closes}
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def group_page(client: FlaskClient, group_id: int) -> str:
    response = client.get(f"/admin/groups/{group_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def join_code(client: FlaskClient, group_id: int) -> str:
    match = JOIN_LINK.search(group_page(client, group_id))
    assert match, "the group page shows the join link"
    return match.group(1)


def join(person: FlaskClient, code: str, name: str = "", share: bool = False, mode: str = "full"):
    page = person.get(f"/g/{code}")
    assert page.status_code == 200
    data = {"csrf_token": csrf_token(page.get_data(as_text=True)), "display_name": name}
    data["mode"] = mode
    if share:
        data["shares_result"] = "y"
    return person.post(f"/g/{code}", data=data)


def summary(client: FlaskClient, group_id: int) -> dict:
    response = client.get(f"/admin/groups/{group_id}/summary.json")
    assert response.status_code == 200
    return response.get_json()


def post_action(client: FlaskClient, group_id: int, action: str) -> None:
    token = csrf_token(group_page(client, group_id))
    response = client.post(f"/admin/groups/{group_id}/{action}", data={"csrf_token": token})
    assert response.status_code == 303


def test_a_group_from_creation_to_csv_export(app: Flask, admin_client: FlaskClient):
    group_id = create_group(admin_client)
    page = group_page(admin_client, group_id)
    assert "Bootcamp spring" in page
    short = SHORT_CODE.search(page).group(1)
    assert all(c in SHORT_CODE_ALPHABET for c in short)
    code = join_code(admin_client, group_id)
    assert len(code) >= 30

    ada, quiet = app.test_client(), app.test_client()
    join_page = ada.get(f"/g/{code}").get_data(as_text=True)
    assert "What the group’s owner will see" in join_page or "owner will see" in join_page
    assert "admin@example.com" in join_page  # whose group it is
    response = join(ada, code, name="Ada", share=True)
    assert response.status_code == 303 and response.headers["Location"].endswith("/quiz")
    ada_result = take_quiz(ada).result_url
    assert join(quiet, code).status_code == 303
    take_quiz(quiet)
    app.test_client().get(f"/g/{code}")  # someone who only looks

    data = summary(admin_client, group_id)
    assert (data["name"], data["opened"], data["started"], data["finished"]) == (
        "Bootcamp spring",
        3,
        2,
        2,
    )
    assert sum(data["top_roles"].values()) == 2
    names = [m["display_name"] for m in data["members"]]
    assert names == ["Ada", None]
    ada_member, quiet_member = data["members"]
    assert ada_member["share_token"] and ada_result.endswith(ada_member["share_token"])
    assert quiet_member["share_token"] is None
    assert set(ada_member["fits"]) >= {ada_member["top_role"]}

    page = group_page(admin_client, group_id)
    assert "Ada" in page and "Member 2" in page
    assert f'href="/r/{ada_member["share_token"]}"' in page
    assert page.count("Open their result") == 1
    assert "The group against each role" in page

    export = admin_client.get(f"/admin/groups/{group_id}/members.csv")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True))))
    assert [r["display_name"] for r in rows] == ["Ada", ""]
    assert rows[0]["result_link"].endswith(ada_member["share_token"])
    assert rows[1]["result_link"] == ""
    assert rows[0][f"fit_{ada_member['top_role']}"] == str(
        ada_member["fits"][ada_member["top_role"]]
    )

    with app.app_context():
        actions = db.session.scalars(db.select(AuditEntry.action)).all()
    assert "create group" in actions
    assert "Created a group" in admin_client.get("/admin/audit").get_data(as_text=True)


def test_a_display_name_that_looks_like_a_formula_is_guarded_in_the_csv(
    app: Flask, admin_client: FlaskClient
):
    group_id = create_group(admin_client)
    person = app.test_client()
    join(person, join_code(admin_client, group_id), name="=HYPERLINK(1)")
    take_quiz(person)
    text = admin_client.get(f"/admin/groups/{group_id}/members.csv").get_data(as_text=True)
    assert "'=HYPERLINK(1)" in text


def test_joining_twice_from_the_same_browser_adds_one_member(app, admin_client):
    group_id = create_group(admin_client)
    code = join_code(admin_client, group_id)
    person = app.test_client()
    join(person, code, name="Bo")
    join(person, code, name="Bo again")
    take_quiz(person)
    again = person.get(f"/g/{code}").get_data(as_text=True)
    assert "already joined" in again
    take_quiz(person)  # the quiz taken again, on their own
    data = summary(admin_client, group_id)
    assert (data["opened"], data["started"], data["finished"]) == (1, 1, 1)
    assert [m["display_name"] for m in data["members"]] == ["Bo again"]


def test_a_closed_group_says_so_and_takes_nobody_until_reopened(app, admin_client):
    group_id = create_group(admin_client)
    code = join_code(admin_client, group_id)
    person = app.test_client()
    token = csrf_token(person.get(f"/g/{code}").get_data(as_text=True))
    post_action(admin_client, group_id, "close")
    closed = person.get(f"/g/{code}")
    assert closed.status_code == 410
    assert "This group is closed" in closed.get_data(as_text=True)
    refused = person.post(f"/g/{code}", data={"csrf_token": token, "mode": "full"})
    assert refused.status_code == 410
    take_quiz(person)
    assert summary(admin_client, group_id)["finished"] == 0

    post_action(admin_client, group_id, "reopen")
    assert person.get(f"/g/{code}").status_code == 200
    with app.app_context():
        actions = db.session.scalars(db.select(AuditEntry.action)).all()
    assert {"close group", "reopen group"} <= set(actions)


def test_a_group_whose_last_day_has_passed_is_closed(app, admin_client):
    group_id = create_group(admin_client)
    code = join_code(admin_client, group_id)
    from quiz.models import Group

    with app.app_context():
        group = db.session.get(Group, group_id)
        group.closes_on = datetime.now(UTC).date() - timedelta(days=1)
        db.session.commit()
    assert app.test_client().get(f"/g/{code}").status_code == 410


def test_a_closing_day_in_the_past_is_refused(admin_client):
    token = csrf_token(admin_client.get("/admin/groups").get_data(as_text=True))
    response = admin_client.post(
        "/admin/groups", data={"csrf_token": token, "name": "Late", "closes_on": "2001-01-01"}
    )
    assert response.status_code == 422
    assert "Choose today or a later day." in response.get_data(as_text=True)


def test_the_short_code_typed_on_the_landing_page_leads_to_the_join_page(app, admin_client):
    group_id = create_group(admin_client)
    short = SHORT_CODE.search(group_page(admin_client, group_id)).group(1)
    code = join_code(admin_client, group_id)
    person = app.test_client()
    landing = person.get("/").get_data(as_text=True)
    assert "Have a group code?" in landing and 'action="/group-code"' in landing
    typed = f" {short[:4].lower()}-{short[4:]} "
    response = person.post("/group-code", data={"code": typed})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/g/{code}")

    unknown = person.post("/group-code", data={"code": "ZZZZ2222"})
    assert unknown.status_code == 404
    assert "No group with that code" in unknown.get_data(as_text=True)
    empty = person.post("/group-code", data={"code": ""})
    assert empty.status_code == 400
    assert "Type the code you were given." in empty.get_data(as_text=True)
    assert person.get("/g/not-a-code-we-issued-at-all").status_code == 404


def test_the_landing_page_sets_no_cookie_for_its_group_code_form(client):
    response = client.get("/")
    assert response.status_code == 200 and "Have a group code?" in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers


def test_deleting_a_result_takes_it_out_of_the_group(app, admin_client):
    group_id = create_group(admin_client)
    person = app.test_client()
    join(person, join_code(admin_client, group_id), name="Cy", share=True)
    taker = take_quiz(person)
    assert summary(admin_client, group_id)["finished"] == 1
    delete_result(taker)
    data = summary(admin_client, group_id)
    assert data["finished"] == 0 and data["members"] == []
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(GroupMember.id))) == 0
    assert "Cy" not in group_page(admin_client, group_id)


def test_deleting_a_group_leaves_the_results_with_their_takers(app, admin_client):
    group_id = create_group(admin_client)
    person = app.test_client()
    join(person, join_code(admin_client, group_id))
    taker = take_quiz(person)
    page = admin_client.get(f"/admin/groups/{group_id}/delete").get_data(as_text=True)
    response = admin_client.post(
        f"/admin/groups/{group_id}/delete", data={"csrf_token": csrf_token(page)}
    )
    assert response.status_code == 303
    assert admin_client.get(f"/admin/groups/{group_id}").status_code == 404
    assert person.get(taker.result_url).status_code == 200
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Result.id))) >= 1
        assert db.session.scalar(db.select(db.func.count(GroupMember.id))) == 0
        actions = db.session.scalars(db.select(AuditEntry.action)).all()
    assert "delete group" in actions


def signed_in(app: Flask, email: str, role: str) -> FlaskClient:
    create_admin(app, email=email, role=role)
    client = app.test_client()
    assert sign_in(client, email, ADMIN_PASSWORD).status_code == 302
    return client


def test_a_viewer_sees_and_manages_only_their_own_groups(app, admin_client):
    owners_group = create_group(admin_client, "The owner's group")
    viewer = signed_in(app, "viewer@example.com", "viewer")
    editor = signed_in(app, "editor@example.com", "editor")
    viewers_group = create_group(viewer, "The viewer's group")

    listed = viewer.get("/admin/groups").get_data(as_text=True)
    assert "The viewer&#39;s group" in listed and "The owner&#39;s group" not in listed
    assert viewer.get(f"/admin/groups/{owners_group}").status_code == 404
    assert viewer.get(f"/admin/groups/{owners_group}/summary.json").status_code == 404
    assert viewer.get(f"/admin/groups/{owners_group}/members.csv").status_code == 404
    token = csrf_token(group_page(viewer, viewers_group))
    refused = viewer.post(f"/admin/groups/{owners_group}/close", data={"csrf_token": token})
    assert refused.status_code == 404
    post_action(viewer, viewers_group, "close")  # their own: allowed

    for admin in (admin_client, editor):
        page = admin.get("/admin/groups").get_data(as_text=True)
        assert "The viewer&#39;s group" in page and "The owner&#39;s group" in page
        assert admin.get(f"/admin/groups/{viewers_group}").status_code == 200


def test_an_anonymous_visitor_gets_no_group_page_or_summary(app, admin_client):
    group_id = create_group(admin_client)
    anonymous = app.test_client()
    for url in (f"/admin/groups/{group_id}", f"/admin/groups/{group_id}/summary.json"):
        assert anonymous.get(url).status_code in (302, 401)


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


def test_the_command_line_creates_lists_and_exports_groups(app, runner, tmp_path):
    app.config["PUBLIC_URL"] = "https://careerfit.example"
    # as in production: a request naming any other host (such as localhost) builds no URL
    trusted = app.config["TRUSTED_HOSTS"]
    app.config["TRUSTED_HOSTS"] = ["careerfit.example"]
    made = runner.invoke(args=["group", "create", "Evening class", "--closes", "2099-12-31"])
    assert made.exit_code == 0, made.output
    match = re.search(r"https://careerfit\.example/g/([A-Za-z0-9_-]+)", made.output)
    assert match, made.output
    app.config["TRUSTED_HOSTS"] = trusted  # the test client's requests name localhost

    person = app.test_client()
    join(person, match.group(1), name="Dee")
    take_quiz(person)

    listed = runner.invoke(args=["group", "list"])
    assert listed.exit_code == 0
    assert "Evening class" in listed.output and "open" in listed.output
    assert "1 finished" in listed.output

    out = tmp_path / "members.csv"
    app.config["TRUSTED_HOSTS"] = ["careerfit.example"]
    exported = runner.invoke(args=["group", "export", "Evening class", str(out)])
    assert exported.exit_code == 0, exported.output
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [r["display_name"] for r in rows] == ["Dee"]

    missing = runner.invoke(args=["group", "export", "No such class", str(out)])
    assert missing.exit_code != 0 and "No group is called" in missing.output
    bad_day = runner.invoke(args=["group", "create", "X", "--closes", "tomorrow"])
    assert bad_day.exit_code != 0


def test_the_join_and_privacy_pages_say_what_the_owner_sees_in_both_languages(app, admin_client):
    code = join_code(admin_client, create_group(admin_client))
    german = {"Accept-Language": "de"}
    person = app.test_client()
    join_page = person.get(f"/g/{code}", headers=german).get_data(as_text=True)
    assert "Was die Person sieht, der die Gruppe gehört" in join_page
    assert "Dein Name für diese Gruppe (freiwillig)" in join_page
    privacy = app.test_client().get("/privacy").get_data(as_text=True)
    assert 'id="groups"' in privacy and "only if you allow it when you join" in privacy
    privacy_de = app.test_client().get("/privacy", headers=german).get_data(as_text=True)
    assert "nur, wenn du es beim Beitreten erlaubst" in privacy_de


def test_a_finish_sent_again_after_a_lost_reply_adds_no_later_member(app, admin_client):
    """The first sending stored the result and the membership, but its reply was lost: the
    browser still holds the joined group. Sending the finish again shows the stored result
    and forgets the group, so a later quiz from that browser stays the taker's alone."""
    group_id = create_group(admin_client)
    code = join_code(admin_client, group_id)
    person = app.test_client()
    join(person, code, name="Eve")
    with person.session_transaction() as session:
        joined = dict(session["group_joining"])
    taker = take_quiz(person)
    token, key = taker.delete_url.split("/r/")[1].split("/delete/")
    with person.session_transaction() as session:  # as it was before the reply was lost
        session["group_joining"] = joined
        session["pending_result"] = {"token": token, "delete_key": key}
    location = QuizTaker(person).answer_every_page(varied)
    assert location.endswith(f"/r/{token}")
    take_quiz(person)
    assert summary(admin_client, group_id)["finished"] == 1


def test_a_member_finishing_puts_one_group_event_in_the_outbox_with_only_what_they_allowed(
    app: Flask, admin_client: FlaskClient
):
    with app.app_context():
        webhooks.add_endpoint("https://crm.example.com/hook", [webhooks.GROUP_MEMBER_FINISHED])
        db.session.commit()
    group_id = create_group(admin_client, name="Evening class")
    code = join_code(admin_client, group_id)
    ada, quiet = app.test_client(), app.test_client()
    join(ada, code, name="Ada", share=True)
    ada_result = take_quiz(ada).result_url
    join(quiet, code)
    take_quiz(quiet)
    take_quiz(app.test_client())  # a taker outside the group: no group event

    with app.app_context():
        events = db.session.scalars(
            select(WebhookEvent).where(WebhookEvent.type == "group.member_finished")
        ).all()
        sent = sorted((e.payload["data"] for e in events), key=lambda data: data["member"])
        delivered_to = db.session.scalars(select(WebhookDelivery.event_id)).all()
    assert [data["member"] for data in sent] == [1, 2]
    first, second = sent
    assert first["group"] == {"id": group_id, "name": "Evening class"}
    assert first["display_name"] == "Ada" and second["display_name"] == ""
    assert first["share_url"].endswith(ada_result.rsplit("/r/", 1)[1])
    assert second["share_url"] is None  # not allowed: no link to their result
    assert {fit["role"] for fit in first["ranking"]} >= {first["top_role"]}
    assert sorted(delivered_to) == sorted(e.id for e in events)
