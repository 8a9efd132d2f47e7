"""Webhooks: endpoints owners register, the outbox of events, and the worker that sends them.

The rules:

- **Outbox.** :func:`enqueue` adds the event and one delivery per subscribed endpoint to the
  caller's session, so they commit (or roll back) with the change they report: a result
  stored is never without its ``result.created`` event, and a rolled-back result never has
  one. Nothing is sent inside the request.
- **Claims.** A worker (:func:`deliver_due`) claims due deliveries by writing a lease
  (``claimed_until``, ``WEBHOOKS_LEASE_SECONDS`` from now) with a compare-and-set update
  that only wins while the delivery is pending and unclaimed or its lease has lapsed; on
  PostgreSQL the rows are first picked with ``SELECT ... FOR UPDATE SKIP LOCKED``, so
  workers side by side take different rows rather than queueing on the same. A worker
  killed mid-delivery leaves its lease, which lapses: a later pass sends the delivery again
  (the receiver drops the duplicate by ``X-CareerFit-Event-Id``). Only the worker whose
  claim is still the delivery's records the outcome. On SQLite run one worker: writes take
  turns there, so several would only wait on each other.
- **Retries.** A 2xx answer is success. Anything else (another status, a timeout, a refused
  connection) is tried again after 30 seconds, then 1, 2, 4 ... minutes, at most an hour
  apart, until a day after the delivery was made; the attempt that would fall after that
  marks it ``failed``. Every attempt is recorded (status code, error, duration).
- **Signature.** Each request carries ``X-CareerFit-Signature: t=<unix seconds>,v1=<hex
  HMAC-SHA256 of "<t>.<body>" with the endpoint's secret>`` (:func:`signature`), checked
  as docs/integrations.md shows.
- **Secrets at rest.** An endpoint's secret is stored encrypted with a key derived from
  ``SECRET_KEY`` (:mod:`quiz.store.secrets_at_rest`). One the current key cannot read
  (``SECRET_KEY`` changed) is never sent unsigned: each attempt is recorded as failed with
  :data:`UNREADABLE_SECRET` as its error, and retried as any failure is, so restoring the
  key in time still delivers it; the admin page says so on the endpoint.
- **Pruning.** :func:`prune_events` deletes the events older than
  ``WEBHOOK_EVENTS_KEEP_DAYS`` whose every delivery is done (sent, or failed after its day
  of retries) and none made within those days; an event with a pending delivery is never
  pruned. Its deliveries and their attempts go with it (the foreign keys cascade).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import and_, delete, exists, func, or_, select, update

from quiz.core.bank import Bank
from quiz.core.messages import N_
from quiz.core.webhook_urls import url_problem
from quiz.db import db
from quiz.models import Result, WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from quiz.store import secrets_at_rest
from quiz.store.audit import record

RESULT_CREATED = "result.created"
RESULT_DELETED = "result.deleted"
# sent by the groups code when a member of a group finishes the quiz
GROUP_MEMBER_FINISHED = "group.member_finished"
EVENTS = (RESULT_CREATED, RESULT_DELETED, GROUP_MEMBER_FINISHED)
# sent only to the endpoint an owner asks it for, whatever it subscribed to
TEST_EVENT = "webhook.test"

PENDING, SENT, FAILED = "pending", "sent", "failed"
SIGNATURE_HEADER = "X-CareerFit-Signature"
EVENT_ID_HEADER = "X-CareerFit-Event-Id"
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)
GIVE_UP_AFTER = timedelta(days=1)
ERROR_LENGTH = 300
# the error an attempt records when the endpoint's secret cannot be decrypted; stored in
# English like every other error, and put into words by the admin page
UNREADABLE_SECRET = N_(
    "Not sent: the signing secret cannot be read with the current SECRET_KEY. Put the old "
    "SECRET_KEY back, or remove the endpoint and add it again for a new secret."
)


class WebhookRefused(ValueError):
    """An endpoint that may not be registered; ``reason`` is an ``N_`` text to translate."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class NewEndpoint:
    """An endpoint just registered, with its secret: the only time the secret is shown."""

    id: int
    url: str
    events: tuple[str, ...]
    secret: str


