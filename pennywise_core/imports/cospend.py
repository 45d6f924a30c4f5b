"""Nextcloud Cospend project CSV (``cospend-csv``): one file of sections.

Sections are separated by a blank line, each with its own header (the first row, and the
row after every blank one)::

    name,weight,active,color                                    members
    what,amount,date,timestamp,payer_name,payer_weight,payer_active,owers,repeat,
      repeatfreq,repeatallactive,repeatuntil,categoryid,paymentmode,paymentmodeid,
      comment,deleted                                           bills
    categoryname,categoryid,icon,color                          categories
    paymentmodename,paymentmodeid,icon,color                    payment modes
    currencyname,exchange_rate                                  currencies (main first, at 1)

Older versions wrote fewer bill columns (no ``deleted``; before 2019 only
``what,amount,date,payer_name,payer_weight,owers``), no members section but one
``deleteMeIfYouWant`` bill per member (its payer, weight and active flag), owers joined with
``", "``; a ``categoryname`` header may follow the bills without a blank line. All are read.

Each bill: ``payer_name`` paid ``amount`` (a decimal, in the project's main currency: Cospend
converts other currencies when a bill is entered); each ower owes
``amount × weight / Σ weights`` of the owers (Cospend's rule), allocated exactly by largest
remainder. A member's weight is the members section's (fractional, e.g. 1.5; a weight of
0 counts as 1, as in Cospend), else the ``payer_weight`` of a bill they paid, else 1: the
whole file is read once first for these, the categories and the currency (a prescan).
``timestamp`` (Unix seconds, UTC) gives the date when present, else ``date``. ``comment`` is
URL-encoded (``pizza+%26+drinks``) and becomes the notes. A negative amount is money
received (income); a bill in the Reimbursement category (``-11``) from one person to
another is a transfer.

Not imported: bills in Cospend's trash (``deleted=1``; counted as skipped, and a warning
names their rows). Kept in the notes, because Pennywise cannot act on them yet: the
payment mode, and a repetition twice a month (``repeat=s``: on the 1st and the 15th, which
no schedule of one rule says); the report's ``kept_in_notes`` counts them. Inactive members
(``active=0``) are imported as placeholders like everyone else (Pennywise removes only
settled members), with a warning.

A recurring bill (``repeat`` ``d``, ``w``, ``b``, ``m`` or ``y``) becomes a recurring rule
(:mod:`._recurrence`): Cospend keeps the repeat fields on the latest bill of a series only
(when it creates the next bill, a copy dated on the next date, it takes them off the one
before), so each such bill is one series, and the rule goes on from its date. Every
``repeatfreq`` periods (empty, 0 or 1: every one; ``b`` is every two weeks whatever it
says, as in Cospend), until ``repeatuntil`` (inclusive) if given. Cospend splits a repeated
bill of ``repeatallactive=1`` among the members active at that time; the rule splits as the
bill does, among the bill's owers (whom Cospend chose that way at the last repetition).

The import key is the bill's content: its timestamp (or date), what, amount, payer and
owers, plus the occurrence among identical bills; so a re-import adds nothing and a newer
export adds only its new bills.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, ClassVar, TextIO
from urllib.parse import unquote_plus

from pennywise_core.errors import FieldError
from pennywise_core.models import SplitMode, TransactionKind
from pennywise_core.money import MAX_MINOR_UNITS, Currency
from pennywise_core.recurring_schemas import MAX_INTERVAL
from pennywise_core.vocabulary import Frequency

from ._common import (
    BaseParser,
    Cells,
    Columns,
    Item,
    KeyMaker,
    MemberDecl,
    Problem,
    Record,
    Recurrence,
    Skipped,
    canonical_decimal,
    category,
    csv_rows,
    header_key,
    notes,
)
from ._currency import named

MARKER = "deleteMeIfYouWant"
"""The ``what`` of the fake bills by which older Cospend versions listed the members."""
REIMBURSEMENT_CATEGORY = -11
KEPT_REPEAT = "repeat"
KEPT_PAYMENT_MODE = "paymentmode"

BILL_COLUMNS = ("what", "amount", "payer_name", "payer_weight", "owers")
"""With ``date`` or ``timestamp``: the columns that make a section Cospend's bills."""
_SECTIONS: tuple[tuple[str, frozenset[str]], ...] = (
    ("members", frozenset({"name", "weight", "active", "color"})),
    ("paymentmodes", frozenset({"paymentmodename", "paymentmodeid"})),
    ("categories", frozenset({"categoryname", "categoryid"})),
    ("currencies", frozenset({"currencyname", "exchange_rate"})),
)
_HEADER_STARTS = frozenset({"categoryname", "paymentmodename", "currencyname"})
_REPEATS: dict[str, tuple[Frequency, int | None] | None] = {
    # Cospend's letter: how often, and every how many periods (None: ``repeatfreq``).
    "d": (Frequency.DAILY, None),
    "w": (Frequency.WEEKLY, None),
    "b": (Frequency.WEEKLY, 2),
    "s": None,  # the 1st and the 15th of every month: kept in the notes
    "m": (Frequency.MONTHLY, None),
    "y": (Frequency.YEARLY, None),
}
_NO_REPEAT = "n"
_CATEGORIES = {  # built in before Cospend 0.4.5 (2020), and Reimbursement since
    -1: "Grocery",
    -2: "Bar/Party",
    -3: "Rent",
    -4: "Bill",
    -5: "Excursion/Culture",
    -6: "Health",
    -10: "Shopping",
    -11: "Reimbursement",
    -12: "Restaurant",
    -13: "Accommodation",
    -14: "Transport",
    -15: "Sport",
}
_PAYMENT_MODES = {  # built in (ids since 2021, letters before)
    -1: "Credit card",
    -2: "Cash",
    -3: "Check",
    -4: "Transfer",
    -5: "Online service",
}
_PAYMENT_LETTERS = {"c": -1, "b": -2, "f": -3, "t": -4, "o": -5}
_INT = re.compile(r"-?[0-9]{1,12}")


