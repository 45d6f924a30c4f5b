"""Database fixtures for the whole suite: real SQLite files and a real PostgreSQL, no mocks.

Every test that asks for a database runs twice, once per backend (ids ``sqlite`` and
``postgresql``; the PostgreSQL run carries the ``postgres`` marker, so ``-m "not postgres"``
keeps SQLite only). ``PENNYWISE_TEST_DATABASES=sqlite`` (a comma list) narrows the backends.

* ``database_server``: a backend that can make fresh, empty databases (session scope).
* ``fresh_database_url``: an empty database of the test's own, for tests of migrations or
  of :func:`pennywise_core.db.open_database` (function scope, dropped afterwards).
* ``migrated_database_url``: a database of the test's own already at head, a copy of one
  migrated once per run (``CREATE DATABASE … TEMPLATE`` on PostgreSQL, a file copy on
  SQLite): for tests that need a whole database, as the CLI's do, but are not about
  migrating it. Migrating one per test cost ``tests/cli`` 49 s of its 242 s (``-n 2``).
* ``database_url`` / ``engine``: one database per backend per run (per xdist worker),
  migrated once to head.
* ``session``: an ``AsyncSession`` joined into an outer transaction that is rolled back
  after the test; ``session.commit()`` only releases a SAVEPOINT, so nothing leaks.
* ``session_maker``: real commits (for tests with several sessions at once); every table
  is emptied afterwards.

PostgreSQL is ``PENNYWISE_TEST_POSTGRES_URL`` (default: the local server as ``postgres``);
each run creates throwaway ``pennywise_test_<random>`` databases there and drops them.
When it cannot be reached its tests are skipped with the reason, except under ``CI=true``,
where they fail, and where any skipped ``postgres`` test fails the run.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool

from pennywise_core.db import create_engine, session_factory, upgrade
from pennywise_core.models import Base
from pennywise_core.settings import get_settings
from tests.environment import SUITE_SETTINGS

DEFAULT_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
BACKENDS = {
    "sqlite": pytest.param("sqlite", id="sqlite"),
    "postgresql": pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
}


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def _selected_backends() -> list[Any]:
    wanted = os.environ.get("PENNYWISE_TEST_DATABASES", "sqlite,postgresql")
    names = [name.strip() for name in wanted.split(",") if name.strip()]
    unknown = sorted(set(names) - BACKENDS.keys())
    if unknown or not names:
        raise pytest.UsageError(
            f"PENNYWISE_TEST_DATABASES={wanted!r}: expected a comma list of {sorted(BACKENDS)}"
        )
    return [BACKENDS[name] for name in BACKENDS if name in names]


# --- no test touches the real user data ----------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def _isolated_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Point ``PENNYWISE_HOME`` at a temporary directory and forget any other setting.

    A developer's own ``PENNYWISE_DATABASE_URL`` (or any ``PENNYWISE_*`` but the
    ``PENNYWISE_TEST_*`` knobs) must never reach a test.

    The API's rate limits are off (``PENNYWISE_RATE_LIMIT_ENABLED=false``, inherited by the
    servers tests start): a whole run comes from one address. Their own tests switch them
    on with ``Settings(rate_limit_enabled=True, ...)``.

    :data:`SUITE_SETTINGS` are set: passwords are hashed at a cheap cost, not the
    production default (64 MiB, 3 passes: 140 ms a hash, thousands of hashes a run);
    test_auth_service checks the default and the rehash at sign-in when the cost changes.
    """
    with pytest.MonkeyPatch.context() as mp:
        for name in list(os.environ):
            if name.startswith("PENNYWISE_") and not name.startswith("PENNYWISE_TEST_"):
                mp.delenv(name)
        mp.setenv("PENNYWISE_HOME", str(tmp_path_factory.mktemp("pennywise_home")))
        mp.setenv("PENNYWISE_RATE_LIMIT_ENABLED", "false")
        for name, value in SUITE_SETTINGS.items():
            mp.setenv(name, value)
        get_settings.cache_clear()
        yield
    get_settings.cache_clear()


# --- database servers ----------------------------------------------------------------------


@dataclass
class SQLiteServer:
    """Fresh databases are new files in a temporary directory (created on first connect)."""

    directory: Path
    name: str = "sqlite"
    _template: Path | None = field(default=None, init=False)

    async def create(self) -> str:
        path = self.directory / f"pennywise_test_{secrets.token_hex(4)}.sqlite3"
        return f"sqlite+aiosqlite:///{path}"

    async def create_at_head(self) -> str:
        if self._template is None:
            url = await self.create()
            await _migrate_to_head(url)  # closing the last connection checkpoints the WAL
            self._template = Path(make_url(url).database or "")
        url = await self.create()
        shutil.copy2(self._template, make_url(url).database or "")  # its 0600 mode too
        return url

    async def drop(self, url: str) -> None:
        path = Path(make_url(url).database or "")
        for suffix in ("", "-wal", "-shm", "-journal"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)

    async def close(self) -> None:
        pass


