"""The quality report's reliability rests on real, careful results only, and waits for enough.

Synthetic results (flask demo-results) are drawn from the bank's own weights: counted in,
they would show the quiz measuring what it was built to measure, whatever people answer.
"""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from taker_results import count_results, insert_people_results, real_careful_answers

from quiz.core.quality import quality_report
from quiz.db import db
from quiz.models import Result
from quiz.store.analytics import careful_responses
from quiz.store.demo import insert_demo_results
from quiz.store.publishing import latest_version_id, published_bank

ALPHA_ROW = re.compile(
    r'<tr><th scope="row">([^<]+)</th><td>(\d+)</td><td>([\d,]+)</td><td>([^<]+)</td>'
    r"<td>.*?</td></tr>"
)


def quality_page(client: FlaskClient) -> str:
    response = client.get("/admin/versions/1/quality")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def shown_alphas(html: str) -> dict[str, tuple[int, str]]:
    """Return each role scale's responses and Cronbach's alpha as the page shows them."""
    return {name: (int(n.replace(",", "")), alpha) for name, _, n, alpha in ALPHA_ROW.findall(html)}


def alphas_from(app: Flask, responses: list[dict[str, str]]) -> dict[str, tuple[int, str]]:
    """Work out each scale's responses and alpha from ``responses``, worded as on the page."""
    bank = published_bank(latest_version_id() or 0)
    report = quality_report(
        bank.effect_table,
        responses,
        question_labels={},
        role_names={},
        min_responses=app.config["STATISTICS_MINIMUM_RESULTS"],
        respondents=10,
        style_respondents=10,
    )
    return {
        bank.role_by_key[scale.role].name: (
            scale.responses,
            f"{scale.alpha:.2f}" if scale.alpha is not None else "—",
        )
        for scale in report.reliability
    }


def test_the_reliability_figures_are_those_of_the_real_results_alone(
    app: Flask, admin_client: FlaskClient
) -> None:
    with app.app_context():
        insert_people_results(130, seed=21)
        insert_demo_results(600, days=3, seed=22)
        version_id = latest_version_id()
        assert version_id is not None
        real = real_careful_answers(version_id)
        assert len(real) >= app.config["STATISTICS_MINIMUM_RESULTS"]
        expected = alphas_from(app, real)
        with_synthetic = alphas_from(
            app, careful_responses(version_id, 10_000) + demo_careful_answers()
        )
    html = quality_page(admin_client)
    shown = shown_alphas(html)
    assert shown and shown == expected
    # the demo results would have changed every figure: the test tells the two apart
    assert all(shown[role][0] < with_synthetic[role][0] for role in shown)
    assert f"From the {len(real):,} most recent careful results of {len(real):,}." in html
    assert "600 synthetic demo results, made by flask demo-results, are left out too" in html


def test_reliability_waits_for_the_minimum_of_real_careful_results_and_says_how_many_more(
    app: Flask, admin_client: FlaskClient
) -> None:
    with app.app_context():
        insert_people_results(40, seed=23)
        insert_demo_results(300, days=3, seed=24)
        have = count_results(Result.synthetic.is_(False), Result.careless.is_(None))
    assert 0 < have < 100
    html = quality_page(admin_client)
    assert "Cronbach&#39;s alpha</th>" not in html and "Cronbach's alpha</th>" not in html
    waiting = (
        f"Reliability is worked out once 100 real, careful results answer every question; "
        f"{have} have so far — {100 - have} more needed."
    )
    assert f'<p id="reliability-waiting">{waiting}</p>' in html
    assert f"<li>{waiting}</li>" in html  # among the notes worth knowing too


def test_the_minimum_follows_the_setting(app: Flask, admin_client: FlaskClient) -> None:
    with app.app_context():
        insert_people_results(40, seed=23)
        have = count_results(Result.synthetic.is_(False), Result.careless.is_(None))
    app.config["STATISTICS_MINIMUM_RESULTS"] = have + 1
    html = quality_page(admin_client)
    assert f"{have} have so far — 1 more needed." in html
    assert not shown_alphas(html)
    app.config["STATISTICS_MINIMUM_RESULTS"] = have
    html = quality_page(admin_client)
    assert 'id="reliability-waiting"' not in html
    with app.app_context():
        expected = alphas_from(app, real_careful_answers(latest_version_id() or 0))
    assert shown_alphas(html) == expected


def demo_careful_answers() -> list[dict[str, str]]:
    return list(
        db.session.scalars(
            select(Result.answers).where(Result.synthetic.is_(True), Result.careless.is_(None))
        )
    )
