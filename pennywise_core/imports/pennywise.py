"""Pennywise's own formats: the lossless JSON document and the one-row-per-transaction CSV.

JSON (``pennywise-json``), as :mod:`pennywise_core.exports` writes it::

    {"format": "pennywise", "format_version": 1,
     "group": {"id", "name", "default_currency"},
     "members": [{"id", "display_name", "role", "placeholder", "weight", "removed"}, …],
     "transactions": [
       {"id", "kind", "date", "description", "category", "notes", "amount", "currency",
        "paid_by": [{"member_id", "amount"}],
        "split": {"mode", "entries": [{"member_id", "shares"|"percent"|"amount"}]},
        "entries": [{"member_id", "paid", "owed"}],
        "deleted", "deleted_at", "created_at", "updated_at", "import_key"}, …]}

``members`` comes before ``transactions``, which name members by their id in the document.
Each transaction's entries are recomputed from its split and must match the document's
(a hand-edited document that no longer adds up is refused). The import key is the
transaction's own ``import_key`` (so a transaction that came from, say, a Splitwise import
keeps its key) or ``pennywise:<id>``. Deleted transactions come back deleted; members
come back with their role (only an owner may grant owner or admin), weight and removed
state; timestamps are kept.

CSV (``pennywise-csv``): ``date,description,category,kind,amount,currency,paid_by,
split_mode,split,notes``. ``paid_by`` is ``Ann`` (pays everything) or ``Ann=60.00; Bob=30.00``;
``split`` lists ``Ann; Bob`` (equal) or ``Ann=2; Bob=1`` (shares, percent, exact or
adjustment amounts). In a name, ``\\``, ``;`` and ``=`` are escaped with a backslash.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from typing import Any, ClassVar, TextIO

import pydantic
from sqlalchemy.ext.asyncio import AsyncSession

from pennywise_core.errors import FieldError, ValidationError
from pennywise_core.models import Group, Member, Role, SplitMode, TransactionKind
from pennywise_core.money import Currency, format_amount, get_currency, parse_amount
from pennywise_core.rates import convert_amount, format_rate, parse_rate
from pennywise_core.schemas import ExchangeRead
from pennywise_core.vocabulary import SPLIT_VALUE_FIELD

from ._common import (
    MAX_CATEGORY,
    MAX_DESCRIPTION,
    MAX_NAME,
    MAX_NOTES,
    BaseParser,
    Cells,
    Columns,
    Item,
    KeyMaker,
    MemberDecl,
    Problem,
    Record,
    bad,
    category,
    csv_rows,
    header_key,
    join_pairs,
    notes,
    parse_timestamp,
    split_pairs,
)
from ._export import CHUNK, CsvBuffer, ExportedTx, dumps, names_of, stamp, transactions_of
from ._source import iter_json

FORMAT_VERSION = 1
CSV_COLUMNS = (
    "date",
    "description",
    "category",
    "kind",
    "amount",
    "currency",
    "paid_by",
    "split_mode",
    "split",
    "notes",
)
_KINDS = {k.value: k for k in TransactionKind}
_MODES = {m.value: m for m in SplitMode}
_ROLES = {r.value: r for r in Role}


class _Fields(Cells):
    """Typed access to one JSON object of the document, collecting errors."""

    __slots__ = ("line", "obj")

    def __init__(self, row: int, obj: dict[str, Any], line: int) -> None:
        super().__init__(row)
        self.obj = obj
        self.line = line

    def fail(self, column: str, value: object, reason: str) -> None:
        self.errors.append(bad(self.row, column, value, f"{reason} (line {self.line})"))

    def text(self, name: str, *, required: bool = True) -> str | None:
        value = self.obj.get(name)
        if value is None:
            if required:
                self.fail(name, None, "is missing")
            return None
        if not isinstance(value, str):
            self.fail(name, value, "must be a string")
            return None
        return value

    def flag(self, name: str) -> bool:
        value = self.obj.get(name, False)
        if not isinstance(value, bool):
            self.fail(name, value, "must be true or false")
            return False
        return value

    def items(self, name: str) -> list[dict[str, Any]]:
        value = self.obj.get(name)
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.fail(name, value, "must be a list of objects")
            return []
        return value


class PennywiseJsonParser(BaseParser):
    format: ClassVar[str] = "pennywise-json"
    columns: ClassVar[Columns] = Columns()

    def items(self, text: TextIO) -> Iterator[Item]:
        self._members: dict[str, str] = {}  # document member id -> ref
        version_seen = False
        for key, index, value, line in iter_json(
            text, streamed=frozenset({"members", "transactions"})
        ):
            if key == "format" and value != "pennywise":
                yield Problem((FieldError(("file", "format"), f"{value!r} is not 'pennywise'"),))
            elif key == "format_version":
                version_seen = True
                if value != str(FORMAT_VERSION):
                    yield Problem(
                        (
                            FieldError(
                                ("file", "format_version"),
                                f"version {value!r} is not one this Pennywise reads "
                                f"({FORMAT_VERSION})",
                            ),
                        )
                    )
                    return
            elif key == "members" and index is not None:
                yield self._member(index + 1, value, line)
            elif key == "transactions" and index is not None:
                if not version_seen:
                    yield Problem(
                        (
                            FieldError(
                                ("file", "format_version"),
                                "is missing (it comes first in a Pennywise document)",
                            ),
                        )
                    )
                    return
                yield self._transaction(index + 1, value, line)

    def _member(self, number: int, obj: Any, line: int) -> Item:
        if not isinstance(obj, dict):
            return Problem((bad(number, "members", obj, f"must be an object (line {line})"),))
        fields = _Fields(number, obj, line)
        member_id = fields.text("id")
        name = fields.text("display_name")
        if name is not None:
            name = fields.name("display_name", name)
        role_text = fields.text("role", required=False) or "member"
        role = _ROLES.get(role_text)
        if role is None:
            fields.fail("role", role_text, f"must be one of {', '.join(_ROLES)}")
        weight = fields.weight("weight", str(obj.get("weight", "1")))
        placeholder = fields.flag("placeholder") if "placeholder" in obj else True
        removed = fields.flag("removed")
        if fields.errors or member_id is None or name is None or role is None or weight is None:
            return Problem(tuple(FieldError(("member", *e.loc[1:]), e.msg) for e in fields.errors))
        ref = "pw:" + member_id
        self._members[member_id] = ref
        return MemberDecl(
            ref=ref,
            name=name,
            weight=weight,
            role=role,
            registered=not placeholder,
            removed=removed,
            eager=True,
        )

    def _transaction(self, number: int, obj: Any, line: int) -> Item:
        if not isinstance(obj, dict):
            return Problem((bad(number, "transaction", obj, f"must be an object (line {line})"),))
        f = _Fields(number, obj, line)
        tx_id = f.text("id")
        kind_text = f.text("kind")
        kind = _KINDS.get(kind_text or "")
        if kind_text is not None and kind is None:
            f.fail("kind", kind_text, f"must be one of {', '.join(_KINDS)}")
        day = f.iso_date("date", f.text("date") or "") if "date" in obj else None
        if "date" not in obj:
            f.fail("date", None, "is missing")
        description = f.description("description", f.text("description") or "")
        currency = f.currency("currency", f.text("currency") or "")
        amount = f.amount("amount", f.text("amount") or "", currency)
        paid_by = [self._pair(f, "paid_by", p, "amount", currency) for p in f.items("paid_by")]
        split_obj = obj.get("split")
        mode: SplitMode | None = None
        split: list[tuple[str, str | None]] = []
        if not isinstance(split_obj, dict):
            f.fail("split", split_obj, "must be an object with mode and entries")
        else:
            mode = _MODES.get(str(split_obj.get("mode")))
            if mode is None:
                f.fail("split", split_obj.get("mode"), f"mode must be one of {', '.join(_MODES)}")
            else:
                value_name = SPLIT_VALUE_FIELD[mode]
                entries = split_obj.get("entries")
                if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
                    f.fail("split", entries, "entries must be a list of objects")
                else:
                    split = [self._pair(f, "split", e, value_name, None) for e in entries]
        expected = [self._entry(f, e, currency) for e in f.items("entries")]
        deleted = f.flag("deleted")
        deleted_at = parse_timestamp(obj.get("deleted_at")) if deleted else None
        if deleted and deleted_at is None:
            f.fail("deleted_at", obj.get("deleted_at"), "must be a timestamp when deleted")
        created_at = parse_timestamp(obj.get("created_at"))
        updated_at = parse_timestamp(obj.get("updated_at"))
        key = f.text("import_key", required=False)
        if key is not None and not 0 < len(key) <= 200:
            f.fail("import_key", key, "must have 1 to 200 characters")
        if kind is TransactionKind.CONVERSION:
            conversion = self._exchange(f, obj.get("exchange"))
        else:
            conversion = self._conversion(f, obj.get("conversion"), amount, currency)
        if (
            f.errors
            or tx_id is None
            or kind is None
            or day is None
            or description is None
            or currency is None
            or amount is None
            or mode is None
        ):
            return Problem(tuple(f.errors))
        return Record(
            row=number,
            key=key or f"pennywise:{tx_id}",
            kind=kind,
            description=description[0],
            amount=amount,
            currency=currency,
            date=day,
            paid_by=paid_by,
            split_mode=mode,
            split=split,
            category=category(f.text("category", required=False)),
            notes=notes(f.text("notes", required=False), description[1]),
            deleted_at=deleted_at,
            created_at=created_at,
            updated_at=updated_at or created_at,
            entries=expected,
            conversion=conversion,
        )

    @staticmethod
    def _exchange(f: _Fields, value: object) -> dict[str, Any] | None:
        """A conversion's batch (``exchange``), as stored: it is what deletes the batch's
        transactions together, so a conversion without one is refused."""
        try:
            if not isinstance(value, dict):
                raise TypeError
            exchange = ExchangeRead.model_validate(value)
        except (TypeError, pydantic.ValidationError):
            f.fail("exchange", value, "a conversion needs its batch: batch_id, into, date, rates")
            return None
        return {
            "batch": str(exchange.batch_id),
            "into": exchange.into,
            "date": exchange.date.isoformat(),
            "rates": [r.model_dump(mode="json") for r in exchange.rates],
        }

    def _conversion(
        self, f: _Fields, value: object, booked: int | None, currency: Currency | None
    ) -> dict[str, Any] | None:
        """A converted transaction's ``conversion``: read, and checked against the booked
        amount (the entered amount at the rate) and the group's currency."""
        if value is None:
            return None
        if not isinstance(value, dict):
            f.fail("conversion", value, "must be an object with amount, currency and rate")
            return None
        c = _Fields(f.row, value, f.line)
        entered_currency = c.currency("conversion.currency", c.text("currency") or "")
        entered = c.amount("conversion.amount", c.text("amount") or "", entered_currency)
        rate_text = c.text("rate") or ""
        try:
            rate = parse_rate(rate_text, field="conversion.rate")
        except ValidationError as exc:
            c.fail("conversion.rate", rate_text, exc.errors[0].msg)
            rate = None
        source = c.text("rate_source")
        day = c.iso_date("conversion.rate_date", c.text("rate_date") or "")
        f.errors.extend(c.errors)
        if (
            c.errors
            or entered_currency is None
            or entered is None
            or rate is None
            or source is None
            or day is None
            or booked is None
            or currency is None
        ):
            return None
        if currency.code != self.context.group_currency:
            f.fail(
                "conversion",
                currency.code,
                f"a converted transaction is booked in the group's currency, "
                f"{self.context.group_currency}",
            )
            return None
        if convert_amount(entered, entered_currency, rate, currency) != booked:
            f.fail(
                "conversion",
                rate_text,
                f"{format_amount(entered, entered_currency)} {entered_currency.code} at "
                f"{rate_text} is not the amount {format_amount(booked, currency)}",
            )
            return None
        return {
            "amount": entered,
            "currency": entered_currency.code,
            "rate": format_rate(rate),
            "source": source,
            "date": day.isoformat(),
        }

    def _ref(self, f: _Fields, column: str, member_id: object) -> str:
        ref = self._members.get(member_id) if isinstance(member_id, str) else None
        if ref is None:
            f.fail(column, member_id, "names no member of the document's members list")
            return ""
        return ref

    def _pair(
        self,
        f: _Fields,
        column: str,
        obj: dict[str, Any],
        value_name: str | None,
        currency: Currency | None,
    ) -> tuple[str, str | None]:
        ref = self._ref(f, column, obj.get("member_id"))
        value = obj.get(value_name) if value_name else None
        if value is not None and not isinstance(value, str):
            f.fail(column, value, "must be a decimal string")
            value = None
        return ref, value

    def _entry(
        self, f: _Fields, obj: dict[str, Any], currency: Currency | None
    ) -> tuple[str, int, int]:
        ref = self._ref(f, "entries", obj.get("member_id"))
        paid = f.amount("entries", str(obj.get("paid", "")), currency, positive=False)
        owed = f.amount("entries", str(obj.get("owed", "")), currency, positive=False)
        return ref, paid or 0, owed or 0


