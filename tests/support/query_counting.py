"""Count the SQL statements a block of code sends, to prove a page makes no N+1 queries."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from sqlalchemy import event

from quiz.db import db


@contextmanager
def counted_queries(app: Flask) -> Iterator[list[str]]:
    """Collect every statement ``app``'s engine runs while the block runs."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
