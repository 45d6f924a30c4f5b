"""Helpers for the import/export tests: fixture files, running imports, reading results."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pennywise_core import exports, imports
from pennywise_core.models import Activity, Balance, Entry, Member, Transaction, User
from pennywise_core.money import format_amount

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


async def run_file(
    session: AsyncSession, actor: User, group_id: uuid.UUID, name: str, **kwargs: Any
) -> imports.ImportReport:
    with (FIXTURES / name).open("rb") as source:
        return await imports.run(session, actor, group_id, source, **kwargs)


async def run_bytes(
    session: AsyncSession, actor: User, group_id: uuid.UUID, data: bytes, **kwargs: Any
) -> imports.ImportReport:
    return await imports.run(session, actor, group_id, io.BytesIO(data), **kwargs)


def chunks(data: bytes, size: int) -> Iterator[bytes]:
    """``data`` in pieces of ``size`` bytes (cutting through UTF-8 characters on purpose)."""
    for i in range(0, len(data), size):
        yield data[i : i + size]


async def balances(session: AsyncSession, group_id: uuid.UUID) -> dict[tuple[str, str], str]:
    """``{(member name, currency): "12.34"}`` from the balances table, zeros left out."""
    rows = await session.execute(
        select(Member.display_name, Balance.currency, Balance.amount)
        .join(Member, Member.id == Balance.member_id)
        .where(Balance.group_id == group_id)
    )
    return {(name, code): format_amount(amount, code) for name, code, amount in rows if amount}


def report_balances(report: imports.ImportReport) -> dict[tuple[str, str], str]:
    return {
        (b.display_name, b.currency): b.balance
        for b in report.balances
        if b.balance.strip("-0.") != ""
    }


async def counts(session: AsyncSession, group_id: uuid.UUID) -> dict[str, int]:
    """How many rows of each kind the group has: to prove that nothing was written."""
    result = {}
    for name, model in (
        ("transactions", Transaction),
        ("entries", Entry),
        ("members", Member),
        ("balances", Balance),
        ("activity", Activity),
    ):
        result[name] = int(
            await session.scalar(
                select(func.count()).select_from(model).where(model.group_id == group_id)
            )
            or 0
        )
    return result


async def member_ids(session: AsyncSession, group_id: uuid.UUID) -> dict[str, uuid.UUID]:
    rows = await session.execute(
        select(Member.display_name, Member.id).where(Member.group_id == group_id)
    )
    return {row[0]: row[1] for row in rows.all()}


async def transactions_by_description(
    session: AsyncSession, group_id: uuid.UUID
) -> dict[str, Transaction]:
    from sqlalchemy.orm import selectinload

    rows = await session.scalars(
        select(Transaction)
        .where(Transaction.group_id == group_id)
        .options(selectinload(Transaction.entries))
    )
    return {tx.description: tx for tx in rows}


def entries_by_name(tx: Transaction, names: dict[uuid.UUID, str]) -> dict[str, tuple[str, str]]:
    """``{name: (paid, owed)}`` of a transaction."""
    return {
        names[e.member_id]: (format_amount(e.paid, tx.currency), format_amount(e.owed, tx.currency))
        for e in tx.entries
    }


async def export_text(session: AsyncSession, actor: User, group_id: uuid.UUID, fmt: str) -> str:
    out = io.StringIO()
    await exports.write(session, actor, group_id, out, format=fmt)
    return out.getvalue()
