"""Store scored results: share tokens, delete keys, creating, finding and erasing them.

What a result page shows is worked out in :mod:`quiz.core.result_page` from the plain data
:func:`stored_result` reads off a row.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from sqlalchemy import select

from quiz.core.bank import Bank
from quiz.core.careless import AskedQuestion, careless_reasons
from quiz.core.changes import Changes
from quiz.core.norms import add_percentiles
from quiz.core.result_page import PUSHES_SHOWN, ChangesSearch, StoredResult, changes_search
from quiz.core.scoring import rank_roles
from quiz.db import db
from quiz.models import QuizVersion, Result
from quiz.store.caches import AppCache, app_cache
from quiz.store.once import insert_once
from quiz.store.self_reports import clear_work_now
from quiz.store.statistics import recounted, version_norms
from quiz.store.webhooks import result_created, result_deleted

# 32 random bytes: 256 bits, far beyond guessing, and 43 URL-safe characters.
SHARE_TOKEN_BYTES = 32
SHARE_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")
# searches for "what would change" kept per app (see remembered_changes_search)
CHANGES_KEPT = 4096
# 16 random bytes name one quiz run (see new_finish_id): 22 URL-safe characters
FINISH_ID_BYTES = 16
FINISH_KEY_SALT = b"career-fit.result.finish-delete-key"
FINISH_ID_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,32}")


def new_share_token() -> str:
    return secrets.token_urlsafe(SHARE_TOKEN_BYTES)


def new_finish_id() -> str:
    """Return a fresh one-time id for a quiz run, kept in its progress until it finishes."""
    return secrets.token_urlsafe(FINISH_ID_BYTES)


def carried_finish_id(value: object) -> str | None:
    """Return ``value`` if it has the shape of a finish id we issue, else None."""
    return value if isinstance(value, str) and FINISH_ID_SHAPE.fullmatch(value) else None


def create_result(
    bank: Bank,
    version_id: int,
    answers: Mapping[str, str],
    seconds_taken: int | None = None,
    mode: str = "full",
    finish_id: str | None = None,
) -> tuple[Result, str]:
    """Score ``answers`` with ``bank`` and store the result (the caller commits).

    Only the pushes the result page shows are stored with the outcome, not every
    answer's push on every role. Answers that look careless (see
    :func:`quiz.core.careless.careless_reasons`) are flagged.

    A ``result.created`` webhook event goes into the outbox with it (quiz.store.webhooks).

    Returns the result and its private delete key. Only the key's hash is stored, so
    the key must reach the taker now or never.
    Raises :class:`quiz.core.scoring.InvalidAnswer` for an answer the bank does not have.

    Finishing once. ``finish_id`` is the quiz run's one-time id (:func:`new_finish_id`),
    carried in the taker's progress; the same run's finish sent again (a double click, a
    resent form, two at once) returns the result stored first, untouched, with no second
    webhook event. The unique ``result.finish_id`` decides, not a look beforehand, so two
    finishes racing store one row: the insert does nothing on a clash
    (:func:`quiz.store.once.insert_once`) and the row that won is read back. With a
    finish id the delete key is not random but derived from it and the app's secret key,
    so the taker of a finish sent twice gets the same key, and with it the owner's view,
    from either answer; the finish id alone (readable in the signed progress) gives nothing.
    """
    outcome = rank_roles(bank.effect_table, answers)
    delete_key = (
        secrets.token_urlsafe(SHARE_TOKEN_BYTES)
        if finish_id is None
        else _finish_delete_key(finish_id)
    )
    reasons = careless_reasons(
        asked_questions(bank),
        answers,
        seconds_taken,
        current_app.config["CARELESS_SECONDS_PER_QUESTION"],
    )
    stored_outcome = outcome.as_dict(pushes_per_side=PUSHES_SHOWN)
    if mode == "full":
        # the norms come from full-quiz results: a quick result, scored on fewer answers,
        # is not compared with them
        minimum = current_app.config["STATISTICS_MINIMUM_RESULTS"]
        add_percentiles(stored_outcome, version_norms(version_id), minimum)
    values: dict[str, Any] = {
        "share_token": new_share_token(),
        "quiz_version_id": version_id,
        "answers": dict(answers),
        "outcome": stored_outcome,
        "top_role": outcome.ranking[0].role,
        "delete_key_hash": _key_hash(delete_key),
        "seconds_taken": seconds_taken,
        "careless": ",".join(reasons) or None,
        "mode": mode,
    }
    if finish_id is None:
        result = Result(**values)
        db.session.add(result)
    else:
        inserted = insert_once(Result, {**values, "finish_id": finish_id}, Result.finish_id)
        if inserted is None:
            return db.session.scalars(
                select(Result)
                .where(Result.finish_id == finish_id)
                .execution_options(populate_existing=True)
            ).one(), delete_key
        result = inserted
    # in the outbox in this same transaction: the event commits or rolls back with the result
    result_created(result, bank)
    return result, delete_key


def _finish_delete_key(finish_id: str) -> str:
    """Return the delete key of the result finished by ``finish_id`` (see create_result)."""
    secret = hashlib.sha256(FINISH_KEY_SALT + str(current_app.secret_key).encode()).digest()
    digest = hmac.new(secret, finish_id.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


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
    """Delete answers, outcome and self-report; the share link then answers 410 (caller commits).

    A ``result.deleted`` webhook event, telling only the token, goes into the outbox with it.
    """
    with recounted(result):  # out of the norms and the criterion evidence too
        result.answers = {}
        result.outcome = {}
        result.delete_key_hash = None
        result.deleted_at = datetime.now(UTC)
        clear_work_now(result)  # what they said they do now goes with their answers
    result_deleted(result)


def find_result(token: str) -> Result | None:
    """Return the result with this share token, or None."""
    if not SHARE_TOKEN_SHAPE.fullmatch(token):
        return None  # not a token we could have issued: no need to ask the database
    return db.session.scalar(select(Result).where(Result.share_token == token))


def quiz_version_number(version_id: int) -> int:
    return db.session.get_one(QuizVersion, version_id).number


def stored_result(result: Result) -> StoredResult:
    """Read a result row into the plain data its page is built from."""
    return StoredResult(
        outcome=result.outcome,
        answers=dict(result.answers or {}),
        created_at=result.created_at,
        careless=tuple(result.careless.split(",")) if result.careless else (),
        seconds_taken=result.seconds_taken,
        mode=result.mode,
        version_id=result.quiz_version_id,
        share_token=result.share_token,
    )


def remembered_changes_search(bank: Bank, version_id: int) -> ChangesSearch:
    """Return the search for what would change a result, remembering it per published version.

    A result page is read far more often than it is made, and the search costs a
    millisecond or more; a published version never changes, so the same answers
    always give the same changes. At most ``CHANGES_KEPT`` searches are kept per app.
    A draft (the preview, with no version) is searched every time with
    :func:`quiz.core.result_page.changes_search` instead.
    """
    search = changes_search(bank)
    kept: AppCache[Changes | None] = app_cache("fewest_changes", CHANGES_KEPT)

    def remembered(answers: Mapping[str, str], role: str) -> Changes | None:
        key = (version_id, role, tuple(sorted(answers.items())))
        return kept.get(key, lambda: search(answers, role))

    return remembered