def utcnow() -> datetime:
    return datetime.now(UTC)


def aware(moment: datetime) -> datetime:
    # SQLite hands back the UTC times it stored without their zone
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def encrypt_secret(secret: str) -> str:
    return secrets_at_rest.encrypt(secret, secrets_at_rest.WEBHOOK_SIGNING)


def readable_secret(endpoint: WebhookEndpoint) -> str | None:
    """Return ``endpoint``'s signing secret, or None when the current key can't read it."""
    return secrets_at_rest.decrypt(endpoint.secret_encrypted, secrets_at_rest.WEBHOOK_SIGNING)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """Return the signature header's value for ``body`` sent at ``timestamp``."""
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


# ---- endpoints -------------------------------------------------------------------------------


def add_endpoint(url: str, events: Sequence[str], actor: str | None = None) -> NewEndpoint:
    """Register ``url`` for ``events`` (all of EVENTS when empty) and draw its secret.

    Raises :class:`WebhookRefused` for an address :func:`quiz.core.webhook_urls.url_problem`
    refuses or an event name not in EVENTS. The caller commits.
    """
    url = url.strip()
    problem = url_problem(url, allow_loopback=bool(current_app.config["WEBHOOKS_ALLOW_LOOPBACK"]))
    if problem:
        raise WebhookRefused(problem)
    unknown = [e for e in events if e not in EVENTS]
    if unknown:
        raise WebhookRefused(f"Unknown event {unknown[0]!r}: choose from {', '.join(EVENTS)}.")
    chosen = tuple(e for e in EVENTS if e in events) or EVENTS
    secret = "whsec_" + secrets.token_hex(32)
    endpoint = WebhookEndpoint(
        url=url,
        events=",".join(chosen),
        secret_encrypted=encrypt_secret(secret),
        created_by=actor or "command line",
    )
    db.session.add(endpoint)
    db.session.flush()
    record("add webhook", f"webhook {endpoint.id}", f"{url} ({', '.join(chosen)})", actor=actor)
    return NewEndpoint(endpoint.id, url, chosen, secret)


def endpoints() -> list[WebhookEndpoint]:
    return list(db.session.scalars(select(WebhookEndpoint).order_by(WebhookEndpoint.id)))


def find_endpoint(endpoint_id: int) -> WebhookEndpoint | None:
    return db.session.get(WebhookEndpoint, endpoint_id)


def remove_endpoint(endpoint: WebhookEndpoint, actor: str | None = None) -> None:
    """Remove ``endpoint`` with its deliveries and their attempts (the caller commits)."""
    record("remove webhook", f"webhook {endpoint.id}", endpoint.url, actor=actor)
    # explicit deletes: SQLite enforces no foreign keys unless asked, so no cascade there
    delivery_ids = select(WebhookDelivery.id).where(WebhookDelivery.endpoint_id == endpoint.id)
    db.session.execute(delete(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(delivery_ids)))
    db.session.execute(delete(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint.id))
    db.session.execute(delete(WebhookEndpoint).where(WebhookEndpoint.id == endpoint.id))
    db.session.expire_all()


