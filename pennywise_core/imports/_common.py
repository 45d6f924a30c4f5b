"""What every import format shares: the items a parser yields, and helpers for cells and keys.

A parser turns a source file into a stream of :data:`Item`:

* :class:`MemberDecl` — a person the file names (Pennywise JSON members, Splitwise columns,
  ihatemoney payers with their weight); the engine matches it to a member or plans a
  placeholder. Records refer to people by ``ref`` (the name, or the source's member id).
* :class:`Record` — one transaction, already parsed into exact values (minor units, a
  :class:`~pennywise_core.money.Currency`, a date), with the import key of its source row.
* :class:`Problem` — a bad row: every bad cell of it as a :class:`FieldError` located at
  ``("row", <row number>, <column>)`` with the value and the reason in the message.
* :class:`Skipped` — a row that is not a transaction (a zero amount, a cospend marker).

Parsers never touch the database; the engine (``_engine.py``) does, in batches.

Every text a parser keeps is clean text (:mod:`pennywise_core.text`), whatever the format:
:class:`Cells` checks descriptions and names where it reads them (the error names the
file's column), and :class:`BaseParser` checks every item that any parser's ``items``
yields (:func:`clean_items`), so a category, the notes or a name that no cell check saw
(a fast path, a format added later) is a bad row too, never a stored control character.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar, Protocol, TextIO, TypeAlias

from pennywise_core import text as text_rules
from pennywise_core.errors import FieldError, ValidationError
from pennywise_core.models import Role, SplitMode, TransactionKind
from pennywise_core.money import Currency, get_currency, parse_amount
from pennywise_core.vocabulary import Frequency

MAX_DESCRIPTION = 200
MAX_CATEGORY = 50
MAX_NAME = 100
MAX_NOTES = 5000

MEMBER_REF = "\x00member:"
"""A ref naming a member by id (``MEMBER_REF + str(member_id)``) rather than by name (it
starts with NUL on purpose: no name in a file can)."""

FORMULA_START = frozenset("=+-@\t\r")
"""A spreadsheet runs a text cell that starts with one of these as a formula."""


# --- options --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """How to read a file; every field is optional."""

    member_map: Mapping[str, uuid.UUID] = field(default_factory=dict)
    """``{name in the file: member id}`` for people whose name differs between the apps,
    matched case-insensitively. Everyone else is matched by name, or becomes a placeholder."""
    currency: str | None = None
    """For sources that do not say the currency (Spliit's CSV writes a symbol such as
    ``€``; an ihatemoney CSV may have no currency column). Default: the group's currency."""
    bank: Any = None
    """A :class:`pennywise_core.imports.bank.BankMapping`: the column mapping of a bank CSV."""
    convert: bool = False
    """Book every row in another currency than the group's in the group's currency, at the
    group's rate for the row's date (else the reference rate), rounded per row; each keeps
    what the file says as its ``conversion``. Default: a ledger per currency, as given."""
    error_limit: int = 50
    """At most this many errors (and warnings) are listed; every bad row is counted."""
    batch_size: int = 2000
    """Rows per key look-up; their new rows are written in pieces of at most 1024."""


# --- items ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MemberDecl:
    """A person the file declares. ``ref`` is how records name them (default: the name)."""

    ref: str
    name: str
    weight: Decimal = Decimal(1)
    role: Role = Role.MEMBER
    registered: bool = False
    """The person was a registered user in the source (not a placeholder)."""
    removed: bool = False
    eager: bool = False
    """Create the placeholder even when no new row refers to it (the lossless format)."""


@dataclass(frozen=True, slots=True)
class Recurrence:
    """A record that is one occurrence of a series the file says repeats.

    Both apps that export one create each next occurrence themselves, as a copy of the
    latest: Spliit keeps every occurrence as an expense that carries the series' rule;
    Cospend keeps the repeat fields on the latest bill only. The engine groups a file's
    records by ``series`` and turns each series into one recurring rule
    (:mod:`._recurrence`), from its latest record: ``every`` is that record's say.
    """

    series: str
    """What the records of one series share, and no other record of the file."""
    every: Frequency | None
    """How the series repeats, as this record says; None: this record says it does not
    (a Spliit series whose latest expense was switched to no recurrence has ended)."""
    interval: int = 1
    """Every how many periods (Cospend's ``repeatfreq``)."""
    until: dt.date | None = None
    """The last date an occurrence may fall on (Cospend's ``repeatuntil``)."""


