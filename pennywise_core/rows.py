"""The rows of a transaction and its entries: built in one place, written in two ways.

:class:`RowBuilder` makes them, for :func:`pennywise_core.services.transactions.create` and
for the bulk import alike: one tuple per transaction in :data:`TX_COLUMNS` order and one
per entry in :data:`ENTRY_COLUMNS` order, each value already validated and computed and in
the form the driver takes for its column (:class:`Writer` converts: :meth:`Writer.uuid`,
:meth:`Writer.date`, :meth:`Writer.timestamp`, :meth:`Writer.timestamps`; the split
parameters as JSON text), so no ORM or type processing runs per row. A new column is one
edit here, and both writers take it.

:class:`Writer` writes them on the session's connection, as part of the caller's
transaction like any other statement:

* a few rows (one entered transaction): :meth:`Writer.execute`, two prepared ``INSERT``
  statements through SQLAlchemy's connection (``exec_driver_sql``), so a database error is
  SQLAlchemy's like any other (the retry and outage rules in :mod:`pennywise_core.db` see it);
* many rows (an import): :meth:`Writer.insert` —

  * PostgreSQL: asyncpg's binary ``COPY``. UUIDs travel as hex text (asyncpg parses it
    in C), dates and timestamps as :mod:`datetime` objects.
  * SQLite: multi-row ``INSERT`` statements through the driver, with the values exactly as
    SQLAlchemy's column types would store them — UUIDs as 32 hex digits, dates as
    ``YYYY-MM-DD``, timestamps as UTC ``YYYY-MM-DD HH:MM:SS.ffffff``, enums as their
    value, the JSON parameters as the text given (tested against SQLAlchemy's own bind
    processors in ``tests/test_rows.py``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import itertools
import json
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
    "conversion",
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
    "category, notes, split_mode, split_params, created_by, deleted_at, import_key, "
    "conversion, version, created_at, updated_at) VALUES "
)
_INSERT_ENTRY = (
    "INSERT INTO entries (transaction_id, member_id, group_id, position, paid, owed) VALUES "
)
_PLACEHOLDERS = {
    "postgresql": lambda width: "(" + ", ".join(f"${i}" for i in range(1, width + 1)) + ")",
    "sqlite": lambda width: "(" + ", ".join("?" * width) + ")",
}
"""One row's parameters in the driver's own style (``exec_driver_sql`` passes SQL as it is)."""
_STATEMENT_ROWS: dict[str, int] = {}
"""Rows per multi-row ``INSERT`` on SQLite (see :func:`_statement_rows`)."""
_UTC = dt.UTC


dumps_params = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
"""The split parameters (``Transaction.split_params``) as the JSON text a row carries."""


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

    async def execute(self, transactions: Sequence[TxRow], entries: Sequence[EntryRow]) -> None:
        """Write a few rows (an entered transaction) with one prepared ``INSERT`` per table,
        through SQLAlchemy's connection: errors are SQLAlchemy's (an ``IntegrityError`` for a
        taken import key), and nothing per row is converted again."""
        if not transactions:
            return
        connection = await self.session.connection()
        dialect = "postgresql" if self.postgresql else "sqlite"
        for statement, rows in (
            (_statement(dialect, _INSERT_TX, len(TX_COLUMNS)), transactions),
            (_statement(dialect, _INSERT_ENTRY, len(ENTRY_COLUMNS)), entries),
        ):
            if rows:
                await connection.exec_driver_sql(statement, list(rows))


class RowBuilder:
    """Makes the rows of transactions and their entries for one group, by one user, in the
        form ``writer``'s driver takes: the one place a transaction becomes rows.

        :meth:`add` one transaction at a time; :meth:`take` the rows built since the last call,
        for :meth:`Writer.execute` or :meth:`Writer.insert`. Transactions without a creation
        time of their own are stamped from ``now`` on, a microsecond apart, so rows added in one
        go keep their order in every listing by creation time; a given ``created_at`` or
    ``updated_at`` (a file's own) is kept instead.
    """

    __slots__ = ("_clock", "_created_by", "_date", "_entries", "_group_id", "_stamp", "_txs")

    def __init__(
        self, writer: Writer, *, group_id: uuid.UUID, created_by: uuid.UUID, now: dt.datetime
    ) -> None:
        self._group_id = writer.uuid(group_id)
        self._created_by = writer.uuid(created_by)
        self._date = writer.date
        self._stamp = writer.timestamp
        self._clock = writer.timestamps(now)
        self._txs: list[TxRow] = []
        self._entries: list[EntryRow] = []

    @property
    def group_id(self) -> str:
        """The group's id as the rows carry it."""
        return self._group_id

    def add(
        self,
        tx_id: str,
        kind: str,
        description: str,
        amount: int,
        currency: str,
        date: dt.date,
        category: str | None,
        notes: str | None,
        split_mode: str,
        split_params: str,
        entries: Sequence[tuple[int, int, int]],
        members: Sequence[str],
        *,
        import_key: str | None = None,
        conversion: str | None = None,
        deleted_at: dt.datetime | None = None,
        created_at: dt.datetime | None = None,
        updated_at: dt.datetime | None = None,
    ) -> None:
        """One transaction (``tx_id`` from :meth:`Writer.uuid`; ``kind`` and ``split_mode``
        their values; ``split_params`` from :data:`dumps_params`) and its ``entries``:
        ``(member, paid, owed)`` in order, ``member`` an index into ``members`` (the
        members' ids from :meth:`Writer.uuid`); ``conversion`` as JSON text
        (:data:`dumps_params`). A new transaction is at version 1."""
        stamp = self._stamp
        now = next(self._clock)
        group_id = self._group_id
        self._txs.append(
            (
                tx_id,
                group_id,
                kind,
                description,
                amount,
                currency,
                self._date(date),
                category,
                notes,
                split_mode,
                split_params,
                self._created_by,
                stamp(deleted_at),
                import_key,
                conversion,
                1,
                now if created_at is None else stamp(created_at),
                now if updated_at is None else stamp(updated_at),
            )
        )
        add_entry = self._entries.append
        for position, (m, paid, owed) in enumerate(entries):
            add_entry((tx_id, members[m], group_id, position, paid, owed))

    def take(self) -> tuple[list[TxRow], list[EntryRow]]:
        """The rows added since the last call."""
        txs, entries = self._txs, self._entries
        self._txs, self._entries = [], []
        return txs, entries


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
def _statement(dialect: str, insert: str, width: int) -> str:
    return insert + _PLACEHOLDERS[dialect](width)


@functools.cache
def _values(insert: str, width: int, rows: int) -> str:
    row = "(" + ", ".join("?" * width) + ")"
    return insert + ", ".join([row] * rows)
