"""No N+1: the pages a taker visits make a small, fixed number of queries, however big the quiz."""

from __future__ import annotations

import copy
import json

from flask import Flask
from helpers import QuizTaker, csrf_token, page_options
from query_counting import counted_queries

from quiz.core.bank import DEFAULT_BANK_PATH, parse_bank
from quiz.db import db
from quiz.store.drafts import replace_draft
from quiz.store.publishing import publish_draft

MOST_QUERIES = 3
# the finishing submission also asks which webhook endpoints want a result.created event,
# so the event can be written in the result's own transaction (quiz.store.webhooks)
MOST_QUERIES_OF_STEP = {"submission": MOST_QUERIES + 1}


def publish_bank_with_twice_the_questions(app: Flask) -> None:
    document = json.loads(DEFAULT_BANK_PATH.read_text(encoding="utf-8"))
    copies = copy.deepcopy(document["questions"])
    for question in copies:
        question["key"] = f"{question['key']}-again"
    document["questions"] += copies
    with app.app_context():
        replace_draft(parse_bank(document))
        publish_draft()
        db.session.commit()


def queries_of_each_step(app: Flask) -> dict[str, int]:
    """Count the queries of a quiz page, a whole submission, the result page and its JSON."""
    client = app.test_client()
    taker = QuizTaker(client)
    location = taker.finish()  # warms every cache, as a running server would be
    counts = {}

    with counted_queries(app) as statements:
        client.get("/quiz/2")
    counts["quiz page"] = len(statements)

    page = 1
    while True:  # answer every page but the last
        html = taker.open(page)
        if "See my result" in html:
            break
        taker.submit(page, {n: v[0] for n, v in page_options(html).items()})
        page += 1
    answers = {n: v[0] for n, v in page_options(html).items()}
    with counted_queries(app) as statements:
        response = client.post(
            f"/quiz/{page}", data={"csrf_token": csrf_token(html), "forward": "x", **answers}
        )
    assert response.status_code == 302
    counts["submission"] = len(statements)

    for name, url in (("result page", location), ("result JSON", location + ".json")):
        with counted_queries(app) as statements:
            assert client.get(url).status_code == 200
        counts[name] = len(statements)
    return counts


def test_query_counts_stay_small_and_do_not_grow_with_the_quiz(app):
    default = queries_of_each_step(app)
    assert all(n <= MOST_QUERIES_OF_STEP.get(k, MOST_QUERIES) for k, n in default.items()), default

    publish_bank_with_twice_the_questions(app)
    assert queries_of_each_step(app) == default


def test_the_health_check_makes_one_query(app):
    client = app.test_client()
    client.get("/healthz")
    with counted_queries(app) as statements:
        assert client.get("/healthz").status_code == 200
    assert len(statements) == 1, statements


def test_the_landing_page_makes_one_query_and_then_none(app):
    client = app.test_client()
    client.get("/")
    # rendered in another language: the app's own caches are warm, so the live version is all
    with counted_queries(app) as statements:
        assert client.get("/?lang=de").status_code == 200
    assert len(statements) == 1, statements
    # kept whole once rendered (quiz/web/whole_pages.py)
    with counted_queries(app) as statements:
        assert client.get("/").status_code == 200
    assert statements == []
