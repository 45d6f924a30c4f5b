"""Batched inserts of transactions and entries: COPY on PostgreSQL, multi-row INSERTs on SQLite.

Rows arrive as plain tuples (see :data:`TX_COLUMNS` and :data:`ENTRY_COLUMNS`), already
validated and computed, with the split parameters already serialized to JSON text, and
every value already in the form the driver takes for its column (a :class:`Writer` makes
them: :meth:`Writer.uuid`, :meth:`Writer.date`, :meth:`Writer.timestamp`,
:meth:`Writer.timestamps`), so no ORM or type processing runs per row:

* PostgreSQL: asyncpg's binary ``COPY`` on the session's own connection, so the rows are
  part of the caller's transaction like any other statement. UUIDs travel as hex text
  (asyncpg parses it in C), dates and timestamps as :mod:`datetime` objects.
* SQLite: multi-row ``INSERT`` statements through the driver on the session's connection,
  with the values exactly as SQLAlchemy's column types would store them — UUIDs as 32 hex
  digits, dates as ``YYYY-MM-DD``, timestamps as UTC ``YYYY-MM-DD HH:MM:SS.ffffff``,
  enums as their value, the JSON parameters as the text given (tested against SQLAlchemy's
  own bind processors in ``tests/imports/test_writer.py``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import itertools
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

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

TxRow = tuple[Any, ...]
"""Values for :data:`TX_COLUMNS`, in the driver's form (see :class:`Writer`)."""
EntryRow = tuple[Any, ...]
"""Values for :data:`ENTRY_COLUMNS`, in the driver's form."""

_INSERT_TX = (
    "INSERT INTO transactions (id, group_id, kind, description, amount, currency, date, "
    "category, notes, split_mode, split_params, created_by, deleted_at, import_key, version, "
    "created_at, updated_at) VALUES "
)
_INSERT_ENTRY = (
    "INSERT INTO entries (transaction_id, member_id, group_id, position, paid, owed) VALUES "
)
_STATEMENT_ROWS: dict[str, int] = {}
"""Rows per multi-row ``INSERT`` on SQLite (see :func:`_statement_rows`)."""
_UTC = dt.UTC


class WriteConflict(Exception):
    """A constraint refused a row (a duplicate import key); raised from the driver's error."""


class Writer:
    """Writes prepared rows on the session's connection; converts values for its driver."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.postgresql = session.get_bind().dialect.name == "postgresql"
        self._driver: Any = None
        self._day = dt.date.min
        self._day_text = self._day.isoformat()

    # -- values --

    def uuid(self, value: uuid.UUID) -> str:
        """A UUID for either driver: 32 hex digits (what SQLite stores; asyncpg parses it)."""
        return value.hex

    def date(self, day: dt.date) -> dt.date | str:
        if self.postgresql:
            return day
        if day != self._day:  # rows come sorted by date: one conversion per day
            self._day, self._day_text = day, day.isoformat()
        return self._day_text

    def timestamp(self, value: dt.datetime | None) -> dt.datetime | str | None:
        """An aware timestamp (None stays None)."""
        if value is None or self.postgresql:
            return value
        return _sqlite_timestamp(value)

    def timestamps(self, start: dt.datetime) -> Iterator[dt.datetime | str]:
        """``start``, then one microsecond later each time, without end."""
        tick = dt.timedelta(microseconds=1)
        if self.postgresql:
            value = start
            while True:
                yield value
                value += tick
        # SQLite: the text changes in its last six digits only, until the second does.
        value = start.astimezone(_UTC)
        while True:
            head = _sqlite_timestamp(value)[:-6]
            for micro in range(value.microsecond, 1_000_000):
                yield f"{head}{micro:06d}"
            value = value.replace(microsecond=0) + dt.timedelta(seconds=1)

    # -- writing --

    async def insert(self, transactions: Sequence[TxRow], entries: Sequence[EntryRow]) -> None:
        if not transactions:
            return
        driver = self._driver
        if driver is None:
            connection = await self.session.connection()
            raw = await connection.get_raw_connection()
            driver = self._driver = raw.driver_connection
        if self.postgresql:
            await _copy(driver, transactions, entries)
        else:
            await _insert(driver, transactions, entries)


def _sqlite_timestamp(value: dt.datetime) -> str:
    # What SQLAlchemy's UTCDateTime + SQLite DATETIME store: UTC, always six decimals.
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: Pennywise stores aware datetimes only")
    value = value.astimezone(_UTC)
    return (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d} "
        f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}.{value.microsecond:06d}"
    )


async def _copy(driver: Any, transactions: Sequence[TxRow], entries: Sequence[EntryRow]) -> None:
    from asyncpg.exceptions import IntegrityConstraintViolationError  # type: ignore[import-untyped]

    try:
        # SQLAlchemy registers a text codec for ``json`` on asyncpg connections: JSON text.
        await driver.copy_records_to_table("transactions", records=transactions, columns=TX_COLUMNS)
        await driver.copy_records_to_table("entries", records=entries, columns=ENTRY_COLUMNS)
    except IntegrityConstraintViolationError as exc:
        raise WriteConflict(str(exc)) from exc


async def _insert(driver: Any, transactions: Sequence[TxRow], entries: Sequence[EntryRow]) -> None:
    """Multi-row ``INSERT`` statements rather than ``executemany``: the driver's thread needs
    the GIL to bind values and lets go of it while SQLite works, so with ``executemany`` it
    would need it back after every row, and wait for it while the import's Python runs;
    with a few big statements SQLite's work goes on beside that Python. (Fewer trips
    through the driver per row, too.)"""
    import sqlite3

    try:
        for insert, rows, width in (
            (_INSERT_TX, transactions, len(TX_COLUMNS)),
            (_INSERT_ENTRY, entries, len(ENTRY_COLUMNS)),
        ):
            start = 0
            while start < len(rows):
                size = _STATEMENT_ROWS.get(insert) or _statement_rows(insert, width)
                while size > len(rows) - start:
                    size //= 2
                await driver.execute(
                    _values(insert, width, size),
                    list(itertools.chain.from_iterable(rows[start : start + size])),
                )
                start += size
    except sqlite3.IntegrityError as exc:
        raise WriteConflict(str(exc)) from exc


def _statement_rows(insert: str, width: int) -> int:
    """1024 rows per statement, or fewer if this SQLite takes fewer parameters (32766
    since 3.32, 999 before), then halves (512, 256, …) for the rest: a few statement shapes,
    each prepared once by the driver's statement cache."""
    import sqlite3

    with contextlib.closing(sqlite3.connect(":memory:")) as probe:
        limit = probe.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    rows = 1024
    while rows > 1 and rows * width > limit:
        rows //= 2
    _STATEMENT_ROWS[insert] = rows
    return rows


@functools.cache
def _values(insert: str, width: int, rows: int) -> str:
    row = "(" + ", ".join("?" * width) + ")"
    return insert + ", ".join([row] * rows)


async def insert_rows(
    session: AsyncSession, transactions: Sequence[TxRow], entries: Sequence[EntryRow]
) -> None:
    """One batch through a new :class:`Writer` (rows in its driver's form)."""
    await Writer(session).insert(transactions, entries)
