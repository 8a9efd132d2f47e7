"""Webhooks end to end on both databases: the outbox written with the result, signed POSTs to a
real receiver on 127.0.0.1, retries with backoff on a moved clock, a killed worker's lease
lapsing, and two workers side by side on PostgreSQL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from helpers import TEST_CONFIG, delete_result, take_quiz
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from webhook_endpoints import count, register
from webhook_receiver import documented_verifier, webhook_receiver

from quiz import create_app
from quiz.db import db
from quiz.models import Result, WebhookAttempt, WebhookDelivery, WebhookEvent
from quiz.store import webhooks
from quiz.store.publishing import latest_version_id, published_bank
from quiz.store.results import create_result

verify_signature = documented_verifier()


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    """An app that may send webhooks to 127.0.0.1 over plain http, as tests need."""
    app = create_app(
        {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, "WEBHOOKS_ALLOW_LOOPBACK": True}
    )
    yield app
    with app.app_context():
        db.engine.dispose()


def store_result(app: Flask) -> str:
    """Store a result the way the quiz does, and return its token."""
    with app.app_context():
        version_id = latest_version_id()
        bank = published_bank(version_id)
        answers = {q.key: q.options[0].key for q in bank.questions}
        result, _ = create_result(bank, version_id, answers, seconds_taken=600)
        db.session.commit()
        return result.share_token


def deliveries(app: Flask) -> list[tuple[str, int]]:
    with app.app_context():
        rows = db.session.execute(
            select(WebhookDelivery.status, WebhookDelivery.attempts).order_by(WebhookDelivery.id)
        )
        return [tuple(row) for row in rows]


def attempt_codes(app: Flask) -> list[int | None]:
    with app.app_context():
        return list(db.session.scalars(select(WebhookAttempt.status_code).order_by("id")))


def test_a_finished_quiz_is_delivered_signed_to_a_receiver(app: Flask) -> None:
    with webhook_receiver() as receiver:
        made = register(app, receiver.url, webhooks.RESULT_CREATED)
        taker = take_quiz(app.test_client())
        with app.app_context():
            report = webhooks.deliver_due()
        assert report.sent == 1
        (request,) = receiver.received
        signed = request.headers["X-CareerFit-Signature"]
        assert verify_signature(made.secret, signed, request.body)
        assert not verify_signature("whsec_other", signed, request.body)
        assert not verify_signature(made.secret, signed, request.body + b" ")
        # an old signature is refused, so a recorded request cannot be played back
        assert not verify_signature(made.secret, signed, request.body, now=time.time() + 3600)
        event = json.loads(request.body)
        assert request.headers["X-CareerFit-Event-Id"] == event["id"]
        assert event["type"] == "result.created"
        token = taker.result_url.rsplit("/", 1)[1]
        data = event["data"]
        assert data["share_url"] == f"http://localhost/r/{token}"
        assert data["ranking"][0]["role"] == data["top_role"]
        assert set(data["ranking"][0]) == {"role", "name", "fit"}
        # nothing the share page does not show: no answers, no time taken, no delete key
        assert set(data) == {"token", "share_url", "top_role", "ranking", "mode"}
    assert deliveries(app) == [("sent", 1)]
    assert attempt_codes(app) == [200]


def test_a_deleted_result_is_reported_by_its_token_only(app: Flask) -> None:
    with webhook_receiver() as receiver:
        register(app, receiver.url, webhooks.RESULT_DELETED)
        taker = take_quiz(app.test_client())
        assert count(app, WebhookEvent) == 0  # not subscribed to result.created
        delete_result(taker)
        with app.app_context():
            webhooks.deliver_due()
        (request,) = receiver.received
        event = json.loads(request.body)
        assert event["type"] == "result.deleted"
        assert event["data"] == {"token": taker.result_url.rsplit("/", 1)[1]}


def test_a_receiver_failing_twice_is_retried_with_growing_waits(app: Flask) -> None:
    with webhook_receiver(answers=[500, 503]) as receiver:
        register(app, receiver.url)
        store_result(app)
        start = webhooks.utcnow()
        with app.app_context():
            assert webhooks.deliver_due(now=start).retrying == 1
            # not due again until 30 seconds later
            assert webhooks.deliver_due(now=start + timedelta(seconds=29)).attempted == 0
            assert webhooks.deliver_due(now=start + timedelta(seconds=31)).retrying == 1
            # then a minute after the second attempt
            second = start + timedelta(seconds=31)
            assert webhooks.deliver_due(now=second + timedelta(seconds=59)).attempted == 0
            assert webhooks.deliver_due(now=second + timedelta(seconds=61)).sent == 1
            assert webhooks.deliver_due(now=second + timedelta(days=2)).attempted == 0
        assert len(receiver.received) == 3
        assert len({r.headers["X-CareerFit-Event-Id"] for r in receiver.received}) == 1
    assert attempt_codes(app) == [500, 503, 200]
    assert deliveries(app) == [("sent", 3)]


def test_a_delivery_is_given_up_after_a_day(app: Flask) -> None:
    with webhook_receiver(answers=[500] * 60) as receiver:
        register(app, receiver.url)
        store_result(app)
        moment = webhooks.utcnow()
        with app.app_context():
            for _ in range(60):
                report = webhooks.deliver_due(now=moment)
                if report.failed:
                    break
                moment += timedelta(hours=1)
            assert report.failed == 1
        made = len(receiver.received)
    # 30 s, 1, 2, 4, 8, 16, 32 minutes, then hourly until a day has gone by
    assert 20 < made < 35
    assert deliveries(app) == [("failed", made)]
    assert attempt_codes(app) == [500] * made


def test_an_unreachable_receiver_is_recorded_as_an_error(app: Flask) -> None:
    with webhook_receiver() as receiver:
        url = receiver.url
    register(app, url)  # the receiver is gone: the connection is refused
    store_result(app)
    with app.app_context():
        assert webhooks.deliver_due().retrying == 1
        attempt = db.session.scalars(select(WebhookAttempt)).one()
        assert attempt.status_code is None
        assert "ConnectionError" in attempt.error


def test_the_event_commits_and_rolls_back_with_the_result(app: Flask) -> None:
    register(app, "http://127.0.0.1:9/never-sent")
    token = store_result(app)
    assert count(app, Result) == 1 and count(app, WebhookEvent) == 1
    with app.app_context():
        version_id = latest_version_id()
        bank = published_bank(version_id)
        answers = {q.key: q.options[-1].key for q in bank.questions}
        result, _ = create_result(bank, version_id, answers)
        result.share_token = token  # taken already: the commit fails on the unique token
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
    # neither the second result nor its event
    assert count(app, Result) == 1 and count(app, WebhookEvent) == 1
    assert count(app, WebhookDelivery) == 1


def test_no_event_is_written_when_no_endpoint_wants_it(app: Flask) -> None:
    store_result(app)
    assert count(app, WebhookEvent) == 0


def test_a_killed_worker_s_delivery_is_sent_again_after_its_lease(
    app: Flask, database_url: str
) -> None:
    with webhook_receiver(answers=["stall", 200]) as receiver:
        register(app, receiver.url)
        store_result(app)
        environment = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-key",
            "WEBHOOKS_ALLOW_LOOPBACK": "1",
        }
        worker = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "quiz", "webhooks", "deliver", "--once"],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            arrived = receiver.arrived.wait(60)
        finally:
            worker.send_signal(signal.SIGKILL)
            _, errors = worker.communicate(timeout=10)
        assert arrived, errors.decode()
        assert worker.returncode == -signal.SIGKILL
        with app.app_context():
            # the claim is held: a pass now sends nothing
            assert webhooks.deliver_due().attempted == 0
            lease = timedelta(seconds=app.config["WEBHOOKS_LEASE_SECONDS"])
            report = webhooks.deliver_due(now=webhooks.utcnow() + lease + timedelta(seconds=2))
            assert report.sent == 1
        assert len(receiver.received) == 2
        first, second = receiver.received
        assert first.body == second.body
        assert first.headers["X-CareerFit-Event-Id"] == second.headers["X-CareerFit-Event-Id"]
    # the killed worker recorded nothing; the second pass one success
    assert attempt_codes(app) == [200]
    assert deliveries(app) == [("sent", 1)]


# SQLite runs one worker (docs/integrations.md)
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_workers_on_postgresql_never_send_one_delivery_twice(app: Flask) -> None:
    events = 12
    with webhook_receiver() as receiver:
        register(app, receiver.url)
        with app.app_context():
            for number in range(events):
                webhooks.enqueue(webhooks.RESULT_DELETED, {"token": f"token-{number}"})
            db.session.commit()
        start = threading.Barrier(2)
        sent: list[int] = []

        def work() -> None:
            with app.app_context():
                start.wait()
                while (report := webhooks.deliver_due(limit=2)).attempted:
                    sent.append(report.sent)

        workers = [threading.Thread(target=work) for _ in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
        ids = Counter(r.headers["X-CareerFit-Event-Id"] for r in receiver.received)
    assert len(ids) == events
    assert set(ids.values()) == {1}
    assert sum(sent) == events
    assert deliveries(app) == [("sent", 1)] * events


def test_the_worker_loop_sends_events_made_while_it_runs(app: Flask, database_url: str) -> None:
    with webhook_receiver() as receiver:
        register(app, receiver.url)
        environment = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-key",
            "WEBHOOKS_ALLOW_LOOPBACK": "1",
        }
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "flask",
                "--app",
                "quiz",
                "webhooks",
                "deliver",
                "--sleep",
                "0.2",
            ],
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            token = store_result(app)  # after the worker started: its loop finds it
            arrived = receiver.arrived.wait(60)
            # then the worker records the answer: wait for that, a bounded while
            deadline = time.monotonic() + 30
            while deliveries(app) != [("sent", 1)] and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            worker.terminate()
            _, errors = worker.communicate(timeout=10)
        assert arrived, errors.decode()
        (request,) = receiver.received
        assert json.loads(request.body)["data"]["token"] == token
    assert deliveries(app) == [("sent", 1)]
