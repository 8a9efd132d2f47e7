"""The public site through the test client: the whole quiz, bad input, results and their links.

Every test runs the real app on its own SQLite file with CSRF on, and sends the
tokens the pages themselves carry, the way a browser would.
"""

from __future__ import annotations

import copy
import html as htmllib
import json
import random
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import QuizTaker, csrf_token, page_options, varied
from sqlalchemy import func, select

from quiz import create_app
from quiz.core import scoring
from quiz.core.bank import DEFAULT_BANK_PATH, Bank, parse_bank
from quiz.core.changes import fewest_changes
from quiz.core.scoring import rank_roles
from quiz.db import db
from quiz.models import QuizVersion, Result
from quiz.store.drafts import replace_draft
from quiz.store.publishing import latest_version_id, publish_draft, published_bank
from quiz.web.errors import MESSAGES
from quiz.web.taking_forms import MISSING_ANSWER, UNKNOWN_ANSWER

DEFAULT_DOCUMENT = json.loads(DEFAULT_BANK_PATH.read_text(encoding="utf-8"))
ROLE_NAMES = [r["name"] for r in DEFAULT_DOCUMENT["roles"]]
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43,}")
CSRF_MESSAGE = "This form expired or was sent from somewhere else."
LIKERT_VALUES = ["1", "2", "3", "4", "5"]

# ---------------------------------------------------------------- reading pages

INPUT_TAG = re.compile(r"<input\b[^>]*>")
ATTRIBUTE = re.compile(r'([\w:-]+)(?:="([^"]*)")?')


def attributes(tag: str) -> dict[str, str]:
    """Return the attributes of one HTML tag (boolean ones map to "")."""
    return dict(ATTRIBUTE.findall(tag.split(None, 1)[1] if " " in tag else ""))


def checked_answers(html: str) -> dict[str, str]:
    """Return the checked radio button of every question field on a page."""
    answers = {}
    for tag in INPUT_TAG.findall(html):
        attrs = attributes(tag.rstrip("/>"))
        if attrs.get("type") == "radio" and "checked" in attrs:
            answers[attrs["name"]] = attrs["value"]
    return answers


def fieldset(html: str, name: str) -> str:
    """Return the opening tag and body of the fieldset of one question field."""
    match = re.search(rf'(<fieldset[^>]*id="{re.escape(name)}"[^>]*>.*?)</fieldset>', html, re.S)
    assert match, f"no question {name} on the page"
    return match.group(1)


def error_beside(html: str, name: str) -> str | None:
    """Return the error message shown inside a question's fieldset, or None."""
    match = re.search(r'<p class="field-error"[^>]*>(.*?)</p>', fieldset(html, name), re.S)
    return htmllib.unescape(match.group(1)).strip() if match else None


def text_of(html: str) -> str:
    """Return the page's text with tags removed and entities decoded, spaces collapsed."""
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def meta(html: str, key: str) -> str:
    """Return the content of the <meta> with this property or name."""
    match = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">', html)
    assert match, f"no meta {key}"
    return htmllib.unescape(match.group(1))


def section(html: str, heading_id: str) -> str:
    """Return the <section> labelled by the heading with this id."""
    match = re.search(
        rf'<section[^>]*aria-labelledby="{heading_id}"[^>]*>(.*?)</section>', html, re.S
    )
    assert match, f"no section {heading_id}"
    return match.group(1)


def chart_rows(html: str) -> list[tuple[int, str, int]]:
    """Return (rank, role name, fit) for every bar of the result chart, top to bottom."""
    chart = re.search(r'<svg class="chart".*?</svg>', html, re.S)
    assert chart, "no chart on the result page"
    labels = re.findall(r'class="chart-label">(\d+)\. (.*?)</text>', chart.group(0))
    values = re.findall(r'class="chart-value">(\d+)%</text>', chart.group(0))
    assert len(labels) == len(values)
    return [
        (int(rank), htmllib.unescape(name), int(fit))
        for (rank, name), fit in zip(labels, values, strict=True)
    ]


def progress_label(html: str) -> str:
    match = re.search(r'<p id="progress-label">(.*?)</p>', html)
    assert match, "no progress indicator"
    return htmllib.unescape(match.group(1))


# ---------------------------------------------------------------- the database


def result_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Result.id)))


def current_bank(app: Flask) -> Bank:
    with app.app_context():
        return published_bank(latest_version_id())


