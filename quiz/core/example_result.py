"""An example result for the landing page: a believable answer sheet, scored for real.

Plain data in, plain data out. The sheet answers every question of a bank as a person
might who leans toward the bank's first role and has a second interest in its second:
two questions in three are answered in favour of the first role, every third in favour
of the second, each with the option that most favours that role
(:func:`quiz.core.scoring.answers_favouring`). Nobody answers every statement at the
end of the scale, so an agreement answer at "Strongly agree" or "Strongly disagree" is
taken one level toward the middle. The sheet is then scored by the real scorer, so the
example shows exactly what the quiz would show such a person, and changes with the bank.
"""

from __future__ import annotations

from datetime import UTC, datetime

from quiz.core.bank import Bank
from quiz.core.result_page import PUSHES_SHOWN, StoredResult
from quiz.core.scoring import answers_favouring, rank_roles

# Every third question goes to the second interest.
SECOND_INTEREST_EVERY = 3
# The example's date: fixed, so the example never changes unless the bank does.
EXAMPLE_DATE = datetime(2026, 1, 1, tzinfo=UTC)


def example_answers(bank: Bank) -> dict[str, str]:
    """Return the example answer sheet for ``bank`` (see the module's rules), in bank order."""
    if not bank.roles:
        return {}
    leaning = [role.key for role in bank.roles[:2]]
    favouring = [answers_favouring(bank.effect_table, key) for key in leaning]
    answers = {}
    for number, question in enumerate(bank.questions, start=1):
        if question.key not in bank.effect_table.effects:
            continue  # a question without options cannot be answered
        second = len(favouring) > 1 and number % SECOND_INTEREST_EVERY == 0
        option = favouring[1 if second else 0][question.key]
        levels = bank.agreement_levels.get(question.key)
        if levels:
            level = levels.index(option)
            # one step toward the middle from either end of the scale
            if level == 0:
                option = levels[1]
            elif level == len(levels) - 1:
                option = levels[-2]
        answers[question.key] = option
    return answers


def example_result(bank: Bank) -> StoredResult:
    """Score the example answer sheet for ``bank`` and keep it as a full-quiz result."""
    answers = example_answers(bank)
    outcome = rank_roles(bank.effect_table, answers)
    return StoredResult(
        outcome=outcome.as_dict(PUSHES_SHOWN),
        answers=answers,
        created_at=EXAMPLE_DATE,
        mode="full",
    )
