"""``db.begin_snapshot``: a long read (an export) sees one state of the database throughout."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pennywise_core import db
from pennywise_core.models import User
from pennywise_core.services import users


async def _count(session: AsyncSession) -> int:
    return (await session.execute(select(func.count()).select_from(User))).scalar_one()


async def test_a_write_committed_during_the_read_is_not_seen(
    session_maker: async_sessionmaker[AsyncSession],
) -> None:
    async def add_user() -> None:
        async with session_maker() as writer, writer.begin():
            await users.create_local(
                writer, display_name="Late", email=f"late-{uuid.uuid4().hex}@example.org"
            )

    async with session_maker() as reader:
        await db.begin_snapshot(reader)
        before = await _count(reader)
        writing = asyncio.create_task(add_user())
        # PostgreSQL commits the write at once (REPEATABLE READ blocks no writer); SQLite
        # queues it behind the reader's transaction. Either way the reader's view holds.
        done, _ = await asyncio.wait({writing}, timeout=2)
        if reader.get_bind().dialect.name == "postgresql":
            assert done, "the writer should not wait for a REPEATABLE READ reader"
        assert await _count(reader) == before
        await reader.commit()
    await writing
    async with session_maker() as after:
        assert await _count(after) == before + 1


async def test_refused_once_the_transaction_has_begun(
    session_maker: async_sessionmaker[AsyncSession],
) -> None:
    async with session_maker() as session:
        await _count(session)
        with pytest.raises(RuntimeError, match="first statement"):
            await db.begin_snapshot(session)