@dataclass(slots=True)
class Record:
    """One transaction of the file, parsed; members still named by their ``ref``."""

    row: int
    key: str
    kind: TransactionKind
    description: str
    amount: int
    currency: Currency
    date: dt.date
    paid_by: list[tuple[str, str | None]]
    """``(ref, amount)``; a single payer may leave the amount out (pays everything)."""
    split_mode: SplitMode
    split: list[tuple[str, str | None]]
    """``(ref, value)``: shares, percent or amount by mode; ``None`` in an equal split."""
    category: str | None = None
    notes: str | None = None
    deleted_at: dt.datetime | None = None
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    entries: list[tuple[str, int, int]] | None = None
    """The entries the source says this computes to (Pennywise JSON): checked, not trusted."""
    conversion: dict[str, Any] | None = None
    """Entered in another currency and booked in this one: ``Transaction.conversion`` as
    stored (the entered amount in minor units, its currency, the rate, its source and day)."""
    kept: tuple[str, ...] = ()
    """The source's fields that Pennywise cannot act on yet (a conversion it cannot book,
    a repetition no schedule expresses), written into ``notes`` so nothing is dropped; the
    report counts them per field."""
    recurrence: Recurrence | None = None
    """The series this record is an occurrence of, when the file says it repeats."""


@dataclass(frozen=True, slots=True)
class Problem:
    errors: tuple[FieldError, ...]


@dataclass(frozen=True, slots=True)
class Skipped:
    row: int
    reason: str


Item: TypeAlias = MemberDecl | Record | Problem | Skipped


@dataclass(frozen=True, slots=True)
class Columns:
    """Which column of a format holds what, to locate errors the split maths finds."""

    amount: str = "amount"
    paid_by: str = "paid_by"
    split: str = "split"
    currency: str = "currency"
    recurrence: str = "recurrence"


@dataclass(slots=True)
class ParseContext:
    """What a parser may know about where the rows go."""

    group_currency: str
    currency: str | None
    """The caller's currency for sources that name none (``ImportOptions.currency``)."""
    warn: Callable[[str], None]
    default_members: Sequence[str] = field(default_factory=tuple)
    """Refs of the group's current members (for rules like "split among everyone")."""
    actor_ref: str = ""
    """A ref that resolves to the acting user's member."""


class Parser(Protocol):
    format: ClassVar[str]
    context: ParseContext
    encoding: ClassVar[str]
    needs_prescan: ClassVar[bool]
    columns: ClassVar[Columns]

    def prescan(self, text: TextIO) -> None:
        """Read the whole source once for context (people, weights) before :meth:`items`."""

    def items(self, text: TextIO) -> Iterator[Item]: ...


class BaseParser:
    """Defaults for :class:`Parser`: UTF-8 (a BOM is skipped), no prescan.

    The ``items`` of every subclass is wrapped in :func:`clean_items` when the class is
    made, so no parser can hand the engine a text with a control character.
    """

    format: ClassVar[str] = ""
    encoding: ClassVar[str] = "utf-8-sig"
    needs_prescan: ClassVar[bool] = False
    columns: ClassVar[Columns] = Columns()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        items = cls.__dict__.get("items")
        if items is not None and not hasattr(items, "__wrapped__"):

            @functools.wraps(items)
            def checked(self: BaseParser, text: TextIO) -> Iterator[Item]:
                return clean_items(items(self, text), self.columns)

            cls.items = checked  # type: ignore[method-assign]

    def __init__(self, context: ParseContext, options: ImportOptions) -> None:
        self.context = context
        self.options = options

    def prescan(self, text: TextIO) -> None:
        return None

    def items(self, text: TextIO) -> Iterator[Item]:
        raise NotImplementedError


# --- cells ----------------------------------------------------------------------------------


def shown(value: object, limit: int = 60) -> str:
    text = value if isinstance(value, str) else str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return repr(text)


def bad(row: int, column: str, value: object, reason: str) -> FieldError:
    """A bad cell: the row number in the file, the column, the value and the reason.

    The column is shown escaped: it may be a header cell, that is the file's text."""
    return FieldError(("row", row, text_rules.escape(column)), f"value {shown(value)}: {reason}")


