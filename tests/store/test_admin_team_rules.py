"""The team's rules in quiz/store/admins.py: roles, the last owner, passwords, invitations
and their audit entries, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select

from quiz.db import db
from quiz.models import Admin, AdminInvitation, AuditEntry
from quiz.store import admins

PASSWORD = "a long team password"


def entries(action: str) -> list[tuple[str, str, str]]:
    rows = db.session.scalars(select(AuditEntry).where(AuditEntry.action == action))
    return [(e.admin_email, e.target, e.detail) for e in rows]


@pytest.fixture
def ctx(app: Flask):
    with app.app_context():
        yield


@pytest.mark.parametrize(
    "password",
    [
        "password1234",  # on the list itself
        "PASSWORD1234",  # whatever its case
        "qwerty123456",
        "dragon2026!!",  # a common one with digits and marks after it
        "!!monkey12345",
        "qwertyqwerty",  # a common one said twice
        "aaaaaaaaaaaaaaaa",  # one character again and again
        "abababababab",
    ],
)
def test_common_passwords_are_refused_in_plain_words(ctx, password):
    with pytest.raises(admins.PasswordRefused) as refused:
        admins.check_new_password(password)
    assert refused.value.reason == admins.PASSWORD_TOO_COMMON
    assert "passwords people use most" in str(refused.value)


@pytest.mark.parametrize("password", [PASSWORD, "correct horse battery", "Tr0ub4dor&3 river"])
def test_uncommon_long_passwords_pass(ctx, password):
    admins.check_new_password(password)


def test_a_short_password_is_refused_for_its_length_first(ctx):
    with pytest.raises(admins.PasswordRefused) as refused:
        admins.check_new_password("dragon")
    assert refused.value.reason == admins.PASSWORD_TOO_SHORT


def test_create_gives_a_role_and_records_it(ctx):
    admin = admins.create("Viewer@Example.com ", PASSWORD, actor="owner@example.com", role="viewer")
    assert (admin.email, admin.role) == ("viewer@example.com", "viewer")
    assert entries("create admin") == [("owner@example.com", "viewer@example.com", "role: viewer")]
    assert admins.create("o@example.com", PASSWORD, actor="x").role == "owner"


def test_create_refuses_a_taken_email_an_unknown_role_and_a_common_password(ctx):
    admins.create("a@example.com", PASSWORD, actor="x")
    with pytest.raises(admins.TeamRefused, match="already an admin"):
        admins.create("A@example.com", PASSWORD, actor="x")
    with pytest.raises(admins.TeamRefused, match="no role called"):
        admins.create("b@example.com", PASSWORD, actor="x", role="boss")
    with pytest.raises(admins.PasswordRefused):
        admins.create("b@example.com", "password1234", actor="x")
    assert db.session.scalar(select(func.count(Admin.id))) == 1


def test_the_last_owner_can_be_neither_demoted_nor_removed(ctx):
    owner = admins.create("owner@example.com", PASSWORD, actor="x")
    editor = admins.create("editor@example.com", PASSWORD, actor="x", role="editor")
    for change in (
        lambda: admins.set_role(owner, "editor", actor="x"),
        lambda: admins.set_role(owner, "viewer", actor="x"),
        lambda: admins.delete(owner, actor="x"),
    ):
        with pytest.raises(admins.TeamRefused) as refused:
            change()
        assert refused.value.reason == admins.LAST_OWNER
        assert "only owner" in str(refused.value)
    db.session.expire_all()
    assert db.session.get(Admin, owner.id).role == "owner"

    # with a second owner, the first may step down, and then the second is the last
    admins.set_role(editor, "owner", actor="owner@example.com")
    admins.set_role(owner, "viewer", actor="owner@example.com")
    assert entries("change admin role") == [
        ("owner@example.com", "editor@example.com", "role: editor → owner"),
        ("owner@example.com", "owner@example.com", "role: owner → viewer"),
    ]
    with pytest.raises(admins.TeamRefused):
        admins.delete(editor, actor="x")
    admins.delete(owner, actor="editor@example.com")
    assert entries("delete admin") == [("editor@example.com", "owner@example.com", "role: viewer")]


def test_reset_password_checks_the_rules_ends_sessions_and_is_recorded(ctx):
    admin = admins.create("a@example.com", PASSWORD, actor="x")
    nonce = admin.session_nonce
    with pytest.raises(admins.PasswordRefused):
        admins.reset_password(admin, "password1234", actor="command line")
    assert admin.session_nonce == nonce
    admins.reset_password(admin, "another long password", actor="command line")
    assert admin.check_password("another long password")
    assert admin.session_nonce != nonce
    assert entries("reset password") == [("command line", "a@example.com", "")]


def test_an_invitation_keeps_only_a_hash_and_is_accepted_once(ctx):
    made = admins.invite("New@Example.com", "editor", actor="owner@example.com")
    stored = db.session.scalar(select(AdminInvitation))
    assert stored.token_hash != made.token and made.token not in stored.token_hash
    assert stored.token_hash == admins.hash_token(made.token)
    assert admins.find_invitation(made.token) is stored
    assert admins.find_invitation(made.token + "x") is None
    assert admins.invitation_state(stored) == "open"
    assert list(admins.pending_invitations()) == [stored]

    admin = admins.accept_invitation(stored, PASSWORD)
    assert (admin.email, admin.role) == ("new@example.com", "editor")
    assert admins.invitation_state(stored) == "used"
    assert admins.pending_invitations() == []
    with pytest.raises(admins.TeamRefused):
        admins.accept_invitation(stored, PASSWORD)
    assert entries("invite admin") == [("owner@example.com", "new@example.com", "role: editor")]
    assert entries("accept invitation") == [
        ("new@example.com", "new@example.com", "role: editor; invited by owner@example.com")
    ]


def test_an_invitation_expires_after_72_hours(ctx):
    start = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    made = admins.invite("late@example.com", "viewer", actor="o@example.com", now=start)
    invitation = made.invitation
    almost = start + timedelta(hours=72) - timedelta(seconds=1)
    assert admins.invitation_state(invitation, almost) == "open"
    assert admins.invitation_state(invitation, start + timedelta(hours=72)) == "expired"
    with pytest.raises(admins.TeamRefused):
        admins.accept_invitation(invitation, PASSWORD, now=start + timedelta(hours=73))
    assert db.session.scalar(select(func.count(Admin.id))) == 0


def test_inviting_an_admin_is_refused_and_a_new_invitation_replaces_the_open_one(ctx):
    admins.create("here@example.com", PASSWORD, actor="x")
    with pytest.raises(admins.TeamRefused, match="already an admin"):
        admins.invite("HERE@example.com", "viewer", actor="x")
    first = admins.invite("two@example.com", "viewer", actor="x")
    second = admins.invite("two@example.com", "editor", actor="x")
    assert admins.invitation_state(first.invitation) == "withdrawn"
    assert list(admins.pending_invitations()) == [second.invitation]


def test_withdrawing_closes_the_link_and_is_recorded(ctx):
    made = admins.invite("w@example.com", "viewer", actor="o@example.com")
    admins.withdraw_invitation(made.invitation, actor="o@example.com")
    assert admins.invitation_state(made.invitation) == "withdrawn"
    with pytest.raises(admins.TeamRefused):
        admins.accept_invitation(made.invitation, PASSWORD)
    assert entries("withdraw invitation") == [("o@example.com", "w@example.com", "role: viewer")]


def test_accepting_refuses_a_common_password_and_keeps_the_link_open(ctx):
    made = admins.invite("p@example.com", "viewer", actor="o@example.com")
    with pytest.raises(admins.PasswordRefused):
        admins.accept_invitation(made.invitation, "password1234")
    assert admins.invitation_state(made.invitation) == "open"
    assert admins.find("p@example.com") is None
