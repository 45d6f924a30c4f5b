"""ihatemoney bills, JSON and CSV.

JSON: a list of ``{"what", "bill_type", "amount", "currency", "date", "payer_name",
"payer_weight", "owers"}``; CSV: the same keys as columns, ``owers`` joined with ``", "``
(older versions wrote a list, ``['Ann', 'Bob']``, which is read too) and a leading ``'`` on
cells that start with ``= + - @``. ``bill_type`` is ``Expense`` or ``Reimbursement`` (a
transfer when it has one ower); ``currency`` an ISO code or ``XXX`` for none. ``amount`` is a
JSON number rounded to 2 decimals: read as its exact text, never a float. Older versions
wrote fewer keys: before 7.0 no ``bill_type`` (every bill is then an Expense), before 5.0 no
``currency``; the CSV's columns follow the first record's keys, in any order.

A bill in ``XXX`` ("no currency", or no currency column at all) is booked in the caller's
currency (``ImportOptions.currency``) or the group's, never as a currency of its own: an
ihatemoney project without a currency is one whose bills are all in the same money.

Each ower owes ``amount × weight / Σ weights`` of the owers, where a member's weight is the
``payer_weight`` of the bills they paid (1 for someone who never paid). Finding those takes
one look at the whole file first (the prescan), so a bill early in the file splits by a
weight that only a later bill tells. New members are created as placeholders with that
weight.

ihatemoney rounds each share separately and shows balances that need not add up to zero by a
cent; Pennywise divides by largest remainder, so shares always add up to the bill, and a
balance may differ from what ihatemoney shows by a cent when a bill does not divide evenly.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, ClassVar, TextIO

from pennywise_core.errors import FieldError
from pennywise_core.models import SplitMode, TransactionKind

from ._common import (
    BaseParser,
    Cells,
    Columns,
    Item,
    KeyMaker,
    MemberDecl,
    Problem,
    Record,
    Skipped,
    bad,
    canonical_decimal,
    csv_rows,
    header_key,
    notes,
)
from ._currency import NO_CURRENCY
from ._source import iter_json
from .cospend import MARKER

FIELDS = ("what", "bill_type", "amount", "currency", "date", "payer_name", "payer_weight", "owers")
REQUIRED = ("what", "amount", "date", "payer_name", "owers")
_QUOTED = re.compile(r"""'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)\"""")


def split_owers(text: str) -> list[str]:
    """``"Ann, Bob"`` or ``"['Ann', 'Bob']"`` → ``["Ann", "Bob"]``."""
    value = text.strip()
    if value.startswith("[") and value.endswith("]"):
        return [a or b for a, b in _QUOTED.findall(value)]
    return [name.strip() for name in value.split(", ") if name.strip()]


class _Bills(BaseParser):
    columns: ClassVar[Columns] = Columns(
        amount="amount", paid_by="payer_name", split="owers", currency="currency"
    )
    needs_prescan: ClassVar[bool] = True

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.weights: dict[str, Decimal] = {}
        self.declared: set[str] = set()
        self.keys = KeyMaker("ihatemoney")
        self.warned_no_currency = False

    def learn(self, payer: object, weight: object) -> None:
        if not isinstance(payer, str) or not isinstance(weight, str):
            return
        try:
            value = Decimal(weight.strip())
        except ArithmeticError:
            return
        if not value.is_finite() or value <= 0:
            return
        value = Decimal(canonical_decimal(value))  # "2.0" and "2" are one weight
        key = payer.strip().casefold()
        known = self.weights.get(key)
        if known is not None and known != value:
            self.context.warn(f"{payer.strip()} has several weights in the file; using {value}")
        self.weights[key] = value

    def bill(
        self,
        cells: Cells,
        *,
        what: str,
        bill_type: str,
        amount: str,
        currency: str,
        date: str,
        payer: str,
        payer_weight: str,
        owers: list[str],
    ) -> Iterator[Item]:
        day = cells.iso_date("date", date)
        description = cells.description("what", what)
        code = currency.strip()
        if not code or code.upper() == NO_CURRENCY:  # older exports have no currency column
            code = self.context.currency or self.context.group_currency
            if currency.strip() and not self.warned_no_currency:
                self.warned_no_currency = True
                self.context.warn(
                    f'bills in {NO_CURRENCY} (ihatemoney\'s "no currency") are booked in {code}'
                )
        money = cells.currency("currency", code)
        value = cells.amount("amount", amount, money, signed=True)
        payer_name = cells.name("payer_name", payer)
        weight = cells.weight("payer_weight", payer_weight or "1")
        kind_text = bill_type.strip().casefold() or "expense"
        if kind_text not in ("expense", "reimbursement"):
            cells.fail("bill_type", bill_type, "must be Expense or Reimbursement")
        if not owers:
            cells.fail("owers", ", ".join(owers), "must name at least one member")
        names = [cells.name("owers", o) for o in owers]
        if (
            cells.errors
            or day is None
            or description is None
            or money is None
            or value is None
            or payer_name is None
            or weight is None
        ):
            yield Problem(tuple(cells.errors))
            return
        if value == 0:
            yield Skipped(cells.row, "the amount is 0")
            return
        ower_names = [n for n in names if n is not None]
        for name in (payer_name, *ower_names):
            key = name.casefold()
            if key not in self.declared:
                self.declared.add(key)
                yield MemberDecl(ref=name, name=name, weight=self.weights.get(key, Decimal(1)))
        kind = TransactionKind.EXPENSE if value > 0 else TransactionKind.INCOME
        split_mode = SplitMode.EQUAL
        weights = [self.weights.get(n.casefold(), Decimal(1)) for n in ower_names]
        split: list[tuple[str, str | None]] = [(n, None) for n in ower_names]
        if len(set(weights)) > 1:
            split_mode = SplitMode.SHARES
            split = [(n, canonical_decimal(w)) for n, w in zip(ower_names, weights, strict=True)]
        if kind_text == "reimbursement" and kind is TransactionKind.EXPENSE:
            if len(ower_names) == 1 and ower_names[0].casefold() != payer_name.casefold():
                kind, split_mode = TransactionKind.TRANSFER, SplitMode.EQUAL
                split = [(ower_names[0], None)]
            else:
                self.context.warn(
                    f"row {cells.row}: a reimbursement to several people is imported as an expense"
                )
        yield Record(
            row=cells.row,
            key=self.keys.content(
                day,
                (
                    description[0],
                    kind_text,
                    str(value),
                    # XXX as the file says: the key stays what earlier imports stored.
                    NO_CURRENCY if currency.strip().upper() == NO_CURRENCY else money.code,
                    payer_name.casefold(),
                    canonical_decimal(weight),
                    ";".join(sorted(n.casefold() for n in ower_names)),
                ),
            ),
            kind=kind,
            description=description[0],
            amount=abs(value),
            currency=money,
            date=day,
            paid_by=[(payer_name, None)],
            split_mode=split_mode,
            split=split,
            notes=notes(description[1]),
        )


