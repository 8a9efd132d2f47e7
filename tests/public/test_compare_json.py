"""The comparison as JSON (/compare/<token_a>/<token_b>.json): what the page shows, as data.

Results are taken through the real quiz pages and read back through the real app; every
test runs on SQLite and on PostgreSQL. The JSON is the view of someone who took neither
result, so it is read beside the page as a visitor (a fresh client) sees it.
"""

from __future__ import annotations

import copy
import html as htmllib
import json
import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import QuizTaker, delete_result
from sqlalchemy import select

from quiz.core import scoring
from quiz.core.bank import DEFAULT_BANK_PATH, parse_bank
from quiz.core.result_page import as_utc
from quiz.db import db
from quiz.models import Result
from quiz.public.compare import SAME_RESULT
from quiz.store.drafts import replace_draft
from quiz.store.publishing import latest_version_id, publish_draft, published_bank

ERROR_FIELDS = {"error", "detail", "request_id"}


class Person:
    """Someone who took the quiz in their own browser, favouring one role: token and taker."""

    def __init__(self, app: Flask, role: str):
        with app.app_context():
            table = published_bank(latest_version_id()).effect_table
        answers = scoring.answers_favouring(table, role)
        self.taker = QuizTaker(app.test_client())
        url = self.taker.finish(lambda name, values: answers[name.removeprefix("q-")])
        self.token = url.rsplit("/", 1)[1]


def taken_a_day_before(app: Flask, person: Person, other: Person) -> None:
    """Move ``person``'s result a day before ``other``'s, as if taken the day before."""
    with app.app_context():
        by_token = {
            r.share_token: r
            for r in db.session.scalars(
                select(Result).where(Result.share_token.in_([person.token, other.token]))
            )
        }
        by_token[person.token].created_at = as_utc(by_token[other.token].created_at) - timedelta(
            days=1
        )
        db.session.commit()


def two_people(app: Flask) -> tuple[Person, Person, str]:
    """Return two people, the one who took the quiz first holding the larger token, and
    the comparison's JSON path: so the order by date and the order in the path differ."""
    scientist, engineer = Person(app, "data-scientist"), Person(app, "ai-engineer")
    smaller, larger = sorted((scientist, engineer), key=lambda p: p.token)
    taken_a_day_before(app, larger, smaller)
    return larger, smaller, f"/compare/{smaller.token}/{larger.token}.json"


# ---------------------------------------------------------------- reading the page


def text_of(html: str) -> str:
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def chart_rows(html: str, side: str) -> list[tuple[int, str, int]]:
    """Return (rank, role name, fit) for every bar of one side's chart, top to bottom."""
    article = re.search(rf'<article[^>]*id="person-{side}".*?</article>', html, re.S)
    assert article, f"no chart for side {side}"
    labels = re.findall(r'class="chart-label">(\d+)\. (.*?)</text>', article.group(0))
    values = re.findall(r'class="chart-value">(\d+)%</text>', article.group(0))
    return [
        (int(rank), htmllib.unescape(name), int(fit))
        for (rank, name), fit in zip(labels, values, strict=True)
    ]


def result_link(html: str, side: str) -> str:
    article = re.search(rf'<article[^>]*id="person-{side}".*?</article>', html, re.S)
    assert article
    found = re.search(r'<a href="(/r/[^"]+)">', article.group(0))
    assert found
    return found.group(1)


