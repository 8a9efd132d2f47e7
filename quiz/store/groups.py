"""Groups: a counsellor's, teacher's or bootcamp's people taking the quiz through one link.

Who owns, sees and manages a group (the one rule, stated here and enforced by
:func:`may_manage` and :func:`may_choose_owner`): every admin may create a group. A viewer's
group is always their own; an owner or editor chooses which admin it belongs to (themselves
unless they choose another), and may later give any group to another admin, so a counsellor
with the viewer role can be handed a group to run. Owners and editors see and manage every
group; a viewer sees and manages only the groups they own. A group whose owner was removed
is left to owners and editors.

A group is joined by its join link (``join_code``, unguessable) or by typing its short code
(:data:`SHORT_CODE_ALPHABET`, no look-alike characters). Joining only remembers the group in
the person's session; the member is added when their result is stored, in the same
transaction (:func:`record_finished`). Deleting the result takes them out of every group
(:func:`leave_groups`); deleting a group takes its memberships, never the results.

What the group's owner sees of a member: the name they gave (else "Member 7"), their top
role and fits, and a link to their result only if they allowed it (``shares_result``).
The members' CSV can be narrowed by the analytics filter (:class:`ResultFilter`): a member is
in it when their result is one the filter picks, by the same conditions as the results export.
"""

from __future__ import annotations

import csv
import io
import secrets
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.sql import Select

from quiz.core.admin_roles import EDITOR, allows
from quiz.db import db
from quiz.models import Admin, Group, GroupMember, GroupStart, Result
from quiz.store import webhooks
from quiz.store.analytics import ResultFilter
from quiz.store.audit import record
from quiz.store.export import safe_cell
from quiz.store.once import insert_once

# No 0/O, no 1/I/L: what a person reads off a board they can type back.
SHORT_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
SHORT_CODE_LENGTH = 8
JOIN_CODE_BYTES = 24
MAX_NAME_LENGTH = 120
MAX_DISPLAY_NAME_LENGTH = 60
# a join page in the frame lives a day (its ticket expires): its starts are kept a little longer
STARTS_KEPT = timedelta(days=2)


def new_short_code() -> str:
    return "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH))


def typed_short_code(text: str) -> str:
    """Read a short code as typed: any case, spaces and dashes ignored."""
    return "".join(c for c in text.upper() if c not in " -\t")


def may_manage(admin: Admin, group: Group) -> bool:
    """Tell whether ``admin`` may see and manage ``group`` (see the module docstring)."""
    return allows(admin.role, EDITOR) or group.owner_id == admin.id


def may_choose_owner(admin: Admin) -> bool:
    """Tell whether ``admin`` may choose a group's owner, new or existing (owners and editors)."""
    return allows(admin.role, EDITOR)


def owner_choices() -> list[Admin]:
    """Return the admins a group may be given to: every admin, by email."""
    return list(db.session.scalars(select(Admin).order_by(Admin.email)))


def visible_groups(admin: Admin) -> Select[tuple[Group]]:
    """Select the groups ``admin`` may see, newest first."""
    query = select(Group).order_by(Group.created_at.desc(), Group.id.desc())
    if not allows(admin.role, EDITOR):
        query = query.where(Group.owner_id == admin.id)
    return query


def create_group(
    name: str, closes_on: date | None, owner: Admin | None, actor: str | None = None
) -> Group:
    """Create a group owned by ``owner`` (None: owners and editors see it) with fresh codes;
    the caller commits. Who may pass another admin as ``owner`` is :func:`may_choose_owner`'s
    rule, checked by the caller that knows who asks."""
    taken = set(db.session.scalars(select(Group.short_code)))
    short_code = new_short_code()
    while short_code in taken:  # 31**8 codes: a clash is rare, but possible
        short_code = new_short_code()
    group = Group(
        name=name.strip()[:MAX_NAME_LENGTH],
        owner=owner,
        join_code=secrets.token_urlsafe(JOIN_CODE_BYTES),
        short_code=short_code,
        closes_on=closes_on,
    )
    db.session.add(group)
    detail = f"{short_code}, owner: {owner.email}" if owner else short_code
    record("create group", f"group {group.name}", detail=detail, actor=actor)
    return group


def give_group(group: Group, owner: Admin, actor: str | None = None) -> None:
    """Give ``group`` to the admin ``owner``, recorded in the audit log; the caller commits.

    The new owner sees and manages it from now on, viewer or not (see the module docstring).
    """
    before = group.owner.email if group.owner else "nobody"
    group.owner = owner
    record("give group", f"group {group.name}", detail=f"{before} → {owner.email}", actor=actor)


