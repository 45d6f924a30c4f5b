"""The acting user's own spending and receipts across their groups, by month or by category."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from typing import Literal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pennywise_core.errors import ValidationError
from pennywise_core.models import Entry, Group, Member, Transaction, TransactionKind, User
from pennywise_core.money import format_amount
from pennywise_core.schemas import SummaryRead, SummaryRow
from pennywise_core.services.access import membership


async def spending(
    session: AsyncSession,
    actor: User,
    *,
    by: Literal["month", "category"] = "month",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    group_id: uuid.UUID | None = None,
) -> SummaryRead:
    """The actor's share of spending and of money received, per currency, kept apart.

    ``spent``: their share of expenses, what they *owe* of them (not what they paid: paying
    for others is lending, not spending). ``received``: their share of income (a refund, a
    salary), what they are entitled to of it, whoever received it. ``net`` = received −
    spent. Transfers are settlements, neither. ``date_from``/``date_to`` (inclusive) and
    ``group_id`` (one of the actor's groups, else a 404) narrow it.
    """
    if date_from is not None and date_to is not None and date_from > date_to:
        raise ValidationError.at("date_to", f"is before date_from ({date_from.isoformat()})")
    query = (
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
            # Settling up is neither spending nor receiving; nor is moving between currencies.
            Transaction.kind.not_in([TransactionKind.TRANSFER, TransactionKind.CONVERSION]),
        )
    )
    if group_id is not None:
        await membership(session, actor, group_id)  # not one of theirs: 404
        query = query.where(Transaction.group_id == group_id)
    if date_from is not None:
        query = query.where(Transaction.date >= date_from)
    if date_to is not None:
        query = query.where(Transaction.date <= date_to)
    # An income's entries hold the receivers in ``owed`` and the entitled in ``paid``.
    spent: dict[tuple[str | None, str | None, str], int] = defaultdict(int)
    received: dict[tuple[str | None, str | None, str], int] = defaultdict(int)
    for kind, date, category, currency, paid, owed in await session.execute(query):
        key = (f"{date:%Y-%m}", None, currency) if by == "month" else (None, category, currency)
        if kind is TransactionKind.EXPENSE:
            spent[key] += owed
        else:
            received[key] += paid
    keys = sorted(
        {k for k in (*spent, *received) if spent[k] or received[k]},
        key=lambda k: (k[2], k[0] or "", k[1] or ""),
    )
    return SummaryRead(
        by=by,
        date_from=date_from,
        date_to=date_to,
        group_id=group_id,
        rows=[
            SummaryRow(
                period=period,
                category=category,
                currency=currency,
                spent=format_amount(spent[(period, category, currency)], currency),
                received=format_amount(received[(period, category, currency)], currency),
                net=format_amount(
                    received[(period, category, currency)] - spent[(period, category, currency)],
                    currency,
                ),
            )
            for period, category, currency in keys
        ],
    )
