"""Rate limits: the request past a limit in its window is a 429 problem with Retry-After, per
principal (an API token, a user's sign-ins) and per client address, and the count is shared
by every app on the same storage: the database (both backends, two apps on two engines) or
Redis (the real one at 127.0.0.1:6379, under a key prefix of the test's own).

The database limiter's clock is fixed inside one window, so a window never ends mid-test
and ``Retry-After`` is exact; Redis windows start at their first request (and last an hour
here). The suite runs with rate limits off (tests/conftest.py); these switch them on.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
import pytest_asyncio
import redis.asyncio as aioredis
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from pennywise_api.app import create_app
from pennywise_core import tokens
from pennywise_core.db import create_engine
from pennywise_core.models import RateLimitCounter
from pennywise_core.ratelimit import DatabaseRateLimiter, Limit
from pennywise_core.settings import Settings

REDIS_URL = "redis://127.0.0.1:6379/0"
WINDOW = 3600
NOW = 1_800_000_000.0 + 3600 - 42.5  # 42.5 s before a window ends: Retry-After is 43
ME = "/api/v1/users/me"


def _settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "environment": "test",
        "rate_limit_enabled": True,
        "rate_limit_per_principal": 3,
        "rate_limit_per_address": 1000,
        "rate_limit_window_seconds": WINDOW,
        **overrides,
    }
    return Settings(**values)


def _frozen(app: FastAPI) -> FastAPI:
    limiter = app.state.rate_limiter
    assert isinstance(limiter, DatabaseRateLimiter)
    limiter.clock = lambda: NOW
    return app


def _address() -> str:
    """A client address of this test's own (TEST-NET-2), so no other test shares its count."""
    return f"198.51.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"


