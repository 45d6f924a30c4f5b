"""``pw.events``: a group's events as they happen (``GET /api/v1/groups/{id}/events``).

Not a generated call: the generated one would wait for the end of a stream that does not
end. The stream is read line by line (:mod:`pennywise_client._sse`) through the client's
own httpx client (its credentials, its typed errors before the stream starts), and, when
it ends or the connection drops, opened again with ``Last-Event-ID``, so no event is
missed or told twice.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from pennywise_client._resource import Id, _AsyncResource, _id, _Resource
from pennywise_client._sse import Frame, Parser
from pennywise_client.errors import APIConnectionError

RECONNECT_SECONDS = 2.0
"""The wait before opening a dropped stream again, unless the server said (``retry``)."""


@dataclass(frozen=True, slots=True)
class Event:
    """One thing that happened in a group, as the API tells it."""

    id: str
    """Its position in the stream: ``stream(group_id, after=event.id)`` resumes after it."""
    type: str
    """``transaction.created``, ``transaction.updated``, ``settlement.recorded``, … (the
    API's ``EVENT_TYPES``)."""
    group_id: uuid.UUID
    actor_id: uuid.UUID | None
    target_type: str
    target_id: uuid.UUID
    data: dict[str, Any]
    """The thing changed, as the API answers with it (a transaction as
    ``pw.transactions.get`` gives it, as JSON)."""
    created_at: dt.datetime
    _json: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The event as the API sent it (JSON types: ids and times as strings)."""
        return dict(self._json)

    @classmethod
    def from_frame(cls, frame: Frame) -> Event:
        raw = json.loads(frame.data)
        return cls(
            id=raw["id"],
            type=raw["type"],
            group_id=uuid.UUID(raw["group_id"]),
            actor_id=uuid.UUID(raw["actor_id"]) if raw.get("actor_id") else None,
            target_type=raw["target_type"],
            target_id=uuid.UUID(raw["target_id"]),
            data=raw["data"],
            created_at=dt.datetime.fromisoformat(raw["created_at"]),
            _json=raw,
        )


def _request(group_id: Id, parser: Parser) -> tuple[str, dict[str, str]]:
    headers = {"Accept": "text/event-stream"}
    if parser.last_id:
        headers["Last-Event-ID"] = parser.last_id
    return f"/api/v1/groups/{_id(group_id)}/events", headers


def _pause(parser: Parser) -> float:
    return parser.retry_ms / 1000 if parser.retry_ms is not None else RECONNECT_SECONDS


class Events(_Resource):
    def stream(
        self, group_id: Id, *, after: str | None = None, reconnect: bool = True
    ) -> Iterator[Event]:
        """Every event of the group from now on (or after the event id ``after``), as it is
        committed, oldest first; every member may listen. Runs until you stop iterating:
        a stream the server ends, or a dropped connection, is opened again after the
        event last seen (``reconnect=False``: stop there instead). An error before a
        stream starts (no such group, signed out) is raised as usual."""
        parser = Parser(last_id=after)
        while True:
            path, headers = _request(group_id, parser)
            try:
                with self._client._http.stream("GET", path, headers=headers) as response:
                    for line in response.iter_lines():
                        frame = parser.feed(line)
                        if frame is not None:
                            yield Event.from_frame(frame)
            except (httpx.TransportError, APIConnectionError):
                if not reconnect:
                    raise
                time.sleep(_pause(parser))
                continue
            if not reconnect:
                return


class AsyncEvents(_AsyncResource):
    async def stream(
        self, group_id: Id, *, after: str | None = None, reconnect: bool = True
    ) -> AsyncIterator[Event]:
        """``async for event in apw.events.stream(group_id)``: as :meth:`Events.stream`."""
        parser = Parser(last_id=after)
        while True:
            path, headers = _request(group_id, parser)
            try:
                async with self._client._http.stream("GET", path, headers=headers) as response:
                    async for line in response.aiter_lines():
                        frame = parser.feed(line)
                        if frame is not None:
                            yield Event.from_frame(frame)
            except (httpx.TransportError, APIConnectionError):
                if not reconnect:
                    raise
                await asyncio.sleep(_pause(parser))
                continue
            if not reconnect:
                return
