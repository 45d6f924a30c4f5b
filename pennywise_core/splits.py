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

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from pennywise_core.errors import FieldError, ValidationError
from pennywise_core.models import SplitMode, TransactionKind
from pennywise_core.money import Currency, allocate, format_amount, parse_amount
from pennywise_core.schemas import PayerIn, SplitEntryIn, SplitIn

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
) -> Computed:
    """Turn payers and a split into entries.

    ``members`` are the group's current members, in a stable order; every member named in
    ``paid_by`` or ``split`` must be one of them, and an ``equal`` split with no entries is
    over all of them.
    """
    known = set(members)
    payers = _payers(amount, currency, paid_by, known)
    if kind is TransactionKind.TRANSFER:
        _check_transfer(payers, split)
    shares, split_params = _split(amount, currency, split, members, known)

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
        field = "shares" if mode is SplitMode.SHARES else "percent"
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


_FIELD_OF_MODE = {
    SplitMode.EQUAL: None,
    SplitMode.SHARES: "shares",
    SplitMode.PERCENT: "percent",
    SplitMode.EXACT: "amount",
    SplitMode.ADJUSTMENT: "amount",
}


def _stray_fields(i: int, entry: SplitEntryIn, mode: SplitMode) -> list[FieldError]:
    """A value the mode needs must be there; a value it does not use must not be."""
    wanted = _FIELD_OF_MODE[mode]
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
