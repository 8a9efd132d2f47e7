"""Flask commands: webhooks add|list|remove|deliver|prune (quiz.store.webhooks states the rules)."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from quiz.db import db
from quiz.store import webhooks

webhooks_cli = AppGroup("webhooks", help="Register webhook endpoints and send their events.")


@webhooks_cli.command("add")
@click.argument("url")
@click.option(
    "--event",
    "events",
    multiple=True,
    type=click.Choice(webhooks.EVENTS),
    help="An event to send (repeat for more); every event when left out.",
)
def add_webhook(url: str, events: tuple[str, ...]) -> None:
    """Register URL for events; print its id and signing secret (shown only now)."""
    try:
        made = webhooks.add_endpoint(url, events)
    except webhooks.WebhookRefused as refused:
        raise click.ClickException(f"{url} is refused: {refused.reason}") from None
    db.session.commit()
    click.echo(f"Added webhook {made.id}: {made.url} ({', '.join(made.events)})")
    click.echo(f"id: {made.id}")
    click.echo(f"secret: {made.secret}")
    click.echo("Keep the secret now: it is not shown again.")


@webhooks_cli.command("list")
def list_webhooks() -> None:
    """List the endpoints with their events (never their secrets)."""
    found = webhooks.endpoints()
    if not found:
        click.echo("No webhook endpoints.")
    for endpoint in found:
        click.echo(f"{endpoint.id}\t{endpoint.url}\t{endpoint.events.replace(',', ', ')}")


@webhooks_cli.command("remove")
@click.argument("endpoint_id", type=int)
def remove_webhook(endpoint_id: int) -> None:
    """Remove the endpoint ENDPOINT_ID and its deliveries."""
    endpoint = webhooks.find_endpoint(endpoint_id)
    if endpoint is None:
        raise click.ClickException(f"There is no webhook endpoint with the id {endpoint_id}.")
    webhooks.remove_endpoint(endpoint)
    db.session.commit()
    click.echo(f"Removed webhook {endpoint_id}.")


@webhooks_cli.command("prune")
def prune() -> None:
    """Delete the events done with for longer than WEBHOOK_EVENTS_KEEP_DAYS; print how many."""
    pruned = webhooks.prune_events()
    db.session.commit()
    click.echo(f"Pruned {pruned} old webhook {'event' if pruned == 1 else 'events'}.")


@webhooks_cli.command("deliver")
@click.option("--once", is_flag=True, help="Send what is due once, then stop.")
@click.option(
    "--sleep",
    "sleep_seconds",
    default=5.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds to wait when nothing was due, between passes.",
)
def deliver(once: bool, sleep_seconds: float) -> None:
    """Send the outbox's due events: one pass with --once, else pass after pass.

    Each pass also prunes the events done with for longer than WEBHOOK_EVENTS_KEEP_DAYS.
    On SQLite run one worker; on PostgreSQL any number may run side by side.
    """
    while True:
        try:
            report = webhooks.deliver_due()
            # one indexed DELETE, usually of nothing: cheap enough for every pass
            pruned = webhooks.prune_events()
            db.session.commit()
        except SQLAlchemyError as error:
            if once:
                raise
            # the database went away for a while: the loop waits and tries again rather
            # than stop sending for good; what was claimed is sent after its lease
            db.session.rollback()
            click.echo(f"The database failed, trying again: {error}", err=True)
            time.sleep(sleep_seconds)
            continue
        if report.attempted or once:
            click.echo(
                f"Sent {report.sent}, to retry {report.retrying}, failed {report.failed}.",
            )
        if pruned:
            click.echo(f"Pruned {pruned} old webhook {'event' if pruned == 1 else 'events'}.")
        if once:
            return
        if not report.attempted:
            time.sleep(sleep_seconds)
