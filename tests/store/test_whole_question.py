"""Writing a whole question at once (quiz.store.authoring): every rule checked before anything
changes, one commit and one audit entry, options added, removed and reordered in one save."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import func, select

from quiz.db import db
from quiz.models import AuditEntry, Dimension, Question
from quiz.store.authoring import (
    OptionDraft,
    create_whole_question,
    save_whole_question,
    suggested_question_key,
)
from quiz.store.drafts import draft_bank
from quiz.store.editing import EditRefused, StaleCopy


@pytest.fixture
def draft(app: Flask) -> Iterator[None]:
    with app.test_request_context():
        yield


def dimension(key: str) -> Dimension:
    return db.session.scalars(select(Dimension).where(Dimension.key == key)).one()


def question(key: str) -> Question:
    return db.session.scalars(select(Question).where(Question.key == key)).one()


def counts() -> tuple[int, int]:
    questions = db.session.scalar(select(func.count()).select_from(Question))
    entries = db.session.scalar(select(func.count()).select_from(AuditEntry))
    return questions, entries


def test_a_choice_question_is_made_with_options_and_weights_in_one_audited_save(draft):
    before_questions, before_entries = counts()
    made = create_whole_question(
        key="pick",
        kind="choice",
        prompt="Pick one.",
        options=[
            OptionDraft(None, "This", {dimension("statistics"): 2, dimension("software"): 0}),
            OptionDraft(None, "That", {dimension("production"): -1}),
        ],
    )
    assert counts() == (before_questions + 1, before_entries + 1)
    stored = draft_bank().question_by_key  # inactive questions aside, the new one is active
    assert [(o.key, o.label, dict(o.weights)) for o in stored["pick"].options] == [
        ("a", "This", {"statistics": 2}),
        ("b", "That", {"production": -1}),
    ]
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.action, entry.target) == ("create question", "question pick")
    assert "option a on statistics 2" in entry.detail
    assert made.position == max(q.position for q in db.session.scalars(select(Question)))


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"key": "Bad Key"}, "lowercase letters"),
        ({"key": "q01"}, "already uses the key"),
        ({"kind": "essay"}, "Choose the kind"),
        ({"prompt": "  "}, "question's text"),
        ({"options": [OptionDraft(None, "Only")]}, "needs 2 to 6 options; this one has 1"),
        ({"options": [OptionDraft(None, "A")] * 7}, "this one has 7"),
        ({"options": [OptionDraft(None, "A"), OptionDraft(None, " ")]}, "text of option 2"),
        ({"options": "a weight of 5"}, "-4 to 4"),
    ],
)
def test_a_question_breaking_a_rule_is_refused_and_nothing_saved(draft, fields, reason):
    before = counts()
    arguments = {
        "key": "pick",
        "kind": "choice",
        "prompt": "Pick one.",
        "options": [OptionDraft(None, "A"), OptionDraft(None, "B")],
    }
    if fields.get("options") == "a weight of 5":
        # dimensions are rows of the database: made here, inside the app
        too_heavy = OptionDraft(None, "B", {dimension("statistics"): 5})
        fields = {"options": [OptionDraft(None, "A"), too_heavy]}
    with pytest.raises(EditRefused) as refused:
        create_whole_question(**{**arguments, **fields})
    assert reason in str(refused.value)
    assert counts() == before


def test_a_statement_weight_beyond_two_is_refused(draft):
    with pytest.raises(EditRefused, match="-2 to 2"):
        create_whole_question(
            key="s", kind="likert", prompt="A.", statement_weights={dimension("statistics"): 3}
        )


def test_options_are_reordered_removed_and_added_in_one_save(draft):
    q02 = question("q02")
    by_key = {o.key: o for o in q02.options}
    before = counts()
    changes = save_whole_question(
        q02,
        str(q02.revision),
        key="q02",
        prompt=q02.prompt,
        options=[
            OptionDraft(by_key["c"].id, by_key["c"].label, {}),
            OptionDraft(by_key["a"].id, "A, reworded", {dimension("statistics"): 1}),
            OptionDraft(None, "Newcomer", {dimension("software"): 4}),
        ],
    )
    assert "option b deleted" in changes and "option d deleted" in changes
    assert "option e added: Newcomer" in changes
    assert "options reordered: c, a, e" in changes
    assert counts() == (before[0], before[1] + 1)
    options = draft_bank().question_by_key["q02"].options
    assert [(o.key, o.label, dict(o.weights)) for o in options] == [
        ("c", by_key["c"].label, {}),
        ("a", "A, reworded", {"statistics": 1}),
        ("e", "Newcomer", {"software": 4}),
    ]


def test_a_save_from_a_stale_revision_or_naming_a_gone_option_is_refused(draft):
    q02 = question("q02")
    drafts = [OptionDraft(o.id, o.label, {}) for o in q02.options]
    with pytest.raises(StaleCopy):
        save_whole_question(q02, "0", key="q02", prompt="Changed", options=drafts)
    gone = [*drafts[:1], OptionDraft(999999, "Gone meanwhile", {})]
    with pytest.raises(StaleCopy):
        save_whole_question(q02, str(q02.revision), key="q02", prompt="Changed", options=gone)
    db.session.rollback()
    assert question("q02").prompt != "Changed"


def test_nothing_changed_saves_nothing(draft):
    q01 = question("q01")
    revision = q01.revision
    weights = {w.dimension: w.weight for w in q01.weights}
    before = counts()
    assert (
        save_whole_question(
            q01, str(revision), key="q01", prompt=q01.prompt, statement_weights=weights
        )
        == []
    )
    assert counts() == before
    assert question("q01").revision == revision


def test_the_suggested_key_skips_taken_ones(draft):
    assert suggested_question_key("Q01") == "q01-2"
    assert suggested_question_key("Q01", question("q01").id) == "q01"  # its own key is free
