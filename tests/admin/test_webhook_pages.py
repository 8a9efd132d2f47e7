"""The webhooks page through the real stack: owners add and remove endpoints (the secret shown
once), send a test event and send a delivery again; refused addresses say why; editors and
viewers see nothing of it; every change is in the audit log, in words."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import TEST_CONFIG, create_admin, csrf_token, form_token, sign_in
from query_counting import counted_queries
from sqlalchemy import select
from webhook_receiver import webhook_receiver

from quiz import create_app
from quiz.db import db
from quiz.models import AuditEntry, WebhookDelivery, WebhookEndpoint
from quiz.store import secrets_at_rest, webhooks

SECRET = re.compile(r'id="webhook-secret" type="text" readonly value="([^"]+)"')


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    app = create_app(
        {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, "WEBHOOKS_ALLOW_LOOPBACK": True}
    )
    yield app
    with app.app_context():
        db.engine.dispose()


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def add(client: FlaskClient, url: str, *events: str):
    token = form_token(client, "/admin/webhooks")
    return client.post(
        "/admin/webhooks", data={"csrf_token": token, "url": url, "events": list(events)}
    )


def press(client: FlaskClient, action: str):
    """Press the button whose form posts to ``action`` on the webhooks page."""
    page = client.get("/admin/webhooks").get_data(as_text=True)
    assert f'action="{action}"' in page, f"no button posting to {action}"
    return client.post(action, data={"csrf_token": csrf_token(page)})


def audit_actions(app: Flask) -> list[str]:
    with app.app_context():
        query = select(AuditEntry.action).where(AuditEntry.action.like("%webhook%"))
        return list(db.session.scalars(query.order_by(AuditEntry.id)))


def endpoint_ids(app: Flask) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(WebhookEndpoint.id)))


def test_an_owner_adds_an_endpoint_and_sees_its_secret_once(app, admin_client):
    assert "Webhooks" in text(admin_client.get("/admin/"))
    response = add(admin_client, "https://crm.example.com/hooks/career-fit", "result.created")
    assert response.status_code == 201
    secret = SECRET.search(response.get_data(as_text=True)).group(1)
    assert secret.startswith("whsec_")
    with app.app_context():
        endpoint = db.session.scalars(select(WebhookEndpoint)).one()
        assert (endpoint.url, endpoint.events, webhooks.readable_secret(endpoint)) == (
            "https://crm.example.com/hooks/career-fit",
            "result.created",
            secret,
        )
    page = text(admin_client.get("/admin/webhooks"))
    assert "https://crm.example.com/hooks/career-fit" in page
    assert secret not in page
    assert audit_actions(app) == ["add webhook"]
    assert "Added a webhook endpoint" in text(admin_client.get("/admin/audit"))


def test_no_event_ticked_sends_every_event(app, admin_client):
    assert add(admin_client, "https://crm.example.com/all").status_code == 201
    with app.app_context():
        assert db.session.scalars(select(WebhookEndpoint.events)).one().split(",") == list(
            webhooks.EVENTS
        )


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://crm.example.com/hook", "Plain http:// is allowed only to 127.0.0.1"),
        ("ftp://crm.example.com/hook", "Use an https:// address"),
        ("https://10.1.2.3/hook", "private network"),
        ("https://localhost/hook", "private network"),
        ("https://user:pw@crm.example.com/hook", "user name and password"),
        ("not an address", "Type a whole address"),
        ("", "Type the address to send events to."),
        ("https://crm.example.com/" + "x" * 600, "At most 500 characters."),
    ],
)
def test_refused_addresses_say_why_and_save_nothing(app, admin_client, url, reason):
    response = add(admin_client, url)
    assert response.status_code == 422
    assert reason in text(response)
    assert endpoint_ids(app) == []
    assert audit_actions(app) == []


def test_loopback_http_is_refused_unless_the_setting_allows_it(app, admin_client):
    app.config["WEBHOOKS_ALLOW_LOOPBACK"] = False
    response = add(admin_client, "http://127.0.0.1:8080/hook")
    assert response.status_code == 422
    assert "only where the site allows it for tests" in text(response)
    app.config["WEBHOOKS_ALLOW_LOOPBACK"] = True
    assert add(admin_client, "http://127.0.0.1:8080/hook").status_code == 201


def test_an_unknown_event_is_refused(app, admin_client):
    response = add(admin_client, "https://crm.example.com/hook", "result.exploded")
    assert response.status_code == 422
    assert endpoint_ids(app) == []


def test_a_test_event_and_sending_again_reach_the_receiver(app, admin_client):
    with webhook_receiver() as receiver:
        add(admin_client, receiver.url, "result.deleted")
        (endpoint_id,) = endpoint_ids(app)
        response = press(admin_client, f"/admin/webhooks/{endpoint_id}/test")
        assert response.status_code == 302
        assert "A test event is queued" in text(admin_client.get("/admin/webhooks"))
        with app.app_context():
            assert webhooks.deliver_due().sent == 1
        page = text(admin_client.get("/admin/webhooks"))
        assert "Delivered" in page and "HTTP 200" in page
        with app.app_context():
            delivery_id = db.session.scalars(select(WebhookDelivery.id)).one()
        press(admin_client, f"/admin/webhooks/deliveries/{delivery_id}/again")
        with app.app_context():
            assert webhooks.deliver_due().sent == 1
        first, again = (json.loads(r.body) for r in receiver.received)
    assert first["type"] == "webhook.test"
    assert first["id"] == again["id"]  # the same event: the receiver can drop it
    assert audit_actions(app) == ["add webhook", "test webhook", "resend webhook"]
    log = text(admin_client.get("/admin/audit"))
    assert "Sent a test event to a webhook endpoint" in log
    assert "Sent a webhook event again" in log


def test_an_owner_removes_an_endpoint_after_confirming(app, admin_client):
    add(admin_client, "https://crm.example.com/hook")
    (endpoint_id,) = endpoint_ids(app)
    press(admin_client, f"/admin/webhooks/{endpoint_id}/test")
    path = f"/admin/webhooks/{endpoint_id}/remove"
    assert "Remove this endpoint?" in text(admin_client.get(path))
    assert endpoint_ids(app) == [endpoint_id]
    response = admin_client.post(path, data={"csrf_token": form_token(admin_client, path)})
    assert response.status_code == 302
    assert endpoint_ids(app) == []
    with app.app_context():
        assert db.session.scalars(select(WebhookDelivery)).all() == []
    assert audit_actions(app)[-1] == "remove webhook"
    assert "Removed a webhook endpoint" in text(admin_client.get("/admin/audit"))


def test_unknown_endpoints_and_deliveries_are_not_found(admin_client):
    assert admin_client.get("/admin/webhooks/999/remove").status_code == 404
    token = form_token(admin_client, "/admin/webhooks")
    for path in ("/admin/webhooks/999/test", "/admin/webhooks/deliveries/999/again"):
        assert admin_client.post(path, data={"csrf_token": token}).status_code == 404


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_editors_and_viewers_see_nothing_of_the_webhooks(app, role):
    create_admin(app, f"{role}@example.com", role=role)
    client = app.test_client()
    assert sign_in(client, f"{role}@example.com").status_code == 302
    assert "Webhooks" not in text(client.get("/admin/"))
    assert client.get("/admin/webhooks").status_code == 403
    token = form_token(client, "/admin/account/password")
    response = client.post(
        "/admin/webhooks", data={"csrf_token": token, "url": "https://a.example"}
    )
    assert response.status_code == 403
    assert endpoint_ids(app) == []


def test_the_webhooks_page_and_its_refusal_are_in_german(app, admin_client):
    german = {"Accept-Language": "de-DE,de;q=0.9"}
    page = text(admin_client.get("/admin/webhooks", headers=german))
    assert "Endpunkt hinzufügen" in page and "Noch keine Endpunkte" in page
    token = form_token(admin_client, "/admin/webhooks")
    refused = admin_client.post(
        "/admin/webhooks",
        data={"csrf_token": token, "url": "http://crm.example.com/hook"},
        headers=german,
    )
    assert refused.status_code == 422
    assert "Unverschlüsseltes http:// ist nur an 127.0.0.1 erlaubt" in text(refused)


def endpoints_with_tried_deliveries(app: Flask, endpoints: int, deliveries: int) -> None:
    """Add ``endpoints`` endpoints, each with ``deliveries`` test events tried twice (500s)."""
    answers = [500] * (2 * endpoints * deliveries)
    with webhook_receiver(answers=answers) as receiver, app.app_context():
        for number in range(endpoints):
            made = webhooks.add_endpoint(f"{receiver.url}/{number}", [])
            for _ in range(deliveries):
                webhooks.send_test(webhooks.find_endpoint(made.id))
        db.session.commit()
        start = webhooks.utcnow()
        for later in (0, 31):
            webhooks.deliver_due(now=start + timedelta(seconds=later), limit=1000)


def test_the_webhooks_page_asks_the_same_queries_however_many_deliveries(app, admin_client):
    endpoints_with_tried_deliveries(app, endpoints=1, deliveries=1)
    admin_client.get("/admin/webhooks")  # warms what any first view loads
    with counted_queries(app) as few:
        page = text(admin_client.get("/admin/webhooks"))
    assert page.count("HTTP 500") == 1

    endpoints_with_tried_deliveries(app, endpoints=3, deliveries=25)
    with counted_queries(app) as many:
        page = text(admin_client.get("/admin/webhooks"))
    # twenty newest deliveries of each endpoint, each with its latest attempt
    assert page.count("HTTP 500") == 1 + 3 * 20
    assert len(many) == len(few), many


def test_an_endpoint_whose_secret_cannot_be_read_is_shown_failing(app, admin_client):
    with webhook_receiver() as receiver:
        add(admin_client, receiver.url)
        (endpoint_id,) = endpoint_ids(app)
        assert "Failing:" not in text(admin_client.get("/admin/webhooks"))
        with app.app_context():
            endpoint = webhooks.find_endpoint(endpoint_id)
            # as if SECRET_KEY had changed since the endpoint was added
            endpoint.secret_encrypted = secrets_at_rest.encrypt(
                "whsec_old", secrets_at_rest.WEBHOOK_SIGNING, "the SECRET_KEY of before"
            )
            db.session.commit()
        press(admin_client, f"/admin/webhooks/{endpoint_id}/test")
        with app.app_context():
            assert webhooks.deliver_due().retrying == 1
        assert receiver.received == []
    page = text(admin_client.get("/admin/webhooks"))
    assert "Failing:" in page
    assert "signing secret cannot be read with the current SECRET_KEY" in page
    german = text(admin_client.get("/admin/webhooks", headers={"Accept-Language": "de"}))
    assert "Schlägt fehl:" in german
