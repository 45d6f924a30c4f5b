"""Balances: kept in a table in step with every write, read in O(members), verifiable.

A member's balance in a currency is Σpaid − Σowed over the live transactions' entries;
positive means the group owes them. :func:`apply` is called in the same database
transaction as every create, edit, delete and restore, so the table can never be seen out
of step; :func:`verify` recomputes it from the entries and reports (or repairs) any drift.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pennywise_core.db import conflict_insert
from pennywise_core.errors import ValidationError
from pennywise_core.models import Balance, Entry, Member, Role, Transaction, User, utctoday
from pennywise_core.money import format_amount, get_currency
from pennywise_core.rates import RateQuote, convert_balances
from pennywise_core.schemas import BalanceDrift, BalanceRead, ConvertedBalances, VerifyReport
from pennywise_core.services import rates
from pennywise_core.services.access import Membership, membership

BalanceChanges = dict[tuple[str, uuid.UUID], int]
"""What one database transaction does to a group's balances: ``{(currency, member_id):
delta}``, gathered with :func:`gather` and written with :func:`apply_changes`."""


def gather(
    currency: str,
    entries: Iterable[tuple[uuid.UUID, int, int]],
    *,
    sign: int = 1,
    into: BalanceChanges | None = None,
) -> BalanceChanges:
    """Add (``sign=1``) or take back (``sign=-1``) a transaction's entries ``(member, paid,
    owed)`` in ``currency``, into ``into`` (a new dict by default), which is returned."""
    out: BalanceChanges = {} if into is None else into
    for member_id, paid, owed in entries:
        key = (currency, member_id)
        out[key] = out.get(key, 0) + sign * (paid - owed)
    return out


async def apply_changes(
    session: AsyncSession, *, group_id: uuid.UUID, changes: BalanceChanges
) -> None:
    """Write a group's balance changes in ONE statement that takes the rows in lock order.

    An atomic ``INSERT … ON CONFLICT DO UPDATE SET amount = amount + delta``: two concurrent
    writers to the same group both land, on SQLite and on PostgreSQL alike.

    **Lock order.** PostgreSQL locks the rows of a multi-row ``INSERT … ON CONFLICT`` one
    by one in the order of its ``VALUES``; two transactions that take the same rows in
    different orders (one paid by Ann and split with Bob, the other the other way round)
    deadlock. So every transaction takes balance rows in one order, by group, currency,
    member id: the rows here are sorted, and a write that changes balances more than once
    (an edit: the old entries out and the new ones in; an import; a repair) gathers its
    changes with :func:`gather` and applies them in one call. A transaction that must call
    this more than once for one group calls it in increasing currency order.
    """
    if not changes:
        return
    rows = [
        {"group_id": group_id, "member_id": member_id, "currency": currency, "amount": delta}
        for (currency, member_id), delta in sorted(changes.items())
    ]
    keys = [Balance.group_id, Balance.member_id, Balance.currency]
    statement = conflict_insert(session, Balance).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=keys, set_={"amount": Balance.amount + statement.excluded.amount}
    )
    await session.execute(statement)


async def apply(
    session: AsyncSession,
    *,
    group_id: uuid.UUID,
    currency: str,
    entries: Iterable[tuple[uuid.UUID, int, int]],
    sign: int,
) -> None:
    """Add (``sign=1``) or take back (``sign=-1``) one transaction's entries: one
    :func:`apply_changes` (see there for the lock order every caller keeps)."""
    await apply_changes(session, group_id=group_id, changes=gather(currency, entries, sign=sign))


async def lock(session: AsyncSession, group_id: uuid.UUID) -> None:
    """Lock every balance row of the group, in lock order, until the transaction ends: a
    write that reads balances to decide what to write (recording a settle-up) reads them
    as they stay, and its later :func:`apply` calls take no new row. Nothing on SQLite,
    whose writers already run one at a time."""
    if session.get_bind().dialect.name != "postgresql":
        return
    await session.execute(
        select(Balance.member_id)
        .where(Balance.group_id == group_id)
        .order_by(Balance.currency, Balance.member_id)
        .with_for_update()
    )


async def read(
    session: AsyncSession, actor: User, group_id: uuid.UUID, *, currency: str | None = None
) -> list[BalanceRead]:
    """Every member's balance per currency (members with no activity in it are left out).

    Removed members keep appearing while they hold a non-zero balance — they cannot be
    removed with one, so in practice they disappear.
    """
    await membership(session, actor, group_id)
    query = (
        select(Balance, Member.display_name)
        .join(Member, Member.id == Balance.member_id)
        .where(Balance.group_id == group_id)
        .where((Member.removed_at.is_(None)) | (Balance.amount != 0))
        .order_by(Balance.currency, Member.created_at, Member.id)
    )
    if currency is not None:
        query = query.where(Balance.currency == currency)
    rows = (await session.execute(query)).all()
    return [
        BalanceRead(
            member_id=b.member_id,
            display_name=name,
            currency=b.currency,
            balance=format_amount(b.amount, b.currency),
        )
        for b, name in rows
    ]


async def amounts(
    session: AsyncSession, group_id: uuid.UUID, *, currency: str | None = None
) -> dict[str, dict[uuid.UUID, int]]:
    """Balances as integers: ``{currency: {member_id: minor units}}``, zeros omitted."""
    query = select(Balance).where(Balance.group_id == group_id, Balance.amount != 0)
    if currency is not None:
        query = query.where(Balance.currency == currency)
    result: dict[str, dict[uuid.UUID, int]] = defaultdict(dict)
    for b in (await session.scalars(query.order_by(Balance.currency, Balance.member_id))).all():
        result[b.currency][b.member_id] = b.amount
    return dict(result)


def check_one_view(currency: str | None, in_currency: str | None) -> None:
    """Only one currency's ledger (``currency``) and every ledger converted into one
    (``in_currency``) exclude each other."""
    if currency is not None and in_currency is not None:
        raise ValidationError.at("currency", "give currency or in, not both")


async def converted_amounts(
    session: AsyncSession, found: Membership, currency: str, on: dt.date
) -> tuple[dict[uuid.UUID, int], dict[str, RateQuote]]:
    """Every member's balances over all currencies in ``currency``, at the rates of ``on``
    (:func:`pennywise_core.rates.convert_balances`: they sum to exactly zero), zeros
    omitted, and the rate used for each other currency."""
    target = get_currency(currency)
    per_currency = await amounts(session, found.group.id)
    quotes = await rates.quotes_into(session, found.group, per_currency, target.code, on)
    total = convert_balances(per_currency, {code: q.rate for code, q in quotes.items()}, target)
    return {m: v for m, v in total.items() if v}, quotes


async def read_converted(
    session: AsyncSession,
    actor: User,
    group_id: uuid.UUID,
    *,
    currency: str,
    on: dt.date | None = None,
) -> ConvertedBalances:
    """Every member's balance over all currencies, in ``currency`` at the rates of ``on``
    (default today): the group's own rates where set, else the reference rates; the answer
    names each rate used. The per-currency ledgers are not changed."""
    found = await membership(session, actor, group_id)
    day = on or utctoday()
    total, quotes = await converted_amounts(session, found, currency, day)
    members = (
        await session.execute(
            select(Member.id, Member.display_name, Member.removed_at)
            .where(Member.group_id == group_id)
            .order_by(Member.created_at, Member.id)
        )
    ).all()
    code = get_currency(currency).code
    return ConvertedBalances(
        currency=code,
        date=day,
        balances=[
            BalanceRead(
                member_id=member_id,
                display_name=name,
                currency=code,
                balance=format_amount(total.get(member_id, 0), code),
            )
            for member_id, name, removed_at in members
            if removed_at is None or total.get(member_id)
        ],
        rates=[rates.used(q) for q in quotes.values()],
    )


BalanceKey = tuple[uuid.UUID, uuid.UUID, str]
"""A balance row's key: ``(group_id, member_id, currency)``."""


