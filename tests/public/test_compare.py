"""Compare with a friend: two results side by side, the form that starts it, and its refusals.

Results are taken through the real quiz pages; every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import copy
import html as htmllib
import json
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from helpers import QuizTaker, delete_result, inline_code
from markupsafe import escape
from sqlalchemy import func, select

from quiz.core import scoring
from quiz.core.bank import DEFAULT_BANK_PATH, Bank, BankDimension, BankRole, parse_bank
from quiz.core.comparison import LABELS, Side, compare
from quiz.core.result_page import ProfileRow, ResultPage, ShownFit, as_utc
from quiz.db import db
from quiz.models import Result
from quiz.public.compare import (
    FRIEND_DELETED,
    FRIEND_NOT_FOUND,
    NOT_A_LINK,
    SAME_LINK,
    SAME_RESULT,
)
from quiz.store.drafts import replace_draft
from quiz.store.publishing import latest_version_id, publish_draft, published_bank

DEFAULT_DOCUMENT = json.loads(DEFAULT_BANK_PATH.read_text(encoding="utf-8"))
NAMES = {r["key"]: r["name"] for r in DEFAULT_DOCUMENT["roles"]}

# ---------------------------------------------------------------- taking the quiz


def current_bank(app: Flask) -> Bank:
    with app.app_context():
        return published_bank(latest_version_id())


def favouring(app: Flask, role: str, then: str | None = None, changed: int = 0) -> dict[str, str]:
    """Return answers favouring ``role``, the first ``changed`` questions favouring ``then``."""
    table = current_bank(app).effect_table
    answers = scoring.answers_favouring(table, role)
    if then is not None:
        other = scoring.answers_favouring(table, then)
        for question in list(answers)[:changed]:
            answers[question] = other[question]
    return answers


class Person:
    """Someone who took the quiz in their own browser: their token, taker and stored outcome."""

    def __init__(self, app: Flask, answers: dict[str, str]):
        self.taker = QuizTaker(app.test_client())
        url = self.taker.finish(lambda name, values: answers[name.removeprefix("q-")])
        self.token = url.rsplit("/", 1)[1]
        with app.app_context():
            stored = db.session.scalars(
                select(Result).where(Result.share_token == self.token)
            ).one()
            self.outcome = stored.outcome
            self.taken = as_utc(stored.created_at)

    @property
    def top(self) -> dict[str, Any]:
        return self.outcome["ranking"][0]


def pair(first: Person, second: Person) -> tuple[Person, Person]:
    """Return the two people as a visitor's page labels them: Person A took the quiz first."""
    return tuple(sorted((first, second), key=lambda p: (p.taken, p.token)))  # type: ignore[return-value]


def compare_url(first: Person, second: Person) -> str:
    """Return the comparison's one URL: the two tokens in sorted order."""
    return "/compare/{}/{}".format(*sorted((first.token, second.token)))


def publish(app: Flask, document: dict[str, Any]) -> None:
    with app.app_context():
        replace_draft(parse_bank(document))
        publish_draft()
        db.session.commit()


# ---------------------------------------------------------------- reading pages


def text_of(html: str) -> str:
    """Return the page's text with tags removed and entities decoded, spaces collapsed."""
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def chart_rows(html: str, person: str) -> list[tuple[int, str, int]]:
    """Return (rank, role name, fit) for every bar of one person's chart, top to bottom."""
    article = re.search(rf'<article[^>]*id="person-{person}".*?</article>', html, re.S)
    assert article, f"no chart for person {person}"
    labels = re.findall(r'class="chart-label">(\d+)\. (.*?)</text>', article.group(0))
    values = re.findall(r'class="chart-value">(\d+)%</text>', article.group(0))
    return [
        (int(rank), htmllib.unescape(name), int(fit))
        for (rank, name), fit in zip(labels, values, strict=True)
    ]


