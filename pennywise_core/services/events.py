"""Events: the outbox that the event stream (and webhooks) read, in commit order.

The activity log writes an event beside each entry whose action listeners hear about
(:data:`pennywise_core.vocabulary.EVENT_OF_ACTION`), in the same transaction: an event
exists exactly when its change was committed. Besides, a settle-up writes its own
``settlement.recorded``.

**Order.** A reader that remembers a position must never find an event behind it later.
Ids are taken when rows are inserted, but transactions end in another order: on
PostgreSQL an event with a smaller id can commit after one with a larger. So each event
carries its writer's transaction id (``txid``), and a reader sees only events of
transactions older than every transaction still running (``pg_snapshot_xmin``): those
have all ended, so no event can appear among them afterwards. Positions are ``(txid,
id)``, in that order. An event is seen as soon as the transactions that began before its
own have ended: a long-running write (a large import), or a write transaction left open
anywhere on the server (transaction ids are the server's, not the database's), holds the
stream back until it ends. SQLite runs one writer at a time, so ids are already commit
order (``txid`` is 0).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import typing
import uuid
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass
from typing import Any, Final

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    CursorResult,
    Text,
    cast,
    delete,
    exists,
    func,
    literal_column,
    select,
    tuple_,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pennywise_core.errors import ValidationError
from pennywise_core.models import Event, User, WebhookDelivery, WebhookSubscription
from pennywise_core.schemas import EventRead
from pennywise_core.services.access import membership

MAX_BATCH: Final = 500


@dataclass(frozen=True, order=True, slots=True)
class Position:
    """Where a reader is in a group's stream: after the event ``(txid, id)``."""

    txid: int
    id: int

    def __str__(self) -> str:
        return f"{self.txid}-{self.id}"

    @classmethod
    def parse(cls, text: str, *, field: str = "Last-Event-ID") -> Position:
        match = _POSITION.fullmatch(text.strip())
        if match is None:
            raise ValidationError.at(
                field, f"{text[:40]!r} is not an event id: expected what an event's id was"
            )
        return cls(int(match["txid"]), int(match["id"]))


START: Final = Position(0, 0)
"""Before every event."""

_POSITION = re.compile(r"(?P<txid>[0-9]{1,19})-(?P<id>[0-9]{1,19})")


