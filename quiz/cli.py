"""Flask commands: ``flask --app quiz init-db``."""

from __future__ import annotations

import click
from flask import Flask

from quiz.seeding import ensure_seeded


def register(app: Flask) -> None:
    app.cli.add_command(init_db)


@click.command("init-db")
def init_db() -> None:
    """Create the tables and publish the default question bank if none is published."""
    if ensure_seeded():
        click.echo("Created the database and published the default question bank.")
    else:
        click.echo("The database already has a published quiz; nothing changed.")
