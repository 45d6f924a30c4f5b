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

import io
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import IO, Any, Final

from sqlalchemy.ext.asyncio import AsyncSession

from pennywise_core.errors import ValidationError
from pennywise_core.imports import pennywise, splitwise
from pennywise_core.imports._export import CHUNK, escape_formula, members_of
from pennywise_core.models import Group, Member, User
from pennywise_core.services.access import membership


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

_Writer = Callable[[AsyncSession, Group, Sequence[Member]], AsyncIterator[str]]
_WRITERS: Final[dict[str, _Writer]] = {
    "pennywise-json": pennywise.write_json,
    "pennywise-csv": pennywise.write_csv,
    "splitwise-csv": splitwise.write_csv,
}
"""Each format's writer, in its module beside its reader."""


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
    members = await members_of(session, group_id)
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


__all__ = ["CHUNK", "FORMATS", "ExportFormat", "escape_formula", "stream", "write"]
