"""Request rate limits shared by every process of a deployment: in the database, or in Redis.

A :class:`Limit` says what is counted (a principal or a client network) and how many
requests it may make per window. :meth:`RateLimiter.hit` counts one request against each of
a request's limits at once and answers how long to wait when any of them is over, or None.

Both backends count in *fixed* windows of ``rate_limit_window_seconds``: simple, one
counter per client and window, and exact across processes; a client may fit up to twice its
limit into the few seconds around a window's boundary, which still stops a burst.

* :class:`DatabaseRateLimiter` (the default): one row per (client, window) in
  ``rate_limit_counters``, incremented with one atomic upsert (``INSERT … ON CONFLICT DO
  UPDATE … RETURNING``) in its own short transaction, never the request's; rows of past
  windows are deleted about once a window by whichever process passes by.
* :class:`RedisRateLimiter` (``PENNYWISE_REDIS_URL``): the `limits` library's fixed window
  on Redis (``INCR`` with an expiry), keys under ``PENNYWISE_REDIS_KEY_PREFIX``.

What is counted is hashed (SHA-256) before it is stored: neither the table nor Redis holds
a token, a user id or an address in clear.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import AsyncEngine

from pennywise_core.models import RateLimitCounter
from pennywise_core.settings import Settings

if TYPE_CHECKING:
    from limits.aio.storage import RedisStorage
    from limits.aio.strategies import FixedWindowRateLimiter


@dataclass(frozen=True, slots=True)
class Limit:
    """``per_window`` requests per window for one client: ``kind`` (``principal`` or
    ``address``) and ``value`` (e.g. ``user:<id>``, ``203.0.113.7``)."""

    kind: str
    value: str
    per_window: int

    @property
    def key(self) -> str:
        return hashlib.sha256(f"{self.kind}:{self.value}".encode()).hexdigest()


class StorageUnavailableError(Exception):
    """The limiter's storage (the database, Redis) could not be reached or failed."""


class RateLimiter(Protocol):
    window_seconds: int

    async def hit(self, limits: Sequence[Limit]) -> int | None:
        """Count one request against every limit; the seconds to wait (at least 1) if any
        is over, else None. :class:`StorageUnavailableError` when the storage fails."""
        ...

    async def close(self) -> None: ...


def _wait(seconds: float) -> int:
    return max(1, math.ceil(seconds))


class DatabaseRateLimiter:
    """Counters in the ``rate_limit_counters`` table of ``engine``'s database."""

    def __init__(
        self,
        engine: AsyncEngine,
        window_seconds: int,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.engine = engine
        self.window_seconds = window_seconds
        self.clock = clock
        self._swept_window: int | None = None

    async def hit(self, limits: Sequence[Limit]) -> int | None:
        if not limits:
            return None
        now = self.clock()
        start = int(now // self.window_seconds) * self.window_seconds
        # Sorted keys: two requests upserting the same rows lock them in one order.
        by_key = {limit.key: limit for limit in limits}
        rows = [{"key": key, "window_start": start, "count": 1} for key in sorted(by_key)]
        dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
        insert = dialect.insert(RateLimitCounter).values(rows)
        upsert = insert.on_conflict_do_update(
            index_elements=[RateLimitCounter.key, RateLimitCounter.window_start],
            set_={"count": RateLimitCounter.count + 1},
        ).returning(RateLimitCounter.key, RateLimitCounter.count)
        try:
            async with self.engine.begin() as connection:
                counts: dict[str, int] = dict((await connection.execute(upsert)).all())
                if self._swept_window != start:
                    # Past windows are of no use to anyone: whoever comes first in a new
                    # window (in each process) deletes them.
                    self._swept_window = start
                    await connection.execute(
                        delete(RateLimitCounter).where(RateLimitCounter.window_start < start)
                    )
        except (DBAPIError, PoolTimeoutError, OSError) as exc:
            raise StorageUnavailableError(type(exc).__name__) from exc
        if any(counts[key] > limit.per_window for key, limit in by_key.items()):
            return _wait(start + self.window_seconds - now)
        return None

    async def close(self) -> None:
        """Nothing to close: the engine belongs to the app."""


class RedisRateLimiter:
    """Counters in Redis, through the `limits` library (redis-py's asyncio client)."""

    def __init__(
        self, url: str, window_seconds: int, *, key_prefix: str, timeout_seconds: float = 0.5
    ) -> None:
        from limits.aio.storage import RedisStorage
        from limits.aio.strategies import FixedWindowRateLimiter

        self.window_seconds = window_seconds
        self.storage: RedisStorage = RedisStorage(
            url if url.startswith("async+") else f"async+{url}",
            implementation="redispy",
            wrap_exceptions=True,  # any Redis error: limits.errors.StorageError
            key_prefix=key_prefix,
            # A Redis that hangs must not hold every request: give up on it quickly.
            socket_timeout=timeout_seconds,
            socket_connect_timeout=timeout_seconds,
        )
        self.limiter: FixedWindowRateLimiter = FixedWindowRateLimiter(self.storage)

    async def hit(self, limits: Sequence[Limit]) -> int | None:
        from limits import RateLimitItemPerSecond
        from limits.errors import StorageError

        wait: float | None = None
        try:
            for limit in limits:
                item = RateLimitItemPerSecond(limit.per_window, self.window_seconds)
                if not await self.limiter.hit(item, limit.kind, limit.key):
                    stats = await self.limiter.get_window_stats(item, limit.kind, limit.key)
                    wait = max(wait or 0.0, stats.reset_time - time.time())
        except (StorageError, OSError) as exc:
            raise StorageUnavailableError(type(exc).__name__) from exc
        return None if wait is None else _wait(wait)

    async def close(self) -> None:
        from limits.aio.storage.redis.redispy import RedispyBridge

        if isinstance(self.storage.bridge, RedispyBridge):
            # The bridge's redis.asyncio.Redis (typed there as a protocol without aclose).
            client: Any = self.storage.bridge.get_connection()
            await client.aclose()


def from_settings(settings: Settings, engine: AsyncEngine) -> RateLimiter | None:
    """The limiter the settings ask for: None when rate limits are off, Redis when
    ``redis_url`` is set, else the database of ``engine``."""
    if not settings.rate_limit_enabled:
        return None
    if settings.redis_url:
        return RedisRateLimiter(
            settings.redis_url,
            settings.rate_limit_window_seconds,
            key_prefix=settings.redis_key_prefix,
        )
    return DatabaseRateLimiter(engine, settings.rate_limit_window_seconds)