def _is_postgres(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _writer_txid(session: AsyncSession) -> Any:
    if _is_postgres(session):
        return cast(cast(func.pg_current_xact_id(), Text), BigInteger)
    return 0


def final(session: AsyncSession) -> list[ColumnElement[bool]]:
    """Only events whose transaction, and every one before it, has ended."""
    if not _is_postgres(session):
        return []
    horizon: ColumnElement[int] = literal_column(
        "pg_snapshot_xmin(pg_current_snapshot())::text::bigint", BigInteger
    )
    return [Event.txid < horizon]


def emit(
    session: AsyncSession,
    *,
    group_id: uuid.UUID,
    type: str,
    actor: User | None,
    target_type: str,
    target_id: uuid.UUID,
    data: dict[str, Any],
) -> None:
    """Add an event to the session: it is written (and told) with the change, or not at all."""
    session.add(
        Event(
            group_id=group_id,
            txid=_writer_txid(session),
            type=type,
            actor_id=actor.id if actor else None,
            target_type=target_type,
            target_id=target_id,
            data=data,
        )
    )


def to_read(event: Event) -> EventRead:
    return EventRead(
        id=str(Position(event.txid, event.id)),
        type=event.type,
        group_id=event.group_id,
        actor_id=event.actor_id,
        target_type=event.target_type,
        target_id=event.target_id,
        data=event.data,
        created_at=event.created_at,
    )


async def after(
    session: AsyncSession,
    actor: User,
    group_id: uuid.UUID,
    position: Position,
    *,
    limit: int = MAX_BATCH,
) -> list[EventRead]:
    """The group's events after ``position``, oldest first, that no later commit can
    precede (see the module's docstring); every member may read them."""
    await membership(session, actor, group_id)
    return [to_read(e) for e in await rows_after(session, group_id, position, limit=limit)]


async def rows_after(
    session: AsyncSession, group_id: uuid.UUID, position: Position, *, limit: int = MAX_BATCH
) -> Sequence[Event]:
    """:func:`after`'s rows, without its access check: for the core's own readers."""
    query = (
        select(Event)
        .where(Event.group_id == group_id, *final(session))
        .where(after_position(Event, position.txid, position.id))
        .order_by(Event.txid, Event.id)
        .limit(min(limit, MAX_BATCH))
    )
    return (await session.scalars(query)).all()


def after_position(event: type[Event], txid: Any, id: Any) -> ColumnElement[bool]:
    """Events after the position (``txid``, ``id``): values, or columns of another table."""
    return tuple_(event.txid, event.id) > tuple_(txid, id)


async def latest(session: AsyncSession, actor: User, group_id: uuid.UUID) -> Position:
    """The position of the group's last event so far: a new listener starts there and is
    told only what happens from now on."""
    await membership(session, actor, group_id)
    return await end_of(session, group_id)


async def end_of(session: AsyncSession, group_id: uuid.UUID) -> Position:
    """:func:`latest` without its access check."""
    row = (
        await session.execute(
            select(Event.txid, Event.id)
            .where(Event.group_id == group_id, *final(session))
            .order_by(Event.txid.desc(), Event.id.desc())
            .limit(1)
        )
    ).first()
    return START if row is None else Position(row.txid, row.id)


async def start(
    session: AsyncSession,
    actor: User,
    group_id: uuid.UUID,
    after: str | None,
    *,
    field: str = "Last-Event-ID",
) -> Position:
    """Where a listener starts: after the event id ``after`` (``field`` names it in an
    error), else at :func:`latest`. Only a member of the group may listen."""
    if not after:
        return await latest(session, actor, group_id)
    position = Position.parse(after, field=field)
    await membership(session, actor, group_id)
    return position


async def follow(
    maker: async_sessionmaker[AsyncSession],
    actor: User,
    group_id: uuid.UUID,
    position: Position,
    *,
    poll: float,
) -> AsyncGenerator[list[EventRead], None]:
    """Each look's events after the last one told (an empty list when nothing new), for
    as long as the caller iterates. Each look is a short transaction of its own, so a
    listener never holds one (on SQLite that would be the write lock) while it waits
    ``poll`` seconds after a look that found less than a full batch. Raises what
    :func:`after` raises: a listener who is no longer a member stops here."""
    while True:
        async with maker() as session, session.begin():
            batch = await after(session, actor, group_id, position)
        if batch:
            position = Position.parse(batch[-1].id)
        yield batch
        if len(batch) < MAX_BATCH:
            await asyncio.sleep(poll)


PRUNE_BATCH: Final = 5_000


async def prune(session: AsyncSession, *, before: dt.datetime, limit: int = PRUNE_BATCH) -> int:
    """Delete up to ``limit`` events older than ``before`` that nothing still needs: not one
    an enabled webhook subscription has yet to look at, nor one with a delivery still
    pending. The deliveries of those deleted go with them (the delivery log keeps as long
    as the events). How many were deleted; call again while it is ``limit``.

    A listener that comes back with a position older than what is kept is told what is
    left after it (``?after=0-0``: every event kept)."""
    unread = exists().where(
        WebhookSubscription.group_id == Event.group_id,
        WebhookSubscription.disabled_at.is_(None),
        after_position(Event, WebhookSubscription.after_txid, WebhookSubscription.after_id),
    )
    pending = exists().where(
        WebhookDelivery.event_id == Event.id, WebhookDelivery.status == "pending"
    )
    doomed = select(Event.id).where(Event.created_at < before, ~unread, ~pending).limit(limit)
    result = await session.execute(delete(Event).where(Event.id.in_(doomed)))
    return int(typing.cast(CursorResult[Any], result).rowcount)
