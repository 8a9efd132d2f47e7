"""Signing admins in and out."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash
from werkzeug.wrappers import Response
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Length

from quiz.admin import bp
from quiz.db import db
from quiz.models import Admin
from quiz.web.extensions import limiter, login_manager
from quiz.web.i18n import lazy_gettext as _l
from quiz.web.redirects import same_site_path

# Checked when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not a real password")
TOO_LONG = _l("Keep this to at most %(max)d characters (it has %(length)d).")


class SignInForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254, message=TOO_LONG)])
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(max=1024, message=TOO_LONG)]
    )
    submit = SubmitField(_l("Sign in"))


@login_manager.user_loader
def load_admin(admin_id: str) -> Admin | None:
    return db.session.get(Admin, int(admin_id)) if admin_id.isdigit() else None


def _account_key() -> str:
    # the throttle key only; validation of the field is the form's job
    return "sign-in:" + request.form.get("email", "").strip().lower()[:254]


def _failed(response: Response) -> bool:
    return response.status_code != 302


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(
    lambda: _limit("ADMIN_SIGN_IN_LIMIT_PER_ADDRESS"), methods=["POST"], deduct_when=_failed
)
@limiter.limit(
    lambda: _limit("ADMIN_SIGN_IN_LIMIT_PER_ACCOUNT"),
    methods=["POST"],
    key_func=_account_key,
    deduct_when=_failed,
)
def sign_in() -> str | Response | tuple[str, int]:
    """Sign an admin in; failed attempts are throttled per address and per account."""
    if current_user.is_authenticated:
        return redirect(url_for("admin.dashboard"))
    form = SignInForm()
    if form.validate_on_submit():
        email = (form.email.data or "").strip().lower()
        admin = db.session.scalar(select(Admin).where(Admin.email == email))
        password = form.password.data or ""
        if admin is not None and admin.check_password(password):
            session.clear()  # a fresh session at sign-in: nothing carried over from before
            login_user(admin)
            return redirect(same_site_path(request.args.get("next")) or url_for("admin.dashboard"))
        check_password_hash(_DUMMY_HASH, password)
        form.password.errors.append(_("That email and password don't match an admin account."))
        return render_template("admin/sign_in.html", form=form), 401
    return render_template("admin/sign_in.html", form=form)


@bp.post("/sign-out")
def sign_out() -> Response:
    """Sign the admin out."""
    logout_user()
    session.clear()
    flash(_("You are signed out."))
    return redirect(url_for("admin.sign_in"))


def _limit(name: str) -> str:
    return str(current_app.config[name])
