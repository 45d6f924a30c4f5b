"""``pennywise db``: the database's schema, health and backups.

``upgrade``, ``current`` and ``backup`` act on the database this machine opens
(``--database-url`` / ``PENNYWISE_DATABASE_URL``, else the embedded SQLite file) in either
mode: they are the operator's tools. ``verify`` checks the balances of your groups through
the backend, so it works in remote mode too (without ``--repair``, which the API lacks).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from operator import itemgetter
from pathlib import Path
from typing import Annotated, Any

import typer

from pennywise_cli.backends import Backend
from pennywise_cli.commands.common import find_group
from pennywise_cli.errors import CONFLICT, CliError, WrongModeError
from pennywise_cli.output import Column, FormatOption, emit, emit_record, progress, say, warn
from pennywise_cli.runtime import call, options, run_async

JSON = dict[str, Any]

app = typer.Typer(help="Create, upgrade, check and back up the database.", no_args_is_help=True)

UrlOption = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar="PENNYWISE_DATABASE_URL",
        help="SQLAlchemy URL [default: the embedded SQLite file in PENNYWISE_HOME].",
        show_default=False,
    ),
]

RECORD_FIELDS = [
    Column("database", lambda r: r["database"]),
    Column("revision", lambda r: r["revision"]),
    Column("latest", lambda r: r["head"]),
    Column("current", lambda r: r["current"]),
]


def _url(ctx: typer.Context, given: str | None) -> str:
    url = given or options(ctx).database_url
    if url:
        return url
    from pennywise_core.settings import get_settings

    return get_settings().database_url


@app.command()
def upgrade(
    ctx: typer.Context, *, database_url: UrlOption = None, fmt: FormatOption = None
) -> None:
    """Bring the database schema up to this version of Pennywise (creates it if empty)."""
    url = _url(ctx, database_url)

    async def _upgrade() -> JSON:
        from pennywise_core import db

        engine = db.create_engine(url)
        try:
            before = await db.current_revision(engine)
            await db.upgrade(engine)
            return {
                "database": engine.url.render_as_string(hide_password=True),
                "previous": before,
                "revision": await db.current_revision(engine),
                "head": db.head_revision(),
                "current": True,
            }
        finally:
            await engine.dispose()

    result = run_async(_upgrade())
    if result["previous"] == result["head"]:
        say(f"already at the latest revision ({result['head']})")
    else:
        say(f"upgraded from {result['previous'] or 'an empty database'} to {result['head']}")
    emit_record(result, fmt, fields=RECORD_FIELDS)


@app.command()
def current(
    ctx: typer.Context, *, database_url: UrlOption = None, fmt: FormatOption = None
) -> None:
    """The database's schema revision and whether it is the latest."""
    url = _url(ctx, database_url)

    async def _current() -> JSON:
        from pennywise_core import db

        engine = db.create_engine(url)
        try:
            revision, head = await db.current_revision(engine), db.head_revision()
            return {
                "database": engine.url.render_as_string(hide_password=True),
                "revision": revision,
                "head": head,
                "current": revision == head,
            }
        finally:
            await engine.dispose()

    result = run_async(_current())
    if not result["current"]:
        say("the schema is not current: run `pennywise db upgrade`")
    emit_record(result, fmt, fields=RECORD_FIELDS)


VERIFY_COLUMNS = [
    Column("group", lambda r: r["group"]),
    Column("ok", lambda r: r["ok"]),
    Column("drifted", lambda r: len(r["drift"]), right=True),
    Column("repaired", lambda r: r["repaired"]),
    Column("id", lambda r: r["group_id"][:8], full=lambda r: r["group_id"]),
]