def publish(app: Flask, document: dict[str, Any]) -> int:
    """Replace the draft with ``document``, publish it, and return the new version number."""
    with app.app_context():
        replace_draft(parse_bank(document))
        number = publish_draft().number
        db.session.commit()
    return number


def second_version(document: dict[str, Any]) -> dict[str, Any]:
    """Return a changed bank: new prompts, new role names, and profiles moved between roles."""
    changed = copy.deepcopy(document)
    for question in changed["questions"]:
        question["prompt"] = f"Version two: {question['prompt']}"
    profiles = [role["profile"] for role in changed["roles"]]
    for i, role in enumerate(changed["roles"]):
        role["name"] = f"Renamed role {i + 1}"
        # every role takes the next one's profile, so the same answers rank them differently
        role["profile"] = profiles[(i + 1) % len(profiles)]
    return changed


# ---------------------------------------------------------------- choosing answers


def choosing(answers: dict[str, str]) -> Callable[[str, list[str]], str]:
    """Return a chooser for QuizTaker.finish that gives ``answers`` (question key -> option)."""
    return lambda name, values: answers[name.removeprefix("q-")]


def answers_with_gap(bank: Bank, gap: int) -> dict[str, str]:
    """Return answers whose top two roles are exactly ``gap`` fit points apart."""
    rng = random.Random(gap)
    for _ in range(20_000):
        answers = scoring.random_answers(bank.effect_table, rng)
        ranking = scoring.rank_roles(bank.effect_table, answers).ranking
        if ranking[0].percent - ranking[1].percent == gap:
            return answers
    raise AssertionError(f"no answers found with a gap of {gap}")


def second_choice(name: str, values: list[str]) -> str:
    return values[1]


def last_choice(name: str, values: list[str]) -> str:
    return values[-1]


# ---------------------------------------------------------------- fixtures


@pytest.fixture
def pages(client: FlaskClient) -> list[dict[str, list[str]]]:
    """Every quiz page's fields and options, read without answering anything."""
    first = client.get("/quiz/1").get_data(as_text=True)
    count = int(re.search(r"Page 1 of (\d+)", first).group(1))
    return [
        page_options(client.get(f"/quiz/{n}").get_data(as_text=True)) for n in range(1, count + 1)
    ]


@pytest.fixture
def halfway(taker: QuizTaker, pages) -> dict[str, dict[str, str]]:
    """A taker who has answered pages 1 and 2 (with different choices); returns those answers."""
    given = {
        1: {name: last_choice(name, values) for name, values in pages[0].items()},
        2: {name: second_choice(name, values) for name, values in pages[1].items()},
    }
    for page, answers in given.items():
        response = taker.submit(page, answers)
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/quiz/{page + 1}")
    return given


# ---------------------------------------------------------------- the landing page and health


def test_landing_page_says_what_the_quiz_is_how_long_it_takes_and_the_roles(client, app):
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    text = text_of(html)
    bank = current_bank(app)
    assert "Which AI and data role fits you?" in text
    assert f"Answer {len(bank.questions)} short questions" in text
    assert re.search(r"Full quiz: \d+ questions, about \d+ minutes?", text)
    assert re.search(r"Quick quiz: about \d+ minutes?", text)
    for role in bank.roles:
        assert role.name in text
        assert role.summary in text
    assert re.search(r'<a class="button[^"]*" href="/quiz">Start the quiz</a>', html)


def test_healthz_reports_ok_as_json_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.is_json
    assert response.get_json() == {"status": "ok", "database": "ok", "limits": "memory"}


def test_healthz_reports_unhealthy_when_the_database_fails(client, monkeypatch):
    from sqlalchemy.exc import OperationalError

    def unreachable(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "unhealthy",
        "database": "unreachable",
        "limits": "memory",
    }


# ---------------------------------------------------------------- taking the quiz


