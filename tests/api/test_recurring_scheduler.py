"""The API server's own scheduler: real ``pennywise serve`` workers on one database create
each due occurrence once, by themselves, soon after they start (catch-up after downtime)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from pathlib import Path

import httpx
from sqlalchemy import func, select
from sqlalchemy.pool import NullPool

from pennywise_core import db
from pennywise_core.models import RecurringOccurrence, Transaction
from pennywise_core.recurring_schemas import RecurringRuleCreate
from pennywise_core.schemas import GroupCreate
from pennywise_core.services import groups, recurring
from tests.ledger import make_user

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _counts(url: str) -> tuple[int, int]:
    engine = db.create_engine(url, poolclass=NullPool)
    try:
        async with db.session_factory(engine)() as session:
            txs = await session.scalar(select(func.count()).select_from(Transaction))
            links = await session.scalar(select(func.count()).select_from(RecurringOccurrence))
            return int(txs or 0), int(links or 0)
    finally:
        await engine.dispose()


async def _a_rule_due_three_times(url: str) -> None:
    engine = db.create_engine(url, poolclass=NullPool)
    try:
        await db.upgrade(engine)
        async with db.session_factory(engine)() as session, session.begin():
            zoe = await make_user(session, "Zoe")
            group = await groups.create(session, zoe, GroupCreate(name="Flat"))
            await recurring.create(
                session,
                zoe,
                group.id,
                RecurringRuleCreate.model_validate(
                    {
                        "transaction": {"description": "Rent", "amount": "900.00"},
                        "schedule": {"every": "monthly", "start": "2024-01-31", "count": 3},
                    }
                ),
            )
    finally:
        await engine.dispose()


async def test_two_workers_create_each_due_occurrence_once(
    fresh_database_url: str, tmp_path: Path
) -> None:
    await _a_rule_due_three_times(fresh_database_url)
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PENNYWISE_")},
        "PENNYWISE_HOME": str(tmp_path),
        "PENNYWISE_ENVIRONMENT": "test",
        "PENNYWISE_DATABASE_URL": fresh_database_url,
        "PENNYWISE_RECURRING_INTERVAL_SECONDS": "1",
    }
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = await asyncio.create_subprocess_exec(
            BIN / "pennywise",
            *("serve", "--port", str(port), "--workers", "2"),
            env=env,
            stdout=out,
            stderr=asyncio.subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60  # bounded: start, then a few rounds
        while await _counts(fresh_database_url) != (3, 3):
            assert server.returncode is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            await asyncio.sleep(0.2)
        async with httpx.AsyncClient(timeout=10) as client:
            ready = await client.get(f"http://127.0.0.1:{port}/readyz")
        assert ready.status_code == 200
        # Both workers run a round every second: a few more rounds add nothing.
        await asyncio.sleep(2.5)
        assert await _counts(fresh_database_url) == (3, 3)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(server.wait(), timeout=30)
        except TimeoutError:
            server.kill()