class PennywiseCsvParser(BaseParser):
    format: ClassVar[str] = "pennywise-csv"
    columns: ClassVar[Columns] = Columns()

    def items(self, text: TextIO) -> Iterator[Item]:
        keys = KeyMaker("pennywise-csv")
        index: dict[str, int] = {}
        required = ("date", "description", "amount", "paid_by", "split")
        group_currency = self.context.group_currency
        width = 0
        get = _getter(index)
        fast = None
        for number, row in csv_rows(text):
            if number == 1:
                index = {header_key(c): i for i, c in enumerate(row)}
                missing = [c for c in required if c not in index]
                if missing:
                    yield Problem(
                        tuple(
                            FieldError(("row", 1, c), "this column is missing from the header")
                            for c in missing
                        )
                    )
                    return
                width = len(row)
                get = _getter(index)
                fast = _fast_rows(index, keys, group_currency)
                continue
            if fast is not None and len(row) == width:
                record = fast(number, row)
                if record is not None:
                    yield record
                    continue
            if not any(c.strip() for c in row):
                continue
            if len(row) != width:
                yield Problem(
                    (
                        FieldError(
                            ("row", number),
                            f"has {len(row)} cells; the header has {width}",
                        ),
                    )
                )
                continue
            yield self._row(number, row, get, keys, group_currency)

    def _row(
        self,
        number: int,
        row: list[str],
        get: Any,
        keys: KeyMaker,
        group_currency: str,
    ) -> Item:
        cells = Cells(number)
        day = cells.iso_date("date", get(row, "date"))
        description = cells.description("description", get(row, "description"))
        kind_text = get(row, "kind").strip().lower() or "expense"
        kind = _KINDS.get(kind_text)
        if kind is None:
            cells.fail("kind", kind_text, f"must be one of {', '.join(_KINDS)}")
        currency = cells.currency("currency", get(row, "currency") or group_currency)
        amount_text = get(row, "amount")
        amount = cells.amount("amount", amount_text, currency)
        mode_text = get(row, "split_mode").strip().lower() or "equal"
        mode = _MODES.get(mode_text)
        if mode is None:
            cells.fail("split_mode", mode_text, f"must be one of {', '.join(_MODES)}")
        paid_by_text = get(row, "paid_by")
        split_text = get(row, "split")
        paid_by = self._people(cells, "paid_by", paid_by_text)
        split = self._people(cells, "split", split_text)
        if (
            cells.errors
            or day is None
            or description is None
            or kind is None
            or currency is None
            or amount is None
            or mode is None
        ):
            return Problem(tuple(cells.errors))
        cat = category(get(row, "category"))
        note = notes(get(row, "notes"), description[1])
        key = keys.content(
            day,
            (
                kind.value,
                description[0],
                cat or "",
                str(amount),
                currency.code,
                paid_by_text.strip().casefold(),
                mode.value,
                split_text.strip().casefold(),
                note or "",
            ),
        )
        return Record(
            row=number,
            key=key,
            kind=kind,
            description=description[0],
            amount=amount,
            currency=currency,
            date=day,
            paid_by=paid_by,
            split_mode=mode,
            split=split,
            category=cat,
            notes=note,
        )

    @staticmethod
    def _people(cells: Cells, column: str, text: str) -> list[tuple[str, str | None]]:
        pairs = split_pairs(text)
        if not pairs:
            cells.fail(column, text, "must name at least one member")
        for name, _ in pairs:
            cells.name(column, name)
        return pairs


