"""Spliit group exports, JSON and CSV.

JSON: ``{"id", "name", "currency", "currencyCode", "expenses": [...], "participants":
[{"id", "name"}], …}`` — Spliit writes ``expenses`` *before* ``participants``, so the file
is read twice (a prescan for the participants and the currency). An expense:
``{"id", "expenseDate", "title", "category": {"grouping", "name"}, "amount",
"originalAmount", "originalCurrency", "conversionRate", "paidById", "paidFor":
[{"participantId", "shares"}], "isReimbursement", "splitMode", "notes"}``, ``amount`` in
minor units. ``splitMode``: ``EVENLY``, ``BY_SHARES`` (shares × 100), ``BY_PERCENTAGE``
(basis points adding up to 10000) or ``BY_AMOUNT`` (minor units adding up to the amount).
A negative amount is money received (income); a reimbursement is a transfer. The import
key is the expense's id, so an expense edited in Spliit is not imported twice.

Recurring expenses (``recurrenceRule`` ``DAILY``, ``WEEKLY`` or ``MONTHLY``) become a
recurring rule (:mod:`._recurrence`). Spliit creates each next occurrence itself, when it
falls due, as a copy of the latest one: the copy gets a new id and its own date, and keeps
everything else, ``createdAt`` included. The export carries no ``recurringExpenseLink``
(its ``select`` leaves the links out), so a series is told by what its expenses share: the
``createdAt`` and the title (the title as well, because expenses that Spliit created in one
batch share a ``createdAt``). The latest expense of a series says how it goes on: the one
whose recurrence was switched off (``NONE``) has ended the series. An expense without a
``createdAt`` keeps its recurrence in the notes instead (``kept_in_notes``).

CSV (UTF-8 with a BOM): ``Date,Description,Category,Currency,Cost,Original cost,Original
currency,Conversion rate,Is Reimbursement,Split mode,<participant…>`` (older versions lack
the three "original" columns). A participant cell is that participant's share of the cost,
positive for the payer and negative for everyone else; the payer is therefore the one
positive cell. The split is rebuilt from the shares: equal for "Evenly", the amounts for
"By amount", and the amounts as weights for shares and percentages (the CSV rounds them).
Spliit's CSV writes the currency *symbol* (``€``): the currency is then
``ImportOptions.currency`` or the group's, with a warning. The CSV does not say who paid a
reimbursement (the payer has no share): in a two-person group it is the other one,
otherwise the row is refused — import the JSON export instead.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, ClassVar, TextIO

from pennywise_core.errors import FieldError, ValidationError
from pennywise_core.models import SplitMode, TransactionKind
from pennywise_core.money import (
    MAX_MINOR_UNITS,
    Currency,
    format_amount,
    get_currency,
    parse_amount,
)
from pennywise_core.rates import convert_amount, format_rate, parse_rate
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
    bad,
    canonical_decimal,
    category,
    csv_rows,
    header_key,
    notes,
)
from ._currency import named
from ._source import iter_json

_INT = re.compile(r"-?[0-9]{1,16}")
_MODES = {
    "EVENLY": SplitMode.EQUAL,
    "BY_SHARES": SplitMode.SHARES,
    "BY_PERCENTAGE": SplitMode.PERCENT,
    "BY_AMOUNT": SplitMode.EXACT,
}


_RECURRENCE = {
    "DAILY": Frequency.DAILY,
    "WEEKLY": Frequency.WEEKLY,
    "MONTHLY": Frequency.MONTHLY,
}
KEPT_RECURRENCE = "recurrenceRule"
KEPT_ORIGINAL = "originalAmount, originalCurrency, conversionRate"
KEPT_ORIGINAL_CSV = "Original cost, Original currency, Conversion rate"


def _currency(parser: BaseParser, code: object, symbol: object) -> Currency:
    """``currencyCode``, else the group's symbol when it names one currency (``"€"``)."""
    return named(
        (code, symbol),
        override=parser.context.currency,
        fallback=parser.context.group_currency,
        warn=parser.context.warn,
        source="the group's currency",
    )


