"""Quick mode through the real app: one question at a time, the most telling next, an early stop.

Every test runs on its own SQLite and PostgreSQL database with CSRF on, sending the
tokens the pages carry, the way a browser would.
"""

from __future__ import annotations

import html as htmllib
import itertools
import re
import time

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import TEST_CONFIG, csrf_token, page_options, take_quiz, varied
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from quiz import create_app
from quiz.core import adaptive
from quiz.core.scoring import rank_roles
from quiz.db import db
from quiz.models import Result
from quiz.store.analytics import careful_responses
from quiz.store.publishing import latest_version_id, published_bank
from quiz.web.taking_forms import MISSING_ANSWER, UNKNOWN_ANSWER

QUESTION_FIELD = re.compile(r'name="question" type="hidden" value="([^"]*)"')


class QuickTaker:
    """Take the quick quiz through the test client: read each page, answer, send."""

    def __init__(self, client: FlaskClient):
        self.client = client
        self.shown: list[str] = []

    def open(self) -> str:
        response = self.client.get("/quiz/quick")
        assert response.status_code == 200, response.status_code
        return response.get_data(as_text=True)

    def asked(self, html: str) -> str:
        match = QUESTION_FIELD.search(html)
        assert match, "the quick quiz page says which question it asks"
        return match.group(1)

    def send(self, html: str, data: dict[str, str]):
        return self.client.post(
            "/quiz/quick",
            data={"csrf_token": csrf_token(html), "question": self.asked(html), **data},
        )

    def answer(self, choose=varied):
        """Answer the question shown now with ``choose``; return the response."""
        html = self.open()
        ((name, values),) = page_options(html).items()
        self.shown.append(name[2:])
        return self.send(html, {name: choose(name, values), "forward": "x"})

    def finish(self, choose=varied) -> str:
        """Answer until the quiz stops; return the result's address."""
        for _ in range(200):
            response = self.answer(choose)
            assert response.status_code == 302, response.get_data(as_text=True)[:1000]
            if "/r/" in response.headers["Location"]:
                return response.headers["Location"]
        raise AssertionError("the quick quiz never stopped")


@pytest.fixture
def quick(client: FlaskClient) -> QuickTaker:
    return QuickTaker(client)


def stored(app: Flask, url: str) -> Result:
    with app.app_context():
        result = db.session.scalar(
            select(Result).where(Result.share_token == url.rsplit("/", 1)[1])
        )
        assert result is not None
        db.session.expunge(result)
        return result


def test_quick_quiz_asks_the_most_telling_question_each_time_and_stops_early(
    app: Flask, quick: QuickTaker
) -> None:
    url = quick.finish()

    result = stored(app, url)
    with app.app_context():
        bank = published_bank(result.quiz_version_id)
    table = bank.effect_table
    assert result.mode == "quick"
    assert list(result.answers) == quick.shown
    assert len(result.answers) < len(bank.questions)
    # every question shown was the adaptive core's choice for the answers before it
    for count, key in enumerate(quick.shown):
        before = {k: result.answers[k] for k in quick.shown[:count]}
        assert adaptive.next_question(table, before) == key
        assert not adaptive.should_stop(table, before)
    assert adaptive.should_stop(table, result.answers)
    assert result.top_role == rank_roles(table, result.answers).ranking[0].role


def test_with_full_confidence_the_quick_top_role_is_the_full_quizs_for_any_remaining_answers(
    database_url: str,
) -> None:
    app = create_app(
        {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, "QUICK_MODE_CONFIDENCE": 1.0}
    )
    url = QuickTaker(app.test_client()).finish()

    result = stored(app, url)
    with app.app_context():
        bank = published_bank(result.quiz_version_id)
    standing = adaptive.progress(bank.effect_table, result.answers, confidence=1.0)
    assert standing.reason in ("decided", "complete")
    # spot-check the guarantee: complete the rest in a few very different ways
    rest = [q for q in bank.questions if q.key not in result.answers]
    for pick in (0, -1, 1, 2):
        full = dict(result.answers)
        full.update({q.key: q.options[pick % len(q.options)].key for q in rest})
        assert rank_roles(bank.effect_table, full).ranking[0].role == result.top_role
    db_engine_dispose(app)


