"""Webhook secrets kept encrypted at rest, a secret the current SECRET_KEY cannot read (never
sent, recorded as failing, sent once the key is back), and old events pruned on both
databases: delivered and given-up events go after WEBHOOK_EVENTS_KEEP_DAYS, pending ones never."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from helpers import TEST_CONFIG
from sqlalchemy import func, select
from webhook_endpoints import count, register
from webhook_receiver import documented_verifier, webhook_receiver

from quiz import create_app
from quiz.db import db
from quiz.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent
from quiz.store import secrets_at_rest, webhooks

verify_signature = documented_verifier()
KEEP_DAYS = 7


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    app = create_app(
        {
            **TEST_CONFIG,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WEBHOOKS_ALLOW_LOOPBACK": True,
            "WEBHOOK_EVENTS_KEEP_DAYS": KEEP_DAYS,
        }
    )
    yield app
    with app.app_context():
        db.engine.dispose()


# ---- secrets at rest -------------------------------------------------------------------------


def test_the_secret_is_stored_encrypted_and_signs_with_the_plain_one(app: Flask) -> None:
    with webhook_receiver() as receiver:
        made = register(app, receiver.url)
        with app.app_context():
            stored = db.session.scalars(select(WebhookEndpoint.secret_encrypted)).one()
            assert made.secret not in stored
            assert made.secret[len("whsec_") :] not in stored
            webhooks.send_test(webhooks.find_endpoint(made.id))
            db.session.commit()
            assert webhooks.deliver_due().sent == 1
        (request,) = receiver.received
        assert verify_signature(made.secret, request.headers["X-CareerFit-Signature"], request.body)
    # another SECRET_KEY reads nothing from the same database
    other = create_app(
        {
            **TEST_CONFIG,
            "SECRET_KEY": "another key",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        }
    )
    with other.app_context():
        endpoint = db.session.get_one(WebhookEndpoint, made.id)
        assert webhooks.readable_secret(endpoint) is None
    # in a context of its own: the session above gives its connection back as its context
    # ends, and given back to a pool already disposed, it would be left open
    with other.app_context():
        db.engine.dispose()


def test_the_two_kinds_of_secret_have_keys_of_their_own(app: Flask) -> None:
    with app.app_context():
        token = secrets_at_rest.encrypt("whsec_abc", secrets_at_rest.WEBHOOK_SIGNING)
        assert secrets_at_rest.decrypt(token, secrets_at_rest.WEBHOOK_SIGNING) == "whsec_abc"
        assert secrets_at_rest.decrypt(token, secrets_at_rest.TWO_FACTOR) is None
        given = secrets_at_rest.encrypt("whsec_abc", secrets_at_rest.WEBHOOK_SIGNING, "k2")
        assert secrets_at_rest.decrypt(given, secrets_at_rest.WEBHOOK_SIGNING) is None
        assert secrets_at_rest.decrypt(given, secrets_at_rest.WEBHOOK_SIGNING, "k2") == "whsec_abc"


def test_a_secret_the_key_cannot_read_is_never_sent_and_is_recorded_as_failing(
    app: Flask,
) -> None:
    with webhook_receiver() as receiver:
        made = register(app, receiver.url)
        with app.app_context():
            endpoint = webhooks.find_endpoint(made.id)
            good = endpoint.secret_encrypted
            # as if SECRET_KEY had changed since the endpoint was added
            endpoint.secret_encrypted = secrets_at_rest.encrypt(
                made.secret, secrets_at_rest.WEBHOOK_SIGNING, "the SECRET_KEY of before"
            )
            webhooks.send_test(endpoint)
            db.session.commit()
            start = webhooks.utcnow()
            report = webhooks.deliver_due(now=start)
            assert (report.sent, report.retrying, report.failed) == (0, 1, 0)
            attempt = db.session.scalars(select(WebhookAttempt)).one()
            assert (attempt.status_code, attempt.error) == (None, webhooks.UNREADABLE_SECRET)
            assert "SECRET_KEY" in attempt.error
            (overview,) = webhooks.overview()
            assert not overview.secret_readable
            assert receiver.received == []

            # the old key back in time: the next retry is sent, signed
            endpoint = webhooks.find_endpoint(made.id)
            endpoint.secret_encrypted = good
            db.session.commit()
            assert webhooks.deliver_due(now=start + timedelta(seconds=31)).sent == 1
            assert webhooks.overview()[0].secret_readable
        (request,) = receiver.received
        assert verify_signature(made.secret, request.headers["X-CareerFit-Signature"], request.body)


# ---- pruning ---------------------------------------------------------------------------------


def event_made(app: Flask, days_ago: float, *statuses: str) -> str:
    """Put an event made ``days_ago`` in the outbox for every endpoint; give its deliveries
    ``statuses`` (by endpoint, in order), each with one attempt; return the event's id."""
    with app.app_context():
        moment = webhooks.utcnow() - timedelta(days=days_ago)
        event = webhooks.enqueue(webhooks.RESULT_DELETED, {"token": f"t{days_ago}"}, now=moment)
        db.session.flush()
        made = db.session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.event_id == event.id)
            .order_by(WebhookDelivery.endpoint_id)
        ).all()
        assert len(made) == len(statuses)
        for delivery, status in zip(made, statuses, strict=True):
            # the status the worker would have written after its attempts
            delivery.status = status
            db.session.add(
                WebhookAttempt(delivery_id=delivery.id, status_code=500, error="HTTP 500")
            )
        db.session.commit()
        return event.id


