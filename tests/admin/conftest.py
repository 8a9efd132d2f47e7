"""Admin fixtures: an admin account and a client signed in through the real sign-in form."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import csrf_token
from werkzeug.security import generate_password_hash

from quiz.db import db
from quiz.models import Admin

ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "a long admin password"


def create_admin(app: Flask, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD) -> None:
    with app.app_context():
        # a one-round hash keeps sign-in fast in tests; the app itself hashes with scrypt
        admin = Admin(
            email=email, password_hash=generate_password_hash(password, "pbkdf2:sha256:1")
        )
        db.session.add(admin)
        db.session.commit()


def sign_in(client: FlaskClient, email: str = ADMIN_EMAIL, password: str = ADMIN_PASSWORD):
    page = client.get("/admin/sign-in").get_data(as_text=True)
    return client.post(
        "/admin/sign-in",
        data={"csrf_token": csrf_token(page), "email": email, "password": password},
    )


@pytest.fixture
def admin_client(app: Flask) -> FlaskClient:
    """A client signed in as an admin."""
    create_admin(app)
    client = app.test_client()
    response = sign_in(client)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


def form_token(client: FlaskClient, url: str) -> str:
    """Return the CSRF token from the page at ``url``."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return csrf_token(response.get_data(as_text=True))
