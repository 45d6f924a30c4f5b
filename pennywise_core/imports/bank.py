"""A bank's CSV, read through a column mapping the user gives (:class:`BankMapping`).

Any delimiter and header; the date column with its ``strptime`` format; the description;
either one signed amount column or a debit/credit pair; a fixed currency or a currency
column; an optional category column; decimal comma or point, with an optional thousands
separator; a few lines to skip above the header. Every row goes to the one group, paid by
one member (default: the importing user) and split by one rule (default: equally among
all current members, which in a personal ledger is just you).

Money out (a negative amount, or a debit) is an expense the member paid; money in (a
positive amount, or a credit) is income the member received, split by the same rule.
A row with a zero amount is skipped. The import key is the bank's own reference when the
mapping names one (``id_column``), otherwise the row's date, description, amount and
currency plus its occurrence among identical rows: re-running the same file adds nothing.

Columns are named by their header text (case-insensitive) or by 0-based position.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import ClassVar, TextIO

from pennywise_core.bank_mapping import FIELD, BankMapping
from pennywise_core.errors import FieldError, ValidationError
from pennywise_core.models import SplitMode, TransactionKind
from pennywise_core.money import Currency, get_currency

from ._common import (
    MEMBER_REF,
    BaseParser,
    Cells,
    Columns,
    Item,
    KeyMaker,
    Problem,
    Record,
    Skipped,
    canonical_decimal,
    category,
    csv_rows,
    header_key,
    notes,
)


def _person_ref(person: str) -> str:
    """How rows name a member the mapping gives: by id when the text is one, else by name."""
    try:
        return MEMBER_REF + str(uuid.UUID(person))
    except ValueError:
        return person.strip()


class BankCsvParser(BaseParser):
    format: ClassVar[str] = "bank-csv"
    columns: ClassVar[Columns] = Columns(paid_by="paid_by", split="split")

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self.mapping.encoding

    @property
    def mapping(self) -> BankMapping:
        mapping = self.options.bank
        if not isinstance(mapping, BankMapping):
            raise ValidationError.at(FIELD, "the bank-csv format needs a BankMapping")
        return mapping

    def items(self, text: TextIO) -> Iterator[Item]:
        mapping = self.mapping
        mapping.check()
        for _ in range(mapping.skip_lines):
            text.readline()
        keys = KeyMaker("bank")
        payer = (
            _person_ref(mapping.paid_by) if mapping.paid_by is not None else self.context.actor_ref
        )
        split_mode, split = self._split(mapping)
        fixed = get_currency(mapping.currency or self.context.group_currency)
        header: list[str] = []
        positions: dict[str, int] = {}
        for number, row in csv_rows(text, delimiter=mapping.delimiter):
            number += mapping.skip_lines
            if not header:
                header = row
                found = self._positions(
                    mapping, header, {header_key(c): i for i, c in enumerate(row)}
                )
                if isinstance(found, Problem):
                    yield found
                    return
                positions = found
                continue
            if not any(c.strip() for c in row):
                continue
            yield self._row(
                number, row, header, positions, mapping, fixed, keys, payer, split_mode, split
            )

    @staticmethod
    def _split(mapping: BankMapping) -> tuple[SplitMode, list[tuple[str, str | None]] | None]:
        if mapping.split is None:
            return SplitMode.EQUAL, None
        if isinstance(mapping.split, Mapping):
            return SplitMode.SHARES, [
                (_person_ref(p), canonical_decimal(Decimal(str(w))))
                for p, w in mapping.split.items()
            ]
        return SplitMode.EQUAL, [(_person_ref(p), None) for p in mapping.split]

    @staticmethod
    def _positions(
        mapping: BankMapping, header: list[str], index: dict[str, int]
    ) -> dict[str, int] | Problem:
        positions: dict[str, int] = {}
        errors = []
        for field in (
            "date",
            "description",
            "amount",
            "debit",
            "credit",
            "currency_column",
            "category",
            "id_column",
        ):
            column = getattr(mapping, field)
            if column is None:
                continue
            if isinstance(column, int):
                if 0 <= column < len(header):
                    positions[field] = column
                    continue
            elif header_key(column) in index:
                positions[field] = index[header_key(column)]
                continue
            errors.append(
                FieldError(
                    (FIELD, field),
                    f"column {column!r} is not in the file; its columns are "
                    + ", ".join(repr(h) for h in header),
                )
            )
        return Problem(tuple(errors)) if errors else positions

    def _row(
        self,
        number: int,
        row: list[str],
        header: list[str],
        positions: dict[str, int],
        mapping: BankMapping,
        fixed: Currency,
        keys: KeyMaker,
        payer: str,
        split_mode: SplitMode,
        split: list[tuple[str, str | None]] | None,
    ) -> Item:
        cells = Cells(number)

        def cell(field: str) -> str:
            i = positions.get(field)
            return row[i] if i is not None and i < len(row) else ""

        def name(field: str) -> str:
            return header[positions[field]] if positions[field] < len(header) else field

        day = cells.date(name("date"), cell("date"), mapping.date_format)
        description = cells.description(name("description"), cell("description"))
        currency: Currency | None = fixed
        if "currency_column" in positions:
            currency = cells.currency(name("currency_column"), cell("currency_column"))
        signed = 0
        if "amount" in positions:
            value = self._amount(cells, name("amount"), cell("amount"), currency)
            if value is not None:
                signed = value if mapping.negative_is_expense else -value
        else:
            for field, sign in (("debit", -1), ("credit", 1)):
                if field in positions and cell(field).strip():
                    value = self._amount(cells, name(field), cell(field), currency)
                    if value is not None:
                        signed += sign * abs(value)
        if cells.errors or day is None or description is None or currency is None:
            return Problem(tuple(cells.errors))
        if signed == 0:
            return Skipped(number, "the amount is 0")
        reference = cell("id_column").strip() if "id_column" in positions else ""
        key = (
            keys.stable(reference)
            if reference
            else keys.content(day, (description[0], str(signed), currency.code))
        )
        shared: list[tuple[str, str | None]] = (
            split if split is not None else [(ref, None) for ref in self.context.default_members]
        )
        return Record(
            row=number,
            key=key,
            kind=TransactionKind.EXPENSE if signed < 0 else TransactionKind.INCOME,
            description=description[0],
            amount=abs(signed),
            currency=currency,
            date=day,
            paid_by=[(payer, None)],
            split_mode=split_mode,
            split=shared,
            category=category(cell("category")) if "category" in positions else None,
            notes=notes(description[1]),
        )

    def _amount(
        self, cells: Cells, column: str, text: str, currency: Currency | None
    ) -> int | None:
        mapping = self.mapping
        value = text.strip().replace("\u00a0", "").replace("\u202f", "")
        if mapping.thousands:
            value = value.replace(mapping.thousands, "")
        if mapping.decimal == ",":
            value = value.replace(",", ".")
        negative = False
        if value.startswith("+"):
            value = value[1:]
        if value.endswith("-"):  # "12.34-", as some banks write a debit
            value, negative = value[:-1], True
        if value.startswith("(") and value.endswith(")"):  # accounting style
            value, negative = value[1:-1], True
        if negative:
            value = "-" + value
        if not value:
            cells.fail(column, text, "is empty")
            return None
        before = len(cells.errors)
        result = cells.amount(column, value, currency, signed=True)
        if result is None and len(cells.errors) > before:
            error = cells.errors[-1]
            cells.errors[-1] = FieldError(error.loc, error.msg.replace(repr(value), repr(text), 1))
        return result


__all__ = ["BankCsvParser", "BankMapping"]
