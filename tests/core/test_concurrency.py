"""Concurrent writers whose member orders cross: no deadlock, exact balances after.

PostgreSQL locks the balance rows a write changes one by one; two transactions that take
the same two rows in opposite orders deadlock, and PostgreSQL aborts one of them. The
tests here make that crossing happen on purpose, step by step, with real sessions and real
commits: writer 1 holds the row of member ``lo``; writer 2 starts a write that changes
``hi`` and ``lo`` (so it would take ``hi`` first if it followed its entries' order) and is
seen waiting; then writer 1 changes ``hi``. Taking rows in one order (``lo`` before ``hi``)
means writer 2 waits without holding ``hi``, and both commit.

On SQLite every writer takes the database's write lock at BEGIN, so writers never
interleave: the same steps run one after the other (writer 2 starts after writer 1).
"""

from __future__ import annotations

import asyncio
import secrets
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pennywise_core.models import User
from pennywise_core.schemas import (
    GroupCreate,
    MemberCreate,
    PayerIn,
    SplitEntryIn,
    SplitIn,
    TransactionCreate,
    TransactionUpdate,
)
from pennywise_core.services import balances, groups, members, settle_up, transactions, users


@dataclass
class Group:
    owner: User
    id: uuid.UUID
    lo: uuid.UUID
    hi: uuid.UUID
    """Two placeholder members, ``lo`` sorting before ``hi``."""


async def _group(maker: async_sessionmaker[AsyncSession]) -> Group:
    async with maker() as session, session.begin():
        owner = await users.create_local(
            session, display_name="Ann", email=f"ann-{secrets.token_hex(4)}@example.org"
        )
        group = await groups.create(session, owner, GroupCreate(name="Flat"))
        ids = [
            (await members.add(session, owner, group.id, MemberCreate(display_name=name))).id
            for name in ("Bob", "Carol")
        ]
    lo, hi = sorted(ids)
    return Group(owner, group.id, lo, hi)


def _expense(group: Group, payer: uuid.UUID, *owers: uuid.UUID) -> TransactionCreate:
    return TransactionCreate(
        group_id=group.id,
        description="Groceries",
        amount="10.00",
        paid_by=[PayerIn(member_id=payer)],
        split=SplitIn(entries=[SplitEntryIn(member_id=m) for m in owers]),
    )


async def _until_a_writer_waits_for_a_lock(engine: AsyncEngine, writer: asyncio.Task[None]) -> None:
    """Return once some session of this database waits for a row lock (bounded in time).

    If ``writer`` ends first, its own error is raised (or a plain one if it ended without
    waiting): the step the test is about never happened, and the reason is in that task."""
    deadline = asyncio.get_running_loop().time() + 30
    async with engine.connect() as connection:
        while asyncio.get_running_loop().time() < deadline:
            waiting = await connection.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock'"
                )
            )
            # Each look in a transaction of its own: PostgreSQL snapshots the list of
            # sessions at a transaction's first look, and writer 2's connection, opened
            # after it (a busy machine runs the poller first), would never appear in it.
            await connection.rollback()
            if waiting:
                return
            if writer.done():
                writer.result()  # raises what writer 2 raised
                raise AssertionError("writer 2 finished without waiting for writer 1's lock")
            await asyncio.sleep(0.005)
    raise AssertionError("writer 2 did not wait for writer 1's lock within 30 s")


async def _cross(
    engine: AsyncEngine,
    maker: async_sessionmaker[AsyncSession],
    group: Group,
    second: Callable[[AsyncSession], Awaitable[object]],
) -> None:
    """Writer 1 takes ``lo``; ``second`` (writer 2, changing ``hi`` and ``lo``) starts and
    waits; writer 1 then takes ``hi`` and commits; writer 2 commits."""
    postgres = engine.dialect.name == "postgresql"
    async with maker() as one:
        await one.begin()
        await transactions.create(one, group.owner, _expense(group, group.lo, group.lo))

        async def writer_two() -> None:
            async with maker() as two, two.begin():
                await second(two)

        if postgres:
            task = asyncio.create_task(writer_two())
            await _until_a_writer_waits_for_a_lock(engine, task)
        await transactions.create(one, group.owner, _expense(group, group.hi, group.hi))
        await one.commit()
    if postgres:
        await task
    else:
        await writer_two()


async def _balances(maker: async_sessionmaker[AsyncSession], group: Group) -> dict[uuid.UUID, int]:
    async with maker() as session, session.begin():
        report = await balances.verify(session, group.owner, group.id)
        assert report.ok, report.drift
        return (await balances.amounts(session, group.id)).get("EUR", {})


async def test_crossing_creates_both_commit(
    engine: AsyncEngine, session_maker: async_sessionmaker[AsyncSession]
) -> None:
    group = await _group(session_maker)

    async def hi_pays_for_lo(session: AsyncSession) -> None:
        # Entries in the order given: hi (the payer) first, then lo.
        await transactions.create(session, group.owner, _expense(group, group.hi, group.lo))

    await _cross(engine, session_maker, group, hi_pays_for_lo)
    assert await _balances(session_maker, group) == {group.hi: 1000, group.lo: -1000}