def table_rows(html: str, table_id: str) -> dict[str, list[str]]:
    """Return each body row of a table: its heading's text -> the text of its cells."""
    table = re.search(rf'<table[^>]*id="{table_id}".*?<tbody>(.*?)</tbody>', html, re.S)
    assert table, f"no table {table_id}"
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S):
        heading = re.search(r"<th[^>]*>(.*?)</th>", row, re.S)
        assert heading
        name = text_of(re.sub(r'<span class="dimension-kind">.*?</span>', "", heading.group(1)))
        rows[name] = [text_of(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    return rows


def reading(html: str) -> list[str]:
    found = re.search(r'<ul class="reading">(.*?)</ul>', html, re.S)
    assert found, "no reading on the page"
    return [text_of(item) for item in re.findall(r"<li>(.*?)</li>", found.group(1), re.S)]


def fields_of_form(html: str) -> dict[str, str]:
    """Return the names and values of the compare form's inputs."""
    form = re.search(r'<form method="get" action="/compare"[^>]*>(.*?)</form>', html, re.S)
    assert form, "no compare form on the page"
    return {
        name: htmllib.unescape(value)
        for name, value in re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', form.group(1))
    }


# ---------------------------------------------------------------- the page


def test_compare_page_shows_both_rankings_and_profiles_from_the_stored_outcomes(app, client):
    scientist = Person(app, favouring(app, "data-scientist"))
    engineer = Person(app, favouring(app, "ai-engineer"))
    a, b = pair(scientist, engineer)

    response = client.get(compare_url(scientist, engineer))

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for person, side in ((a, "a"), (b, "b")):
        assert chart_rows(html, side) == [
            (entry["rank"], NAMES[entry["role"]], entry["fit"])
            for entry in person.outcome["ranking"]
        ]
        assert f'href="/r/{person.token}"' in html  # each side leads to its own result
    roles = table_rows(html, "role-table")
    assert list(roles) == list(NAMES.values())  # in the bank's order
    for key, name in NAMES.items():
        fit_a, fit_b = (
            next(e["fit"] for e in p.outcome["ranking"] if e["role"] == key) for p in (a, b)
        )
        better = "Equal" if fit_a == fit_b else f"{LABELS[fit_a < fit_b]}, by {abs(fit_a - fit_b)}"
        assert roles[name][:2] == [f"{fit_a}%", f"{fit_b}%"]
        assert roles[name][2].startswith(better)
    levels = table_rows(html, "level-table")
    assert list(levels) == [d["name"] for d in DEFAULT_DOCUMENT["dimensions"]]
    for dimension in DEFAULT_DOCUMENT["dimensions"]:
        level_a, level_b = (p.outcome["profile"][dimension["key"]] for p in (a, b))
        assert levels[dimension["name"]][:2] == [str(level_a), str(level_b)]
    assert "Person A" in text_of(html) and "Person B" in text_of(html)


def test_either_order_of_the_links_leads_to_one_page(app, client):
    first = Person(app, favouring(app, "data-scientist"))
    second = Person(app, favouring(app, "ml-engineer"))
    a, b = sorted((first, second), key=lambda p: p.token)

    reversed_order = client.get(f"/compare/{b.token}/{a.token}")

    assert reversed_order.status_code == 308
    assert reversed_order.headers["Location"] == f"/compare/{a.token}/{b.token}"
    assert reversed_order.cache_control.public
    canonical = client.get(reversed_order.headers["Location"])
    assert canonical.status_code == 200
    followed = client.get(f"/compare/{b.token}/{a.token}", follow_redirects=True)
    assert followed.get_data() == canonical.get_data()
    assert f'rel="canonical" href="http://localhost/compare/{a.token}/{b.token}"' in canonical.text


def test_the_reading_says_you_both_fit_the_same_role_best(app, client):
    answers = favouring(app, "data-scientist", then="ml-engineer", changed=6)
    ranking = scoring.rank_roles(current_bank(app).effect_table, answers).ranking
    assert ranking[0].role == "data-scientist"  # the answers differ, the best fit does not
    first = Person(app, favouring(app, "data-scientist"))
    second = Person(app, answers)
    a, b = pair(first, second)

    sentences = reading(client.get(compare_url(first, second)).get_data(as_text=True))

    assert sentences[0] == (
        f"You both fit Data Scientist best (Person A {a.top['fit']}%, Person B {b.top['fit']}%)."
    )
    assert not any("differ:" in s for s in sentences)


def test_the_reading_names_both_best_fits_when_they_differ(app, client):
    scientist = Person(app, favouring(app, "data-scientist"))
    engineer = Person(app, favouring(app, "ai-engineer"))
    a, b = pair(scientist, engineer)

    sentences = reading(client.get(compare_url(scientist, engineer)).get_data(as_text=True))

    assert sentences[0] == (
        f"Your best fits differ: Person A leans to {NAMES[a.top['role']]} ({a.top['fit']}%), "
        f"Person B to {NAMES[b.top['role']]} ({b.top['fit']}%)."
    )
    # the roles whose fits differ most, and the biggest differences in skills and goals
    fits = {p: {e["role"]: e["fit"] for e in p.outcome["ranking"]} for p in (a, b)}
    for role in ("data-scientist", "ai-engineer"):
        ahead, behind = (a, b) if fits[a][role] > fits[b][role] else (b, a)
        assert (
            f"{NAMES[role]} fits {'Person A' if ahead is a else 'Person B'} much better "
            f"({fits[ahead][role]}% vs {fits[behind][role]}%)."
        ) in sentences
    leaning = [s for s in sentences if " leans much more towards " in s]
    assert len(leaning) == 3
    names = {d["name"]: d["key"] for d in DEFAULT_DOCUMENT["dimensions"]}
    gaps = sorted(
        (abs(a.outcome["profile"][k] - b.outcome["profile"][k]) for k in names.values()),
        reverse=True,
    )
    for sentence in leaning:
        match = re.fullmatch(
            r"(Person [AB]) leans much more towards (.+) \((\d+) vs (\d+)\)\.", sentence
        )
        assert match, sentence
        who, name, high, low = match.groups()
        ahead, behind = (a, b) if who == "Person A" else (b, a)
        assert int(high) == ahead.outcome["profile"][names[name]] > int(low)
        assert int(low) == behind.outcome["profile"][names[name]]
        assert int(high) - int(low) in gaps[:3]


def second_version(document: dict[str, Any]) -> dict[str, Any]:
    """Return a changed bank: a renamed role and skill, a role under a new key, a skill gone."""
    changed = copy.deepcopy(document)
    changed["roles"][0]["name"] = "Data Scientist (renamed)"
    changed["roles"][2]["key"] = "ai-product-engineer"
    changed["roles"][2]["name"] = "AI Product Engineer"
    changed["dimensions"] = [d for d in changed["dimensions"] if d["key"] != "automation"]
    changed["dimensions"][0]["name"] = "Statistics (renamed)"
    for role in changed["roles"]:
        role["profile"].pop("automation", None)
    for question in changed["questions"]:
        question.get("weights", {}).pop("automation", None)
        for option in question.get("options", []):
            option["weights"].pop("automation", None)
    changed["questions"] = [
        q for q in changed["questions"] if q["kind"] != "likert" or q["weights"]
    ]
    return changed


def test_results_from_different_quiz_versions_compare_by_key(app, client):
    old = Person(app, favouring(app, "data-scientist"))
    publish(app, second_version(DEFAULT_DOCUMENT))
    new = Person(app, favouring(app, "data-scientist"))
    assert new.top["role"] == old.top["role"] == "data-scientist"
    a, b = pair(old, new)
    side = {old: "a" if a is old else "b", new: "a" if a is new else "b"}
    column = {old: 0 if a is old else 1, new: 0 if a is new else 1}

    response = client.get(compare_url(old, new))

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    # each side is read with its own version's names
    assert {name for _, name, _ in chart_rows(html, side[old])} == set(NAMES.values())
    assert {name for _, name, _ in chart_rows(html, side[new])} == {
        "Data Scientist (renamed)",
        "Machine Learning Engineer",
        "AI Product Engineer",
    }
    versions = {old: 1, new: 2}
    assert (
        f"Person A took version {versions[a]} of the quiz and Person B version {versions[b]}."
    ) in text_of(html)
    # the reading pairs the same role across versions by its key
    assert reading(html)[0].startswith(
        "You both fit Data Scientist / Data Scientist (renamed) best"
        if a is old
        else "You both fit Data Scientist (renamed) / Data Scientist best"
    )
    roles = table_rows(html, "role-table")
    missing = "not in this quiz version"
    assert roles["AI Engineer"][column[new]] == missing
    assert roles["AI Engineer"][2] == "—"
    assert roles["AI Product Engineer"][column[old]] == missing
    levels = table_rows(html, "level-table")
    assert levels["Taking work off people's hands"][column[new]] == missing
    assert any(name.startswith("Statistics") and "/" in name for name in levels)
    assert not any(
        "AI Product Engineer fits" in s or "AI Engineer fits" in s for s in reading(html)
    )


# ---------------------------------------------------------------- refusals


def test_the_same_result_twice_is_a_400_with_a_way_to_it(app, client):
    person = Person(app, favouring(app, "data-scientist"))

    response = client.get(f"/compare/{person.token}/{person.token}")

    assert response.status_code == 400
    assert SAME_RESULT in text_of(response.get_data(as_text=True))
    assert f'href="/r/{person.token}"' in response.get_data(as_text=True)


@pytest.mark.parametrize("unknown_first", [True, False])
def test_an_unknown_result_is_not_found(app, client, unknown_first):
    person = Person(app, favouring(app, "data-scientist"))
    unknown = "A" * 43
    tokens = (unknown, person.token) if unknown_first else (person.token, unknown)

    assert client.get("/compare/{}/{}".format(*tokens)).status_code == 404
    assert client.get(f"/compare/{person.token}/not-a-token").status_code == 404


@pytest.mark.parametrize("deleted_first", [True, False])
def test_a_deleted_result_is_gone_in_either_order(app, client, deleted_first):
    first = Person(app, favouring(app, "data-scientist"))
    second = Person(app, favouring(app, "ai-engineer"))
    cached = client.get(compare_url(first, second))
    a, b = pair(first, second)
    delete_result((a if deleted_first else b).taker)

    for url in (f"/compare/{a.token}/{b.token}", f"/compare/{b.token}/{a.token}"):
        assert client.get(url).status_code == 410
    # a kept copy may not be revalidated once either result is gone
    again = client.get(
        compare_url(first, second), headers={"If-None-Match": cached.headers["ETag"]}
    )
    assert again.status_code == 410


# ---------------------------------------------------------------- starting from a result page


LINK_FORMS: dict[str, Callable[[str], str]] = {
    "full https link": lambda token: f"https://careerfit.example/r/{token}",
    "full http link with a query": lambda token: f"http://localhost/r/{token}?utm_source=chat",
    "path": lambda token: f"/r/{token}",
    "bare token": lambda token: token,
    "bare token with spaces around": lambda token: f"  {token}\n",
}


@pytest.mark.parametrize("form", list(LINK_FORMS))
def test_the_form_reads_a_friends_link_and_opens_the_comparison(app, client, form):
    mine = Person(app, favouring(app, "data-scientist"))
    friend = Person(app, favouring(app, "ml-engineer"))

    response = client.get(
        "/compare", query_string={"mine": mine.token, "friend": LINK_FORMS[form](friend.token)}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == compare_url(mine, friend)
    assert client.get(response.headers["Location"]).status_code == 200


JUNK_LINKS: dict[str, Callable[[str], str]] = {
    "empty": lambda token: "",
    "spaces": lambda token: "   ",
    "words": lambda token: "my friend's result",
    "another page": lambda token: "https://careerfit.example/quiz",
    "a token too short": lambda token: "/r/abc",
    "ftp link": lambda token: f"ftp://careerfit.example/r/{token}",
    "script link": lambda token: f"javascript:alert(1)//r/{token}",
    "no scheme": lambda token: f"//careerfit.example/r/{token}",
    "host without scheme": lambda token: f"careerfit.example/r/{token}",
    "broken host": lambda token: f"http://[::1/r/{token}",
    "the json": lambda token: f"/r/{token}.json",
    "the delete link": lambda token: f"/r/{token}/delete/{token}",
    "markup": lambda token: f'"><script>alert(1)</script>{token}',
    "far too long": lambda token: f"https://careerfit.example/r/{token}?" + "x" * 600,
}


@pytest.mark.parametrize("junk", list(JUNK_LINKS))
def test_the_form_refuses_anything_but_a_result_link_and_changes_nothing(app, client, junk):
    mine = Person(app, favouring(app, "data-scientist"))
    friend = Person(app, favouring(app, "ml-engineer"))
    result_before = client.get(f"/r/{mine.token}").get_data()
    with app.app_context():
        stored_before = db.session.scalar(select(func.count(Result.id)))
    pasted = JUNK_LINKS[junk](friend.token)

    response = client.get("/compare", query_string={"mine": mine.token, "friend": pasted})

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    expected = NOT_A_LINK if pasted.strip() else "Paste the link to your friend's result."
    assert expected in text_of(html)
    assert f'href="/r/{mine.token}"' in html  # a way back
    assert fields_of_form(html) == {"mine": mine.token, "friend": pasted.strip(), "name": ""}
    assert "<script>alert(1)" not in html
    # the pasted text comes back in the box, escaped: a value is never run, whatever it says
    assert all(found.startswith("<input value=") for found in inline_code(html))
    assert client.get(f"/r/{mine.token}").get_data() == result_before
    with app.app_context():
        assert db.session.scalar(select(func.count(Result.id))) == stored_before


def test_the_form_refuses_your_own_link(app, client):
    mine = Person(app, favouring(app, "data-scientist"))

    response = client.get(
        "/compare", query_string={"mine": mine.token, "friend": f"/r/{mine.token}"}
    )

    assert response.status_code == 400
    assert SAME_LINK in text_of(response.get_data(as_text=True))


def test_the_form_says_when_the_friends_result_is_unknown_or_deleted(app, client):
    mine = Person(app, favouring(app, "data-scientist"))
    friend = Person(app, favouring(app, "ml-engineer"))

    unknown = client.get("/compare", query_string={"mine": mine.token, "friend": "B" * 43})
    assert unknown.status_code == 404
    assert FRIEND_NOT_FOUND in text_of(unknown.get_data(as_text=True))

    delete_result(friend.taker)
    deleted = client.get("/compare", query_string={"mine": mine.token, "friend": friend.token})
    assert deleted.status_code == 410
    assert FRIEND_DELETED in text_of(deleted.get_data(as_text=True))
    assert f'href="/r/{mine.token}"' in deleted.get_data(as_text=True)


@pytest.mark.parametrize(
    ("mine", "status"),
    [(None, 400), ("", 400), ("not a token", 400), ("C" * 43, 404)],
)
def test_the_form_needs_a_result_of_your_own(app, client, mine, status):
    friend = Person(app, favouring(app, "ml-engineer"))
    query = {"friend": friend.token} if mine is None else {"mine": mine, "friend": friend.token}

    assert client.get("/compare", query_string=query).status_code == status


# ---------------------------------------------------------------- escaping, caching, CSP


def test_the_compare_page_escapes_text_from_the_question_bank(app, client):
    hostile = 'Data "><script>alert(1)</script>'
    document = copy.deepcopy(DEFAULT_DOCUMENT)
    document["roles"][0]["name"] = hostile
    document["dimensions"][0]["name"] = "<img src=x onerror=alert(2)>"
    publish(app, document)
    first = Person(app, favouring(app, "data-scientist"))
    second = Person(app, favouring(app, "ai-engineer"))

    html = client.get(compare_url(first, second)).get_data(as_text=True)

    assert "<script>alert(1)" not in html
    assert "<img src=x" not in html
    assert html.count("Data &#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;") >= 4
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert hostile in " ".join(reading(html))
    assert inline_code(html) == []


def test_the_compare_page_is_publicly_cacheable_and_revalidates_with_304(app, client):
    first = Person(app, favouring(app, "data-scientist"))
    second = Person(app, favouring(app, "ai-engineer"))
    url = compare_url(first, second)

    response = client.get(url)

    etag = response.headers["ETag"]
    assert response.cache_control.public and response.cache_control.max_age == 3600
    assert response.headers["X-Robots-Tag"] == "noindex"
    # the page is in the viewer's language: a shared cache keeps one copy per language
    assert "Accept-Language" in response.vary
    assert etag not in {client.get(f"/r/{p.token}").headers["ETag"] for p in (first, second)}
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert client.get(url, headers={"If-None-Match": '"other"'}).data == response.data
    app.config["RELEASE_ID"] = "next-release"
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200


def test_compare_pages_have_no_inline_code_and_carry_the_security_headers(app, client):
    first = Person(app, favouring(app, "data-scientist"))
    second = Person(app, favouring(app, "ai-engineer"))
    pages = {
        "comparison": (compare_url(first, second), 200),
        "same result": (f"/compare/{first.token}/{first.token}", 400),
        "refused link": (f"/compare?mine={first.token}&friend=nonsense", 400),
        "unknown friend": (f"/compare?mine={first.token}&friend={'D' * 43}", 404),
    }
    for name, (url, status) in pages.items():
        response = client.get(url)
        assert response.status_code == status, name
        assert "script-src 'self'" in response.headers["Content-Security-Policy"], name
        assert response.headers["X-Robots-Tag"] == "noindex", name
        html = response.get_data(as_text=True)
        assert "<html" in html and inline_code(html) == [], name


# ---------------------------------------------------------------- the reading's rules


def fabricated_page(fits: dict[str, int], levels: dict[str, int | None]) -> ResultPage:
    """Build a result page by hand: roles r1.. at these fits, skills at these levels."""
    roles = {
        key: BankRole(key, key.upper(), "", "", (), (), (), "", (), "", position, {})
        for position, key in enumerate(fits)
    }
    ranked = sorted(fits, key=lambda k: (-fits[k], roles[k].position))
    return ResultPage(
        fits=[ShownFit(roles[k], rank, fits[k], [], []) for rank, k in enumerate(ranked, 1)],
        profile=[
            ProfileRow(BankDimension(key, key.capitalize(), "skill", ""), level, {})
            for key, level in levels.items()
        ],
        close_call=False,
        close_call_points=5,
        created_at=None,  # type: ignore[arg-type]  # the reading never looks
    )


def read(a: ResultPage, b: ResultPage) -> list[str]:
    """Return the reading of two pages, worded in English."""
    reading = compare(Side("Person A", "a", 1, a), Side("Person B", "b", 1, b)).reading
    return [str(sentence) for sentence in reading]


@pytest.mark.parametrize(
    ("gap", "sentence"),
    [
        (9, "Every role fits you both about equally: no fit differs by 10 points or more."),
        (10, "R2 fits Person B better (60% vs 50%)."),
        (24, "R2 fits Person B better (74% vs 50%)."),
        (25, "R2 fits Person B much better (75% vs 50%)."),
    ],
)
def test_role_differences_are_named_from_10_points_and_much_from_25(gap, sentence):
    a = fabricated_page({"r1": 90, "r2": 50}, {})
    b = fabricated_page({"r1": 90, "r2": 50 + gap}, {})

    assert read(a, b) == ["You both fit R1 best (Person A 90%, Person B 90%).", sentence]


def test_the_three_biggest_skill_differences_are_named_and_ties_keep_the_table_order():
    levels_a = {"s1": 50, "s2": 90, "s3": 10, "s4": 50, "s5": None, "s6": 70}
    levels_b = {"s1": 80, "s2": 30, "s3": 70, "s4": 64, "s5": 0, "s6": 40}
    a = fabricated_page({"r1": 80}, levels_a)
    b = fabricated_page({"r1": 80}, levels_b)

    assert read(a, b)[2:] == [
        "Person A leans much more towards S2 (90 vs 30).",
        "Person B leans much more towards S3 (70 vs 10).",
        "Person B leans more towards S1 (80 vs 50).",
    ]


def test_close_skills_get_one_sentence_and_unmeasured_ones_none():
    a = fabricated_page({"r1": 80, "r2": 10}, {"s1": 50, "s2": None})
    b = fabricated_page({"r2": 70, "r1": 69}, {"s1": 64, "s2": 100})

    assert read(a, b) == [
        "Your best fits differ: Person A leans to R1 (80%), Person B to R2 (70%).",
        "R2 fits Person B much better (70% vs 10%).",
        "R1 fits Person A better (80% vs 69%).",
        "Your skills and goals are close: none differs by 15 points or more.",
    ]


def test_the_result_page_offers_the_comparison_form(app: Flask) -> None:
    mine, friend = QuizTaker(app.test_client()), QuizTaker(app.test_client())
    my_url = mine.finish()
    friend_url = friend.finish(lambda name, values: values[-1])
    html = mine.client.get(my_url).get_data(as_text=True)
    form = html.split('class="compare-form"', 1)[1].split("</form>", 1)[0]
    token = my_url.rsplit("/", 1)[1]
    assert f'name="mine" value="{token}"' in form
    response = mine.client.get(
        "/compare", query_string={"mine": token, "friend": "http://localhost" + friend_url}
    )
    assert response.status_code in (301, 302, 303, 307, 308)
    assert mine.client.get(response.headers["Location"]).status_code == 200


# ---------------------------------------------------------------- who is who


def heading_of(html: str, side: str) -> str:
    """Return the name over one side's chart, without its best fit."""
    found = re.search(rf'<h3 id="person-{side}-heading">(.*?)<span', html, re.S)
    assert found, f"no heading for side {side}"
    return text_of(found.group(1))


def taken_earlier(app: Flask, person: Person, other: Person) -> None:
    """Move ``person``'s result a day before ``other``'s, as if taken the day before."""
    with app.app_context():
        stored = db.session.scalars(select(Result).where(Result.share_token == person.token)).one()
        stored.created_at = other.taken - timedelta(days=1)
        db.session.commit()
    person.taken = other.taken - timedelta(days=1)


def test_the_owner_sees_you_and_your_friend_with_their_own_result_first(app):
    mine = Person(app, favouring(app, "data-scientist"))
    friend = Person(app, favouring(app, "ai-engineer"))

    response = mine.taker.client.get(compare_url(mine, friend))

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert (heading_of(html, "a"), heading_of(html, "b")) == ("You", "Your friend")
    assert chart_rows(html, "a")[0][1] == NAMES["data-scientist"]
    # both tables' columns
    assert html.count('<th scope="col">You</th><th scope="col">Your friend</th>') == 2
    assert "Person A" not in " ".join(reading(html))
    assert "Anyone else who opens this link sees Person A and Person B" in text_of(html)
    assert "so you can tell which one is yours" not in html
    sentences = reading(html)
    assert sentences[0] == (
        f"Your best fits differ: you lean to {NAMES['data-scientist']} ({mine.top['fit']}%), "
        f"your friend to {NAMES['ai-engineer']} ({friend.top['fit']}%)."
    )
    assert any(s.startswith(f"{NAMES['data-scientist']} fits you much better") for s in sentences)
    assert any(
        s.startswith(f"{NAMES['ai-engineer']} fits your friend much better") for s in sentences
    )
    assert f'<a href="/r/{mine.token}">Open your result</a>' in html
    assert f'<a href="/r/{friend.token}">Open your friend\'s result</a>' in html
    # the friend, with their own browser, sees the same page the other way round
    theirs = friend.taker.client.get(compare_url(mine, friend)).get_data(as_text=True)
    assert (heading_of(theirs, "a"), heading_of(theirs, "b")) == ("You", "Your friend")
    assert chart_rows(theirs, "a")[0][1] == NAMES["ai-engineer"]


@pytest.mark.parametrize("earlier_has_the_larger_token", [True, False])
def test_a_visitor_sees_person_a_and_b_in_the_order_the_quizzes_were_taken(
    app, client, earlier_has_the_larger_token
):
    scientist = Person(app, favouring(app, "data-scientist"))
    engineer = Person(app, favouring(app, "ai-engineer"))
    by_token = sorted((scientist, engineer), key=lambda p: p.token)
    earlier, later = by_token[::-1] if earlier_has_the_larger_token else by_token
    taken_earlier(app, earlier, later)

    html = client.get(compare_url(scientist, engineer)).get_data(as_text=True)

    assert (heading_of(html, "a"), heading_of(html, "b")) == ("Person A", "Person B")
    assert chart_rows(html, "a")[0][1] == NAMES[earlier.top["role"]]
    assert chart_rows(html, "b")[0][1] == NAMES[later.top["role"]]
    assert "Person A took the quiz before Person B." in text_of(html)
    assert "You" not in heading_of(html, "a") + heading_of(html, "b")
    assert "so you can tell which one is yours" not in html


def test_the_form_passes_the_friends_name_on_and_only_the_owner_sees_it(app, client):
    mine = Person(app, favouring(app, "data-scientist"))
    friend = Person(app, favouring(app, "ai-engineer"))

    started = mine.taker.client.get(
        "/compare", query_string={"mine": mine.token, "friend": friend.token, "name": "  Jürgen "}
    )

    assert started.status_code == 302
    location = started.headers["Location"]
    assert location.startswith(compare_url(mine, friend) + "?")
    assert parse_qs(urlsplit(location).query) == {"name": ["Jürgen"], "friend": [friend.token]}
    html = mine.taker.client.get(location).get_data(as_text=True)
    assert (heading_of(html, "a"), heading_of(html, "b")) == ("You", "Jürgen")
    assert reading(html)[0].endswith(f"Jürgen to {NAMES['ai-engineer']} ({friend.top['fit']}%).")
    assert any(
        s.startswith(f"{NAMES['ai-engineer']} fits Jürgen much better") for s in reading(html)
    )
    # anyone else given the same link sees neither "You" nor the name
    visitor = client.get(location).get_data(as_text=True)
    assert "Jürgen" not in visitor
    assert heading_of(visitor, "a") in ("Person A", "Person B")
    # the friend opening it is "You", and the one who named them is plain "Your friend"
    theirs = friend.taker.client.get(location).get_data(as_text=True)
    assert "Jürgen" not in theirs
    assert (heading_of(theirs, "a"), heading_of(theirs, "b")) == ("You", "Your friend")


def test_the_friends_name_is_shown_escaped(app):
    mine = Person(app, favouring(app, "data-scientist"))
    friend = Person(app, favouring(app, "ai-engineer"))
    hostile = '<img src=x onerror=alert(1)>"&'

    response = mine.taker.client.get(compare_url(mine, friend), query_string={"name": hostile})

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;&#34;&amp;" in html
    assert heading_of(html, "b") == hostile
    assert inline_code(html) == []


TOO_LONG = "A" * 41
BAD_NAMES = {
    "41 characters": (TOO_LONG, "Your friend's name is too long"),
    "a line break inside": ("Ann\nKatrin", "can't be shown, such as a line break or a tab"),
    "a tab inside": ("Ann\tKatrin", "can't be shown, such as a line break or a tab"),
    "an escape": ("Ann\x1b[31m", "can't be shown, such as a line break or a tab"),
    "a delete": ("Ann\x7f", "can't be shown, such as a line break or a tab"),
    "a C1 control": ("Ann\x85e", "can't be shown, such as a line break or a tab"),
    "a right-to-left override": ("Ann\u202eeb", "can't be shown, such as a line break or a tab"),
}


@pytest.mark.parametrize("bad", list(BAD_NAMES))
def test_a_name_too_long_or_with_control_characters_is_refused_with_a_message(app, bad):
    mine = Person(app, favouring(app, "data-scientist"))
    friend = Person(app, favouring(app, "ai-engineer"))
    name, message = BAD_NAMES[bad]

    from_form = mine.taker.client.get(
        "/compare", query_string={"mine": mine.token, "friend": friend.token, "name": name}
    )
    on_page = mine.taker.client.get(compare_url(mine, friend), query_string={"name": name})

    for response in (from_form, on_page):
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        assert message in text_of(html)
        assert '<p class="field-error" id="friend-name-error">' in html or "without a name" in html
    # the refused form keeps the link, and marks the name, not the link, as what to fix
    form_html = from_form.get_data(as_text=True)
    assert '<h1 id="problem-heading">We can\'t show that name</h1>' in form_html
    assert fields_of_form(form_html)["friend"] == friend.token
    assert 'id="friend-name" name="name"' in form_html
    assert re.search(r'id="friend-name"[^>]*aria-invalid="true"', form_html)
    assert not re.search(r'id="friend"[^>]*aria-invalid', form_html)
    assert f'href="{compare_url(mine, friend)}"' in on_page.get_data(as_text=True)


@pytest.mark.parametrize("name", ["A" * 40, "  " + "Ł" * 40 + "\t ", "Zoë Ørsted-Łukasz ß"])
def test_a_name_of_up_to_40_characters_after_trimming_is_shown(app, name):
    mine = Person(app, favouring(app, "data-scientist"))
    friend = Person(app, favouring(app, "ai-engineer"))

    response = mine.taker.client.get(compare_url(mine, friend), query_string={"name": name})

    assert response.status_code == 200
    assert heading_of(response.get_data(as_text=True), "b") == name.strip()


def test_the_owners_page_is_private_and_a_visitors_public_both_varying_on_the_cookie(app, client):
    mine = Person(app, favouring(app, "data-scientist"))
    friend = Person(app, favouring(app, "ai-engineer"))
    url = compare_url(mine, friend)

    owners = mine.taker.client.get(url)
    named = mine.taker.client.get(url, query_string={"name": "Anna"})
    visitors = client.get(url)

    for response in (owners, named):
        assert response.cache_control.private and response.cache_control.no_cache
        assert not response.cache_control.public and response.cache_control.max_age is None
        assert "Cookie" in response.vary
    assert visitors.cache_control.public and visitors.cache_control.max_age == 3600
    assert "Cookie" in visitors.vary
    assert "by-date" in visitors.headers["ETag"]
    etags = {r.headers["ETag"] for r in (owners, named, visitors)}
    assert len(etags) == 3  # each labelling its own ETag: no copy confirms another's
    # each revalidates with its own ETag, and keeps its caching rules on the 304
    again = mine.taker.client.get(url, headers={"If-None-Match": owners.headers["ETag"]})
    assert again.status_code == 304 and again.cache_control.private
    assert (
        mine.taker.client.get(url, headers={"If-None-Match": visitors.headers["ETag"]}).status_code
        == 200
    )
    assert client.get(url, headers={"If-None-Match": owners.headers["ETag"]}).status_code == 200


def test_the_owners_page_in_german_says_du_and_dein_gegenueber(app):
    mine = Person(app, favouring(app, "data-scientist"))
    friend = Person(app, favouring(app, "ai-engineer"))

    html = mine.taker.client.get(
        compare_url(mine, friend), headers={"Accept-Language": "de"}
    ).get_data(as_text=True)

    assert (heading_of(html, "a"), heading_of(html, "b")) == ("Du", "Dein Gegenüber")
    assert reading(html)[0].startswith("Euch passen verschiedene Rollen am besten: Du tendierst zu")
    assert "Dein Ergebnis öffnen" in html


def test_a_bad_link_and_a_bad_name_together_show_the_links_message_by_the_link(app):
    mine = Person(app, favouring(app, "data-scientist"))

    response = mine.taker.client.get(
        "/compare", query_string={"mine": mine.token, "friend": "nonsense", "name": "A" * 41}
    )

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'<p class="field-error" id="friend-error">{escape(NOT_A_LINK)}</p>' in html
    assert 'id="friend-name-error"' not in html