def test_whole_quiz_flow_pages_progress_and_result(app, client, taker, pages):
    assert app.config["WTF_CSRF_ENABLED"]
    bank = current_bank(app)
    assert sum(len(p) for p in pages) == len(bank.questions)
    assert all(5 <= len(p) <= 8 for p in pages), [len(p) for p in pages]
    assert [name for p in pages for name in p] == [f"q-{q.key}" for q in bank.questions]

    given: dict[str, str] = {}
    for number, options in enumerate(pages, start=1):
        html = taker.open(number)
        assert progress_label(html) == (
            f"Page {number} of {len(pages)} · {len(given)} of {len(bank.questions)} answered"
        )
        assert re.search(rf'<progress max="{len(bank.questions)}" value="{len(given)}"', html), (
            "the progress bar does not match the label"
        )
        # question numbers run on across pages
        first_number = len(given) + 1
        assert f'<span class="question-number">{first_number}.</span>' in html
        button = "See my result" if number == len(pages) else "Next"
        assert f'value="{button}"' in html
        assert ('value="Back"' in html) == (number > 1)

        answers = {name: values[number % len(values)] for name, values in options.items()}
        response = taker.submit(number, answers)
        assert response.status_code == 302
        given.update(answers)
        assert result_count(app) == (1 if number == len(pages) else 0)

    location = response.headers["Location"]
    assert re.fullmatch(r"/r/[A-Za-z0-9_-]{43,}", location)
    assert client.get(location).status_code == 200
    with app.app_context():
        result = db.session.scalars(select(Result)).one()
        assert result.answers == {name.removeprefix("q-"): v for name, v in given.items()}
        assert f"/r/{result.share_token}" == location
    # a finished quiz starts afresh
    assert progress_label(taker.open(1)).endswith(f"0 of {len(bank.questions)} answered")


def test_every_unanswered_question_gets_a_message_beside_it(app, taker, pages):
    response = taker.submit(1, {})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"Please answer {len(pages[0])} questions</h2>" in html
    for name in pages[0]:
        assert f'<a href="#{name}">' in html, f"the summary does not link to {name}"
        assert error_beside(html, name) == MISSING_ANSWER
        assert f'aria-describedby="{name}-error"' in fieldset(html, name)
    assert checked_answers(taker.open(1)) == {}
    assert result_count(app) == 0


def test_answered_questions_keep_their_choice_when_another_on_the_page_is_missing(taker, pages):
    names = list(pages[0])
    answers = {name: last_choice(name, pages[0][name]) for name in names[1:]}
    html = taker.submit(1, answers).get_data(as_text=True)
    assert error_beside(html, names[0]) == MISSING_ANSWER
    assert all(error_beside(html, name) is None for name in names[1:])
    assert checked_answers(html) == answers
    # and they were kept: opening the page again shows them
    assert checked_answers(taker.open(1)) == answers


def test_back_and_forward_keep_every_answer(taker, pages):
    page1 = {name: last_choice(name, values) for name, values in pages[0].items()}
    assert taker.submit(1, page1).headers["Location"].endswith("/quiz/2")

    # half of page 2, then Back: no error for the rest, and the half is kept
    half = dict(list({n: second_choice(n, v) for n, v in pages[1].items()}.items())[:3])
    response = taker.submit(2, half, button="back")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/quiz/1")

    html = taker.open(1)
    assert checked_answers(html) == page1
    assert "field-error" not in html
    assert f"{len(page1) + len(half)} of" in progress_label(html)

    assert taker.submit(1, page1).headers["Location"].endswith("/quiz/2")
    assert checked_answers(taker.open(2)) == half

    rest = {n: second_choice(n, v) for n, v in pages[1].items() if n not in half}
    assert taker.submit(2, {**half, **rest}).headers["Location"].endswith("/quiz/3")
    # going back two pages still shows everything
    assert checked_answers(taker.open(2)) == {**half, **rest}
    assert checked_answers(taker.open(1)) == page1


def test_changing_an_answer_on_a_revisited_page_replaces_it(taker, pages):
    name, values = next(iter(pages[0].items()))
    first = {n: v[0] for n, v in pages[0].items()}
    taker.submit(1, first)
    taker.submit(1, {**first, name: values[-1]})
    assert checked_answers(taker.open(1))[name] == values[-1]


def test_skipping_ahead_to_the_last_page_sends_the_taker_back_to_the_first_gap(
    app, client, taker, halfway, pages
):
    last = len(pages)
    answers = {name: values[0] for name, values in pages[last - 1].items()}
    response = taker.submit(last, answers)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/quiz/3")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "A few questions still need an answer" in html
    assert result_count(app) == 0
    assert checked_answers(taker.open(last)) == answers


# ---------------------------------------------------------------- bad input


# Each spoiler changes the valid answers to page 2 (``pages`` are every page's fields and
# options) and returns the page-2 field that should carry the error, if any.


def unknown_option(answers, pages):
    name = list(pages[1])[0]
    answers[name] = "zz"
    return name


def option_of_another_question(answers, pages):
    # a choice question's option key sent for an agreement item
    name = next(name for name, values in pages[1].items() if values == LIKERT_VALUES)
    answers[name] = "a"
    return name