def db_engine_dispose(app: Flask) -> None:
    with app.app_context():
        db.engine.dispose()


def test_result_page_and_json_say_which_mode_produced_them(
    app: Flask, client: FlaskClient, quick: QuickTaker
) -> None:
    quick_url = quick.finish()
    full_url = take_quiz(client).result_url

    quick_page = client.get(quick_url).get_data(as_text=True)
    with app.app_context():
        total = len(published_bank(latest_version_id()).questions)
    answered = len(stored(app, quick_url).answers)
    assert f"Quick result from {answered} of {total} questions." in quick_page
    assert "Quick result" not in client.get(full_url).get_data(as_text=True)
    assert f"Full quiz: all {total} questions" in client.get(full_url).get_data(as_text=True)
    assert client.get(quick_url + ".json").get_json()["mode"] == "quick"
    assert client.get(full_url + ".json").get_json()["mode"] == "full"


def test_back_takes_the_last_answer_away_and_asks_that_question_again_with_it_chosen(
    app: Flask, quick: QuickTaker
) -> None:
    quick.answer(lambda name, values: values[0])
    quick.answer(lambda name, values: values[-1])
    second = quick.shown[-1]

    html = quick.open()
    response = quick.send(html, {"back": "x"})
    assert response.status_code == 302
    html = quick.open()
    assert quick.asked(html) == second
    # its answer is still chosen, and taking it back forgot it
    options = page_options(html)[f"q-{second}"]
    assert f'value="{options[-1]}" checked' in html or re.search(
        rf'name="q-{second}" type="radio" value="{options[-1]}" checked', html
    )
    with quick.client.session_transaction() as session:
        assert list(session["quick_quiz"]["answers"]) == quick.shown[:1]


def test_a_second_send_of_an_answered_question_changes_nothing(quick: QuickTaker) -> None:
    html = quick.open()
    ((name, values),) = page_options(html).items()
    first = quick.send(html, {name: values[0], "forward": "x"})
    again = quick.send(html, {name: values[-1], "forward": "x"})  # the same page, sent twice

    assert first.status_code == again.status_code == 302
    with quick.client.session_transaction() as session:
        assert session["quick_quiz"]["answers"] == {name[2:]: values[0]}


@pytest.mark.parametrize(
    ("value", "message"), [(None, MISSING_ANSWER), ("not-an-option", UNKNOWN_ANSWER)]
)
def test_a_missing_or_unknown_answer_is_asked_again_with_a_message(
    app: Flask, quick: QuickTaker, value: str | None, message: str
) -> None:
    html = quick.open()
    ((name, _),) = page_options(html).items()
    response = quick.send(html, {"forward": "x"} | ({name: value} if value else {}))

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert str(message) in page
    assert quick.asked(page) == name[2:]
    with app.app_context():
        assert db.session.scalar(select(Result.id)) is None


def test_the_full_quiz_and_quick_mode_keep_their_own_answers(
    client: FlaskClient, quick: QuickTaker
) -> None:
    full_page = client.get("/quiz/1").get_data(as_text=True)
    first_full = dict(itertools.islice(page_options(full_page).items(), 1))
    name, values = next(iter(first_full.items()))
    client.post(
        "/quiz/1", data={"csrf_token": csrf_token(full_page), name: values[0], "forward": "x"}
    )
    quick.answer()

    with client.session_transaction() as session:
        assert session["quiz"]["answers"] == {name[2:]: values[0]}
        assert list(session["quick_quiz"]["answers"]) == quick.shown


