"""Splitwise's "Export as spreadsheet" CSV, group and friend exports: reader and words.

The file, as Splitwise writes it::

    Note: does not include group expenses          <- friend (1:1) exports only, then a
                                                      blank line: the header is on line 3
    Date,Description,Category,Cost,Currency,Ann,Bob,Carol
                                                   <- often a blank line
    2023-09-01,Rent,Rent,1680.00,EUR,-560.00,-560.00,1120.00
    2023-09-03,Bob paid Carol,Payment,100.00,EUR,0.00,100.00,-100.00
    ,,,,,,,                                        <- separators may be all-empty cells
                                                   <- a blank line
    2023-09-30,Total balance, , ,EUR,-560.00,-460.00,1020.00    <- one per currency

The first five columns are positional; their header words, the payment category and the
``Total balance`` label follow the user's language (:data:`WORDS`, which the Splitwise-style
export of :mod:`pennywise_core.exports` writes in English). Lines end in LF or CRLF, the
last one may have none, a BOM may lead. Blank lines and all-empty rows are skipped anywhere.

Each member cell is that member's *net* for the row, paid minus owed (blank is 0), so the
cells of a row add up to zero. Rebuilding a row: the nets say who is owed (positive) and who
owes (negative), not what each payer paid, so the row becomes the transaction that has
exactly those nets and costs ``Cost``: the negative members owe their net; what is left of
the cost (``Cost − Σ positive nets``) is what the payers owe themselves, shared equally
among them; each payer paid their net plus their part of that. With one payer this is
exact — ``2023-09-01,Rent,Rent,1680,EUR,-560,-560,1120`` is 1680 paid by the third member,
who owes 560, the other two 560 each (not a 1120 bill). With several payers (several
positive cells) the balances are exact and the split between the payers is a choice the
file leaves open. A ``Payment`` row (localized) with one payer and one receiver of the whole
cost is a transfer. A negative cost is money received (income), rebuilt the same way with
the signs turned.

* **Someone paid only for themselves**: every member cell 0, the cost not. It moves no
  balance and the file does not say who; it is kept as an expense paid and owed in equal
  exact parts by every member column (so no balance moves, to the cent), with a note
  saying so.
* **Cost 0** with every cell 0 (Splitwise's "Settle all balances" marker) is skipped; cost 0
  with non-zero cells is an impossible row and refused as such.
* **A row with a blank Cost is never an expense.** It is a ``Total balance`` row: each
  member's balance in its currency. It is a *check*: the member cells of the rows above in
  that currency must add up to it, else the file is refused at that row, naming the member,
  the currency and the difference. So after the import each member's balance moves by
  exactly what the footer says (into an empty group: equals it). The report's warnings say
  which footers were checked, or that the file had none.
* **Two members may share a name** (two columns ``Alex``): the columns stay two people.
  The first is ``Alex``, the next ``Alex (2)``, ``Alex (3)``…, each matched to a member of
  the group by that name (or by ``member_map``) or added as a placeholder; a warning says
  so.
* Descriptions are kept as written (commas, quotes, any Unicode, trailing spaces); the
  import key uses the stripped text, so a re-import adds nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar, TextIO

from sqlalchemy.ext.asyncio import AsyncSession

from pennywise_core.errors import FieldError
from pennywise_core.models import Group, Member, SplitMode, TransactionKind
from pennywise_core.money import Currency, allocate, format_amount

from ._common import (
    MAX_DESCRIPTION,
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
    header_key,
    notes,
)
from ._export import CsvBuffer, transactions_of


@dataclass(frozen=True, slots=True)
class Words:
    """What Splitwise writes in one language: the five fixed column headers, the footer's
    label and the payment category."""

    language: str
    header: str
    """The five fixed columns, comma-separated."""
    total: str
    payment: str

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(self.header.split(","))


WORDS: tuple[Words, ...] = (
    Words("en", "Date,Description,Category,Cost,Currency", "Total balance", "Payment"),
    Words("de", "Datum,Beschreibung,Kategorie,Kosten,Währung", "Gesamtbilanz", "Zahlung"),
    Words("es", "Fecha,Descripción,Categoría,Coste,Moneda", "Saldo total", "Pago"),
    Words("pt", "Data,Descrição,Categoria,Custo,Moeda", "Saldo total", "Pagamento"),
    Words("pl", "Data,Opis,Kategoria,Koszt,Waluta", "Całkowite saldo", "Płatność"),
    Words("fr", "Date,Description,Catégorie,Coût,Devise", "Solde total", "Paiement"),
    Words("it", "Data,Descrizione,Categoria,Costo,Valuta", "Saldo totale", "Pagamento"),
    Words("nl", "Datum,Omschrijving,Categorie,Kosten,Valuta", "Totaal saldo", "Betaling"),
    Words("sv", "Datum,Beskrivning,Kategori,Kostnad,Valuta", "Totalt saldo", "Betalning"),
)
"""Splitwise's words by language; the first is what our Splitwise-style export writes.