def missing_answer(answers, pages):
    name = list(pages[1])[-1]
    del answers[name]
    return name


def empty_answer(answers, pages):
    name = list(pages[1])[0]
    answers[name] = ""
    return name


def answer_for_an_earlier_question(answers, pages):
    name = list(pages[1])[0]
    del answers[name]
    earlier, values = next(iter(pages[0].items()))
    answers[earlier] = values[0]  # the taker chose values[-1] on page 1
    return name


def answer_for_a_later_question(answers, pages):
    name = list(pages[1])[0]
    del answers[name]
    later, values = next(iter(pages[2].items()))
    answers[later] = values[0]
    return name


def answer_for_an_unknown_question(answers, pages):
    name = list(pages[1])[0]
    del answers[name]
    answers["q-no-such-question"] = "1"
    return name


def ten_kilobytes(answers, pages):
    name = list(pages[1])[0]
    answers[name] = "4" * 10 * 1024
    return name


def one_megabyte(answers, pages):
    answers[list(pages[1])[0]] = "4" * 1024 * 1024
    return None


def no_change(answers, pages):
    return None


@pytest.mark.parametrize(
    ("url", "spoil", "status", "message"),
    [
        pytest.param("/quiz/2", unknown_option, 200, UNKNOWN_ANSWER, id="unknown-option-id"),
        pytest.param(
            "/quiz/2", option_of_another_question, 200, UNKNOWN_ANSWER, id="other-questions-option"
        ),
        pytest.param("/quiz/2", missing_answer, 200, MISSING_ANSWER, id="missing-answer"),
        pytest.param("/quiz/2", empty_answer, 200, MISSING_ANSWER, id="empty-answer"),
        pytest.param(
            "/quiz/2", answer_for_an_earlier_question, 200, MISSING_ANSWER, id="earlier-question"
        ),
        pytest.param(
            "/quiz/2", answer_for_a_later_question, 200, MISSING_ANSWER, id="later-question"
        ),
        pytest.param(
            "/quiz/2", answer_for_an_unknown_question, 200, MISSING_ANSWER, id="unknown-question"
        ),
        pytest.param("/quiz/2", ten_kilobytes, 200, UNKNOWN_ANSWER, id="10-KB-value"),
        pytest.param("/quiz/2", one_megabyte, 413, None, id="1-MB-value"),
        pytest.param("/quiz/0", no_change, 404, None, id="page-zero"),
        pytest.param("/quiz/7", no_change, 404, None, id="page-past-the-end"),
        pytest.param("/quiz/99999999999999999999", no_change, 404, None, id="page-enormous"),
        pytest.param("/quiz/-1", no_change, 404, None, id="page-negative"),
        pytest.param("/quiz/2x", no_change, 404, None, id="page-not-a-number"),
    ],
)
def test_bad_input_gets_a_form_error_or_4xx_and_stores_nothing(
    app, client, halfway, pages, url, spoil, status, message
):
    page_fields = list(pages[1])
    answers = dict(halfway[2])
    spoiled = spoil(answers, pages)
    token = csrf_token(client.get("/quiz/2").get_data(as_text=True))

    response = client.post(url, data={"csrf_token": token, "forward": "Next", **answers})

    assert response.status_code == status
    html = response.get_data(as_text=True)
    if status == 200:
        assert "Please answer 1 question</h2>" in html
        assert f'<a href="#{spoiled}">' in html
        assert error_beside(html, spoiled) == message
        others = [name for name in page_fields if name != spoiled]
        assert all(error_beside(html, name) is None for name in others)
        # the page shown again keeps the other answers just sent
        assert {n: v for n, v in checked_answers(html).items() if n != spoiled} == {
            n: halfway[2][n] for n in others
        }
    else:
        assert '<section class="panel error-page">' in html
        assert f"<h1>{MESSAGES[status][0]}</h1>" in htmllib.unescape(html)

    assert result_count(app) == 0
    # the answers given before are intact, and nothing landed on a page it doesn't belong to
    assert checked_answers(client.get("/quiz/1").get_data(as_text=True)) == halfway[1]
    assert checked_answers(client.get("/quiz/2").get_data(as_text=True)) == halfway[2]
    later = client.get("/quiz/3").get_data(as_text=True)
    assert checked_answers(later) == {}
    assert f"{len(halfway[1]) + len(halfway[2])} of" in progress_label(later)


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        pytest.param(b"q-q01=%ff%fe", "application/x-www-form-urlencoded", 200, id="bad-utf-8"),
        pytest.param(b'{"q-q01": "1"}', "application/json", 400, id="json-body"),
        pytest.param(
            b"--b\r\nContent-Disposition: form-data; name=x\r\n\r\n1\r\n" * 3000 + b"--b--\r\n",
            "multipart/form-data; boundary=b",
            413,
            id="thousands-of-parts",
        ),
    ],
)
def test_malformed_bodies_are_refused_without_storing_anything(
    app, client, taker, pages, body, content_type, status
):
    page1 = {name: values[0] for name, values in pages[0].items()}
    taker.submit(1, page1)
    token = csrf_token(taker.open(1))
    if content_type.startswith("application/x-www"):
        body = f"csrf_token={token}&forward=Next&".encode() + body

    response = client.post("/quiz/1", data=body, content_type=content_type)

    assert response.status_code == status
    if status == 200:
        assert error_beside(response.get_data(as_text=True), "q-q01") == UNKNOWN_ANSWER
    assert result_count(app) == 0
    assert checked_answers(taker.open(1)) == page1


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(None, id="missing"),
        pytest.param("not-a-token", id="garbage"),
        pytest.param("other-session", id="from-another-session"),
    ],
)
def test_form_without_a_valid_csrf_token_is_refused_with_a_helpful_page(
    app, client, taker, pages, token
):
    last = len(pages)
    earlier = {}
    for number in range(1, last):
        answers = {name: last_choice(name, values) for name, values in pages[number - 1].items()}
        assert taker.submit(number, answers).status_code == 302
        earlier.update(answers)
    if token == "other-session":
        token = csrf_token(app.test_client().get("/quiz/1").get_data(as_text=True))
    final = {name: values[0] for name, values in pages[last - 1].items()}
    data = {"forward": "Next", **final}
    if token is not None:
        data["csrf_token"] = token

    response = client.post(f"/quiz/{last}", data=data)

    assert response.status_code == 400
    assert response.mimetype == "text/html"
    text = text_of(response.get_data(as_text=True))
    assert CSRF_MESSAGE in text
    assert "your earlier answers are kept" in text
    assert result_count(app) == 0
    assert checked_answers(taker.open(last)) == {}
    assert checked_answers(taker.open(last - 1)) == {
        n: v for n, v in earlier.items() if n in pages[last - 2]
    }
    # with the page's own token the same answers go through
    assert "/r/" in taker.submit(last, final).headers["Location"]
    assert result_count(app) == 1


