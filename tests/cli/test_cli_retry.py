"""The local CLI on PostgreSQL runs a command's transaction again when the database rolls it
back for a serialization failure or a deadlock (SQLSTATE 40001, 40P01), as the API does.

The failure is a real PostgreSQL error, raised by a trigger on ``groups`` the first time a
group of one name is inserted (a sequence counts the runs: it survives the rollback).
"""

from __future__ import annotations

import asyncio
import secrets

import pytest
from clitools import Cli
from sqlalchemy import text

from pennywise_core import db


async def _fail_once(url: str, name: str, seq: str) -> None:
    engine = db.create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(f"CREATE SEQUENCE {seq}"))
            await connection.execute(
                text(
                    f"""
                    CREATE FUNCTION fail_once() RETURNS trigger LANGUAGE plpgsql AS $$
                    BEGIN
                      IF NEW.name = '{name}' AND nextval('{seq}') = 1 THEN
                        RAISE EXCEPTION 'deadlock detected' USING ERRCODE = '40P01';
                      END IF;
                      RETURN NEW;
                    END $$
                    """
                )
            )
            await connection.execute(
                text(
                    "CREATE TRIGGER fail_once BEFORE INSERT ON groups "
                    "FOR EACH ROW EXECUTE FUNCTION fail_once()"
                )
            )
    finally:
        await engine.dispose()


async def _runs(url: str, seq: str) -> int:
    engine = db.create_engine(url)
    try:
        async with engine.connect() as connection:
            return int(await connection.scalar(text(f"SELECT last_value FROM {seq}")) or 0)
    finally:
        await engine.dispose()


@pytest.mark.postgres_only  # SQLite has no SQLSTATE to roll back with
def test_a_rolled_back_command_runs_again(
    migrated_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PENNYWISE_DATABASE_URL", migrated_database_url)
    cli = Cli("local")
    assert cli("group", "list") == []  # creates the schema, as on a new machine
    name, seq = f"Retry {secrets.token_hex(4)}", f"runs_{secrets.token_hex(4)}"
    asyncio.run(_fail_once(migrated_database_url, name, seq))

    created = cli("group", "create", name, "--currency", "EUR")
    assert created["name"] == name
    assert asyncio.run(_runs(migrated_database_url, seq)) == 2  # failed once, ran again
    assert [g["name"] for g in cli("group", "list")] == [name]