class SpliitJsonParser(BaseParser):
    format: ClassVar[str] = "spliit-json"
    needs_prescan: ClassVar[bool] = True
    columns: ClassVar[Columns] = Columns(
        amount="amount",
        paid_by="paidById",
        split="paidFor",
        currency="currencyCode",
        recurrence="recurrenceRule",
    )
    _STREAMED = frozenset({"expenses", "activities"})

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.participants: dict[str, str] = {}
        self.group_id = ""
        self.code: object = None
        self.symbol: object = None
        self.recurring: set[str] = set()
        """The series (:func:`_series`) of the expenses that repeat: a later expense of one
        that does not is the end of it."""

    def prescan(self, text: TextIO) -> None:
        for key, index, value, _line in iter_json(text, streamed=self._STREAMED):
            if index is not None:
                recurring = (
                    key == "expenses"
                    and isinstance(value, dict)
                    and value.get("recurrenceRule") in _RECURRENCE
                )
                series = _series(value) if recurring else None
                if series is not None:
                    self.recurring.add(series)
                continue
            if key == "participants" and isinstance(value, list):
                for p in value:
                    if isinstance(p, dict) and isinstance(p.get("id"), str):
                        name = p.get("name")
                        self.participants[p["id"]] = name if isinstance(name, str) else p["id"]
            elif key == "id" and isinstance(value, str):
                self.group_id = value
            elif key == "currencyCode":
                self.code = value
            elif key == "currency":
                self.symbol = value

    def items(self, text: TextIO) -> Iterator[Item]:
        currency = _currency(self, self.code, self.symbol)
        keys = KeyMaker("spliit")
        for participant_id, name in self.participants.items():
            yield MemberDecl(ref="spliit:" + participant_id, name=name.strip() or participant_id)
        seen_expenses = False
        for key, index, value, line in iter_json(text, streamed=self._STREAMED):
            if key == "expenses" and index is not None:
                seen_expenses = True
                yield self._expense(index + 1, value, line, currency, keys)
        if not seen_expenses and not self.participants:
            yield Problem((FieldError(("file",), "this is not a Spliit export: no expenses"),))

    def _expense(
        self, number: int, obj: Any, line: int, currency: Currency, keys: KeyMaker
    ) -> Item:
        if not isinstance(obj, dict):
            return Problem((bad(number, "expense", obj, f"must be an object (line {line})"),))
        cells = Cells(number)

        def fail(column: str, value: object, reason: str) -> None:
            cells.fail(column, value, f"{reason} (line {line})")

        expense_id = obj.get("id")  # older exports have none: the key is the content
        if expense_id is not None and (not isinstance(expense_id, str) or not expense_id):
            fail("id", expense_id, "must be the expense's id (a string) or left out")
        date_text = obj.get("expenseDate")
        day = cells.iso_date("expenseDate", date_text[:10]) if isinstance(date_text, str) else None
        if not isinstance(date_text, str):
            fail("expenseDate", date_text, "is missing")
        title = obj.get("title")
        description = cells.description("title", title if isinstance(title, str) else "")
        amount = self._minor(fail, "amount", obj.get("amount"))
        paid_by_id = obj.get("paidById")
        if paid_by_id is None and isinstance(obj.get("paidBy"), dict):
            paid_by_id = obj["paidBy"].get("id")
        if paid_by_id not in self.participants:
            fail("paidById", paid_by_id, "is not one of the group's participants")
        paid_for = obj.get("paidFor")
        shares: list[tuple[str, int]] = []
        if not isinstance(paid_for, list) or not paid_for:
            fail("paidFor", paid_for, "must list who the expense is for")
        else:
            for entry in paid_for:
                pid = entry.get("participantId") if isinstance(entry, dict) else None
                if (
                    pid is None
                    and isinstance(entry, dict)
                    and isinstance(entry.get("participant"), dict)
                ):
                    pid = entry["participant"].get("id")
                if pid not in self.participants:
                    fail("paidFor", pid, "is not one of the group's participants")
                    continue
                share = self._minor(fail, "paidFor", entry.get("shares", "1"))
                shares.append((pid, share or 0))
        mode_text = obj.get("splitMode", "EVENLY")
        mode = _MODES.get(mode_text) if isinstance(mode_text, str) else None
        if mode is None:
            fail("splitMode", mode_text, f"must be one of {', '.join(_MODES)}")
        reimbursement = obj.get("isReimbursement", False)
        if not isinstance(reimbursement, bool):
            fail("isReimbursement", reimbursement, "must be true or false")
        rule = obj.get("recurrenceRule")
        if rule is not None and rule != "NONE" and rule not in _RECURRENCE:
            fail("recurrenceRule", rule, f"must be NONE or one of {', '.join(_RECURRENCE)}")
        if cells.errors or day is None or description is None or amount is None or mode is None:
            return Problem(tuple(cells.errors))
        assert isinstance(paid_by_id, str)
        if amount == 0:
            return Skipped(number, "the amount is 0")
        kind = TransactionKind.EXPENSE if amount > 0 else TransactionKind.INCOME
        refs = [("spliit:" + pid, abs(s)) for pid, s in shares]
        split: list[tuple[str, str | None]]
        if reimbursement and kind is TransactionKind.EXPENSE and len(refs) == 1:
            kind, mode, split = TransactionKind.TRANSFER, SplitMode.EQUAL, [(refs[0][0], None)]
        elif mode is SplitMode.EQUAL:
            split = [(ref, None) for ref, _ in refs]
        elif mode is SplitMode.SHARES or mode is SplitMode.PERCENT:
            split = [(ref, canonical_decimal(Decimal(s) / 100)) for ref, s in refs]
        else:
            split = [(ref, format_amount(s, currency)) for ref, s in refs]
        cat = obj.get("category")
        category_name = cat.get("name") if isinstance(cat, dict) else None
        note = obj.get("notes") if isinstance(obj.get("notes"), str) else None
        kept: list[str] = []
        recurrence, repeats = None, None
        series = _series(obj)
        if isinstance(rule, str) and rule in _RECURRENCE:
            if series is not None:
                recurrence = Recurrence(series, _RECURRENCE[rule])
            else:  # no createdAt: which expenses are its series cannot be told
                repeats = f"Repeats {_RECURRENCE[rule]} in Spliit (recurrenceRule {rule})"
                kept.append(KEPT_RECURRENCE)
        elif series in self.recurring:
            recurrence = Recurrence(series, None)
        conversion = None
        if amount is not None and day is not None:
            conversion = converted(
                obj.get("originalAmount"),
                obj.get("originalCurrency"),
                obj.get("conversionRate"),
                abs(amount),
                currency,
                self.context.group_currency,
                day,
            )
        original = None if conversion else self._original(obj, currency)
        if original is not None:
            kept.append(KEPT_ORIGINAL)
        if isinstance(expense_id, str):
            key = keys.stable(self.group_id, expense_id)
        else:
            created = obj.get("createdAt")
            even = mode_text == "EVENLY"
            key = keys.content(
                day,
                (
                    self.group_id,
                    created if isinstance(created, str) else "",
                    description[0],
                    str(amount),
                    paid_by_id,
                    mode_text if isinstance(mode_text, str) else "",
                    "r" if reimbursement else "",
                    # Spliit ignores the shares of an even split: so does the key.
                    ";".join(sorted(pid if even else f"{pid}={n}" for pid, n in shares)),
                ),
            )
        return Record(
            row=number,
            key=key,
            kind=kind,
            description=description[0],
            amount=abs(amount),
            currency=currency,
            date=day,
            paid_by=[("spliit:" + paid_by_id, None)],
            split_mode=mode,
            split=split,
            category=category(category_name if isinstance(category_name, str) else None),
            notes=notes(note, original, repeats, description[1]),
            kept=tuple(kept),
            conversion=conversion,
            recurrence=recurrence,
        )

    @staticmethod
    def _minor(fail: Any, column: str, value: object) -> int | None:
        if not isinstance(value, str) or not _INT.fullmatch(value):
            fail(column, value, "must be a whole number of minor units")
            return None
        number = int(value)
        if abs(number) > MAX_MINOR_UNITS:
            fail(column, value, "is too large")
            return None
        return number

    @staticmethod
    def _original(obj: dict[str, Any], currency: Currency) -> str | None:
        """ "Originally 36.00 CHF at 1.08" for an expense converted from another currency."""
        amount, code = obj.get("originalAmount"), obj.get("originalCurrency")
        if not isinstance(amount, str) or not isinstance(code, str) or not code:
            return None
        if code == currency.code and amount == obj.get("amount"):
            return None  # not converted
        rate = obj.get("conversionRate")
        try:
            shown = format_amount(int(amount), code)
        except (ValueError, ValidationError):
            shown = amount
        return f"Originally {shown} {code}" + (f" at {rate}" if isinstance(rate, str) else "")


