"""Exports of a group: Pennywise JSON (lossless), Pennywise CSV and a Splitwise-style CSV.

One call for an adapter::

    await exports.write(session, actor, group_id, out, format="pennywise-json")
    # out: a text file (open CSVs with newline="") or a binary file (UTF-8 is written)

    chunks = await exports.stream(session, actor, group_id, format="splitwise-csv")
    async for chunk in chunks: ...   # str pieces of about 64 KiB, e.g. for a streamed response

:func:`stream` checks access before it returns, so an adapter can answer 404/403 before it
starts a response; the session must stay open while the chunks are read. For a document
consistent with itself while others write, begin the session with
:func:`pennywise_core.db.begin_snapshot` (PostgreSQL reads each statement at READ COMMITTED
otherwise; SQLite's transactions are one snapshot already). :data:`FORMATS`
gives each format's media type and file extension. Any member of the group (viewers too)
may export. Memory does not grow with the group: transactions are read in keyset pages.

* ``pennywise-json``: the document :mod:`pennywise_core.imports.pennywise` reads: the group,
  every member (role, placeholder or not, weight, removed or not), every transaction with
  its kind, split mode and parameters as stored, computed entries, timestamps and import
  key; deleted ones included and marked. Importing it into an empty group gives the same
  balances and the same document, ids aside.
* ``pennywise-csv``: one row per live transaction,
  ``date,description,category,kind,amount,currency,paid_by,split_mode,split,notes``.
* ``splitwise-csv``: Splitwise's layout: ``Date,Description,Category,Cost,Currency`` and one
  column per member holding their net (paid − owed); transfers have the category
  ``Payment``, income a negative cost; after an empty line, a ``Total balance`` row per
  currency exactly as Splitwise writes it (the export's date, a single space in Category
  and Cost: ``2026-06-30,Total balance, , ,EUR,-500.00,500.00``), so tools written for real
  Splitwise files read it, and :mod:`pennywise_core.imports.splitwise` checks it.

Every CSV starts with a UTF-8 BOM (so spreadsheets read the names right) and every text
cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return — and is not a
number — gets a leading ``'`` so a spreadsheet shows it instead of running it, and any
other control character is escaped (:func:`escape_formula`; the importers undo the ``'``).
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
from typing import IO, Any, Final

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pennywise_core.errors import ValidationError
from pennywise_core.models import Entry, Group, Member, Transaction, TransactionKind, User
from pennywise_core.money import format_amount
from pennywise_core.pagination import Keyset
from pennywise_core.services.access import membership
from pennywise_core.text import escape
from pennywise_core.vocabulary import SPLIT_VALUE_FIELD, SplitMode

FORMAT_VERSION: Final = 1
PAGE: Final = 1000
CHUNK: Final = 1 << 16
BOM: Final = "\ufeff"
PENNYWISE_CSV_COLUMNS: Final = (
    "date",
    "description",
    "category",
    "kind",
    "amount",
    "currency",
    "paid_by",
    "split_mode",
    "split",
    "notes",
)

_FORMULA_START = frozenset("=+-@\t\r")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


@dataclass(frozen=True, slots=True)
class ExportFormat:
    name: str
    media_type: str
    extension: str


FORMATS: Final = {
    f.name: f
    for f in (
        ExportFormat("pennywise-json", "application/json", "json"),
        ExportFormat("pennywise-csv", "text/csv; charset=utf-8", "csv"),
        ExportFormat("splitwise-csv", "text/csv; charset=utf-8", "csv"),
    )
}


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
class _Tx:
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


async def _members(session: AsyncSession, group_id: uuid.UUID) -> list[Member]:
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


async def _transactions(
    session: AsyncSession, group_id: uuid.UUID, *, include_deleted: bool
) -> AsyncIterator[_Tx]:
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
            yield _Tx(
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
            )
        if len(rows) < PAGE:
            return
        last = _OLDEST_FIRST.key(rows[-1])


# --- writers --------------------------------------------------------------------------------


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def _stamp(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


async def _pennywise_json(
    session: AsyncSession, group: Group, members: Sequence[Member]
) -> AsyncIterator[str]:
    head = {
        "format": "pennywise",
        "format_version": FORMAT_VERSION,
        "group": {
            "id": str(group.id),
            "name": group.name,
            "default_currency": group.default_currency,
        },
    }
    parts = [_dumps(head)[:-1], ',\n "members": [']
    parts.append(
        ",".join(
            "\n  "
            + _dumps(
                {
                    "id": str(m.id),
                    "display_name": m.display_name,
                    "role": m.role.value,
                    "placeholder": m.is_placeholder,
                    "weight": format(m.weight.normalize(), "f"),
                    "removed": m.removed_at is not None,
                }
            )
            for m in members
        )
    )
    parts.append('\n ],\n "transactions": [')
    yield "".join(parts)
    buffer: list[str] = []
    size = 0
    separator = "\n  "
    async for tx in _transactions(session, group.id, include_deleted=True):
        text = separator + _dumps(_document(tx))
        separator = ",\n  "
        buffer.append(text)
        size += len(text)
        if size >= CHUNK:
            yield "".join(buffer)
            buffer, size = [], 0
    buffer.append("\n ]\n}\n")
    yield "".join(buffer)


def _document(tx: _Tx) -> dict[str, Any]:
    params = tx.split_params
    return {
        "id": str(tx.id),
        "kind": tx.kind,
        "date": tx.date.isoformat(),
        "description": tx.description,
        "category": tx.category,
        "notes": tx.notes,
        "amount": format_amount(tx.amount, tx.currency),
        "currency": tx.currency,
        "paid_by": params["paid_by"],
        "split": params["split"],
        "entries": [
            {
                "member_id": str(m),
                "paid": format_amount(paid, tx.currency),
                "owed": format_amount(owed, tx.currency),
            }
            for m, paid, owed in tx.entries
        ],
        "deleted": tx.deleted_at is not None,
        "deleted_at": _stamp(tx.deleted_at),
        "created_at": _stamp(tx.created_at),
        "updated_at": _stamp(tx.updated_at),
        "import_key": tx.import_key,
    }


class _CsvBuffer:
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


def _names(members: Sequence[Member]) -> Callable[[str], str]:
    names = {str(m.id): m.display_name for m in members}

    def name(member_id: str) -> str:
        return names.get(member_id, member_id)

    return name


async def _pennywise_csv(
    session: AsyncSession, group: Group, members: Sequence[Member]
) -> AsyncIterator[str]:
    from pennywise_core.imports._common import join_pairs

    name = _names(members)
    out = _CsvBuffer()
    out.row(PENNYWISE_CSV_COLUMNS)
    async for tx in _transactions(session, group.id, include_deleted=False):
        params = tx.split_params
        payers = params["paid_by"]
        paid_by = (
            join_pairs([(name(payers[0]["member_id"]), None)])
            if len(payers) == 1
            else join_pairs([(name(p["member_id"]), p["amount"]) for p in payers])
        )
        split = params["split"]
        value_field = SPLIT_VALUE_FIELD[SplitMode(split["mode"])]
        out.row(
            (
                tx.date.isoformat(),
                tx.description,
                tx.category or "",
                tx.kind,
                format_amount(tx.amount, tx.currency),
                tx.currency,
                paid_by,
                split["mode"],
                join_pairs(
                    [
                        (name(e["member_id"]), e.get(value_field) if value_field else None)
                        for e in split["entries"]
                    ]
                ),
                tx.notes or "",
            )
        )
        if out.full():
            yield out.take()
    yield out.take()


async def _splitwise_csv(
    session: AsyncSession, group: Group, members: Sequence[Member]
) -> AsyncIterator[str]:
    from pennywise_core.imports.splitwise import ENGLISH

    column = {m.id: i for i, m in enumerate(members)}
    out = _CsvBuffer()
    out.row((*ENGLISH.columns, *(m.display_name for m in members)))
    totals: dict[str, list[int]] = {}
    async for tx in _transactions(session, group.id, include_deleted=False):
        nets = [0] * len(members)
        for member_id, paid, owed in tx.entries:
            nets[column[member_id]] += paid - owed
        sums = totals.setdefault(tx.currency, [0] * len(members))
        for i, net in enumerate(nets):
            sums[i] += net
        cost = -tx.amount if tx.kind == "income" else tx.amount
        out.row(
            (
                tx.date.isoformat(),
                tx.description,
                ENGLISH.payment if tx.kind == "transfer" else (tx.category or ""),
                format_amount(cost, tx.currency),
                tx.currency,
                *(format_amount(n, tx.currency) for n in nets),
            )
        )
        if out.full():
            yield out.take()
    # Splitwise's footer: a blank line, then per currency the export's date, "Total balance",
    # a single space in Category and Cost, and each member's balance.
    out.row(())
    today = dt.datetime.now(dt.UTC).date().isoformat()
    for code, sums in sorted(totals.items()):
        out.row((today, ENGLISH.total, " ", " ", code, *(format_amount(s, code) for s in sums)))
    yield out.take()


_WRITERS = {
    "pennywise-json": _pennywise_json,
    "pennywise-csv": _pennywise_csv,
    "splitwise-csv": _splitwise_csv,
}


async def stream(
    session: AsyncSession,
    actor: User,
    group_id: uuid.UUID,
    *,
    format: str,
) -> AsyncIterator[str]:
    """The export as text chunks; access and the format are checked before returning."""
    writer = _WRITERS.get(format)
    if writer is None:
        raise ValidationError.at(
            "format", f"unknown export format {format!r}; one of {', '.join(FORMATS)}"
        )
    found = await membership(session, actor, group_id)
    members = await _members(session, group_id)
    return writer(session, found.group, members)


async def write(
    session: AsyncSession,
    actor: User,
    group_id: uuid.UUID,
    out: IO[str] | IO[bytes],
    *,
    format: str,
) -> None:
    """Write the export to ``out``: text as is, or UTF-8 to a binary file."""
    chunks = await stream(session, actor, group_id, format=format)
    binary = isinstance(out, io.RawIOBase | io.BufferedIOBase) or (
        not isinstance(out, io.TextIOBase) and "b" in str(getattr(out, "mode", ""))
    )
    target: Any = out  # IO[str] or IO[bytes], told apart above
    async for chunk in chunks:
        target.write(chunk.encode("utf-8") if binary else chunk)


__all__ = ["FORMATS", "ExportFormat", "escape_formula", "stream", "write"]