def section_of(columns: dict[str, int]) -> str | None:
    """Which section a header row opens (``columns``: ``{name: index}``), or None."""
    if all(c in columns for c in BILL_COLUMNS) and ("date" in columns or "timestamp" in columns):
        return "bills"
    for name, needed in _SECTIONS:
        if needed <= columns.keys():
            return name
    return None


def sniff(rows: list[list[str]]) -> bool:
    """Whether the first rows of a CSV are a Cospend project (for :func:`detect`)."""
    if not rows:
        return False
    first = section_of(_header(rows[0]))
    if first == "members":
        return True
    if first != "bills":
        return False
    header = _header(rows[0])
    return bool({"timestamp", "payer_active", "repeat"} & header.keys()) or any(
        row[:1] == [MARKER] for row in rows[1:]
    )


def _header(row: list[str]) -> dict[str, int]:
    return {header_key(c): i for i, c in enumerate(row) if c.strip()}


@dataclass(slots=True)
class _Member:
    name: str
    weight: Decimal
    """As Cospend counts it: a weight of 0 is 1."""
    active: bool


@dataclass(slots=True)
class _Row:
    section: str
    number: int
    cells: list[str]
    columns: dict[str, int]
    width: int

    def get(self, name: str) -> str:
        i = self.columns.get(name)
        return self.cells[i] if i is not None and i < len(self.cells) else ""


def _walk(text: TextIO) -> Iterator[_Row | Problem]:
    """Every data row with its section; a Problem for a header that is no section's."""
    section: str | None = None
    columns: dict[str, int] = {}
    width = 0
    expect_header = True
    for number, cells in csv_rows(text):
        if not any(c.strip() for c in cells):
            expect_header = True
            continue
        if not expect_header and header_key(cells[0]) in _HEADER_STARTS:
            expect_header = section_of(_header(cells)) not in (None, section)
        if expect_header:
            expect_header = False
            columns, width = _header(cells), len(cells)
            section = section_of(columns)
            if section is None:
                shown = ",".join(cells)[:80]
                yield Problem(
                    (
                        FieldError(
                            ("row", number),
                            f"{shown!r} is not the header of a Cospend section (members, bills, "
                            "categories, payment modes or currencies)",
                        ),
                    )
                )
            continue
        if section is None:
            continue
        yield _Row(section, number, cells, columns, width)


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _int(text: str) -> int | None:
    value = text.strip()
    return int(value) if _INT.fullmatch(value) else None


