"""Flask commands: init-db, admin create|list|invite|set-role|remove|delete|reset-password|
reset-two-factor,
bank check|export|import|publish, results export|count, group create|list|export, and
demo-results; db (Flask-Migrate's commands, quiz.cli_migrations).

Each runs inside the app context Flask's command line provides.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import func, select

from quiz.cli_migrations import db_cli
from quiz.cli_webhooks import webhooks_cli
from quiz.core.adaptive import MODES
from quiz.core.admin_roles import OWNER, ROLES
from quiz.core.bank import BankError
from quiz.core.publish_rules import publish_problems
from quiz.db import db
from quiz.models import Admin, Group, QuizVersion, Result
from quiz.store import admins, analytics, groups, statistics, two_factor
from quiz.store.analytics import ResultFilter
from quiz.store.demo import insert_demo_results
from quiz.store.drafts import draft_bank
from quiz.store.export import write_results_csv
from quiz.store.publishing import (
    NothingToPublish,
    PublishRefused,
    export_text,
    import_text,
    publish_changed_draft,
)
from quiz.store.seeding import ensure_seeded
from quiz.store.self_reports import NOT_ANSWERED, OTHER_WORK, work_answers
from quiz.web import mail
from quiz.web.i18n import DEFAULT_LANGUAGE, LANGUAGES
from quiz.web.urls import public_url

admin_cli = AppGroup("admin", help="Manage admin accounts.")
bank_cli = AppGroup("bank", help="Check, export, import and publish the question bank.")
results_cli = AppGroup("results", help="Export results and count them for the analytics page.")
group_cli = AppGroup("group", help="Create, list and export groups of takers.")


def register(app: Flask) -> None:
    app.cli.add_command(init_db)
    app.cli.add_command(admin_cli)
    app.cli.add_command(bank_cli)
    app.cli.add_command(results_cli)
    app.cli.add_command(group_cli)
    app.cli.add_command(demo_results)
    app.cli.add_command(webhooks_cli)
    app.cli.add_command(db_cli)


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


ROLE_CHOICE = click.Choice(ROLES)
COMMAND_LINE = "command line"


def _find_admin(email: str) -> Admin:
    admin = admins.find(email)
    if admin is None:
        raise click.ClickException(f"There is no admin with the email {email}.")
    return admin


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@admin_cli.command("create")
@click.argument("email")
@click.option(
    "--role", type=ROLE_CHOICE, default=OWNER, show_default=True, help="What the admin may do."
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_admin(email: str, role: str, password_stdin: bool) -> None:
    """Create an admin account; asks for the password twice without echoing it."""
    email = admins.normal_email(email)
    if "@" not in email or len(email) > 254:
        raise click.BadParameter("give the admin's email address", param_hint="EMAIL")
    if admins.find(email):
        raise click.ClickException(f"An admin with the email {email} already exists.")
    password = _read_password(password_stdin)
    try:
        admins.create(email, password, actor=COMMAND_LINE, role=role)
    except (admins.PasswordRefused, admins.TeamRefused) as refused:
        raise click.ClickException(str(refused)) from None
    click.echo(f"Created admin {email}. Role: {role}.")


@admin_cli.command("list")
def list_admins() -> None:
    """List admin accounts with their roles."""
    for admin in db.session.scalars(select(Admin).order_by(Admin.email)):
        click.echo(f"{admin.email}\t{admin.role}\tcreated {admin.created_at:%Y-%m-%d}")


@admin_cli.command("invite")
@click.argument("email")
@click.option("--role", type=ROLE_CHOICE, required=True, help="What the invited admin may do.")
@click.option(
    "--no-mail", is_flag=True, help="Only print the link, even when a mail server is set."
)
@click.option(
    "--language",
    type=click.Choice(list(LANGUAGES)),
    default=DEFAULT_LANGUAGE,
    show_default=True,
    help="The language of the invitation's mail.",
)
def invite_admin(email: str, role: str, no_mail: bool, language: str) -> None:
    """Make a one-time invitation link for EMAIL, valid for 72 hours, and print it.

    With a mail server set (MAIL_SERVER), the link is emailed to EMAIL too, unless
    --no-mail. A mail that fails is reported, and the invitation stands: pass the link on.
    The link is built on PUBLIC_URL.
    """
    email = admins.normal_email(email)
    if len(email) > 254 or not mail.mailable(email):
        raise click.BadParameter("give the email address to invite", param_hint="EMAIL")
    try:
        made = admins.invite(email, role, actor=COMMAND_LINE)
    except admins.TeamRefused as refused:
        raise click.ClickException(str(refused)) from None
    with current_app.test_request_context():
        link = public_url("admin.accept_invitation", token=made.token)
    click.echo(f"Invited {email} as {role}. Pass on this link; it works once, for 72 hours:")
    click.echo(link)
    if no_mail or not mail.mail_on():
        return
    failed = mail.mail_invitation(made.invitation, link, language, None, COMMAND_LINE)
    if failed is None:
        click.echo(f"Emailed the invitation to {email}.")
    else:
        problem = f"Could not email the invitation: {failed}. Pass the link on yourself."
        click.echo(problem, err=True)


@admin_cli.command("set-role")
@click.argument("email")
@click.argument("role", type=ROLE_CHOICE)
def set_admin_role(email: str, role: str) -> None:
    """Give the admin EMAIL another ROLE; the last owner keeps theirs."""
    admin = _find_admin(email)
    try:
        admins.set_role(admin, role, actor=COMMAND_LINE)
    except admins.TeamRefused as refused:
        raise click.ClickException(str(refused)) from None
    click.echo(f"{admin.email} is now {role}.")


@admin_cli.command("remove")
@click.argument("email")
def remove_admin(email: str) -> None:
    """Remove an admin account, ending its sessions; never the last owner."""
    admin = _find_admin(email)
    try:
        admins.delete(admin, actor=COMMAND_LINE)
    except admins.TeamRefused as refused:
        raise click.ClickException(str(refused)) from None
    # answered in the words it was asked in: "delete" is the older name of the same command
    done = "Deleted" if click.get_current_context().info_name == "delete" else "Removed"
    click.echo(f"{done} admin {admin.email}.")


admin_cli.add_command(remove_admin, name="delete")


@admin_cli.command("reset-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def reset_admin_password(email: str, password_stdin: bool) -> None:
    """Set a new password for the admin EMAIL and end every session of theirs."""
    admin = _find_admin(email)
    password = _read_password(password_stdin)
    try:
        admins.reset_password(admin, password, actor=COMMAND_LINE)
    except admins.PasswordRefused as refused:
        raise click.ClickException(str(refused)) from None
    click.echo(f"Set a new password for {admin.email}; they are signed out everywhere.")


@admin_cli.command("reset-two-factor")
@click.argument("email")
def reset_admin_two_factor(email: str) -> None:
    """Take two-factor sign-in off the admin EMAIL (a lost phone) and end their sessions."""
    admin = _find_admin(email)
    if not two_factor.reset(admin, actor=COMMAND_LINE):
        raise click.ClickException(f"{admin.email} does not use two-factor sign-in.")
    click.echo(f"Two-factor sign-in is off for {admin.email}; they are signed out everywhere.")


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
        version = publish_changed_draft(actor="command line")
    except NothingToPublish as unchanged:
        raise click.ClickException(
            f"Not published: the draft is the same as quiz version {unchanged.number}."
        ) from None
    except PublishRefused as refused:
        for problem in refused.problems:
            click.echo(f"- {problem}", err=True)
        raise click.ClickException("Not published.") from None
    db.session.commit()
    click.echo(f"Published quiz version {version.number}.")


def result_filter_options(command: Callable[..., None]) -> Callable[..., None]:
    """Give ``command`` the results filter's options, named as on the analytics page's form;
    :func:`_result_filter` reads them."""
    options = [
        click.option(
            "--version", "version_number", type=int, help="Only this published version number."
        ),
        click.option(
            "--from",
            "first",
            type=click.DateTime(["%Y-%m-%d"]),
            help="First day (UTC), YYYY-MM-DD; the first result's day by default.",
        ),
        click.option(
            "--to",
            "last",
            type=click.DateTime(["%Y-%m-%d"]),
            help="Last day (UTC); today by default.",
        ),
        click.option("--careful-only", is_flag=True, help="Leave out results flagged as careless."),
        click.option(
            "--mode", type=click.Choice(MODES), help="Only this quiz mode; both by default."
        ),
        click.option(
            "--work-now",
            help=f"Only takers who say they work as this (a role key, one of "
            f"{', '.join(OTHER_WORK)}), or {NOT_ANSWERED} for those who said nothing.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _result_filter(
    version_number: int | None,
    first: datetime | None,
    last: datetime | None,
    careful_only: bool,
    mode: str | None,
    work_now: str | None,
) -> ResultFilter:
    """Build the results filter from :func:`result_filter_options`, refusing what picks nothing
    by mistake: a version never published, days the wrong way round, an unknown work answer."""
    version_id = None
    if version_number is not None:
        version_id = db.session.scalar(
            select(QuizVersion.id).where(QuizVersion.number == version_number)
        )
        if version_id is None:
            raise click.BadParameter(
                f"there is no published quiz version {version_number}", param_hint="--version"
            )
    last_day = last.date() if last else analytics.today()
    first_day = first.date() if first else _first_result_day() or last_day
    if first_day > last_day:
        raise click.BadParameter("--from must not be after --to", param_hint="--from")
    if work_now is not None and work_now not in _work_answers():
        raise click.BadParameter(
            f"{work_now!r} is no answer a taker could give, nor {NOT_ANSWERED}",
            param_hint="--work-now",
        )
    return ResultFilter(
        version_id=version_id,
        first_day=first_day,
        last_day=last_day,
        include_careless=not careful_only,
        mode=mode,
        work_now=work_now,
    )


def _work_answers() -> set[str]:
    """Return every answer to "what do you work as" a published version offers."""
    role_keys = [
        role["key"]
        for bank in db.session.scalars(select(QuizVersion.bank))
        for role in bank["roles"]
    ]
    return {*work_answers(role_keys), NOT_ANSWERED}


@results_cli.command("export")
@click.argument("file", default="-", type=click.Path(dir_okay=False, allow_dash=True))
@result_filter_options
def export_results(file: str, **chosen: Any) -> None:
    """Write results as CSV to FILE (or standard output); never their share tokens."""
    result_filter = _result_filter(**chosen)
    if file == "-":
        write_results_csv(result_filter, sys.stdout)
        sys.stdout.flush()
        return
    # written beside the target and moved into place when complete, so a failed export
    # never leaves half a file under the name asked for
    target = Path(file)
    partial = target.with_name(f".{target.name}.partial")
    try:
        with partial.open("w", encoding="utf-8", newline="") as out:
            exported = write_results_csv(result_filter, out)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    click.echo(f"Exported {exported} results to {file}", err=True)


def _first_result_day() -> date | None:
    first = db.session.scalar(select(func.min(Result.created_at)))
    return analytics.utc_day(first) if first else None


@results_cli.command("count")
def count_results() -> None:
    """Add every result not yet counted to the analytics page's daily counts and the
    statistics counts, and work every version's norms out again (for a timer)."""
    total = 0
    limit = current_app.config["ANALYTICS_FOLD_LIMIT"]
    while added := analytics.fold_new_results(limit):
        total += added
    statistics.refresh_all_norms()
    db.session.commit()
    click.echo(
        f"Went through {total} new results; the daily counts and the norms include them now."
    )


