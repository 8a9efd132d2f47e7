"""Store scored results and shape them for the result page, its JSON and its share card."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from flask import current_app
from sqlalchemy import select

from quiz.core.bank import Bank, BankDimension, BankRole
from quiz.core.careless import AskedQuestion, careless_reasons
from quiz.core.changes import Changes, fewest_changes
from quiz.core.scoring import CLOSE_CALL_POINTS, rank_roles
from quiz.db import db
from quiz.models import QuizVersion, Result
from quiz.web.i18n import lazy_gettext as _l

# 32 random bytes: 256 bits, far beyond guessing, and 43 URL-safe characters.
SHARE_TOKEN_BYTES = 32
SHARE_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")
PUSHES_SHOWN = 4
# More changes than this is no longer a small step: the page says the result is a clear one.
MOST_CHANGES_SHOWN = 6
# how much a role draws on a skill or goal, in words; translated when a page is built
EMPHASIS_WORDS = {0: _l("Not needed"), 1: _l("Some"), 2: _l("Important"), 3: _l("Central")}


def new_share_token() -> str:
    return secrets.token_urlsafe(SHARE_TOKEN_BYTES)


def create_result(
    bank: Bank,
    version_id: int,
    answers: Mapping[str, str],
    seconds_taken: int | None = None,
    mode: str = "full",
) -> tuple[Result, str]:
    """Score ``answers`` with ``bank`` and store the result (the caller commits).

    Only the pushes the result page shows are stored with the outcome, not every
    answer's push on every role. Answers that look careless (see
    :func:`quiz.core.careless.careless_reasons`) are flagged.

    Returns the result and its private delete key. Only the key's hash is stored, so
    the key must reach the taker now or never.
    Raises :class:`quiz.core.scoring.InvalidAnswer` for an answer the bank does not have.
    """
    outcome = rank_roles(bank.effect_table, answers)
    delete_key = secrets.token_urlsafe(SHARE_TOKEN_BYTES)
    reasons = careless_reasons(
        asked_questions(bank),
        answers,
        seconds_taken,
        current_app.config["CARELESS_SECONDS_PER_QUESTION"],
    )
    result = Result(
        share_token=new_share_token(),
        quiz_version_id=version_id,
        answers=dict(answers),
        outcome=outcome.as_dict(pushes_per_side=PUSHES_SHOWN),
        top_role=outcome.ranking[0].role,
        delete_key_hash=_key_hash(delete_key),
        seconds_taken=seconds_taken,
        careless=",".join(reasons) or None,
        mode=mode,
    )
    db.session.add(result)
    return result, delete_key


def asked_questions(bank: Bank) -> list[AskedQuestion]:
    """Describe ``bank``'s questions as the careless-answer check needs them."""
    return [
        AskedQuestion(q.key, tuple(o.key for o in q.options), agreement=q.kind == "likert")
        for q in bank.questions
    ]


def _key_hash(key: str) -> str:
    # the key is 256 random bits, so a fast hash is enough: nothing to brute-force
    return hashlib.sha256(key.encode()).hexdigest()


def delete_key_matches(result: Result, key: str) -> bool:
    """Tell whether ``key`` is this result's delete key (in constant time)."""
    stored = result.delete_key_hash
    return stored is not None and hmac.compare_digest(stored, _key_hash(key))


def erase_result(result: Result) -> None:
    """Delete the taker's answers and outcome; the share link then answers 410 (caller commits)."""
    result.answers = {}
    result.outcome = {}
    result.delete_key_hash = None
    result.deleted_at = datetime.now(UTC)


def find_result(token: str) -> Result | None:
    """Return the result with this share token, or None."""
    if not SHARE_TOKEN_SHAPE.fullmatch(token):
        return None  # not a token we could have issued: no need to ask the database
    return db.session.scalar(select(Result).where(Result.share_token == token))


def quiz_version_number(version_id: int) -> int:
    return db.session.get_one(QuizVersion, version_id).number


@dataclass(frozen=True)
class ShownPush:
    prompt: str
    answer: str
    points: float


@dataclass(frozen=True)
class ShownFit:
    role: BankRole
    rank: int
    fit: int
    toward: list[ShownPush]
    away: list[ShownPush]


@dataclass(frozen=True)
class ProfileRow:
    dimension: BankDimension
    you: int | None
    # role key -> (emphasis 0..3, the word for it)
    emphasis: dict[str, tuple[int, str]]


@dataclass(frozen=True)
class ShownChange:
    number: int  # the question's number in the quiz
    prompt: str
    given: str
    instead: str


@dataclass(frozen=True)
class WhatWouldChange:
    """The fewest answers the taker would have to give differently for the runner-up to win."""

    role: BankRole
    changes: list[ShownChange]  # empty when no small change does it
    fits_after: list[tuple[BankRole, int]]  # best first


