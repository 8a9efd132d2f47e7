"""The signed-in admin's own account: changing their password.

The rules (the current password first, the new one long enough) live in
:func:`quiz.store.admins.change_password`.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user
from werkzeug.wrappers import Response

from quiz.admin import bp
from quiz.admin.account_forms import PasswordForm
from quiz.store import admins


@bp.route("/account/password", methods=["GET", "POST"])
def change_password() -> str | Response | tuple[str, int]:
    """Change the signed-in admin's password; every other session of theirs ends."""
    form = PasswordForm()
    if not form.validate_on_submit():
        page = render_template("admin/account/password.html", form=form)
        return (page, 422) if form.is_submitted() else page
    admin = current_user._get_current_object()
    try:
        admins.change_password(admin, form.current_password.data, form.new_password.data)
    except admins.PasswordRefused as refused:
        field = form.current_password if refused.field == "current" else form.new_password
        field.errors = [*field.errors, _(refused.reason, **refused.values)]
        page = render_template("admin/account/password.html", form=form)
        return page, 401 if refused.field == "current" else 422
    login_user(admin)  # this session stays in, with the account's new nonce
    flash(_("Your password is changed. You are signed out everywhere else; here you stay in."))
    return redirect(url_for("admin.dashboard"))
