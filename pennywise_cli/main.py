"""The ``pennywise`` command: every noun registered in one place.

Local mode (the default) runs the core on the embedded SQLite file in ``$PENNYWISE_HOME``
(or ``--database-url``); remote mode (``--api-url`` / ``PENNYWISE_API_URL``, after
``pennywise login``) talks to a Pennywise server. Every command is written once against
:class:`pennywise_cli.backends.Backend`.

Exit codes (see :mod:`pennywise_cli.errors`): 0 ok, 1 user error or invalid input, 2 usage,
3 not found, 4 conflict or stale version, 5 not signed in or not allowed, 6 database schema
out of date, 7 server or database unreachable or unavailable.

Only Typer and the CLI's own light modules are imported here: SQLAlchemy, the core
services, httpx, rich and uvicorn load inside the commands that use them, so
``pennywise --help`` stays instant.
"""

from __future__ import annotations

from typing import Annotated

import typer

from pennywise_cli.commands import (
    activity,
    auth,
    balances,
    config,
    db,
    exports,
    group,
    imports,
    invite,
    member,
    rates,
    recurring,
    report,
    serve,
    settle,
    token,
    tx,
    watch,
    webhooks,
)
from pennywise_cli.errors import EXIT_CODES_HELP, ErrorBoundaryGroup
from pennywise_cli.runtime import Options

app = typer.Typer(
    name="pennywise",
    cls=ErrorBoundaryGroup,
    help="Expense sharing and tracking, correct to the cent.",
    epilog=EXIT_CODES_HELP,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=False,
)

# --- the nouns (one module each) ----------------------------------------------------------
app.add_typer(group.app, name="group")
app.add_typer(member.app, name="member")
app.add_typer(invite.app, name="invite")
app.add_typer(tx.app, name="tx")
app.command("balances")(balances.balances)
app.add_typer(rates.app, name="rates")
app.command("settle")(settle.settle)
app.command("activity")(activity.activity)
app.command("watch")(watch.watch)
app.command("report")(report.report)
app.command("import")(imports.import_)
app.command("export")(exports.export)
app.add_typer(recurring.app, name="recurring")
app.add_typer(webhooks.app, name="webhooks")
app.add_typer(db.app, name="db")
app.command("serve")(serve.serve)
app.command("login")(auth.login)
app.command("logout")(auth.logout)
app.add_typer(token.app, name="token")
app.add_typer(config.app, name="config")


def _version(value: bool) -> None:
    if value:
        from pennywise_cli import __version__

        typer.echo(f"pennywise {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    *,
    api_url: Annotated[
        str | None,
        typer.Option(
            "--api-url",
            envvar="PENNYWISE_API_URL",
            help="A Pennywise server (remote mode), e.g. https://pennywise.example.org. "
            "Unset: local mode on this machine's database.",
            show_default=False,
        ),
    ] = None,
    database_url: Annotated[
        str | None,
        typer.Option(
            "--database-url",
            envvar="PENNYWISE_DATABASE_URL",
            help="Local mode's database (SQLAlchemy URL) "
            "[default: the SQLite file in PENNYWISE_HOME].",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Expense sharing and tracking, correct to the cent.

    Local mode (default): your data in a SQLite file in PENNYWISE_HOME, no server needed.
    Remote mode: --api-url or PENNYWISE_API_URL, after `pennywise login`.
    Output: --format table|json|csv|ndjson|id on every command (table on a terminal, JSON
    when piped; ndjson one object a line, id only the ids, for scripts).
    """
    ctx.obj = Options(api_url=api_url or None, database_url=database_url or None)


def run() -> None:
    """Console-script entry point."""
    app(prog_name="pennywise")


if __name__ == "__main__":  # pragma: no cover
    run()
