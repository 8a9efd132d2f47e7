"""A quick result says how settled its ranking is and how many questions it rests on.

Through the real app on SQLite and PostgreSQL. The answers are found on whatever bank is
published, by asking the adaptive core, never by naming the default bank's questions.
"""

from __future__ import annotations

import html as htmllib
import random
import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from test_quick_mode import QuickTaker, stored

from quiz.core import adaptive
from quiz.core.adaptive import Progress
from quiz.core.bank import Bank
from quiz.core.scoring import Outcome, answers_favouring, rank_roles
from quiz.db import db
from quiz.store.publishing import latest_version_id, published_bank
from quiz.store.results import create_result
from quiz.web.ownership import SESSION_KEY as OWNED_RESULTS

SETTLED = "The top role is settled: no way of answering the rest would change it."
NO_SINGLE_ROLE = "point to no single role"
CLOSE_CALL = "Close call:"


def the_bank(app: Flask) -> tuple[Bank, int]:
    with app.app_context():
        version_id = latest_version_id()
        assert version_id is not None
        return published_bank(version_id), version_id


def quick_result(app: Flask, answers: dict[str, str]) -> str:
    """Store a quick result with ``answers``; return its page's address."""
    bank, version_id = the_bank(app)
    with app.app_context():
        result, _ = create_result(bank, version_id, answers, mode="quick")
        db.session.commit()
        return f"/r/{result.share_token}"


@pytest.fixture
def quick(client: FlaskClient) -> QuickTaker:
    return QuickTaker(client)


def as_taker(client: FlaskClient, url: str) -> FlaskClient:
    """Make ``client`` the browser that took the result at ``url``: it reads the owner's view."""
    with client.session_transaction() as session:
        session[OWNED_RESULTS] = [url.rsplit("/", 1)[1]]
    return client


def page_text(client: FlaskClient, url: str) -> str:
    """Return the page as its taker reads it: tags gone, spaces collapsed, links kept apart."""
    response = as_taker(client, url).get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def full_quiz_link(client: FlaskClient, url: str) -> bool:
    """Whether the verdict paragraph links to the full quiz."""
    html = as_taker(client, url).get(url).get_data(as_text=True)
    verdict = re.search(r'<p [^>]*id="quiz-mode"[^>]*>(.*?)</p>', html, flags=re.S)
    assert verdict, "the result page has no verdict paragraph"
    return '<a href="/quiz">' in verdict.group(1)


def find_answers(
    bank: Bank, wanted: Callable[[Progress, Outcome], bool], seed: int = 0
) -> dict[str, str]:
    """Return some partial answers (not every question) whose quick state is ``wanted``."""
    table = bank.effect_table
    keys = [q.key for q in bank.questions]
    rng = random.Random(seed)
    for _ in range(20_000):
        count = rng.randrange(1, len(keys))
        chosen = rng.sample(keys, count)
        # lean the answers toward one role now and then, so clear leads turn up too
        lean = answers_favouring(table, rng.choice(table.roles).key) if rng.random() < 0.5 else {}
        answers = {
            q: lean[q] if lean and rng.random() < 0.8 else rng.choice(list(table.effects[q]))
            for q in chosen
        }
        if wanted(adaptive.progress(table, answers, confidence=1.0), rank_roles(table, answers)):
            return answers
    raise AssertionError("no answers of that kind on this bank")


def test_a_settled_quick_result_says_so_with_the_questions_it_rests_on(
    app: Flask, client: FlaskClient
) -> None:
    bank, _ = the_bank(app)
    answers = find_answers(bank, lambda state, outcome: state.decided and not outcome.close_call)
    url = quick_result(app, answers)
    text = page_text(client, url)

    count = len(bank.questions)
    assert f"Quick result from {len(answers)} of {count} questions. {SETTLED}" in text
    assert CLOSE_CALL not in text
    assert NO_SINGLE_ROLE not in text
    top = rank_roles(bank.effect_table, answers).ranking[0]
    assert (
        f"Your best fit so far: {bank.role_by_key[top.role].name} {top.percent}% provisional"
        in text
    )
    assert "The percentages are provisional" in text
    assert f"Provisional fit for each role, from {len(answers)} of {count} questions" in text
    # what link previews show says so too
    html = client.get(url).get_data(as_text=True)
    description = re.search(r'<meta property="og:description" content="([^"]*)"', html)
    assert description, "the page has no link preview description"
    assert htmllib.unescape(description.group(1)).startswith(
        f"Provisional, from {len(answers)} of {count} questions: "
    )


