"""The analytics page, its CSV download and the quality report, through the real admin pages."""

from __future__ import annotations

import copy
import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import take_quiz, varied
from sqlalchemy import event, select, update
from taker_results import insert_people_results

from quiz.core.bank import DEFAULT_BANK_PATH, parse_bank
from quiz.db import db
from quiz.models import Result
from quiz.store.demo import insert_demo_results
from quiz.store.drafts import replace_draft
from quiz.store.publishing import publish_draft, published_bank

DOCUMENT = json.loads(DEFAULT_BANK_PATH.read_text(encoding="utf-8"))


def figure(html: str, label: str) -> str:
    """Return the figure shown under ``label`` in the summary, without its extras."""
    match = re.search(rf"<dt>{label}</dt><dd>([^<]*)", html)
    assert match, f"no figure {label!r}"
    return match.group(1).strip()


def answer_row(html: str, question_key: str, label: str) -> str:
    """Return how many people gave answer ``label`` to a question, as the page shows it."""
    table = html.split(f'id="answers-{question_key}"', 1)[1].split("</table>", 1)[0]
    match = re.search(rf"<th scope=\"row\">{re.escape(label)}</th><td>([^<]*)</td>", table)
    assert match, f"no row {label!r}"
    return match.group(1)


def analytics(client: FlaskClient, status: int = 200, **query: str) -> str:
    response = client.get("/admin/analytics", query_string=query)
    assert response.status_code == status, response.get_data(as_text=True)[:3000]
    return response.get_data(as_text=True)


def stored(app: Flask) -> list[Result]:
    with app.app_context():
        results = list(db.session.scalars(select(Result).order_by(Result.id)))
        db.session.expunge_all()
        return results


def test_the_analytics_page_shows_what_the_results_say(app: Flask, admin_client: FlaskClient):
    take_quiz(app.test_client())
    take_quiz(app.test_client(), minutes=4, choose=lambda n, v: v[(sum(map(ord, n)) + 1) % len(v)])
    take_quiz(app.test_client(), choose=lambda name, values: values[0])  # flagged: same answer
    results = stored(app)

    html = analytics(admin_client)
    assert figure(html, "Results") == "3"
    assert figure(html, "Flagged as careless") == "1"
    assert figure(html, "Visits that started") == "3"
    minutes, seconds = divmod(sorted(r.seconds_taken for r in results)[1], 60)
    assert figure(html, "Median time to finish") == f"{minutes} min {seconds} s"

    with app.app_context():
        bank = published_bank(results[0].quiz_version_id)
    for role in {r.top_role for r in results}:
        name = bank.role_by_key[role].name
        n = sum(r.top_role == role for r in results)
        # each role's name comes with a square of its colour, as in the charts
        colour = bank.role_by_key[role].shown_colour
        swatch = rf'<svg class="role-swatch"[^>]*><rect [^>]*fill="{colour}"/></svg> '
        assert re.search(rf'<th scope="row">{swatch}{re.escape(name)}</th>\s*<td>{n}</td>', html)
    question = bank.questions[1]
    for option in question.options:
        given = sum(r.answers[question.key] == option.key for r in results)
        assert answer_row(html, question.key, option.label) == str(given)
    assert 'aria-labelledby="day-chart-title day-chart-desc"' in html


def test_careless_results_can_be_left_out(app: Flask, admin_client: FlaskClient) -> None:
    take_quiz(app.test_client())
    take_quiz(app.test_client(), choose=lambda name, values: values[0])
    html = analytics(admin_client, careless="exclude")
    assert figure(html, "Results") == "1"
    assert figure(html, "Flagged as careless") == "0"
    assert "Results flagged as careless are left out" in html


def test_a_version_and_days_narrow_the_figures(app: Flask, admin_client: FlaskClient) -> None:
    take_quiz(app.test_client())
    take_quiz(app.test_client())
    with app.app_context():
        db.session.execute(
            update(Result)
            .where(Result.id == db.session.scalar(select(Result.id).limit(1)))
            .values(created_at=datetime.now(UTC) - timedelta(days=40))
        )
        publish_draft(actor="test")
        db.session.commit()
    take_quiz(app.test_client())

    assert figure(analytics(admin_client), "Results") == "2"  # the last 30 days
    old_day = (datetime.now(UTC) - timedelta(days=40)).date().isoformat()
    assert figure(analytics(admin_client, first_day=old_day), "Results") == "3"
    assert figure(analytics(admin_client, first_day=old_day, version="1"), "Results") == "2"
    assert figure(analytics(admin_client, version="2"), "Results") == "1"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"first_day": "2026-05-02", "last_day": "2026-05-01"}, "The last day comes before"),
        ({"first_day": "2020-01-01", "last_day": "2022-01-01"}, "Choose at most 366 days."),
        ({"first_day": "yesterday"}, "Not a valid date value."),
        ({"first_day": "1999-12-31", "last_day": "2000-01-02"}, "Choose a day from 1 January 2000"),
        ({"last_day": "9999-12-31"}, "Choose a day no later than today."),
        ({"last_day": "0001-01-01"}, "Choose a day from 1 January 2000"),
        ({"first_day": "0001-01-01", "last_day": "0001-01-02"}, "Choose a day from 1 January"),
        ({"version": "99"}, "Not a valid choice."),
        ({"careless": "maybe"}, "Not a valid choice."),
    ],
)
def test_a_filter_that_makes_no_sense_is_refused_with_a_reason(
    admin_client: FlaskClient, query: dict[str, str], message: str
) -> None:
    html = analytics(admin_client, 400, **query)
    assert "Please fix the filter below." in html
    assert message in html
    response = admin_client.get("/admin/analytics/results.csv", query_string=query)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_the_download_streams_the_filtered_results_as_csv(
    app: Flask, admin_client: FlaskClient
) -> None:
    take_quiz(app.test_client())
    take_quiz(app.test_client(), choose=lambda name, values: values[0])
    response = admin_client.get("/admin/analytics/results.csv?careless=exclude")
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    text = response.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    careful = [r for r in stored(app) if r.careless is None]
    assert [int(row["result_id"]) for row in rows] == [r.id for r in careful]
    assert all(r.share_token not in text for r in stored(app))
    assert rows[0]["q02"] == careful[0].answers["q02"]


