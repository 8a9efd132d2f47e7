"""Two-factor sign-in: setting it up, the code step of signing in, and requiring it of everyone.

The rules live in :mod:`quiz.store.two_factor`; the half-done sign-in in
:mod:`quiz.admin.pending_sign_in`. While the site requires two-factor sign-in, an admin
without it can open nothing in the admin area but its setup (:func:`require_second_factor`,
the one place that enforces it).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user
from werkzeug.wrappers import Response

from quiz.admin import auth, bp, pending_sign_in
from quiz.admin.two_factor_forms import (
    ConfirmForm,
    RecoveryCodesForm,
    RequireForm,
    SignInCodeForm,
    TurnOffForm,
)
from quiz.models import Admin
from quiz.store import two_factor as second_factor

# The new secret, encrypted, between showing it and the first right code from the app.
SETUP_SECRET = "admin_two_factor_setup"
# What an admin without two-factor may open while the site requires it.
OPEN_WHILE_REQUIRED = frozenset({"admin.two_factor", "admin.confirm_two_factor", "admin.sign_out"})


@bp.before_request
def require_second_factor() -> Response | None:
    """Send a signed-in admin without two-factor to its setup while the site requires it."""
    if not current_user.is_authenticated or request.endpoint in OPEN_WHILE_REQUIRED:
        return None
    if second_factor.is_on(current_user) or not second_factor.is_required():
        return None
    flash(_("Two-factor sign-in is required for every admin. Set it up to go on."))
    return redirect(url_for("admin.two_factor"))


# ---------------------------------------------------------------- signing in


@bp.route("/sign-in/code", methods=["GET", "POST"])
def sign_in_code() -> str | Response | tuple[str, int]:
    """Take the second step of signing in: a code from the app, or a recovery code.

    Each attempt is counted against the same limits as a password (429 past them); only a
    right code signs the admin in.
    """
    if current_user.is_authenticated:
        return redirect(url_for("admin.dashboard"))
    waiting = pending_sign_in.waiting()
    if waiting is None:
        flash(_("That sign-in took too long, or was not started. Please sign in again."))
        return redirect(url_for("admin.sign_in"))
    admin, next_page = waiting
    form = SignInCodeForm()
    if not form.validate_on_submit():
        page = render_template("admin/two_factor/sign_in_code.html", form=form)
        return (page, 422) if form.is_submitted() else page
    counts = auth._count_attempt(admin.email)
    kind = second_factor.check_code(admin, form.code.data or "")
    if kind is None:
        form.code.errors = [*form.code.errors, _(second_factor.WRONG_CODE)]
        return render_template("admin/two_factor/sign_in_code.html", form=form), 401
    auth._take_back(counts)
    session.clear()  # a fresh session at sign-in, as after a password alone
    login_user(admin)
    if kind == "recovery":
        left = second_factor.recovery_codes_left(admin)
        flash(
            ngettext(
                "You signed in with a recovery code, which is now used up. %(num)d is left.",
                "You signed in with a recovery code, which is now used up. %(num)d are left.",
                left,
            )
        )
    return redirect(next_page or url_for("admin.dashboard"))


# ---------------------------------------------------------------- the admin's own settings


def _setup_secret() -> str:
    """The secret being set up in this session, drawn the first time the page is shown."""
    stored = session.get(SETUP_SECRET)
    secret = second_factor.decrypt_secret(stored) if isinstance(stored, str) else None
    if secret is None:
        secret = second_factor.new_secret()
        session[SETUP_SECRET] = second_factor.encrypt_secret(secret)
    return secret


def _settings_page(
    status: int = 200,
    confirm: ConfirmForm | None = None,
    turn_off: TurnOffForm | None = None,
    new_codes: RecoveryCodesForm | None = None,
    require: RequireForm | None = None,
) -> tuple[str, int]:
    admin: Admin = current_user._get_current_object()
    required = second_factor.is_required()
    context: dict[str, object] = {
        "is_on": second_factor.is_on(admin),
        "required": required,
        "require_form": require or RequireForm(data={"required": required}),
        "admins_without": second_factor.admins_without_two_factor(),
    }
    if context["is_on"]:
        context["codes_left"] = second_factor.recovery_codes_left(admin)
        context["turn_off_form"] = turn_off or TurnOffForm()
        context["new_codes_form"] = new_codes or RecoveryCodesForm()
    else:
        secret = _setup_secret()
        # segno only where a QR code is drawn, not in every worker (docs/performance.md)
        import segno

        qr = segno.make(second_factor.provisioning_uri(secret, admin.email), error="m")
        context["qr_code"] = qr.svg_data_uri(scale=4, border=4)
        context["qr_size"] = qr.symbol_size(scale=4, border=4)[0]
        # in groups of four, as apps that take it by hand show it
        context["secret"] = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
        context["confirm_form"] = confirm or ConfirmForm()
    return render_template("admin/two_factor/settings.html", **context), status


@bp.get("/account/two-factor")
def two_factor() -> tuple[str, int]:
    """Show the admin's two-factor settings: its setup while off, its recovery codes while on."""
    return _settings_page()


