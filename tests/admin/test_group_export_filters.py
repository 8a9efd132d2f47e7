"""A group's members CSV takes the analytics filter, on both databases: over HTTP from the
group page's form, with a 400 and a message for a filter that does not validate, and on the
command line with the results export's options.

The members join and take the quiz through the real pages; only the day each finished is
moved back in the database, as waiting days in a test is not possible.
"""

from __future__ import annotations

import csv
import io
import re
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import (
    ADMIN_PASSWORD,
    QuizTaker,
    create_admin,
    csrf_token,
    page_options,
    sign_in,
    take_quiz,
    varied,
)
from sqlalchemy import select, update

from quiz.db import db
from quiz.models import Group, QuizVersion, Result
from quiz.store.publishing import latest_version_id, published_bank

JOIN_LINK = re.compile(r'<code class="group-link">[^<]*/g/([A-Za-z0-9_-]+)</code>')
QUESTION_FIELD = re.compile(r'name="question" type="hidden" value="([^"]*)"')
EVERYONE = {"Ada", "Bo", "Cy"}


def today() -> str:
    return datetime.now(UTC).date().isoformat()


def days_ago(days: int) -> str:
    return (datetime.now(UTC).date() - timedelta(days=days)).isoformat()


def create_group(client: FlaskClient, name: str) -> int:
    token = csrf_token(client.get("/admin/groups").get_data(as_text=True))
    response = client.post("/admin/groups", data={"csrf_token": token, "name": name})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def join(app: Flask, code: str, name: str, mode: str) -> tuple[FlaskClient, str]:
    """Join the group under ``name`` choosing ``mode``; return the browser and where it went."""
    person = app.test_client()
    page = person.get(f"/g/{code}")
    data = {"csrf_token": csrf_token(page.get_data(as_text=True)), "display_name": name}
    joined = person.post(f"/g/{code}", data={**data, "mode": mode})
    assert joined.status_code == 303
    return person, joined.headers["Location"]


def join_and_take_the_full_quiz(app: Flask, code: str, name: str, minutes: float) -> QuizTaker:
    """Join the group under ``name`` and take the full quiz, ``minutes`` long."""
    person, _ = join(app, code, name, "full")
    return take_quiz(person, minutes=minutes)


def join_and_take_quick_mode(app: Flask, code: str, name: str) -> QuizTaker:
    """Join the group under ``name`` and answer quick mode's pages until the result, as a
    person who took ten minutes over it."""
    person, url = join(app, code, name, "quick")
    assert urlsplit(url).path == "/quiz/quick"
    person.get(url)
    with person.session_transaction() as session:
        session["quick_quiz"] = {**session["quick_quiz"], "started": int(time.time() - 600)}
    for _ in range(200):
        page = person.get(url).get_data(as_text=True)
        answers = {name: varied(name, values) for name, values in page_options(page).items()}
        asked = QUESTION_FIELD.search(page).group(1)
        data = {"csrf_token": csrf_token(page), "question": asked, "forward": "x", **answers}
        sent = person.post(url, data=data)
        assert sent.status_code in (302, 303), sent.get_data(as_text=True)[:2000]
        url = sent.headers["Location"]
        if "/r/" in url:
            break
    assert "/r/" in url, "quick mode ends at a result"
    taker = QuizTaker(person)
    taker.result_url = url
    return taker


def say_work(taker: QuizTaker, work_now: str) -> None:
    """Answer "what do you work as" on the taker's own private page, as a person would."""
    work_url = taker.delete_url.replace("/delete/", "/work/")
    page = taker.client.get(work_url).get_data(as_text=True)
    response = taker.client.post(
        work_url, data={"csrf_token": csrf_token(page), "work_now": work_now, "work_years": "2"}
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]


