"""Flask commands: init-db, admin create|list|delete, bank check|export|import|publish.

Each runs inside the app context Flask's command line provides.
"""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import func, select

from quiz import audit
from quiz.bank import BankError
from quiz.checks import publish_problems
from quiz.db import db
from quiz.models import Admin, QuizVersion
from quiz.seeding import ensure_seeded
from quiz.versions import (
    PublishRefused,
    draft_bank,
    export_text,
    import_text,
    publish_draft,
)

MIN_PASSWORD_LENGTH = 12

admin_cli = AppGroup("admin", help="Manage admin accounts.")
bank_cli = AppGroup("bank", help="Check, export, import and publish the question bank.")


def register(app: Flask) -> None:
    app.cli.add_command(init_db)
    app.cli.add_command(admin_cli)
    app.cli.add_command(bank_cli)


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


@admin_cli.command("create")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_admin(email: str, password_stdin: bool) -> None:
    """Create an admin account; asks for the password twice without echoing it."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise click.BadParameter("give the admin's email address", param_hint="EMAIL")
    if db.session.scalar(select(Admin).where(Admin.email == email)):
        raise click.ClickException(f"An admin with the email {email} already exists.")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.ClickException(
            f"The password must be at least {MIN_PASSWORD_LENGTH} characters long."
        )
    admin = Admin(email=email)
    admin.set_password(password)
    db.session.add(admin)
    audit.record("create admin", email, actor="command line")
    db.session.commit()
    click.echo(f"Created admin {email}.")


@admin_cli.command("list")
def list_admins() -> None:
    """List admin accounts."""
    for admin in db.session.scalars(select(Admin).order_by(Admin.email)):
        click.echo(f"{admin.email}\tcreated {admin.created_at:%Y-%m-%d}")


@admin_cli.command("delete")
@click.argument("email")
def delete_admin(email: str) -> None:
    """Delete an admin account."""
    admin = db.session.scalar(select(Admin).where(Admin.email == email.strip().lower()))
    if admin is None:
        raise click.ClickException(f"There is no admin with the email {email}.")
    db.session.delete(admin)
    audit.record("delete admin", admin.email, actor="command line")
    db.session.commit()
    click.echo(f"Deleted admin {admin.email}.")


@bank_cli.command("check")
def check_bank() -> None:
    """Run the publish checks on the draft; exit 1 if any fails."""
    problems = publish_problems(draft_bank().to_document())
    for problem in problems:
        click.echo(f"- {problem}", err=True)
    if problems:
        raise SystemExit(1)
    click.echo("The draft passes every check and can be published.")


@bank_cli.command("export")
@click.argument("file", type=click.File("w", encoding="utf-8"), default="-")
def export_bank(file: click.utils.LazyFile) -> None:
    """Write the draft question bank as JSON to FILE (or standard output)."""
    file.write(export_text(draft_bank()))


@bank_cli.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8"))
def import_bank(file: click.utils.LazyFile) -> None:
    """Replace the draft with the bank in FILE; on any error nothing changes."""
    try:
        bank = import_text(file.read(), actor="command line", source=file.name)
    except BankError as error:
        for problem in error.problems:
            click.echo(f"- {problem}", err=True)
        raise click.ClickException("Nothing was imported.") from None
    db.session.commit()
    click.echo(
        f"Imported {len(bank.questions)} questions and {len(bank.roles)} roles into the draft."
    )


@bank_cli.command("publish")
def publish_bank() -> None:
    """Publish the draft as a new quiz version after the checks pass."""
    try:
        version = publish_draft(actor="command line")
    except PublishRefused as refused:
        for problem in refused.problems:
            click.echo(f"- {problem}", err=True)
        raise click.ClickException("Not published.") from None
    db.session.commit()
    click.echo(f"Published quiz version {version.number}.")