def test_finishing_quick_mode_forgets_only_its_own_progress(
    client: FlaskClient, quick: QuickTaker
) -> None:
    client.get("/quiz/1")
    quick.finish()
    with client.session_transaction() as session:
        assert "quick_quiz" not in session
        assert "quiz" in session


def test_a_quick_quiz_rushed_through_is_flagged_and_left_out_of_the_quality_statistics(
    app: Flask, client: FlaskClient, quick: QuickTaker
) -> None:
    quick.open()
    with client.session_transaction() as session:
        session["quick_quiz"] = {**session["quick_quiz"], "started": int(time.time())}
    rushed = stored(app, quick.finish())
    assert rushed.careless == "too-fast"

    careful = QuickTaker(client)
    careful.open()
    with client.session_transaction() as session:
        session["quick_quiz"] = {**session["quick_quiz"], "started": int(time.time()) - 600}
    calm = stored(app, careful.finish())
    assert calm.careless is None and calm.mode == "quick"
    full = stored(app, take_quiz(client).result_url)

    with app.app_context():
        # quick answers skip questions, so item statistics rest on full quizzes only
        assert careful_responses(full.quiz_version_id, 100) == [full.answers]


@pytest.mark.parametrize("confidence", [0, 1.5, -0.1])
def test_a_confidence_setting_outside_0_to_1_stops_the_app_from_starting(
    tmp_path, confidence: float
) -> None:
    with pytest.raises(RuntimeError, match="QUICK_MODE_CONFIDENCE"):
        create_app(
            {
                **TEST_CONFIG,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}",
                "SEED_ON_START": False,
                "QUICK_MODE_CONFIDENCE": confidence,
            }
        )


def test_what_would_change_numbers_questions_in_the_order_quick_mode_asked_them(
    app: Flask, client: FlaskClient, quick: QuickTaker
) -> None:
    url = quick.finish()
    html = client.get(url).get_data(as_text=True)
    result = stored(app, url)
    with app.app_context():
        bank = published_bank(result.quiz_version_id)

    named = re.findall(r"Question (\d+), “([^”]+)”", htmllib.unescape(html))
    assert named, "the page names no answer that would change the result"
    asked = list(result.answers)
    for number, prompt in named:
        key = next(q.key for q in bank.questions if q.prompt == prompt)
        assert asked.index(key) + 1 == int(number), (prompt, number)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    answers=st.dictionaries(st.text(max_size=6), st.text(max_size=3), max_size=6),
    asked=st.one_of(st.none(), st.lists(st.text(max_size=6), max_size=6), st.integers()),
    undone=st.one_of(st.none(), st.dictionaries(st.text(max_size=6), st.text(max_size=3))),
    back=st.booleans(),
)
def test_an_odd_quick_quiz_in_the_session_never_fails(
    quick: QuickTaker, answers, asked, undone, back: bool
) -> None:
    html = quick.open()
    with quick.client.session_transaction() as session:
        session["quick_quiz"] = {
            **session["quick_quiz"],
            "answers": answers,
            "asked": asked,
            "undone": undone,
        }
    response = quick.client.get("/quiz/quick")
    assert response.status_code == 200
    sent = quick.send(html, {"back" if back else "forward": "x"})
    assert sent.status_code in (200, 302)


def test_a_comparison_says_which_side_took_the_quick_quiz(
    app: Flask, client: FlaskClient, quick: QuickTaker
) -> None:
    quick_url = quick.finish()
    full_url = take_quiz(app.test_client()).result_url
    quick_token, full_token = quick_url.rsplit("/", 1)[1], full_url.rsplit("/", 1)[1]

    response = client.get(f"/compare/{quick_token}/{full_token}", follow_redirects=True)
    html = response.get_data(as_text=True)

    answered = len(stored(app, quick_url).answers)
    assert response.status_code == 200
    assert html.count("Quick quiz: ") == 1
    assert f"Quick quiz: {answered} of " in html
