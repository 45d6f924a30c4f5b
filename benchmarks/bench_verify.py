"""``pennywise db verify`` on a whole database: its time at 1M transactions, and that it finds
what was planted.

    python benchmarks/bench_verify.py                      # PostgreSQL and SQLite, 1M tx
    python benchmarks/bench_verify.py --transactions 100000 --groups 100 --databases sqlite

The database gets ``--groups`` groups of 10 members (bulk-loaded straight into the tables)
sharing ``--transactions`` expenses of two entries each, with balances set from the same
numbers. Then one balance is changed and one entry made not to sum, by SQL, and the real
command runs in a subprocess, ``PENNYWISE_DATABASE_URL=… pennywise db verify --format json``;
its wall time is printed with what it reports. Every check is a whole-database query (not
one per group), so the time grows with the rows, not with the number of groups.

PostgreSQL: PENNYWISE_BENCH_POSTGRES_URL (default the local server as postgres); a
throwaway database is created and dropped.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Uuid, bindparam, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from pennywise_core import db, integrity
from pennywise_core.models import Balance, Entry, Group, Member, Transaction, User

POSTGRES = os.environ.get(
    "PENNYWISE_BENCH_POSTGRES_URL",
    "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres",
)
CHUNK = 20_000
MEMBERS = 10


async def load(engine: AsyncEngine, groups: int, count: int) -> tuple[uuid.UUID, uuid.UUID]:
    """The groups, members, transactions, entries and balances; returns a (member, tx) pair
    of the last group to corrupt."""
    rng = random.Random(count)
    now = datetime.now(UTC)
    user_id = uuid.uuid4()
    group_ids = [uuid.uuid4() for _ in range(groups)]
    members = {g: [uuid.uuid4() for _ in range(MEMBERS)] for g in group_ids}
    async with engine.begin() as c:
        await c.execute(
            User.__table__.insert(),
            [{"id": user_id, "email": "bench@example.org", "email_normalized": "bench@example.org",
              "display_name": "Bench", "password_hash": None, "google_subject": None,
              "is_active": True, "sessions_valid_after": now, "created_at": now,
              "updated_at": now}],
        )  # fmt: skip
        await c.execute(
            Group.__table__.insert(),
            [{"id": g, "name": f"Group {i}", "default_currency": "EUR", "created_by": user_id,
              "archived_at": None, "deleted_at": None, "version": 1, "created_at": now,
              "updated_at": now} for i, g in enumerate(group_ids)],
        )  # fmt: skip
        await c.execute(
            Member.__table__.insert(),
            [{"id": m, "group_id": g, "user_id": user_id if j == 0 else None,
              "display_name": f"Member {j}", "role": "owner" if j == 0 else "member",
              "weight": "1", "created_at": now, "removed_at": None}
             for g in group_ids for j, m in enumerate(members[g])],
        )  # fmt: skip
    totals: dict[tuple[uuid.UUID, uuid.UUID], int] = defaultdict(int)
    done, last_tx = 0, uuid.uuid4()
    while done < count:
        n = min(CHUNK, count - done)
        txs, entries = [], []
        for i in range(n):
            g = group_ids[(done + i) % groups]
            last_tx = uuid.uuid4()
            payer, ower = rng.sample(members[g], 2)
            amount = rng.randint(100, 50_000)
            txs.append(
                {"id": last_tx, "group_id": g, "kind": "expense", "description": "bulk",
                 "amount": amount, "currency": "EUR",
                 "date": date(2020, 1, 1) + timedelta(days=(done + i) % 2000),
                 "category": None, "notes": None, "split_mode": "exact",
                 "split_params": {"paid_by": [], "split": {"mode": "exact", "entries": []}},
                 "created_by": user_id, "deleted_at": None, "import_key": None, "version": 1,
                 "created_at": now, "updated_at": now}
            )  # fmt: skip
            entries += [
                {"transaction_id": last_tx, "member_id": payer, "group_id": g, "position": 0,
                 "paid": amount, "owed": 0},
                {"transaction_id": last_tx, "member_id": ower, "group_id": g, "position": 1,
                 "paid": 0, "owed": amount},
            ]  # fmt: skip
            totals[(g, payer)] += amount
            totals[(g, ower)] -= amount
        async with engine.begin() as c:
            await c.execute(Transaction.__table__.insert(), txs)
            await c.execute(Entry.__table__.insert(), entries)
        done += n
    rows = [
        {"group_id": g, "member_id": m, "currency": "EUR", "amount": t}
        for (g, m), t in totals.items()
    ]
    async with engine.begin() as c:
        for start in range(0, len(rows), CHUNK):
            await c.execute(Balance.__table__.insert(), rows[start : start + CHUNK])
        if engine.dialect.name == "postgresql":
            await c.execute(text("ANALYZE"))
    return members[group_ids[-1]][0], last_tx


async def corrupt(engine: AsyncEngine, member: uuid.UUID, tx: uuid.UUID) -> None:
    """One balance one cent off, one transaction whose entries owe a cent too much."""
    async with engine.begin() as c:
        await c.execute(
            text("UPDATE balances SET amount = amount + 1 WHERE member_id = :m").bindparams(
                bindparam("m", type_=Uuid())
            ),
            {"m": member},
        )
        await c.execute(
            text("UPDATE entries SET owed = owed + 1 WHERE transaction_id = :t").bindparams(
                bindparam("t", type_=Uuid())
            ),
            {"t": tx},
        )


def cli(url: str, *args: str) -> tuple[float, int, dict[str, object]]:
    env = {**os.environ, "PENNYWISE_DATABASE_URL": url}
    command = [
        str(Path(sys.executable).parent / "pennywise"),
        "db",
        *args,
        "--format",
        "json",
    ]
    t0 = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - t0
    if not done.stdout:
        raise SystemExit(f"pennywise db {' '.join(args)} exited {done.returncode}: {done.stderr}")
    return elapsed, done.returncode, json.loads(done.stdout)


async def in_process(engine: AsyncEngine) -> float:
    """The checks alone (best of 3), without the command's start-up."""
    best = float("inf")
    for _ in range(3):
        async with db.session_factory(engine)() as session:
            await db.begin_snapshot(session)
            t0 = time.perf_counter()
            await integrity.check_database(session)
            best = min(best, time.perf_counter() - t0)
            await session.rollback()
    return best