async def test_an_edit_moving_money_across_members_commits(
    engine: AsyncEngine, session_maker: async_sessionmaker[AsyncSession]
) -> None:
    group = await _group(session_maker)
    async with session_maker() as session, session.begin():
        # hi paid and owes it all; the edit gives lo the debt: hi's row (the old entries
        # taken back) and lo's (the new ones) change in one edit.
        tx = await transactions.create(session, group.owner, _expense(group, group.hi, group.hi))

    async def move_the_debt_to_lo(session: AsyncSession) -> None:
        await transactions.update(
            session,
            group.owner,
            tx.id,
            TransactionUpdate(split=SplitIn(entries=[SplitEntryIn(member_id=group.lo)])),
            expected_version=tx.version,
        )

    await _cross(engine, session_maker, group, move_the_debt_to_lo)
    assert await _balances(session_maker, group) == {group.hi: 1000, group.lo: -1000}


@pytest.mark.parametrize("writers", [6])
async def test_simultaneous_swapped_writers_all_land(
    session_maker: async_sessionmaker[AsyncSession], writers: int
) -> None:
    """Several writers at once, a third with payer and split one way, the others the other
    way, each then editing its own transaction to swap them back: every one commits, and
    the balances are the sum of what they wrote."""
    group = await _group(session_maker)

    async def write(i: int) -> None:
        payer, ower = (group.hi, group.lo) if i % 3 == 0 else (group.lo, group.hi)
        async with session_maker() as session, session.begin():
            tx = await transactions.create(session, group.owner, _expense(group, payer, ower))
        async with session_maker() as session, session.begin():
            await transactions.update(
                session,
                group.owner,
                tx.id,
                TransactionUpdate(
                    paid_by=[PayerIn(member_id=ower)],
                    split=SplitIn(entries=[SplitEntryIn(member_id=payer)]),
                ),
                expected_version=tx.version,
            )

    await asyncio.gather(*(write(i) for i in range(writers)))
    # Each ends as "ower paid 10.00 for payer": lo for hi twice, hi for lo four times.
    assert await _balances(session_maker, group) == {group.hi: 2000, group.lo: -2000}


async def test_settling_up_while_a_write_lands_zeroes_every_balance(
    engine: AsyncEngine, session_maker: async_sessionmaker[AsyncSession]
) -> None:
    """Recording the settle-up reads the balances as they are once a concurrent write has
    committed (it locks them first), so its transfers bring everything to zero."""
    group = await _group(session_maker)
    async with session_maker() as session, session.begin():
        await transactions.create(session, group.owner, _expense(group, group.lo, group.hi))

    async def settle() -> None:
        async with session_maker() as two, two.begin():
            await settle_up.record(two, group.owner, group.id)

    async with session_maker() as one:
        await one.begin()
        big = _expense(group, group.hi, group.lo).model_copy(update={"amount": "30.00"})
        await transactions.create(one, group.owner, big)  # lo -20.00, hi +20.00 once committed
        if engine.dialect.name == "postgresql":
            task = asyncio.create_task(settle())
            await _until_a_writer_waits_for_a_lock(engine, task)
        await one.commit()
    if engine.dialect.name == "postgresql":
        await task
    else:
        await settle()
    assert await _balances(session_maker, group) == {}


async def test_a_member_is_not_removed_while_a_write_gives_them_a_balance(
    engine: AsyncEngine, session_maker: async_sessionmaker[AsyncSession]
) -> None:
    """The removal waits for a write in flight that books entries for the member, then
    sees the balance it left and refuses; read before that commit, it saw zero and went on,
    leaving a removed member owing money."""
    from pennywise_core.errors import ConflictError

    group = await _group(session_maker)

    async def remove_lo() -> None:
        async with session_maker() as two, two.begin():
            await members.remove(two, group.owner, group.id, group.lo)

    async with session_maker() as one:
        await one.begin()
        await transactions.create(one, group.owner, _expense(group, group.hi, group.lo))
        if engine.dialect.name == "postgresql":
            task = asyncio.create_task(remove_lo())
            await _until_a_writer_waits_for_a_lock(engine, task)
        await one.commit()
    with pytest.raises(ConflictError, match="still has a balance"):
        await (task if engine.dialect.name == "postgresql" else remove_lo())
    assert await _balances(session_maker, group) == {group.hi: 1000, group.lo: -1000}


async def test_a_write_after_a_removal_in_flight_no_longer_finds_the_member(
    engine: AsyncEngine, session_maker: async_sessionmaker[AsyncSession]
) -> None:
    """A write that starts while the member's removal is in flight waits for it, then
    refuses to book entries for someone no longer in the group."""
    from pennywise_core.errors import PennywiseError

    group = await _group(session_maker)

    async def lo_owes() -> None:
        async with session_maker() as two, two.begin():
            await transactions.create(two, group.owner, _expense(group, group.hi, group.lo))

    async with session_maker() as one:
        await one.begin()
        await members.remove(one, group.owner, group.id, group.lo)
        if engine.dialect.name == "postgresql":
            task = asyncio.create_task(lo_owes())
            await _until_a_writer_waits_for_a_lock(engine, task)
        await one.commit()
    with pytest.raises(PennywiseError, match=str(group.lo)):
        await (task if engine.dialect.name == "postgresql" else lo_owes())
    assert await _balances(session_maker, group) == {}