# ---------------------------------------------------------------- the result page


def test_result_page_ranks_roles_consistently_with_its_json_and_stored_outcome(app, client, taker):
    location = taker.finish(second_choice)
    html = client.get(location).get_data(as_text=True)
    data = client.get(f"{location}.json").get_json()

    expected = [(r["rank"], r["name"], r["fit"]) for r in data["ranking"]]
    assert chart_rows(html) == expected
    assert [r["rank"] for r in data["ranking"]] == list(range(1, len(ROLE_NAMES) + 1))
    fits = [r["fit"] for r in data["ranking"]]
    assert fits == sorted(fits, reverse=True)
    assert sorted(r["name"] for r in data["ranking"]) == sorted(ROLE_NAMES)

    # the bar widths are the fits on a track 85% of the chart's width
    widths = re.findall(r'width="([\d.]+)%" height="16" rx="3" class="chart-bar[" ]', html)
    assert [float(w) for w in widths] == [round(fit * 0.85, 2) for fit in fits]

    why = section(html, "why-heading")
    summaries = re.findall(r'<h3 class="why-role">(.*?) — (\d+)%</h3>', why)
    assert [(htmllib.unescape(n), int(f)) for n, f in summaries] == [
        (name, fit) for _, name, fit in expected
    ]
    top = data["ranking"][0]
    assert f"Your best fit: {top['name']} {top['fit']}%" in text_of(html)
    assert meta(html, "og:description") == " · ".join(f"{n} {f}%" for _, n, f in expected)

    with app.app_context():
        result = db.session.scalars(select(Result)).one()
        assert [(e["role"], e["rank"], e["fit"]) for e in result.outcome["ranking"]] == [
            (r["slug"], r["rank"], r["fit"]) for r in data["ranking"]
        ]
        assert result.top_role == top["slug"]


