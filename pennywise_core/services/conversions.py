"""Conversions: move every member's balance from the group's other currencies into one.

A conversion is a batch of transactions of the kind ``conversion``, one per currency that
has balances, written together and deleted together:

* for each other currency, one that brings every balance in it to exactly zero (who is
  owed gives it up: ``owed``; who owes is freed of it: ``paid``);
* for the target currency, one that adds what those balances are worth there: each
  member's balances over all currencies converted at the rates of the day, rounded by
  largest remainder (:func:`pennywise_core.rates.convert_balances`), minus what they
  already had in the target.

Each is zero-sum in its own currency, so every ledger still sums to zero, and afterwards
only the target currency holds balances: a settle-up in it zeroes everything. Every
transaction of the batch carries the batch's id, target, day and rates (``exchange``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from pennywise_core.models import SplitMode, TransactionKind, User
from pennywise_core.money import format_amount, get_currency
from pennywise_core.schemas import (
    PayerIn,
    SplitEntryIn,
    SplitIn,
    TransactionCreate,
    TransactionRead,
)
from pennywise_core.services import balances, rates, transactions
from pennywise_core.services.access import Membership


async def convert_all(
    session: AsyncSession,
    actor: User,
    found: Membership,
    currency: str,
    *,
    on: dt.date,
    booked_on: dt.date | None = None,
) -> list[TransactionRead]:
    """Record one conversion batch moving every balance into ``currency`` at the rates of
    ``on`` (the group's own, else the reference rates); dated ``booked_on`` (default
    ``on``). Nothing when no other currency holds a balance. The caller holds the
    group's balance rows (:func:`balances.lock`) and checked the actor may write."""
    target = get_currency(currency)
    group = found.group
    per_currency = await balances.amounts(session, group.id)
    if not any(code != target.code for code in per_currency):
        return []
    quotes = await rates.quotes_into(session, group, per_currency, target.code, on)
    totals, _ = await balances.converted_amounts(session, found, target.code, on)
    exchange: dict[str, Any] = {
        "batch": str(uuid.uuid4()),
        "into": target.code,
        "date": on.isoformat(),
        "rates": [rates.used(q).model_dump(mode="json") for q in quotes.values()],
    }
    moves: dict[str, dict[uuid.UUID, int]] = {
        code: {m: -b for m, b in amounts.items()}
        for code, amounts in per_currency.items()
        if code != target.code
    }
    held = per_currency.get(target.code, {})
    into = {m: totals.get(m, 0) - held.get(m, 0) for m in set(totals) | set(held)}
    moves[target.code] = {m: d for m, d in into.items() if d}
    created = []
    # One currency after another in increasing order: the lock order of balance rows.
    for code in sorted(moves):
        if moves[code]:
            created.append(
                await _book(session, actor, found, code, moves[code], exchange, booked_on or on)
            )
    return created


async def _book(
    session: AsyncSession,
    actor: User,
    found: Membership,
    code: str,
    moves: dict[uuid.UUID, int],
    exchange: dict[str, Any],
    day: dt.date,
) -> TransactionRead:
    """One currency's part: those whose balance goes up "paid", the others "owed"."""
    up = sorted((m, d) for m, d in moves.items() if d > 0)
    down = sorted((m, -d) for m, d in moves.items() if d < 0)
    amount = sum(d for _, d in up)
    into = exchange["into"]
    description = (
        f"Conversion of every balance into {into}"
        if code == into
        else f"Conversion of {code} balances into {into}"
    )
    return await transactions.book(
        session,
        actor,
        TransactionCreate(
            group_id=found.group.id,
            kind=TransactionKind.CONVERSION,
            description=description,
            amount=format_amount(amount, code),
            currency=code,
            date=day,
            category="conversion",
            paid_by=[PayerIn(member_id=m, amount=format_amount(d, code)) for m, d in up],
            split=SplitIn(
                mode=SplitMode.EXACT,
                entries=[SplitEntryIn(member_id=m, amount=format_amount(d, code)) for m, d in down],
            ),
        ),
        exchange=exchange,
    )
