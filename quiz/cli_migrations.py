"""Flask commands: db upgrade|downgrade|current|history|stamp|... — Flask-Migrate's own, loaded
only when one of them runs.

Initialising Flask-Migrate in ``create_app`` would import Alembic, Mako and Pygments (about
12 MB) into every process, and no request uses them. This group stands in for Flask-Migrate's
``db`` group: ``flask --help`` lists it from its help text alone, and whatever needs more (its
options, a subcommand, ``flask db --help``) first initialises Flask-Migrate on the app, then
hands over to Flask-Migrate's group. Every option, subcommand and help text is Flask-Migrate's
own, so the commands behave exactly as they would registered the usual way.
"""

from __future__ import annotations

from typing import Any

import click
from flask.cli import ScriptInfo

from quiz.db import init_migrations


def flask_migrate_group(ctx: click.Context) -> click.Group:
    """Initialise Flask-Migrate on the command line's app and return its ``db`` group."""
    # the app Flask's command line loads (once: ScriptInfo keeps it), as with_appcontext does
    init_migrations(ctx.ensure_object(ScriptInfo).load_app())
    from flask_migrate.cli import db

    group: click.Group = db
    return group


class LazyMigrateGroup(click.Group):
    """Click's lazy loading of subcommands, applied to a whole group: its options too.

    ``list_commands`` and ``get_command`` are click's documented hooks for subcommands loaded
    on demand; ``get_params`` does the same for the group's own options (``--directory``,
    ``--x-arg``), which click reads only when the group itself is invoked.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return flask_migrate_group(ctx).list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return flask_migrate_group(ctx).get_command(ctx, cmd_name)

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        return flask_migrate_group(ctx).get_params(ctx)


@click.pass_context
def _run_flask_migrates_group(ctx: click.Context, /, **options: Any) -> None:
    """Run Flask-Migrate's group callback, which keeps the options for its subcommands."""
    callback = flask_migrate_group(ctx).callback
    assert callback is not None
    ctx.invoke(callback, **options)


db_cli = LazyMigrateGroup(
    "db",
    callback=_run_flask_migrates_group,
    short_help="Perform database migrations.",
    help="Perform database migrations: Flask-Migrate's commands, loaded only when one runs.",
)