@app.command()
def verify(
    ctx: typer.Context,
    group: Annotated[
        str | None,
        typer.Argument(
            metavar="GROUP",
            help="Only this group (name or id) [default: all yours].",
            show_default=False,
        ),
    ] = None,
    *,
    repair: Annotated[
        bool,
        typer.Option("--repair", help="Set drifted balances to the recomputed ones (admins)."),
    ] = False,
    fmt: FormatOption = None,
) -> None:
    """Recompute balances from the transactions and report any drift (exit 4 if some)."""
    if repair and options(ctx).remote:
        raise WrongModeError(
            "--repair works on the database itself: run it in local mode where the database "
            "is (PENNYWISE_DATABASE_URL pointing at it); the API only verifies"
        )

    async def work(backend: Backend) -> list[JSON]:
        groups = [await find_group(backend, group)] if group else await backend.list_groups()
        results: list[JSON] = []
        with progress("verifying balances", total=len(groups)) as advance:
            for found in groups:
                report = await backend.verify_balances(found["id"])
                if repair and not report["ok"]:
                    report = await backend.verify_balances(found["id"], repair=True)
                results.append({"group_id": found["id"], "group": found["name"], **report})
                advance()
        return results

    results = call(ctx, work)
    emit(results, fmt, columns=VERIFY_COLUMNS)
    drifted = [r for r in results if not r["ok"] and not r["repaired"]]
    repaired = [r for r in results if r["repaired"]]
    if repaired:
        say(f"repaired the balances of {len(repaired)} group(s)")
    if drifted:
        warn(
            f"balances drifted in {len(drifted)} group(s): "
            "run `pennywise db verify --repair` to fix them"
        )
        raise typer.Exit(CONFLICT)


@app.command()
def backup(
    ctx: typer.Context,
    path: Annotated[
        Path, typer.Argument(metavar="PATH", help="Where to write the copy.", show_default=False)
    ],
    *,
    force: Annotated[bool, typer.Option("--force", help="Overwrite PATH if it exists.")] = False,
    database_url: UrlOption = None,
    fmt: FormatOption = None,
) -> None:
    """A consistent copy of the database, safe while it is in use.

    SQLite: the online backup API, then an integrity check of the copy. PostgreSQL:
    `pg_dump --format=custom` (restore with pg_restore), if pg_dump is on PATH.
    """
    from sqlalchemy.engine import make_url

    url = make_url(_url(ctx, database_url))
    target = path.expanduser()
    if target.exists() and not force:
        raise CliError(f"{target} exists; choose another path or pass --force")
    target.parent.mkdir(parents=True, exist_ok=True)
    backend = url.get_backend_name()
    if backend == "sqlite":
        kind, check = "sqlite", _backup_sqlite(url.database, target)
    elif backend == "postgresql":
        kind, check = "pg_dump custom", _backup_postgres(url, target)
    else:
        raise CliError(f"cannot back up a {backend} database; SQLite and PostgreSQL are supported")
    result = {
        "database": url.render_as_string(hide_password=True),
        "backup": str(target),
        "format": kind,
        "bytes": target.stat().st_size,
        "check": check,
    }
    say(f"backed up to {target} ({result['bytes']} bytes)")
    emit_record(
        result,
        fmt,
        fields=[Column(key, itemgetter(key)) for key in result],
    )


def _backup_sqlite(database: str | None, target: Path) -> str:
    import sqlite3
    from contextlib import closing

    if not database or database == ":memory:":
        raise CliError("an in-memory database has nothing to back up")
    source = Path(database).expanduser().resolve()
    if not source.exists():
        raise CliError(f"no database at {source}")
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        # mode=rw: never create an empty database where the real one was expected.
        with (
            closing(sqlite3.connect(f"{source.as_uri()}?mode=rw", uri=True, timeout=30)) as src,
            closing(sqlite3.connect(partial)) as dst,
            progress("backing up", total=None) as advance,
        ):
            done = 0

            def report(_status: int, remaining: int, total: int) -> None:
                nonlocal done
                advance(total - remaining - done, total=total)
                done = total - remaining

            # Page by page: writers are held up only for one step at a time, and a write
            # in between makes SQLite restart the copy, so the copy is a consistent snapshot.
            src.backup(dst, pages=1024, progress=report)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            check = str(dst.execute("PRAGMA integrity_check").fetchone()[0])
        if check != "ok":
            raise CliError(f"the copy failed its integrity check: {check}")
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return check


def _backup_postgres(url: Any, target: Path) -> str:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise CliError(
            "pg_dump is not on PATH: install the PostgreSQL client tools (the server's major "
            "version or newer, e.g. `apt install postgresql-client`) or use your provider's "
            "backups"
        )
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)  # not on the command line, where ps shows it
    dsn = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    partial = target.with_name(f".{target.name}.partial")
    try:
        with progress("pg_dump", total=None):
            done = subprocess.run(  # noqa: S603 - a fixed program, arguments as a list
                [pg_dump, "--format=custom", f"--file={partial}", f"--dbname={dsn}"],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
        if done.returncode != 0:
            raise CliError(f"pg_dump failed: {done.stderr.strip() or done.returncode}")
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return "pg_dump exit 0"
