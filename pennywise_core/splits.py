"""From what a user says ("I paid 90, split 2:1 between Bob and Carol") to ledger entries.

Pure functions, no database. Every transaction becomes a list of :class:`EntryValue`
``(member, paid, owed)`` in minor units with Σpaid = Σowed = amount, which is the one shape
balances, settle-up and reports need:

* expense: payers *paid*, the split says who *owes*;
* income: the receivers hold money the split-side members are entitled to, so the roles
  swap: receivers *owe* it, the split side *paid* (90 received by A, split among A, B, C:
  A −60, B +30, C +30);
* transfer: the payer *paid*, the single recipient *owes* (A pays B 20: A +20, B −20).

Every rule that can fail raises :class:`~pennywise_core.errors.ValidationError` naming the
field (``paid_by.1.amount``, ``split.entries.0.percent``, …); nothing is half-computed.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from pennywise_core.errors import FieldError, ValidationError
from pennywise_core.models import SplitMode, TransactionKind
from pennywise_core.money import MAX_MINOR_UNITS, Currency, allocate, format_amount, parse_amount
from pennywise_core.schemas import MAX_ENTRIES, PayerIn, SplitEntryIn, SplitIn
from pennywise_core.vocabulary import SPLIT_VALUE_FIELD

HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class EntryValue:
    member_id: uuid.UUID
    paid: int
    owed: int


@dataclass(frozen=True, slots=True)
class Computed:
    """The entries of a transaction plus the normalised input they came from.

    ``params`` is what is stored beside the transaction so an edit can recompute the
    entries: payers with their amounts and the split entries, as canonical strings.
    """

    entries: list[EntryValue]
    params: dict[str, Any]


def compute(
    *,
    kind: TransactionKind,
    amount: int,
    currency: Currency,
    paid_by: Sequence[PayerIn],
    split: SplitIn,
    members: Sequence[uuid.UUID],
    sharing: Sequence[uuid.UUID] | None = None,
) -> Computed:
    """Turn payers and a split into entries.

    ``members`` are the group's current members, in a stable order; every member named in
    ``paid_by`` or ``split`` must be one of them. An ``equal`` split with no entries is over
    ``sharing`` (those of them in the default split, see
    :func:`~pennywise_core.services.members.in_default_split`; default: all ``members``).
    """
    known = set(members)
    payers = _payers(amount, currency, paid_by, known)
    if kind is TransactionKind.TRANSFER:
        _check_transfer(payers, split)
    shares, split_params = _split(
        amount, currency, split, members if sharing is None else sharing, known
    )

    paid_side, owed_side = (shares, payers) if kind is TransactionKind.INCOME else (payers, shares)
    totals: dict[uuid.UUID, list[int]] = {}
    for member_id, value in paid_side:
        totals.setdefault(member_id, [0, 0])[0] += value
    for member_id, value in owed_side:
        totals.setdefault(member_id, [0, 0])[1] += value
    entries = [EntryValue(m, paid, owed) for m, (paid, owed) in totals.items() if paid or owed]
    assert sum(e.paid for e in entries) == amount == sum(e.owed for e in entries)

    params = {
        "paid_by": [{"member_id": str(m), "amount": format_amount(v, currency)} for m, v in payers],
        "split": split_params,
    }
    return Computed(entries, params)


# --- the fast path of bulk imports ----------------------------------------------------------

_PLAIN_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
"""Digits, maybe a point and more digits: a value that means the same to every reader."""
_MAX_TEXT = 40  # the longest amount, share or percentage text the input schemas accept
_WEIGHT_SCALE = 10**6  # weights have at most 6 decimals
_HUNDRED_SCALED = 100 * _WEIGHT_SCALE
_MAX_WEIGHT_SCALED = 10**9 * _WEIGHT_SCALE


class FastCompute:
    """:func:`compute` for the plainly valid case, on members named by index; else None.

    Members are indices into ``id_text`` (each member's id as text; the list may grow
    between calls), all taken to be members of the group. :meth:`__call__` returns what
    :func:`compute` returns for ``paid_by=[PayerIn(member_id=m, amount=a), …]``,
    ``split=SplitIn(mode=mode, entries=[SplitEntryIn(member_id=m, <the mode's field>=v),
    …])`` and ``members`` the members named: the entries as ``(member, paid, owed)`` in the
    same order, and the params as compact JSON text (``separators=(",", ":")``), the same
    text as encoding ``compute(…).params``. It returns ``None`` whenever anything is not
    plainly valid — a value that is not simple digits, a rule broken — so that
    :func:`compute` decides and explains.

    A bulk import calls it for every row: no pydantic models, no ``Decimal``, no
    ``Fraction``, no UUID hashing, integers and strings only; and the part of a split that
    does not depend on the amount (who, their shares, its JSON) is worked out once per
    distinct split and kept (a bounded cache).
    """

    __slots__ = ("_payer_json", "_splits", "id_text")

    def __init__(self, id_text: Sequence[str]) -> None:
        self.id_text = id_text
        self._splits: dict[
            tuple[SplitMode, tuple[tuple[int, str | None], ...]],
            tuple[list[int], list[int] | None, str] | None,
        ] = {}
        self._payer_json: dict[int, str] = {}

    def __call__(
        self,
        kind: TransactionKind,
        amount: int,
        currency: Currency,
        paid_by: Sequence[tuple[int, str | None]],
        mode: SplitMode,
        split: Sequence[tuple[int, str | None]],
    ) -> tuple[list[tuple[int, int, int]], str] | None:
        if amount <= 0:
            return None
        key = (mode, tuple(split))
        described = self._splits.get(key, _MISSING)
        if described is _MISSING:
            if len(self._splits) >= _CACHE_LIMIT:
                self._splits.clear()
            described = self._splits[key] = self._describe(mode, split)
        if described is None:
            return None
        ids, weights, stored = described
        count = len(ids)
        exponent = currency.exponent
        if kind is TransactionKind.TRANSFER and (
            len(paid_by) != 1
            or count != 1
            or mode not in (SplitMode.EQUAL, SplitMode.EXACT)
            or ids[0] == paid_by[0][0]
        ):
            return None

        parts: list[int]
        if mode is SplitMode.EQUAL:
            floor, leftover = divmod(amount, count)
            parts = [floor + 1] * leftover + [floor] * (count - leftover)
        elif weights is not None:
            # allocate(), on weights already scaled to whole millionths
            total = sum(weights)
            shares = [divmod(amount * weight, total) for weight in weights]
            parts = [floor for floor, _ in shares]
            leftover = amount - sum(parts)
            if leftover:
                order = sorted(range(count), key=lambda i: (-shares[i][1], i))
                for i in order[:leftover]:
                    parts[i] += 1
        else:  # EXACT or ADJUSTMENT: the values depend on the row
            values: list[int] = []
            for _, text in split:
                value = 0 if text is None else _plain_amount(text, exponent)
                if value is None:
                    return None
                values.append(value)
            rest = amount - sum(values)
            if mode is SplitMode.EXACT:
                if rest:
                    return None
                parts = values
            else:
                if rest < 0:
                    return None
                floor, leftover = divmod(rest, count)
                parts = [v + floor + (1 if i < leftover else 0) for i, v in enumerate(values)]
            id_text = self.id_text
            stored = ",".join(
                [
                    f'{{"member_id":"{id_text[m]}","amount":"{_format_plain(v, exponent)}"}}'
                    for m, v in zip(ids, values, strict=True)
                ]
            )

        if len(paid_by) == 1:
            payer, text = paid_by[0]
            if text is not None and _plain_amount(text, exponent) != amount:
                return None
            paid_json = self._payer_json.get(payer)
            if paid_json is None:
                paid_json = self._payer_json[payer] = (
                    f'{{"paid_by":[{{"member_id":"{self.id_text[payer]}","amount":"'
                )
            params = (
                f'{paid_json}{_format_plain(amount, exponent)}"}}],"split":'
                f'{{"mode":"{mode._value_}","entries":[{stored}]}}}}'
            )
            if kind is not TransactionKind.INCOME:
                # The payer first (paid everything, owes their part), then the others.
                owed = 0
                entries = [(payer, amount, 0)]
                for m, part in zip(ids, parts, strict=True):
                    if m == payer:
                        owed = part
                    elif part:
                        entries.append((m, 0, part))
                if owed:
                    entries[0] = (payer, amount, owed)
                return entries, params
            payers = [(payer, amount)]
        else:
            payers = []
            paid = 0
            for payer, text in paid_by:
                value = None if text is None else _plain_amount(text, exponent)
                if value is None or value <= 0:
                    return None
                paid += value
                payers.append((payer, value))
            if paid != amount or len({m for m, _ in payers}) != len(payers):
                return None
            id_text = self.id_text
            paid_json = ",".join(
                [
                    f'{{"member_id":"{id_text[m]}","amount":"{_format_plain(v, exponent)}"}}'
                    for m, v in payers
                ]
            )
            params = (
                f'{{"paid_by":[{paid_json}],"split":'
                f'{{"mode":"{mode._value_}","entries":[{stored}]}}}}'
            )
        shares = list(zip(ids, parts, strict=True))
        paid_side, owed_side = (
            (shares, payers) if kind is TransactionKind.INCOME else (payers, shares)
        )
        totals: dict[int, list[int]] = {}
        for m, value in paid_side:
            totals.setdefault(m, [0, 0])[0] += value
        for m, value in owed_side:
            totals.setdefault(m, [0, 0])[1] += value
        return [(m, p, o) for m, (p, o) in totals.items() if p or o], params

    def _describe(
        self, mode: SplitMode, split: Sequence[tuple[int, str | None]]
    ) -> tuple[list[int], list[int] | None, str] | None:
        """Who shares, their weights (shares, percent) and the split's JSON entries (except
        for amounts, which depend on the row); None if not plainly valid."""
        count = len(split)
        if not count or count > MAX_ENTRIES:
            return None
        ids = [m for m, _ in split]
        if len(set(ids)) != count:
            return None
        id_text = self.id_text
        if mode is SplitMode.EQUAL:
            if any(value is not None for _, value in split):
                return None
            return ids, None, ",".join([f'{{"member_id":"{id_text[m]}"}}' for m in ids])
        if mode is SplitMode.SHARES or mode is SplitMode.PERCENT:
            field = SPLIT_VALUE_FIELD[mode]
            weights: list[int] = []
            stored: list[str] = []
            for m, text in split:
                weight = _plain_weight(text)
                if weight is None:
                    return None
                weights.append(weight[0])
                stored.append(f'{{"member_id":"{id_text[m]}","{field}":"{weight[1]}"}}')
            total = sum(weights)
            if not total or (mode is SplitMode.PERCENT and total != _HUNDRED_SCALED):
                return None
            return ids, weights, ",".join(stored)
        if mode is SplitMode.EXACT:
            if any(value is None for _, value in split):
                return None
            return ids, None, ""
        if mode is SplitMode.ADJUSTMENT:
            return ids, None, ""
        return None


_MISSING: Any = object()
_CACHE_LIMIT = 8192


def _plain_amount(text: str, exponent: int) -> int | None:
    """Minor units of a plain, non-negative decimal text; None for anything else."""
    if len(text) > _MAX_TEXT or not _PLAIN_NUMBER.fullmatch(text):
        return None
    whole, _, fraction = text.partition(".")
    fraction = fraction.rstrip("0")
    if len(fraction) > exponent:
        return None
    digits = (whole + fraction.ljust(exponent, "0")).lstrip("0")
    if len(digits) > 16:
        return None
    value = int(digits) if digits else 0
    return value if value <= MAX_MINOR_UNITS else None


def _plain_weight(text: str | None) -> tuple[int, str] | None:
    """A plain share or percentage in millionths, with its canonical text; else None."""
    if text is None or len(text) > _MAX_TEXT or not _PLAIN_NUMBER.fullmatch(text):
        return None
    whole, _, fraction = text.partition(".")
    if len(fraction) > 6:  # the full path refuses more than 6 decimals, even zeros
        return None
    whole = whole.lstrip("0")
    if len(whole) > 10:
        return None
    scaled = int((whole or "0") + fraction.ljust(6, "0"))
    if scaled > _MAX_WEIGHT_SCALED:
        return None
    fraction = fraction.rstrip("0")
    return scaled, f"{whole or '0'}.{fraction}" if fraction else (whole or "0")


def _format_plain(minor: int, exponent: int) -> str:
    """:func:`~pennywise_core.money.format_amount` for a non-negative amount."""
    if not exponent:
        return str(minor)
    whole, fraction = divmod(minor, 10**exponent)
    return f"{whole}.{fraction:0{exponent}d}"


def _payers(
    amount: int, currency: Currency, paid_by: Sequence[PayerIn], known: set[uuid.UUID]
) -> list[tuple[uuid.UUID, int]]:
    errors: list[FieldError] = []
    seen: set[uuid.UUID] = set()
    result: list[tuple[uuid.UUID, int]] = []
    for i, payer in enumerate(paid_by):
        if payer.member_id not in known:
            errors.append(FieldError(("paid_by", i, "member_id"), _not_a_member(payer.member_id)))
            continue
        if payer.member_id in seen:
            errors.append(FieldError(("paid_by", i, "member_id"), "member is listed twice"))
            continue
        seen.add(payer.member_id)
        if payer.amount is None:
            if len(paid_by) > 1:
                errors.append(
                    FieldError(("paid_by", i, "amount"), "required when there are several payers")
                )
                continue
            result.append((payer.member_id, amount))
            continue
        try:
            value = parse_amount(payer.amount, currency, field=f"paid_by.{i}.amount")
        except ValidationError as exc:
            errors.extend(exc.errors)
            continue
        if value <= 0:
            errors.append(FieldError(("paid_by", i, "amount"), "must be greater than zero"))
            continue
        result.append((payer.member_id, value))
    if not errors and sum(v for _, v in result) != amount:
        given = format_amount(sum(v for _, v in result), currency)
        errors.append(
            FieldError(
                ("paid_by",),
                f"the payers' amounts add up to {given}, "
                f"not the transaction's {format_amount(amount, currency)}",
            )
        )
    _raise(errors)
    return result


def _check_transfer(payers: list[tuple[uuid.UUID, int]], split: SplitIn) -> None:
    if len(payers) != 1:
        raise ValidationError.at("paid_by", "a transfer has exactly one payer")
    if split.entries is None or len(split.entries) != 1:
        raise ValidationError.at(
            ("split", "entries"), "a transfer names exactly one recipient in split.entries"
        )
    if split.mode not in (SplitMode.EQUAL, SplitMode.EXACT):
        raise ValidationError.at(("split", "mode"), "a transfer's split mode is 'equal'")
    if split.entries[0].member_id == payers[0][0]:
        raise ValidationError.at(
            ("split", "entries", 0, "member_id"), "a transfer's payer and recipient must differ"
        )


def _split(
    amount: int,
    currency: Currency,
    split: SplitIn,
    members: Sequence[uuid.UUID],
    known: set[uuid.UUID],
) -> tuple[list[tuple[uuid.UUID, int]], dict[str, Any]]:
    mode = split.mode
    if split.entries is None:
        if mode is not SplitMode.EQUAL:
            raise ValidationError.at(("split", "entries"), f"required for the {mode} split")
        ids = list(members)
        if not ids:
            raise ValidationError.at(("split",), "the group has no members to split among")
        # Stored as the explicit list: "everyone" means everyone *now*, so a later edit
        # or a new member joining does not silently change who owes what.
        return list(zip(ids, allocate(amount, [1] * len(ids)), strict=True)), {
            "mode": mode.value,
            "entries": [{"member_id": str(m)} for m in ids],
        }
    if not split.entries:
        raise ValidationError.at(("split", "entries"), "must name at least one member")

    errors: list[FieldError] = []
    seen: set[uuid.UUID] = set()
    for i, entry in enumerate(split.entries):
        loc = ("split", "entries", i, "member_id")
        if entry.member_id not in known:
            errors.append(FieldError(loc, _not_a_member(entry.member_id)))
        elif entry.member_id in seen:
            errors.append(FieldError(loc, "member is listed twice"))
        seen.add(entry.member_id)
        errors.extend(_stray_fields(i, entry, mode))
    _raise(errors)

    ids = [e.member_id for e in split.entries]
    stored: list[dict[str, str]]
    if mode is SplitMode.EQUAL:
        parts = allocate(amount, [1] * len(ids))
        stored = [{"member_id": str(m)} for m in ids]
    elif mode in (SplitMode.SHARES, SplitMode.PERCENT):
        field = SPLIT_VALUE_FIELD[mode]
        assert field is not None  # shares and percent have a value field
        weights = [_weight(i, getattr(e, field), field) for i, e in enumerate(split.entries)]
        if mode is SplitMode.PERCENT and sum(weights) != HUNDRED:
            raise ValidationError.at(
                ("split", "entries"), f"percentages add up to {sum(weights)}, not 100"
            )
        if not any(weights):
            raise ValidationError.at(("split", "entries"), f"at least one {field} must be above 0")
        parts = allocate(amount, weights)
        stored = [
            {"member_id": str(m), field: _canonical(w)} for m, w in zip(ids, weights, strict=True)
        ]
    else:  # EXACT and ADJUSTMENT both carry amounts
        values = _amounts(split.entries, currency)
        if mode is SplitMode.EXACT:
            if sum(values) != amount:
                raise ValidationError.at(
                    ("split", "entries"),
                    f"the amounts add up to {format_amount(sum(values), currency)}, "
                    f"not the transaction's {format_amount(amount, currency)}",
                )
            parts = values
        else:
            rest = amount - sum(values)
            if rest < 0:
                raise ValidationError.at(
                    ("split", "entries"),
                    f"the adjustments add up to {format_amount(sum(values), currency)}, "
                    f"more than the transaction's {format_amount(amount, currency)}",
                )
            parts = [v + p for v, p in zip(values, allocate(rest, [1] * len(ids)), strict=True)]
        stored = [
            {"member_id": str(m), "amount": format_amount(v, currency)}
            for m, v in zip(ids, values, strict=True)
        ]
    return list(zip(ids, parts, strict=True)), {"mode": mode.value, "entries": stored}


def _stray_fields(i: int, entry: SplitEntryIn, mode: SplitMode) -> list[FieldError]:
    """A value the mode needs must be there; a value it does not use must not be."""
    wanted = SPLIT_VALUE_FIELD[mode]
    errors = []
    for field in ("shares", "percent", "amount"):
        present = getattr(entry, field) is not None
        if field == wanted and not present and mode is not SplitMode.ADJUSTMENT:
            errors.append(FieldError(("split", "entries", i, field), f"required in a {mode} split"))
        elif field != wanted and present:
            errors.append(FieldError(("split", "entries", i, field), f"not used by a {mode} split"))
    return errors


def _weight(i: int, text: str | None, field: str) -> Decimal:
    loc = ("split", "entries", i, field)
    assert text is not None  # _stray_fields checked it
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationError.at(loc, f"{text!r} is not a decimal number") from None
    if not value.is_finite() or value < 0:
        raise ValidationError.at(loc, "must be a number of 0 or more")
    if value.as_tuple().exponent < -6 or value > 10**9:  # type: ignore[operator]
        raise ValidationError.at(loc, "must have at most 6 decimals and be below 1,000,000,000")
    return value


def _amounts(entries: Sequence[SplitEntryIn], currency: Currency) -> list[int]:
    errors: list[FieldError] = []
    values = []
    for i, entry in enumerate(entries):
        try:
            text = entry.amount if entry.amount is not None else "0"
            values.append(parse_amount(text, currency, field=f"split.entries.{i}.amount"))
        except ValidationError as exc:
            errors.extend(exc.errors)
    _raise(errors)
    return values


def _canonical(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def _not_a_member(member_id: uuid.UUID) -> str:
    return f"{member_id} is not a current member of this group"


def _raise(errors: list[FieldError]) -> None:
    if errors:
        first = errors[0]
        detail = str(first) if len(errors) == 1 else f"{len(errors)} problems, first: {first}"
        raise ValidationError(detail, errors)
