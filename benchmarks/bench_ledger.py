"""Balance reads stay flat as a group grows; transaction creation rate through the service.

    python benchmarks/bench_ledger.py                 # SQLite and PostgreSQL, up to 1M rows
    python benchmarks/bench_ledger.py --sizes 1000 100000 --databases sqlite

For each database: one 10-member group is filled with N transactions (bulk-loaded straight
into the tables, two entries each, balances set from the same numbers, then checked by
``verify``), and the balance read through the service (``balances.read``) is timed, best of
50. The ratio against the smallest size is the figure that matters: balances are kept in
their own table, so reading them must not scan transactions (target: 1M within 2x of 1k).
At each size the transactions list is timed too: the first page of 50 and the page
halfway down (its cursor made from the row there), best of 20; keyset pages start an index
scan at the cursor, so the ratio should stay near 1x however deep the page is.
Then the rate of ``transactions.create`` through the service, each in its own committed
database transaction, as a user (or the API) makes them.

PostgreSQL: PENNYWISE_BENCH_POSTGRES_URL (default the local server as postgres); a
throwaway database is created and dropped.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import tempfile
import time
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from pennywise_core import db
from pennywise_core.models import Entry, Transaction
from pennywise_core.schemas import GroupCreate, MemberCreate, TransactionCreate, TransactionFilter
from pennywise_core.services import balances, groups, members, transactions, users

POSTGRES = os.environ.get(
    "PENNYWISE_BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
CHUNK = 20_000


async def make_group(engine: AsyncEngine) -> tuple[object, uuid.UUID, list[uuid.UUID]]:
    async with db.session_factory(engine)() as session, session.begin():
        actor = await users.create_local(session, display_name="Bench", email="bench@example.org")
        group = await groups.create(session, actor, GroupCreate(name="Bench"))
        ids = [group.my_member_id]
        for i in range(9):
            member = await members.add(
                session, actor, group.id, MemberCreate(display_name=f"Member {i}")
            )
            ids.append(member.id)
    return actor, group.id, ids


async def bulk_load(
    engine: AsyncEngine, group_id: uuid.UUID, member_ids: list[uuid.UUID], count: int, actor_id
) -> None:
    """Add ``count`` expenses (payer + one ower) and move the balances by the same sums."""
    rng = random.Random(count)
    totals: dict[uuid.UUID, int] = defaultdict(int)
    now = datetime.now(UTC)
    start = date(2020, 1, 1)
    done = 0
    while done < count:
        n = min(CHUNK, count - done)
        txs, entries = [], []
        for i in range(n):
            tx_id = uuid.uuid4()
            payer, ower = rng.sample(member_ids, 2)
            amount = rng.randint(100, 50_000)
            txs.append(
                {
                    "id": tx_id, "group_id": group_id, "kind": "expense",
                    "description": "bulk", "amount": amount, "currency": "EUR",
                    "date": start + timedelta(days=(done + i) % 2000), "category": None,
                    "notes": None, "split_mode": "exact",
                    "split_params": {"paid_by": [], "split": {"mode": "exact", "entries": []}},
                    "created_by": actor_id, "deleted_at": None, "import_key": None,
                    "version": 1, "created_at": now, "updated_at": now,
                }
            )  # fmt: skip
            entries.append(
                {"transaction_id": tx_id, "member_id": payer, "group_id": group_id,
                 "position": 0, "paid": amount, "owed": 0}
            )  # fmt: skip
            entries.append(
                {"transaction_id": tx_id, "member_id": ower, "group_id": group_id,
                 "position": 1, "paid": 0, "owed": amount}
            )  # fmt: skip
            totals[payer] += amount
            totals[ower] -= amount
        async with engine.begin() as connection:
            await connection.execute(Transaction.__table__.insert(), txs)
            await connection.execute(Entry.__table__.insert(), entries)
        done += n
    async with db.session_factory(engine)() as session, session.begin():
        await balances.apply(
            session,
            group_id=group_id,
            currency="EUR",
            entries=[(m, t, 0) for m, t in totals.items()],
            sign=1,
        )


async def time_reads(engine: AsyncEngine, actor, group_id: uuid.UUID, repeat: int = 50) -> float:
    timings = []
    for _ in range(repeat):
        async with db.session_factory(engine)() as session:
            started = time.perf_counter()
            rows = await balances.read(session, actor, group_id)
            timings.append(time.perf_counter() - started)
    assert len(rows) == 10
    return min(timings)


async def time_list_pages(
    engine: AsyncEngine, actor, group_id: uuid.UUID, size: int, repeat: int = 20
) -> tuple[float, float]:
    """Best times of the first page of 50 and of the page halfway down the list."""
    async with db.session_factory(engine)() as session:
        order = transactions.NEWEST_FIRST
        middle = (
            await session.execute(
                select(*order.columns)
                .where(Transaction.group_id == group_id)
                .order_by(*order.order_by())
                .offset(size // 2)
                .limit(1)
            )
        ).one()
    deep_cursor = order.cursor(middle)
    best = []
    for cursor in (None, deep_cursor):
        timings = []
        for _ in range(repeat):
            async with db.session_factory(engine)() as session:
                started = time.perf_counter()
                page = await transactions.list_transactions(
                    session, actor, TransactionFilter(group_id=group_id), limit=50, cursor=cursor
                )
                timings.append(time.perf_counter() - started)
        assert page.items  # (a full page of 50 when the group has 100 or more)
        best.append(min(timings))
    return best[0], best[1]


async def time_creates(engine: AsyncEngine, actor, group_id: uuid.UUID, count: int = 500) -> float:
    maker = db.session_factory(engine)
    started = time.perf_counter()
    for i in range(count):
        async with maker() as session, session.begin():
            await transactions.create(
                session,
                actor,
                TransactionCreate(group_id=group_id, description=f"tx {i}", amount="12.34"),
            )
    return count / (time.perf_counter() - started)


async def run_database(name: str, url: str, sizes: list[int]) -> None:
    engine = db.create_engine(url)
    await db.upgrade(engine)
    actor, group_id, member_ids = await make_group(engine)
    loaded, results = 0, []
    for size in sizes:
        t0 = time.perf_counter()
        await bulk_load(engine, group_id, member_ids, size - loaded, actor.id)
        load_s = time.perf_counter() - t0
        loaded = size
        async with db.session_factory(engine)() as session:
            report = await balances.verify(session, actor, group_id)
        assert report.ok, "bulk load left the balances out of step"
        best = await time_reads(engine, actor, group_id)
        results.append((size, best))
        ratio = best / results[0][1]
        print(
            f"{name:10} {size:>9,} tx  balance read {best * 1e3:7.3f} ms"
            f"  (ratio to {sizes[0]:,}: {ratio:4.2f}x; load {load_s:5.1f} s)"
        )
        first, deep = await time_list_pages(engine, actor, group_id, size)
        print(
            f"{'':10} {'':>9}     transactions page of 50: first {first * 1e3:7.3f} ms, "
            f"{size // 2:,} rows down {deep * 1e3:7.3f} ms ({deep / first:4.2f}x)"
        )
    rate = await time_creates(engine, actor, group_id)
    print(
        f"{name:10} transactions.create through the service: {rate:,.0f} per second "
        f"(one committed database transaction each, {len(member_ids)}-way equal split)"
    )
    await engine.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000, 1_000_000])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args()
    sizes = sorted(args.sizes)
    if "sqlite" in args.databases:
        with tempfile.TemporaryDirectory() as tmp:
            await run_database("sqlite", f"sqlite+aiosqlite:///{Path(tmp) / 'b.sqlite3'}", sizes)
    if "postgresql" in args.databases:
        name = f"pennywise_bench_{secrets.token_hex(4)}"
        admin = create_async_engine(POSTGRES, isolation_level="AUTOCOMMIT")
        async with admin.connect() as c:
            await c.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            url = POSTGRES.rsplit("/", 1)[0] + "/" + name
            await run_database("postgresql", url, sizes)
        finally:
            async with admin.connect() as c:
                await c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            await admin.dispose()
    print("\n(no assertions on time: these are figures to read, compare and report)")


if __name__ == "__main__":
    asyncio.run(main())
