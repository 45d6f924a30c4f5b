"""The schema's life cycle on both backends: migrations, drift, and opening a database.

Each migration test gets an empty database of its own (``fresh_database_url``) and an
engine made exactly as the application makes it (``create_engine``). At the end, the
plumbing the rest of the suite stands on: foreign keys, savepoints, and the isolation of
the ``session`` and ``session_maker`` fixtures.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Uuid, bindparam, func, inspect, select, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pennywise_core.db import (
    SCHEMA_REVISION,
    alembic_config,
    check_schema,
    create_engine,
    current_revision,
    downgrade,
    head_revision,
    migrations_dir,
    open_database,
    session_factory,
    upgrade,
)
from pennywise_core.errors import SchemaOutOfDateError
from pennywise_core.models import Base, Member, Role, User
from pennywise_core.settings import get_settings

ALL_TABLES = {*Base.metadata.tables, "alembic_version"}


async def table_names(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as connection:
        return set(await connection.run_sync(lambda c: inspect(c).get_table_names()))


def backend(url: str) -> str:
    return make_url(url).get_backend_name()


def sqlite_path(url: str) -> Path:
    return Path(make_url(url).database or "")


def a_user(name: str = "ann") -> User:
    return User(
        email=f"{name}@example.org",
        email_normalized=f"{name}@example.org",
        display_name=name.title(),
    )


# --- migrations ----------------------------------------------------------------------------


async def test_upgrade_downgrade_upgrade(fresh_database_url: str) -> None:
    engine = create_engine(fresh_database_url)
    try:
        await upgrade(engine)
        assert await current_revision(engine) == head_revision()
        assert await table_names(engine) == ALL_TABLES

        await downgrade(engine, "base")
        assert await current_revision(engine) is None
        assert await table_names(engine) == {"alembic_version"}

        await upgrade(engine)
        assert await current_revision(engine) == head_revision()
        assert await table_names(engine) == ALL_TABLES
    finally:
        await engine.dispose()


def _drift(connection: Connection) -> list[Any]:
    # The options migrations/env.py gives autogenerate (render_as_batch only shapes output).
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": True}
    )
    return compare_metadata(context, Base.metadata)


def _alembic_check(connection: Connection) -> None:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["connection"] = connection
    command.check(config)  # runs migrations/env.py itself; raises on any difference


async def test_models_match_migrations(fresh_database_url: str) -> None:
    """A model change without a revision (or a revision that differs from the models) fails."""
    engine = create_engine(fresh_database_url)
    try:
        await upgrade(engine)
        async with engine.connect() as connection:
            assert await connection.run_sync(_drift) == []
            await connection.run_sync(_alembic_check)
    finally:
        await engine.dispose()


# --- opening a database --------------------------------------------------------------------


async def test_open_database_creates_an_empty_database_at_head(fresh_database_url: str) -> None:
    if backend(fresh_database_url) == "sqlite":
        assert not sqlite_path(fresh_database_url).exists()
    engine = await open_database(fresh_database_url)
    try:
        assert await current_revision(engine) == head_revision()
        assert await table_names(engine) == ALL_TABLES
    finally:
        await engine.dispose()
    if backend(fresh_database_url) == "sqlite":
        assert sqlite_path(fresh_database_url).is_file()


async def test_open_database_default_is_a_new_file_in_pennywise_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home" / "not-yet-there"
    monkeypatch.setenv("PENNYWISE_HOME", str(home))
    get_settings.cache_clear()
    try:
        engine = await open_database()
        try:
            assert await current_revision(engine) == head_revision()
        finally:
            await engine.dispose()
    finally:
        get_settings.cache_clear()
    assert (home / "pennywise.sqlite3").is_file()


def test_the_written_down_schema_revision_is_alembics_head() -> None:
    assert head_revision() == SCHEMA_REVISION, (
        "a new revision was added: set pennywise_core.db.SCHEMA_REVISION to its id"
    )


def test_opening_an_up_to_date_database_does_not_import_alembic(tmp_path: Path) -> None:
    # The fast path of every CLI command: the revision is read with one SELECT.
    code = (
        "import asyncio, sys\n"
        "from pennywise_core import db\n"
        f"url = 'sqlite+aiosqlite:///{tmp_path / 'p.sqlite3'}'\n"
        "asyncio.run(db.open_database(url))\n"  # creates it: Alembic runs here
        "for name in [m for m in sys.modules if m.split('.')[0] == 'alembic']:\n"
        "    del sys.modules[name]\n"
        "async def reopen():\n"
        "    engine = await db.open_database(url)\n"
        "    await engine.dispose()\n"
        "asyncio.run(reopen())\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'alembic'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


async def test_open_database_refuses_a_database_behind_head(fresh_database_url: str) -> None:
    engine = create_engine(fresh_database_url)
    try:
        await upgrade(engine)
        previous = (
            ScriptDirectory.from_config(alembic_config())
            .get_revision(head_revision())
            .down_revision
        )
        assert previous is None or isinstance(previous, str)
        await downgrade(engine, previous or "base")  # base while 0001 is the only revision
    finally:
        await engine.dispose()

    with pytest.raises(SchemaOutOfDateError, match="run `pennywise db upgrade`"):
        await open_database(fresh_database_url)


async def test_open_database_refuses_a_revision_it_does_not_know(fresh_database_url: str) -> None:
    engine = create_engine(fresh_database_url)
    try:
        await upgrade(engine)
        async with engine.begin() as connection:
            await connection.execute(
                text("UPDATE alembic_version SET version_num = 'f00dfeed0000'")
            )
    finally:
        await engine.dispose()

    # A newer Pennywise wrote it: `pennywise db upgrade` cannot help, upgrading the package can.
    with pytest.raises(SchemaOutOfDateError, match=r"f00dfeed0000.*newer Pennywise"):
        await open_database(fresh_database_url)


async def test_check_schema_on_an_empty_database(fresh_database_url: str) -> None:
    engine = create_engine(fresh_database_url)
    try:
        with pytest.raises(
            SchemaOutOfDateError, match=r"no Pennywise schema.*pennywise db upgrade"
        ):
            await check_schema(engine)
        assert await table_names(engine) == set()
    finally:
        await engine.dispose()

    with pytest.raises(SchemaOutOfDateError, match="no Pennywise schema"):
        await open_database(fresh_database_url, create=False)


# --- what create_engine promises -----------------------------------------------------------


async def test_sqlite_foreign_keys_are_on_for_every_connection(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'fk.sqlite3'}")
    try:
        async with engine.connect() as first, engine.connect() as second:
            drivers = set()
            for connection in (first, second):
                assert (await connection.exec_driver_sql("PRAGMA foreign_keys")).scalar() == 1
                drivers.add(id((await connection.get_raw_connection()).driver_connection))
                await connection.commit()  # end the transaction before the next one begins
            assert len(drivers) == 2
    finally:
        await engine.dispose()


async def test_foreign_keys_are_enforced(session: AsyncSession) -> None:
    session.add(Member(group_id=uuid.uuid4(), display_name="Nobody", role=Role.MEMBER))
    with pytest.raises(IntegrityError):
        await session.flush()


async def test_a_released_savepoint_is_undone_by_the_outer_rollback(
    fresh_database_url: str,
) -> None:
    """``begin_nested()`` inside a transaction that is rolled back must leave nothing.

    This is what all-or-nothing writes and the ``session`` fixture rely on; on SQLite it
    needs ``create_engine`` to emit BEGIN itself (the sqlite3 module starts transactions
    lazily, so RELEASE of the first SAVEPOINT would commit).
    """
    engine = await open_database(fresh_database_url)
    try:
        async with session_factory(engine)() as session:
            async with session.begin_nested():  # BEGIN (outer), then SAVEPOINT
                session.add(a_user())
            await session.rollback()
            assert await session.scalar(select(func.count()).select_from(User)) == 0
    finally:
        await engine.dispose()


# --- the fixtures isolate tests from each other --------------------------------------------
# Each pair is order-independent: both tests write the same probe rows, so whichever runs
# second fails if the first one's rows outlived it. (Probes, not "the table is empty": other
# tests may commit through the engine on purpose.)


def probe_count(name: str) -> Any:
    return select(func.count()).select_from(User).where(User.email_normalized.like(f"{name}%"))


@pytest.mark.xdist_group("session-isolation")
class TestSessionFixtureRollsBack:
    async def _commit_probes(self, session: AsyncSession) -> None:
        assert await session.scalar(probe_count("session-probe")) == 0
        session.add(a_user("session-probe-1"))
        await session.commit()  # only releases the fixture's SAVEPOINT
        async with session.begin_nested():
            session.add(a_user("session-probe-2"))
        await session.commit()
        assert await session.scalar(probe_count("session-probe")) == 2

    async def test_one(self, session: AsyncSession) -> None:
        await self._commit_probes(session)

    async def test_two(self, session: AsyncSession) -> None:
        await self._commit_probes(session)


@pytest.mark.xdist_group("session-maker-isolation")
class TestSessionMakerFixtureEmptiesTables:
    async def _commit_probe(self, session_maker: async_sessionmaker[AsyncSession]) -> None:
        async with session_maker() as session, session.begin():
            assert await session.scalar(probe_count("maker-probe")) == 0
            session.add(a_user("maker-probe"))
        async with session_maker() as other:  # another connection sees the commit
            assert await other.scalar(probe_count("maker-probe")) == 1

    async def test_one(self, session_maker: async_sessionmaker[AsyncSession]) -> None:
        await self._commit_probe(session_maker)

    async def test_two(self, session_maker: async_sessionmaker[AsyncSession]) -> None:
        await self._commit_probe(session_maker)


async def test_upgrading_through_the_transactions_rebuild_keeps_every_row(
    fresh_database_url: str,
) -> None:
    """0007 rebuilds ``transactions`` (its kind's CHECK constraint; on SQLite a copy and a
    drop): the entries that refer to it, ON DELETE CASCADE, must all still be there."""
    engine = create_engine(fresh_database_url)
    try:
        await upgrade(engine, "5b2e8d4a9c61")  # 0006
        async with session_factory(engine)() as session, session.begin():
            world = await _world_at_0006(session)
        await upgrade(engine)
        async with engine.connect() as connection:
            counts = [
                (await connection.execute(text(f"SELECT count(*) FROM {table}"))).scalar()
                for table in ("transactions", "entries", "balances")
            ]
            assert counts == [1, 2, 2]
        async with session_factory(engine)() as session, session.begin():
            # The new kind is allowed now; an unknown one still is not.
            await session.execute(
                text("UPDATE transactions SET kind = 'conversion' WHERE group_id = :g").bindparams(
                    bindparam("g", type_=Uuid())
                ),
                {"g": world},
            )
            with pytest.raises(IntegrityError):
                async with session.begin_nested():
                    await session.execute(text("UPDATE transactions SET kind = 'bogus'"))
    finally:
        await engine.dispose()


async def _world_at_0006(session: AsyncSession) -> Any:
    """A user, a group, two members and one expense between them, in 0006's columns."""
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    ids = {name: uuid.uuid4() for name in ("user", "group", "ann", "bob", "tx")}
    statements = [
        "INSERT INTO users (id, email, email_normalized, display_name, is_active, "
        "sessions_valid_after, created_at, updated_at) VALUES (:user, 'a@x.org', 'a@x.org', "
        "'Ann', true, :now, :now, :now)",
        "INSERT INTO groups (id, name, default_currency, version, created_at, updated_at) "
        "VALUES (:group, 'Trip', 'EUR', 1, :now, :now)",
        "INSERT INTO members (id, group_id, user_id, display_name, role, weight, created_at) "
        "VALUES (:ann, :group, :user, 'Ann', 'owner', '1', :now)",
        "INSERT INTO members (id, group_id, display_name, role, weight, created_at) "
        "VALUES (:bob, :group, 'Bob', 'member', '1', :now)",
        "INSERT INTO transactions (id, group_id, kind, description, amount, currency, date, "
        "split_mode, split_params, version, created_at, updated_at) VALUES (:tx, :group, "
        "'expense', 'Dinner', 1000, 'EUR', '2026-01-01', 'equal', '{}', 1, :now, :now)",
        "INSERT INTO entries (transaction_id, member_id, group_id, position, paid, owed) "
        "VALUES (:tx, :ann, :group, 0, 1000, 500)",
        "INSERT INTO entries (transaction_id, member_id, group_id, position, paid, owed) "
        "VALUES (:tx, :bob, :group, 1, 0, 500)",
        "INSERT INTO balances (group_id, member_id, currency, amount) "
        "VALUES (:group, :ann, 'EUR', 500)",
        "INSERT INTO balances (group_id, member_id, currency, amount) "
        "VALUES (:group, :bob, 'EUR', -500)",
    ]
    for statement in statements:
        names = [n for n in ids if f":{n}" in statement]
        query = text(statement).bindparams(*(bindparam(n, type_=Uuid()) for n in names))
        await session.execute(query, {**{n: ids[n] for n in names}, "now": now})
    return ids["group"]