def table_rows(html: str, table_id: str) -> list[list[str]]:
    """Return each body row of a table: its heading's text, then the text of its cells."""
    table = re.search(rf'<table[^>]*id="{table_id}".*?<tbody>(.*?)</tbody>', html, re.S)
    assert table, f"no table {table_id}"
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S):
        heading = re.search(r"<th[^>]*>(.*?)</th>", row, re.S)
        assert heading
        name = text_of(re.sub(r'<span class="dimension-kind">.*?</span>', "", heading.group(1)))
        cells = [text_of(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        rows.append([name, *cells])
    return rows


def reading(html: str) -> list[str]:
    found = re.search(r'<ul class="reading">(.*?)</ul>', html, re.S)
    assert found, "no reading on the page"
    return [text_of(item) for item in re.findall(r"<li>(.*?)</li>", found.group(1), re.S)]


def heading_of(html: str, side: str) -> str:
    found = re.search(rf'<h3 id="person-{side}-heading">(.*?)<span', html, re.S)
    assert found, f"no heading for side {side}"
    return text_of(found.group(1))


def assert_json_error(response, status: int) -> dict:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == ERROR_FIELDS and all(body.values())
    assert body["request_id"] == response.headers["X-Request-ID"]
    return body


# ---------------------------------------------------------------- the answer


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_json_holds_what_a_visitor_sees_on_the_page(
    app: Flask, client: FlaskClient, language: str
) -> None:
    earlier, later, path = two_people(app)

    response = client.get(path, query_string={"lang": language})
    page = client.get(path.removesuffix(".json"), query_string={"lang": language}).text

    assert response.status_code == 200 and response.mimetype == "application/json"
    comparison = response.get_json()
    assert comparison["language"] == language
    # Person A took the quiz first, though the path names the other first
    for side, person in (("a", earlier), ("b", later)):
        shown = comparison[side]
        assert shown["token"] == person.token
        assert shown["url"] == f"http://localhost/r/{person.token}"
        assert result_link(page, side) == f"/r/{person.token}"
        assert shown["label"] == heading_of(page, side)
        assert shown["quiz_version"] == 1 and shown["mode"] == "full"
        assert [(r["rank"], r["name"], r["fit"]) for r in shown["ranking"]] == chart_rows(
            page, side
        )
        assert [r["rank"] for r in shown["ranking"]] == list(range(1, len(shown["ranking"]) + 1))
        # the same ranking as the result's own JSON, in the reader's words
        own = client.get(f"/r/{person.token}.json").get_json()["ranking"]
        assert [{k: v for k, v in r.items() if k != "name"} for r in shown["ranking"]] == [
            {k: v for k, v in r.items() if k != "name"} for r in own
        ]
    assert comparison["a"]["label"] != comparison["b"]["label"]
    assert comparison["a"]["created_at"] < comparison["b"]["created_at"]
    assert comparison["same_version"] is True
    assert comparison["same_top"] is False
    # the tables, row by row and in their order, and the reading, sentence by sentence
    assert [[r["name"], f"{r['fit_a']}%", f"{r['fit_b']}%"] for r in comparison["roles"]] == [
        row[:3] for row in table_rows(page, "role-table")
    ]
    assert all(r["gap"] == r["fit_a"] - r["fit_b"] for r in comparison["roles"])
    assert [[r["name"], str(r["level_a"]), str(r["level_b"])] for r in comparison["levels"]] == [
        row[:3] for row in table_rows(page, "level-table")
    ]
    assert all(r["gap"] == r["level_a"] - r["level_b"] for r in comparison["levels"])
    assert comparison["reading"] == reading(page)
    assert len(comparison["reading"]) >= 2


def test_the_json_is_the_neutral_view_even_for_a_person_who_took_one_of_them(
    app: Flask, client: FlaskClient
) -> None:
    earlier, later, path = two_people(app)

    visitor = client.get(path)
    owner = earlier.taker.client.get(path)

    assert owner.status_code == 200
    assert owner.get_json() == visitor.get_json()
    assert (owner.get_json()["a"]["label"], owner.get_json()["b"]["label"]) == (
        "Person A",
        "Person B",
    )
    assert owner.headers["ETag"] == visitor.headers["ETag"]
    assert owner.cache_control.public and not owner.cache_control.private
    # the owner's own page says "You", and is another copy with another ETag
    owners_page = earlier.taker.client.get(path.removesuffix(".json"))
    assert heading_of(owners_page.text, "a") == "You"
    assert owners_page.headers["ETag"] != owner.headers["ETag"]


def test_the_comparison_pages_name_their_json(app: Flask, client: FlaskClient) -> None:
    earlier, later, path = two_people(app)
    link = f'<link rel="alternate" type="application/json" href="http://localhost{path}"'

    for browser in (client, earlier.taker.client):  # a visitor's page and the owner's
        page = browser.get(path.removesuffix(".json"))
        assert page.status_code == 200
        assert link in page.text


def test_the_other_order_redirects_to_the_one_url_keeping_the_language(
    app: Flask, client: FlaskClient
) -> None:
    earlier, later, path = two_people(app)
    smaller, larger = sorted((earlier.token, later.token))

    reversed_order = client.get(f"/compare/{larger}/{smaller}.json")
    in_german = client.get(f"/compare/{larger}/{smaller}.json?lang=de")

    assert reversed_order.status_code == 308
    assert reversed_order.headers["Location"] == path
    assert reversed_order.cache_control.public
    assert in_german.status_code == 308
    assert in_german.headers["Location"] == f"{path}?lang=de"
    followed = client.get(f"/compare/{larger}/{smaller}.json?lang=de", follow_redirects=True)
    assert followed.get_json() == client.get(path, query_string={"lang": "de"}).get_json()
    assert followed.get_json()["language"] == "de"


def test_results_of_two_versions_pair_by_key_with_null_where_a_version_lacks_one(
    app: Flask, client: FlaskClient
) -> None:
    old = Person(app, "data-scientist")
    changed = json.loads(DEFAULT_BANK_PATH.read_text(encoding="utf-8"))
    renamed, rekeyed = changed["roles"][0], changed["roles"][2]
    old_name, old_key = renamed["name"], rekeyed["key"]
    renamed["name"] = "Data Scientist (renamed)"
    rekeyed["key"], rekeyed["name"] = "ai-product-engineer", "AI Product Engineer"
    with app.app_context():
        replace_draft(parse_bank(copy.deepcopy(changed)))
        publish_draft()
        db.session.commit()
    new = Person(app, "data-scientist")
    path = "/compare/{}/{}.json".format(*sorted((old.token, new.token)))

    comparison = client.get(path).get_json()
    page = client.get(path.removesuffix(".json")).text

    a, b = comparison["a"], comparison["b"]
    assert (a["token"], a["quiz_version"], b["token"], b["quiz_version"]) == (
        old.token,
        1,
        new.token,
        2,
    )
    assert comparison["same_version"] is False
    roles = {r["slug"]: r for r in comparison["roles"]}
    assert roles[renamed["key"]]["name"] == f"{old_name} / Data Scientist (renamed)"
    assert roles[old_key]["fit_b"] is None and roles[old_key]["fit_a"] is not None
    assert roles["ai-product-engineer"]["fit_a"] is None
    assert roles["ai-product-engineer"]["fit_b"] is not None
    assert roles[old_key]["gap"] is None and roles["ai-product-engineer"]["gap"] is None
    # the rows the page shows, in its order
    assert [r["name"] for r in comparison["roles"]] == [
        row[0] for row in table_rows(page, "role-table")
    ]
    assert comparison["reading"] == reading(page)


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize("unknown_first", [True, False])
def test_an_unknown_result_is_a_json_404(
    app: Flask, client: FlaskClient, unknown_first: bool
) -> None:
    person = Person(app, "data-scientist")
    unknown = "A" * 43
    tokens = (unknown, person.token) if unknown_first else (person.token, unknown)

    body = assert_json_error(client.get("/compare/{}/{}.json".format(*tokens)), 404)

    assert body == {**client.get(f"/r/{unknown}.json").get_json(), "request_id": body["request_id"]}
    assert_json_error(client.get(f"/compare/{person.token}/not-a-token.json"), 404)
    assert_json_error(client.get(f"/compare/{person.token}/.json"), 404)


@pytest.mark.parametrize("deleted_first", [True, False])
def test_a_deleted_result_is_a_json_410_in_either_order(
    app: Flask, client: FlaskClient, deleted_first: bool
) -> None:
    earlier, later, path = two_people(app)
    kept = client.get(path)
    gone = earlier if deleted_first else later

    delete_result(gone.taker)

    for url in (path, f"/compare/{later.token}/{earlier.token}.json"):
        body = assert_json_error(client.get(url), 410)
        own = client.get(f"/r/{gone.token}.json").get_json()
        assert (body["error"], body["detail"]) == (own["error"], own["detail"])
    # a kept copy may not be revalidated once either result is gone
    again = client.get(path, headers={"If-None-Match": kept.headers["ETag"]})
    assert_json_error(again, 410)


def test_the_same_result_twice_is_a_json_400_saying_so(app: Flask, client: FlaskClient) -> None:
    person = Person(app, "data-scientist")

    body = assert_json_error(client.get(f"/compare/{person.token}/{person.token}.json"), 400)
    german = assert_json_error(
        client.get(f"/compare/{person.token}/{person.token}.json?lang=de"), 400
    )

    assert body["detail"] == SAME_RESULT
    assert german["detail"] != SAME_RESULT  # said in the reader's language


# ---------------------------------------------------------------- caching


def test_the_json_is_publicly_cacheable_and_revalidates_with_304(
    app: Flask, client: FlaskClient
) -> None:
    earlier, later, path = two_people(app)

    response = client.get(path)

    etag = response.headers["ETag"]
    assert response.cache_control.public and response.cache_control.max_age == 3600
    assert response.headers["X-Robots-Tag"] == "noindex"
    # the answer is in the reader's language: a shared cache keeps one copy per language
    assert "Accept-Language" in response.vary
    german = client.get(path, headers={"Accept-Language": "de"})
    assert german.get_json()["language"] == "de"
    assert german.headers["ETag"] != etag
    # nor does the page's copy stand for the JSON's
    assert client.get(path.removesuffix(".json")).headers["ETag"] != etag
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert again.cache_control.public and again.cache_control.max_age == 3600
    assert client.get(path, headers={"If-None-Match": '"other"'}).data == response.data
    assert client.get(path, headers={"If-None-Match": german.headers["ETag"]}).status_code == 200
    app.config["RELEASE_ID"] = "next-release"
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 200