def test_the_analytics_page_asks_the_same_queries_however_many_results(
    app: Flask, admin_client: FlaskClient
) -> None:
    def queries() -> int:
        statements: list[str] = []
        with app.app_context():
            engine = db.engine

        def count(*args: object) -> None:
            statements.append(str(args[2]))

        event.listen(engine, "before_cursor_execute", count)
        try:
            analytics(admin_client)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(statements)

    analytics(admin_client)  # the first view folds in nothing, like every later one
    few = queries()
    with app.app_context():
        insert_demo_results(40, days=20, seed=3)
    analytics(admin_client)  # folds the new results in
    assert queries() == few


def test_the_quality_report_proves_each_role_can_win_and_shows_the_balance(
    app: Flask, admin_client: FlaskClient
) -> None:
    response = admin_client.get("/admin/versions/1/quality")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    with app.app_context():
        bank = published_bank(1)
    for role in bank.roles:
        entry = html.split(f"<strong>{role.name}:</strong>", 1)[1].split("</li>\n", 1)[0]
        assert "yes, with" in entry and "The answers that do it" in entry
    assert "Balance under random answers" in html
    assert html.count("<meter") >= len(bank.roles)
    assert "Reliability is worked out once 100 real, careful results" in html
    assert admin_client.get("/admin/versions/99/quality").status_code == 404


def test_the_quality_report_works_out_reliability_once_enough_people_answered(
    app: Flask, admin_client: FlaskClient
) -> None:
    with app.app_context():
        insert_people_results(120, seed=1)
        careful = db.session.scalar(
            select(db.func.count()).select_from(Result).where(Result.careless.is_(None))
        )
    html = admin_client.get("/admin/versions/1/quality").get_data(as_text=True)
    assert '<th scope="col">Cronbach\'s alpha</th>' in html
    assert f"From the {careful:,} most recent careful results of {careful:,}" in html
    alphas = re.findall(r"<td>(\d\.\d\d)</td><td><span class=\"reading ", html)
    assert len(alphas) == 3 and all(0 < float(a) <= 1 for a in alphas)


def test_the_quality_report_warns_of_a_question_that_separates_no_roles(
    app: Flask, admin_client: FlaskClient
) -> None:
    document = copy.deepcopy(DOCUMENT)
    choice = next(q for q in document["questions"] if q["kind"] == "choice")
    same = choice["options"][0]["weights"]
    for option in choice["options"]:
        option["weights"] = dict(same)
    with app.app_context():
        replace_draft(parse_bank(document))
        version = publish_draft(actor="test")
        db.session.commit()
        number = version.number
        position = [q.key for q in published_bank(version.id).questions].index(choice["key"]) + 1
    html = admin_client.get(f"/admin/versions/{number}/quality").get_data(as_text=True)
    assert f"Question {position} (" in html
    assert "does not separate any two roles: every answer moves them alike." in html


def test_admin_text_on_the_reports_is_escaped(app: Flask, admin_client: FlaskClient) -> None:
    document = copy.deepcopy(DOCUMENT)
    document["roles"][0]["name"] = "<script>alert(1)</script>"
    document["questions"][1]["options"][0]["label"] = "<b>bold</b>"
    with app.app_context():
        replace_draft(parse_bank(document))
        version = publish_draft(actor="test")
        db.session.commit()
        number = version.number
    take_quiz(app.test_client(), choose=varied)
    pages = {
        "/admin/analytics": "&lt;b&gt;bold&lt;/b&gt;",
        f"/admin/versions/{number}/quality": "&lt;script&gt;alert(1)&lt;/script&gt;",
    }
    for url, escaped in pages.items():
        html = admin_client.get(url).get_data(as_text=True)
        assert "<script>alert(1)" not in html and "<b>bold</b>" not in html
        assert escaped in html
