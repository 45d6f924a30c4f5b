"""Settle-up: suggest the fewest transfers that zero every balance, and record them."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from pennywise_core.models import Role, TransactionKind, User, utctoday
from pennywise_core.money import format_amount, get_currency
from pennywise_core.schemas import (
    PayerIn,
    SettlementRead,
    SplitEntryIn,
    SplitIn,
    TransactionCreate,
    TransactionRead,
    TransferRead,
)
from pennywise_core.services import balances, conversions, events, rates, transactions
from pennywise_core.services.access import membership
from pennywise_core.settle import minimal_transfers


async def suggest(
    session: AsyncSession,
    actor: User,
    group_id: uuid.UUID,
    *,
    currency: str | None = None,
    in_currency: str | None = None,
    on: dt.date | None = None,
) -> SettlementRead:
    """Transfers per currency that bring every balance to zero.

    Per currency: the proven minimal number of transfers where the non-zero balances are
    few enough for an exact search, a heuristic (never worse than greedy) above that.
    ``proven_minimal`` is true only if every currency's answer was proven.

    With ``in_currency``: every balance is first converted to that one currency at the
    rates of ``on`` (default today; see :func:`balances.read_converted`), and the
    transfers settle the converted balances; the answer names the rates used.
    """
    found = await membership(session, actor, group_id)
    if in_currency is not None:
        day = on or utctoday()
        total, quotes = await balances.converted_amounts(session, found, in_currency, day)
        code = get_currency(in_currency).code
        settlement = minimal_transfers(total)
        return SettlementRead(
            transfers=[
                TransferRead(
                    from_member_id=t.debtor,
                    to_member_id=t.creditor,
                    amount=format_amount(t.amount, code),
                    currency=code,
                )
                for t in settlement.transfers
            ],
            proven_minimal=settlement.proven_minimal,
            converted_to=code,
            rates=[rates.used(q) for q in quotes.values()],
        )
    transfers: list[TransferRead] = []
    proven = True
    for code, amounts in (await balances.amounts(session, group_id, currency=currency)).items():
        settlement = minimal_transfers(amounts)
        proven = proven and settlement.proven_minimal
        transfers.extend(
            TransferRead(
                from_member_id=t.debtor,
                to_member_id=t.creditor,
                amount=format_amount(t.amount, code),
                currency=code,
            )
            for t in settlement.transfers
        )
    return SettlementRead(transfers=transfers, proven_minimal=proven)


async def record(
    session: AsyncSession,
    actor: User,
    group_id: uuid.UUID,
    *,
    currency: str | None = None,
    date: dt.date | None = None,
    in_currency: str | None = None,
    on: dt.date | None = None,
) -> list[TransactionRead]:
    """Record the current suggestion as ordinary transfer transactions.

    With ``in_currency``: first a conversion (:func:`conversions.convert_all`) moves every
    balance into that currency at the rates of ``on`` (default ``date``, else today), then
    the transfers settle it there, so every currency's ledger ends at zero. The answer is
    the conversion's transactions, then the transfers.
    """
    found = await membership(session, actor, group_id, min_role=Role.MEMBER, writable=True)
    balances.check_one_view(currency, in_currency)
    # The balances stay as read until the transfers land: the suggestion is exact, and the
    # transfers' balance writes take no row that is not already this transaction's.
    await balances.lock(session, group_id)
    converted: list[TransactionRead] = []
    if in_currency is not None:
        day = on or date or utctoday()
        currency = get_currency(in_currency).code
        converted = await conversions.convert_all(
            session, actor, found, currency, on=day, booked_on=date
        )
    suggestion = await suggest(session, actor, group_id, currency=currency)
    recorded = converted + [
        await transactions.create(
            session,
            actor,
            TransactionCreate(
                group_id=group_id,
                kind=TransactionKind.TRANSFER,
                description="Settle up",
                amount=t.amount,
                currency=t.currency,
                date=date,
                category="settlement",
                paid_by=[PayerIn(member_id=t.from_member_id)],
                split=SplitIn(entries=[SplitEntryIn(member_id=t.to_member_id)]),
            ),
        )
        for t in suggestion.transfers
    ]
    if recorded:
        events.emit(
            session,
            group_id=group_id,
            type="settlement.recorded",
            actor=actor,
            target_type="group",
            target_id=group_id,
            data={
                "currency": currency,
                "transactions": [t.model_dump(mode="json") for t in recorded],
            },
        )
    return recorded