@dataclass
class PostgresServer:
    """Fresh databases are ``CREATE DATABASE pennywise_test_<random>`` on one server."""

    admin_url: URL
    name: str = "postgresql"
    _admin: AsyncEngine = field(init=False)
    _created: set[str] = field(default_factory=set)
    _template: str | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self._admin = create_async_engine(
            self.admin_url,
            isolation_level="AUTOCOMMIT",
            poolclass=NullPool,
            connect_args={"timeout": 5},
        )

    async def ping(self) -> None:
        async with self._admin.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def create(self) -> str:
        database = f"pennywise_test_{secrets.token_hex(6)}"
        async with self._admin.connect() as connection:
            await connection.exec_driver_sql(f'CREATE DATABASE "{database}"')
        self._created.add(database)
        return self.admin_url.set(database=database).render_as_string(hide_password=False)

    async def create_at_head(self) -> str:
        if self._template is None:
            url = await self.create()
            await _migrate_to_head(url)  # and disconnected: a template may have no sessions
            self._template = make_url(url).database
        database = f"pennywise_test_{secrets.token_hex(6)}"
        async with self._admin.connect() as connection:
            await connection.exec_driver_sql(
                f'CREATE DATABASE "{database}" TEMPLATE "{self._template}"'
            )
        self._created.add(database)
        return self.admin_url.set(database=database).render_as_string(hide_password=False)

    async def drop(self, url: str) -> None:
        database = make_url(url).database
        assert database in self._created, f"{database} was not made by this fixture"
        async with self._admin.connect() as connection:
            await connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        self._created.discard(database)

    async def close(self) -> None:
        for database in list(self._created):
            await self.drop(
                self.admin_url.set(database=database).render_as_string(hide_password=False)
            )
        await self._admin.dispose()


DatabaseServer = SQLiteServer | PostgresServer


async def _migrate_to_head(url: str) -> None:
    engine = create_engine(url, poolclass=NullPool)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


@pytest_asyncio.fixture(scope="session", loop_scope="session", params=_selected_backends())
async def database_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[DatabaseServer]:
    server: DatabaseServer
    if request.param == "sqlite":
        server = SQLiteServer(tmp_path_factory.mktemp("sqlite"))
    else:
        admin_url = make_url(os.environ.get("PENNYWISE_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL))
        server = PostgresServer(admin_url)
        try:
            await server.ping()
        except Exception as exc:  # any failure to connect means "not reachable"
            await server.close()
            where = admin_url.render_as_string(hide_password=True)
            message = (
                f"PostgreSQL is not reachable at {where}: {type(exc).__name__}: {exc}; "
                "set PENNYWISE_TEST_POSTGRES_URL or start it"
            )
            if _in_ci():
                pytest.fail(f"{message} (CI=true: PostgreSQL tests may not be skipped)")
            pytest.skip(message)
    try:
        yield server
    finally:
        await server.close()


@pytest_asyncio.fixture(loop_scope="session")
async def fresh_database_url(database_server: DatabaseServer) -> AsyncIterator[str]:
    """An empty database (no tables) of this test's own; dispose your engines before the end."""
    url = await database_server.create()
    yield url
    await database_server.drop(url)


@pytest_asyncio.fixture(loop_scope="session")
async def migrated_database_url(database_server: DatabaseServer) -> AsyncIterator[str]:
    """A database of this test's own, already at head; dispose your engines before the end."""
    url = await database_server.create_at_head()
    yield url
    await database_server.drop(url)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def database_url(database_server: DatabaseServer) -> AsyncIterator[str]:
    """The run's shared database on this backend (see ``engine``)."""
    url = await database_server.create()
    yield url
    await database_server.drop(url)


# --- the shared, migrated engine -----------------------------------------------------------


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on ``database_url``, migrated to head once per run."""
    engine = create_engine(database_url)
    try:
        await upgrade(engine)
        yield engine
    finally:
        await engine.dispose()


@pytest_asyncio.fixture(loop_scope="session")
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session whose every change, committed or not, is rolled back after the test.

    SQLAlchemy's "Joining a Session into an External Transaction" recipe: services may
    ``commit()``/``rollback()`` freely, each only ends a SAVEPOINT inside our transaction.
    """
    async with engine.connect() as connection:
        transaction = await connection.begin()
        session = AsyncSession(
            bind=connection,
            join_transaction_mode="create_savepoint",
            expire_on_commit=False,
        )
        try:
            yield session
        finally:
            await session.close()
            if transaction.is_active:
                await transaction.rollback()


@pytest_asyncio.fixture(loop_scope="session")
async def session_maker(engine: AsyncEngine) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions that really commit (as the application makes them); tables emptied after."""
    yield session_factory(engine)
    async with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            await connection.execute(table.delete())


def pytest_configure(config: pytest.Config) -> None:
    # Tests pin order-dependent pairs to one worker; keep the marker known without xdist.
    config.addinivalue_line("markers", "xdist_group(name): run these tests in one xdist worker")
    config.addinivalue_line(
        "markers",
        "postgres_only: checks what only PostgreSQL has (an SQLSTATE, a URL form); the SQLite "
        "variant is deselected, not skipped",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect the SQLite variant of a ``postgres_only`` test: it does not apply there, so
    it is neither run nor reported as skipped."""
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("database_server") if callspec is not None else None
        inapplicable = backend == "sqlite" and item.get_closest_marker("postgres_only")
        (drop if inapplicable else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


# --- under CI, a skipped PostgreSQL test fails the run -------------------------------------

_skipped_postgres_tests: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and not hasattr(report, "wasxfail") and "postgres" in report.keywords:
        _skipped_postgres_tests.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _in_ci() and _skipped_postgres_tests and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _in_ci() and _skipped_postgres_tests:
        terminalreporter.section("PostgreSQL tests skipped under CI=true", red=True)
        for nodeid in _skipped_postgres_tests:
            terminalreporter.line(f"SKIPPED {nodeid}")
        terminalreporter.line("CI must run every PostgreSQL test: this run fails.", red=True)