def finished_days_ago(app: Flask, taker: QuizTaker, days: int) -> None:
    token = taker.result_url.rsplit("/", 1)[1]
    with app.app_context():
        moved = datetime.now(UTC) - timedelta(days=days)
        db.session.execute(
            update(Result).where(Result.share_token == token).values(created_at=moved)
        )
        db.session.commit()


def first_role(app: Flask) -> str:
    with app.app_context():
        return published_bank(latest_version_id()).roles[0].key


@pytest.fixture
def group_id(app: Flask, admin_client: FlaskClient) -> int:
    """A group of three: Ada (full quiz, says she works as the first role, 10 days ago), Bo
    (quick mode, says nothing, today) and Cy (full quiz, "something else", careless, 3 days
    ago); and one taker who is in no group."""
    group_id = create_group(admin_client, "Bootcamp Spring!")
    page = admin_client.get(f"/admin/groups/{group_id}").get_data(as_text=True)
    code = JOIN_LINK.search(page).group(1)

    ada = join_and_take_the_full_quiz(app, code, "Ada", minutes=10)
    say_work(ada, first_role(app))
    finished_days_ago(app, ada, 10)
    bo = join_and_take_quick_mode(app, code, "Bo")
    cy = join_and_take_the_full_quiz(app, code, "Cy", minutes=0.05)
    say_work(cy, "something-else")
    finished_days_ago(app, cy, 3)
    take_quiz(app.test_client())

    with app.app_context():
        stored = {
            name: db.session.scalar(
                select(Result).where(Result.share_token == taker.result_url.rsplit("/", 1)[1])
            )
            for name, taker in (("Ada", ada), ("Bo", bo), ("Cy", cy))
        }
        # what the filters need: only Bo took quick mode, only Cy (in seconds) is flagged
        assert {name: r.mode for name, r in stored.items()} == {
            "Ada": "full",
            "Bo": "quick",
            "Cy": "full",
        }
        assert {name for name, r in stored.items() if r.careless} == {"Cy"}
    return group_id


def export(client: FlaskClient, group_id: int, status: int = 200, **query: str):
    response = client.get(f"/admin/groups/{group_id}/members.csv", query_string=query)
    assert response.status_code == status, response.get_data(as_text=True)[:3000]
    return response


def exported_names(response) -> list[str]:
    return [
        row["display_name"] for row in csv.DictReader(io.StringIO(response.get_data(as_text=True)))
    ]


@pytest.mark.parametrize(
    ("query", "picked"),
    [
        ({}, EVERYONE),
        ({"mode": "full"}, {"Ada", "Cy"}),
        ({"mode": "quick"}, {"Bo"}),
        ({"work_now": "not-answered"}, {"Bo"}),
        ({"work_now": "FIRST_ROLE"}, {"Ada"}),
        ({"work_now": "something-else"}, {"Cy"}),
        ({"work_now": "student-or-changer"}, set()),
        ({"careless": "exclude"}, {"Ada", "Bo"}),
        ({"careless": "include"}, EVERYONE),
        ({"first_day": days_ago(5)}, {"Bo", "Cy"}),
        ({"last_day": days_ago(5)}, {"Ada"}),
        ({"first_day": days_ago(12), "last_day": days_ago(8)}, {"Ada"}),
        ({"first_day": days_ago(400), "last_day": today()}, EVERYONE),
        ({"mode": "full", "first_day": days_ago(5)}, {"Cy"}),
        ({"version": "LATEST"}, EVERYONE),
        # the form as a browser sends it untouched: every field, most empty
        (
            {
                "version": "",
                "first_day": "",
                "last_day": "",
                "careless": "include",
                "mode": "",
                "work_now": "",
            },
            EVERYONE,
        ),
    ],
)
def test_each_filter_exports_exactly_the_members_it_picks(
    app, admin_client, group_id, query, picked
):
    if query.get("work_now") == "FIRST_ROLE":
        query = {**query, "work_now": first_role(app)}
    if query.get("version") == "LATEST":
        with app.app_context():
            number = db.session.scalar(select(QuizVersion.number).order_by(QuizVersion.number))
        query = {**query, "version": str(number)}
    response = export(admin_client, group_id, **query)
    assert response.mimetype == "text/csv"
    names = exported_names(response)
    assert sorted(names) == sorted(picked)
    assert names == [name for name in ["Ada", "Bo", "Cy"] if name in picked]  # joining order


