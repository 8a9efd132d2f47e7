"""Once a version has enough real, careful results, the result page says where each fit
stands among the people who took it: "higher than 72% of people who took this quiz".

Through the real app on SQLite and PostgreSQL: earlier takers are stored and folded in as
people would leave them, then a person takes the quiz through the site.
"""

from __future__ import annotations

import html as htmllib
import re

from flask import Flask
from helpers import QuizTaker, take_quiz
from sqlalchemy import select
from taker_results import insert_people_results

from quiz.db import db
from quiz.models import Result
from quiz.store import analytics

MINIMUM = 20
GERMAN = {"Accept-Language": "de-DE,de;q=0.9"}


def earlier_fits(app: Flask, but: int) -> dict[str, list[int]]:
    """Return every counted result's fits by role, leaving out the result with id ``but``."""
    with app.app_context():
        results = db.session.scalars(
            select(Result).where(
                Result.id != but, Result.careless.is_(None), Result.synthetic.is_(False)
            )
        )
        fits: dict[str, list[int]] = {}
        for result in results:
            for entry in result.outcome["ranking"]:
                fits.setdefault(entry["role"], []).append(entry["fit"])
        return fits


def share_token_after_others(app: Flask, others: int, seed: int) -> str:
    """Store ``others`` earlier takers' results, then take the quiz; return its share token."""
    with app.app_context():
        insert_people_results(others, seed=seed)
    return share_token(take_quiz(app.test_client()))


def share_token(taker: QuizTaker) -> str:
    return taker.result_url.rsplit("/", 1)[-1]


def page_text(html: str) -> str:
    return htmllib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_the_page_the_share_link_and_the_json_say_where_each_fit_stands(app: Flask) -> None:
    app.config["STATISTICS_MINIMUM_RESULTS"] = MINIMUM
    with app.app_context():
        insert_people_results(30, seed=11)
    taker = take_quiz(app.test_client())
    token = share_token(taker)
    data = app.test_client().get(f"/r/{token}.json").get_json()
    with app.app_context():
        mine = db.session.scalar(select(Result.id).where(Result.share_token == token))
    fits = earlier_fits(app, but=mine)
    for entry in data["ranking"]:
        earlier = fits[entry["slug"]]
        lower = sum(1 for fit in earlier if fit < entry["fit"])
        assert entry["percentile"] == lower * 100 // len(earlier)
    top = data["ranking"][0]
    sentence = (
        f"fit for {top['name']} is higher than {top['percentile']}% of people who took this quiz."
    )
    owner_view = page_text(taker.client.get(taker.result_url).get_data(as_text=True))
    shared_view = page_text(app.test_client().get(f"/r/{token}").get_data(as_text=True))
    for text, whose in ((owner_view, "Your"), (shared_view, "Their")):
        assert f"{whose} {sentence}" in text
        assert f"the fits of the {len(fits[top['slug']])} people who took this version" in text
        for entry in data["ranking"]:
            assert f"higher than {entry['percentile']}% of takers" in text


def test_the_shared_page_keeps_the_percentiles_its_taker_saw(app: Flask) -> None:
    app.config["STATISTICS_MINIMUM_RESULTS"] = MINIMUM
    token = share_token_after_others(app, 25, seed=12)
    before = app.test_client().get(f"/r/{token}.json").get_json()
    with app.app_context():
        insert_people_results(40, seed=13)
        while analytics.fold_new_results():
            pass
    after = app.test_client().get(f"/r/{token}.json").get_json()
    assert [e["percentile"] for e in after["ranking"]] == [
        e["percentile"] for e in before["ranking"]
    ]
    assert before["ranking"][0]["percentile"] is not None


def test_below_the_minimum_no_percentile_is_shown(app: Flask) -> None:
    token = share_token_after_others(app, 10, seed=14)
    data = app.test_client().get(f"/r/{token}.json").get_json()
    assert all(entry["percentile"] is None for entry in data["ranking"])
    assert all(entry["band"] in {"strong", "moderate", "weak"} for entry in data["ranking"])
    html = app.test_client().get(f"/r/{token}").get_data(as_text=True)
    assert 'id="top-percentile"' not in html and "of takers" not in html


def test_the_percentile_is_said_in_german_too(app: Flask) -> None:
    app.config["STATISTICS_MINIMUM_RESULTS"] = MINIMUM
    token = share_token_after_others(app, 30, seed=15)
    top = app.test_client().get(f"/r/{token}.json").get_json()["ranking"][0]
    html = app.test_client().get(f"/r/{token}", headers=GERMAN).get_data(as_text=True)
    assert f"höher als bei {top['percentile']} % der Menschen" in page_text(html)
