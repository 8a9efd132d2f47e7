"""What a result page shows, built from a stored outcome as plain data (quiz.core.result_page)."""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path

import pytest
from helpers import extracted_messages, imports_beyond, translation_catalog

from quiz.core import result_page as result_page_module
from quiz.core.bank import Bank, load_bank_file
from quiz.core.changes import Change, Changes
from quiz.core.fit_bands import fit_band
from quiz.core.result_page import (
    EMPHASIS_WORDS,
    MOST_CHANGES_SHOWN,
    PUSHES_SHOWN,
    StoredResult,
    as_utc,
    changes_search,
    result_json,
    result_page,
)
from quiz.core.scoring import CLOSE_CALL_POINTS, random_answers, rank_roles

BANK = load_bank_file()
ALLOWED_QUIZ_MODULES = frozenset(
    {
        "quiz.core.adaptive",
        "quiz.core.bank",
        "quiz.core.changes",
        "quiz.core.fit_bands",
        "quiz.core.messages",
        "quiz.core.scoring",
    }
)


def stored(
    bank: Bank = BANK,
    answers: Mapping[str, str] | None = None,
    seed: int = 1,
    **fields: object,
) -> StoredResult:
    """Score answers (random ones unless given) and keep the outcome as a result stores it."""
    if answers is None:
        answers = random_answers(bank.effect_table, random.Random(seed))
    outcome = rank_roles(bank.effect_table, answers).as_dict(pushes_per_side=PUSHES_SHOWN)
    made = {"created_at": datetime(2026, 3, 1, 9, 30), **fields}
    return StoredResult(outcome=outcome, answers=dict(answers), **made)  # type: ignore[arg-type]


class RecordingSearch:
    """A changes search that answers ``found`` and remembers what it was asked."""

    def __init__(self, found: Changes | None) -> None:
        self.found = found
        self.asked: list[tuple[dict[str, str], str]] = []

    def __call__(self, answers: Mapping[str, str], role: str) -> Changes | None:
        self.asked.append((dict(answers), role))
        return self.found


# ---------------------------------------------------------------- purity


def test_result_page_imports_nothing_from_flask_sqlalchemy_or_quiz_outside_the_core() -> None:
    source = Path(result_page_module.__file__).read_text(encoding="utf-8")
    forbidden = {"flask", "flask_babel", "sqlalchemy", "flask_sqlalchemy", "werkzeug"}
    assert imports_beyond(source, forbidden, ALLOWED_QUIZ_MODULES) == []


# ---------------------------------------------------------------- building the page


def test_a_page_reads_the_ranking_pushes_and_profile_as_they_were_stored() -> None:
    result = stored()
    page = result_page(BANK, result)
    ranking = result.outcome["ranking"]
    assert [(f.role.key, f.rank, f.fit) for f in page.fits] == [
        (e["role"], e["rank"], e["fit"]) for e in ranking
    ]
    assert page.top is page.fits[0] and page.runner_up is page.fits[1]
    for fit, entry in zip(page.fits, ranking, strict=True):
        assert fit.role is BANK.role_by_key[entry["role"]]
        for shown, pushes in ((fit.toward, entry["toward"]), (fit.away, entry["away"])):
            assert len(shown) == min(len(pushes), PUSHES_SHOWN)
            for push, (question, option, points) in zip(shown, pushes, strict=False):
                assert push.prompt == BANK.question_by_key[question].prompt
                assert push.answer == BANK.option_label(question, option)
                assert push.points == points
    assert [row.dimension for row in page.profile] == list(BANK.dimensions)
    assert {row.dimension.key: row.you for row in page.profile} == result.outcome["profile"]
    assert page.close_call == result.outcome["close_call"]
    assert page.close_call_points == CLOSE_CALL_POINTS
    assert page.answered == len(result.answers) == page.question_count == len(BANK.questions)


def test_a_page_never_scores_again_it_shows_the_stored_outcome_even_if_scoring_would_differ():
    result = stored()
    altered = {**result.outcome, "ranking": list(reversed(result.outcome["ranking"]))}
    page = result_page(
        BANK, StoredResult(outcome=altered, answers=result.answers, created_at=result.created_at)
    )
    assert [f.role.key for f in page.fits] == [e["role"] for e in altered["ranking"]]


def test_a_stored_time_without_a_zone_is_utc_and_one_with_a_zone_is_kept() -> None:
    naive = datetime(2026, 3, 1, 9, 30)
    assert result_page(BANK, stored(created_at=naive)).created_at == naive.replace(tzinfo=UTC)
    aware = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    assert as_utc(aware) is aware


def test_a_page_carries_the_careless_flags_time_taken_and_mode() -> None:
    page = result_page(
        BANK, stored(careless=("same-answer", "too-fast"), seconds_taken=41, mode="full")
    )
    assert (page.careless, page.seconds_taken, page.mode) == (
        ("same-answer", "too-fast"),
        41,
        "full",
    )
    plain = result_page(BANK, stored())
    assert (plain.careless, plain.seconds_taken) == ((), None)


def test_a_result_without_a_mode_the_unsaved_preview_reads_as_a_full_quiz() -> None:
    assert result_page(BANK, stored(mode=None)).mode == "full"


def test_a_quick_page_counts_the_questions_answered_out_of_the_banks() -> None:
    asked = [q.key for q in BANK.questions][:5]
    answers = {key: BANK.question_by_key[key].options[0].key for key in asked}
    page = result_page(BANK, stored(answers=answers, mode="quick"))
    assert (page.mode, page.answered, page.question_count) == ("quick", 5, len(BANK.questions))


