"""Reading a stored result into plain data, and remembering the search for what would change it."""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import UTC

import pytest
from flask import Flask

from quiz.core.changes import Changes
from quiz.core.result_page import StoredResult
from quiz.core.scoring import random_answers
from quiz.db import db
from quiz.store import results
from quiz.store.caches import app_cache
from quiz.store.publishing import latest_version_id, published_bank
from quiz.store.results import (
    CHANGES_KEPT,
    create_result,
    find_result,
    remembered_changes_search,
    stored_result,
)


def test_a_result_row_reads_into_the_plain_data_its_page_is_built_from(app: Flask) -> None:
    with app.app_context():
        version_id = latest_version_id()
        bank = published_bank(version_id)
        answers = random_answers(bank.effect_table, random.Random(3))
        result, _key = create_result(bank, version_id, answers, seconds_taken=2, mode="quick")
        db.session.commit()
        row = find_result(result.share_token)
        assert row is not None
        read = stored_result(row)
    assert isinstance(read, StoredResult)
    assert read.outcome == row.outcome
    assert read.answers == answers and list(read.answers) == list(answers)
    assert read.careless == tuple(row.careless.split(",")) and "too-fast" in read.careless
    assert (read.seconds_taken, read.mode) == (2, "quick")
    assert (read.version_id, read.share_token) == (version_id, row.share_token)
    assert read.created_at.replace(tzinfo=UTC) == row.created_at.replace(tzinfo=UTC)


class CountingSearch:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, answers: Mapping[str, str], role: str) -> Changes | None:
        self.calls += 1
        return None


def test_the_search_runs_once_per_version_role_and_answers_and_is_kept_in_a_bounded_cache(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    counting = CountingSearch()
    monkeypatch.setattr(results, "changes_search", lambda bank: counting)
    with app.app_context():
        bank = published_bank(latest_version_id())
        answers = {"q1": "a", "q2": "b"}
        remembered_changes_search(bank, 1)(answers, "role")
        remembered_changes_search(bank, 1)(dict(reversed(answers.items())), "role")
        assert counting.calls == 1  # the same answers in another order: the same search
        remembered_changes_search(bank, 2)(answers, "role")
        remembered_changes_search(bank, 1)(answers, "other-role")
        remembered_changes_search(bank, 1)({"q1": "b", "q2": "b"}, "role")
        assert counting.calls == 4
        kept = app_cache("fewest_changes", CHANGES_KEPT)
        assert kept._values.maxsize == CHANGES_KEPT == 4096
