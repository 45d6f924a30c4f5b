"""``pennywise db``: the database's schema, health and backups.

``upgrade``, ``current`` and ``backup`` act on the database this machine opens
(``--database-url`` / ``PENNYWISE_DATABASE_URL``, else the embedded SQLite file) in either
mode: they are the operator's tools. So is ``verify``: every group in that database against
every invariant of the ledger (:mod:`pennywise_core.integrity`), with no acting user; in
remote mode it needs the database's URL given, never checking an unrelated local file.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from operator import itemgetter
from pathlib import Path
from typing import Annotated, Any

import typer

from pennywise_cli.errors import CONFLICT, CliError, WrongModeError
from pennywise_cli.output import (
    Column,
    FormatOption,
    emit,
    emit_record,
    progress,
    say,
    short_id,
    warn,
)
from pennywise_cli.runtime import options, run_async

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


def database_url_for(ctx: typer.Context, given: str | None) -> str:
    """The database an operator's command acts on: ``--database-url``, the global option or
    ``PENNYWISE_DATABASE_URL``, else the embedded SQLite file."""
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
    url = database_url_for(ctx, database_url)

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
    url = database_url_for(ctx, database_url)

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
    Column("check", lambda p: p["check"]),
    Column("group", lambda p: p["group"]),
    Column("group id", lambda p: p["group_id"], csv_only=True),
    Column("member", lambda p: p["member"]),
    Column("member id", lambda p: p["member_id"], csv_only=True),
    Column("tx", lambda p: short_id(p["transaction_id"]), full=lambda p: p["transaction_id"]),
    Column("currency", lambda p: p["currency"]),
    Column("stored", lambda p: p["stored"], right=True),
    Column("recomputed", lambda p: p["recomputed"], right=True),
    Column("repaired", lambda p: p["repaired"]),
    Column("problem", lambda p: p["message"], flex=True),
]


@app.command()
def verify(
    ctx: typer.Context,
    *,
    repair: Annotated[
        bool,
        typer.Option(
            "--repair",
            help="Set drifted balances to the recomputed ones, in the groups whose entries "
            "pass every check.",
        ),
    ] = False,
    database_url: UrlOption = None,
    fmt: FormatOption = None,
) -> None:
    """Check every group in the database against the ledger's invariants.

    Stored balances against a recomputation from the entries, zero sums per currency,
    Σpaid = Σowed = amount, entries of the group's own members, an owner per group. An
    operator's command on the database itself (every group, whoever's it is), never through
    the API. Exit 0 when every check passes (or --repair fixed all), 4 when a problem is left.
    """
    chosen = options(ctx)
    if chosen.remote and not (database_url or chosen.database_url):
        raise WrongModeError(
            "db verify checks the database itself, every group in it, in local mode: give "
            "--database-url or set PENNYWISE_DATABASE_URL to the server's database"
        )
    url = database_url_for(ctx, database_url)

    async def _verify() -> JSON:
        from pennywise_core import db, integrity

        engine = await db.open_database(url, create=False)
        try:
            async with db.session_factory(engine)() as session:
                await db.begin_snapshot(session)  # a write landing meanwhile is not drift
                with progress("verifying the ledger", total=None):
                    report = await integrity.check_database(session, repair=repair)
                await session.commit()  # (the repairs; leaving the block rolls back on error)
            return {
                "database": engine.url.render_as_string(hide_password=True),
                **report.model_dump(mode="json"),
            }
        finally:
            await engine.dispose()

    result = run_async(_verify())
    emit(result, fmt, columns=VERIFY_COLUMNS, rows=result["problems"])
    problems = result["problems"]
    say(
        f"checked {result['groups_checked']} groups, {result['transactions_checked']} "
        f"transactions, {result['balances_checked']} balances: {len(problems)} problems found"
        + (f", {result['repaired']} repaired" if repair else "")
    )
    if result["ok"]:
        return
    from pennywise_core.integrity import REPAIRABLE

    left = [p for p in problems if not p["repaired"]]
    drift = [p for p in left if p["check"] in REPAIRABLE]
    if repair:
        warn(f"{len(left)} problems left: --repair fixes balances only where the entries pass")
    elif drift and len(drift) == len(left):
        warn("balances drifted: `pennywise db verify --repair` sets them to the recomputed ones")
    else:
        warn(f"{len(left)} problems found: the entries themselves need fixing")
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

    url = make_url(database_url_for(ctx, database_url))
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