@click.command("demo-results")
@click.argument("count", type=click.IntRange(min=1))
@click.option("--days", type=click.IntRange(min=1), default=90, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@with_appcontext
def demo_results(count: int, days: int, seed: int) -> None:
    """Insert COUNT synthetic results for the latest version, spread over the last DAYS days."""
    started = time.monotonic()

    def say(message: str) -> None:
        click.echo(f"[{time.monotonic() - started:7.1f} s] {message}")

    try:
        inserted = insert_demo_results(count, days=days, seed=seed, progress=say)
    except LookupError as error:
        raise click.ClickException(f"{error}: run 'flask --app quiz init-db' first.") from None
    say(f"Done: {inserted:,} demo results.")


@group_cli.command("create")
@click.argument("name")
@click.option(
    "--closes", type=click.DateTime(["%Y-%m-%d"]), help="Last day (UTC) to join, YYYY-MM-DD."
)
@click.option("--owner", "owner_email", help="Email of the admin (any role) it belongs to.")
def create_group(name: str, closes: datetime | None, owner_email: str | None) -> None:
    """Create a group called NAME and print its join link (on PUBLIC_URL) and code.

    With --owner it belongs to that admin, a viewer included; without, it has no owner admin
    and owners and editors see it.
    """
    if not name.strip() or len(name.strip()) > groups.MAX_NAME_LENGTH:
        raise click.BadParameter(
            f"give a name of 1 to {groups.MAX_NAME_LENGTH} characters", param_hint="NAME"
        )
    owner = None
    if owner_email is not None:
        owner = admins.find(owner_email)
        if owner is None:
            raise click.BadParameter(f"no admin has the email {owner_email}", param_hint="--owner")
    closes_on = closes.date() if closes else None
    group = groups.create_group(name, closes_on, owner, actor=COMMAND_LINE)
    db.session.commit()
    link = _public_link("public.join_group", code=group.join_code)
    click.echo(f"Created group {group.name}. Code: {group.short_code}. Join link:")
    click.echo(link)


@group_cli.command("list")
def list_groups() -> None:
    """List every group: name, code, open or closed, members who finished."""
    for group in db.session.scalars(select(Group).order_by(Group.created_at, Group.id)):
        state = "open" if groups.is_open(group) else "closed"
        finished = len(groups.members(group))
        click.echo(f"{group.name}\t{group.short_code}\t{state}\t{finished} finished")


@group_cli.command("export")
@click.argument("name")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@result_filter_options
def export_group(name: str, file: str, **chosen: Any) -> None:
    """Write the members of the group called NAME (the newest, if several) to FILE as CSV:
    those whose results the filter picks, every member without one."""
    group = groups.find_by_name(name)
    if group is None:
        raise click.ClickException(f"No group is called {name!r}.")
    result_filter = _result_filter(**chosen)
    text = "".join(
        groups.members_csv(
            group, lambda token: _public_link("public.show_result", token=token), result_filter
        )
    )
    if file == "-":
        click.echo(text, nl=False)
    else:
        Path(file).write_text(text, encoding="utf-8", newline="")
        exported = len(groups.members(group, result_filter))
        click.echo(f"Exported {exported} members of {group.name} to {file}.")


def _public_link(endpoint: str, **values: str) -> str:
    """Build a link on PUBLIC_URL from the command line.

    The request made up for it names PUBLIC_URL's own host: outside testing Flask builds no
    URL for a request to a host not in TRUSTED_HOSTS, which "localhost" need not be.
    """
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
        return public_url(endpoint, **values)