@dataclass(frozen=True)
class ResultPage:
    """Everything the result page shows, read from the stored outcome and its own version."""

    fits: list[ShownFit]
    profile: list[ProfileRow]
    close_call: bool
    close_call_points: int
    created_at: datetime
    # why the answers looked careless ("same-answer", "too-fast"); empty when they did not
    careless: tuple[str, ...] = ()
    seconds_taken: int | None = None
    # "full" or "quick" (see quiz/adaptive.py), and how many of the questions were answered
    mode: str = "full"
    answered: int = 0
    question_count: int = 0
    # what the search for "what would change" needs; only the result page itself asks for
    # it, so the share card and the comparison never pay for the search
    _bank: Bank | None = field(default=None, repr=False, compare=False)
    _answers: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)
    _version_id: int | None = field(default=None, repr=False, compare=False)

    @cached_property
    def what_would_change(self) -> WhatWouldChange | None:
        if self._bank is None:
            return None
        return what_would_change(
            self._bank,
            self._answers,
            self.fits,
            self._version_id,
            asked_in_order=self.mode == "quick",
        )

    @property
    def top(self) -> ShownFit:
        return self.fits[0]

    @property
    def runner_up(self) -> ShownFit | None:
        return self.fits[1] if len(self.fits) > 1 else None


def result_page(bank: Bank, result: Result) -> ResultPage:
    """Build the result page from the outcome as it was stored, never by scoring again."""
    outcome = result.outcome

    def shown(pushes: list[list[Any]]) -> list[ShownPush]:
        return [
            ShownPush(bank.question_by_key[q].prompt, bank.option_label(q, o), points)
            for q, o, points in pushes[:PUSHES_SHOWN]
        ]

    fits = [
        ShownFit(
            role=bank.role_by_key[entry["role"]],
            rank=entry["rank"],
            fit=entry["fit"],
            toward=shown(entry["toward"]),
            away=shown(entry["away"]),
        )
        for entry in outcome["ranking"]
    ]
    profile = [
        ProfileRow(
            dimension=d,
            you=outcome["profile"].get(d.key),
            emphasis={
                r.key: (r.profile.get(d.key, 0), EMPHASIS_WORDS[r.profile.get(d.key, 0)])
                for r in bank.roles
            },
        )
        for d in bank.dimensions
    ]
    return ResultPage(
        fits=fits,
        profile=profile,
        close_call=outcome["close_call"],
        close_call_points=CLOSE_CALL_POINTS,
        created_at=as_utc(result.created_at),
        careless=tuple(result.careless.split(",")) if result.careless else (),
        seconds_taken=result.seconds_taken,
        # a result scored in the preview has no mode yet: it is a full quiz
        mode=result.mode or "full",
        answered=len(result.answers or {}),
        question_count=len(bank.questions),
        _bank=bank,
        _answers=result.answers,
        _version_id=result.quiz_version_id,
    )


def what_would_change(
    bank: Bank,
    answers: Mapping[str, str],
    fits: list[ShownFit],
    version_id: int | None,
    asked_in_order: bool = False,
) -> WhatWouldChange | None:
    """Say which answers, fewest first, would have put the runner-up on top (None: one role).

    Questions are numbered as the taker saw them: in the bank's order, or, for quick mode
    (``asked_in_order``), in the order ``answers`` were given, which is how they are stored.
    """
    if len(fits) < 2:
        return None
    runner_up = fits[1].role
    found = _fewest_changes(bank, answers, runner_up.key, version_id)
    if found is None:
        return WhatWouldChange(runner_up, [], [])
    order = list(answers) if asked_in_order else [q.key for q in bank.questions]
    numbers = {key: n for n, key in enumerate(order, start=1)}
    return WhatWouldChange(
        role=runner_up,
        changes=[
            ShownChange(
                number=numbers[c.question],
                prompt=bank.question_by_key[c.question].prompt,
                given=bank.option_label(c.question, c.from_option),
                instead=bank.option_label(c.question, c.to_option),
            )
            for c in found.changes
        ],
        fits_after=[(bank.role_by_key[role], fit) for role, fit in found.fits_after.items()],
    )


CHANGES_KEPT = 4096


def _fewest_changes(
    bank: Bank, answers: Mapping[str, str], role: str, version_id: int | None
) -> Changes | None:
    """Search for the changes, remembering them per published version.

    A result page is read far more often than it is made, and the search costs a
    millisecond or more; a published version never changes, so the same answers
    always give the same changes. A draft (the preview, with no version) is searched
    every time.
    """
    if version_id is None:
        return fewest_changes(bank.effect_table, answers, role, limit=MOST_CHANGES_SHOWN)
    kept: OrderedDict[tuple[object, ...], Changes | None] = current_app.extensions.setdefault(
        "fewest_changes", OrderedDict()
    )
    key = (version_id, role, tuple(sorted(answers.items())))
    if key in kept:
        kept.move_to_end(key)
        return kept[key]
    found = kept[key] = fewest_changes(bank.effect_table, answers, role, limit=MOST_CHANGES_SHOWN)
    if len(kept) > CHANGES_KEPT:
        kept.popitem(last=False)
    return found


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def result_json(bank: Bank, result: Result, version_number: int) -> dict[str, Any]:
    """Return the public JSON form of a result, best role first."""
    return {
        "token": result.share_token,
        "quiz_version": version_number,
        "created_at": as_utc(result.created_at).isoformat(),
        "mode": result.mode,
        "ranking": [
            {
                "slug": entry["role"],
                "name": bank.role_by_key[entry["role"]].name,
                "fit": entry["fit"],
                "rank": entry["rank"],
            }
            for entry in result.outcome["ranking"]
        ],
    }
