"""Splitwise group CSV ("Export as spreadsheet").

``Date,Description,Category,Cost,Currency,<member 1>,<member 2>,…``: the first five
columns are positional (their header words follow the user's language: ``Datum,
Beschreibung,Kategorie,Kosten,Währung``, ``Date,Description,Catégorie,Coût,Devise``, …);
each member cell is that member's *net* for the row, what they paid minus what they owe,
so the cells of a row add up to zero. After an empty line, a last row with no date
(``Total balance``) holds each member's balance: it is checked against the sums of the
rows, per currency, and a mismatch is an error (the file is cut or was edited).

Reconstructing a row. The nets say who is owed (positive) and who owes (negative), not
what each payer paid, so the row is rebuilt as the expense that has exactly those nets and
costs ``Cost``: the negative members owe their net; what is left of the cost after them
(``Cost − Σ positive nets``) is what the payers owe themselves, shared equally among them;
each payer paid their net plus that. With one payer this is exact —
``2023-09-01,Rent,Rent,1680,EUR,-560,-560,1120`` is 1680 paid by the third member, who
owes 560, the other two 560 each (not a 1120 bill). A row whose category is ``Payment``
with one payer and one receiver of the whole cost is a transfer. A negative cost is money
received (income), rebuilt the same way with the signs turned. A row whose nets are all
zero (someone paid only for themselves, and the file does not say who) is recorded as
paid and owed equally by every member, which moves no balance.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar, TextIO

from pennywise_core.errors import FieldError
from pennywise_core.models import SplitMode, TransactionKind
from pennywise_core.money import Currency, allocate, format_amount

from ._common import (
    BaseParser,
    Cells,
    Columns,
    Item,
    KeyMaker,
    Problem,
    Record,
    Skipped,
    category,
    csv_rows,
    notes,
)

PAYMENT_CATEGORIES = frozenset(
    {"payment", "zahlung", "paiement", "pago", "pagamento", "betaling", "betalning", "płatność"}
)


class SplitwiseCsvParser(BaseParser):
    format: ClassVar[str] = "splitwise-csv"
    columns: ClassVar[Columns] = Columns(
        amount="Cost", paid_by="members", split="members", currency="Currency"
    )

    def items(self, text: TextIO) -> Iterator[Item]:
        keys = KeyMaker("splitwise")
        names: list[str] = []
        header: list[str] = []
        totals: dict[str, list[int]] = {}
        currencies: dict[str, Currency] = {}
        bad_rows = 0
        for number, row in csv_rows(text):
            if number == 1:
                header = [c.strip() for c in row]
                cells = Cells(1)
                if len(header) < 6:
                    cells.fail(
                        "header",
                        ",".join(row),
                        "expected Date,Description,Category,Cost,Currency and then one "
                        "column per member",
                    )
                seen: set[str] = set()
                for cell in header[5:]:
                    name = cells.name(cell or "member", cell)
                    if name is not None and name.casefold() in seen:
                        cells.fail(name, cell, "two columns have this member name")
                    if name is not None:
                        seen.add(name.casefold())
                        names.append(name)
                if cells.errors:
                    yield Problem(tuple(cells.errors))
                    return
                continue
            if not any(c.strip() for c in row):
                continue
            if len(row) != len(header):
                bad_rows += 1
                yield Problem(
                    (
                        FieldError(
                            ("row", number),
                            f"has {len(row)} cells; the header has {len(header)}",
                        ),
                    )
                )
                continue
            if not row[0].strip():
                if bad_rows:
                    continue  # the sums are incomplete; the bad rows are reported already
                problem = self._check_total(number, row, header, names, totals, currencies)
                if problem is not None:
                    yield problem
                continue
            item = self._row(number, row, header, names, keys, totals, currencies)
            if isinstance(item, Problem):
                bad_rows += 1
            yield item

    def _row(
        self,
        number: int,
        row: list[str],
        header: list[str],
        names: list[str],
        keys: KeyMaker,
        totals: dict[str, list[int]],
        currencies: dict[str, Currency],
    ) -> Item:
        cells = Cells(number)
        day = cells.iso_date(header[0] or "Date", row[0])
        description = cells.description(header[1] or "Description", row[1])
        currency = cells.currency(header[4] or "Currency", row[4])
        cost = cells.amount(header[3] or "Cost", row[3], currency, signed=True)
        nets: list[int] = []
        for name, cell in zip(names, row[5:], strict=True):
            value = cells.amount(name, cell or "0", currency, signed=True)
            nets.append(value or 0)
        if cells.errors or day is None or description is None or currency is None or cost is None:
            return Problem(tuple(cells.errors))
        if sum(nets):
            cells.fail(
                header[3] or "Cost",
                row[3],
                f"the member cells add up to {format_amount(sum(nets), currency)}, not 0",
            )
            return Problem(tuple(cells.errors))
        code = currency.code
        currencies[code] = currency
        sums = totals.setdefault(code, [0] * len(names))
        for i, net in enumerate(nets):
            sums[i] += net
        if cost == 0:
            if any(nets):
                cells.fail(header[3] or "Cost", row[3], "is 0 but the member cells are not")
                return Problem(tuple(cells.errors))
            return Skipped(number, "the cost is 0")
        built = _rebuild(cost, nets, names, currency, is_payment=_is_payment(row[2]))
        if isinstance(built, str):
            cells.fail(header[3] or "Cost", row[3], built)
            return Problem(tuple(cells.errors))
        kind, paid_by, split_mode, split = built
        cat = category(row[2])
        key = keys.content(
            day,
            (
                description[0],
                (cat or "").casefold(),
                str(cost),
                code,
                ";".join(
                    sorted(f"{n.casefold()}={v}" for n, v in zip(names, nets, strict=True) if v)
                ),
            ),
        )
        return Record(
            row=number,
            key=key,
            kind=kind,
            description=description[0],
            amount=abs(cost),
            currency=currency,
            date=day,
            paid_by=paid_by,
            split_mode=split_mode,
            split=split,
            category=cat,
            notes=notes(description[1]),
        )

    def _check_total(
        self,
        number: int,
        row: list[str],
        header: list[str],
        names: list[str],
        totals: dict[str, list[int]],
        currencies: dict[str, Currency],
    ) -> Problem | None:
        cells = Cells(number)
        code = row[4].strip()
        if not code:
            if len(currencies) > 1:
                cells.fail(
                    header[4] or "Currency",
                    row[4],
                    "the total row names no currency and the file has several",
                )
                return Problem(tuple(cells.errors))
            code = next(iter(currencies), self.context.group_currency)
        currency = cells.currency(header[4] or "Currency", code)
        if currency is None:
            return Problem(tuple(cells.errors))
        sums = totals.get(currency.code, [0] * len(names))
        for i, (name, cell) in enumerate(zip(names, row[5:], strict=True)):
            given = cells.amount(name, cell or "0", currency, signed=True)
            if given is not None and given != sums[i]:
                cells.fail(
                    name,
                    cell,
                    f"the total balance of {name} does not match the rows above, which add "
                    f"up to {format_amount(sums[i], currency)} {currency.code}; "
                    "the file is incomplete or was edited",
                )
        return Problem(tuple(cells.errors)) if cells.errors else None


def _is_payment(text: str) -> bool:
    return text.strip().casefold() in PAYMENT_CATEGORIES


def _rebuild(
    cost: int, nets: list[int], names: list[str], currency: Currency, *, is_payment: bool
) -> (
    tuple[TransactionKind, list[tuple[str, str | None]], SplitMode, list[tuple[str, str | None]]]
    | str
):
    """The transaction with exactly these nets and this cost (see the module docstring)."""
    sign = 1 if cost > 0 else -1
    total = abs(cost)
    flipped = [sign * n for n in nets]
    payers = [(names[i], v) for i, v in enumerate(flipped) if v > 0]
    owers = [(names[i], -v) for i, v in enumerate(flipped) if v < 0]
    owed_to_payers = sum(v for _, v in payers)
    if owed_to_payers > total:
        return (
            f"the members are owed {format_amount(owed_to_payers, currency)} in all, "
            f"more than the cost"
        )
    kind = TransactionKind.EXPENSE if sign > 0 else TransactionKind.INCOME

    def money(value: int) -> str:
        return format_amount(value, currency)

    if is_payment and sign > 0 and len(payers) == 1 and len(owers) == 1 and owed_to_payers == total:
        return (
            TransactionKind.TRANSFER,
            [(payers[0][0], None)],
            SplitMode.EQUAL,
            [(owers[0][0], None)],
        )
    if not payers:
        # All nets zero: paid and owed alike by everyone; no balance moves.
        parts = allocate(total, [1] * len(names))
        return (
            kind,
            [(n, money(p)) for n, p in zip(names, parts, strict=True) if p],
            SplitMode.EQUAL,
            [(n, None) for n in names],
        )
    own = allocate(total - owed_to_payers, [1] * len(payers))
    paid_by: list[tuple[str, str | None]] = [
        (name, money(v + o)) for (name, v), o in zip(payers, own, strict=True)
    ]
    owes = dict(owers)
    owes.update((name, o) for (name, _), o in zip(payers, own, strict=True) if o)
    split: list[tuple[str, str | None]] = [
        (name, money(owes[name])) for name in names if owes.get(name)
    ]
    return kind, paid_by, SplitMode.EXACT, split


__all__ = ["SplitwiseCsvParser"]
