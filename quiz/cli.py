"""Flask commands: ``flask --app quiz init-db``."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext
from sqlalchemy import func, select

from quiz.db import db
from quiz.models import QuizVersion
from quiz.seeding import ensure_seeded


def register(app: Flask) -> None:
    app.cli.add_command(init_db)


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create the tables and publish the default question bank if none is published."""
    seeded = ensure_seeded()
    number = db.session.scalar(select(func.max(QuizVersion.number)))
    if seeded:
        click.echo(
            f"Created the database and published the default question bank as version {number}."
        )
    else:
        click.echo(f"The database is ready; the latest published quiz is version {number}.")