@bp.post("/account/two-factor/confirm")
def confirm_two_factor() -> str | Response | tuple[str, int]:
    """Turn two-factor sign-in on once a code proves the app has the secret; show the codes."""
    admin: Admin = current_user._get_current_object()
    if second_factor.is_on(admin):
        flash(_(second_factor.ALREADY_ON))
        return redirect(url_for("admin.two_factor"))
    form = ConfirmForm()
    if not form.validate_on_submit():
        return _settings_page(422, confirm=form)
    try:
        codes = second_factor.turn_on(admin, _setup_secret(), form.code.data or "")
    except second_factor.TwoFactorRefused as refused:
        form.code.errors = [*form.code.errors, _(refused.reason, **refused.values)]
        return _settings_page(422, confirm=form)
    session.pop(SETUP_SECRET, None)
    login_user(admin)  # this session stays in, with the account's new nonce
    return render_template("admin/two_factor/recovery_codes.html", codes=codes, first=True)


@bp.post("/account/two-factor/off")
def turn_off_two_factor() -> Response | tuple[str, int]:
    """Turn two-factor sign-in off, given the password and a current code."""
    admin: Admin = current_user._get_current_object()
    if not second_factor.is_on(admin):
        return redirect(url_for("admin.two_factor"))
    form = TurnOffForm()
    if not form.validate_on_submit():
        return _settings_page(422, turn_off=form)
    try:
        second_factor.turn_off(admin, form.password.data or "", form.code.data or "")
    except second_factor.TwoFactorRefused as refused:
        message = _(refused.reason, **refused.values)
        field = {"password": form.password, "code": form.code}.get(refused.field)
        if field is None:
            flash(message)
            return redirect(url_for("admin.two_factor"))
        field.errors = [*field.errors, message]
        return _settings_page(401 if refused.field == "password" else 422, turn_off=form)
    flash(_("Two-factor sign-in is off. You sign in with your password alone."))
    return redirect(url_for("admin.two_factor"))


@bp.post("/account/two-factor/recovery-codes")
def new_recovery_codes() -> Response | str | tuple[str, int]:
    """Replace the admin's recovery codes with a new set, shown once."""
    admin: Admin = current_user._get_current_object()
    if not second_factor.is_on(admin):
        return redirect(url_for("admin.two_factor"))
    form = RecoveryCodesForm()
    if not form.validate_on_submit():
        return _settings_page(422, new_codes=form)
    try:
        codes = second_factor.regenerate_recovery_codes(admin, form.code.data or "")
    except second_factor.TwoFactorRefused as refused:
        form.code.errors = [*form.code.errors, _(refused.reason, **refused.values)]
        return _settings_page(422, new_codes=form)
    return render_template("admin/two_factor/recovery_codes.html", codes=codes, first=False)


@bp.post("/account/two-factor/required")
def require_two_factor() -> Response | tuple[str, int]:
    """Require (or stop requiring) two-factor sign-in of every admin."""
    form = RequireForm()
    if not form.validate_on_submit():
        return _settings_page(400, require=form)
    admin: Admin = current_user._get_current_object()
    try:
        changed = second_factor.set_required(bool(form.required.data), admin)
    except second_factor.TwoFactorRefused as refused:
        form.required.errors = [*form.required.errors, _(refused.reason, **refused.values)]
        return _settings_page(409, require=form)
    if changed and form.required.data:
        flash(_("Every admin now signs in with a second factor."))
    elif changed:
        flash(_("Two-factor sign-in is no longer required; each admin chooses."))
    return redirect(url_for("admin.two_factor"))
