"""The analytics page counts synthetic demo results in, and says how many there are."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from taker_results import count_results, insert_people_results

from quiz.models import Result
from quiz.store.demo import insert_demo_results

NOTICE = '<p class="notice" id="synthetic-results">'


def analytics_page(client: FlaskClient, query: str = "") -> str:
    response = client.get(f"/admin/analytics{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_page_says_how_many_of_its_results_are_synthetic(
    app: Flask, admin_client: FlaskClient
) -> None:
    with app.app_context():
        insert_people_results(6, seed=31)
        insert_demo_results(45, days=5, seed=32)
        careful_demo = count_results(Result.synthetic.is_(True), Result.careless.is_(None))
    html = analytics_page(admin_client)
    assert "<dt>Results</dt><dd>51</dd>" in html
    assert (
        f"{NOTICE}These figures include 45 synthetic demo results, made by flask demo-results "
        "for trying the page out: they were not given by people. "
        "The quality report leaves synthetic results out.</p>"
    ) in html
    careful_only = analytics_page(admin_client, "?careless=exclude")
    assert f"These figures include {careful_demo} synthetic demo results" in careful_only


def test_the_page_says_nothing_of_synthetic_results_when_there_are_none(
    app: Flask, admin_client: FlaskClient
) -> None:
    with app.app_context():
        insert_people_results(6, seed=33)
    html = analytics_page(admin_client)
    assert "<dt>Results</dt><dd>6</dd>" in html
    assert NOTICE not in html and "synthetic" not in html


def test_a_single_synthetic_result_is_worded_in_the_singular(
    app: Flask, admin_client: FlaskClient
) -> None:
    with app.app_context():
        insert_demo_results(1, days=1, seed=34)
    html = analytics_page(admin_client)
    assert (
        "These figures include 1 synthetic demo result, made by flask demo-results for trying "
        "the page out: it was not given by a person."
    ) in html