class Cells:
    """Parses the cells of one row, collecting every bad one instead of stopping."""

    __slots__ = ("errors", "row")

    def __init__(self, row: int) -> None:
        self.row = row
        self.errors: list[FieldError] = []

    def fail(self, column: str, value: object, reason: str) -> None:
        self.errors.append(bad(self.row, column, value, reason))

    def currency(self, column: str, text: str) -> Currency | None:
        code = text.strip()
        try:
            return get_currency(code)
        except ValidationError as exc:
            self.fail(column, text, exc.errors[0].msg if exc.errors else exc.detail)
            return None

    def amount(
        self,
        column: str,
        text: str,
        currency: Currency | None,
        *,
        signed: bool = False,
        positive: bool = True,
    ) -> int | None:
        if currency is None:
            return None
        try:
            value = parse_amount(text, currency, signed=signed)
        except ValidationError as exc:
            self.fail(column, text, exc.errors[0].msg if exc.errors else exc.detail)
            return None
        if positive and not signed and value == 0:
            self.fail(column, text, "must be greater than zero")
            return None
        return value

    def iso_date(self, column: str, text: str) -> dt.date | None:
        value = text.strip()
        try:
            if len(value) != 10:
                raise ValueError
            return dt.date.fromisoformat(value)
        except ValueError:
            self.fail(column, text, "must be a date like 2024-01-31 (YYYY-MM-DD)")
            return None

    def date(self, column: str, text: str, fmt: str) -> dt.date | None:
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()  # noqa: DTZ007 (a date)
        except ValueError:
            self.fail(column, text, f"is not a date in the format {fmt!r}")
            return None

    def description(self, column: str, text: str) -> tuple[str, str | None] | None:
        """The description, and the full text as a note when it had to be shortened."""
        value = text.strip()
        if not value:
            self.fail(column, text, "must not be empty")
            return None
        reason = text_rules.problem(value)
        if reason is not None:
            self.fail(column, text, reason)
            return None
        if len(value) > MAX_DESCRIPTION:
            return value[: MAX_DESCRIPTION - 1] + "…", value
        return value, None

    def name(self, column: str, text: str) -> str | None:
        value = text.strip()
        if not value:
            self.fail(column, text, "a member name must not be empty")
            return None
        if len(value) > MAX_NAME:
            self.fail(column, text, f"a member name has at most {MAX_NAME} characters")
            return None
        reason = text_rules.problem(value)
        if reason is not None:
            self.fail(column, text, f"a member name {reason}")
            return None
        return value

    def weight(self, column: str, text: str) -> Decimal | None:
        try:
            return parse_weight(text)
        except ValueError as exc:
            self.fail(column, text, str(exc))
            return None


def clean_items(items: Iterable[Item], columns: Columns) -> Iterator[Item]:
    """``items`` with every record or member whose text is not clean text
    (:func:`pennywise_core.text.problem`) turned into a :class:`Problem` naming the row and
    the field: the description, category and names are one line, the notes may be several.
    """
    problem = text_rules.problem
    for item in items:
        if isinstance(item, Record):
            errors = [
                bad(item.row, column, value, reason)
                for column, value, multiline in (
                    ("description", item.description, False),
                    ("category", item.category, False),
                    ("notes", item.notes, True),
                )
                if value is not None and (reason := problem(value, multiline=multiline))
            ]
            errors += [
                bad(item.row, column, ref, f"a member name {reason}")
                for column, pairs in ((columns.paid_by, item.paid_by), (columns.split, item.split))
                for ref, _ in pairs
                if not ref.startswith(MEMBER_REF) and (reason := problem(ref))
            ]
            if errors:
                yield Problem(tuple(errors))
                continue
        elif isinstance(item, MemberDecl):
            reason = problem(item.name)
            if reason is not None:
                where = ("member", text_rules.escape(item.ref), "name")
                yield Problem((FieldError(where, f"value {shown(item.name)}: {reason}"),))
                continue
        yield item


def category(text: str | None) -> str | None:
    if text is None:
        return None
    value = text.strip()
    return value[:MAX_CATEGORY].strip() or None


def notes(*parts: str | None) -> str | None:
    value = "\n".join(p for p in parts if p and p.strip())
    return value[:MAX_NOTES] or None


def canonical_decimal(value: Decimal) -> str:
    return format(value.normalize(), "f")


def parse_weight(text: str) -> Decimal:
    """A member's weight or shares: a positive decimal up to 10**9, canonical ("2.0" is 2).

    :class:`ValueError` says what is wrong with ``text``.
    """
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError("must be a number") from None
    if not value.is_finite() or value <= 0 or value > 10**9:
        raise ValueError("must be a positive number")
    return Decimal(canonical_decimal(value))


# --- CSV ------------------------------------------------------------------------------------


def unescape_formula(cell: str) -> str:
    """Undo the leading ``'`` a CSV writer puts before a formula-looking text cell.

    ``'=SUM(A1)`` is ``=SUM(A1)``; ``''=x`` is ``'=x`` (how :mod:`pennywise_core.exports`
    writes a text that really starts with ``'=``). Any other ``'`` is left alone.
    """
    if cell[:1] == "'" and (
        cell[1:2] in FORMULA_START or (cell[1:2] == "'" and cell[2:3] in FORMULA_START)
    ):
        return cell[1:]
    return cell


def csv_rows(text: TextIO, *, delimiter: str = ",") -> Iterator[tuple[int, list[str]]]:
    """``(row number, cells)`` for every record; the header is row 1, as in a spreadsheet.

    Blank lines count (a spreadsheet shows them) and come out as empty lists.
    """
    reader = csv.reader(text, delimiter=delimiter, strict=True)
    number = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ValidationError.at(
                ("row", number + 1), f"the file is not valid CSV here: {exc}"
            ) from None
        number += 1
        if "'" in "".join(row):
            row = [unescape_formula(c) if c[:1] == "'" else c for c in row]
        yield number, row