class SpliitCsvParser(BaseParser):
    format: ClassVar[str] = "spliit-csv"
    columns: ClassVar[Columns] = Columns(
        amount="Cost", paid_by="participants", split="participants", currency="Currency"
    )
    _FIXED = (
        "date",
        "description",
        "category",
        "currency",
        "cost",
        "is reimbursement",
        "split mode",
    )

    def items(self, text: TextIO) -> Iterator[Item]:
        keys = KeyMaker("spliit-csv")
        index: dict[str, int] = {}
        names: list[str] = []
        first_participant = 0
        currencies: dict[str, Currency] = {}
        for number, row in csv_rows(text):
            if number == 1:
                index = {header_key(c): i for i, c in enumerate(row)}
                missing = [c for c in self._FIXED if c not in index]
                if missing:
                    yield Problem(
                        tuple(
                            FieldError(("row", 1, c), "this column is missing from the header")
                            for c in missing
                        )
                    )
                    return
                first_participant = index["split mode"] + 1
                cells = Cells(1)
                for c in row[first_participant:]:
                    name = cells.name(c or "participant", c)
                    if name is not None:
                        names.append(name)
                if cells.errors or not names:
                    yield Problem(
                        tuple(cells.errors) or (FieldError(("row", 1), "no participants"),)
                    )
                    return
                continue
            if not any(c.strip() for c in row):
                continue
            if len(row) != first_participant + len(names):
                width = first_participant + len(names)
                message = f"has {len(row)} cells; the header has {width}"
                yield Problem((FieldError(("row", number), message),))
                continue
            yield self._row(number, row, index, names, first_participant, keys, currencies)

    def _row(
        self,
        number: int,
        row: list[str],
        index: dict[str, int],
        names: list[str],
        first: int,
        keys: KeyMaker,
        currencies: dict[str, Currency],
    ) -> Item:
        cells = Cells(number)

        def cell(name: str) -> str:
            return row[index[name]]

        day = cells.iso_date("Date", cell("date"))
        description = cells.description("Description", cell("description"))
        code = cell("currency").strip()
        currency: Currency | None = currencies.get(code)
        if currency is None:
            currency = currencies[code] = named(
                (code,),
                override=self.context.currency,
                fallback=self.context.group_currency,
                warn=self.context.warn,
                source="the currency",
            )
        cost = cells.amount("Cost", cell("cost"), currency, signed=True)
        values = [
            cells.amount(name, text or "0", currency, signed=True)
            for name, text in zip(names, row[first:], strict=True)
        ]
        reimbursement_text = cell("is reimbursement").strip().casefold()
        if reimbursement_text not in ("yes", "no", "true", "false", ""):
            cells.fail("Is Reimbursement", cell("is reimbursement"), "must be Yes or No")
        reimbursement = reimbursement_text in ("yes", "true")
        mode_text = cell("split mode").strip().casefold()
        if cells.errors or day is None or description is None or cost is None or currency is None:
            return Problem(tuple(cells.errors))
        if cost == 0:
            return Skipped(number, "the cost is 0")
        sign = 1 if cost > 0 else -1
        flipped = [sign * (v or 0) for v in values]
        payers = [names[i] for i, v in enumerate(flipped) if v > 0]
        owers = [(names[i], -v) for i, v in enumerate(flipped) if v < 0]
        payer: str | None = payers[0] if len(payers) == 1 else None
        if len(payers) > 1:
            cells.fail("participants", ", ".join(payers), "only one participant can have paid")
        elif payer is None:
            involved = {n for n, _ in owers}
            others = [n for n in names if n not in involved]
            if len(names) == 2 and len(others) == 1:
                payer = others[0]
            else:
                cells.fail(
                    "participants",
                    ",".join(row[first:]),
                    "the CSV does not say who paid (the payer has no share); "
                    "import Spliit's JSON export instead",
                )
        if cells.errors or payer is None:
            return Problem(tuple(cells.errors))
        amount = abs(cost)
        shares = [(names[i], abs(v)) for i, v in enumerate(flipped) if v]
        kind = TransactionKind.EXPENSE if sign > 0 else TransactionKind.INCOME
        split: list[tuple[str, str | None]]
        if (
            reimbursement
            and sign > 0
            and len(owers) == 1
            and not any(n == payer for n, _ in shares)
        ):
            kind, mode, split = TransactionKind.TRANSFER, SplitMode.EQUAL, [(owers[0][0], None)]
        elif not shares or not any(w in mode_text for w in ("share", "percent", "amount")):
            mode = SplitMode.EQUAL
            split = [(n, None) for n, _ in shares] or [(payer, None)]
        elif "amount" in mode_text and sum(s for _, s in shares) == amount:
            mode = SplitMode.EXACT
            split = [(n, format_amount(s, currency)) for n, s in shares]
        else:
            mode = SplitMode.SHARES
            split = [(n, str(s)) for n, s in shares]
        cat = category(cell("category"))
        original, conversion = None, None
        kept: tuple[str, ...] = ()
        if "original cost" in index and row[index["original cost"]].strip():
            conversion = self._converted_csv(row, index, amount, currency, day)
        if conversion is None and "original cost" in index and row[index["original cost"]].strip():
            original_currency = (
                row[index["original currency"]] if "original currency" in index else ""
            )
            rate = row[index["conversion rate"]] if "conversion rate" in index else ""
            original = (
                f"Originally {row[index['original cost']].strip()} {original_currency.strip()}"
            )
            if rate.strip():
                original += f" at {rate.strip()}"
            kept = (KEPT_ORIGINAL_CSV,)
        return Record(
            row=number,
            key=keys.content(
                day,
                (
                    description[0],
                    (cat or "").casefold(),
                    currency.code,
                    str(cost),
                    "yes" if reimbursement else "no",
                    mode_text,
                    ";".join(
                        sorted(
                            f"{n.casefold()}={v}" for n, v in zip(names, flipped, strict=True) if v
                        )
                    ),
                ),
            ),
            kind=kind,
            description=description[0],
            amount=amount,
            currency=currency,
            date=day,
            paid_by=[(payer, None)],
            split_mode=mode,
            split=split,
            category=cat,
            notes=notes(original, description[1]),
            kept=kept,
            conversion=conversion,
        )

    def _converted_csv(
        self, row: list[str], index: dict[str, int], amount: int, currency: Currency, day: dt.date
    ) -> dict[str, Any] | None:
        def cell(name: str) -> str:
            return row[index[name]].strip() if name in index else ""

        code = cell("original currency")
        try:
            entered = parse_amount(cell("original cost").lstrip("-"), code, field="Original cost")
        except ValidationError:
            return None
        return converted(
            str(entered),
            code,
            cell("conversion rate"),
            amount,
            currency,
            self.context.group_currency,
            day,
        )


