"""The activity log: one append-only row per change, readable per group."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pennywise_core.models import Activity, User
from pennywise_core.pagination import Keyset
from pennywise_core.schemas import ActivityRead, Page
from pennywise_core.services import events
from pennywise_core.services.access import membership
from pennywise_core.vocabulary import EVENT_OF_ACTION


def record(
    session: AsyncSession,
    actor: User | None,
    *,
    group_id: uuid.UUID,
    action: str,
    target_type: str,
    target_id: uuid.UUID,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    resource: dict[str, Any] | None = None,
) -> Activity:
    """Add an activity row to the session; it is written with the change it describes.

    So is the event it becomes, if listeners hear of it (:data:`EVENT_OF_ACTION`): its
    data is ``resource`` (the thing as the API answers with it), else ``after``, else
    ``before``."""
    event = EVENT_OF_ACTION.get(action)
    if event is not None:
        events.emit(
            session,
            group_id=group_id,
            type=event,
            actor=actor,
            target_type=target_type,
            target_id=target_id,
            data=resource if resource is not None else after or before or {},
        )
    row = Activity(
        group_id=group_id,
        actor_id=actor.id if actor else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        before=before,
        after=after,
    )
    session.add(row)
    return row


_NEWEST_FIRST = Keyset(Activity.created_at, Activity.id, descending=True)


async def list_activity(
    session: AsyncSession,
    actor: User,
    group_id: uuid.UUID,
    *,
    limit: int = 50,
    cursor: str | None = None,
) -> Page[ActivityRead]:
    """A group's activity, newest first."""
    await membership(session, actor, group_id)
    query = select(Activity).where(Activity.group_id == group_id)
    if cursor is not None:
        query = query.where(_NEWEST_FIRST.after_cursor(cursor))
    rows = (await session.scalars(query.order_by(*_NEWEST_FIRST.order_by()).limit(limit + 1))).all()
    items = [ActivityRead.model_validate(r) for r in rows[:limit]]
    next_cursor = _NEWEST_FIRST.cursor(rows[limit - 1]) if len(rows) > limit else None
    return Page(items=items, next_cursor=next_cursor)
