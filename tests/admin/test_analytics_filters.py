"""The analytics page's filters by quiz mode and by what takers say they do now.

Results are made by taking the quiz through the real pages; one taker answers the
work question through their own private page, as a person would.
"""

from __future__ import annotations

import csv
import html
import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import csrf_token, take_quiz
from sqlalchemy import select, update

from quiz.db import db
from quiz.models import Result
from quiz.store.publishing import latest_version_id, published_bank
from quiz.store.results import erase_result
from quiz.store.self_reports import record_work_now


def figure(page: str, label: str) -> str:
    match = re.search(rf"<dt>{label}</dt><dd>([^<]*)", page)
    assert match, f"no figure {label!r}"
    return match.group(1).strip()


def analytics(client: FlaskClient, status: int = 200, **query: str) -> str:
    response = client.get("/admin/analytics", query_string=query)
    assert response.status_code == status, response.get_data(as_text=True)[:3000]
    return response.get_data(as_text=True)


def answer_work_question(app: Flask, work_now: str, years: str) -> str:
    """Take the quiz and answer the work question on the owner's private page; return the token."""
    client = app.test_client()
    taker = take_quiz(client)
    work_url = taker.delete_url.replace("/delete/", "/work/")
    page = client.get(work_url).get_data(as_text=True)
    response = client.post(
        work_url, data={"csrf_token": csrf_token(page), "work_now": work_now, "work_years": years}
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return taker.result_url.rsplit("/", 1)[1]


@pytest.fixture
def results(app: Flask) -> dict[str, Result]:
    """Four results: full and quick, answered and not, by name."""
    with app.app_context():
        first_role = next(iter(published_roles()))
    tokens = {
        "full, says a role": answer_work_question(app, first_role, "3"),
        "quick, says something else": take_quiz(app.test_client()).result_url.rsplit("/", 1)[1],
        "full, silent": take_quiz(app.test_client()).result_url.rsplit("/", 1)[1],
        "quick, silent": take_quiz(app.test_client()).result_url.rsplit("/", 1)[1],
    }
    with app.app_context():
        by_name = {
            name: db.session.scalar(select(Result).where(Result.share_token == token))
            for name, token in tokens.items()
        }
        for name, result in by_name.items():
            if name.startswith("quick"):
                # a quick result differs only in its recorded mode, which is what is filtered
                db.session.execute(
                    update(Result).where(Result.id == result.id).values(mode="quick")
                )
        record_work_now(
            by_name["quick, says something else"], "something-else", None, published_roles()
        )
        db.session.commit()
        for result in by_name.values():
            db.session.refresh(result)
        db.session.expunge_all()
    return by_name


def published_roles() -> list[str]:
    """Return the role keys of the version takers answer now (needs an app context)."""
    return [role.key for role in published_bank(latest_version_id()).roles]


def test_the_work_filter_offers_the_roles_and_the_other_answers(app, admin_client, results):
    page = analytics(admin_client)
    select_html = page.split('name="work_now"', 1)[1].split("</select>", 1)[0]
    offered = re.findall(r'<option (?:selected )?value="([^"]*)"', select_html)
    with app.app_context():
        roles = published_roles()
    assert offered == [
        "",
        "not-answered",
        *roles,
        "other-data-software",
        "student-or-changer",
        "something-else",
    ]
    assert 'name="mode"' in page


@pytest.mark.parametrize(
    ("query", "picked"),
    [
        ({}, {"full, says a role", "quick, says something else", "full, silent", "quick, silent"}),
        ({"mode": "full"}, {"full, says a role", "full, silent"}),
        ({"mode": "quick"}, {"quick, says something else", "quick, silent"}),
        ({"work_now": "not-answered"}, {"full, silent", "quick, silent"}),
        ({"work_now": "something-else"}, {"quick, says something else"}),
        ({"work_now": "student-or-changer"}, set()),
        ({"mode": "quick", "work_now": "not-answered"}, {"quick, silent"}),
        ({"mode": "full", "work_now": "something-else"}, set()),
    ],
)
def test_mode_and_work_filters_count_the_results_they_pick(
    app, admin_client, results, query, picked
):
    page = analytics(admin_client, **query)
    assert figure(page, "Results") == str(len(picked))
    chosen = [results[name] for name in picked]
    with app.app_context():
        bank = published_bank(results["full, silent"].quiz_version_id)
    for role in bank.roles:
        n = sum(r.top_role == role.key for r in chosen)
        # the role's name follows its colour swatch in the row's header cell
        swatch = r"(?:<svg[^>]*>.*?</svg> )?"
        name = re.escape(role.name)
        row = re.search(rf'<th scope="row">{swatch}{name}</th>\s*<td>(\d+)</td>', page)
        assert (int(row[1]) if row else 0) == n, role.key
    if query:
        assert "these figures count the results themselves" in page

    csv_response = admin_client.get("/admin/analytics/results.csv", query_string=query)
    assert csv_response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(csv_response.get_data(as_text=True))))
    assert len(rows) == len(picked)


def test_a_role_key_filters_by_what_takers_said(app, admin_client, results):
    said = results["full, says a role"]
    assert (said.work_now, said.work_years) != (None, None)
    page = analytics(admin_client, work_now=said.work_now)
    assert figure(page, "Results") == "1"
    assert figure(analytics(admin_client, work_now=said.work_now, mode="quick"), "Results") == "0"


def test_a_deleted_result_leaves_the_work_filters_counts(app, admin_client, results):
    assert figure(analytics(admin_client, work_now="something-else"), "Results") == "1"
    with app.app_context():
        result = db.session.get(Result, results["quick, says something else"].id)
        erase_result(result)
        db.session.commit()
    assert figure(analytics(admin_client, work_now="something-else"), "Results") == "0"
    assert figure(analytics(admin_client, work_now="not-answered"), "Results") == "2"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"mode": "sometimes"}, "mode"),
        ({"mode": "FULL"}, "mode"),
        ({"work_now": "chief-astronaut"}, "work_now"),
        ({"work_now": "x" * 500}, "work_now"),
        ({"work_now": "not-answered", "mode": "both"}, "mode"),
    ],
)
def test_bad_filter_values_are_refused_with_a_message_beside_the_field(
    app, admin_client, results, query, field
):
    page = analytics(admin_client, 400, **query)
    assert "Please fix the filter below." in page
    assert re.search(rf'<p class="field-error" id="{field}-error">[^<]+</p>', page)
    response = admin_client.get("/admin/analytics/results.csv", query_string=query)
    assert response.status_code == 400
    assert html.unescape(page).count("field-error") == 1


def test_the_new_filters_speak_german(app, admin_client, results):
    admin_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "de-DE,de;q=0.9"
    page = analytics(admin_client, mode="quick", work_now="not-answered")
    for german in ("Quiz-Art", "Schnell-Quiz", "Sagt, arbeitet als", "Nicht beantwortet"):
        assert german in page
    assert "Diese Zahlen zählen die Ergebnisse selbst" in page
    assert "Says they work as" not in page and "Not answered" not in page
