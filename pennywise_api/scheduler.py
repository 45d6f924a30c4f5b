"""The API server's background runner of recurring transactions.

Every ``PENNYWISE_RECURRING_INTERVAL_SECONDS`` (default 300; 0: off) each process tries one
scheduler round (:func:`pennywise_core.services.recurring.run_due_exclusively`): on
PostgreSQL one process at a time holds the round's advisory lock and the others skip it,
on SQLite the one process runs it. A round that fails (the database restarting) is logged
and tried again at the next tick; the first tick comes soon after start, so occurrences
missed while the server was down are created at once.

Each round first deletes the events (and webhook delivery logs) older than
``PENNYWISE_EVENTS_RETENTION_DAYS`` that nothing still needs
(:func:`pennywise_core.services.events.prune`); any process may, the deletes are the same.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import random
from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncEngine

from pennywise_api.logs import get_logger
from pennywise_core.db import session_factory
from pennywise_core.models import utcnow
from pennywise_core.services import events, recurring

_log = get_logger("pennywise.api.scheduler")
_FIRST_TICK_AT_MOST = 5.0
"""The first round starts a random while (up to this, or the interval) after start, so
workers started together spread."""


async def _prune(engine: AsyncEngine, retention_days: int) -> int:
    """Delete the events older than the retention, in batches of short transactions."""
    before = utcnow() - dt.timedelta(days=retention_days)
    maker, deleted = session_factory(engine), 0
    while True:
        async with maker() as session, session.begin():
            batch = await events.prune(session, before=before)
        deleted += batch
        if batch < events.PRUNE_BATCH:
            return deleted


async def _rounds(engine: AsyncEngine, interval: float, retention_days: int) -> None:
    await asyncio.sleep(random.uniform(0, min(interval, _FIRST_TICK_AT_MOST)))  # noqa: S311
    while True:
        if retention_days:
            try:
                pruned = await _prune(engine, retention_days)
            except Exception as exc:  # the next round tries again
                _log.warning("pruning events failed", error=str(exc))
            else:
                if pruned:
                    _log.info("events pruned", deleted=pruned, older_than_days=retention_days)
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
async def running(
    engine: AsyncEngine, interval_seconds: int, *, retention_days: int = 0
) -> AsyncIterator[None]:
    """Run the rounds in the background while the context lasts (none when 0)."""
    if interval_seconds <= 0:
        yield
        return
    task = asyncio.create_task(
        _rounds(engine, interval_seconds, retention_days), name="recurring-scheduler"
    )
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
