"""Many stored results at once, as people would leave them, for the statistics about takers.

Taking the quiz through the test client a hundred times is slow; these are stored
directly, answered the way `flask demo-results` answers (each leaning towards a role,
scored and flagged as a real result is) but, unlike demo results, not marked synthetic.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from quiz.db import db
from quiz.models import Result
from quiz.store import analytics
from quiz.store.demo import make_respondents
from quiz.store.publishing import latest_version_id, published_bank
from quiz.store.results import new_share_token


def insert_people_results(count: int, *, seed: int = 0, fold: bool = True) -> None:
    """Store ``count`` full-quiz results of the latest version, not synthetic, and fold them in
    (unless ``fold`` is false).

    Call inside an app context. They are an hour old, so the fold counts them at once.
    """
    version_id = latest_version_id()
    assert version_id is not None
    created_at = datetime.now(UTC) - timedelta(hours=1)
    for person in make_respondents(published_bank(version_id), count, random.Random(seed)):
        db.session.add(
            Result(
                share_token=new_share_token(),
                quiz_version_id=version_id,
                answers=person.answers,
                outcome=person.outcome,
                top_role=person.top_role,
                created_at=created_at,
                seconds_taken=person.seconds_taken,
                careless=person.careless,
                mode="full",
            )
        )
    db.session.commit()
    while fold and analytics.fold_new_results():
        pass


def real_careful_answers(version_id: int) -> list[dict[str, str]]:
    """Return the answers of every real, careful, undeleted full-quiz result, newest first."""
    return list(
        db.session.scalars(
            select(Result.answers)
            .where(
                Result.quiz_version_id == version_id,
                Result.synthetic.is_(False),
                Result.careless.is_(None),
                Result.deleted_at.is_(None),
                Result.mode == "full",
            )
            .order_by(Result.id.desc())
        )
    )


def count_results(*conditions: object) -> int:
    """Return how many stored results meet ``conditions``."""
    return db.session.scalar(select(func.count()).select_from(Result).where(*conditions)) or 0
