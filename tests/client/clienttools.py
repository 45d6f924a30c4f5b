"""Plain helpers for the SDK tests (fixtures live in conftest.py): users made through the
core, transports that record or sabotage what passes, the sync ASGI transport."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import anyio.from_thread
import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from pennywise_client import Backoff, Pennywise
from pennywise_core import tokens
from pennywise_core.db import session_factory
from pennywise_core.services import users

BASE_URL = "http://pennywise.test"
FAST = Backoff(initial=0.001, maximum=0.002, max_retry_after=1.0)
"""Backoff for tests: real retries, no real waiting."""


@dataclass
class NewUser:
    email: str
    token: str


async def create_user(engine: AsyncEngine, name: str) -> NewUser:
    """A user with no password and a fresh access token, straight through the core."""
    email = f"{name}-{secrets.token_hex(4)}@example.org"
    async with session_factory(engine)() as session, session.begin():
        user = await users.create_local(
            session, display_name=f"{name.title()} {secrets.token_hex(2)}", email=email
        )
    token, _ = tokens.create_access_token(user.id)
    return NewUser(email=email, token=token)


# --- transports that record or sabotage what passes ------------------------------------------


@dataclass
class Seen:
    """What a recording transport saw: every request (method, path, headers) in order."""

    requests: list[httpx.Request] = field(default_factory=list)

    def to(self, method: str, path: str) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == method and r.url.path == path]


Sabotage = Callable[[httpx.Request, int], str | None]
"""``(request, nth matching request) -> None | "connect" | "read" | "503"``: what to do to
the answer after the app has handled the request (None: deliver it)."""


def _broken(kind: str, request: httpx.Request) -> httpx.Response:
    if kind == "connect":
        raise httpx.ConnectError("connection lost after sending", request=request)
    if kind == "read":
        raise httpx.ReadError("connection reset while reading the answer", request=request)
    return httpx.Response(503, headers={"Retry-After": "0"}, text="upstream hiccup")


class AsyncSpy(httpx.AsyncBaseTransport):
    """Forwards to ``inner``, records each request, and may drop the answer (``sabotage``)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, sabotage: Sabotage | None = None):
        self.inner = inner
        self.sabotage = sabotage
        self.seen = Seen()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.requests.append(request)
        response = await self.inner.handle_async_request(request)
        nth = len(self.seen.to(request.method, request.url.path))
        kind = self.sabotage(request, nth) if self.sabotage else None
        if kind is None:
            return response
        await response.aread()  # the app has done its work; the answer is lost
        await response.aclose()
        return _broken(kind, request)


class Spy(httpx.BaseTransport):
    """The sync twin of :class:`AsyncSpy`."""

    def __init__(self, inner: httpx.BaseTransport, sabotage: Sabotage | None = None):
        self.inner = inner
        self.sabotage = sabotage
        self.seen = Seen()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.requests.append(request)
        response = self.inner.handle_request(request)
        nth = len(self.seen.to(request.method, request.url.path))
        kind = self.sabotage(request, nth) if self.sabotage else None
        if kind is None:
            return response
        response.read()
        response.close()
        return _broken(kind, request)


def first_post_to(path: str, kind: str) -> Sabotage:
    """Lose the answer to the first POST to ``path`` (the app did handle it)."""
    return lambda request, nth: (
        kind if request.method == "POST" and request.url.path == path and nth == 1 else None
    )


# --- the sync client's transport: the app on a loop of its own, in a thread ---------------


class PortalTransport(httpx.BaseTransport):
    """A sync httpx transport that runs each request through an ASGI app in a portal."""

    def __init__(self, portal: anyio.from_thread.BlockingPortal, app: FastAPI) -> None:
        self.portal = portal
        self.asgi = httpx.ASGITransport(app=app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def call() -> tuple[int, list[tuple[bytes, bytes]], bytes]:
            response = await self.asgi.handle_async_request(request)
            body = b"".join([chunk async for chunk in response.aiter_raw()])
            await response.aclose()
            return response.status_code, response.headers.raw, body

        status, headers, body = self.portal.call(call)
        return httpx.Response(status, headers=headers, content=body, request=request)


@dataclass
class SyncServer:
    portal: anyio.from_thread.BlockingPortal
    engine: AsyncEngine
    transport: PortalTransport

    def new_user(self, name: str = "user") -> NewUser:
        return self.portal.call(create_user, self.engine, name)

    def client(
        self, token: str | None = None, *, sabotage: Sabotage | None = None, **options: Any
    ) -> Pennywise:
        spy = Spy(self.transport, sabotage)
        options.setdefault("backoff", FAST)
        pw = Pennywise(BASE_URL, token, transport=spy, **options)
        pw.spy = spy  # type: ignore[attr-defined]
        return pw
