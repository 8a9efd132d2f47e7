"""People we wrote from the role descriptions, answering the default bank as they would.

Each persona was written from what the three roles do and want (the facts behind the role
texts) and answers every question by reading its wording as that person, before the bank's
weights were set. Each must find their own role on top. They are a floor, not a target: the
bank's weights were never adjusted to them; the quality report's statistics (balance, answer
styles, equal say per question, keying balance) are what the bank is checked against.

Answers are listed in the bank's question order: a digit is an agreement level (1 "Strongly
disagree" .. 5 "Strongly agree"), a letter is a choice option.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from quiz.core.bank import load_bank_file
from quiz.core.scoring import rank_roles


@dataclass(frozen=True)
class Persona:
    name: str
    who: str
    role: str
    answers: str  # one answer per question, separated by spaces


PERSONAS = (
    Persona(
        "Maya",
        "A product analyst who runs A/B tests, digs through data with SQL and pandas and loves the "
        "meeting where a chart changes the plan; mildly curious about language models, not at all "
        "about servers.",
        "data-scientist",
        "5 a 5 a 1 a 2 a 1 b 4 a 2 a 3 a 2 b 1 c 3 a 5 a a a a b a a a a",
    ),
    Persona(
        "Jonas",
        "A backend engineer who now runs a recommendation service: uptime, latency, pipelines and "
        "retraining are his day; he trains models in PyTorch and would rather not present.",
        "ml-engineer",
        "2 b 1 b 3 b 5 b 5 a 1 b 5 b 1 b 3 a 2 d 3 c 2 b b b b a b b b b",
    ),
    Persona(
        "Priya",
        "A full-stack developer who builds assistants on language-model APIs: retrieval over "
        "documents, defences against prompt injection, features users touch; statistics and "
        "reports are not for her.",
        "ai-engineer",
        "2 c 2 c 4 c 3 c 2 c 3 c 1 c 5 c 5 a 5 a 1 b 1 c c c c c c c c c",
    ),
    Persona(
        "Tomás",
        "A research-minded analyst who loves causal questions, surveys and fair comparisons, "
        "builds models to understand what drives an outcome, and is shy about presenting even "
        "though he wants the evidence to change decisions.",
        "data-scientist",
        "4 d 4 a 1 a 3 d 2 d 3 a 3 a 2 a 2 a 2 c 3 a 5 a a a a b a a a a",
    ),
    Persona(
        "Lena",
        "A deep-learning practitioner who trains models on many GPUs, tunes them, then deploys and "
        "monitors them herself; indifferent to how an app looks.",
        "ml-engineer",
        "3 d 2 d 3 b 4 b 4 a 1 b 4 b 2 b 3 c 2 b 3 d 2 b b b d a a d d b",
    ),
    Persona(
        "Sam",
        "A product-minded builder of AI features that see and speak: agents that call tools, "
        "fine-tuned models where prompting is not enough, evaluations and guardrails, and users "
        "trying it tomorrow.",
        "ai-engineer",
        "3 c 3 c 3 d 3 c 2 c 3 d 1 c 4 c 5 d 4 b 2 b 2 c c d c c c c c c",
    ),
    Persona(
        "Kai",
        "An ML platform engineer: schedulers, feature stores, model registries and releases; he "
        "keeps other people's models healthy in production rather than inventing them.",
        "ml-engineer",
        "2 b 2 b 3 b 5 b 4 a 2 b 5 b 1 b 3 c 2 d 3 c 3 b b b b a b b b d",
    ),
    Persona(
        "Rosa",
        "An engineer who fine-tunes open models and builds agents around them, measures their "
        "answers and hands the result to users; she is fine with a bit of statistics.",
        "ai-engineer",
        "3 c 3 c 2 d 3 c 2 c 3 c 2 c 4 c 5 b 4 b 2 b 2 c c c c c c c c c",
    ),
    Persona(
        "Ana",
        "An analytics data scientist who builds forecasting models and compares them by their "
        "metrics, lives in SQL, and hands managers a recommendation at the end.",
        "data-scientist",
        "4 d 4 d 2 a 3 d 2 b 3 a 2 a 3 a 2 b 2 c 3 a 4 a a a a b a a d a",
    ),
)


def _option_keys(bank, persona: Persona) -> dict[str, str]:
    """Map the persona's answers, in question order, onto the bank's question and option keys."""
    questions = bank.questions
    given = persona.answers.split()
    assert len(given) == len(questions), persona.name
    answers = {}
    for question, answer in zip(questions, given, strict=True):
        keys = [option.key for option in question.options]
        if question.kind == "likert":
            assert answer.isdigit(), (persona.name, question.key)
            answers[question.key] = keys[int(answer) - 1]
        else:
            assert answer.isalpha(), (persona.name, question.key)
            answers[question.key] = keys["abcdef".index(answer)]
    return answers


def test_there_are_at_least_two_personas_per_role() -> None:
    bank = load_bank_file()
    roles = {persona.role for persona in PERSONAS}
    assert roles == {role.key for role in bank.roles}
    assert all(sum(p.role == role for p in PERSONAS) >= 2 for role in roles)


@pytest.mark.parametrize("persona", PERSONAS, ids=lambda p: p.name)
def test_persona_gets_their_own_role_on_top(persona: Persona) -> None:
    bank = load_bank_file()
    outcome = rank_roles(bank.effect_table, _option_keys(bank, persona))
    assert outcome.ranking[0].role == persona.role, [
        (fit.role, float(fit.fit)) for fit in outcome.ranking
    ]
