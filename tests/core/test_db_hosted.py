"""Hosted PostgreSQL: the URLs hosts hand out, and a transaction-mode pooler in between.

Render, Railway and Supabase give ``postgresql://`` URLs, often with libpq's ``sslmode=``;
Supabase's pooler on port 6543 (transaction mode) may give each transaction another server
connection, so ``PENNYWISE_DATABASE_POOLER=transaction`` must leave no prepared statement
behind on the server. Both run against the real databases.
"""

from __future__ import annotations

from typing import Literal

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from pennywise_core import db
from pennywise_core.settings import Settings, use_settings


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (
            "postgres://ann:p%40ss@db.example.org:5432/app?sslmode=require",
            "postgresql+asyncpg://ann:p%40ss@db.example.org:5432/app?ssl=require",
        ),
        ("postgresql://ann@h/app", "postgresql+asyncpg://ann@h/app"),
        (
            "postgresql+asyncpg://ann@h:6543/postgres?sslmode=verify-full",
            "postgresql+asyncpg://ann@h:6543/postgres?ssl=verify-full",
        ),
    ],
)
def test_host_urls_name_asyncpg_and_its_ssl_parameter(given: str, expected: str) -> None:
    assert db.async_url(given) == expected


@pytest.mark.parametrize(
    "url",
    [
        "postgresql+asyncpg://ann:secret@h/app?ssl=require",
        "sqlite+aiosqlite:////tmp/x.sqlite3",
        "sqlite+aiosqlite:///file:mem?mode=memory&cache=shared&uri=true",
    ],
)
def test_urls_that_already_work_are_left_as_they_are(url: str) -> None:
    assert db.async_url(url) == url


@pytest.mark.postgres_only  # a PostgreSQL URL form
async def test_a_plain_postgresql_url_opens_the_database(fresh_database_url: str) -> None:
    url = make_url(fresh_database_url)
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    engine = db.create_engine(plain + "?sslmode=disable")
    try:
        assert engine.url.drivername == "postgresql+asyncpg"
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT 1"))).scalar_one() == 1
    finally:
        await engine.dispose()


async def _prepared_statements_left(url: str, pooler: Literal["none", "transaction"]) -> int | None:
    """Run the same statements a few times, then count the server's prepared statements in
    that session (None on SQLite, which has no such thing)."""
    with use_settings(Settings(database_url=url, database_pooler=pooler)):
        engine = db.create_engine()
    try:
        async with engine.connect() as connection:
            for n in range(3):
                await connection.execute(text("SELECT :n + 1"), {"n": n})
            if engine.dialect.name != "postgresql":
                return None
            query = text("SELECT count(*) FROM pg_prepared_statements")
            return (await connection.execute(query)).scalar_one()
    finally:
        await engine.dispose()


async def test_transaction_pooler_setting_leaves_no_prepared_statement(
    fresh_database_url: str,
) -> None:
    left = await _prepared_statements_left(fresh_database_url, "transaction")
    if left is None:  # SQLite: the setting must not break the engine (it just ran)
        return
    assert left == 0
    # and the count does see the named statements the caches keep by default
    assert (await _prepared_statements_left(fresh_database_url, "none") or 0) > 0