# ---------------------------------------------------------------- what would change


def test_without_a_search_the_page_says_nothing_of_what_would_change_and_costs_no_search():
    assert result_page(BANK, stored()).what_would_change is None


def test_the_search_is_asked_once_about_the_runner_up_with_the_stored_answers() -> None:
    result = stored()
    search = RecordingSearch(None)
    page = result_page(BANK, result, search)
    runner_up = result.outcome["ranking"][1]["role"]
    assert search.asked == [(dict(result.answers), runner_up)]
    what = page.what_would_change
    assert what is not None and what.role.key == runner_up
    assert (what.changes, what.fits_after) == ([], [])  # no small change does it


def test_the_banks_search_finds_what_fewest_changes_finds_within_the_shown_limit() -> None:
    from quiz.core.changes import fewest_changes

    result = stored(seed=7)
    runner_up = result.outcome["ranking"][1]["role"]
    expected = fewest_changes(
        BANK.effect_table, result.answers, runner_up, limit=MOST_CHANGES_SHOWN
    )
    assert changes_search(BANK)(result.answers, runner_up) == expected
    page = result_page(BANK, result, changes_search(BANK))
    assert page.what_would_change is not None
    if expected is not None:
        assert [c.prompt for c in page.what_would_change.changes] == [
            BANK.question_by_key[c.question].prompt for c in expected.changes
        ]
        assert [(r.key, fit) for r, fit in page.what_would_change.fits_after] == list(
            expected.fits_after.items()
        )


def found_changes(result: StoredResult, questions: list[str]) -> Changes:
    """Changes that move each of ``questions`` from its stored answer to another option."""
    runner_up = result.outcome["ranking"][1]["role"]
    changes = []
    for key in questions:
        given = result.answers[key]
        other = next(o.key for o in BANK.question_by_key[key].options if o.key != given)
        changes.append(Change(key, given, other, Fraction(1)))
    return Changes(
        runner_up, tuple(changes), {runner_up: 60, result.outcome["ranking"][0]["role"]: 55}
    )


@pytest.mark.parametrize("mode", ["full", "quick"])
def test_changes_are_numbered_as_the_taker_saw_the_questions(mode: str) -> None:
    """A full quiz numbers questions in the bank's order; quick mode in the order it asked them."""
    bank_order = [q.key for q in BANK.questions]
    asked = [bank_order[7], bank_order[2], bank_order[11], bank_order[0]]
    answers = {key: BANK.question_by_key[key].options[0].key for key in asked}
    result = stored(answers=answers, mode=mode)
    search = RecordingSearch(found_changes(result, [bank_order[2], bank_order[0]]))
    what = result_page(BANK, result, search).what_would_change
    assert what is not None
    numbers = [c.number for c in what.changes]
    if mode == "quick":
        assert numbers == [asked.index(bank_order[2]) + 1, asked.index(bank_order[0]) + 1] == [2, 4]
    else:
        assert numbers == [3, 1]
    change = what.changes[0]
    assert change.prompt == BANK.question_by_key[bank_order[2]].prompt
    assert change.given == BANK.option_label(bank_order[2], answers[bank_order[2]])
    assert change.instead != change.given


def test_a_bank_with_one_role_has_no_runner_up_and_nothing_to_search() -> None:
    result = stored()
    alone = {**result.outcome, "ranking": result.outcome["ranking"][:1]}
    search = RecordingSearch(None)
    page = result_page(
        BANK,
        StoredResult(outcome=alone, answers=result.answers, created_at=result.created_at),
        search,
    )
    assert page.runner_up is None and page.what_would_change is None and search.asked == []


# ---------------------------------------------------------------- the emphasis words


def test_emphasis_is_said_in_english_words_the_page_translates_where_it_shows_them() -> None:
    page = result_page(BANK, stored())
    for row in page.profile:
        for role in BANK.roles:
            level, word = row.emphasis[role.key]
            assert level == role.profile.get(row.dimension.key, 0)
            assert word == EMPHASIS_WORDS[level]
    assert list(EMPHASIS_WORDS.values()) == ["Less central", "Useful", "Important", "Central"]


def test_every_emphasis_word_is_marked_for_the_catalog_and_translated() -> None:
    extracted = extracted_messages([("quiz/core/result_page.py", "python")])
    german = translation_catalog("de")
    for word in EMPHASIS_WORDS.values():
        assert word in extracted, word
        message = german.get(word)
        assert message is not None and message.string, word


# ---------------------------------------------------------------- the public JSON


def test_the_json_names_the_token_version_time_mode_and_ranking_best_first() -> None:
    result = stored(mode="quick", share_token="t" * 43, created_at=datetime(2026, 3, 1, 9, 30))
    data = result_json(BANK, result, version_number=3)
    assert list(data) == ["token", "quiz_version", "created_at", "mode", "ranking"]
    assert data["token"] == "t" * 43
    assert data["quiz_version"] == 3
    assert data["created_at"] == "2026-03-01T09:30:00+00:00"
    assert data["mode"] == "quick"
    assert data["ranking"] == [
        {
            "slug": entry["role"],
            "name": BANK.role_by_key[entry["role"]].name,
            "fit": entry["fit"],
            "rank": entry["rank"],
            "band": fit_band(entry["fit"]),
            "percentile": None,  # until the version has norms
        }
        for entry in result.outcome["ranking"]
    ]
    assert [entry["rank"] for entry in data["ranking"]] == list(range(1, len(BANK.roles) + 1))
