"""The events outbox: written with its change or not at all, read in commit order.

Real commits (``session_maker``): an event is only ever read once its transaction ended.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pennywise_core.errors import NotFoundError, ValidationError
from pennywise_core.models import Role, User
from pennywise_core.schemas import EventRead, RateSet
from pennywise_core.services import events, rates, settle_up, transactions
from pennywise_core.vocabulary import EVENT_OF_ACTION, EVENT_TYPES
from tests.ledger import World, make_user, make_world

Maker = async_sessionmaker[AsyncSession]


async def _trip(maker: Maker) -> tuple[World, events.Position]:
    """A committed group (Ann owns it, Bob is a member, Cleo a viewer) and the stream's
    position after its setting up."""
    async with maker() as session, session.begin():
        world = await make_world(session, "Bob")
        await world.add_user("Cleo", role=Role.VIEWER)
        txid = await _txid(session)
    await _until_ended(maker, txid)  # its events are all readable: start after them
    return world, await _latest(maker, world)


async def _txid(session: AsyncSession) -> int | None:
    """This transaction's id on PostgreSQL (None on SQLite)."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    return int(await session.scalar(text("SELECT pg_current_xact_id()::text::bigint")) or 0)


async def _until_ended(maker: Maker, txid: int | None) -> None:
    """Until no transaction as old as ``txid`` runs (at most 20 s): other tests of the run
    write on the same server meanwhile, and events wait for the oldest (see events.py)."""
    if txid is None:
        return
    query = text("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint > :txid")
    for _ in range(400):
        async with maker() as session, session.begin():
            if await session.scalar(query, {"txid": txid}):
                return
        await asyncio.sleep(0.05)
    raise AssertionError(f"a transaction as old as {txid} still runs after 20 s")


async def _latest(maker: Maker, world: World) -> events.Position:
    async with maker() as session, session.begin():
        return await events.latest(session, world.owner, world.group_id)


async def _after(maker: Maker, world: World, position: events.Position, actor: User | None = None):
    async with maker() as session, session.begin():
        return await events.after(session, actor or world.owner, world.group_id, position)


async def _told(
    maker: Maker,
    world: World,
    position: events.Position,
    count: int,
    actor: User | None = None,
) -> list[EventRead]:
    """The events after ``position`` once there are ``count`` of them (at most 20 s): on
    PostgreSQL an event is read once every transaction older than its own has ended, and
    other tests of the run write in the same server meanwhile."""
    for _ in range(400):
        batch = await _after(maker, world, position, actor)
        if len(batch) >= count:
            return batch
        await asyncio.sleep(0.05)
    raise AssertionError(f"{count} events expected, {len(batch)} told: {_types(batch)}")


async def _expense(session: AsyncSession, world: World, description: str):
    world.session = session
    return await world.expense("12.00", by="Bob", description=description)


def _types(batch: list[EventRead]) -> list[tuple[str, str]]:
    return [(e.type, e.data.get("description", "")) for e in batch]


async def test_an_event_is_written_with_its_change_or_not_at_all(session_maker: Maker) -> None:
    world, start = await _trip(session_maker)
    async with session_maker() as session:
        await session.begin()
        await _expense(session, world, "Rolled back")
        await session.rollback()
    assert await _after(session_maker, world, start) == []

    async with session_maker() as session, session.begin():
        created = await _expense(session, world, "Dinner")
    [event] = await _told(session_maker, world, start, 1)  # and never "Rolled back"
    assert (event.type, event.target_type, event.target_id) == (
        "transaction.created",
        "transaction",
        created.id,
    )
    assert event.actor_id == world.owner.id
    assert event.data == created.model_dump(mode="json")  # as POST /transactions answered
    assert events.Position.parse(event.id) > start
    assert await _after(session_maker, world, events.Position.parse(event.id)) == []


async def test_edits_deletes_restores_and_settle_ups_are_told(session_maker: Maker) -> None:
    world, start = await _trip(session_maker)
    async with session_maker() as session, session.begin():
        tx = await _expense(session, world, "Taxi")
    async with session_maker() as session, session.begin():
        from pennywise_core.schemas import TransactionUpdate

        await transactions.update(
            session, world.owner, tx.id, TransactionUpdate(description="Taxi home")
        )
    async with session_maker() as session, session.begin():
        await transactions.delete(session, world.owner, tx.id)
    async with session_maker() as session, session.begin():
        restored = await transactions.restore(session, world.owner, tx.id)
    async with session_maker() as session, session.begin():
        recorded = await settle_up.record(session, world.owner, world.group_id)
    batch = await _told(session_maker, world, start, 6)
    assert [e.type for e in batch] == [
        "transaction.created",
        "transaction.updated",
        "transaction.deleted",
        "transaction.restored",
        "transaction.created",  # the settle-up's transfer
        "settlement.recorded",
    ]
    assert batch[1].data["description"] == "Taxi home"
    assert (batch[2].data["deleted"], batch[3].data["deleted"]) == (True, False)
    assert batch[3].data == restored.model_dump(mode="json")
    assert [t["id"] for t in batch[5].data["transactions"]] == [str(t.id) for t in recorded]


