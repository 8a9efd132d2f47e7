"""The flask commands: admin accounts (create, list, delete) and the question bank
(check, export, import, publish), run through Flask's CLI test runner against a fresh database."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result as CliResult
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from quiz.core.bank import DEFAULT_BANK_PATH, parse_bank
from quiz.db import db
from quiz.models import Admin, AuditEntry, Question, QuizVersion, Role
from quiz.store.drafts import draft_bank
from quiz.store.publishing import export_text, latest_version_id, published_bank

DOCUMENT = json.loads(DEFAULT_BANK_PATH.read_text(encoding="utf-8"))
DEFAULT_TEXT = DEFAULT_BANK_PATH.read_text(encoding="utf-8")
EMAIL = "editor@example.com"
PASSWORD = "correct horse battery"


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


def run(runner: FlaskCliRunner, *args: str, input: str | None = None) -> CliResult:
    return runner.invoke(args=list(args), input=input)


def admin_emails(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(Admin.email).order_by(Admin.email)))


def audit_actions(app: Flask) -> list[tuple[str, str]]:
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(e.action, e.target) for e in entries]


def version_numbers(app: Flask) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(QuizVersion.number).order_by(QuizVersion.number)))


def draft_text(app: Flask) -> str:
    with app.app_context():
        return export_text(draft_bank())


def break_the_draft(app: Flask) -> None:
    """Empty a role's typical day and cut a choice question down to one option."""
    with app.app_context():
        role = db.session.scalar(select(Role).where(Role.key == "ml-engineer"))
        role.typical_day = ""
        choice = next(q for q in DOCUMENT["questions"] if q["kind"] == "choice")
        question = db.session.scalar(select(Question).where(Question.key == choice["key"]))
        del question.options[1:]
        db.session.commit()


