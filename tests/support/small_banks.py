"""Small, valid bank documents whose answer-style, keying and say figures are known by hand.

Three roles, Alpha, Beta and Gamma, each emphasising one skill of its own (analysis, building,
shipping). Seven choice questions each offer one option per role, weighing 1 to 3 on its skill;
the weights vary from question to question, so that two roles seldom tie for first (a tie goes
to the role listed first, which would tilt every balance towards Alpha), and no role comes first
under random answers much more than a third of the time. The agreement statements are what each
test is about.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SKILLS = ("analysis", "building", "shipping")
ROLES = ("alpha", "beta", "gamma")
SKILL_OF = dict(zip(ROLES, SKILLS, strict=True))
# per choice question, the weight of the option for Alpha, Beta and Gamma
CHOICE_WEIGHTS = ((3, 2, 1), (1, 3, 2), (2, 1, 3), (3, 3, 1), (1, 2, 2), (2, 1, 3), (1, 1, 2))


def role_document(key: str, position: int) -> dict[str, Any]:
    name = key.capitalize()
    return {
        "key": key,
        "name": name,
        "summary": f"{name} work.",
        "focus": f"What {name} does.",
        "skills": [f"{name} skill"],
        "tasks": [f"{name} task"],
        "goals": [f"{name} goal"],
        "typical_day": f"A day of {name}.",
        "learn_first": [f"{name} basics"],
        "first_project": f"A first {name} project.",
        "profile": {SKILL_OF[key]: 1},
    }


def choice_document(number: int, weights: tuple[int, ...]) -> dict[str, Any]:
    return {
        "key": f"choice-{number}",
        "kind": "choice",
        "prompt": f"Which task would you pick first ({number})?",
        "options": [
            {"key": role, "label": f"The {role} task", "weights": {SKILL_OF[role]: weight}}
            for role, weight in zip(ROLES, weights, strict=True)
        ],
    }


def statement_document(key: str, weights: dict[str, int]) -> dict[str, Any]:
    return {
        "key": key,
        "kind": "likert",
        "prompt": f"I enjoy the work of statement {key}.",
        "weights": weights,
    }


def bank_document(statements: list[dict[str, Any]]) -> dict[str, Any]:
    """Return a bank of the three roles, the seven choice questions and ``statements``."""
    return {
        "format": 1,
        "dimensions": [
            {"key": skill, "name": skill.capitalize(), "kind": "skill"} for skill in SKILLS
        ],
        "roles": [role_document(role, i) for i, role in enumerate(ROLES)],
        "questions": [
            choice_document(n, weights) for n, weights in enumerate(CHOICE_WEIGHTS, start=1)
        ]
        + statements,
    }


def alpha_agreement_document() -> dict[str, Any]:
    """Four statements, every one agree-keyed for Alpha and moving no other role.

    "Strongly agree" to all of them gives Alpha the top of its agreement range, which the
    choice questions cannot make up for: Alpha comes first far more than a third of the
    time. Alpha's keying is 100% agree-keyed; Beta and Gamma have none.
    """
    return bank_document(
        [statement_document(f"likes-analysis-{n}", {"analysis": 1}) for n in range(1, 5)]
    )


def balanced_agreement_document() -> dict[str, Any]:
    """Per role, one statement for it and one against it, of equal weight: 50% agree-keyed."""
    statements = []
    for role in ROLES:
        skill = SKILL_OF[role]
        statements.append(statement_document(f"likes-{skill}", {skill: 1}))
        statements.append(statement_document(f"avoids-{skill}", {skill: -1}))
    return bank_document(statements)


def choice_only_document() -> dict[str, Any]:
    """The choice questions and no agreement statement at all."""
    return bank_document([])


def write_bank(document: dict[str, Any], path: Path) -> Path:
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path
