"""Registering a webhook endpoint and counting the outbox's rows, for the webhook tests."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from quiz.db import db
from quiz.store import webhooks


def register(app: Flask, url: str, *events: str) -> webhooks.NewEndpoint:
    """Register an endpoint for ``events`` (every event when none), as an owner would."""
    with app.app_context():
        made = webhooks.add_endpoint(url, events, actor="owner@example.com")
        db.session.commit()
        return made


def count(app: Flask, model: type) -> int:
    """Return how many rows of ``model`` the database holds."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))
