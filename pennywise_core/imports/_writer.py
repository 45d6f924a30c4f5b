"""Batched inserts of transactions and entries: COPY on PostgreSQL, executemany elsewhere.

Rows arrive as plain tuples (see :data:`TX_COLUMNS` and :data:`ENTRY_COLUMNS`), already
validated and computed, with the split parameters already serialized to JSON text. On
PostgreSQL they go through asyncpg's binary ``COPY`` on the session's own connection, so
they are part of the caller's transaction like any other statement; on SQLite (and anything
else) through a Core ``insert()`` executemany on a mirror of the ``transactions`` table whose
``split_params`` column is plain text (the JSON column would serialize the text again).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Column, MetaData, Table, Text, insert
from sqlalchemy.ext.asyncio import AsyncSession

from pennywise_core.models import Entry, Transaction

TX_COLUMNS = (
    "id",
    "group_id",
    "kind",
    "description",
    "amount",
    "currency",
    "date",
    "category",
    "notes",
    "split_mode",
    "split_params",
    "created_by",
    "deleted_at",
    "import_key",
    "version",
    "created_at",
    "updated_at",
)
ENTRY_COLUMNS = ("transaction_id", "member_id", "group_id", "position", "paid", "owed")

TxRow = tuple[
    uuid.UUID,
    uuid.UUID,
    str,
    str,
    int,
    str,
    dt.date,
    str | None,
    str | None,
    str,
    str,
    uuid.UUID | None,
    dt.datetime | None,
    str,
    int,
    dt.datetime,
    dt.datetime,
]
EntryRow = tuple[uuid.UUID, uuid.UUID, uuid.UUID, int, int, int]

_TRANSACTIONS = Table(
    "transactions",
    MetaData(),
    *(
        Column(c.name, Text() if c.name == "split_params" else c.type)
        for c in Transaction.__table__.columns
    ),
)


class WriteConflict(Exception):
    """A constraint refused a row (a duplicate import key); raised from COPY's own error."""


async def insert_rows(
    session: AsyncSession, transactions: Sequence[TxRow], entries: Sequence[EntryRow]
) -> None:
    if not transactions:
        return
    if session.get_bind().dialect.name == "postgresql":
        await _copy(session, transactions, entries)
        return
    await session.execute(
        insert(_TRANSACTIONS), [dict(zip(TX_COLUMNS, row, strict=True)) for row in transactions]
    )
    await session.execute(
        insert(Entry.__table__),  # type: ignore[arg-type]
        [dict(zip(ENTRY_COLUMNS, row, strict=True)) for row in entries],
    )


async def _copy(
    session: AsyncSession, transactions: Sequence[TxRow], entries: Sequence[EntryRow]
) -> None:
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    driver: Any = raw.driver_connection
    from asyncpg.exceptions import IntegrityConstraintViolationError  # type: ignore[import-untyped]

    try:
        # SQLAlchemy registers a text codec for ``json`` on asyncpg connections: JSON text.
        await driver.copy_records_to_table("transactions", records=transactions, columns=TX_COLUMNS)
        await driver.copy_records_to_table("entries", records=entries, columns=ENTRY_COLUMNS)
    except IntegrityConstraintViolationError as exc:
        raise WriteConflict(str(exc)) from exc
