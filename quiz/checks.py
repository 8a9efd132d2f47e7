"""Checks a bank must pass before it is published, in words an admin can act on."""

from __future__ import annotations

from typing import Any

from quiz.bank import Bank, BankError, parse_bank
from quiz.scoring import EffectTable, answers_favouring, rank_roles


def publish_problems(document: Any) -> list[str]:
    """Return every reason ``document`` may not be published; empty when it may.

    Covers everything :func:`quiz.bank.parse_bank` refuses (missing role texts,
    weights out of range, a choice question with fewer than two options) plus:
    a dimension no question or no role uses, and a role no answers can put on top.
    """
    try:
        bank = parse_bank(document)
    except BankError as error:
        return error.problems
    return unused_dimensions(bank) + unreachable_roles(bank)


def unused_dimensions(bank: Bank) -> list[str]:
    asked = {d for q in bank.questions for o in q.options for d, w in o.weights.items() if w}
    profiled = {d for r in bank.roles for d, e in r.profile.items() if e}
    problems = []
    for d in bank.dimensions:
        if d.key not in asked:
            problems.append(f"Dimension “{d.name}” ({d.key}) is not weighed by any question.")
        if d.key not in profiled:
            problems.append(f"Dimension “{d.name}” ({d.key}) is not part of any role's profile.")
    return problems


def unreachable_roles(bank: Bank) -> list[str]:
    """Name each role that does not come out on top even when every answer favours it."""
    table = bank.effect_table
    return [
        f"Role “{role.name}” ({role.key}) never comes out on top: even answering every "
        "question in its favour ranks another role first."
        for role in bank.roles
        if reaching_answers(table, role.key) is None
    ]


def reaching_answers(table: EffectTable, role: str) -> dict[str, str] | None:
    """Return answers that rank ``role`` first, or None if the favouring answers do not."""
    answers = answers_favouring(table, role)
    if rank_roles(table, answers).ranking[0].role == role:
        return answers
    return None
