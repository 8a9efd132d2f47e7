"""Webhooks: the endpoints results are sent to, their recent deliveries, and a test event.

Owners only (the blueprint's guard: none of these pages is in LEAST_ROLE). The rules (which
addresses are taken, the outbox, retries, signing) live in :mod:`quiz.store.webhooks`.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from quiz.admin import bp
from quiz.admin.webhook_forms import EVENT_DESCRIPTIONS, ConfirmForm, EndpointForm
from quiz.db import db
from quiz.models import WebhookDelivery, WebhookEndpoint
from quiz.store import webhooks
from quiz.web.i18n import lazy_gettext as _l

STATUS_NAMES = {
    webhooks.PENDING: _l("Waiting"),
    webhooks.SENT: _l("Delivered"),
    webhooks.FAILED: _l("Failed"),
}


def render_webhooks(form: EndpointForm | None = None, status: int = 200) -> tuple[str, int]:
    """Render the webhooks page, with ``form`` as sent when it was refused."""
    page = render_template(
        "admin/webhooks/webhooks.html",
        form=form or EndpointForm(formdata=None),
        confirm_form=ConfirmForm(),
        overviews=webhooks.overview(),
        unreadable_secret=webhooks.UNREADABLE_SECRET,
        event_descriptions=EVENT_DESCRIPTIONS,
        status_names=STATUS_NAMES,
    )
    return page, status


@bp.get("/webhooks")
def webhooks_page() -> tuple[str, int]:
    """List the endpoints with their recent deliveries, and a form to add one."""
    return render_webhooks()


@bp.post("/webhooks")
def add_webhook() -> tuple[str, int]:
    """Register an endpoint and show its signing secret, this once."""
    form = EndpointForm()
    if not form.validate_on_submit():
        return render_webhooks(form, 422)
    try:
        made = webhooks.add_endpoint(form.url.data, form.events.data, actor=current_user.email)
    except webhooks.WebhookRefused as refused:
        form.url.errors = [*form.url.errors, _(refused.reason)]
        return render_webhooks(form, 422)
    db.session.commit()
    page = render_template("admin/webhooks/created.html", endpoint=made)
    return page, 201


@bp.route("/webhooks/<int:endpoint_id>/remove", methods=["GET", "POST"])
def remove_webhook(endpoint_id: int) -> str | Response:
    """Remove an endpoint once confirmed, with its deliveries."""
    endpoint = db.get_or_404(WebhookEndpoint, endpoint_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        url = endpoint.url
        webhooks.remove_endpoint(endpoint, actor=current_user.email)
        db.session.commit()
        flash(_("Events are no longer sent to %(url)s.", url=url))
        return redirect(url_for(".webhooks_page"))
    return render_template("admin/webhooks/remove.html", endpoint=endpoint, form=form)


@bp.post("/webhooks/<int:endpoint_id>/test")
def test_webhook(endpoint_id: int) -> Response:
    """Queue a test event for one endpoint; the worker sends it."""
    endpoint = db.get_or_404(WebhookEndpoint, endpoint_id)
    if ConfirmForm().validate_on_submit():
        webhooks.send_test(endpoint, actor=current_user.email)
        db.session.commit()
        flash(
            _(
                "A test event is queued for %(url)s. It is sent on the worker's next pass.",
                url=endpoint.url,
            )
        )
    return redirect(url_for(".webhooks_page", _anchor=f"endpoint-{endpoint.id}"))


@bp.post("/webhooks/deliveries/<int:delivery_id>/again")
def send_webhook_again(delivery_id: int) -> Response:
    """Queue a delivery's event once more, to the same endpoint, with the same event id."""
    delivery = db.get_or_404(WebhookDelivery, delivery_id)
    if ConfirmForm().validate_on_submit():
        webhooks.send_again(delivery, actor=current_user.email)
        db.session.commit()
        flash(_("The event is queued to be sent again."))
    return redirect(url_for(".webhooks_page", _anchor=f"endpoint-{delivery.endpoint_id}"))