def kept(app: Flask) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(select(WebhookEvent.id)))


def test_only_events_done_with_for_longer_than_the_setting_are_pruned(app: Flask) -> None:
    register(app, "https://crm.example.com/one")
    register(app, "https://crm.example.com/two")
    sent, failed, pending = webhooks.SENT, webhooks.FAILED, webhooks.PENDING
    old_sent = event_made(app, KEEP_DAYS + 1, sent, sent)
    old_given_up = event_made(app, KEEP_DAYS + 1, failed, sent)
    old_pending = event_made(app, KEEP_DAYS + 30, pending, pending)
    old_half_pending = event_made(app, KEEP_DAYS + 1, sent, pending)
    recent_sent = event_made(app, KEEP_DAYS - 1, sent, sent)
    old_sent_again = event_made(app, KEEP_DAYS + 2, failed, failed)
    with app.app_context():
        delivery = db.session.scalars(
            select(WebhookDelivery).where(WebhookDelivery.event_id == old_sent_again)
        ).first()
        webhooks.send_again(delivery).status = sent  # made now, and sent
        db.session.commit()
    before = count(app, WebhookDelivery)

    with app.app_context():
        assert webhooks.prune_events() == 2
        db.session.commit()

    assert kept(app) == {old_pending, old_half_pending, recent_sent, old_sent_again}
    assert not {old_sent, old_given_up} & kept(app)
    # their deliveries and attempts went with them, on SQLite as on PostgreSQL
    assert count(app, WebhookDelivery) == before - 4
    with app.app_context():
        orphans = (
            select(func.count())
            .select_from(WebhookAttempt)
            .where(WebhookAttempt.delivery_id.not_in(select(WebhookDelivery.id)))
        )
        assert db.session.scalar(orphans) == 0
    with app.app_context():
        assert webhooks.prune_events() == 0


def test_an_event_whose_endpoint_was_removed_is_pruned_once_old(app: Flask) -> None:
    made = register(app, "https://crm.example.com/gone")
    old = event_made(app, KEEP_DAYS + 1, webhooks.PENDING)
    with app.app_context():
        webhooks.remove_endpoint(webhooks.find_endpoint(made.id))
        db.session.commit()
        assert webhooks.prune_events() == 1
        db.session.commit()
    assert old not in kept(app)


def test_keep_days_reads_the_setting_and_a_bad_one_is_refused(app: Flask) -> None:
    register(app, "https://crm.example.com/one")
    event_made(app, 3, webhooks.SENT)
    with app.app_context():
        assert webhooks.prune_events() == 0  # 3 days old, kept 7
        app.config["WEBHOOK_EVENTS_KEEP_DAYS"] = 2
        assert webhooks.prune_events() == 1
        db.session.commit()
    for bad in (0, -1, "30", True):
        with pytest.raises(RuntimeError, match="WEBHOOK_EVENTS_KEEP_DAYS must be a number"):
            create_app({**TEST_CONFIG, "WEBHOOK_EVENTS_KEEP_DAYS": bad})