def header_key(cell: str) -> str:
    return " ".join(cell.split()).casefold()


# --- import keys ----------------------------------------------------------------------------


class KeyMaker:
    """Stable import keys: the same source row gets the same key in every run.

    :meth:`content` keys a row by its normalized content plus the occurrence index among
    identical rows, so two identical coffees on one day are two transactions, and a file
    that overlaps an earlier import adds only its new rows. Identical rows share their date,
    so occurrences are counted within a run of rows with the same date and forgotten when
    the date changes: memory stays bounded by the rows of one day, not the file. (Every
    export we read is sorted by date; if a date comes back after other dates, the rows of
    that later run are told apart by the run's number, which is still stable for the
    same file.)
    """

    __slots__ = ("_counts", "_day", "_iso", "_prefix", "_run", "_runs")

    def __init__(self, prefix: str) -> None:
        self._prefix = prefix + ":"
        self._day: dt.date | None = None
        self._iso = ""
        self._run = 0
        self._counts: dict[str, int] = {}
        self._runs: dict[dt.date, int] = {}

    def content(self, day: dt.date, parts: Sequence[str]) -> str:
        if day != self._day:
            self._day = day
            self._iso = day.isoformat()
            self._run = self._runs.get(day, 0)
            self._runs[day] = self._run + 1
            self._counts = {}
        digest = hashlib.sha256(
            "\x1f".join((self._iso, *parts)).encode("utf-8", "surrogatepass")
        ).hexdigest()
        counts = self._counts
        seen = counts.get(digest, 0)
        counts[digest] = seen + 1
        if seen or self._run:
            digest = hashlib.sha256(
                bytes.fromhex(digest) + f"#{seen}#{self._run}".encode()
            ).hexdigest()
        return self._prefix + digest[:40]

    def stable(self, *parts: str) -> str:
        """A key from an identifier the source gives its rows (Spliit expense ids)."""
        digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass"))
        return self._prefix + digest.hexdigest()[:40]


# --- member lists in one cell ---------------------------------------------------------------

_ESCAPED = re.compile(r"\\(.)")


def split_pairs(text: str) -> list[tuple[str, str | None]]:
    """``"Ann=2; Bob\\;Jr=1; Carol"`` → ``[("Ann", "2"), ("Bob;Jr", "1"), ("Carol", None)]``.

    Items are separated by ``;`` and a name from its value by ``=``; a backslash escapes
    either (and itself) inside a name. Blank items are ignored.
    """
    result: list[tuple[str, str | None]] = []
    if "\\" not in text:
        for item in text.split(";"):
            name, sep, value = item.partition("=")
            name = name.strip()
            if name or sep:
                result.append((name, value.strip() if sep else None))
        return result
    name_chars: list[str] = []
    value_chars: list[str] | None = None
    i = 0
    while i <= len(text):
        ch = text[i] if i < len(text) else ";"
        if ch == "\\" and i + 1 < len(text):
            (name_chars if value_chars is None else value_chars).append(text[i + 1])
            i += 2
            continue
        if ch == ";":
            name = "".join(name_chars).strip()
            if name or value_chars is not None:
                result.append((name, None if value_chars is None else "".join(value_chars).strip()))
            name_chars, value_chars = [], None
        elif ch == "=" and value_chars is None:
            value_chars = []
        else:
            (name_chars if value_chars is None else value_chars).append(ch)
        i += 1
    return result


def join_pairs(pairs: Sequence[tuple[str, str | None]]) -> str:
    """The inverse of :func:`split_pairs`."""
    return "; ".join(
        _escape_name(name) if value is None else f"{_escape_name(name)}={value}"
        for name, value in pairs
    )


def _escape_name(name: str) -> str:
    if "\\" in name or ";" in name or "=" in name:
        return name.replace("\\", "\\\\").replace(";", "\\;").replace("=", "\\=")
    return name


def parse_timestamp(text: object) -> dt.datetime | None:
    """An aware timestamp from ISO 8601 text (a naive one is taken as UTC); None if bad."""
    if not isinstance(text, str):
        return None
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


__all__ = [
    "FORMULA_START",
    "MEMBER_REF",
    "BaseParser",
    "Cells",
    "Columns",
    "ImportOptions",
    "Item",
    "KeyMaker",
    "MemberDecl",
    "ParseContext",
    "Parser",
    "Problem",
    "Record",
    "Recurrence",
    "Skipped",
    "bad",
    "canonical_decimal",
    "category",
    "clean_items",
    "csv_rows",
    "header_key",
    "join_pairs",
    "notes",
    "parse_timestamp",
    "shown",
    "split_pairs",
    "unescape_formula",
]
