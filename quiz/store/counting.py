"""What the kept counts share: adding to count rows, and the fold mark's lock.

The analytics counts (:mod:`quiz.store.analytics`) and the statistics counts
(:mod:`quiz.store.statistics`) are both kept by adding to rows, never by reading results
again, and both move with the fold mark: a result is in them once its id is at or
below the mark. Whoever changes a result that may be in them takes the mark's lock
first (:func:`lock_fold_mark`), so a fold never runs between reading a result and
counting the change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite

from quiz.db import db
from quiz.models import CountedResults

# the one row of CountedResults
MARK_ID = 1


def database_insert(table: type[Any]) -> Any:
    """Return the database's own INSERT, which can say what to do on a conflict."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def add_to_counts(
    table: type[Any], columns: Sequence[str], counts: Mapping[tuple[Any, ...], int]
) -> None:
    """Add ``counts`` to ``table``, creating rows as needed (the caller commits).

    Each key of ``counts`` gives the values of ``columns``, the table's key, in order.
    """
    rows = [
        {**dict(zip(columns, key, strict=True)), "count": amount}
        # in key order, so concurrent writers lock rows in the same order and never deadlock
        for key, amount in sorted(counts.items())
        if amount
    ]
    if not rows:
        return
    statement = database_insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=[c.name for c in table.__table__.primary_key.columns],
        set_={"count": table.count + statement.excluded["count"]},
    )
    # one statement for all the rows: SQLAlchemy compiles it once and sends multi-row batches
    db.session.execute(statement, rows)


def lock_fold_mark() -> int | None:
    """Take the fold mark's row lock until commit; return the last result id folded in.

    None before the first fold (no result is in the counts then).
    """
    return db.session.execute(
        update(CountedResults)
        .where(CountedResults.id == MARK_ID)
        .values(last_result_id=CountedResults.last_result_id)
        .returning(CountedResults.last_result_id)
    ).scalar()