def _getter(index: dict[str, int]) -> Any:
    def get(row: list[str], name: str) -> str:
        i = index.get(name)
        return row[i] if i is not None else ""

    return get


_KIND_CELLS = {"": TransactionKind.EXPENSE, **_KINDS}
_MODE_CELLS = {"": SplitMode.EQUAL, **_MODES}
_CACHE_LIMIT = 8192


def _fast_rows(
    index: dict[str, int], keys: KeyMaker, group_currency: str
) -> Callable[[int, list[str]], Record | None]:
    """A reader of the common row: plainly valid, every cell as the exporter writes it.

    It returns the same :class:`Record` as :meth:`PennywiseCsvParser._row`, or None for
    anything it does not take as it is (padding, upper case, a long description, any bad
    cell), which ``_row`` then reads and explains. Cheaper per row: no :class:`Cells`,
    and what repeats from row to row (the date, the currency, the lists of people) is
    parsed once.
    """
    i_date, i_description = index["date"], index["description"]
    i_amount, i_paid_by, i_split = index["amount"], index["paid_by"], index["split"]
    i_category, i_kind = index.get("category"), index.get("kind")
    i_currency, i_mode, i_notes = index.get("currency"), index.get("split_mode"), index.get("notes")
    currencies: dict[str, Currency] = {}
    people: dict[str, tuple[list[tuple[str, str | None]], str]] = {}
    last_date: str | None = None  # the date cell of the last row read, and its date
    last_day = dt.date.min
    content = keys.content

    def names(text: str) -> tuple[list[tuple[str, str | None]], str] | None:
        pairs = split_pairs(text)
        if not pairs or not all(0 < len(name) <= MAX_NAME for name, _ in pairs):
            return None
        if len(people) >= _CACHE_LIMIT:
            people.clear()
        found = people[text] = (pairs, text.strip().casefold())
        return found

    def read(number: int, row: list[str]) -> Record | None:
        nonlocal last_date, last_day
        text = row[i_date]
        if text != last_date:
            if len(text) != 10:
                return None
            try:
                last_day = dt.date.fromisoformat(text)
            except ValueError:
                return None
            last_date = text
        day = last_day
        description = row[i_description].strip()
        if not description or len(description) > MAX_DESCRIPTION:
            return None
        kind = _KIND_CELLS.get(row[i_kind] if i_kind is not None else "")
        mode = _MODE_CELLS.get(row[i_mode] if i_mode is not None else "")
        if kind is None or mode is None:
            return None
        code = (row[i_currency] if i_currency is not None else "") or group_currency
        currency = currencies.get(code)
        if currency is None:
            try:
                currency = get_currency(code.strip())
            except ValidationError:
                return None
            currencies[code] = currency
        try:
            amount = parse_amount(row[i_amount], currency)
        except ValidationError:
            return None
        if not amount:
            return None
        paid_by_text, split_text = row[i_paid_by], row[i_split]
        paid_by = people.get(paid_by_text) or names(paid_by_text)
        split = people.get(split_text) or names(split_text)
        if paid_by is None or split is None:
            return None
        cat = (
            row[i_category].strip()[:MAX_CATEGORY].strip() or None
            if i_category is not None
            else None
        )
        notes_text = row[i_notes] if i_notes is not None else ""
        note = notes_text[:MAX_NOTES] if notes_text and notes_text.strip() else None
        key = content(
            day,
            (
                kind._value_,
                description,
                cat or "",
                str(amount),
                currency.code,
                paid_by[1],
                mode._value_,
                split[1],
                note or "",
            ),
        )
        return Record(
            number,
            key,
            kind,
            description,
            amount,
            currency,
            day,
            paid_by[0],
            mode,
            split[0],
            cat,
            note,
        )

    return read


