"""What counts as "the database is unavailable" (the API's 503 with Retry-After)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from pennywise_core import db


async def test_a_pool_with_no_free_connection_in_time_is_unavailable(
    fresh_database_url: str,
) -> None:
    # One connection, no overflow, a short wait: the second checkout times out in the pool,
    # which is the database being too busy to serve, not a bug (a 503, not a 500).
    engine = db.create_engine(fresh_database_url, pool_size=1, max_overflow=0, pool_timeout=0.2)
    try:
        async with engine.connect() as held:
            await held.execute(text("SELECT 1"))
            with pytest.raises(PoolTimeoutError) as raised:
                async with engine.connect():
                    pass
        assert db.is_unavailable(raised.value)
    finally:
        await engine.dispose()


def test_an_ordinary_error_is_not_unavailable() -> None:
    assert not db.is_unavailable(ValueError("no"))
