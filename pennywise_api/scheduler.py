"""The API server's background runner of recurring transactions.

Every ``PENNYWISE_RECURRING_INTERVAL_SECONDS`` (default 300; 0: off) each process tries one
scheduler round (:func:`pennywise_core.services.recurring.run_due_exclusively`): on
PostgreSQL one process at a time holds the round's advisory lock and the others skip it,
on SQLite the one process runs it. A round that fails (the database restarting) is logged
and tried again at the next tick; the first tick comes soon after start, so occurrences
missed while the server was down are created at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncEngine

from pennywise_api.logs import get_logger
from pennywise_core.services import recurring

_log = get_logger("pennywise.api.scheduler")
_FIRST_TICK_AT_MOST = 5.0
"""The first round starts a random while (up to this, or the interval) after start, so
workers started together spread."""


async def _rounds(engine: AsyncEngine, interval: float) -> None:
    await asyncio.sleep(random.uniform(0, min(interval, _FIRST_TICK_AT_MOST)))  # noqa: S311
    while True:
        try:
            result = await recurring.run_due_exclusively(engine)
        except Exception as exc:  # the next round tries again; the server must go on
            _log.warning("recurring round failed", error=str(exc))
        else:
            if result is not None and (result.created or result.failed):
                _log.info(
                    "recurring round",
                    created=len(result.created),
                    failed=[f"{f.rule_id} {f.date}: {f.error}" for f in result.failed],
                )
        await asyncio.sleep(interval)


@contextlib.asynccontextmanager
async def running(engine: AsyncEngine, interval_seconds: int) -> AsyncIterator[None]:
    """Run the rounds in the background while the context lasts (none when 0)."""
    if interval_seconds <= 0:
        yield
        return
    task = asyncio.create_task(_rounds(engine, interval_seconds), name="recurring-scheduler")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