async def run_database(name: str, url: str, groups: int, count: int) -> None:
    engine = db.create_engine(url)
    await db.upgrade(engine)
    t0 = time.perf_counter()
    member, tx = await load(engine, groups, count)
    print(f"{name:10} loaded {count:,} tx in {groups:,} groups in {time.perf_counter() - t0:.0f} s")
    startup, _, _ = cli(url, "current")
    print(f"{name:10} start-up: `pennywise db current` {startup:6.2f} s (imports, schema check)")
    elapsed, code, report = cli(url, "verify")
    print(
        f"{name:10} clean:     db verify {elapsed:6.2f} s, exit {code}, "
        f"{report['transactions_checked']:,} tx, {report['balances_checked']:,} balances, "
        f"{len(report['problems'])} problems"  # type: ignore[arg-type]
    )
    print(f"{name:10}            the checks in-process: {await in_process(engine):6.2f} s")
    await corrupt(engine, member, tx)
    elapsed, code, report = cli(url, "verify")
    found = sorted(p["check"] for p in report["problems"])  # type: ignore[attr-defined]
    print(f"{name:10} corrupted: db verify {elapsed:6.2f} s, exit {code}, found {found}")
    await engine.dispose()


async def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # figures as they come
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--transactions", type=int, default=1_000_000)
    parser.add_argument("--groups", type=int, default=1_000)
    parser.add_argument("--databases", nargs="+", default=["postgresql", "sqlite"])
    args = parser.parse_args()
    if "postgresql" in args.databases:
        name = f"pennywise_bench_{secrets.token_hex(4)}"
        admin = create_async_engine(POSTGRES, isolation_level="AUTOCOMMIT")
        async with admin.connect() as c:
            await c.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            url = POSTGRES.rsplit("/", 1)[0] + "/" + name
            await run_database("postgresql", url, args.groups, args.transactions)
        finally:
            async with admin.connect() as c:
                await c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await admin.dispose()
    if "sqlite" in args.databases:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite+aiosqlite:///{Path(tmp) / 'b.sqlite3'}"
            await run_database("sqlite", url, args.groups, args.transactions)
    print("\n(no assertions on time: these are figures to read, compare and report)")


if __name__ == "__main__":
    asyncio.run(main())
