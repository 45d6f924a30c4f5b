"""Settle-up: suggest the fewest transfers that zero every balance, and record them."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from pennywise_core.models import Role, TransactionKind, User
from pennywise_core.money import format_amount
from pennywise_core.schemas import (
    PayerIn,
    SettlementRead,
    SplitEntryIn,
    SplitIn,
    TransactionCreate,
    TransactionRead,
    TransferRead,
)
from pennywise_core.services import balances, transactions
from pennywise_core.services.access import membership
from pennywise_core.settle import minimal_transfers


async def suggest(
    session: AsyncSession, actor: User, group_id: uuid.UUID, *, currency: str | None = None
) -> SettlementRead:
    """Transfers per currency that bring every balance to zero.

    Per currency: the proven minimal number of transfers where the non-zero balances are
    few enough for an exact search, a heuristic (never worse than greedy) above that.
    ``proven_minimal`` is true only if every currency's answer was proven.
    """
    await membership(session, actor, group_id)
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
) -> list[TransactionRead]:
    """Record the current suggestion as ordinary transfer transactions."""
    await membership(session, actor, group_id, min_role=Role.MEMBER, writable=True)
    # The balances stay as read until the transfers land: the suggestion is exact, and the
    # transfers' balance writes take no row that is not already this transaction's.
    await balances.lock(session, group_id)
    suggestion = await suggest(session, actor, group_id, currency=currency)
    return [
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