def _series(obj: dict[str, Any]) -> str | None:
    """What the expenses of one recurring series share (see the module docstring): their
    ``createdAt`` and title; None for an expense without them."""
    created, title = obj.get("createdAt"), obj.get("title")
    if not isinstance(created, str) or not created or not isinstance(title, str):
        return None
    return f"{created}\x1f{title.strip()}"


def converted(
    entered: object,
    code: object,
    rate_text: object,
    booked: int,
    currency: Currency,
    group_currency: str,
    day: dt.date,
) -> dict[str, Any] | None:
    """A Spliit expense entered in another currency as a converted transaction
    (``Transaction.conversion``): Spliit books ``originalAmount × conversionRate`` (``1
    originalCurrency = conversionRate`` group currency). Only where that gives the booked
    amount exactly, in the group's currency; else None, and the caller keeps what the file
    says in the notes instead."""
    if not (isinstance(entered, str) and isinstance(code, str) and isinstance(rate_text, str)):
        return None
    if currency.code != group_currency or code == currency.code:
        return None
    try:
        source = get_currency(code)
        minor = abs(int(entered))
        rate = parse_rate(rate_text)
    except (ValueError, ValidationError):
        return None
    if minor == 0 or convert_amount(minor, source, rate, currency) != booked:
        return None
    return {
        "amount": minor,
        "currency": source.code,
        "rate": format_rate(rate),
        "source": "spliit",
        "date": day.isoformat(),
    }


__all__ = ["SpliitCsvParser", "SpliitJsonParser"]