class IhatemoneyJsonParser(_Bills):
    format: ClassVar[str] = "ihatemoney-json"

    def prescan(self, text: TextIO) -> None:
        for _key, _index, bill, _line in iter_json(text, streamed=frozenset()):
            if isinstance(bill, dict):
                self.learn(bill.get("payer_name"), bill.get("payer_weight"))

    def items(self, text: TextIO) -> Iterator[Item]:
        for key, index, bill, line in iter_json(text, streamed=frozenset()):
            if index is None:
                yield Problem(
                    (
                        FieldError(
                            ("file",),
                            f"an ihatemoney bills export is a JSON list, found the key {key!r}",
                        ),
                    )
                )
                return
            number = index + 1
            if not isinstance(bill, dict):
                yield Problem((bad(number, "bill", bill, f"must be an object (line {line})"),))
                continue
            cells = Cells(number)
            values: dict[str, str] = {}
            for name in FIELDS:
                value = bill.get(name)
                if name == "owers":
                    continue
                if value is None:
                    if name in REQUIRED:
                        cells.fail(name, None, f"is missing (line {line})")
                    values[name] = ""
                elif not isinstance(value, str):
                    cells.fail(name, value, f"must be a string or a number (line {line})")
                    values[name] = ""
                else:
                    values[name] = value
            owers = bill.get("owers")
            if not isinstance(owers, list) or not all(isinstance(o, str) for o in owers):
                cells.fail("owers", owers, f"must be a list of names (line {line})")
                owers = []
            yield from self.bill(
                cells,
                what=values["what"],
                bill_type=values["bill_type"],
                amount=values["amount"],
                currency=values["currency"],
                date=values["date"],
                payer=values["payer_name"],
                payer_weight=values["payer_weight"],
                owers=owers,
            )


class IhatemoneyCsvParser(_Bills):
    format: ClassVar[str] = "ihatemoney-csv"

    def _header(self, row: list[str]) -> dict[str, int] | Problem:
        index = {header_key(c): i for i, c in enumerate(row)}
        missing = [c for c in REQUIRED if c not in index]
        if missing:
            return Problem(
                tuple(
                    FieldError(("row", 1, c), "this column is missing from the header")
                    for c in missing
                )
            )
        return index

    def prescan(self, text: TextIO) -> None:
        index: dict[str, int] = {}
        for number, row in csv_rows(text):
            if number == 1:
                header = self._header(row)
                if isinstance(header, Problem):
                    return
                index = header
                continue
            if len(row) > max(index["payer_name"], index.get("payer_weight", 0)):
                weight = row[index["payer_weight"]] if "payer_weight" in index else "1"
                self.learn(row[index["payer_name"]], weight)

    def items(self, text: TextIO) -> Iterator[Item]:
        index: dict[str, int] = {}
        width = 0
        for number, row in csv_rows(text):
            if number == 1:
                header = self._header(row)
                if isinstance(header, Problem):
                    yield header
                    return
                index, width = header, len(row)
                continue
            if not any(c.strip() for c in row):
                continue
            if len(row) != width:
                yield Problem(
                    (FieldError(("row", number), f"has {len(row)} cells; the header has {width}"),)
                )
                continue

            def cell(name: str, row: list[str] = row, index: dict[str, int] = index) -> str:
                i = index.get(name)
                return row[i] if i is not None else ""

            if cell("what") in (MARKER, "categoryname"):  # a Cospend file read as this
                yield Skipped(number, "a Cospend marker row")
                continue
            yield from self.bill(
                Cells(number),
                what=cell("what"),
                bill_type=cell("bill_type"),
                amount=cell("amount"),
                currency=cell("currency"),
                date=cell("date"),
                payer=cell("payer_name"),
                payer_weight=cell("payer_weight"),
                owers=split_owers(cell("owers")),
            )


__all__ = ["IhatemoneyCsvParser", "IhatemoneyJsonParser", "split_owers"]