def find_by_join_code(code: str) -> Group | None:
    if not 16 <= len(code) <= 64:
        return None  # not a code we could have issued: no need to ask the database
    return db.session.scalar(select(Group).where(Group.join_code == code))


def find_by_short_code(text: str) -> Group | None:
    code = typed_short_code(text)
    if len(code) != SHORT_CODE_LENGTH:
        return None
    return db.session.scalar(select(Group).where(Group.short_code == code))


def find_by_name(name: str) -> Group | None:
    """Return the newest group called ``name`` (names need not be unique), or None."""
    return db.session.scalar(
        select(Group).where(Group.name == name).order_by(Group.id.desc()).limit(1)
    )


def is_open(group: Group, today: date | None = None) -> bool:
    """A group takes new members until it is closed or its closing day has passed."""
    today = today or datetime.now(UTC).date()
    if group.closed_at is not None:
        return False
    return group.closes_on is None or today <= group.closes_on


def count_opened(group: Group) -> None:
    """Count one more browser opening the join page (the caller commits)."""
    db.session.execute(update(Group).where(Group.id == group.id).values(opened=Group.opened + 1))


def count_started(group: Group) -> None:
    """Count one more browser joining to take the quiz (the caller commits)."""
    db.session.execute(update(Group).where(Group.id == group.id).values(started=Group.started + 1))


def count_started_once(group: Group, finish_id: str | None) -> None:
    """Count a join in the frame as started once per run (its ``finish_id``); the caller commits.

    The join form sent twice carries the same finish id: the second is not counted
    (:class:`quiz.models.GroupStart`; :func:`quiz.store.once.insert_once` keeps it race-safe).
    Without a finish id (a join page from before they were given) every join counts.
    """
    now = datetime.now(UTC)
    db.session.execute(delete(GroupStart).where(GroupStart.started_at < now - STARTS_KEPT))
    if finish_id is not None:
        values = {"finish_id": finish_id, "group_id": group.id, "started_at": now}
        if insert_once(GroupStart, values, GroupStart.finish_id) is None:
            return
    count_started(group)


def record_finished(
    group_id: int, result: Result, display_name: str = "", shares_result: bool = False
) -> GroupMember | None:
    """Add ``result``'s taker to group ``group_id`` as they finish; the caller commits, with
    the result, so both are stored or neither.

    Returns the membership, or None when the group is gone (deleted while they took the
    quiz). A result already in the group (its finish sent twice) keeps its one membership.
    A group closed meanwhile still takes someone who joined before it closed.
    The ``group.member_finished`` webhook event goes in the outbox in the same transaction:
    the group, the member's number, the name they gave the group, their fits, and their
    result's link only when they let the group's owner open it.
    """
    group = db.session.get(Group, group_id)
    if group is None:
        return None
    if result.id is not None:
        # the same finish sent again returns the result stored first (create_result's
        # finish id), whose membership is already stored: no second member, no second event
        already = db.session.scalar(
            select(GroupMember).where(
                GroupMember.group_id == group_id, GroupMember.result_id == result.id
            )
        )
        if already is not None:
            return already
    last = db.session.scalar(
        select(func.max(GroupMember.number)).where(GroupMember.group_id == group_id)
    )
    member = GroupMember(
        group_id=group_id,
        result=result,
        number=(last or 0) + 1,
        display_name=display_name.strip()[:MAX_DISPLAY_NAME_LENGTH],
        shares_result=shares_result,
    )
    db.session.add(member)
    webhooks.enqueue(
        webhooks.GROUP_MEMBER_FINISHED,
        {
            "group": {"id": group.id, "name": group.name},
            "member": member.number,
            "display_name": member.display_name,
            "top_role": result.top_role,
            "ranking": [
                {"role": fit["role"], "fit": fit["fit"]}
                for fit in result.outcome.get("ranking", [])
            ],
            "share_url": webhooks.share_url(result.share_token) if shares_result else None,
        },
    )
    return member


def leave_groups(result: Result) -> None:
    """Take a deleted result out of every group (the caller commits)."""
    db.session.execute(delete(GroupMember).where(GroupMember.result_id == result.id))


def close_group(group: Group) -> None:
    group.closed_at = datetime.now(UTC)
    record("close group", f"group {group.name}")