Seen in real exports: English, German and Spanish (all three words), Portuguese (header,
payment), Polish (header, footer). The others are Splitwise's app wording as best known.
A wrong or missing word costs little: the header words are only a hint (the columns are
positional), a footer is told by its blank Cost (an unknown label is a warning), and a
payment whose word is unknown becomes an expense of one payer and one ower, with the same
balances."""

ENGLISH = WORDS[0]
FRIEND_NOTE = "Note: does not include group expenses"
"""The first line of a friend (1:1) export; a blank line follows, then the header."""

_HEADERS = frozenset(tuple(header_key(w) for w in words.columns) for words in WORDS)
_TOTALS = frozenset(words.total.casefold() for words in WORDS)
_PAYMENTS = frozenset(words.payment.casefold() for words in WORDS)


def is_payment(category_text: str) -> bool:
    return category_text.strip().casefold() in _PAYMENTS


def is_total_label(description: str) -> bool:
    return description.strip().casefold() in _TOTALS


def _filled(row: Sequence[str]) -> int:
    return sum(1 for c in row if c.strip())


def _is_preamble(row: Sequence[str]) -> bool:
    """A line before the header: the friend export's note (or a title someone added)."""
    return len(row) < 6 and _filled(row) == 1


def sniff(rows: Sequence[Sequence[str]]) -> bool:
    """Whether the first non-blank CSV rows of a file are a Splitwise export (for detection).

    Preamble lines are passed over; then the header's first five words in any language of
    :data:`WORDS`, or a first row shaped like a Splitwise row, tell it.
    """
    body = list(rows)
    while body and _is_preamble(body[0]):
        body.pop(0)
    if not body or len(body[0]) < 6:
        return False
    if tuple(header_key(c.lstrip("'")) for c in body[0][:5]) in _HEADERS:
        return True
    return len(body) > 1 and _looks_like_row(body[1])


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_CODE = re.compile(r"[A-Z]{3}")
_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def _looks_like_row(row: Sequence[str]) -> bool:
    """Date, description, category, cost, currency, then signed amounts."""
    cells = [c.strip() for c in row]
    return (
        len(cells) >= 6
        and bool(_ISO_DATE.fullmatch(cells[0]))
        and bool(_NUMBER.fullmatch(cells[3]))
        and bool(_CODE.fullmatch(cells[4]))
        and all(_NUMBER.fullmatch(c) for c in cells[5:] if c)
    )