async def recompute(
    session: AsyncSession, *, group_id: uuid.UUID | None = None
) -> dict[BalanceKey, int]:
    """Σpaid − Σowed of the live transactions' entries, per (group, member, currency).

    One aggregate query, over one group or (``group_id=None``) the whole database: the one
    recomputation that :func:`verify` and :mod:`pennywise_core.integrity` both compare with.
    """
    query = (
        select(
            Entry.group_id, Entry.member_id, Transaction.currency, func.sum(Entry.paid - Entry.owed)
        )
        .join(Transaction, Transaction.id == Entry.transaction_id)
        .where(Transaction.deleted_at.is_(None))
        .group_by(Entry.group_id, Entry.member_id, Transaction.currency)
    )
    if group_id is not None:
        query = query.where(Entry.group_id == group_id)
    return {(g, m, c): int(total) for g, m, c, total in await session.execute(query)}


async def stored_amounts(
    session: AsyncSession, *, group_id: uuid.UUID | None = None
) -> dict[BalanceKey, int]:
    """The balances table as it is, per (group, member, currency), zeros included."""
    query = select(Balance.group_id, Balance.member_id, Balance.currency, Balance.amount)
    if group_id is not None:
        query = query.where(Balance.group_id == group_id)
    return {(g, m, c): int(amount) for g, m, c, amount in await session.execute(query)}


def drifted(stored: dict[BalanceKey, int], computed: dict[BalanceKey, int]) -> list[BalanceKey]:
    """The keys whose stored balance is not the recomputed one (a missing row counts as 0),
    by group, currency, member."""
    return sorted(
        (k for k in set(stored) | set(computed) if stored.get(k, 0) != computed.get(k, 0)),
        key=lambda k: (str(k[0]), k[2], str(k[1])),
    )


async def set_to_computed(
    session: AsyncSession,
    keys: Iterable[BalanceKey],
    stored: dict[BalanceKey, int],
    computed: dict[BalanceKey, int],
) -> None:
    """Bring the drifted ``keys`` to their computed balance by adding the difference (so a
    write that lands meanwhile is kept): one :func:`apply_changes` per group, groups in
    increasing id order, as the lock order asks."""
    by_group: dict[uuid.UUID, BalanceChanges] = defaultdict(dict)
    for g, m, c in keys:
        by_group[g][(c, m)] = computed.get((g, m, c), 0) - stored.get((g, m, c), 0)
    for g in sorted(by_group):
        await apply_changes(session, group_id=g, changes=by_group[g])


async def verify(
    session: AsyncSession, actor: User, group_id: uuid.UUID, *, repair: bool = False
) -> VerifyReport:
    """Recompute balances from the entries of live transactions and compare.

    With ``repair`` (admins and owners), the stored balances are set to the computed ones.
    The whole database, with every other ledger invariant, is :mod:`pennywise_core.integrity`.
    """
    await membership(session, actor, group_id, min_role=Role.ADMIN if repair else Role.VIEWER)
    computed = await recompute(session, group_id=group_id)
    stored = await stored_amounts(session, group_id=group_id)
    keys = drifted(stored, computed)
    drift = [
        BalanceDrift(
            member_id=m,
            currency=c,
            stored=format_amount(stored.get((g, m, c), 0), c),
            computed=format_amount(computed.get((g, m, c), 0), c),
        )
        for g, m, c in keys
    ]
    if repair and keys:
        await set_to_computed(session, keys, stored, computed)
    return VerifyReport(ok=not drift, drift=drift, repaired=repair and bool(drift))
