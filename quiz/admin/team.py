"""The team: who the admins are and their roles, invitations, and the invitation page.

Only owners open the team pages (the blueprint's guard: none of them is in LEAST_ROLE);
the invitation page is open to anyone holding its link (OPEN_ENDPOINTS). The rules (the
last owner stays, an address is invited once it is no admin's, the password rules) live
in :mod:`quiz.store.admins`; the invitation's mail, when mail is on, in :mod:`quiz.web.mail`.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from quiz.admin import bp
from quiz.admin.team_forms import ConfirmForm, InviteForm, NewPasswordForm, RoleForm
from quiz.core.admin_roles import ROLE_DESCRIPTIONS, ROLE_NAMES, ROLES
from quiz.core.messages import N_
from quiz.db import db
from quiz.models import Admin, AdminInvitation
from quiz.store import admins
from quiz.web import mail
from quiz.web.i18n import current_language
from quiz.web.urls import public_url

INVITATION_NOT_FOUND = N_(
    "This invitation link is not one we know. Check that it was copied whole."
)


def render_team(invite_form: InviteForm | None = None, status: int = 200) -> tuple[str, int]:
    """Render the team page, with ``invite_form`` as sent when it was refused."""
    page = render_template(
        "admin/team/team.html",
        team=admins.team(),
        invitations=admins.pending_invitations(),
        invite_form=invite_form or InviteForm(formdata=None),
        role_form=RoleForm,
        confirm_form=ConfirmForm(),
        roles=ROLES,
        role_descriptions=ROLE_DESCRIPTIONS,
        owners=admins.owner_count(),
        mail_on=mail.mail_on(),
    )
    return page, status


@bp.get("/team")
def team() -> tuple[str, int]:
    """List the admins with their roles, the open invitations, and a form to invite someone."""
    return render_team()


@bp.post("/team/invite")
def invite() -> tuple[str, int]:
    """Invite someone by email with a role, and show the owner the one-time link to pass on.

    With mail on, the link is emailed too, in the owner's language; the page says whether
    it went, and shows the link either way.
    """
    form = InviteForm()
    if not form.validate_on_submit():
        return render_team(form, 422)
    try:
        made = admins.invite(form.email.data, form.role.data, actor=current_user.email)
    except admins.TeamRefused as refused:
        form.email.errors = [*form.email.errors, _(refused.reason, **refused.values)]
        return render_team(form, 422)
    link = public_url("admin.accept_invitation", token=made.token)
    mailed, problem = False, None
    if mail.mail_on():
        owner = current_user.email
        failed = mail.mail_invitation(made.invitation, link, current_language(), owner, owner)
        if failed is None:
            mailed = True
        else:
            problem = failed.plain()
    page = render_template(
        "admin/team/invited.html",
        invitation=made.invitation,
        link=link,
        mailed=mailed,
        mail_problem=problem,
    )
    return page, 201


@bp.post("/team/<int:admin_id>/role")
def set_role(admin_id: int) -> Response | tuple[str, int]:
    """Give an admin another role; the last owner keeps theirs."""
    admin = db.get_or_404(Admin, admin_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Choose one of the roles listed."))
        return redirect(url_for(".team"))
    try:
        admins.set_role(admin, form.role.data, actor=current_user.email)
    except admins.TeamRefused as refused:
        flash(_(refused.reason, **refused.values))
        return redirect(url_for(".team"))
    flash(_("%(email)s is now: %(role)s.", email=admin.email, role=_(ROLE_NAMES[admin.role])))
    if admin.id == current_user.id and admin.role != "owner":
        return redirect(url_for(".dashboard"))  # the team page is an owner's
    return redirect(url_for(".team"))


@bp.route("/team/<int:admin_id>/remove", methods=["GET", "POST"])
def remove_admin(admin_id: int) -> str | Response:
    """Remove an admin once confirmed; their sessions end. The last owner stays."""
    admin = db.get_or_404(Admin, admin_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        email, removing_self = admin.email, admin.id == current_user.id
        try:
            admins.delete(admin, actor=current_user.email)
        except admins.TeamRefused as refused:
            flash(_(refused.reason, **refused.values))
            return redirect(url_for(".team"))
        if removing_self:
            logout_user()
            session.clear()
            flash(_("Your own account is removed, so you are signed out."))
            return redirect(url_for(".sign_in"))
        flash(_("%(email)s is no longer an admin and is signed out everywhere.", email=email))
        return redirect(url_for(".team"))
    return render_template(
        "admin/team/remove.html",
        admin=admin,
        form=form,
        last_owner=admin.role == "owner" and admins.owner_count() == 1,
    )


@bp.post("/team/invitations/<int:invitation_id>/withdraw")
def withdraw_invitation(invitation_id: int) -> Response:
    """Withdraw an open invitation: its link stops working."""
    invitation = db.get_or_404(AdminInvitation, invitation_id)
    if ConfirmForm().validate_on_submit():
        admins.withdraw_invitation(invitation, actor=current_user.email)
        flash(_("The invitation to %(email)s is withdrawn.", email=invitation.email))
    return redirect(url_for(".team"))


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str) -> str | Response | tuple[str, int]:
    """Let an invited person set a password and become an admin with the invited role.

    Unknown links: 404. Links used, withdrawn or expired: 410, saying which.
    """
    invitation = admins.find_invitation(token)
    if invitation is None:
        abort(404, INVITATION_NOT_FOUND)
    state = admins.invitation_state(invitation)
    if state != "open":
        page = render_template("admin/team/invitation_closed.html", state=state)
        return page, 410
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            admin = admins.accept_invitation(invitation, form.new_password.data)
        except admins.PasswordRefused as refused:
            form.new_password.errors = [
                *form.new_password.errors,
                _(refused.reason, **refused.values),
            ]
        except admins.TeamRefused as refused:
            flash(_(refused.reason, **refused.values))
            return redirect(url_for(".sign_in"))
        else:
            session.clear()  # a fresh session: nothing carried over, another admin's neither
            login_user(admin)
            flash(_("Welcome. Your account is ready and you are signed in."))
            return redirect(url_for(".dashboard"))
    page = render_template(
        "admin/team/invitation.html",
        invitation=invitation,
        form=form,
        role_name=ROLE_NAMES[invitation.role],
        role_description=ROLE_DESCRIPTIONS[invitation.role],
    )
    return (page, 422) if form.is_submitted() else page
