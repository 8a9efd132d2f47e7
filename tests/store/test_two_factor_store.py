"""The rules of two-factor sign-in, through the store's services on both databases.

Codes from the app are accepted within a step of the server's clock and never twice; recovery
codes are stored only as salted hashes and sign in once; turning it off takes the password
and a code; the site-wide requirement needs its setter to have it on. Times are given to the
services as seconds since the epoch, so every step boundary is where the test puts it.
"""

from __future__ import annotations

import re

import pyotp
import pytest
from flask import Flask
from helpers import ADMIN_EMAIL, ADMIN_PASSWORD, create_admin
from sqlalchemy import func, select

from quiz.db import db
from quiz.models import Admin, AdminTwoFactor, AuditEntry, RecoveryCode, SiteSetting
from quiz.store import admins
from quiz.store import two_factor as second_factor

# the start of a 30-second step, well after the epoch
T0 = 1_800_000_000.0
RECOVERY_CODE = re.compile(r"^[a-hjkmnp-z2-9]{4}-[a-hjkmnp-z2-9]{4}-[a-hjkmnp-z2-9]{4}$")
OTHER_EMAIL = "other@example.com"


def code_at(secret: str, seconds: float) -> str:
    return pyotp.TOTP(secret).at(seconds)


@pytest.fixture
def admin(app: Flask):
    """The test admin, inside an app context, for the services to work on."""
    create_admin(app)
    with app.app_context():
        yield db.session.scalar(select(Admin).where(Admin.email == ADMIN_EMAIL))


def turned_on(admin: Admin, at: float = T0) -> tuple[str, list[str]]:
    secret = second_factor.new_secret()
    codes = second_factor.turn_on(admin, secret, code_at(secret, at), now=at)
    return secret, codes


def audit_actions() -> list[tuple[str, str, str]]:
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
    return [(e.action, e.target, e.detail) for e in entries]


def test_turning_on_stores_the_secret_encrypted_and_ten_hashed_recovery_codes(admin):
    secret, codes = turned_on(admin)

    assert second_factor.is_on(admin)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(RECOVERY_CODE.match(code) for code in codes), codes
    stored = db.session.get(AdminTwoFactor, admin.id)
    assert secret not in stored.secret_encrypted
    assert second_factor.decrypt_secret(stored.secret_encrypted) == secret
    hashes = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(hashes) == 10
    assert not any(code in h or code.replace("-", "") in h for code in codes for h in hashes)
    assert len({h.partition("$")[0] for h in hashes}) == 10, "each code has a salt of its own"
    assert audit_actions()[-1] == ("turn on two-factor", ADMIN_EMAIL, "")


def test_another_secret_key_cannot_read_the_stored_secret(app, admin, monkeypatch):
    secret, _codes = turned_on(admin)
    token = db.session.get(AdminTwoFactor, admin.id).secret_encrypted
    monkeypatch.setitem(app.config, "SECRET_KEY", "another key")

    assert second_factor.decrypt_secret(token) is None
    assert second_factor.check_code(admin, code_at(secret, T0 + 30), now=T0 + 30) is None


def test_a_wrong_first_code_saves_nothing(admin):
    secret = second_factor.new_secret()
    wrong = f"{(int(code_at(secret, T0)) + 1) % 1_000_000:06d}"

    with pytest.raises(second_factor.TwoFactorRefused) as refused:
        second_factor.turn_on(admin, secret, wrong, now=T0)

    assert refused.value.field == "code"
    assert not second_factor.is_on(admin)
    assert db.session.scalar(select(func.count(RecoveryCode.id))) == 0
    assert not any("two-factor" in action for action, _target, _detail in audit_actions())


@pytest.mark.parametrize(
    ("offset", "accepted"),
    [(-60, False), (-30, True), (0, True), (29, True), (30, True), (61, False)],
)
def test_a_code_is_accepted_one_step_either_side_of_the_clock(admin, offset, accepted):
    secret, _codes = turned_on(admin, at=T0 - 300)
    now = T0 + 10

    kind = second_factor.check_code(admin, code_at(secret, now + offset), now=now)

    assert kind == ("app" if accepted else None)


def test_a_code_is_never_accepted_twice_nor_one_older_than_the_last(admin):
    secret, _codes = turned_on(admin, at=T0)
    # the code that turned it on is used already
    assert second_factor.check_code(admin, code_at(secret, T0), now=T0 + 5) is None

    assert second_factor.check_code(admin, code_at(secret, T0 + 30), now=T0 + 35) == "app"
    assert second_factor.check_code(admin, code_at(secret, T0 + 30), now=T0 + 40) is None
    assert second_factor.check_code(admin, code_at(secret, T0), now=T0 + 40) is None
    assert second_factor.check_code(admin, code_at(secret, T0 + 60), now=T0 + 65) == "app"


@pytest.mark.parametrize("spelling", ["as given", "upper case", "no dashes", "spaced"])
def test_a_recovery_code_signs_in_once_however_it_is_typed(admin, spelling):
    _secret, codes = turned_on(admin)
    code = codes[3]
    typed = {
        "as given": code,
        "upper case": code.upper(),
        "no dashes": code.replace("-", ""),
        "spaced": f" {code.replace('-', ' ')} ",
    }[spelling]

    assert second_factor.check_code(admin, typed, now=T0) == "recovery"
    assert second_factor.recovery_codes_left(admin) == 9
    assert second_factor.check_code(admin, code, now=T0) is None
    assert audit_actions()[-1] == ("use recovery code", ADMIN_EMAIL, "9 left")
    # the others still work
    assert second_factor.check_code(admin, codes[4], now=T0) == "recovery"


