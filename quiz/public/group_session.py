"""The group a browser joined, kept in its session until the quiz's result is stored.

Kept apart from the group views so the quiz's finish (quiz/public/views.py) can use it.
"""

from __future__ import annotations

from flask import session

from quiz.models import Result
from quiz.store import groups

# The group this browser joined and has not finished the quiz for: {"id", "name", "share"}.
JOINING = "group_joining"
# Groups whose join page this browser opened, and those it finished the quiz in.
OPENED = "groups_opened"
FINISHED = "groups_finished"


def ids_kept(key: str) -> list[int]:
    kept = session.get(key)
    return [i for i in kept if isinstance(i, int)] if isinstance(kept, list) else []


def joining_group() -> dict[str, object] | None:
    """Return the group this browser joined and has not yet finished in, or None."""
    joining = session.get(JOINING)
    if isinstance(joining, dict) and isinstance(joining.get("id"), int):
        return joining
    return None


def attach_to_group(result: Result) -> int | None:
    """Add a result being stored to the group this browser joined (the caller commits).

    Returns the group's id, for :func:`finished_in_group` after the commit.
    """
    joining = joining_group()
    if joining is None:
        return None
    member = groups.record_finished(
        int(str(joining["id"])),
        result,
        str(joining.get("name") or ""),
        bool(joining.get("share")),
    )
    return member.group_id if member is not None else None


def finished_again() -> None:
    """Forget the joined group when a finish already committed is sent again: the result,
    and with it the membership, was stored the first time."""
    joining = joining_group()
    finished_in_group(int(str(joining["id"])) if joining is not None else None)


def finished_in_group(group_id: int | None) -> None:
    """Forget the joined group once its result is stored, so a second quiz adds no member."""
    session.pop(JOINING, None)
    if group_id is not None:
        session[FINISHED] = [*ids_kept(FINISHED), group_id][-20:]
