"""Kept pages in tests: takers, deletion, templates rendered, and two apps sharing one cache."""

from __future__ import annotations

import html
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask, template_rendered
from flask.testing import FlaskClient
from helpers import TEST_CONFIG, QuizTaker, csrf_token, varied

from quiz import create_app
from quiz.db import db


@contextmanager
def rendered_templates(app: Flask) -> Iterator[list[str]]:
    """Collect the name of every template ``app`` renders while the block runs."""
    names: list[str] = []

    def record(sender: Flask, template: Any, context: Any, **extra: Any) -> None:
        names.append(template.name)

    template_rendered.connect(record, app)
    try:
        yield names
    finally:
        template_rendered.disconnect(record, app)


def take(client: FlaskClient, choose=varied) -> str:
    """Take the quiz in ``client`` (whose first view shows the delete link); return the path."""
    taker = QuizTaker(client)
    path = urlsplit(taker.finish(choose)).path
    client.delete_path = urlsplit(html.unescape(taker.delete_url)).path  # type: ignore[attr-defined]
    return path


def delete(client: FlaskClient) -> None:
    path = client.delete_path  # type: ignore[attr-defined]
    page = client.get(path).text
    assert client.post(path, data={"csrf_token": csrf_token(page)}).status_code == 200


@pytest.fixture(params=["RedisCache", "FileSystemCache"])
def shared_cache(request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """A cache two apps share: real Redis under this test's own key prefix, or one folder."""
    if request.param == "RedisCache":
        prefix = request.getfixturevalue("key_prefix")  # its keys are removed after the test
        return {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": request.getfixturevalue("redis_url"),
            "CACHE_KEY_PREFIX": f"{prefix}:",
        }
    return {"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": str(tmp_path / "page-cache")}


@pytest.fixture
def two_apps(database_url: str, shared_cache: dict[str, str]) -> Iterator[tuple[Flask, Flask]]:
    """Two apps, as on two hosts: one database, one page cache."""
    apps = tuple(
        create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, **shared_cache})
        for _ in range(2)
    )
    yield apps  # type: ignore[misc]
    for app in apps:
        with app.app_context():
            db.engine.dispose()