def recent_deliveries(endpoint: WebhookEndpoint, limit: int = 20) -> list[WebhookDelivery]:
    """The endpoint's newest deliveries, newest first."""
    query = (
        select(WebhookDelivery)
        .where(WebhookDelivery.endpoint_id == endpoint.id)
        .order_by(WebhookDelivery.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class RecentDelivery:
    """A delivery as the admin page lists it: its event's type and its latest attempt."""

    delivery: WebhookDelivery
    event_type: str
    last_attempt: WebhookAttempt | None


@dataclass(frozen=True)
class EndpointOverview:
    """An endpoint, whether its secret can be read, and its newest deliveries, newest first."""

    endpoint: WebhookEndpoint
    secret_readable: bool
    recent: list[RecentDelivery]


def overview(limit: int = 20) -> list[EndpointOverview]:
    """Every endpoint with its ``limit`` newest deliveries, in three queries however many.

    One query for the endpoints, one for the deliveries (numbered newest first within each
    endpoint by a window function, the first ``limit`` of each kept) with their event's
    type, and one for the latest attempt of each of those deliveries.
    """
    listed = endpoints()
    newest_first = func.row_number().over(
        partition_by=WebhookDelivery.endpoint_id, order_by=WebhookDelivery.id.desc()
    )
    numbered = select(WebhookDelivery.id, newest_first.label("place")).subquery()
    rows = db.session.execute(
        select(WebhookDelivery, WebhookEvent.type)
        .join(numbered, numbered.c.id == WebhookDelivery.id)
        .join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
        .where(numbered.c.place <= limit)
        .order_by(WebhookDelivery.endpoint_id, WebhookDelivery.id.desc())
    ).all()
    shown = [delivery.id for delivery, _ in rows]
    latest = (
        select(func.max(WebhookAttempt.id))
        .where(WebhookAttempt.delivery_id.in_(shown))
        .group_by(WebhookAttempt.delivery_id)
    )
    last_attempts = {
        attempt.delivery_id: attempt
        for attempt in db.session.scalars(
            select(WebhookAttempt).where(WebhookAttempt.id.in_(latest))
        )
    }
    recent: dict[int, list[RecentDelivery]] = {endpoint.id: [] for endpoint in listed}
    for delivery, event_type in rows:
        recent[delivery.endpoint_id].append(
            RecentDelivery(delivery, event_type, last_attempts.get(delivery.id))
        )
    return [
        EndpointOverview(endpoint, readable_secret(endpoint) is not None, recent[endpoint.id])
        for endpoint in listed
    ]


def attempts(delivery: WebhookDelivery) -> list[WebhookAttempt]:
    query = select(WebhookAttempt).where(WebhookAttempt.delivery_id == delivery.id)
    return list(db.session.scalars(query.order_by(WebhookAttempt.id)))


# ---- the outbox ------------------------------------------------------------------------------


def enqueue(
    event: str,
    payload: Mapping[str, Any],
    *,
    endpoint: WebhookEndpoint | None = None,
    now: datetime | None = None,
) -> WebhookEvent | None:
    """Put ``event`` with ``payload`` (its ``data``) in the outbox for every endpoint that
    subscribed to it, or only for ``endpoint`` when given; the caller commits.

    The event is written in the caller's transaction, so it commits or rolls back with the
    change it reports. Returns the event, or None when no endpoint wants it (nothing is
    written then).
    """
    if event not in EVENTS and event != TEST_EVENT:
        raise ValueError(f"unknown webhook event {event!r}")
    if endpoint is not None:
        targets = [endpoint]
    else:
        targets = [e for e in endpoints() if event in e.events.split(",")]
    if not targets:
        return None
    moment = now or utcnow()
    row = WebhookEvent(
        id=str(uuid.uuid4()),
        type=event,
        created_at=moment,
        payload={
            "id": "",
            "type": event,
            "created_at": moment.isoformat(timespec="seconds"),
            "data": dict(payload),
        },
    )
    row.payload["id"] = row.id
    db.session.add(row)
    for target in targets:
        db.session.add(
            WebhookDelivery(
                event_id=row.id,
                endpoint_id=target.id,
                status=PENDING,
                next_attempt_at=moment,
                created_at=moment,
            )
        )
    return row


def share_url(token: str) -> str:
    # the store builds no URLs from routes; this is the public blueprint's /r/<token>
    return current_app.config["PUBLIC_URL"].rstrip("/") + "/r/" + token


def result_data(result: Result, bank: Bank) -> dict[str, Any]:
    """What a ``result.created`` event tells: what the share page shows, and no answers."""
    names = {role.key: role.name for role in bank.roles}
    ranking = [
        {"role": fit["role"], "name": names.get(fit["role"], fit["role"]), "fit": fit["fit"]}
        for fit in result.outcome.get("ranking", [])
    ]
    return {
        "token": result.share_token,
        "share_url": share_url(result.share_token),
        "top_role": result.top_role,
        "ranking": ranking,
        "mode": result.mode,
    }


def result_created(result: Result, bank: Bank) -> None:
    """Put ``result.created`` for a just-stored result in the outbox (the caller commits)."""
    enqueue(RESULT_CREATED, result_data(result, bank))


def result_deleted(result: Result) -> None:
    """Put ``result.deleted`` in the outbox, telling only the token (the caller commits)."""
    enqueue(RESULT_DELETED, {"token": result.share_token})


def send_test(endpoint: WebhookEndpoint, actor: str | None = None) -> WebhookEvent:
    """Put a test event in the outbox for ``endpoint`` alone (the caller commits)."""
    data = {"message": "A test event from Career Fit.", "endpoint": endpoint.id}
    event = enqueue(TEST_EVENT, data, endpoint=endpoint)
    assert event is not None
    record("test webhook", f"webhook {endpoint.id}", endpoint.url, actor=actor)
    return event


def send_again(delivery: WebhookDelivery, actor: str | None = None) -> WebhookDelivery:
    """Queue the same event (same id) to the same endpoint once more, with a day of retries."""
    moment = utcnow()
    again = WebhookDelivery(
        event_id=delivery.event_id,
        endpoint_id=delivery.endpoint_id,
        status=PENDING,
        next_attempt_at=moment,
        created_at=moment,
    )
    db.session.add(again)
    record(
        "resend webhook",
        f"webhook {delivery.endpoint_id}",
        f"event {delivery.event_id}",
        actor=actor,
    )
    return again


# ---- the worker ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    """A delivery this worker holds until ``until``: what to send, and where."""

    delivery_id: int
    until: datetime
    url: str
    secret: str | None  # None when the current SECRET_KEY cannot read it: not sent then
    event_id: str
    body: bytes


@dataclass
class PassReport:
    """What one pass of the worker did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0

    @property
    def attempted(self) -> int:
        return self.sent + self.retrying + self.failed


def claim_due(now: datetime, limit: int = 20) -> list[Claim]:
    """Claim up to ``limit`` due deliveries for ``WEBHOOKS_LEASE_SECONDS``; commits the claims."""
    lease = timedelta(seconds=float(current_app.config["WEBHOOKS_LEASE_SECONDS"]))
    free = or_(WebhookDelivery.claimed_until.is_(None), WebhookDelivery.claimed_until < now)
    due = (WebhookDelivery.status == PENDING) & (WebhookDelivery.next_attempt_at <= now) & free
    query = select(WebhookDelivery.id).where(due).order_by(WebhookDelivery.next_attempt_at)
    query = query.limit(limit)
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(db.session.scalars(query))
    # microseconds of its own: tells this claim from any other, so only its holder records
    until = now + lease + timedelta(microseconds=secrets.randbelow(1_000_000))
    claimed = []
    for delivery_id in ids:
        won = db.session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == delivery_id, due)
            .values(claimed_until=until)
        )
        if won.rowcount == 1:  # type: ignore[attr-defined]
            claimed.append(delivery_id)
    db.session.commit()
    claims = []
    for delivery_id in claimed:
        delivery = db.session.get_one(WebhookDelivery, delivery_id)
        body = json.dumps(delivery.event.payload, separators=(",", ":"), sort_keys=True).encode()
        target = delivery.endpoint
        secret = readable_secret(target)
        claims.append(Claim(delivery_id, until, target.url, secret, delivery.event_id, body))
    db.session.rollback()  # end the read transaction: nothing is held while sending
    return claims


def send(claim: Claim, timestamp: int | None = None) -> tuple[int | None, str | None, int]:
    """POST the claim's event; return the status code (None when none came), error, ms.

    A claim whose secret could not be read is not sent: unsigned, the receiver should
    refuse it, and signed with anything else it would. Its attempt records why.
    """
    if claim.secret is None:
        return None, UNREADABLE_SECRET, 0
    moment = int(time.time()) if timestamp is None else timestamp
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "CareerFit-Webhooks/1",
        SIGNATURE_HEADER: signature(claim.secret, moment, claim.body),
        EVENT_ID_HEADER: claim.event_id,
    }
    timeout = float(current_app.config["WEBHOOKS_TIMEOUT_SECONDS"])
    # requests (with urllib3, charset detection...) only in the process that delivers,
    # not in every web worker (docs/performance.md)
    import requests

    started = time.monotonic()
    try:
        # no redirects: a receiver may not send the signed body on to another address
        answer = requests.post(
            claim.url, data=claim.body, headers=headers, timeout=timeout, allow_redirects=False
        )
    except requests.RequestException as error:
        took = int((time.monotonic() - started) * 1000)
        return None, f"{type(error).__name__}: {error}"[:ERROR_LENGTH], took
    took = int((time.monotonic() - started) * 1000)
    error = None if 200 <= answer.status_code < 300 else f"HTTP {answer.status_code}"
    return answer.status_code, error, took


def next_wait(attempts_made: int) -> timedelta:
    """The wait after the ``attempts_made``-th failure: 30 s, doubling, at most an hour."""
    return min(FIRST_RETRY * 2 ** (attempts_made - 1), LONGEST_WAIT)


def finish(claim: Claim, outcome: tuple[int | None, str | None, int], now: datetime) -> str | None:
    """Record an attempt's outcome if ``claim`` is still the delivery's; return its new status.

    Returns None when the claim had lapsed and another worker took the delivery over: its
    holder records then, so one delivery never counts two outcomes at once.
    """
    status_code, error, took = outcome
    # locked on PostgreSQL, so a claim cannot lapse and be taken between the check and commit
    delivery = db.session.get_one(WebhookDelivery, claim.delivery_id, with_for_update=True)
    if delivery.claimed_until is None or aware(delivery.claimed_until) != claim.until:
        db.session.rollback()
        return None
    made = len(attempts(delivery)) + 1
    db.session.add(
        WebhookAttempt(
            delivery_id=delivery.id,
            started_at=now,
            status_code=status_code,
            error=error,
            duration_ms=took,
        )
    )
    delivery.attempts = made
    delivery.claimed_until = None
    if error is None:
        delivery.status = SENT
    else:
        retry_at = now + next_wait(made)
        if retry_at > aware(delivery.created_at) + GIVE_UP_AFTER:
            delivery.status = FAILED
        else:
            delivery.next_attempt_at = retry_at
    status = delivery.status
    db.session.commit()
    return status


def deliver_due(now: datetime | None = None, limit: int = 20) -> PassReport:
    """Send every due delivery once (one pass of the worker), up to ``limit``.

    ``now`` sets the clock the claims, retries and the day's limit are read against, so tests
    move time instead of sleeping; the signature's timestamp is the real time of sending.
    """
    moment = now or utcnow()
    report = PassReport()
    for claim in claim_due(moment, limit):
        status = finish(claim, send(claim), now or utcnow())
        if status == SENT:
            report.sent += 1
        elif status == FAILED:
            report.failed += 1
        elif status == PENDING:
            report.retrying += 1
    return report


# ---- pruning ---------------------------------------------------------------------------------


def prune_events(now: datetime | None = None, keep_days: float | None = None) -> int:
    """Delete the events done with for longer than ``keep_days``; return how many (caller commits).

    ``keep_days`` is ``WEBHOOK_EVENTS_KEEP_DAYS`` unless given. An event goes when it was
    made before then, and no delivery of it is pending or was made since (a delivery sent
    again keeps its event another ``keep_days``). Its deliveries and their attempts go with
    it: the foreign keys cascade, on SQLite too (quiz.db turns them on), so this is one
    DELETE however many events it removes.
    """
    days = float(current_app.config["WEBHOOK_EVENTS_KEEP_DAYS"] if keep_days is None else keep_days)
    cutoff = (now or utcnow()) - timedelta(days=days)
    still_wanted = exists().where(
        WebhookDelivery.event_id == WebhookEvent.id,
        or_(WebhookDelivery.status == PENDING, WebhookDelivery.created_at >= cutoff),
    )
    pruned = db.session.execute(
        delete(WebhookEvent)
        .where(and_(WebhookEvent.created_at < cutoff, ~still_wanted))
        .execution_options(synchronize_session=False)
    )
    return int(pruned.rowcount)  # type: ignore[attr-defined]
