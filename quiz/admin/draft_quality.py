"""The quality report's warnings for the draft, as the publish confirmation lists them.

They come from the weights alone (separation, equal say, balance under random answers,
answer styles, keying), since a draft has no takers yet; each names the question or role
it is about, so the page can link to where that is edited. They warn; they never block
publishing, which the publish checks (:mod:`quiz.core.publish_rules`) alone decide.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from sqlalchemy import select

from quiz.core.bank import BankError, parse_bank
from quiz.core.messages import N_, Message
from quiz.core.quality import quality_report
from quiz.db import db
from quiz.models import Question
from quiz.store.drafts import draft_bank
from quiz.store.publishing import draft_item_ids
from quiz.web.banks import shown_in_language

# the same words as the quality page's (quiz.admin.analytics.question_labels), so one
# translation serves both; the question's key rides along, unworded, for the link
QUESTION_LABEL = N_("Question %(number)s (“%(prompt)s”)")
PROMPT_SHOWN = 60


@dataclass(frozen=True)
class DraftWarning:
    """One warning of the draft's quality report, and the page that edits what it names."""

    message: Message
    link: str | None


def draft_quality_warnings() -> list[DraftWarning]:
    """Return the quality report's warnings for the draft, in the admin's language.

    A draft a taker could not answer (the publish checks say why) has none: the report
    needs a bank that scores. Questions are numbered as in the question table, inactive
    ones counted, so a number reads the same on both pages.
    """
    try:
        bank = shown_in_language(parse_bank(draft_bank().to_document()))
    except BankError:
        return []
    if not bank.roles or not bank.questions:
        return []
    numbers = {
        key: number
        for number, key in enumerate(
            db.session.scalars(select(Question.key).order_by(Question.position, Question.id)),
            start=1,
        )
    }
    labels = {q.key: _label(q.key, numbers.get(q.key, 0), q.prompt) for q in bank.questions}
    report = quality_report(
        bank.effect_table,
        [],
        question_labels=labels,
        role_names={role.key: role.name for role in bank.roles},
        agreement=bank.agreement_levels,
    )
    if not report.warnings:
        return []
    ids = draft_item_ids()
    role_by_name = {role.name: role.key for role in reversed(bank.roles)}
    return [DraftWarning(w, _link(w, ids, role_by_name)) for w in report.warnings]


def _label(key: str, number: int, prompt: str) -> Message:
    if len(prompt) > PROMPT_SHOWN:
        prompt = prompt[: PROMPT_SHOWN - 1].rstrip() + "…"
    return Message(QUESTION_LABEL, {"number": number, "prompt": prompt, "key": key})


def _link(
    warning: Message, ids: dict[str, dict[str, int]], role_by_name: dict[str, str]
) -> str | None:
    """Return the edit page of the question a warning names, else of its role, else None."""
    for value in warning.values.values():
        if isinstance(value, Message) and value.text == QUESTION_LABEL:
            found = ids["question"].get(str(value.values.get("key")))
            if found is not None:
                return url_for("admin.edit_question", question_id=found)
    role = warning.values.get("role")
    if isinstance(role, str) and role in role_by_name:
        found = ids["role"].get(role_by_name[role])
        if found is not None:
            return url_for("admin.edit_role", role_id=found)
    return None
