"""What an import reports: the :class:`ImportReport` and its parts, and its progress."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Literal

import pydantic

from pennywise_core.models import Role


@dataclass(frozen=True, slots=True)
class Progress:
    """Reported after every batch: the phase, rows handled so far, bytes read so far."""

    phase: Literal["validate", "write"]
    rows: int
    bytes_read: int


class ImportedMember(pydantic.BaseModel):
    display_name: str
    member_id: uuid.UUID | None
    """None in a dry run: the member does not exist yet."""
    role: Role
    weight: str


class CurrencyTotal(pydantic.BaseModel):
    currency: str
    transactions: int
    expenses: str
    income: str
    transfers: str


class ImportBalance(pydantic.BaseModel):
    member_id: uuid.UUID | None
    display_name: str
    currency: str
    balance: str


class KeptInNotes(pydantic.BaseModel):
    """A field of the source that Pennywise cannot act on yet (the original amount of an
    expense converted at a rate that does not give its amount, a repetition that no
    schedule says), kept in the transactions' notes."""

    field: str
    """The source's name for it (``originalAmount``, ``paymentmode``, ``repeat``…)."""
    transactions: int
    """Created transactions (dry run: that would be) whose notes keep it."""
    rows: list[int]
    """The first rows of the file that carry it (at most 10)."""


class InvalidRow(pydantic.BaseModel):
    """A bad cell of a row that ``skip_invalid`` left out: where it is, and what is wrong."""

    row: int | None
    """The row as the file numbers it (a CSV's header is row 1; a JSON item's position)."""
    column: str | None
    """The column (CSV) or field (JSON) as the file names it; None: the whole row."""
    message: str
    """The value and the reason, as the error of an all-or-nothing import says it."""


class ImportReport(pydantic.BaseModel):
    """What an import did, or (``dry_run``) would do."""

    format: str
    dry_run: bool
    rows: int
    """Transactions read from the file."""
    created: int
    """Transactions created (dry run: that would be created)."""
    already_imported: int
    """Rows whose import key is already in the group: skipped (idempotent re-runs)."""
    skipped: int
    """Rows that are not transactions (e.g. a zero amount)."""
    new_members: list[ImportedMember]
    totals: list[CurrencyTotal]
    """Per currency, the sums of what is created, by kind."""
    balances: list[ImportBalance]
    """Every balance the import touches, as it is after the import."""
    warnings: list[str]
    invalid: int = 0
    """Bad rows left out (``skip_invalid``; without it a bad row fails the import)."""
    invalid_rows: list[InvalidRow] = []
    """Each bad cell of those rows, in the file's order (up to ``error_limit``)."""
    kept_in_notes: list[KeptInNotes] = []
    """What the file says that Pennywise cannot act on yet, kept in the notes, per field."""
    recurring_rules_created: int = 0
    """Recurring rules created (dry run: that would be): one per series of transactions
    that the file says repeats and that goes on after its latest one in the file, unless
    an earlier import of the file made its rule already. Each goes on from that latest
    one; the transactions of the series are its occurrences."""