def test_the_columns_stay_what_they_were_whatever_the_filter(app, admin_client, group_id):
    role = first_role(app)
    everyone = csv.reader(io.StringIO(export(admin_client, group_id).get_data(as_text=True)))
    header = next(everyone)
    assert header[:5] == ["member", "display_name", "joined_at", "mode", "top_role"]
    assert header[-1] == "result_link" and all(c.startswith("fit_") for c in header[5:-1])
    quick = export(admin_client, group_id, mode="quick").get_data(as_text=True)
    row = next(csv.DictReader(io.StringIO(quick)))
    assert (row["member"], row["display_name"], row["mode"]) == ("2", "Bo", "quick")
    assert f"fit_{role}" in row


def test_the_file_name_says_the_group_and_the_filter(app, admin_client, group_id):
    with app.app_context():
        code = db.session.get(Group, group_id).short_code
    plain = export(admin_client, group_id).headers["Content-Disposition"]
    assert plain == f'attachment; filename="career-fit-group-bootcamp-spring-{code}.csv"'
    filtered = export(
        admin_client,
        group_id,
        first_day="2026-01-05",
        last_day="2026-02-01",
        careless="exclude",
        mode="quick",
        work_now="not-answered",
    ).headers["Content-Disposition"]
    assert filtered == (
        f'attachment; filename="career-fit-group-bootcamp-spring-{code}'
        '-2026-01-05-to-2026-02-01-careful-only-quick-works-as-not-answered.csv"'
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"mode": "sometimes"}, "Not a valid choice"),
        ({"work_now": "astronaut"}, "Not a valid choice"),
        ({"version": "999"}, "Not a valid choice"),
        ({"careless": "maybe"}, "Not a valid choice"),
        ({"first_day": "last tuesday"}, "Not a valid date value"),
        ({"first_day": "1999-12-31"}, "Choose a day from 1 January 2000 on."),
        ({"first_day": days_ago(1), "last_day": days_ago(3)}, "The last day comes before"),
        ({"last_day": "2999-01-01"}, "Choose a day no later than today."),
    ],
)
def test_a_filter_that_does_not_validate_is_refused_with_a_message(
    admin_client, group_id, query, message
):
    response = export(admin_client, group_id, 400, **query)
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "Please fix the filter below." in page and message in page
    assert 'aria-invalid="true"' in page


def test_the_group_page_offers_the_analytics_filter_as_a_form_without_script(
    admin_client, group_id
):
    page = admin_client.get(f"/admin/groups/{group_id}").get_data(as_text=True)
    form = re.search(
        rf'<form method="get" action="/admin/groups/{group_id}/members.csv"[^>]*>(.*?)</form>',
        page,
        re.S,
    )
    assert form, "the group page has the download's filter form"
    analytics = admin_client.get("/admin/analytics").get_data(as_text=True)
    for name in ("version", "first_day", "last_day", "careless", "mode", "work_now"):
        assert f'<label for="{name}">' in form.group(1)
        assert f'name="{name}"' in form.group(1) and f'name="{name}"' in analytics
    assert "csrf_token" not in form.group(1)  # a download changes nothing
    assert 'type="submit"' in form.group(1)


def test_a_group_download_may_reach_further_back_than_the_analytics_chart(admin_client, group_id):
    query = {"first_day": days_ago(400), "last_day": today()}
    assert exported_names(export(admin_client, group_id, **query)) == ["Ada", "Bo", "Cy"]
    chart = admin_client.get("/admin/analytics/results.csv", query_string=query)
    assert chart.status_code == 400
    assert "Choose at most 366 days." in chart.get_data(as_text=True)