def test_a_likely_quick_result_gives_its_chance_and_is_not_called_settled(
    app: Flask, client: FlaskClient
) -> None:
    bank, _ = the_bank(app)
    answers = find_answers(
        bank,
        lambda state, outcome: not state.decided and not outcome.close_call and state.chance >= 0.5,
    )
    chance = adaptive.progress(bank.effect_table, answers, confidence=1.0).chance
    text = page_text(client, quick_result(app, answers))

    percent = min(99, int(chance * 100))
    assert (
        f"The top role is likely, not settled: an estimated {percent}% chance or more that it "
        "stays on top" in text
    )
    assert "is settled" not in text
    assert "provisional" in text


def test_an_unsettled_quick_result_says_it_is_not_settled(app: Flask, client: FlaskClient) -> None:
    bank, _ = the_bank(app)
    answers = find_answers(
        bank,
        lambda state, outcome: not state.decided and not outcome.close_call and state.chance < 0.5,
    )
    chance = adaptive.progress(bank.effect_table, answers, confidence=1.0).chance
    text = page_text(client, quick_result(app, answers))

    assert "The top role is not settled: the rest of the questions could well change it" in text
    assert f"(an estimated {int(chance * 100)}% chance or more that it stays on top)" in text
    assert "is settled" not in text


def test_a_close_quick_result_points_to_no_single_role_and_is_never_called_settled(
    app: Flask, client: FlaskClient
) -> None:
    bank, _ = the_bank(app)
    # a close call even where the exact rule has decided the top role: never "settled"
    answers = find_answers(bank, lambda state, outcome: outcome.close_call and state.decided)
    url = quick_result(app, answers)
    text = page_text(client, url)

    first, second = (
        bank.role_by_key[f.role].name for f in rank_roles(bank.effect_table, answers).ranking[:2]
    )
    assert (
        f"Your answers so far point to no single role: {first} and {second} are about "
        "equally close." in text
    )
    assert f"Your best fit so far: {first}" in text
    assert CLOSE_CALL in text
    assert "settled" not in text.replace("not settled", "")
    assert full_quiz_link(client, url)


@pytest.mark.parametrize("seed", range(3))
def test_settled_and_close_call_never_appear_together(
    app: Flask, client: FlaskClient, seed: int
) -> None:
    bank, _ = the_bank(app)
    for round_ in range(4):
        answers = find_answers(bank, lambda state, outcome: True, seed=seed * 10 + round_)
        text = page_text(client, quick_result(app, answers))
        assert not (SETTLED in text and CLOSE_CALL in text)
        assert (CLOSE_CALL in text) == (NO_SINGLE_ROLE in text)


def test_a_quick_result_with_every_question_answered_is_the_full_quizs(
    app: Flask, client: FlaskClient
) -> None:
    bank, _ = the_bank(app)
    rng = random.Random(5)
    answers = {q: rng.choice(list(opts)) for q, opts in bank.effect_table.effects.items()}
    text = page_text(client, quick_result(app, answers))

    count = len(bank.questions)
    assert f"Quick result from {count} of {count} questions." in text
    assert "Every question was answered, so this is the full quiz's result." in text
    assert "provisional" not in text


def test_the_quick_quiz_says_its_question_and_how_many_more_it_may_ask(
    app: Flask, quick: QuickTaker
) -> None:
    bank, _ = the_bank(app)
    count = len(bank.questions)
    assert f"Question 1 · at most {count - 1} more" in htmllib.unescape(quick.open())
    quick.answer()
    quick.answer()
    assert f"Question 3 · at most {count - 3} more" in htmllib.unescape(quick.open())


def test_answers_that_keep_two_roles_level_end_the_quick_quiz_as_no_single_role(
    app: Flask, client: FlaskClient, quick: QuickTaker
) -> None:
    bank, _ = the_bank(app)
    table = bank.effect_table
    given: dict[str, str] = {}

    def keep_level(name: str, values: list[str]) -> str:
        # the answer that leaves the shown top two closest, as an undecided person might
        def gap(option: str) -> int:
            ranking = rank_roles(table, {**given, name[2:]: option}).ranking
            return ranking[0].percent - ranking[1].percent

        choice = min(values, key=gap)
        given[name[2:]] = choice
        return choice

    url = quick.finish(keep_level)

    result = stored(app, url)
    assert len(result.answers) < len(bank.questions)
    assert adaptive.progress(table, result.answers).reason == "no_single_role"
    text = page_text(client, url)
    assert NO_SINGLE_ROLE in text
    assert "is settled" not in text
