"""Engines, sessions and the schema's revision.

Nothing here runs at import time. A program opens the database with :func:`open_database`,
which creates the embedded SQLite file at the latest revision on first use and refuses a
database whose schema is behind the code (:class:`SchemaOutOfDateError` names the command
that fixes it). Sessions come from :func:`session_factory`; services never commit, the
caller owns the transaction::

    engine = await open_database()
    async with session_factory(engine)() as session, session.begin():
        group = await groups.create(session, actor, name="Trip", currency="EUR")
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine as _create_async_engine

from pennywise_core.errors import SchemaOutOfDateError
from pennywise_core.settings import get_settings

if TYPE_CHECKING:
    from alembic.config import Config

SCHEMA_REVISION: Final = "b5d8e1f2a4c6"
"""The head of ``migrations/``, written down so that opening a database that is up to date
never imports Alembic (a third of the CLI's start-up). A test checks it against Alembic's
head: a new revision updates it."""

UPGRADE_HINT = "run `pennywise db upgrade` to bring it up to date"


NO_STATEMENT_CACHE: Final = {"statement_cache_size": 0, "prepared_statement_cache_size": 0}
"""asyncpg's cache of prepared statements and SQLAlchemy's, both off, for
``PENNYWISE_DATABASE_POOLER=transaction``: asyncpg then prepares each statement unnamed, to
live no longer than its transaction, so a transaction-mode pooler may move the connection to
another server between transactions."""

_POSTGRES_DRIVERS: Final = frozenset({"postgres", "postgresql", "postgresql+asyncpg"})


def async_url(url: str) -> str:
    """``url`` as the async engine needs it. The ``postgres://`` and ``postgresql://`` URLs
    that hosts hand out (Render, Railway, Supabase) name asyncpg (``postgresql+asyncpg://``),
    and libpq's ``sslmode=`` becomes asyncpg's ``ssl=`` (the same values: ``require``,
    ``verify-full``...). Any other URL is returned as it is."""
    parsed = make_url(url)
    if parsed.drivername not in _POSTGRES_DRIVERS:
        return url
    if parsed.drivername == "postgresql+asyncpg" and "sslmode" not in parsed.query:
        return url
    query = dict(parsed.query)
    if "sslmode" in query:
        query.setdefault("ssl", query.pop("sslmode"))
    fixed = parsed.set(drivername="postgresql+asyncpg", query=query)
    return fixed.render_as_string(hide_password=False)


def create_engine(url: str | None = None, **kwargs: Any) -> AsyncEngine:
    """An async engine for ``url`` (default: ``PENNYWISE_DATABASE_URL`` or embedded SQLite).

    No engine ever shows a statement's parameters (``hide_parameters``): not in the text of
    an error, so not in a logged traceback, and not in the echo. They hold password hashes,
    token digests and emails.

    For SQLite a new database file is created readable by its owner only (``0600``, in a
    new ``0700`` directory): it holds every user's password hash and tokens. Foreign keys
    are switched on for every connection (SQLite leaves them off by default), and WAL
    journaling lets readers work while a writer writes. PostgreSQL connections are checked
    before use (``pool_pre_ping``), so a restarted server costs no request once it is back,
    and each engine keeps ``PENNYWISE_DATABASE_POOL_SIZE`` connections and opens up to
    ``PENNYWISE_DATABASE_MAX_OVERFLOW`` more under load.
    """
    settings = get_settings()
    url = async_url(url or settings.database_url)
    parsed = make_url(url)
    kwargs["hide_parameters"] = True
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:" and "mode=memory" not in url:
            _create_private_file(Path(parsed.database).expanduser())
        engine = _create_async_engine(url, echo=settings.database_echo, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_on_connect)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    if "poolclass" not in kwargs:  # this process's share of the server's connections
        kwargs.setdefault("pool_size", settings.database_pool_size)
        kwargs.setdefault("max_overflow", settings.database_max_overflow)
    if settings.database_pooler == "transaction":
        kwargs["connect_args"] = {**kwargs.get("connect_args", {}), **NO_STATEMENT_CACHE}
    return _create_async_engine(url, echo=settings.database_echo, **kwargs)


def _create_private_file(path: Path) -> None:
    # SQLite would create the file with the process's umask (0644 as a rule). An empty file
    # is an empty database to SQLite, which also gives its -wal and -shm files the mode of
    # the database file. An existing file is left as its owner set it.
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # The sqlite3 module starts transactions lazily, before the first write, which breaks
    # SAVEPOINTs and lets a read-then-write race. Take that job away from it (autocommit
    # at the driver) and let SQLAlchemy emit BEGIN itself (``_sqlite_begin``): SQLAlchemy's
    # documented recipe for SQLite transactions that behave.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    # IMMEDIATE takes the write lock up front. With a plain (deferred) BEGIN two writers
    # that both read first deadlock on the upgrade to a write lock, and SQLite answers
    # "database is locked" at once instead of waiting out busy_timeout. The price: every
    # transaction through this engine, reads included, waits its turn. That is right for
    # the embedded single-user database; many concurrent users belong on PostgreSQL.
    # (Other processes reading the file are not blocked: WAL readers see the last commit.)
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit (``expire_on_commit=False``)."""
    return async_sessionmaker(engine, expire_on_commit=False)


def conflict_insert(session: AsyncSession, entity: Any) -> Any:
    """``INSERT`` into ``entity`` in the session's dialect, which has ``ON CONFLICT``
    (``on_conflict_do_nothing``/``_do_update``): PostgreSQL's or SQLite's, imported for the
    one in use, so a CLI command on SQLite never pays for loading the PostgreSQL dialect."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(entity)
    if dialect == "sqlite":
        from sqlalchemy.dialects import sqlite

        return sqlite.insert(entity)
    raise NotImplementedError(f"Pennywise runs on PostgreSQL or SQLite, not {dialect}")


def reads_one_snapshot(session: AsyncSession) -> bool:
    """Whether every transaction of ``session`` already sees one snapshot: SQLite's are
    serializable; PostgreSQL's default, READ COMMITTED, gives each statement the commits
    that landed before it."""
    return session.get_bind().dialect.name != "postgresql"


async def begin_snapshot(session: AsyncSession) -> None:
    """Begin ``session``'s transaction on one snapshot of the database, for a long read
    (an export) that must not see writes committed while it runs: REPEATABLE READ on
    PostgreSQL (it blocks no writer), nothing to do where :func:`reads_one_snapshot`.
    Call it before the session's first statement.
    """
    if session.in_transaction():
        raise RuntimeError("begin_snapshot() must come before the session's first statement")
    if not reads_one_snapshot(session):
        await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


# --- failures worth retrying, and an unreachable database --------------------------------

RETRYABLE_SQLSTATES: Final = frozenset({"40001", "40P01"})
"""serialization_failure and deadlock_detected: PostgreSQL rolled the whole transaction back
and running it again, from its first statement, is the documented answer."""

_UNAVAILABLE_SQLSTATES: Final = frozenset({"57P01", "57P02", "57P03", "53300"})
"""admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections (and the whole
class 08, connection_exception): the server is going away, not up yet, or full."""

MAX_ATTEMPTS: Final = 4
"""How many times one database transaction that keeps failing with an :func:`is_retryable`
error is run in all: by the API's ``DatabaseRetryMiddleware`` and the CLI's local backend."""

RETRY_AFTER_SECONDS: Final = 1
"""What a 503 says in ``Retry-After`` when the database is busy or away."""


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        orig = getattr(current, "orig", None)
        todo.append(orig if isinstance(orig, BaseException) else None)
        todo.extend((current.__cause__, current.__context__))


def _sqlstates(exc: BaseException) -> set[str]:
    return {code for e in _chain(exc) if isinstance(code := getattr(e, "sqlstate", None), str)}


def is_retryable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database rolled the transaction back and running it again
    may succeed: a serialization failure or a deadlock (SQLSTATE 40001, 40P01). The one
    rule the API's middleware and the CLI's local backend both ask."""
    return bool(_sqlstates(exc) & RETRYABLE_SQLSTATES)


def is_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database cannot be reached: connection refused or lost,
    shutting down or starting up, or every pooled connection busy past the pool's timeout.
    Not retried in place (a connection lost during COMMIT
    leaves unknown whether it landed): answered "try again later" (the API's 503)."""
    for e in _chain(exc):
        if isinstance(e, DBAPIError) and e.connection_invalidated:
            return True
        if isinstance(e, ConnectionError | TimeoutError):  # refused, reset, timed out
            return True
        if isinstance(e, PoolTimeoutError):  # the pool had no connection to give in time
            return True
    return any(c.startswith("08") or c in _UNAVAILABLE_SQLSTATES for c in _sqlstates(exc))


# --- the schema's revision ---------------------------------------------------------------


def migrations_dir() -> Path:
    """The Alembic scripts: shipped inside the wheel, or the repository's ``migrations/``."""
    packaged = Path(__file__).parent / "_migrations"
    if (packaged / "env.py").exists():
        return packaged
    return Path(__file__).parent.parent / "migrations"


@cache
def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    return config


def head_revision() -> str:
    """The newest revision in ``migrations/``, as Alembic reads it."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "migrations/ holds no revision"
    return head


def _current(connection: Connection) -> str | None:
    # What ``MigrationContext.get_current_revision()`` reads, without importing Alembic.
    if not inspect(connection).has_table("alembic_version"):
        return None
    versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
    revisions = list(versions)
    if len(revisions) > 1:
        raise SchemaOutOfDateError(
            f"the database's alembic_version table holds {len(revisions)} revisions "
            f"({', '.join(sorted(revisions))}); Pennywise has one line of revisions"
        )
    return revisions[0] if revisions else None


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at, or None for a database Alembic never touched."""
    async with engine.connect() as connection:
        return await connection.run_sync(_current)


def _run(connection: Connection, operation: str, revision: str) -> None:
    from alembic import command

    config = alembic_config()
    config.attributes["connection"] = connection
    try:
        getattr(command, operation)(config, revision)
    finally:
        del config.attributes["connection"]


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Run the migrations up to ``revision`` in this process."""
    async with engine.connect() as connection:
        await connection.run_sync(_migrate, "upgrade", revision)


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    async with engine.connect() as connection:
        await connection.run_sync(_migrate, "downgrade", revision)


def _migrate(connection: Connection, operation: str, revision: str) -> None:
    """The migrations in one transaction. On SQLite with foreign key enforcement off
    meanwhile, as SQLite's own procedure for changing a table asks: Alembic's batch mode
    rebuilds a table by copying it and dropping the old one, and with enforcement on that
    drop would run every ``ON DELETE CASCADE`` of the tables referring to it (a rebuilt
    ``transactions`` would take every entry with it). The keys are checked before commit."""
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        _sqlite_pragma(connection, "PRAGMA foreign_keys=OFF")  # a no-op inside a transaction
    try:
        with connection.begin():
            _run(connection, operation, revision)
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    raise RuntimeError(
                        f"the migration left {len(broken)} rows whose foreign keys do not "
                        f"hold (first: {tuple(broken[0])}); nothing was changed"
                    )
    finally:
        if sqlite:
            _sqlite_pragma(connection, "PRAGMA foreign_keys=ON")


def _sqlite_pragma(connection: Connection, pragma: str) -> None:
    # On the driver's connection: through SQLAlchemy, the statement would first BEGIN.
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(pragma)
    finally:
        cursor.close()


def _is_empty(connection: Connection) -> bool:
    return not inspect(connection).get_table_names()


async def check_schema(engine: AsyncEngine) -> None:
    """Refuse to work on a database whose schema is not at this code's head revision."""
    current = await current_revision(engine)
    if current == SCHEMA_REVISION:
        return
    head = head_revision()
    if current is None:
        raise SchemaOutOfDateError(
            f"the database at {engine.url.render_as_string(hide_password=True)} has no "
            f"Pennywise schema; {UPGRADE_HINT}"
        )
    if not _known_revision(current):
        raise SchemaOutOfDateError(
            f"the database is at revision {current}, which this version of Pennywise does "
            "not know: it was written by a newer Pennywise; upgrade the pennywise package"
        )
    raise SchemaOutOfDateError(
        f"the database is at revision {current} but this version of Pennywise needs {head}; "
        + UPGRADE_HINT
    )


def _known_revision(revision: str) -> bool:
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    script = ScriptDirectory.from_config(alembic_config())
    try:
        return script.get_revision(revision) is not None
    except CommandError:  # alembic raises for an id it has never seen
        return False


async def open_database(url: str | None = None, *, create: bool = True) -> AsyncEngine:
    """An engine on a database that is ready to use.

    A database with no tables at all (a new SQLite file, an empty PostgreSQL database) is
    created at the latest revision when ``create`` is true. Anything else must already be
    at the latest revision; otherwise :class:`SchemaOutOfDateError` says how to fix it.
    """
    engine = create_engine(url)
    try:
        if create:
            async with engine.connect() as connection:
                empty = await connection.run_sync(_is_empty)
            if empty:
                await upgrade(engine)
        await check_schema(engine)
    except BaseException:
        await engine.dispose()
        raise
    return engine