def reopen_group(group: Group) -> None:
    """Open a closed group again; a closing day already past is cleared, or it stays shut."""
    group.closed_at = None
    if group.closes_on is not None and group.closes_on < datetime.now(UTC).date():
        group.closes_on = None
    record("reopen group", f"group {group.name}")


def delete_group(group: Group) -> None:
    """Delete a group and its memberships; the results stay with their takers."""
    db.session.execute(delete(GroupMember).where(GroupMember.group_id == group.id))
    record("delete group", f"group {group.name}", detail=group.short_code)
    db.session.delete(group)


@dataclass(frozen=True)
class MemberRow:
    """One member as the group's owner sees them."""

    number: int
    display_name: str
    joined_at: datetime
    mode: str
    top_role: str
    fits: dict[str, int]
    # the result's share token, only when the member allowed the owner to see it
    share_token: str | None


def members(group: Group, result_filter: ResultFilter | None = None) -> list[MemberRow]:
    """Return the group's members with undeleted results, in the order they joined; with
    ``result_filter``, only those whose result it picks."""
    conditions = result_filter.result_conditions() if result_filter else []
    rows = db.session.execute(
        select(GroupMember, Result)
        .join(Result, GroupMember.result_id == Result.id)
        .where(GroupMember.group_id == group.id, Result.deleted_at.is_(None), *conditions)
        .order_by(GroupMember.number)
    ).all()
    return [
        MemberRow(
            number=member.number,
            display_name=member.display_name,
            joined_at=member.joined_at,
            mode=result.mode,
            top_role=result.top_role,
            fits={r["role"]: r["fit"] for r in (result.outcome or {}).get("ranking", [])},
            share_token=result.share_token if member.shares_result else None,
        )
        for member, result in rows
    ]


def top_roles(rows: list[MemberRow]) -> dict[str, int]:
    """Count members by top role, most first."""
    return dict(Counter(row.top_role for row in rows).most_common())


def average_profile(group: Group) -> dict[str, float]:
    """Return the members' average profile, by dimension, over those who have a value."""
    outcomes = db.session.scalars(
        select(Result.outcome)
        .join(GroupMember, GroupMember.result_id == Result.id)
        .where(GroupMember.group_id == group.id, Result.deleted_at.is_(None))
    )
    totals: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    for outcome in outcomes:
        for key, value in (outcome or {}).get("profile", {}).items():
            if isinstance(value, int | float):
                totals[key] += value
                counts[key] += 1
    return {key: totals[key] / counts[key] for key in totals}


def summary(group: Group) -> dict[str, Any]:
    """Return the group as JSON-ready data: counts, the mix of top roles and the members."""
    rows = members(group)
    return {
        "name": group.name,
        "opened": group.opened,
        "started": group.started,
        "finished": len(rows),
        "open": is_open(group),
        "closes_on": group.closes_on.isoformat() if group.closes_on else None,
        "top_roles": top_roles(rows),
        "members": [
            {
                "number": row.number,
                "display_name": row.display_name or None,
                "top_role": row.top_role,
                "fits": row.fits,
                "mode": row.mode,
                "share_token": row.share_token,
            }
            for row in rows
        ],
    }


def members_csv(
    group: Group, result_url: Any = None, result_filter: ResultFilter | None = None
) -> Iterator[str]:
    """Yield the group's members as CSV: ``member, display_name, joined_at, mode, top_role``,
    a ``fit_<role>`` column per role any member has, then ``result_link`` (empty unless the
    member allowed it; ``result_url`` turns a share token into a link). With
    ``result_filter``, only the members whose result it picks.

    Display names are the members' own text: guarded like every exported text cell
    (:func:`quiz.store.export.safe_cell`).
    """
    rows = members(group, result_filter)
    roles = list(dict.fromkeys(role for row in rows for role in row.fits))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    header = ["member", "display_name", "joined_at", "mode", "top_role"]
    writer.writerow([*header, *(f"fit_{role}" for role in roles), "result_link"])
    for row in rows:
        link = result_url(row.share_token) if row.share_token and result_url else ""
        writer.writerow(
            [
                row.number,
                safe_cell(row.display_name),
                row.joined_at.astimezone(UTC).isoformat(timespec="seconds")
                if row.joined_at.tzinfo
                else row.joined_at.isoformat(timespec="seconds"),
                row.mode,
                row.top_role,
                *(row.fits.get(role, "") for role in roles),
                link,
            ]
        )
    yield buffer.getvalue()
