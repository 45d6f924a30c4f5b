"""Imports: other apps' exports, a bank's CSV and Pennywise's own files into a group.

One call does it (an adapter passes what it was given)::

    report = await imports.run(
        session, actor, group_id, source,          # source: binary file or Iterable[bytes]
        format=None,                                # detected from the content when None
        options=imports.ImportOptions(member_map={"Ann Smith": ann_id}),
        dry_run=False,
        skip_invalid=False,                         # True: the good rows, each bad one listed
        progress=None,                              # Callable[[imports.Progress], None]
    )

``report`` is an :class:`ImportReport` (a pydantic model): rows read, transactions created
(or that would be, in a dry run), rows already imported, new placeholder members, totals per
currency and the resulting balances, warnings, the recurring rules created, and what the
file says that Pennywise cannot act on yet but kept in the notes (:class:`KeptInNotes`:
original amounts, payment modes).
Like every service, ``run`` flushes and never commits: the caller's commit makes the import
true, all of it or none of it.

Formats (:data:`FORMATS`, from :mod:`pennywise_core.vocabulary`): ``pennywise-json``
(lossless), ``pennywise-csv``, ``splitwise-csv``, ``ihatemoney-json``, ``ihatemoney-csv``,
``spliit-json``, ``spliit-csv``, ``cospend-csv``, ``bank-csv`` (needs
``ImportOptions(bank=BankMapping(...))``). :func:`detect` tells the
format from the first bytes; a file it cannot tell is a 422 that lists the formats.

Behaviour
---------
* **All or nothing, with every bad row.** Pass 1 reads the whole source, streaming, and
  validates every row (parsing, member matching, the split maths of
  :func:`pennywise_core.splits.compute`), collecting each bad cell as a
  :class:`~pennywise_core.errors.FieldError` at ``("row", <row>, <column>)`` with the value
  and the reason (up to ``error_limit``; all bad rows are counted). Any bad row raises
  :class:`~pennywise_core.errors.ValidationError` and nothing is written. CSV rows are
  numbered as a spreadsheet shows them (the header is row 1); JSON items by their 1-based
  position in the list, with the line in the message.
* **One read, written as it is read, kept only if all is good.** Rows are validated and
  computed in batches, and each batch's new rows are written as soon as they are valid,
  while the next rows are read (COPY on PostgreSQL, multi-row INSERTs on SQLite),
  inside a SAVEPOINT; the first bad row (or a refusal) rolls it back, and the rest of the
  file is only validated, so every bad row is still reported. At the end: balances once
  per currency with the summed deltas; one ``import`` activity record (and one
  ``member.add`` per new placeholder). The source is read once, except by the formats that
  need a prescan (ihatemoney: member weights; Spliit JSON: participants come after the
  expenses), which read it twice (a non-seekable source is copied to a temporary file for
  that).
* **Bad rows left out, on request.** With ``skip_invalid=True`` the good rows are imported
  and each bad one is left out and listed in the report (``invalid`` counts them,
  ``invalid_rows`` gives each bad cell's row, column and message, up to ``error_limit``), in
  a dry run as well; a placeholder that only bad rows name is not created. A re-run leaves
  them out again and, the good rows being there already, adds nothing. A file that cannot
  be read at all (not the format, a wrong encoding) is still refused whole.
* **Dry run** validates only: the report of what would be created; nothing is written
  (only ``SELECT``\\s run).
* **Idempotent.** Each source row has a stable key (see :class:`._common.KeyMaker`),
  stored as the transaction's ``import_key``; rows whose key the group already has are
  skipped, looked up one batch at a time. Re-running a file adds nothing; a file that
  overlaps an earlier one adds only its new rows.
* **Recurrence.** A series of transactions that the file says repeats (Spliit's
  ``recurrenceRule``, Cospend's ``repeat`` fields) becomes one recurring rule, in the same
  database transaction: it goes on after the series' latest transaction in the file, whose
  copy it is, and the series' transactions are its occurrences, so the scheduler creates
  none the file holds; a re-import adds no second rule (:mod:`._recurrence`).
* **Members** are matched by ``member_map``, then by name (case-insensitive); anyone else
  becomes a placeholder (listed in the report; only admins may add members, so a member's
  import that needs new people is refused, and its dry run says so).
* **Streaming.** Memory does not grow with the file: rows are parsed one at a time, looked
  up and written in batches of ``batch_size``, JSON is decoded element by element.
* **Money** is parsed from decimal text in each source's convention, never through float.

Errors (all :class:`~pennywise_core.errors.PennywiseError`): ``NotFoundError`` (not the
actor's group), ``PermissionDeniedError`` (a viewer; or a member whose import needs new
people), ``ConflictError`` (an archived group; or an import key taken meanwhile — another
import of the same rows committed first), ``ValidationError`` (an unknown or undetectable
format, a bad mapping, bad rows — ``errors`` has one ``FieldError`` per bad cell).
Each format's module docstring says how its rows are read.
"""

from __future__ import annotations

from ._common import ImportOptions
from ._detect import detect
from ._engine import run
from ._formats import FORMATS
from ._report import (
    CurrencyTotal,
    ImportBalance,
    ImportedMember,
    ImportReport,
    InvalidRow,
    KeptInNotes,
    Progress,
)
from .bank import BankMapping

__all__ = [
    "FORMATS",
    "BankMapping",
    "CurrencyTotal",
    "ImportBalance",
    "ImportOptions",
    "ImportReport",
    "ImportedMember",
    "InvalidRow",
    "KeptInNotes",
    "Progress",
    "detect",
    "run",
]
