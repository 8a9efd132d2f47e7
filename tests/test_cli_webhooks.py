"""The webhooks commands: add (printing the id and the secret), list, remove and deliver, run
through Flask's CLI test runner against a fresh database and a real receiver."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from helpers import TEST_CONFIG
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from webhook_receiver import documented_verifier, webhook_receiver

from quiz import create_app
from quiz.db import db
from quiz.models import AuditEntry, WebhookDelivery, WebhookEndpoint, WebhookEvent
from quiz.store import webhooks


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    app = create_app(
        {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, "WEBHOOKS_ALLOW_LOOPBACK": True}
    )
    yield app
    with app.app_context():
        db.engine.dispose()


def run(app: Flask, *args: str):
    return app.test_cli_runner().invoke(args=["webhooks", *args])


def test_add_prints_the_id_and_secret_and_list_never_shows_the_secret(app: Flask) -> None:
    added = run(app, "add", "https://crm.example.com/hook", "--event", "result.created")
    assert added.exit_code == 0, added.output
    endpoint_id = int(re.search(r"^id: (\d+)$", added.output, re.M).group(1))
    secret = re.search(r"^secret: (whsec_\w+)$", added.output, re.M).group(1)
    with app.app_context():
        endpoint = db.session.get(WebhookEndpoint, endpoint_id)
        assert (endpoint.url, endpoint.events, webhooks.readable_secret(endpoint)) == (
            "https://crm.example.com/hook",
            "result.created",
            secret,
        )
        assert secret not in endpoint.secret_encrypted  # stored encrypted, shown only now
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "add webhook"))
        assert entry.one().admin_email == "command line"
    listed = run(app, "list")
    assert listed.exit_code == 0
    assert f"{endpoint_id}\thttps://crm.example.com/hook\tresult.created" in listed.output
    assert secret not in listed.output


def test_add_without_events_sends_every_event(app: Flask) -> None:
    run(app, "add", "https://crm.example.com/hook")
    assert ", ".join(webhooks.EVENTS) in run(app, "list").output


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://crm.example.com/hook", "Plain http:// is allowed only to 127.0.0.1"),
        ("https://10.0.0.1/hook", "private network"),
    ],
)
def test_add_refuses_an_address_with_a_reason(app: Flask, url: str, message: str) -> None:
    refused = run(app, "add", url)
    assert refused.exit_code == 1
    assert message in refused.output
    assert "No webhook endpoints." in run(app, "list").output


def test_add_refuses_an_unknown_event(app: Flask) -> None:
    refused = run(app, "add", "https://crm.example.com/hook", "--event", "result.exploded")
    assert refused.exit_code == 2
    assert "No webhook endpoints." in run(app, "list").output


def test_remove_takes_the_endpoint_away_and_refuses_an_unknown_id(app: Flask) -> None:
    run(app, "add", "https://crm.example.com/hook")
    (endpoint_id,) = [int(line.split("\t")[0]) for line in run(app, "list").output.splitlines()]
    assert run(app, "remove", str(endpoint_id)).exit_code == 0
    assert "No webhook endpoints." in run(app, "list").output
    missing = run(app, "remove", str(endpoint_id))
    assert missing.exit_code == 1
    assert f"no webhook endpoint with the id {endpoint_id}" in missing.output


def test_deliver_once_sends_what_is_due_signed(app: Flask) -> None:
    verify = documented_verifier()
    with webhook_receiver() as receiver:
        added = run(app, "add", receiver.url, "--event", "result.deleted")
        secret = re.search(r"^secret: (\S+)$", added.output, re.M).group(1)
        with app.app_context():
            webhooks.enqueue(webhooks.RESULT_DELETED, {"token": "t" * 43})
            db.session.commit()
        sent = run(app, "deliver", "--once")
        assert sent.exit_code == 0, sent.output
        assert "Sent 1, to retry 0, failed 0." in sent.output
        (request,) = receiver.received
        assert verify(secret, request.headers["X-CareerFit-Signature"], request.body)
        assert json.loads(request.body)["data"] == {"token": "t" * 43}
        # nothing is due any more: a second pass sends nothing
        assert "Sent 0, to retry 0, failed 0." in run(app, "deliver", "--once").output
    assert len(receiver.received) == 1


@pytest.mark.parametrize(
    ("timeout", "lease"), [(10, 10), (30, 20), (0, 60)], ids=["equal", "shorter", "no timeout"]
)
def test_a_lease_that_would_not_outlast_the_request_is_refused_at_start(
    timeout: float, lease: int
) -> None:
    settings = {"WEBHOOKS_TIMEOUT_SECONDS": timeout, "WEBHOOKS_LEASE_SECONDS": lease}
    with pytest.raises(RuntimeError, match="must be longer than WEBHOOKS_TIMEOUT_SECONDS"):
        create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://", **settings})


def test_the_delivery_loop_waits_out_a_failing_database(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database that fails for a moment does not end the worker: it waits and goes on."""
    passes = iter(
        [
            OperationalError("SELECT", {}, Exception("server closed the connection")),
            webhooks.PassReport(sent=1),
            SystemExit(0),  # ends the test's loop
        ]
    )

    def one_pass() -> webhooks.PassReport:
        outcome = next(passes)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    monkeypatch.setattr(webhooks, "deliver_due", one_pass)
    monkeypatch.setattr("quiz.cli_webhooks.time.sleep", lambda seconds: None)
    result = app.test_cli_runner().invoke(args=["webhooks", "deliver"])
    assert result.exit_code == 0
    assert "The database failed, trying again" in result.stderr
    assert "Sent 1, to retry 0, failed 0." in result.stdout


def old_event(app: Flask, days_ago: int) -> str:
    """Put a result.deleted event made ``days_ago`` in the outbox; return its id."""
    with app.app_context():
        moment = webhooks.utcnow() - timedelta(days=days_ago)
        event = webhooks.enqueue(webhooks.RESULT_DELETED, {"token": "t" * 43}, now=moment)
        db.session.commit()
        return event.id


def event_ids(app: Flask) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(select(WebhookEvent.id)))


def test_prune_deletes_old_delivered_events_and_never_a_pending_one(app: Flask) -> None:
    run(app, "add", "https://crm.example.com/hook")
    delivered, pending = old_event(app, 31), old_event(app, 31)
    recent = old_event(app, 29)
    with app.app_context():
        for delivery in db.session.scalars(
            select(WebhookDelivery).where(WebhookDelivery.event_id.in_([delivered, recent]))
        ):
            delivery.status = webhooks.SENT  # as the worker records a 2xx answer
        db.session.commit()
    pruned = run(app, "prune")
    assert pruned.exit_code == 0, pruned.output
    assert "Pruned 1 old webhook event." in pruned.output
    assert event_ids(app) == {pending, recent}
    assert "Pruned 0 old webhook events." in run(app, "prune").output


def test_each_pass_of_deliver_prunes_too(app: Flask) -> None:
    with webhook_receiver() as receiver:
        run(app, "add", receiver.url)
        old_event(app, 40)
        old_event(app, 40)
        sent = run(app, "deliver", "--once")
    assert sent.exit_code == 0, sent.output
    assert "Sent 2, to retry 0, failed 0." in sent.output
    assert "Pruned 2 old webhook events." in sent.output
    assert event_ids(app) == set()
