"""Fixtures for the SDK tests: the facade against the real app, in-process, on both databases.

* ``AsyncPennywise`` talks to the app through ``httpx.ASGITransport`` on the test session's
  event loop, the app built with the run's ``engine`` injected (as tests/api does).
* ``Pennywise`` blocks its thread, so its app cannot share that loop: ``sync_server``
  runs the app on an event loop of its own in a thread (an anyio blocking portal, as
  starlette's ``TestClient`` does), with an engine of its own on the same database, and
  :class:`PortalTransport` is the sync httpx transport that hands each request to it.

Users are made with the core and get a minted access token (no Argon2: slow on purpose);
the flow tests sign up through the SDK itself. Every user, and so every group, is new to
each test, so tests stay independent though requests commit for real.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import anyio.from_thread
import httpx
import pytest
import pytest_asyncio
from clienttools import (
    BASE_URL,
    FAST,
    AsyncSpy,
    NewUser,
    PortalTransport,
    Sabotage,
    SyncServer,
    create_user,
)
from fastapi import FastAPI
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from pennywise_api.app import create_app
from pennywise_client import AsyncPennywise
from pennywise_core.db import create_engine
from pennywise_core.models import IdempotencyRecord
from pennywise_core.settings import Settings

# --- the async client ------------------------------------------------------------------------


@pytest_asyncio.fixture(loop_scope="session")
async def forget_idempotency_records(engine: AsyncEngine) -> AsyncIterator[None]:
    """Delete the idempotency records the test's requests stored (the SDK sends a key with
    every create). Other tests on the run's database expect that table empty; tests in one
    xdist worker run one at a time, so emptying it afterwards is safe."""
    yield
    async with engine.begin() as connection:
        await connection.execute(delete(IdempotencyRecord))


@pytest.fixture
def app(engine: AsyncEngine, forget_idempotency_records: None) -> FastAPI:
    return create_app(Settings(environment="test"), engine=engine)


@pytest_asyncio.fixture(loop_scope="session")
async def new_user(engine: AsyncEngine) -> Callable[[str], Awaitable[NewUser]]:
    """``await new_user("ann")``: a fresh user with an access token."""
    return lambda name="user": create_user(engine, name)


@pytest_asyncio.fixture(loop_scope="session")
async def async_client(app: FastAPI) -> AsyncIterator[Callable[..., AsyncPennywise]]:
    """``async_client(token=..., sabotage=...)``: an ``AsyncPennywise`` on the app.

    The client's transport is an :class:`AsyncSpy`: ``pw.spy.seen`` lists its requests.
    """
    opened: list[AsyncPennywise] = []

    def make(
        token: str | None = None, *, sabotage: Sabotage | None = None, **options: Any
    ) -> AsyncPennywise:
        spy = AsyncSpy(httpx.ASGITransport(app=app), sabotage)
        options.setdefault("backoff", FAST)
        pw = AsyncPennywise(BASE_URL, token, transport=spy, **options)
        pw.spy = spy  # type: ignore[attr-defined]
        opened.append(pw)
        return pw

    yield make
    for pw in opened:
        await pw.close()


# --- the sync client: the app on a loop of its own, in a thread ------------------------------


@pytest.fixture
def sync_server(
    engine: AsyncEngine, database_url: str, forget_idempotency_records: None
) -> Iterator[SyncServer]:
    """The app in a thread of its own, on the run's (migrated) database."""
    del engine  # asked for so that the database is migrated; the app uses its own engine
    with anyio.from_thread.start_blocking_portal() as portal:
        thread_engine = create_engine(database_url)
        app = create_app(Settings(environment="test"), engine=thread_engine)
        try:
            yield SyncServer(portal, thread_engine, PortalTransport(portal, app))
        finally:
            portal.call(thread_engine.dispose)
