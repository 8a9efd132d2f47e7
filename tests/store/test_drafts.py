"""The draft's editing rules, enforced by the store whichever page or command asks.

Each test calls a service of quiz.store.editing on the real database of a fresh app
(the default bank in the draft) and checks it refuses what a rule forbids, saving nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from quiz.core.bank import CHOICE_OPTIONS
from quiz.db import db
from quiz.models import AuditEntry, Dimension, Option, Question, Role
from quiz.store import editing
from quiz.store.drafts import draft_bank
from quiz.store.editing import ROLE_FIELDS, EditRefused, StaleCopy


@pytest.fixture
def draft(app: Flask) -> Iterator[None]:
    """Work on the app's draft inside a request, as the admin pages do."""
    with app.test_request_context():
        yield


def question(key: str) -> Question:
    found = db.session.scalar(select(Question).where(Question.key == key))
    assert found is not None, key
    return found


def role(key: str) -> Role:
    found = db.session.scalar(select(Role).where(Role.key == key))
    assert found is not None, key
    return found


def dimension(key: str) -> Dimension:
    found = db.session.scalar(select(Dimension).where(Dimension.key == key))
    assert found is not None, key
    return found


def revision(item: Question | Role) -> str:
    return str(item.revision)


def role_fields(item: Role, **changes: Any) -> dict[str, Any]:
    fields = {name: getattr(item, name) for name in ROLE_FIELDS}
    return fields | changes


def role_profile(item: Role) -> dict[int, int]:
    return {e.dimension_id: e.emphasis for e in item.emphases}


def audited() -> list[tuple[str, str]]:
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
    return [(e.action, e.target) for e in entries]


def refused_text(refused: pytest.ExceptionInfo[EditRefused]) -> str:
    return refused.value.reason % refused.value.values


def test_a_choice_question_has_2_to_6_options(draft: None) -> None:
    fewest, most = CHOICE_OPTIONS
    q04 = question("q04")  # starts with 3 options
    while len(q04.options) < most:
        editing.add_option(q04, revision(q04), "another")
    with pytest.raises(EditRefused) as too_many:
        editing.add_option(q04, revision(q04), "one too many")
    assert refused_text(too_many) == (
        "A choice question can have at most 6 options. Delete one first."
    )
    while len(q04.options) > fewest:
        editing.delete_option(q04.options[-1], revision(q04))
    last = q04.options[-1]
    with pytest.raises(EditRefused) as too_few:
        editing.delete_option(last, revision(q04))
    assert refused_text(too_few) == (
        f"A choice question needs at least 2 options, so option {last.key} was not deleted. "
        "Add another option first."
    )
    db.session.expire_all()
    assert len(question("q04").options) == fewest

    created = editing.create_question("q99", "choice", "Which?", "This", "That")
    assert [o.label for o in created.options] == ["This", "That"]


def test_the_draft_keeps_at_least_one_active_role(draft: None) -> None:
    assert editing.set_active(role("data-scientist"), False)
    assert editing.set_active(role("ml-engineer"), False)
    last = role("ai-engineer")

    with pytest.raises(EditRefused) as refused:
        editing.set_active(last, False)

    assert refused_text(refused).startswith("“AI Engineer” is the only active role")
    db.session.expire_all()
    assert role("ai-engineer").active


def test_the_draft_keeps_at_least_one_dimension(draft: None) -> None:
    *others, last = editing.ordered(Dimension)
    for other in others:
        editing.delete_dimension(other)

    with pytest.raises(EditRefused) as refused:
        editing.delete_dimension(last)

    assert refused_text(refused) == (
        f"“{last.name}” is the only skill or goal, and the quiz needs at least one."
    )
    assert db.session.scalar(select(func.count()).select_from(Dimension)) == 1


def test_a_role_needs_at_least_one_emphasis_above_0(draft: None) -> None:
    scientist = role("data-scientist")
    nothing = {dimension_id: 0 for dimension_id in role_profile(scientist)}
    before = draft_bank()

    with pytest.raises(EditRefused) as edited:
        editing.edit_role(scientist, revision(scientist), role_fields(scientist), nothing)
    with pytest.raises(EditRefused) as added:
        editing.add_role(role_fields(scientist, key="data-engineer"), {})

    for refused in (edited, added):
        assert refused_text(refused) == "Give at least one skill or goal an emphasis above 0."
    db.session.rollback()
    assert draft_bank() == before