# --- the writers (pennywise_core.exports picks one) ------------------------------------------


async def write_json(
    session: AsyncSession, group: Group, members: Sequence[Member]
) -> AsyncIterator[str]:
    head = {
        "format": "pennywise",
        "format_version": FORMAT_VERSION,
        "group": {
            "id": str(group.id),
            "name": group.name,
            "default_currency": group.default_currency,
        },
    }
    parts = [dumps(head)[:-1], ',\n "members": [']
    parts.append(
        ",".join(
            "\n  "
            + dumps(
                {
                    "id": str(m.id),
                    "display_name": m.display_name,
                    "role": m.role.value,
                    "placeholder": m.is_placeholder,
                    "weight": format(m.weight.normalize(), "f"),
                    "removed": m.removed_at is not None,
                }
            )
            for m in members
        )
    )
    parts.append('\n ],\n "transactions": [')
    yield "".join(parts)
    buffer: list[str] = []
    size = 0
    separator = "\n  "
    async for tx in transactions_of(session, group.id, include_deleted=True):
        text = separator + dumps(_document(tx))
        separator = ",\n  "
        buffer.append(text)
        size += len(text)
        if size >= CHUNK:
            yield "".join(buffer)
            buffer, size = [], 0
    buffer.append("\n ]\n}\n")
    yield "".join(buffer)


