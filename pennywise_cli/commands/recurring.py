"""``pennywise recurring``: transactions that repeat on a schedule.

``run`` creates the occurrences that are due. It acts on the database itself, like ``db
verify`` (the embedded SQLite file, or ``--database-url``): it is what cron runs on a
machine without an API server, and what an operator runs on the server's database; the API
server also runs it by itself every ``PENNYWISE_RECURRING_INTERVAL_SECONDS``. Running it
twice, or on several machines at once, creates nothing twice.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer

from pennywise_cli.commands.db import UrlOption, database_url_for
from pennywise_cli.errors import CONFLICT, WrongModeError
from pennywise_cli.output import Column, FormatOption, emit, say, short_id, warn
from pennywise_cli.parse import DATE_HELP, parse_date
from pennywise_cli.runtime import options, run_async

app = typer.Typer(help="Transactions that repeat: rent, subscriptions.", no_args_is_help=True)

RUN_COLUMNS = [
    Column("date", lambda r: r["date"]),
    Column("rule", lambda r: short_id(r["rule_id"])),
    Column("group", lambda r: short_id(r["group_id"])),
    Column("transaction", lambda r: short_id(r["transaction_id"]) if r["transaction_id"] else ""),
    Column("problem", lambda r: r.get("error") or "", flex=True),
]


@app.command()
def run(
    ctx: typer.Context,
    *,
    until: Annotated[
        str | None,
        typer.Option(
            "--until",
            metavar="DATE",
            help=f"Create what is due up to this date ({DATE_HELP}) [default: today].",
            show_default=False,
        ),
    ] = None,
    database_url: UrlOption = None,
    fmt: FormatOption = None,
) -> None:
    """Create every occurrence due up to today (or --until), each dated on its own day.

    Catches up after downtime: an occurrence missed for a month is created now, on its
    date. Safe to run as often as you like, from cron or by hand, on several machines at
    once: each occurrence is created once. Exit 0, or 4 when a rule could not run (a member
    it names has left, say): it is tried again next time.
    """
    chosen = options(ctx)
    if chosen.remote and not (database_url or chosen.database_url):
        raise WrongModeError(
            "recurring run creates transactions in the database itself, in local mode (the "
            "API server runs it by itself): give --database-url to run it on a server's "
            "database"
        )
    url = database_url_for(ctx, database_url)
    through = dt.date.fromisoformat(parse_date(until or "today", future=True))

    async def _run() -> dict[str, Any]:
        from pennywise_core import db
        from pennywise_core.services import recurring

        engine = await db.open_database(url, create=False)
        try:
            result = await recurring.run_due(db.session_factory(engine), through=through)
        finally:
            await engine.dispose()
        return result.model_dump(mode="json")

    result = run_async(_run())
    rows = [*result["created"], *({**f, "transaction_id": None} for f in result["failed"])]
    emit(result, fmt, columns=RUN_COLUMNS, rows=rows)
    say(
        f"created {len(result['created'])} transactions due up to {through.isoformat()}"
        + (f"; {len(result['failed'])} rules could not run" if result["failed"] else "")
    )
    if result["failed"]:
        warn("each failed rule is tried again on the next run; fix it with its group's admins")
        raise typer.Exit(CONFLICT)