def test_nonsense_is_no_code(admin):
    turned_on(admin)
    for typed in ("", "      ", "12345", "1234567", "abcdef", "abcd-efgh-jkmn", "x" * 40):
        assert second_factor.check_code(admin, typed, now=T0 + 30) is None


def test_new_recovery_codes_replace_the_old_set(admin):
    secret, old = turned_on(admin)

    new = second_factor.regenerate_recovery_codes(admin, code_at(secret, T0 + 30), now=T0 + 30)

    assert len(new) == 10 and not set(new) & set(old)
    assert second_factor.recovery_codes_left(admin) == 10
    assert second_factor.check_code(admin, old[0], now=T0 + 30) is None
    assert second_factor.check_code(admin, new[0], now=T0 + 30) == "recovery"
    assert ("new recovery codes", ADMIN_EMAIL, "") in audit_actions()


def test_new_recovery_codes_need_a_fresh_code_from_the_app(admin):
    secret, old = turned_on(admin)
    for code in (code_at(secret, T0), old[0]):
        with pytest.raises(second_factor.TwoFactorRefused):
            second_factor.regenerate_recovery_codes(admin, code, now=T0 + 5)
    assert second_factor.check_code(admin, old[1], now=T0) == "recovery"


def test_turning_off_takes_the_password_and_a_code(admin):
    secret, codes = turned_on(admin)
    with pytest.raises(second_factor.TwoFactorRefused) as refused:
        second_factor.turn_off(admin, "not the password", code_at(secret, T0 + 30), now=T0 + 30)
    assert refused.value.field == "password"
    with pytest.raises(second_factor.TwoFactorRefused) as refused:
        second_factor.turn_off(admin, ADMIN_PASSWORD, "000000", now=T0 + 30)
    assert refused.value.field == "code"
    assert second_factor.is_on(admin) and second_factor.recovery_codes_left(admin) == 10

    second_factor.turn_off(admin, ADMIN_PASSWORD, code_at(secret, T0 + 30), now=T0 + 30)

    assert not second_factor.is_on(admin)
    assert db.session.scalar(select(func.count(AdminTwoFactor.admin_id))) == 0
    assert db.session.scalar(select(func.count(RecoveryCode.id))) == 0
    assert audit_actions()[-1] == ("turn off two-factor", ADMIN_EMAIL, "")


def test_a_recovery_code_turns_it_off_too(admin):
    _secret, codes = turned_on(admin)
    second_factor.turn_off(admin, ADMIN_PASSWORD, codes[0], now=T0)
    assert not second_factor.is_on(admin)


def test_only_an_admin_with_two_factor_may_require_it(admin):
    with pytest.raises(second_factor.TwoFactorRefused):
        second_factor.set_required(True, admin)
    assert not second_factor.is_required()
    assert db.session.get(SiteSetting, second_factor.REQUIRED_SETTING) is None

    turned_on(admin)
    assert second_factor.set_required(True, admin)
    assert second_factor.is_required()
    assert not second_factor.set_required(True, admin), "no change, no audit entry"
    assert second_factor.set_required(False, admin)
    assert not second_factor.is_required()

    actions = [a for a in audit_actions() if "requir" in a[0]]
    assert actions == [
        ("require two-factor", "every admin", ""),
        ("stop requiring two-factor", "every admin", ""),
    ]


def test_it_cannot_be_turned_off_while_required(admin):
    secret, _codes = turned_on(admin)
    second_factor.set_required(True, admin)
    with pytest.raises(second_factor.TwoFactorRefused):
        second_factor.turn_off(admin, ADMIN_PASSWORD, code_at(secret, T0 + 30), now=T0 + 30)
    assert second_factor.is_on(admin)


def test_the_audit_log_holds_no_secret_and_no_code(admin):
    secret, codes = turned_on(admin)
    second_factor.check_code(admin, codes[0], now=T0)
    new = second_factor.regenerate_recovery_codes(admin, code_at(secret, T0 + 30), now=T0 + 30)
    second_factor.turn_off(admin, ADMIN_PASSWORD, new[0], now=T0 + 30)

    logged = " ".join(" ".join(entry) for entry in audit_actions())
    for text in (secret, *codes, *new, code_at(secret, T0), code_at(secret, T0 + 30)):
        assert text not in logged


def test_deleting_an_admin_deletes_their_second_factor(app, admin):
    create_admin(app, email=OTHER_EMAIL)  # another owner, so this one may go
    turned_on(admin)
    create_admin_id = admin.id
    admins.delete(admin, actor=OTHER_EMAIL)
    assert db.session.get(AdminTwoFactor, create_admin_id) is None
    assert db.session.scalar(select(func.count(RecoveryCode.id))) == 0


def test_admins_without_two_factor_are_counted(app, admin):
    create_admin(app, email=OTHER_EMAIL)
    assert second_factor.admins_without_two_factor() == 2
    turned_on(admin)
    assert second_factor.admins_without_two_factor() == 1