def test_a_change_from_a_stale_revision_is_refused_and_nothing_is_saved(draft: None) -> None:
    q01, q02, scientist = question("q01"), question("q02"), role("data-scientist")
    seen = {"q01": revision(q01), "q02": revision(q02), "role": revision(scientist)}
    editing.edit_question(q01, seen["q01"], key="q01", prompt="Changed", labels={}, weights={})
    editing.add_option(q02, seen["q02"], "another")
    editing.edit_role(
        scientist, seen["role"], role_fields(scientist, name="Renamed"), role_profile(scientist)
    )
    before = draft_bank()

    stale_changes = [
        lambda: editing.edit_question(
            q01, seen["q01"], key="q01", prompt="Mine", labels={}, weights={}
        ),
        lambda: editing.delete_question(q01, seen["q01"]),
        lambda: editing.set_active(q01, False, seen["q01"]),
        lambda: editing.add_option(q02, seen["q02"], "mine"),
        lambda: editing.delete_option(q02.options[0], seen["q02"]),
        lambda: editing.move(q02.options[0], "down", seen["q02"]),
        lambda: editing.edit_role(
            scientist, seen["role"], role_fields(scientist, name="Mine"), role_profile(scientist)
        ),
        lambda: editing.delete_question(q01, None),  # a page that carried no revision
    ]
    for change in stale_changes:
        with pytest.raises(StaleCopy):
            change()

    db.session.rollback()
    assert draft_bank() == before


@pytest.mark.parametrize(
    ("attempt", "reason"),
    [
        (
            lambda: editing.create_question("q02", "likert", "Again?"),
            "Another question already uses the key “q02”.",
        ),
        (
            lambda: editing.edit_question(
                question("q01"),
                revision(question("q01")),
                key="q02",
                prompt="Again?",
                labels={},
                weights={},
            ),
            "Another question already uses the key “q02”.",
        ),
        (
            lambda: editing.add_role(
                role_fields(role("ml-engineer"), key="data-scientist"),
                role_profile(role("ml-engineer")),
            ),
            "The role “Data Scientist” already uses this key.",
        ),
        (
            lambda: editing.edit_dimension(
                dimension("statistics"),
                {"key": "software", "name": "Stats", "kind": "skill", "description": ""},
            ),
            lambda: f"The skill or goal “{dimension('software').name}” already uses this key.",
        ),
    ],
    ids=["new-question", "edited-question", "role", "dimension"],
)
def test_keys_are_unique_among_each_kind(draft: None, attempt: Any, reason: Any) -> None:
    before = draft_bank()

    with pytest.raises(EditRefused) as refused:
        attempt()

    expected = reason if isinstance(reason, str) else reason()
    assert refused_text(refused) == expected
    db.session.rollback()
    assert draft_bank() == before


def test_a_retired_role_still_holds_its_key(draft: None) -> None:
    editing.set_active(role("ml-engineer"), False)

    clash = editing.key_clash(Role, "ml-engineer")

    assert clash is not None
    assert clash.reason % clash.values == (
        "The role “Machine Learning Engineer” (retired) already uses this key."
    )
    assert editing.key_clash(Role, "ml-engineer", role("ml-engineer").id) is None


def test_a_changed_english_text_drops_its_translations(draft: None) -> None:
    q02 = question("q02")
    option = q02.options[0]
    assert "de" in q02.translations and "de" in option.translations

    editing.edit_question(
        q02,
        revision(q02),
        key="q02",
        prompt="A new wording",
        labels={option.id: "A new option text", q02.options[1].id: q02.options[1].label},
        weights={},
    )

    db.session.expire_all()
    q02 = question("q02")
    assert "prompt" not in q02.translations.get("de", {})
    assert "label" not in q02.options[0].translations.get("de", {})
    assert "label" in q02.options[1].translations["de"]  # unchanged, so still translated


def test_every_change_is_audited(draft: None) -> None:
    q01, q02 = question("q01"), question("q02")
    earlier = len(audited())
    editing.create_question("q99", "likert", "New?")
    editing.edit_question(q01, revision(q01), key="q01", prompt="Edited", labels={}, weights={})
    editing.move(q01, "down")
    editing.set_active(q01, False, revision(q01))
    editing.add_option(q02, revision(q02), "added")
    editing.move(q02.options[0], "down", revision(q02))
    editing.delete_option(q02.options[-1], revision(q02))
    editing.delete_question(question("q99"), revision(question("q99")))
    scientist = role("data-scientist")
    editing.edit_role(
        scientist, revision(scientist), role_fields(scientist, name="X"), role_profile(scientist)
    )
    editing.move(scientist, "down")
    editing.set_active(scientist, False)
    editing.set_active(scientist, True)
    engineer = editing.add_role(
        role_fields(scientist, key="data-engineer"), role_profile(scientist)
    )
    stats = dimension("statistics")
    editing.edit_dimension(
        stats, {"key": "stats", "name": "Stats", "kind": "skill", "description": ""}
    )
    editing.move(stats, "down")
    added = editing.add_dimension({"key": "new", "name": "New", "kind": "goal", "description": ""})
    editing.delete_dimension(added)

    assert [action for action, _target in audited()[earlier:]] == [
        "create question",
        "edit question",
        "move question",
        "deactivate question",
        "add option",
        "move option",
        "delete option",
        "delete question",
        "edit role",
        "move role",
        "retire role",
        "restore role",
        "add role",
        "edit dimension",
        "move dimension",
        "add dimension",
        "delete dimension",
    ]
    assert ("add role", f"role {engineer.key}") in audited()