class SplitwiseCsvParser(BaseParser):
    format: ClassVar[str] = "splitwise-csv"
    columns: ClassVar[Columns] = Columns(
        amount="Cost", paid_by="members", split="members", currency="Currency"
    )

    def items(self, text: TextIO) -> Iterator[Item]:
        keys = KeyMaker("splitwise")
        header: list[str] | None = None
        names: list[str] = []
        totals: dict[str, list[int]] = {}
        currencies: dict[str, Currency] = {}
        bad_rows = 0
        footers = 0
        for number, row in csv_rows(text):
            if not any(c.strip() for c in row):
                continue  # blank lines and all-empty separator rows, anywhere
            if header is None:
                if _is_preamble(row):
                    continue
                header = [c.strip() for c in row]
                problem = self._header(number, row, names)
                if problem is not None:
                    yield problem
                    return
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
            if not row[3].strip():
                footers += 1
                if bad_rows:  # the sums are incomplete; the bad rows are reported already
                    self.context.warn(
                        "the Total balance rows were not checked: some rows above them are bad"
                    )
                    continue
                problem = self._check_total(number, row, header, names, totals, currencies)
                if problem is not None:
                    yield problem
                continue
            item = self._row(number, row, header, names, keys, totals, currencies)
            if isinstance(item, Problem):
                bad_rows += 1
            yield item
        if header is None:
            yield Problem(
                (
                    FieldError(
                        ("row", 1, "header"),
                        "the file has no header: expected Date,Description,Category,Cost,"
                        "Currency and then one column per member",
                    ),
                )
            )
        elif not footers and not bad_rows:
            self.context.warn(
                "the file has no Total balance row, so the balances were not checked "
                "against what Splitwise showed"
            )

    def _header(self, number: int, row: list[str], names: list[str]) -> Problem | None:
        cells = Cells(number)
        if len(row) < 6:
            cells.fail(
                "header",
                ",".join(row),
                "expected Date,Description,Category,Cost,Currency and then one column per member",
            )
            return Problem(tuple(cells.errors))
        taken: set[str] = set()
        for column, cell in enumerate(row[5:], start=6):
            name = cells.name(cell.strip() or f"column {column}", cell)
            if name is None:
                continue
            ref = name
            if ref.casefold() in taken:
                n = 2
                while f"{name} ({n})".casefold() in taken:
                    n += 1
                ref = f"{name} ({n})"
                self.context.warn(
                    f"two columns are named {name}: column {column} is read as {ref}, "
                    "another person (map it with member_map if they are a member here)"
                )
            taken.add(ref.casefold())
            names.append(ref)
        return Problem(tuple(cells.errors)) if cells.errors else None

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
        description = _description(cells, header[1] or "Description", row[1])
        currency = cells.currency(header[4] or "Currency", row[4])
        cost = cells.amount(header[3] or "Cost", row[3], currency, signed=True)
        nets: list[int] = []
        for name, cell in zip(names, row[5:], strict=True):
            value = cells.amount(name, cell.strip() or "0", currency, signed=True)
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
                cells.fail(
                    header[3] or "Cost",
                    row[3],
                    "is 0 but the member cells are not: an impossible row (nothing was "
                    "spent, yet balances move)",
                )
                return Problem(tuple(cells.errors))
            return Skipped(number, "the cost is 0")
        built = _rebuild(cost, nets, names, currency, is_payment=is_payment(row[2]))
        if isinstance(built, str):
            cells.fail(header[3] or "Cost", row[3], built)
            return Problem(tuple(cells.errors))
        kind, paid_by, split_mode, split, note = built
        cat = category(row[2])
        text, full = description
        key = keys.content(
            day,
            (
                _key_text(text),
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
            description=text,
            amount=abs(cost),
            currency=currency,
            date=day,
            paid_by=paid_by,
            split_mode=split_mode,
            split=split,
            category=cat,
            notes=notes(full, note),
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
        """A row with a blank Cost: the members' balances per currency, checked."""
        cells = Cells(number)
        code = row[4].strip()
        if not code:
            if len(currencies) > 1:
                cells.fail(
                    header[4] or "Currency",
                    row[4],
                    "the Total balance row names no currency and the file has several",
                )
                return Problem(tuple(cells.errors))
            code = next(iter(currencies), self.context.group_currency)
        currency = cells.currency(header[4] or "Currency", code)
        if currency is None:
            return Problem(tuple(cells.errors))
        code = currency.code
        sums = totals.get(code, [0] * len(names))
        for i, (name, cell) in enumerate(zip(names, row[5:], strict=True)):
            given = cells.amount(name, cell.strip() or "0", currency, signed=True)
            if given is not None and given != sums[i]:
                cells.fail(
                    name,
                    cell,
                    f"the Total balance of {name} in {code} is {format_amount(given, code)}, "
                    f"but the rows above add up to {format_amount(sums[i], code)} {code}: "
                    f"a difference of {format_amount(given - sums[i], code)} {code}; the file "
                    "is incomplete or was edited",
                )
        if cells.errors:
            return Problem(tuple(cells.errors))
        label = row[1].strip()
        if not is_total_label(label):
            self.context.warn(
                f"row {number} has no cost, so it is read as a Total balance row (checked, "
                f"not imported), though its description is {label!r}"
            )
        self.context.warn(
            f"row {number}: the Total balance in {code} matches the rows for all "
            f"{len(names)} members"
        )
        return None


def _description(cells: Cells, column: str, text: str) -> tuple[str, str | None] | None:
    """The description as written (trailing spaces too); the full text as a note when
    it had to be shortened."""
    if not text.strip():
        cells.fail(column, text, "must not be empty")
        return None
    if len(text) > MAX_DESCRIPTION:
        return text[: MAX_DESCRIPTION - 1] + "…", text
    return text, None


def _key_text(description: str) -> str:
    """The description as the import key has always seen it: stripped, then shortened."""
    value = description.strip()
    if len(value) > MAX_DESCRIPTION:
        return value[: MAX_DESCRIPTION - 1] + "…"
    return value


_SELF_PAID = (
    "Splitwise export: this row moves nobody's balance (someone paid only for themselves) "
    "and the file does not say who; recorded as paid and owed equally by every member"
)


def _rebuild(
    cost: int, nets: list[int], names: list[str], currency: Currency, *, is_payment: bool
) -> (
    tuple[
        TransactionKind,
        list[tuple[str, str | None]],
        SplitMode,
        list[tuple[str, str | None]],
        str | None,
    ]
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
            None,
        )
    if not payers:
        # All nets zero: paid and owed alike, in the same exact parts; no balance moves.
        equal = allocate(total, [1] * len(names))
        parts: list[tuple[str, str | None]] = [
            (n, money(p)) for n, p in zip(names, equal, strict=True) if p
        ]
        return kind, parts, SplitMode.EXACT, parts, _SELF_PAID
    own = allocate(total - owed_to_payers, [1] * len(payers))
    paid_by: list[tuple[str, str | None]] = [
        (name, money(v + o)) for (name, v), o in zip(payers, own, strict=True)
    ]
    owes = dict(owers)
    owes.update((name, o) for (name, _), o in zip(payers, own, strict=True) if o)
    split: list[tuple[str, str | None]] = [
        (name, money(owes[name])) for name in names if owes.get(name)
    ]
    return kind, paid_by, SplitMode.EXACT, split, None


__all__ = [
    "ENGLISH",
    "FRIEND_NOTE",
    "WORDS",
    "SplitwiseCsvParser",
    "Words",
    "is_payment",
    "is_total_label",
    "sniff",
]


# --- the writer (pennywise_core.exports picks it) --------------------------------------------


async def write_csv(
    session: AsyncSession, group: Group, members: Sequence[Member]
) -> AsyncIterator[str]:
    column = {m.id: i for i, m in enumerate(members)}
    out = CsvBuffer()
    out.row((*ENGLISH.columns, *(m.display_name for m in members)))
    totals: dict[str, list[int]] = {}
    async for tx in transactions_of(session, group.id, include_deleted=False):
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