def write_json(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path


# ---------------------------------------------------------------- admin accounts


def test_admin_create_asks_for_the_password_twice_and_never_echoes_it(app, runner):
    result = run(runner, "admin", "create", EMAIL, input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert f"Created admin {EMAIL}." in result.output
    assert result.output.count("Password") == 1
    assert "Repeat for confirmation" in result.output
    assert PASSWORD not in result.output
    with app.app_context():
        admin = db.session.scalar(select(Admin).where(Admin.email == EMAIL))
        assert admin.check_password(PASSWORD)
        assert PASSWORD not in admin.password_hash
    assert ("create admin", EMAIL) in audit_actions(app)


def test_admin_create_refuses_two_different_passwords(app, runner):
    result = run(runner, "admin", "create", EMAIL, input=f"{PASSWORD}\n{PASSWORD}x\n")
    assert result.exit_code != 0
    assert "do not match" in result.output
    assert admin_emails(app) == []


def test_admin_create_reads_the_password_from_stdin_for_scripts(app, runner):
    result = run(runner, "admin", "create", EMAIL, "--password-stdin", input=f"{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Password" not in result.output
    with app.app_context():
        assert db.session.scalar(select(Admin).where(Admin.email == EMAIL)).check_password(PASSWORD)


@pytest.mark.parametrize("stdin", [True, False], ids=["stdin", "prompt"])
def test_admin_create_refuses_a_short_password(app, runner, stdin):
    short = "too short"
    if stdin:
        result = run(runner, "admin", "create", EMAIL, "--password-stdin", input=f"{short}\n")
    else:
        result = run(runner, "admin", "create", EMAIL, input=f"{short}\n{short}\n")
    assert result.exit_code == 1
    assert "at least 12 characters" in result.output
    assert admin_emails(app) == []


def test_admin_create_refuses_an_existing_email_in_any_case(app, runner):
    run(runner, "admin", "create", EMAIL, "--password-stdin", input=f"{PASSWORD}\n")
    result = run(
        runner, "admin", "create", EMAIL.upper(), "--password-stdin", input=f"{PASSWORD}2\n"
    )
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert admin_emails(app) == [EMAIL]


def test_admin_create_refuses_something_that_is_not_an_email(app, runner):
    result = run(runner, "admin", "create", "editor", "--password-stdin", input=f"{PASSWORD}\n")
    assert result.exit_code == 2
    assert admin_emails(app) == []


def test_admin_list_shows_every_account_and_delete_removes_one(app, runner):
    for email in ("b@example.com", "a@example.com"):
        run(runner, "admin", "create", email, "--password-stdin", input=f"{PASSWORD}\n")

    listed = run(runner, "admin", "list")
    assert listed.exit_code == 0
    assert [line.split("\t")[0] for line in listed.output.splitlines()] == [
        "a@example.com",
        "b@example.com",
    ]

    deleted = run(runner, "admin", "delete", "B@example.com")
    assert deleted.exit_code == 0
    assert "Deleted admin b@example.com." in deleted.output
    assert admin_emails(app) == ["a@example.com"]
    assert ("delete admin", "b@example.com") in audit_actions(app)

    missing = run(runner, "admin", "delete", "b@example.com")
    assert missing.exit_code == 1
    assert "There is no admin" in missing.output


# ---------------------------------------------------------------- bank check


def test_bank_check_passes_on_the_default_bank(runner):
    result = run(runner, "bank", "check")
    assert result.exit_code == 0
    assert "passes every check" in result.output


def test_bank_check_fails_with_every_reason_on_a_broken_draft(app, runner):
    break_the_draft(app)
    result = run(runner, "bank", "check")
    assert result.exit_code == 1
    assert "Role “Machine Learning Engineer” (ml-engineer), typical day" in result.stderr
    assert "has 1 option; a choice question needs from 2 to 6." in result.stderr
    assert "passes every check" not in result.output


# ---------------------------------------------------------------- bank export and import


def test_bank_export_writes_the_draft_to_a_file(app, runner, tmp_path):
    target = tmp_path / "bank.json"
    result = run(runner, "bank", "export", str(target))
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8") == draft_text(app) == DEFAULT_TEXT


@pytest.mark.parametrize("args", [["-"], []], ids=["dash", "default"])
def test_bank_export_writes_to_standard_output(app, runner, args):
    result = run(runner, "bank", "export", *args)
    assert result.exit_code == 0
    assert result.stdout == DEFAULT_TEXT


def test_bank_import_lands_in_the_draft_and_publishes_nothing(app, runner, tmp_path):
    document = copy.deepcopy(DOCUMENT)
    document["questions"][0]["prompt"] = "Imported: I like telling luck from real effects."
    with app.app_context():
        before = latest_version_id()

    result = run(runner, "bank", "import", str(write_json(tmp_path / "bank.json", document)))

    assert result.exit_code == 0, result.output
    assert "Imported 32 questions and 3 roles into the draft." in result.output
    with app.app_context():
        assert draft_bank().questions[0].prompt.startswith("Imported:")
        assert latest_version_id() == before
        assert not published_bank(before).questions[0].prompt.startswith("Imported:")
    assert version_numbers(app) == [1]
    assert audit_actions(app)[-1][0] == "import"


def test_bank_import_of_a_broken_file_names_each_place_and_changes_nothing(app, runner, tmp_path):
    document = copy.deepcopy(DOCUMENT)
    document["questions"][0]["key"] = "Q 1"
    document["roles"][1].pop("typical_day")
    before = draft_text(app)
    audit_before = audit_actions(app)

    result = run(runner, "bank", "import", str(write_json(tmp_path / "bank.json", document)))

    assert result.exit_code == 1
    assert "- questions[0].key: must be 1 to 40 lowercase letters" in result.stderr
    assert "- roles[1].typical_day: must be a non-empty text" in result.stderr
    assert "Nothing was imported." in result.stderr
    assert draft_text(app) == before
    assert audit_actions(app) == audit_before


def test_bank_import_of_a_file_that_is_not_json_says_where(app, runner, tmp_path):
    broken = tmp_path / "bank.json"
    broken.write_text('{"format": 1,\n  "dimensions": [,]}', encoding="utf-8")
    before = draft_text(app)
    result = run(runner, "bank", "import", str(broken))
    assert result.exit_code == 1
    assert "- line 2, column 18: Expecting value" in result.stderr
    assert draft_text(app) == before


def test_export_import_export_is_byte_identical(app, runner, tmp_path):
    # start from an untidy file: spaces around texts, zero weights, keys in another order
    untidy = copy.deepcopy(DOCUMENT)
    untidy["roles"][0]["summary"] = f"  {untidy['roles'][0]['summary']}  "
    untidy["questions"][0]["weights"] = {"exploration": 0, **untidy["questions"][0]["weights"]}
    untidy["questions"] = [dict(reversed(q.items())) for q in untidy["questions"]]
    assert (
        run(runner, "bank", "import", str(write_json(tmp_path / "untidy.json", untidy))).exit_code
        == 0
    )

    first, second = tmp_path / "first.json", tmp_path / "second.json"
    assert run(runner, "bank", "export", str(first)).exit_code == 0
    assert run(runner, "bank", "import", str(first)).exit_code == 0
    assert run(runner, "bank", "export", str(second)).exit_code == 0

    assert first.read_bytes() == second.read_bytes()
    assert parse_bank(json.loads(first.read_text(encoding="utf-8"))) == parse_bank(untidy)


# ---------------------------------------------------------------- bank publish


def test_bank_publish_creates_the_next_version(app, runner, tmp_path):
    document = copy.deepcopy(DOCUMENT)
    document["questions"][0]["prompt"] = "Published from the command line."
    run(runner, "bank", "import", str(write_json(tmp_path / "bank.json", document)))

    result = run(runner, "bank", "publish")

    assert result.exit_code == 0, result.output
    assert "Published quiz version 2." in result.output
    assert version_numbers(app) == [1, 2]
    with app.app_context():
        assert published_bank(latest_version_id()).questions[0].prompt == (
            "Published from the command line."
        )
    assert ("publish", "quiz version 2") in audit_actions(app)


def test_bank_publish_refuses_a_draft_that_fails_the_checks(app, runner):
    break_the_draft(app)
    result = run(runner, "bank", "publish")
    assert result.exit_code == 1
    assert "typical day: must be a non-empty text" in result.stderr
    assert "Not published." in result.stderr
    assert version_numbers(app) == [1]
