"""``pennywise db``: the database's schema and health."""

from __future__ import annotations

from typing import Annotated

import typer

app = typer.Typer(help="Create, upgrade and check the database.", no_args_is_help=True)

UrlOption = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar="PENNYWISE_DATABASE_URL",
        help="SQLAlchemy URL; default: the embedded SQLite file in the data directory.",
        show_default=False,
    ),
]


@app.command()
def upgrade(*, database_url: UrlOption = None) -> None:
    """Bring the database schema up to this version of Pennywise (creates it if empty)."""
    from pennywise_cli.main import run_async

    async def _upgrade() -> tuple[str | None, str]:
        from pennywise_core import db

        engine = db.create_engine(database_url)
        try:
            before = await db.current_revision(engine)
            await db.upgrade(engine)
            return before, db.head_revision()
        finally:
            await engine.dispose()

    before, head = run_async(_upgrade())
    if before == head:
        typer.echo(f"already at the latest revision ({head})", err=True)
    else:
        typer.echo(f"upgraded from {before or 'an empty database'} to {head}", err=True)


@app.command()
def current(*, database_url: UrlOption = None) -> None:
    """Print the database's schema revision and whether it is the latest."""
    from pennywise_cli.main import run_async

    async def _current() -> tuple[str | None, str, str]:
        from pennywise_core import db

        engine = db.create_engine(database_url)
        try:
            url = engine.url.render_as_string(hide_password=True)
            return await db.current_revision(engine), db.head_revision(), url
        finally:
            await engine.dispose()

    revision, head, url = run_async(_current())
    state = "latest" if revision == head else f"behind: run `pennywise db upgrade` (latest {head})"
    typer.echo(f"{url}\n{revision or 'no schema'} ({state})")
