"""Insert a row once: the database's unique key decides, so two requests racing store one.

``INSERT ... ON CONFLICT (key) DO NOTHING`` on SQLite and PostgreSQL alike: on PostgreSQL an
insert that clashes with a row another transaction has not yet committed waits for it, then
does nothing. A look beforehand cannot do this (both requests look, see nothing, insert),
and a savepoint to recover from the IntegrityError is unreliable on SQLite, where the
Python driver starts no transaction before a SAVEPOINT: releasing the savepoint would then
commit the caller's transaction half done.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import InstrumentedAttribute

from quiz.db import db

Row = TypeVar("Row")


def insert_once(
    model: type[Row], values: dict[str, Any], key: InstrumentedAttribute[Any]
) -> Row | None:
    """Insert a ``model`` row of ``values`` unless one with the same unique ``key`` is stored.

    Returns the new row, or None when one was stored already (the caller reads that one).
    The caller commits.
    """
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(model).values(**values).on_conflict_do_nothing(index_elements=[key]).returning(model)
    )
    return db.session.scalars(statement).one_or_none()