def _client(app: FastAPI, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://test")


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _assert_rate_limited(response: httpx.Response, retry_after: int | None = None) -> None:
    assert response.status_code == 429, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "https://pennywise.dev/problems/rate-limited"
    assert problem["status"] == 429
    assert problem["request_id"] == response.headers["X-Request-ID"]
    assert int(response.headers["Retry-After"]) >= 1
    if retry_after is not None:
        assert response.headers["Retry-After"] == str(retry_after)


@pytest_asyncio.fixture(loop_scope="session")
async def second_engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """Another engine on the same database: what a second process would have."""
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


# --- the database ---------------------------------------------------------------------------


async def test_the_request_past_the_limit_per_token_is_a_429_on_either_app(
    engine: AsyncEngine, second_engine: AsyncEngine, make_actor: Any, api_token_for: Any
) -> None:
    first = _frozen(create_app(_settings(), engine=engine))
    second = _frozen(create_app(_settings(), engine=second_engine))
    ann, bob = await make_actor("ann"), await make_actor("bob")
    script = await api_token_for(ann, "read")
    address = _address()
    async with _client(first, address) as one, _client(second, address) as two:
        # An API token is its own principal: 2 requests on one app, 1 on the other...
        for client in (one, two, one):
            assert (await client.get(ME, headers=_bearer(script))).status_code == 200
        # ... and the 4th, on either, is over the limit of 3.
        _assert_rate_limited(await two.get(ME, headers=_bearer(script)), retry_after=43)
        _assert_rate_limited(await one.get(ME, headers=_bearer(script)), retry_after=43)
        # Ann's sign-in is another principal, and Bob another again, from the same address.
        assert (await one.get(ME, headers=_bearer(ann.token))).status_code == 200
        for _ in range(3):
            assert (await two.get(ME, headers=_bearer(bob.token))).status_code == 200
        # A user's access tokens count together: a fresh one does not reset the count.
        fresh, _ = tokens.create_access_token(bob.user_id)
        _assert_rate_limited(await one.get(ME, headers=_bearer(fresh)))
        # Health probes are never limited.
        assert (await one.get("/healthz", headers=_bearer(script))).status_code == 200


async def test_the_request_past_the_limit_per_address_is_a_429_on_either_app(
    engine: AsyncEngine, second_engine: AsyncEngine
) -> None:
    settings = _settings(rate_limit_per_address=3)
    first = _frozen(create_app(settings, engine=engine))
    second = _frozen(create_app(settings, engine=second_engine))
    address = _address()
    async with _client(first, address) as one, _client(second, address) as two:
        for client in (one, two, two):  # no token: the address alone counts (401s too)
            assert (await client.get(ME)).status_code == 401
        limited = await one.get(ME)
        _assert_rate_limited(limited, retry_after=43)
        assert "3 from one client address per 3600 seconds" in limited.json()["detail"]
        # A token does not lift the address's limit.
        anyone, _ = tokens.create_access_token(uuid.uuid4())
        _assert_rate_limited(await two.get(ME, headers=_bearer(anyone)))
        for path in ("/healthz", "/readyz"):
            assert (await two.get(path)).status_code == 200
    async with _client(first, _address()) as elsewhere:
        assert (await elsewhere.get(ME)).status_code == 401


async def test_counters_of_past_windows_are_deleted(engine: AsyncEngine) -> None:
    now = [NOW]
    limiter = DatabaseRateLimiter(engine, WINDOW, clock=lambda: now[0])
    mine = Limit("address", _address(), 10)

    async def windows() -> list[int]:
        async with engine.connect() as connection:
            rows = await connection.execute(
                select(RateLimitCounter.window_start).where(RateLimitCounter.key == mine.key)
            )
            return sorted(rows.scalars())

    assert await limiter.hit([mine]) is None
    assert await limiter.hit([mine]) is None
    start = int(NOW // WINDOW) * WINDOW
    assert await windows() == [start]
    now[0] = NOW + WINDOW  # the next window
    assert await limiter.hit([mine]) is None
    assert await windows() == [start + WINDOW]
    async with engine.connect() as connection:
        counted = await connection.scalar(
            select(func.max(RateLimitCounter.count)).where(RateLimitCounter.key == mine.key)
        )
    assert counted == 1


# --- Redis ---------------------------------------------------------------------------------


@pytest_asyncio.fixture(loop_scope="session")
async def redis_prefix() -> AsyncIterator[str]:
    """A key prefix of this test's own; its keys are deleted afterwards."""
    prefix = f"pennywise-test-{secrets.token_hex(6)}"
    client = aioredis.from_url(REDIS_URL)
    try:
        await client.ping()
    except OSError as exc:  # the house machines run Redis: say so loudly if it is gone
        await client.aclose()
        pytest.fail(f"Redis at {REDIS_URL} is not reachable: {exc}")
    yield prefix
    keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


@pytest_asyncio.fixture(loop_scope="session")
async def redis_apps(
    engine: AsyncEngine, redis_prefix: str
) -> AsyncIterator[Callable[..., list[FastAPI]]]:
    made: list[FastAPI] = []

    def make(**overrides: Any) -> list[FastAPI]:
        settings = _settings(redis_url=REDIS_URL, redis_key_prefix=redis_prefix, **overrides)
        apps = [create_app(settings, engine=engine) for _ in range(2)]
        made.extend(apps)
        return apps

    yield make
    for app in made:
        await app.state.rate_limiter.close()


async def test_redis_counts_per_token_and_per_address_for_every_app(
    redis_apps: Callable[..., list[FastAPI]], redis_prefix: str
) -> None:
    first, second = redis_apps(rate_limit_per_address=5)
    anyone, _ = tokens.create_access_token(uuid.uuid4())
    address = _address()
    async with _client(first, address) as one, _client(second, address) as two:
        for client in (one, two, one):
            assert (await client.get(ME, headers=_bearer(anyone))).status_code == 401
        _assert_rate_limited(await two.get(ME, headers=_bearer(anyone)))  # 4th of the token
        assert (await one.get(ME)).status_code == 401  # 5th of the address
        _assert_rate_limited(await two.get(ME))  # 6th of the address
    client = aioredis.from_url(REDIS_URL)
    try:
        keys = [key async for key in client.scan_iter(match=f"{redis_prefix}*")]
        ttl = await client.ttl(keys[0])
    finally:
        await client.aclose()
    assert len(keys) == 2  # one counter for the token, one for the address
    assert 0 < ttl <= WINDOW
    assert not any(address.encode() in key for key in keys)  # stored hashed


async def test_a_redis_that_cannot_be_reached_lets_requests_through(engine: AsyncEngine) -> None:
    # Port 1 on the loopback: nothing listens, so the connection is refused at once.
    settings = _settings(redis_url="redis://127.0.0.1:1/0", rate_limit_per_address=1)
    app = create_app(settings, engine=engine)
    try:
        async with _client(app, _address()) as client:
            for _ in range(3):
                assert (await client.get(ME)).status_code == 401
    finally:
        await app.state.rate_limiter.close()