def _document(tx: ExportedTx) -> dict[str, Any]:
    params = tx.split_params
    return {
        "id": str(tx.id),
        "kind": tx.kind,
        "date": tx.date.isoformat(),
        "description": tx.description,
        "category": tx.category,
        "notes": tx.notes,
        "amount": format_amount(tx.amount, tx.currency),
        "currency": tx.currency,
        "paid_by": params["paid_by"],
        "split": params["split"],
        "entries": [
            {
                "member_id": str(m),
                "paid": format_amount(paid, tx.currency),
                "owed": format_amount(owed, tx.currency),
            }
            for m, paid, owed in tx.entries
        ],
        "deleted": tx.deleted_at is not None,
        "deleted_at": stamp(tx.deleted_at),
        "created_at": stamp(tx.created_at),
        "updated_at": stamp(tx.updated_at),
        "import_key": tx.import_key,
    } | _conversion(tx.kind, tx.conversion)


def _conversion(kind: str, stored: dict[str, Any] | None) -> dict[str, Any]:
    """``conversion`` as the API shows it (``ConversionRead``), for a converted transaction,
    and ``exchange`` (``ExchangeRead``) for a conversion: documents of groups that convert
    nothing stay as they were."""
    if stored is None:
        return {}
    if kind == TransactionKind.CONVERSION:
        return {
            "exchange": {
                "batch_id": stored["batch"],
                "into": stored["into"],
                "date": stored["date"],
                "rates": stored["rates"],
            }
        }
    return {
        "conversion": {
            "amount": format_amount(stored["amount"], stored["currency"]),
            "currency": stored["currency"],
            "rate": stored["rate"],
            "rate_source": stored["source"],
            "rate_date": stored["date"],
        }
    }


async def write_csv(
    session: AsyncSession, group: Group, members: Sequence[Member]
) -> AsyncIterator[str]:
    name = names_of(members)
    out = CsvBuffer()
    out.row(CSV_COLUMNS)
    async for tx in transactions_of(session, group.id, include_deleted=False):
        params = tx.split_params
        payers = params["paid_by"]
        paid_by = (
            join_pairs([(name(payers[0]["member_id"]), None)])
            if len(payers) == 1
            else join_pairs([(name(p["member_id"]), p["amount"]) for p in payers])
        )
        split = params["split"]
        value_field = SPLIT_VALUE_FIELD[SplitMode(split["mode"])]
        out.row(
            (
                tx.date.isoformat(),
                tx.description,
                tx.category or "",
                tx.kind,
                format_amount(tx.amount, tx.currency),
                tx.currency,
                paid_by,
                split["mode"],
                join_pairs(
                    [
                        (name(e["member_id"]), e.get(value_field) if value_field else None)
                        for e in split["entries"]
                    ]
                ),
                tx.notes or "",
            )
        )
        if out.full():
            yield out.take()
    yield out.take()
