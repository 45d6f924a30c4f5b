"""The ``pennywise`` command.

Heavy modules (SQLAlchemy, the core services, uvicorn) are imported inside the commands
that need them, so ``pennywise --help`` stays instant.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Coroutine
from typing import Annotated, Any, TypeVar

import typer

from pennywise_cli import db as db_commands

app = typer.Typer(
    name="pennywise",
    help="Expense sharing and tracking, correct to the cent.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
app.add_typer(db_commands.app, name="db")

T = TypeVar("T")

EXIT_USER_ERROR = 1
EXIT_NOT_FOUND = 3
EXIT_CONFLICT = 4
EXIT_SCHEMA = 5


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a command's coroutine; a Pennywise error becomes a message and an exit code."""
    from pennywise_core.errors import (
        ConflictError,
        NotFoundError,
        PennywiseError,
        SchemaOutOfDateError,
    )

    try:
        return asyncio.run(coroutine)
    except PennywiseError as exc:
        if os.environ.get("PENNYWISE_DEBUG") == "1":
            raise
        typer.secho(f"error: {exc}", err=True, fg=typer.colors.RED)
        code = {
            NotFoundError: EXIT_NOT_FOUND,
            ConflictError: EXIT_CONFLICT,
            SchemaOutOfDateError: EXIT_SCHEMA,
        }.get(type(exc), EXIT_USER_ERROR)
        raise typer.Exit(code) from None


@app.command()
def serve(
    *,
    host: Annotated[
        str, typer.Option(envvar="PENNYWISE_HOST", help="Address to listen on.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="PENNYWISE_PORT", help="Port to listen on.")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, help="Worker processes (the API keeps no state of its own).")
    ] = 1,
) -> None:
    """Run the HTTP API (on the embedded SQLite database unless PENNYWISE_DATABASE_URL says
    otherwise). Interactive docs at /docs."""
    import uvicorn

    typer.echo(f"Pennywise API on http://{host}:{port}  (docs: /docs)", err=True)
    uvicorn.run(
        "pennywise_api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        timeout_graceful_shutdown=10,
        log_level="warning",
    )


def run() -> None:
    """Console-script entry point."""
    app(prog_name="pennywise")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run())
