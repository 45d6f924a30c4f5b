"""The words every layer shares: roles, transaction kinds, split modes, format names.

One list each, imported by the core (models, services, imports, exports), the API (its
schemas and ``Literal`` parameters) and the CLI (its choices), instead of a copy per layer.
This module imports nothing but the standard library (no SQLAlchemy, no pydantic: an
import-linter contract keeps it so), so any layer can take it without pulling in the ORM.

* :class:`Role`, :class:`TransactionKind`, :class:`SplitMode` — also importable from
  :mod:`pennywise_core.models`, which stores them.
* :data:`SPLIT_VALUE_FIELD` — the field of a split entry that holds each mode's value.
* :data:`ImportFormatName` / :data:`IMPORT_FORMATS` — the import formats, in the order they
  are listed to users; :data:`ExportFormatName` / :data:`EXPORT_FORMATS` — the export formats.
  The ``Literal`` is the list; the tuple is read from it (``typing.get_args``), so an API
  parameter typed with the ``Literal`` and the core's parsers name the same formats.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, Literal, get_args


class Role(enum.StrEnum):
    """A member's role in a group, from most to least powerful."""

    OWNER = "owner"
    ADMIN = "admin"
    MEMBER = "member"
    VIEWER = "viewer"

    @property
    def rank(self) -> int:
        return _ROLE_RANK[self]


_ROLE_RANK = {Role.VIEWER: 0, Role.MEMBER: 1, Role.ADMIN: 2, Role.OWNER: 3}


class TransactionKind(enum.StrEnum):
    EXPENSE = "expense"
    INCOME = "income"
    TRANSFER = "transfer"
    CONVERSION = "conversion"
    """Moves members' balances from one currency into another at stated rates: recorded
    by settling up in one currency (one per currency of the batch), never entered."""


ENTERED_KINDS: Final = (TransactionKind.EXPENSE, TransactionKind.INCOME, TransactionKind.TRANSFER)
"""The kinds a person enters (``POST /transactions``); a conversion is only ever recorded."""


class SplitMode(enum.StrEnum):
    EQUAL = "equal"
    SHARES = "shares"
    PERCENT = "percent"
    EXACT = "exact"
    ADJUSTMENT = "adjustment"


class Frequency(enum.StrEnum):
    """How often a recurring transaction repeats (times its interval):
    :class:`pennywise_core.schedule.Schedule`."""

    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    YEARLY = "yearly"


SPLIT_VALUE_FIELD: Final[Mapping[SplitMode, str | None]] = MappingProxyType(
    {
        SplitMode.EQUAL: None,
        SplitMode.SHARES: "shares",
        SplitMode.PERCENT: "percent",
        SplitMode.EXACT: "amount",
        SplitMode.ADJUSTMENT: "amount",
    }
)
"""The field of a split entry (``{"member_id", "shares"|"percent"|"amount"}``) that holds
a mode's value; ``None``: an equal split's entries carry no value."""


ImportFormatName = Literal[
    "pennywise-json",
    "pennywise-csv",
    "splitwise-csv",
    "ihatemoney-json",
    "ihatemoney-csv",
    "spliit-json",
    "spliit-csv",
    "cospend-csv",
    "bank-csv",
]
IMPORT_FORMATS: Final[tuple[str, ...]] = get_args(ImportFormatName)
"""Every import format; ``bank-csv`` is the one that needs a column mapping."""

BANK_MAPPING_KEYS: Final[tuple[str, ...]] = (
    "date",
    "description",
    "amount",
    "debit",
    "credit",
    "date_format",
    "currency",
    "currency_column",
    "category",
    "id_column",
    "delimiter",
    "decimal",
    "thousands",
    "encoding",
    "skip_lines",
    "paid_by",
    "split",
    "negative_is_expense",
)
"""The keys of a ``bank-csv`` column mapping, in order: the fields of
:class:`pennywise_core.bank_mapping.BankMapping` (a test keeps the two equal), here for the
CLI's help, which must not load pydantic to print itself."""

ExportFormatName = Literal["pennywise-json", "pennywise-csv", "splitwise-csv"]
EXPORT_FORMATS: Final[tuple[str, ...]] = get_args(ExportFormatName)

EventType = Literal[
    "transaction.created",
    "transaction.updated",
    "transaction.deleted",
    "transaction.restored",
    "settlement.recorded",
    "member.added",
    "member.updated",
    "member.removed",
    "import.completed",
    "rate.set",
    "rate.deleted",
    "recurring.created",
    "recurring.updated",
    "recurring.paused",
    "recurring.resumed",
    "recurring.ended",
    "recurring.deleted",
    "group.updated",
    "group.archived",
    "group.unarchived",
]
"""What the event stream and webhooks tell about a group (``GET /groups/{id}/events``)."""
EVENT_TYPES: Final[tuple[str, ...]] = get_args(EventType)

DEFAULT_WEBHOOK_EVENTS: Final[tuple[EventType, ...]] = (
    "transaction.created",
    "transaction.updated",
    "transaction.deleted",
    "transaction.restored",
    "settlement.recorded",
)
"""What a webhook hears when its maker names no types (``pennywise webhooks add``): the
ledger's changes."""

EVENT_OF_ACTION: Final[Mapping[str, str]] = MappingProxyType(
    {
        "transaction.create": "transaction.created",
        "transaction.update": "transaction.updated",
        "transaction.delete": "transaction.deleted",
        "transaction.restore": "transaction.restored",
        "member.add": "member.added",
        "member.update": "member.updated",
        "member.remove": "member.removed",
        "import": "import.completed",
        "rate.set": "rate.set",
        "rate.delete": "rate.deleted",
        "recurring.create": "recurring.created",
        "recurring.update": "recurring.updated",
        "recurring.pause": "recurring.paused",
        "recurring.resume": "recurring.resumed",
        "recurring.end": "recurring.ended",
        "recurring.delete": "recurring.deleted",
        "group.update": "group.updated",
        "group.archive": "group.archived",
        "group.unarchive": "group.unarchived",
    }
)
"""The event an activity entry's action becomes (the activity log writes both, in one
transaction). Not every action: a group's creation and deletion have no one to tell (its
events go with it), an invite is told to its addressee, not the group; ``settlement.
recorded`` is the settle-up's own event, besides its transfers' ``transaction.created``."""

__all__ = [
    "BANK_MAPPING_KEYS",
    "DEFAULT_WEBHOOK_EVENTS",
    "EVENT_OF_ACTION",
    "EVENT_TYPES",
    "EXPORT_FORMATS",
    "IMPORT_FORMATS",
    "SPLIT_VALUE_FIELD",
    "EventType",
    "ExportFormatName",
    "ImportFormatName",
    "Role",
    "SplitMode",
    "TransactionKind",
]
