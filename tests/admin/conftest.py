"""Admin fixtures: an admin account and a client signed in through the real sign-in form."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from helpers import create_admin, sign_in


@pytest.fixture
def admin_client(app: Flask) -> FlaskClient:
    """A client signed in as an admin."""
    create_admin(app)
    client = app.test_client()
    response = sign_in(client)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client
