"""Signing admins in and out."""

from __future__ import annotations

import hashlib
import hmac

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from limits import RateLimitItem, parse
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash
from werkzeug.wrappers import Response
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Length

from quiz.admin import bp, pending_sign_in
from quiz.core.messages import N_
from quiz.db import db
from quiz.models import Admin
from quiz.store import admins
from quiz.store import two_factor as second_factor
from quiz.web.extensions import hashed_remote_address, limiter, login_manager
from quiz.web.i18n import lazy_gettext as _l
from quiz.web.limits import LimitStoreUnavailable
from quiz.web.redirects import same_site_path

# Checked when the email is unknown, in place of the admin's hash: the same single check
# either way, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a real password")
TOO_LONG = _l("Keep this to at most %(max)d characters (it has %(length)d).")


class SignInForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254, message=TOO_LONG)])
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(max=1024, message=TOO_LONG)]
    )
    submit = SubmitField(_l("Sign in"))


@login_manager.user_loader
def load_admin(session_id: str) -> Admin | None:
    """Return the admin a session names (``Admin.get_id``), while its nonce is still theirs.

    A session from before the admin's last sign-out or password change carries an older
    nonce and opens nothing; nor does one naming no nonce at all.
    """
    admin_id, _, nonce = session_id.partition(":")
    if not admin_id.isdigit() or not nonce:
        return None
    admin = db.session.get(Admin, int(admin_id))
    if admin is None or not hmac.compare_digest(admin.session_nonce.encode(), nonce.encode()):
        return None
    return admin


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> str | Response | tuple[str, int]:
    """Sign an admin in.

    Every attempt is counted before its password is checked (``_count_attempt``), and
    exactly one password hash is checked whether or not the email belongs to an admin, so
    neither the time taken nor the answer tells which emails do.
    """
    if current_user.is_authenticated:
        return redirect(url_for("admin.dashboard"))
    form = SignInForm()
    if form.validate_on_submit():
        email = (form.email.data or "").strip().lower()
        counts = _count_attempt(email)
        admin = db.session.scalar(select(Admin).where(Admin.email == email))
        password = form.password.data or ""
        if admin is None:
            check_password_hash(_DUMMY_HASH, password)
        elif admin.check_password(password):
            _take_back(counts)
            session.clear()  # a fresh session at sign-in: nothing carried over from before
            next_page = same_site_path(request.args.get("next"))
            if second_factor.is_on(admin):
                # not signed in yet: the code step (quiz.admin.two_factor) signs the admin in
                pending_sign_in.begin(admin, next_page)
                return redirect(url_for("admin.sign_in_code"))
            login_user(admin)
            return redirect(next_page or url_for("admin.dashboard"))
        form.password.errors.append(_("That email and password don't match an admin account."))
        return render_template("admin/sign_in.html", form=form), 401
    return render_template("admin/sign_in.html", form=form)


SIGN_IN_THROTTLED = N_("Too many sign-in attempts for now. Wait a few minutes, then try again.")
SIGN_IN_PAUSED = N_(
    "Sign-in is paused for a moment because we can't check how often it was tried. "
    "Please try again in a minute."
)


def _count_attempt(email: str) -> list[tuple[RateLimitItem, list[str]]]:
    """Count a sign-in attempt against its limits before its password is checked.

    Each count is one atomic increment in the limit store (Redis or memory), so parallel
    attempts can never all read "under the limit" and pass together. The limits, in order:
    per address (ADMIN_SIGN_IN_LIMIT_PER_ADDRESS), per account and address together
    (ADMIN_SIGN_IN_LIMIT_PER_ACCOUNT_AND_ADDRESS), and per account from everywhere
    (ADMIN_SIGN_IN_LIMIT_PER_ACCOUNT, the slowest). An attempt refused by one is not counted
    by the next, so wrong passwords from one address spend little of the account's
    allowance, and the admin can still sign in from elsewhere. Refused: 429. The limit store
    failing during the count: 503, never an unlimited check.
    """
    config = current_app.config
    address = hashed_remote_address()
    account = _keyed_hash(email)
    limits = [
        (config["ADMIN_SIGN_IN_LIMIT_PER_ADDRESS"], ["sign-in-address", address]),
        (
            config["ADMIN_SIGN_IN_LIMIT_PER_ACCOUNT_AND_ADDRESS"],
            ["sign-in-account-address", account, address],
        ),
        (config["ADMIN_SIGN_IN_LIMIT_PER_ACCOUNT"], ["sign-in-account", account]),
    ]
    counter = FixedWindowRateLimiter(limiter.failover.strict())
    counted: list[tuple[RateLimitItem, list[str]]] = []
    try:
        for text, names in limits:
            item = parse(str(text))
            key = [str(config["RATELIMIT_KEY_PREFIX"]), *names]
            if not counter.hit(item, *key):
                abort(429, SIGN_IN_THROTTLED)
            counted.append((item, key))
    except LimitStoreUnavailable:
        abort(503, SIGN_IN_PAUSED)
    return counted


def _take_back(counts: list[tuple[RateLimitItem, list[str]]]) -> None:
    """Take a successful sign-in off the counts: only failures use up an allowance."""
    counter = FixedWindowRateLimiter(limiter.failover)
    for item, key in counts:
        counter.hit(item, *key, cost=-1)


def _keyed_hash(text: str) -> str:
    # the store holds no email addresses, only a keyed hash of each
    secret = str(current_app.secret_key).encode()
    return hmac.new(secret, text.encode(), hashlib.sha256).hexdigest()[:24]


@bp.post("/sign-out")
def sign_out() -> Response:
    """Sign the admin out, ending every session of theirs, on this device and any other."""
    admins.end_sessions(current_user._get_current_object())
    logout_user()
    session.clear()
    flash(_("You are signed out."))
    return redirect(url_for("admin.sign_in"))