class CospendCsvParser(BaseParser):
    format: ClassVar[str] = "cospend-csv"
    needs_prescan: ClassVar[bool] = True
    columns: ClassVar[Columns] = Columns(
        amount="amount",
        paid_by="payer_name",
        split="owers",
        currency="currencyname",
        recurrence="repeat",
    )

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.members: dict[str, _Member] = {}
        """By case-folded name: the members section, or the older layout's marker bills."""
        self.payer_weights: dict[str, Decimal] = {}
        """By case-folded name: the ``payer_weight`` of the first bill each payer paid."""
        self.payer_names: dict[str, str] = {}
        self.categories: dict[int, str] = {}
        self.payment_modes: dict[int, str] = {}
        self.currencies: list[tuple[str, Decimal | None]] = []
        """The currencies section: ``(name, rate)``; the main one is at rate 1 (and first)."""
        self.rounded = False

    # -- the prescan: people, weights, categories, payment modes, the currency --

    def prescan(self, text: TextIO) -> None:
        for row in _walk(text):
            if isinstance(row, Problem):
                continue
            if row.section == "members":
                self._learn_member(row.get("name"), row.get("weight"), row.get("active"))
            elif row.section == "bills":
                payer, weight = row.get("payer_name"), row.get("payer_weight")
                if row.get("what") == MARKER:
                    self._learn_member(payer, weight, row.get("payer_active") or "1")
                else:
                    value = _decimal(weight)
                    key = payer.strip().casefold()
                    if value is not None and value >= 0 and key not in self.payer_weights:
                        self.payer_weights[key] = value if value else Decimal(1)
                        self.payer_names[key] = payer.strip()
            elif row.section == "categories":
                number = _int(row.get("categoryid"))
                if number is not None:
                    self.categories[number] = row.get("categoryname").strip()
            elif row.section == "paymentmodes":
                number = _int(row.get("paymentmodeid"))
                if number is not None:
                    self.payment_modes[number] = row.get("paymentmodename").strip()
            elif row.section == "currencies":
                rate = _decimal(row.get("exchange_rate"))
                self.currencies.append((row.get("currencyname"), rate))

    def _learn_member(self, name: str, weight: str, active: str) -> None:
        value = _decimal(weight)
        key = name.strip().casefold()
        if not key or value is None or value < 0 or key in self.members:
            return  # a bad members row is reported by items()
        self.members[key] = _Member(
            name.strip(), value if value else Decimal(1), active.strip() not in ("0", "")
        )

    # -- the rows --

    def items(self, text: TextIO) -> Iterator[Item]:
        main = next((n for n, rate in self.currencies if rate == 1), None)
        if main is None and self.currencies:
            main = self.currencies[0][0]
        currency = named(
            (main,) if main is not None else (),
            override=self.context.currency,
            fallback=self.context.group_currency,
            warn=self.context.warn,
            source="the project's main currency",
        )
        for member in self.members.values():
            yield MemberDecl(ref=member.name, name=member.name, weight=member.weight)
        for key, weight in self.payer_weights.items():  # payers the file lists nowhere else
            if key not in self.members:
                yield MemberDecl(
                    ref=self.payer_names[key], name=self.payer_names[key], weight=weight
                )
        keys = KeyMaker("cospend")
        trashed: list[int] = []
        warned_inactive: set[str] = set()
        seen_bills = False
        for row in _walk(text):
            if isinstance(row, Problem):
                yield row
            elif row.section == "members":
                problem = self._check_member(row)
                if problem is not None:
                    yield problem
            elif row.section == "bills":
                seen_bills = True
                if row.get("what") == MARKER:
                    continue
                yield from self._bill(row, currency, keys, trashed, warned_inactive)
        if trashed:
            shown = ", ".join(str(n) for n in trashed[:10]) + (", …" if len(trashed) > 10 else "")
            self.context.warn(
                f"{len(trashed)} bill{'s' if len(trashed) != 1 else ''} in Cospend's trash "
                f"(deleted=1) not imported: row{'s' if len(trashed) != 1 else ''} {shown}"
            )
        if not seen_bills and not self.members:
            yield Problem((FieldError(("file",), "this Cospend file has no bills section"),))

    def _check_member(self, row: _Row) -> Problem | None:
        cells = Cells(row.number)
        cells.name("name", row.get("name"))
        weight = _decimal(row.get("weight"))
        if weight is None or weight < 0:
            cells.fail("weight", row.get("weight"), "must be a number, 0 or more")
        if row.get("active").strip() not in ("0", "1"):
            cells.fail("active", row.get("active"), "must be 0 or 1")
        return Problem(tuple(cells.errors)) if cells.errors else None

    def _bill(
        self,
        row: _Row,
        currency: Currency,
        keys: KeyMaker,
        trashed: list[int],
        warned_inactive: set[str],
    ) -> Iterator[Item]:
        number = row.number
        if len(row.cells) < row.width or any(c.strip() for c in row.cells[row.width :]):
            message = f"has {len(row.cells)} cells; the header has {row.width}"
            yield Problem((FieldError(("row", number), message),))
            return
        if row.get("deleted").strip() == "1":
            trashed.append(number)
            yield Skipped(number, "in Cospend's trash (deleted=1)")
            return
        cells = Cells(number)
        description = cells.description("what", row.get("what"))
        amount = self._amount(cells, row.get("amount"), currency)
        day, stamp = self._day(cells, row)
        payer = cells.name("payer_name", row.get("payer_name"))
        owers = [o.strip() for o in row.get("owers").split(",") if o.strip()]
        if not owers:
            cells.fail("owers", row.get("owers"), "must name at least one member")
        names = [cells.name("owers", o) for o in owers]
        repeat = self._repeat(cells, row)
        if cells.errors or description is None or amount is None or day is None or payer is None:
            yield Problem(tuple(cells.errors))
            return
        if amount == 0:
            yield Skipped(number, "the amount is 0")
            return
        ower_names = [n for n in names if n is not None]
        for name in (payer, *ower_names):
            member = self.members.get(name.casefold())
            if member is not None and not member.active and member.name not in warned_inactive:
                warned_inactive.add(member.name)
                self.context.warn(
                    f"{member.name} is inactive in Cospend; imported as a placeholder like "
                    "the others (remove them from the group once settled)"
                )
        weights = [self._weight(n) for n in ower_names]
        split_mode = SplitMode.EQUAL
        split: list[tuple[str, str | None]] = [(n, None) for n in ower_names]
        if len(set(weights)) > 1:
            split_mode = SplitMode.SHARES
            split = [(n, canonical_decimal(w)) for n, w in zip(ower_names, weights, strict=True)]
        category_id = _int(row.get("categoryid"))
        kind = TransactionKind.EXPENSE if amount > 0 else TransactionKind.INCOME
        if (
            category_id == REIMBURSEMENT_CATEGORY
            and kind is TransactionKind.EXPENSE
            and len(ower_names) == 1
            and ower_names[0].casefold() != payer.casefold()
        ):
            kind, split_mode = TransactionKind.TRANSFER, SplitMode.EQUAL
            split = [(ower_names[0], None)]
        comment = unquote_plus(row.get("comment")).strip() or None
        kept: list[str] = []
        key = keys.content(
            day,
            (
                stamp,
                description[0],
                str(amount),
                payer.casefold(),
                ";".join(sorted(n.casefold() for n in ower_names)),
            ),
        )
        recurrence, repeats = None, None
        if repeat is not None:
            recurrence, repeats = self._recurrence(row, key, *repeat)
            if repeats is not None:
                kept.append(KEPT_REPEAT)
        payment = self._payment_mode(row)
        if payment is not None:
            kept.append(KEPT_PAYMENT_MODE)
        yield Record(
            row=number,
            key=key,
            kind=kind,
            description=description[0],
            amount=abs(amount),
            currency=currency,
            date=day,
            paid_by=[(payer, None)],
            split_mode=split_mode,
            split=split,
            category=category(self._category(category_id)),
            notes=notes(comment, repeats, payment, description[1]),
            kept=tuple(kept),
            recurrence=recurrence,
        )

    def _weight(self, name: str) -> Decimal:
        key = name.casefold()
        member = self.members.get(key)
        if member is not None:
            return member.weight
        return self.payer_weights.get(key, Decimal(1))

    def _amount(self, cells: Cells, text: str, currency: Currency) -> int | None:
        """Minor units; more decimals than the currency has are rounded, as Cospend shows
        them (its amounts are floats: ``100/3`` typed in is 33.333333333333)."""
        value = _decimal(text)
        if value is None:
            cells.fail("amount", text, "must be a number")
            return None
        minor = (value.scaleb(currency.exponent)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        if minor != value.scaleb(currency.exponent) and not self.rounded:
            self.rounded = True
            self.context.warn(
                f"row {cells.row}: the amount {text.strip()} has more decimals than "
                f"{currency.code} has; such amounts are rounded to the {currency.code} minor "
                "unit, as Cospend shows them"
            )
        if abs(minor) > MAX_MINOR_UNITS:
            cells.fail("amount", text, "is too large")
            return None
        return int(minor)

    @staticmethod
    def _day(cells: Cells, row: _Row) -> tuple[dt.date | None, str]:
        stamp = _int(row.get("timestamp")) if "timestamp" in row.columns else None
        if stamp is not None:
            try:
                return dt.datetime.fromtimestamp(stamp, dt.UTC).date(), str(stamp)
            except (OverflowError, OSError, ValueError):
                cells.fail("timestamp", row.get("timestamp"), "is not a Unix time in seconds")
                return None, ""
        if "date" in row.columns:
            return cells.iso_date("date", row.get("date")), ""
        cells.fail("timestamp", row.get("timestamp"), "must be a Unix time in seconds")
        return None, ""

    def _category(self, category_id: int | None) -> str | None:
        if category_id is None or category_id == 0:
            return None
        return self.categories.get(category_id) or _CATEGORIES.get(category_id)

    @staticmethod
    def _repeat(cells: Cells, row: _Row) -> tuple[str, int, dt.date | None] | None:
        """The bill's repetition, checked: its letter, every how many periods (``repeatfreq``:
        empty, 0 and 1 are every one, as in Cospend) and the last day (``repeatuntil``);
        None for a bill that does not repeat. A bad cell is an error of the row, naming it:
        the import would otherwise make up a schedule the file does not say."""
        letter = row.get("repeat").strip()
        if not letter or letter == _NO_REPEAT:
            return None
        if letter not in _REPEATS:
            cells.fail(
                "repeat",
                row.get("repeat"),
                f"must be {_NO_REPEAT} (no repetition) or one of {', '.join(_REPEATS)} "
                "(daily, weekly, every two weeks, twice a month, monthly, yearly)",
            )
            return None
        text = row.get("repeatfreq").strip()
        every = 1
        if text:
            number = _int(text)
            if number is None or not 0 <= number <= MAX_INTERVAL:
                cells.fail(
                    "repeatfreq",
                    row.get("repeatfreq"),
                    f"must be a whole number of periods, at most {MAX_INTERVAL}",
                )
                return None
            every = max(number, 1)
        text = row.get("repeatuntil").strip()
        until = cells.iso_date("repeatuntil", text) if text else None
        if text and until is None:
            return None
        return letter, every, until

    @staticmethod
    def _recurrence(
        row: _Row, key: str, letter: str, every: int, until: dt.date | None
    ) -> tuple[Recurrence | None, str | None]:
        """The bill's :class:`Recurrence` (its own series: Cospend keeps the repeat fields on
        the latest bill only), or, for a repetition no schedule says, the note that keeps it."""
        how = _REPEATS[letter]
        if how is not None:
            frequency, fixed = how
            return Recurrence(key, frequency, fixed or every, until), None
        text = "Repeats twice a month (the 1st and the 15th) in Cospend"
        if until is not None:
            text += f" until {until.isoformat()}"
        if row.get("repeatallactive").strip() == "1":
            text += ", for all active members"
        return None, text

    def _payment_mode(self, row: _Row) -> str | None:
        mode_id = _int(row.get("paymentmodeid"))
        if not mode_id:
            mode_id = _PAYMENT_LETTERS.get(row.get("paymentmode").strip())
        if not mode_id:
            return None
        name = self.payment_modes.get(mode_id) or _PAYMENT_MODES.get(mode_id)
        return f"Payment mode: {name}" if name else None


__all__ = ["MARKER", "CospendCsvParser", "section_of", "sniff"]
