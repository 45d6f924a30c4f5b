"""The acting user's own spending across all their groups, by month or by category."""

from __future__ import annotations

from collections import defaultdict
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pennywise_core.models import Entry, Group, Member, Transaction, TransactionKind, User
from pennywise_core.money import format_amount
from pennywise_core.schemas import SummaryRead, SummaryRow


async def spending(
    session: AsyncSession, actor: User, *, by: Literal["month", "category"] = "month"
) -> SummaryRead:
    """The actor's share of spending, per currency.

    Their share of an expense is what they *owe* of it (not what they paid: paying for
    others is lending, not spending); a refund (income) they are entitled to lowers it.
    Transfers are settlements, not spending.
    """
    rows = await session.execute(
        select(
            Transaction.kind,
            Transaction.date,
            Transaction.category,
            Transaction.currency,
            Entry.paid,
            Entry.owed,
        )
        .join(Entry, Entry.transaction_id == Transaction.id)
        .join(Member, Member.id == Entry.member_id)
        .join(Group, Group.id == Transaction.group_id)
        .where(
            Member.user_id == actor.id,
            Transaction.deleted_at.is_(None),
            Group.deleted_at.is_(None),
            Transaction.kind != TransactionKind.TRANSFER,
        )
    )
    totals: dict[tuple[str | None, str | None, str], int] = defaultdict(int)
    for kind, date, category, currency, paid, owed in rows:
        share = owed if kind is TransactionKind.EXPENSE else -paid
        key = (f"{date:%Y-%m}", None, currency) if by == "month" else (None, category, currency)
        totals[key] += share
    ordered = sorted(totals.items(), key=lambda kv: (kv[0][2], kv[0][0] or "", kv[0][1] or ""))
    return SummaryRead(
        by=by,
        rows=[
            SummaryRow(period=p, category=c, currency=cur, amount=format_amount(v, cur))
            for (p, c, cur), v in ordered
            if v
        ],
    )
