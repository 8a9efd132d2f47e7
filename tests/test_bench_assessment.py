"""bench/assessment.py, run as a script on small bank files whose figures are known by hand, and
on the live version of a real database."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask
from small_banks import alpha_agreement_document, choice_only_document, write_bank

from quiz.core.bank import parse_bank
from quiz.db import db
from quiz.store.drafts import replace_draft
from quiz.store.publishing import publish_draft

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "bench" / "assessment.py"


def assessment(*arguments: str) -> str:
    finished = subprocess.run(
        [sys.executable, str(SCRIPT), *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert finished.returncode == 0, finished.stderr
    return finished.stdout


def section(output: str, title: str) -> str:
    """Return the lines under the heading ``== title ...`` up to the next heading."""
    after = output.split(f"== {title}", 1)[1]
    return after.split("\n== ", 1)[0]


def test_it_prints_every_part_for_a_bank_file(tmp_path: Path) -> None:
    bank = write_bank(alpha_agreement_document(), tmp_path / "bank.json")
    output = assessment("--bank", str(bank), "--respondents", "300", "--style-respondents", "300")

    assert f"Bank: {bank}" in output
    assert "11 questions (4 agreement, 7 choice), 3 roles" in output

    styles = section(output, "Answer styles")
    assert "300 simulated people per style; * over 45.0%" in styles
    strongly_agree = next(
        line for line in styles.splitlines() if line.startswith("all-strongly-agree ")
    )
    alpha = strongly_agree.split()[1]
    assert alpha.endswith("%*") and float(alpha[:-2]) > 45

    say = section(output, "Equal say")
    # Alpha's span is 29 (see tests/support/small_banks.py): a statement has 4 of it
    statement = next(line for line in say.splitlines() if "likes-analysis-1" in line)
    assert statement.split()[-3:] == [f"{4 / 29:.1%}", "0.0%", "0.0%"]
    assert (
        "Alpha: span 29, median range 3, largest 4, largest / median 1.33, 0 over the limit" in say
    )

    keying = section(output, "Keying balance")
    assert (
        "Alpha: 100.0% agree-keyed (4 statements, 4 raw points a step), "
        "0.0% disagree-keyed (0 statements, 0) *"
    ) in keying
    assert "Beta: —  (no agreement statement moves it)" in keying

    balance = section(output, "Random balance")
    assert "300 simulated people" in balance
    shares = [float(line.split(": ")[1].split("%")[0]) for line in balance.splitlines()[2:5]]
    assert sum(shares) == pytest.approx(100, abs=0.2)

    warnings = section(output, "Warnings")
    assert (
        "- People who answer “Strongly agree” to every statement put Alpha on top "
        f"{float(alpha[:-2]):.1f}% of the time" in warnings
    )
    assert "- 100.0% of what the agreement statements can move Alpha is agree-keyed" in warnings
    assert output.rstrip().splitlines()[-1].startswith("Worked out in ")


def test_it_says_when_a_bank_has_no_agreement_statements(tmp_path: Path) -> None:
    bank = write_bank(choice_only_document(), tmp_path / "choices.json")
    output = assessment("--bank", str(bank), "--respondents", "100", "--style-respondents", "100")
    assert "no agreement statements: no answer styles to try" in section(output, "Answer styles")
    assert "no agreement statements: no keying to balance" in section(output, "Keying balance")
    assert "This version has no agreement statements" in section(output, "Notes")


def test_it_refuses_no_respondents(tmp_path: Path) -> None:
    bank = write_bank(choice_only_document(), tmp_path / "choices.json")
    finished = subprocess.run(
        [sys.executable, str(SCRIPT), "--bank", str(bank), "--style-respondents", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode == 2
    assert "at least 1" in finished.stderr


def test_live_reads_the_newest_published_version(app: Flask, database_url: str) -> None:
    with app.app_context():
        replace_draft(parse_bank(alpha_agreement_document()))
        version_id = publish_draft(actor="test").id
        db.session.commit()
    output = assessment(
        "--live",
        "--database-url",
        database_url,
        "--respondents",
        "100",
        "--style-respondents",
        "100",
    )
    assert f"Bank: the live version (id {version_id})" in output
    assert "11 questions (4 agreement, 7 choice), 3 roles" in output
    assert "- 100.0% of what the agreement statements can move Alpha is agree-keyed" in output
