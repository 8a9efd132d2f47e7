"""A browser is the owner of the results it finished; holding a share link makes no one an owner."""

from __future__ import annotations

from flask import Flask, session
from helpers import take_quiz

from quiz.web.ownership import MAX_REMEMBERED, SESSION_KEY, owns, remember_owned


def test_the_browser_that_finished_the_quiz_owns_its_result(app: Flask) -> None:
    client = app.test_client()
    token = take_quiz(client).result_url.rsplit("/", 1)[1]
    with client.session_transaction() as session:
        assert session[SESSION_KEY] == [token]
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    with app.test_request_context(headers={"Cookie": f"{cookie.key}={cookie.value}"}):
        assert owns(token)
        assert not owns(token[::-1])


def test_a_request_without_a_session_cookie_owns_nothing(app: Flask) -> None:
    with app.test_request_context():
        remember_owned("a" * 43)
        assert not owns("a" * 43)


def test_only_the_latest_results_are_remembered_newest_last(app: Flask) -> None:
    with app.test_request_context(headers={"Cookie": f"{app.config['SESSION_COOKIE_NAME']}=x"}):
        tokens = [f"{n:043d}" for n in range(MAX_REMEMBERED + 3)]
        for token in tokens:
            remember_owned(token)
        remember_owned(tokens[5])  # seen again: moves to the end, still once

        assert session[SESSION_KEY][-1] == tokens[5]
        assert len(session[SESSION_KEY]) == MAX_REMEMBERED
        assert not owns(tokens[0])
        assert owns(tokens[-1])


def test_a_session_holding_something_else_owns_nothing(app: Flask) -> None:
    with app.test_request_context(headers={"Cookie": f"{app.config['SESSION_COOKIE_NAME']}=x"}):
        session[SESSION_KEY] = "not a list"
        assert not owns("not a list")
        session[SESSION_KEY] = [1, None, "b" * 43]
        assert owns("b" * 43)