async def test_a_new_listener_hears_only_what_comes_next(session_maker: Maker) -> None:
    world, start = await _trip(session_maker)
    async with session_maker() as session, session.begin():
        await _expense(session, world, "Before")
    await _told(session_maker, world, start, 1)  # readable: from here on, "now" is after it
    now = await _latest(session_maker, world)
    async with session_maker() as session, session.begin():
        await _expense(session, world, "After")
    assert _types(await _told(session_maker, world, now, 1)) == [("transaction.created", "After")]


@pytest.mark.postgres_only  # SQLite runs one writer at a time: commits cannot cross
async def test_an_event_committed_behind_a_running_write_waits_for_it(
    session_maker: Maker,
) -> None:
    """Writer 1 takes its transaction id first (setting a rate: no balance row, so writer 2
    does not wait for it) and commits last. Until it ends, writer 2's committed event is
    held back, so a reader can never pass writer 1's event by."""
    world, start = await _trip(session_maker)
    async with session_maker() as one:
        await one.begin()
        await rates.set_rate(one, world.owner, world.group_id, RateSet(currency="USD", rate="0.9"))
        async with session_maker() as two, two.begin():
            await _expense(two, world, "Second in, first out")
        assert await _after(session_maker, world, start) == []
        await one.commit()
    assert _types(await _told(session_maker, world, start, 2)) == [
        ("rate.set", ""),
        ("transaction.created", "Second in, first out"),
    ]


async def test_concurrent_writers_each_told_once_in_one_order(session_maker: Maker) -> None:
    """Readers polling while 12 writers commit see every event exactly once, and two
    readers see the same order."""
    world, start = await _trip(session_maker)
    seen: dict[str, list[str]] = {"a": [], "b": []}
    done = asyncio.Event()

    async def read(name: str) -> None:
        position = start
        for _ in range(4000):  # at most 20 s
            for event in await _after(session_maker, world, position):
                seen[name].append(event.data["description"])
                position = events.Position.parse(event.id)
            if done.is_set() and len(seen[name]) >= 12:
                return
            await asyncio.sleep(0.005)

    async def write(i: int) -> None:
        async with session_maker() as session, session.begin():
            await transactions.create(
                session,
                world.owner,
                _create(world, f"Writer {i}"),
            )

    readers = [asyncio.create_task(read(n)) for n in seen]
    await asyncio.gather(*(write(i) for i in range(12)))
    done.set()
    await asyncio.gather(*readers)
    assert sorted(seen["a"]) == sorted(f"Writer {i}" for i in range(12))
    assert seen["a"] == seen["b"]


def _create(world: World, description: str):
    from pennywise_core.schemas import TransactionCreate

    return TransactionCreate(group_id=world.group_id, description=description, amount="3.00")


async def test_every_member_listens_and_no_one_else(session_maker: Maker) -> None:
    world, start = await _trip(session_maker)
    async with session_maker() as session, session.begin():
        await _expense(session, world, "Lunch")
        stranger = await make_user(session, "Zed")
    viewer = world.people["Cleo"]
    assert _types(await _told(session_maker, world, start, 1, actor=viewer)) == [
        ("transaction.created", "Lunch")
    ]
    with pytest.raises(NotFoundError):
        await _after(session_maker, world, start, actor=stranger)


@pytest.mark.parametrize("text", ["", "12", "a-b", "1-2-3", "-1-2", "1- 2", "9" * 20 + "-1"])
def test_a_position_that_is_not_an_event_id_is_refused_naming_the_field(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        events.Position.parse(text, field="after")
    assert caught.value.errors[0].loc[-1] == "after"


def test_positions_round_trip_and_order_by_transaction_first() -> None:
    assert str(events.Position.parse(" 17-4 ")) == "17-4"
    assert events.Position(3, 90) < events.Position(4, 1)
    assert events.Position(0, 1) > events.START


def test_every_event_type_is_told_by_something() -> None:
    told = set(EVENT_OF_ACTION.values()) | {"settlement.recorded"}
    assert told == set(EVENT_TYPES)