def test_why_lists_only_answers_the_person_gave_with_their_direction(app, client, taker):
    location = taker.finish(last_choice)
    bank = current_bank(app)
    with app.app_context():
        given = db.session.scalars(select(Result)).one().answers
    said = {(bank.question_by_key[q].prompt, bank.option_label(q, o)) for q, o in given.items()}

    why = section(client.get(location).get_data(as_text=True), "why-heading")
    pushes = re.findall(
        r'<span class="push-prompt">(.*?)</span> <span class="push-answer">You said: (.*?)</span>'
        r' <span class="push-points push-(up|down)">([+-]?[\d.]+) points</span>',
        why,
    )
    assert pushes, "the result page explains nothing"
    for prompt, answer, direction, points in pushes:
        assert (htmllib.unescape(prompt), htmllib.unescape(answer)) in said
        assert (float(points) > 0) == (direction == "up")


def test_result_page_compares_roles_side_by_side_with_the_persons_profile(app, client, taker):
    location = taker.finish(second_choice)
    html = client.get(location).get_data(as_text=True)
    bank = current_bank(app)

    compare = section(html, "compare-heading")
    articles = re.findall(r'<article class="compare-role"[^>]*>(.*?)</article>', compare, re.S)
    assert len(articles) == len(bank.roles)
    for article in articles:
        name = text_of(re.search(r"<h3[^>]*>(.*?)<span", article).group(1))
        role = next(r for r in bank.roles if r.name == name)
        text = text_of(article)
        assert [h for h in re.findall(r"<h4>(.*?)</h4>", article)] == [
            "Focus",
            "Skills",
            "Tasks",
            "Goals",
        ]
        for item in (role.focus, *role.skills, *role.tasks, *role.goals):
            assert item in text

    profile = section(html, "profile-heading")
    header = re.findall(r'<th scope="col">(.*?)</th>', profile)
    assert header[:2] == ["Skill or goal", "You"]
    assert sorted(header[2:]) == sorted(r.name for r in bank.roles)
    rows = re.findall(r'<th scope="row">(.*?) <span', profile)
    assert [htmllib.unescape(r) for r in rows] == [d.name for d in bank.dimensions]

    next_steps = text_of(section(html, "next-heading"))
    for role in bank.roles:
        assert role.first_project in next_steps
        for item in role.learn_first:
            assert item in next_steps
    assert re.search(r'<a class="button[^"]*" href="/quiz">Take the quiz again</a>', html)


def test_retaking_from_the_result_page_starts_a_fresh_quiz(app, client, taker):
    location = taker.finish(second_choice)
    retake = re.search(
        r'href="([^"]+)">Take the quiz again', client.get(location).get_data(as_text=True)
    )
    html = client.get(retake.group(1)).get_data(as_text=True)
    assert progress_label(html).startswith("Page 1 of")
    assert " 0 of " in progress_label(html)
    assert checked_answers(html) == {}
    second = taker.finish(last_choice)
    assert second != location
    assert result_count(app) == 2


@pytest.mark.parametrize(("gap", "close"), [(0, True), (5, True), (6, False), (15, False)])
def test_close_call_note_appears_when_the_top_two_are_within_5_points(
    app, client, taker, gap, close
):
    answers = answers_with_gap(current_bank(app), gap)
    location = taker.finish(choosing(answers))
    html = client.get(location).get_data(as_text=True)
    ranking = client.get(f"{location}.json").get_json()["ranking"]
    assert ranking[0]["fit"] - ranking[1]["fit"] == gap

    hero = text_of(section(html, "result-heading"))
    assert ("Close call:" in hero) == close
    if close:
        assert f"({ranking[1]['fit']}%)" in hero
    if close and gap:
        assert f"{ranking[1]['name']} is only {gap} point" in hero


# ---------------------------------------------------------------- sharing


def test_share_link_is_unguessable_and_shown_read_only_with_social_tags(app, client, taker):
    location = taker.finish(second_choice)
    token = location.removeprefix("/r/")
    assert TOKEN_PATTERN.fullmatch(token)
    response = client.get(location)
    html = response.get_data(as_text=True)
    share_url = f"http://localhost/r/{token}"

    field = re.search(r'<input id="share-link"[^>]*>', html)
    assert field, "no share link field"
    attrs = attributes(field.group(0).rstrip(">"))
    assert "readonly" in attrs
    assert attrs["value"] == share_url
    assert re.search(r'<label for="share-link">', html)

    top = client.get(f"{location}.json").get_json()["ranking"][0]
    # link previews are read by whoever the link is sent to: the third person
    title = f"Their best fit: {top['name']} ({top['fit']}%) — Career Fit"
    assert htmllib.unescape(re.search(r"<title>(.*?)</title>", html).group(1)) == title
    assert meta(html, "og:title") == title
    assert meta(html, "twitter:title") == title
    assert meta(html, "og:url") == share_url
    assert meta(html, "og:type") == "website"
    assert meta(html, "twitter:card") in {"summary", "summary_large_image"}
    assert top["name"] in meta(html, "og:description")
    assert meta(html, "robots") == "noindex"
    assert response.headers["X-Robots-Tag"] == "noindex"
    assert client.get(f"{location}.json").headers["X-Robots-Tag"] == "noindex"


