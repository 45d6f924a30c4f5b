"""What every format's writer shares: the group read in export order, CSV chunks, cells.

The writers themselves live beside their readers (:mod:`.pennywise`, :mod:`.splitwise`);
:mod:`pennywise_core.exports` checks access and picks one.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pennywise_core.models import Entry, Member, Transaction, TransactionKind
from pennywise_core.pagination import Keyset
from pennywise_core.text import escape

PAGE: Final = 1000
"""Transactions read per keyset page."""
CHUNK: Final = 1 << 16
"""About how much text a writer yields at a time."""
BOM: Final = "\ufeff"

_FORMULA_START = frozenset("=+-@\t\r")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def escape_formula(cell: str) -> str:
    """A text made safe for a CSV cell: ``'=1+1'`` → ``"'=1+1"``; numbers (``"-5.00"``) and
    other text are left as they are.

    A text that already starts with ``'`` and a formula character gets one more ``'``, so
    that the importers' :func:`~pennywise_core.imports._common.unescape_formula` gives back
    exactly the original. A control character other than tab and line breaks (which a CSV
    cell quotes, and notes may hold) is written as an escape (``ESC`` as ``\\x1b``, see
    :func:`pennywise_core.text.escape`): text stored before control characters were refused
    neither drives the terminal that shows the file nor stops its import elsewhere.
    """
    if not cell:
        return cell
    cell = escape(cell, keep="\t\n\r")
    first = cell[0]
    if first in _FORMULA_START:
        return cell if _NUMBER.fullmatch(cell) else "'" + cell
    if first == "'" and (
        cell[1:2] in _FORMULA_START or (cell[1:2] == "'" and cell[2:3] in _FORMULA_START)
    ):
        return "'" + cell
    return cell


# --- reading the group ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExportedTx:
    id: uuid.UUID
    kind: str
    description: str
    amount: int
    currency: str
    date: dt.date
    category: str | None
    notes: str | None
    split_params: dict[str, Any]
    deleted_at: dt.datetime | None
    import_key: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    entries: list[tuple[uuid.UUID, int, int]]
    conversion: dict[str, Any] | None = None


async def members_of(session: AsyncSession, group_id: uuid.UUID) -> list[Member]:
    return list(
        (
            await session.scalars(
                select(Member)
                .where(Member.group_id == group_id)
                .order_by(Member.created_at, Member.id)
            )
        ).all()
    )


_OLDEST_FIRST = Keyset(Transaction.date, Transaction.created_at, Transaction.id, descending=False)
"""The export's order (served by ``ix_transactions_group_id_date_created_at_id``)."""


async def transactions_of(
    session: AsyncSession, group_id: uuid.UUID, *, include_deleted: bool
) -> AsyncIterator[ExportedTx]:
    """Every transaction by (date, creation, id), one keyset page at a time."""
    columns = (
        Transaction.id,
        Transaction.kind,
        Transaction.description,
        Transaction.amount,
        Transaction.currency,
        Transaction.date,
        Transaction.category,
        Transaction.notes,
        Transaction.split_params,
        Transaction.deleted_at,
        Transaction.import_key,
        Transaction.created_at,
        Transaction.updated_at,
        Transaction.conversion,
    )
    last: tuple[Any, ...] | None = None
    while True:
        query = select(*columns).where(Transaction.group_id == group_id)
        if not include_deleted:
            query = query.where(Transaction.deleted_at.is_(None))
        if last is not None:
            query = query.where(_OLDEST_FIRST.after(last))
        rows = (await session.execute(query.order_by(*_OLDEST_FIRST.order_by()).limit(PAGE))).all()
        if not rows:
            return
        entries: dict[uuid.UUID, list[tuple[uuid.UUID, int, int]]] = defaultdict(list)
        for tx_id, member_id, paid, owed in await session.execute(
            select(Entry.transaction_id, Entry.member_id, Entry.paid, Entry.owed)
            .where(Entry.transaction_id.in_([r.id for r in rows]))
            .order_by(Entry.transaction_id, Entry.position)
        ):
            entries[tx_id].append((member_id, paid, owed))
        for r in rows:
            yield ExportedTx(
                id=r.id,
                kind=TransactionKind(r.kind).value,
                description=r.description,
                amount=r.amount,
                currency=r.currency,
                date=r.date,
                category=r.category,
                notes=r.notes,
                split_params=r.split_params,
                deleted_at=r.deleted_at,
                import_key=r.import_key,
                created_at=r.created_at,
                updated_at=r.updated_at,
                entries=entries.get(r.id, []),
                conversion=r.conversion,
            )
        if len(rows) < PAGE:
            return
        last = _OLDEST_FIRST.key(rows[-1])


# --- writing ---------------------------------------------------------------------------------


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def stamp(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


class CsvBuffer:
    """Rows written through ``csv.writer`` into chunks, each cell formula-escaped."""

    def __init__(self) -> None:
        self._out = io.StringIO()
        self._writer = csv.writer(self._out)
        self._out.write(BOM)

    def row(self, cells: Sequence[str]) -> None:
        self._writer.writerow([escape_formula(c) for c in cells])

    def full(self) -> bool:
        return self._out.tell() >= CHUNK

    def take(self) -> str:
        text = self._out.getvalue()
        self._out.seek(0)
        self._out.truncate()
        return text


def names_of(members: Sequence[Member]) -> Callable[[str], str]:
    names = {str(m.id): m.display_name for m in members}

    def name(member_id: str) -> str:
        return names.get(member_id, member_id)

    return name