def signed_in(app: Flask, email: str, role: str) -> FlaskClient:
    create_admin(app, email=email, role=role)
    client = app.test_client()
    assert sign_in(client, email, ADMIN_PASSWORD).status_code == 302
    return client


def test_a_viewer_exports_their_own_group_filtered_and_no_other(app, admin_client, group_id):
    counsellor = signed_in(app, "counsellor@example.com", "viewer")
    other = signed_in(app, "other@example.com", "viewer")
    page = admin_client.get(f"/admin/groups/{group_id}").get_data(as_text=True)
    owners = re.search(r'<option [^>]*value="(\d+)"[^>]*>counsellor@example.com<', page)
    given = admin_client.post(
        f"/admin/groups/{group_id}/owner",
        data={"csrf_token": csrf_token(page), "owner": owners.group(1)},
    )
    assert given.status_code == 303

    assert exported_names(export(counsellor, group_id, mode="full")) == ["Ada", "Cy"]
    assert counsellor.get(f"/admin/groups/{group_id}").status_code == 200
    for query in ({}, {"mode": "full"}, {"mode": "sometimes"}):
        refused = other.get(f"/admin/groups/{group_id}/members.csv", query_string=query)
        assert refused.status_code == 404


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.mark.parametrize(
    ("options", "picked"),
    [
        ([], EVERYONE),
        (["--mode", "quick"], {"Bo"}),
        (["--mode", "full", "--from", days_ago(5)], {"Cy"}),
        (["--to", days_ago(5)], {"Ada"}),
        (["--careful-only"], {"Ada", "Bo"}),
        (["--work-now", "something-else"], {"Cy"}),
        (["--work-now", "not-answered"], {"Bo"}),
        (["--version", "LATEST"], EVERYONE),
    ],
)
def test_the_command_line_exports_a_group_with_the_results_export_filters(
    app, runner, group_id, tmp_path, options, picked
):
    if "LATEST" in options:
        with app.app_context():
            number = db.session.scalar(select(QuizVersion.number).order_by(QuizVersion.number))
        options = [str(number) if o == "LATEST" else o for o in options]
    out = tmp_path / "members.csv"
    done = runner.invoke(args=["group", "export", "Bootcamp Spring!", str(out), *options])
    assert done.exit_code == 0, done.output
    assert f"Exported {len(picked)} members of Bootcamp Spring!" in done.output
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert sorted(row["display_name"] for row in rows) == sorted(picked)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--mode", "sometimes"], "'sometimes' is not one of 'full', 'quick'"),
        (["--work-now", "astronaut"], "'astronaut' is no answer a taker could give"),
        (["--version", "999"], "there is no published quiz version 999"),
        (["--from", days_ago(1), "--to", days_ago(3)], "--from must not be after --to"),
        (["--from", "last tuesday"], "last tuesday"),
    ],
)
def test_the_command_line_refuses_a_filter_that_picks_nothing_by_mistake(
    runner, group_id, tmp_path, options, message
):
    out = tmp_path / "members.csv"
    refused = runner.invoke(args=["group", "export", "Bootcamp Spring!", str(out), *options])
    assert refused.exit_code == 2
    assert message in refused.output
    assert not out.exists()


def test_the_results_export_takes_the_mode_and_work_filters_too(app, runner, group_id):
    quick = runner.invoke(args=["results", "export", "-", "--mode", "quick"])
    assert quick.exit_code == 0, quick.output
    rows = list(csv.DictReader(io.StringIO(quick.stdout)))
    assert [row["mode"] for row in rows] == ["quick"]
    said = runner.invoke(args=["results", "export", "-", "--work-now", "something-else"])
    assert len(list(csv.DictReader(io.StringIO(said.stdout)))) == 1