def test_two_results_get_different_tokens(app, taker):
    first = taker.finish(second_choice)
    second = taker.finish(second_choice)
    assert first != second
    with app.app_context():
        tokens = db.session.scalars(select(Result.share_token)).all()
    assert len(set(tokens)) == 2
    assert all(TOKEN_PATTERN.fullmatch(t) for t in tokens)


def test_result_json_has_the_documented_shape_best_first(app, client, taker):
    location = taker.finish(last_choice)
    response = client.get(f"{location}.json")
    assert response.status_code == 200
    assert response.is_json
    data = response.get_json()
    assert list(data) == ["token", "quiz_version", "created_at", "mode", "ranking"]
    assert data["mode"] == "full"
    assert data["token"] == location.removeprefix("/r/")
    assert data["quiz_version"] == 1
    created = datetime.fromisoformat(data["created_at"])
    assert created.utcoffset() is not None
    assert [list(entry) for entry in data["ranking"]] == [
        ["slug", "name", "fit", "rank", "band", "percentile"]
    ] * len(ROLE_NAMES)
    assert [entry["rank"] for entry in data["ranking"]] == [1, 2, 3]
    assert {e["slug"] for e in data["ranking"]} == {r["key"] for r in DEFAULT_DOCUMENT["roles"]}
    assert all(isinstance(e["fit"], int) and 0 <= e["fit"] <= 100 for e in data["ranking"])


@pytest.mark.parametrize(
    "token",
    [
        pytest.param("nope", id="short"),
        pytest.param("A" * 43, id="well-formed-but-unknown"),
        pytest.param("x" * 500, id="very-long"),
        pytest.param("a.b", id="with-a-dot"),
        pytest.param("%3Cscript%3E", id="markup"),
    ],
)
def test_unknown_token_gets_a_friendly_404_page_or_json_error(client, taker, token):
    taker.finish(second_choice)  # a result exists; this token is not it

    page = client.get(f"/r/{token}")
    assert page.status_code == 404
    assert page.mimetype == "text/html"
    text = text_of(page.get_data(as_text=True))
    assert "We can't find that page" in text
    assert "Take the quiz" in text and "Go to the start" in text
    assert "<script>" not in page.get_data(as_text=True).split("</head>")[1]

    data = client.get(f"/r/{token}.json")
    assert data.status_code == 404
    assert data.is_json
    body = data.get_json()
    assert set(body) == {"error", "detail", "request_id"}
    assert body["error"] == "We can't find that page"


@pytest.mark.parametrize("path", ["/r/%00", "/r/%00.json", "/quiz?x=%00", "/r/abc%00def"])
def test_a_nul_character_anywhere_is_refused_with_a_400(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert "allowed (NUL)" in response.get_data(as_text=True)


def test_a_nul_character_in_a_form_is_refused_and_stores_nothing(app, client, taker):
    html = taker.open(1)
    before = result_count(app)
    response = client.post("/quiz/1", data={"csrf_token": csrf_token(html), "q-x": "a\x00"})
    assert response.status_code == 400
    assert result_count(app) == before


# ---------------------------------------------------------------- quiz versions


def test_result_page_never_changes_after_a_new_version_is_published(app, client, taker):
    favour_first = scoring.answers_favouring(current_bank(app).effect_table, "data-scientist")
    location = taker.finish(choosing(favour_first))
    before_html = client.get(location).get_data(as_text=True)
    visitor_before = app.test_client().get(location).get_data(as_text=True)
    before_json = client.get(f"{location}.json").get_json()
    assert before_json["ranking"][0]["slug"] == "data-scientist"
    old_prompts = {q["prompt"] for q in DEFAULT_DOCUMENT["questions"]}

    assert publish(app, second_version(DEFAULT_DOCUMENT)) == 2

    assert client.get(location).get_data(as_text=True) == before_html
    assert app.test_client().get(location).get_data(as_text=True) == visitor_before
    assert client.get(f"{location}.json").get_json() == before_json
    assert "Version two" not in before_html
    assert "Renamed role" not in before_html
    shown = {htmllib.unescape(p) for p in re.findall(r'"push-prompt">(.*?)</span>', before_html)}
    assert shown and shown <= old_prompts

    # a freshly started process (no cached versions) shows the same page
    restarted = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": app.config["SECRET_KEY"],
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        }
    )
    assert restarted.test_client().get(location).get_data(as_text=True) == visitor_before
    with restarted.app_context():
        db.engine.dispose()

    # a new taker gets the new version: new texts, new names, and the same answers rank anew
    newcomer = QuizTaker(app.test_client())
    assert "Version two: " in newcomer.open(1)
    assert "Renamed role 1" in newcomer.client.get("/").get_data(as_text=True)
    new_location = newcomer.finish(choosing(favour_first))
    new_json = newcomer.client.get(f"{new_location}.json").get_json()
    assert new_json["quiz_version"] == 2
    assert {e["name"] for e in new_json["ranking"]} == {f"Renamed role {i}" for i in (1, 2, 3)}
    assert new_json["ranking"][0]["slug"] != "data-scientist"
    assert "Version two: " in newcomer.client.get(new_location).get_data(as_text=True)

    with app.app_context():
        versions = db.session.scalars(select(QuizVersion.number).order_by(QuizVersion.number))
        assert list(versions) == [1, 2]


