"""The whole database against every promise the ledger makes: the operator's check.

:func:`check_database` runs each registered check over every group at once and returns one
:class:`IntegrityReport`. It takes no acting user: it is the tool of whoever holds the
database URL (``pennywise db verify``), not a service a member calls (that one is
:func:`pennywise_core.services.balances.verify`, for one group; both compare the same
recomputation, :func:`~pennywise_core.services.balances.recompute`).

Every check is a whole-database query that returns only what is wrong (an aggregate over
every group at once, never a query per group), so the cost is a few scans of the entries,
whatever the number of groups. The checks (see DESIGN.md, "Ledger", and ``models.py``):

* ``balance_drift``: each stored balance is Σpaid − Σowed over the live transactions'
  entries of that group, member and currency;
* ``zero_sum``: each group's stored balances sum to zero in every currency;
* ``entry_sums``: each transaction's entries have Σpaid = Σowed = amount > 0, none negative
  (deleted ones too: a restore brings them back);
* ``entry_members``: each entry belongs to its transaction's group and to a member of it;
* ``balance_members``: each balance row belongs to a member of its group;
* ``owners``: each group that is not deleted has an owner who has not been removed.

A new invariant (conversions, for one) is one more ``@check`` function below.

Run it on one snapshot (:func:`pennywise_core.db.begin_snapshot` before the first
statement): otherwise a write committed between two queries reads as drift.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from sqlalchemy import and_, func, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from pennywise_core.errors import ValidationError
from pennywise_core.models import Balance, Entry, Group, Member, Role, Transaction, TransactionKind
from pennywise_core.money import format_amount, get_currency
from pennywise_core.rates import convert_amount, parse_rate
from pennywise_core.services import balances
from pennywise_core.services.balances import BalanceKey


class Problem(BaseModel):
    """One broken promise. Fields that do not apply to its check are None."""

    check: str
    message: str
    group_id: uuid.UUID | None
    group: str | None = None
    member_id: uuid.UUID | None = None
    member: str | None = None
    transaction_id: uuid.UUID | None = None
    currency: str | None = None
    stored: str | None = None
    """What the database holds (a balance, or the sum of a group's balances)."""
    recomputed: str | None = None
    """What it should hold, recomputed from the entries."""
    repaired: bool = False


class IntegrityReport(BaseModel):
    ok: bool
    """No problem is left (none found, or every one found was repaired)."""
    groups_checked: int
    transactions_checked: int
    balances_checked: int
    checks: list[str]
    problems: list[Problem]
    repaired: int
    """How many problems ``repair`` fixed."""


@dataclass(frozen=True)
class Ledger:
    """What several checks share, read once: stored and recomputed balances."""

    stored: dict[BalanceKey, int]
    computed: dict[BalanceKey, int]


Check = Callable[[AsyncSession, Ledger], Awaitable[list[Problem]]]
CHECKS: dict[str, Check] = {}
"""The registered checks by name, in the order they run and report."""

REPAIRABLE = frozenset({"balance_drift", "zero_sum"})
"""What ``repair`` can fix: stored balances, by setting them to the recomputed ones. Only
in a group with no other problem: there the entries, so the recomputation, can be trusted."""


def check(name: str) -> Callable[[Check], Check]:
    def register(function: Check) -> Check:
        CHECKS[name] = function
        return function

    return register


def _amount(minor: int, currency: str) -> str:
    try:
        return format_amount(minor, currency)
    except ValidationError:  # a currency code written by SQL may be no currency at all
        return str(minor)


@check("balance_drift")
async def _balance_drift(session: AsyncSession, ledger: Ledger) -> list[Problem]:
    stored, computed = ledger.stored, ledger.computed
    return [
        Problem(
            check="balance_drift",
            message="the stored balance is not Σpaid − Σowed of the live transactions",
            group_id=g,
            member_id=m,
            currency=c,
            stored=_amount(stored.get((g, m, c), 0), c),
            recomputed=_amount(computed.get((g, m, c), 0), c),
        )
        for g, m, c in balances.drifted(stored, computed)
    ]


def _sums(amounts: dict[BalanceKey, int]) -> dict[tuple[uuid.UUID, str], int]:
    sums: dict[tuple[uuid.UUID, str], int] = defaultdict(int)
    for (g, _m, c), amount in amounts.items():
        sums[(g, c)] += amount
    return sums


@check("zero_sum")
async def _zero_sum(session: AsyncSession, ledger: Ledger) -> list[Problem]:
    stored, computed = _sums(ledger.stored), _sums(ledger.computed)
    return [
        Problem(
            check="zero_sum",
            message="the group's stored balances do not sum to zero",
            group_id=g,
            currency=c,
            stored=_amount(total, c),
            recomputed=_amount(computed.get((g, c), 0), c),
        )
        for (g, c), total in sorted(stored.items(), key=lambda item: (str(item[0][0]), item[0][1]))
        if total != 0
    ]


@check("entry_sums")
async def _entry_sums(session: AsyncSession, ledger: Ledger) -> list[Problem]:
    # The entries summed per transaction first (one hash on one key), then set beside each
    # transaction: a transaction with no entry at all has sums of 0, so it is caught too.
    sums = (
        select(
            Entry.transaction_id,
            func.sum(Entry.paid).label("paid"),
            func.sum(Entry.owed).label("owed"),
            func.min(Entry.paid).label("lowest_paid"),
            func.min(Entry.owed).label("lowest_owed"),
        )
        .group_by(Entry.transaction_id)
        .subquery()
    )
    paid, owed = func.coalesce(sums.c.paid, 0), func.coalesce(sums.c.owed, 0)
    rows = await session.execute(
        select(
            Transaction.id,
            Transaction.group_id,
            Transaction.currency,
            Transaction.amount,
            Transaction.deleted_at,
            paid,
            owed,
            sums.c.lowest_paid,
            sums.c.lowest_owed,
        )
        .outerjoin(sums, sums.c.transaction_id == Transaction.id)
        .where(
            or_(
                Transaction.amount <= 0,
                paid != Transaction.amount,
                owed != Transaction.amount,
                sums.c.lowest_paid < 0,
                sums.c.lowest_owed < 0,
            )
        )
        .order_by(Transaction.group_id, Transaction.id)
    )
    problems = []
    for tx_id, group_id, currency, amount, deleted_at, sum_paid, sum_owed, *lowest in rows:
        broken = [f"amount {_amount(amount, currency)}"]
        if sum_paid != amount:
            broken.append(f"Σpaid {_amount(int(sum_paid), currency)}")
        if sum_owed != amount:
            broken.append(f"Σowed {_amount(int(sum_owed), currency)}")
        least = min((int(v) for v in lowest if v is not None), default=0)
        if least < 0:
            broken.append(f"a negative part ({_amount(least, currency)})")
        problems.append(
            Problem(
                check="entry_sums",
                message=(
                    f"{'a deleted' if deleted_at else 'a'} transaction's entries break "
                    f"Σpaid = Σowed = amount > 0, none negative: {', '.join(broken)}"
                ),
                group_id=group_id,
                transaction_id=tx_id,
                currency=currency,
            )
        )
    return problems


@check("entry_members")
async def _entry_members(session: AsyncSession, ledger: Ledger) -> list[Problem]:
    rows = await session.execute(
        select(Entry.transaction_id, Entry.member_id, Entry.group_id, Transaction.group_id)
        .outerjoin(Transaction, Transaction.id == Entry.transaction_id)
        .outerjoin(
            Member, and_(Member.id == Entry.member_id, Member.group_id == Transaction.group_id)
        )
        .where(
            or_(
                Transaction.id.is_(None),
                Entry.group_id != Transaction.group_id,
                Member.id.is_(None),
            )
        )
        .order_by(Entry.group_id, Entry.transaction_id, Entry.member_id)
    )
    problems = []
    for tx_id, member_id, entry_group, tx_group in rows:
        if tx_group is None:
            message = "an entry of a transaction that does not exist"
        elif entry_group != tx_group:
            message = f"an entry carries group {entry_group}, not its transaction's group"
        else:
            message = "an entry's member is not a member of the transaction's group"
        problems.append(
            Problem(
                check="entry_members",
                message=message,
                group_id=tx_group or entry_group,
                member_id=member_id,
                transaction_id=tx_id,
            )
        )
    return problems


@check("balance_members")
async def _balance_members(session: AsyncSession, ledger: Ledger) -> list[Problem]:
    rows = await session.execute(
        select(Balance.group_id, Balance.member_id, Balance.currency, Balance.amount)
        .outerjoin(
            Member, and_(Member.id == Balance.member_id, Member.group_id == Balance.group_id)
        )
        .where(Member.id.is_(None))
        .order_by(Balance.group_id, Balance.currency, Balance.member_id)
    )
    return [
        Problem(
            check="balance_members",
            message="a balance of someone who is not a member of the group",
            group_id=g,
            member_id=m,
            currency=c,
            stored=_amount(amount, c),
        )
        for g, m, c, amount in rows
    ]


@check("conversions")
async def _conversions(session: AsyncSession, ledger: Ledger) -> list[Problem]:
    # A transaction entered in another currency is booked at the amount its stored rate
    # gives, in its group's currency: computed once, never silently again.
    # A conversion's batch (one transaction per currency) is live, or deleted, as a whole.
    rows = await session.execute(
        select(
            Transaction.id,
            Transaction.group_id,
            Transaction.kind,
            Transaction.amount,
            Transaction.currency,
            Transaction.conversion,
            Transaction.deleted_at,
            Group.default_currency,
        )
        .join(Group, Group.id == Transaction.group_id)
        .where(Transaction.conversion.is_not(None))
        .order_by(Transaction.group_id, Transaction.id)
    )
    problems = []
    batches: dict[tuple[uuid.UUID, str], list[tuple[uuid.UUID, bool]]] = defaultdict(list)
    for tx_id, group_id, kind, amount, currency, conversion, deleted_at, group_currency in rows:
        if kind is TransactionKind.CONVERSION:
            batch = conversion.get("batch") if isinstance(conversion, dict) else None
            batches[(group_id, str(batch))].append((tx_id, deleted_at is not None))
            continue
        try:
            source = get_currency(conversion["currency"])
            expected = convert_amount(
                int(conversion["amount"]),
                source,
                parse_rate(conversion["rate"]),
                get_currency(currency),
            )
            why = (
                "the converted transaction is not in its group's currency"
                if currency != group_currency
                else "the booked amount is not the entered amount at the stored rate"
                if expected != amount
                else None
            )
            shown = _amount(expected, currency)
        except (KeyError, TypeError, ValueError, ValidationError):
            why, shown = "the stored conversion is unreadable", None
        if why is not None:
            problems.append(
                Problem(
                    check="conversions",
                    message=why,
                    group_id=group_id,
                    transaction_id=tx_id,
                    currency=currency,
                    stored=_amount(amount, currency),
                    recomputed=shown,
                )
            )
    for (group_id, _batch), members in sorted(batches.items(), key=lambda b: str(b[0])):
        if len({deleted for _, deleted in members}) > 1:
            problems.extend(
                Problem(
                    check="conversions",
                    message="part of a conversion batch is deleted and part is not",
                    group_id=group_id,
                    transaction_id=tx_id,
                )
                for tx_id, _ in members
            )
    return problems


@check("owners")
async def _owners(session: AsyncSession, ledger: Ledger) -> list[Problem]:
    has_owner = (
        select(Member.id)
        .where(
            Member.group_id == Group.id,
            Member.role == Role.OWNER,
            Member.removed_at.is_(None),
        )
        .exists()
    )
    rows = await session.scalars(
        select(Group.id).where(Group.deleted_at.is_(None), ~has_owner).order_by(Group.id)
    )
    return [
        Problem(check="owners", message="the group has no owner", group_id=g) for g in rows.all()
    ]


async def _count(session: AsyncSession, model: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


_CHUNK = 500  # ids per IN (…): well under every backend's limit on bound parameters


async def _names(
    session: AsyncSession, column: Any, name: Any, ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, str]:
    wanted = sorted(set(ids), key=str)
    found: dict[uuid.UUID, str] = {}
    for start in range(0, len(wanted), _CHUNK):
        rows = await session.execute(
            select(column, name).where(column.in_(wanted[start : start + _CHUNK]))
        )
        found.update({i: n for i, n in rows})  # noqa: C416 - rows, not pairs, to mypy
    return found


async def _name(session: AsyncSession, problems: list[Problem]) -> None:
    groups = await _names(
        session, Group.id, Group.name, (p.group_id for p in problems if p.group_id)
    )
    members = await _names(
        session, Member.id, Member.display_name, (p.member_id for p in problems if p.member_id)
    )
    for p in problems:
        p.group = groups.get(p.group_id) if p.group_id else None
        p.member = members.get(p.member_id) if p.member_id else None


async def check_database(session: AsyncSession, *, repair: bool = False) -> IntegrityReport:
    """Run every check over the whole database; with ``repair``, fix what is safe to fix.

    Repair sets drifted balances to the recomputed ones in the groups whose only problems
    are :data:`REPAIRABLE`, in the caller's transaction (which commits it or not).
    """
    if session.get_bind().dialect.name == "postgresql":
        # The per-transaction sums hash a million keys per million transactions: in the 4 MB
        # default that spills to disk in batches and takes twice as long. For this
        # transaction only (SET LOCAL), so the server's setting is left as it is.
        await session.execute(text("SET LOCAL work_mem = '256MB'"))
    ledger = Ledger(
        stored=await balances.stored_amounts(session),
        computed=await balances.recompute(session),
    )
    problems: list[Problem] = []
    for run in CHECKS.values():
        problems += await run(session, ledger)
    fixed = 0
    if repair:
        untrusted = {p.group_id for p in problems if p.check not in REPAIRABLE}
        fixable = [p for p in problems if p.check in REPAIRABLE and p.group_id not in untrusted]
        keys = [
            (p.group_id, p.member_id, p.currency)
            for p in fixable
            if p.check == "balance_drift" and p.group_id and p.member_id and p.currency
        ]
        await balances.set_to_computed(session, keys, ledger.stored, ledger.computed)
        for p in fixable:
            p.repaired = True
        fixed = len(fixable)
    await _name(session, problems)
    return IntegrityReport(
        ok=all(p.repaired for p in problems),
        groups_checked=await _count(session, Group),
        transactions_checked=await _count(session, Transaction),
        balances_checked=len(set(ledger.stored) | set(ledger.computed)),
        checks=list(CHECKS),
        problems=problems,
        repaired=fixed,
    )
