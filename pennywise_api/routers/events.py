"""``/groups/{group_id}/events``: the group's events as a live stream (Server-Sent Events).

Access and the starting position are checked before the response starts, so a refusal is
an ordinary problem+json. Then the stream reads the outbox (:mod:`pennywise_core.services.
events`) every ``PENNYWISE_EVENTS_POLL_SECONDS``, each time in a short transaction of its
own (a stream never holds one open: on SQLite that would be the write lock), and sends
each event as ``id``/``event``/``data``. A client that reconnects with ``Last-Event-ID``
(browsers do it by themselves) gets what it missed; without one it hears only what
happens from now on, and ``?after=0-0`` replays the whole history kept.

The stream ends after ``PENNYWISE_EVENTS_STREAM_SECONDS``, when its reader stops being a
member of the group, or when the database cannot be reached: reconnect with
``Last-Event-ID`` (an ``EventSource`` does, after the ``retry`` the stream gave it) and
nothing is lost.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from contextlib import aclosing
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pennywise_api.deps import ReadUser, SessionDep
from pennywise_api.responses import problem_responses
from pennywise_core import db
from pennywise_core.errors import PennywiseError
from pennywise_core.models import User
from pennywise_core.schemas import EventRead
from pennywise_core.services import events
from pennywise_core.settings import get_settings

router = APIRouter(prefix="/groups/{group_id}/events", tags=["events"])

KEEPALIVE_SECONDS = 15.0
"""A comment line this often when nothing happens, so proxies keep the connection."""
RETRY_MILLISECONDS = 2000
"""What the stream asks an ``EventSource`` to wait before it reconnects."""

_STREAM: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Server-Sent Events: each event's `id` is its position (send it back "
        "as `Last-Event-ID`), `event` its type, `data` the event as JSON (`EventRead`).",
        "content": {"text/event-stream": {"schema": {"type": "string"}}},
    }
}


@router.get(
    "",
    name="stream",
    response_class=StreamingResponse,
    responses={**_STREAM, **problem_responses(401, 404, 422)},
)
async def stream(
    group_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    user: ReadUser,
    last_event_id: Annotated[
        str | None,
        Header(alias="Last-Event-ID", description="Resume after this event (its `id`)."),
    ] = None,
    after: Annotated[
        str | None,
        Query(
            max_length=40,
            description="Resume after this event id, as `Last-Event-ID` does (the header "
            "wins); `0-0` is before every event kept.",
        ),
    ] = None,
) -> StreamingResponse:
    """The group's events as they are committed; every member (viewers too) may listen."""
    if last_event_id:
        position = await events.start(session, user, group_id, last_event_id)
    else:
        position = await events.start(session, user, group_id, after, field="after")
    maker: async_sessionmaker[AsyncSession] = request.app.state.session_maker
    settings = get_settings()
    return StreamingResponse(
        _frames(
            maker,
            user,
            group_id,
            position,
            poll=settings.events_poll_seconds,
            lasts=settings.events_stream_seconds,
        ),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


def frame(event: EventRead) -> bytes:
    """One event in the text/event-stream format (its JSON has no line breaks)."""
    data = json.dumps(event.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"))
    return f"id: {event.id}\nevent: {event.type}\ndata: {data}\n\n".encode()


async def _frames(
    maker: async_sessionmaker[AsyncSession],
    user: User,
    group_id: uuid.UUID,
    position: events.Position,
    *,
    poll: float,
    lasts: float,
) -> AsyncIterator[bytes]:
    # The position first, as an event id with no event: a client that reconnects before
    # anything happened resumes from here too (an EventSource keeps it as lastEventId).
    yield f"retry: {RETRY_MILLISECONDS}\nid: {position}\n\n".encode()
    ends = anyio.current_time() + lasts
    quiet = 0.0
    try:
        async with aclosing(events.follow(maker, user, group_id, position, poll=poll)) as looks:
            async for batch in looks:
                for event in batch:
                    yield frame(event)
                quiet = 0.0 if batch else quiet + poll
                if quiet >= KEEPALIVE_SECONDS:
                    yield b": keep-alive\n\n"
                    quiet = 0.0
                if anyio.current_time() + poll > ends:
                    return  # the next look would come after the end: end now, not then
    except PennywiseError:
        return  # no longer a member (or the group is gone): nothing more to tell
    except Exception as exc:
        if db.is_unavailable(exc) or db.is_retryable(exc):
            return  # the client reconnects with Last-Event-ID and misses nothing
        raise