def test_moving_reorders_any_draft_item_and_leaves_revisions_alone_except_options(
    draft: None,
) -> None:
    q02, scientist, stats = question("q02"), role("data-scientist"), dimension("statistics")
    revisions = {"q02": q02.revision, "role": scientist.revision}

    assert editing.move(q02, "up") == 1
    assert editing.move(q02, "up") is None  # already first: nothing changes
    assert editing.move(scientist, "down") == 2
    assert editing.move(stats, "down") == 2
    option_a = q02.options[0]
    assert editing.move(option_a, "down", revision(q02)) == 2

    db.session.expire_all()
    assert [q.key for q in editing.ordered(Question)][:2] == ["q02", "q01"]
    assert [r.key for r in editing.ordered(Role)][:2] == ["ml-engineer", "data-scientist"]
    assert editing.ordered(Dimension)[1].key == "statistics"
    assert [o.key for o in question("q02").options][:2] == ["b", "a"]
    assert role("data-scientist").revision == revisions["role"]
    # the question moved without a new revision; its option's move raised it once
    assert question("q02").revision == revisions["q02"] + 1
    assert db.session.get(Option, option_a.id) is not None


def test_retiring_and_restoring_is_one_idea_for_roles_and_questions(draft: None) -> None:
    q01, scientist = question("q01"), role("data-scientist")

    assert editing.set_active(q01, False, revision(q01))
    assert not editing.set_active(q01, False, revision(q01))  # already out: nothing changes
    assert editing.set_active(scientist, False)
    assert not editing.set_active(scientist, False)

    bank = draft_bank()
    assert "q01" not in {q.key for q in bank.questions}
    assert "data-scientist" not in {r.key for r in bank.roles}
    assert editing.set_active(q01, True, revision(q01))
    assert editing.set_active(scientist, True)
    assert {"q01", "data-scientist"} <= {q.key for q in draft_bank().questions} | {
        r.key for r in draft_bank().roles
    }


@pytest.mark.parametrize("kind", ["new role", "edited role", "new dimension", "edited dimension"])
def test_a_key_taken_between_the_check_and_the_commit_is_refused_as_taken(
    draft: None, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    # another admin's save lands after the key check: the database's unique key refuses ours
    monkeypatch.setattr(editing, "_require_free_key", lambda *args, **kwargs: None)
    roles_before = db.session.scalar(select(func.count()).select_from(Role))
    dimensions_before = db.session.scalar(select(func.count()).select_from(Dimension))
    scientist, engineer = role("data-scientist"), role("ml-engineer")
    engineer_revision = revision(engineer)
    first, second = editing.ordered(Dimension)[:2]
    with pytest.raises(EditRefused) as refused:
        if kind == "new role":
            editing.add_role(role_fields(scientist), role_profile(scientist))
        elif kind == "edited role":
            fields = role_fields(engineer, key="data-scientist")
            editing.edit_role(engineer, engineer_revision, fields, role_profile(engineer))
        else:
            fields = {name: getattr(first, name) for name in editing.DIMENSION_FIELDS}
            if kind == "new dimension":
                editing.add_dimension(fields)
            else:
                editing.edit_dimension(second, fields)
    assert refused.value.field == "key"
    if kind.endswith("role"):
        assert refused.value.reason == editing.ROLE_KEY_TAKEN
        assert refused.value.values == {"name": scientist.name}
    else:
        assert refused.value.reason == editing.DIMENSION_KEY_TAKEN
        assert refused.value.values == {"name": first.name}
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Role)) == roles_before
    assert db.session.scalar(select(func.count()).select_from(Dimension)) == dimensions_before
    assert revision(role("ml-engineer")) == engineer_revision
    assert role("ml-engineer").key == "ml-engineer"