def test_taker_midway_through_keeps_the_version_they_started(app, client, taker, pages):
    first = {name: values[0] for name, values in pages[0].items()}
    taker.submit(1, first)
    publish(app, second_version(DEFAULT_DOCUMENT))

    html = taker.open(2)
    assert "Version two" not in html
    assert checked_answers(taker.open(1)) == first
    location = taker.finish(second_choice)
    assert client.get(f"{location}.json").get_json()["quiz_version"] == 1


def test_pages_escape_text_from_the_question_bank(app, client):
    hostile = 'Data "><script>alert(1)</script>'
    escaped = "Data &#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
    document = copy.deepcopy(DEFAULT_DOCUMENT)
    document["roles"][0]["name"] = hostile
    document["roles"][0]["focus"] = "<img src=x onerror=alert(2)>"
    document["questions"][0]["prompt"] = "<b onclick=alert(3)>Numbers</b> are fun."
    publish(app, document)
    taker = QuizTaker(client)

    landing = client.get("/").get_data(as_text=True)
    assert escaped in landing
    assert "<script>alert(1)" not in landing

    quiz = taker.open(1)
    assert "&lt;b onclick=alert(3)&gt;Numbers&lt;/b&gt;" in quiz
    assert "<b onclick" not in quiz

    answers = scoring.answers_favouring(current_bank(app).effect_table, "data-scientist")
    location = taker.finish(choosing(answers))
    result = client.get(location).get_data(as_text=True)
    assert "<script>alert(1)" not in result
    assert "<img src=x" not in result
    assert "<b onclick" not in result
    assert result.count(escaped) >= 5  # title, og/twitter tags, chart, headings, table
    assert f'content="Their best fit: {escaped} (' in result
    assert "&lt;img src=x onerror=alert(2)&gt;" in result
    data = client.get(f"{location}.json").get_json()
    assert data["ranking"][0]["name"] == hostile


def test_result_page_says_which_fewest_answers_would_put_the_runner_up_on_top(app, taker):
    location = taker.finish(varied)
    html = taker.client.get(location).get_data(as_text=True)
    token = location.rsplit("/", 1)[1]
    with app.app_context():
        result = db.session.scalar(select(Result).where(Result.share_token == token))
        bank = published_bank(result.quiz_version_id)
        runner_up = result.outcome["ranking"][1]["role"]
        found = fewest_changes(bank.effect_table, result.answers, runner_up, limit=6)
    section = html.split('id="change-heading"', 1)[1].split("</section>", 1)[0]
    assert bank.role_by_key[runner_up].name in section
    if found is None:
        assert "No small change would put" in section
        return
    changed = dict(result.answers)
    for change in found.changes:
        label = htmllib.escape(bank.option_label(change.question, change.to_option), quote=False)
        assert f"<strong>{label}</strong>" in section
        changed[change.question] = change.to_option
    # the changes the page names really do put the runner-up first
    with app.app_context():
        assert rank_roles(bank.effect_table, changed).ranking[0].role == runner_up
    assert section.count("<li>") == len(found.changes)
