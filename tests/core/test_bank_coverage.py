"""docs/bank-coverage.md maps each skill, task and goal of the roles to the bank's questions.

The map is only worth reading if it is true, so these tests hold it to the bank: every question
and option it names exists and moves the role of its section, every row names at least one, and
every question of the bank appears in it.
"""

from __future__ import annotations

import re
from pathlib import Path

from quiz.core.bank import load_bank_file

COVERAGE = Path(__file__).resolve().parents[2] / "docs" / "bank-coverage.md"
SECTIONS = {
    "Data Scientist": "data-scientist",
    "Machine Learning Engineer": "ml-engineer",
    "AI Engineer": "ai-engineer",
}
REFERENCE = re.compile(r"\b(q\d\d)(?: ([a-f])\b)?")


def _rows() -> list[tuple[str, str, list[tuple[str, str | None]]]]:
    """Return (role key, what the row covers, [(question, option or None)]) for each table row."""
    rows = []
    role = None
    for line in COVERAGE.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            role = SECTIONS.get(line[3:].strip())
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if role is None or len(cells) != 3 or cells[2] in ("questions", "---"):
            continue
        references = [(q, o or None) for q, o in REFERENCE.findall(cells[2])]
        rows.append((role, cells[1], references))
    return rows


def test_the_map_has_a_section_of_rows_for_every_role() -> None:
    rows = _rows()
    assert {role for role, _, _ in rows} == {role.key for role in load_bank_file().roles}
    assert len(rows) >= 45


def test_every_row_names_questions_that_move_its_role() -> None:
    table = load_bank_file().effect_table
    index = {role.key: i for i, role in enumerate(table.roles)}
    for role, covers, references in _rows():
        assert references, f"{covers!r} names no question"
        i = index[role]
        for question, option in references:
            assert question in table.effects, f"{covers!r}: no question {question}"
            low, high = table.bounds[question][i]
            assert high > low, f"{covers!r}: {question} does not move {role}"
            if option is not None:
                effects = table.effects[question]
                assert option in effects, f"{covers!r}: {question} has no option {option}"
                assert effects[option][i] != 0, (
                    f"{covers!r}: {question} {option} does not move {role}"
                )


def test_every_question_of_the_bank_is_on_the_map() -> None:
    named = {question for _, _, references in _rows() for question, _ in references}
    assert named == {question.key for question in load_bank_file().questions}
