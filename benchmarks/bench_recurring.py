"""``pennywise recurring run`` over many rules: its time, and that a second run adds nothing.

    python benchmarks/bench_recurring.py                   # 10,000 rules, PostgreSQL and SQLite
    python benchmarks/bench_recurring.py --rules 200 --databases sqlite

The database gets ``--rules`` monthly rules in groups of 3 members (``--rules-per-group``
each; bulk-loaded straight into the tables), each with ``--due`` occurrences due. Then the
real command runs in a subprocess as cron would run it, ``PENNYWISE_DATABASE_URL=…
pennywise recurring run --until …``, twice: the first creates ``rules × due`` transactions,
the second nothing. Its wall times and the transactions per second are printed.

PostgreSQL: PENNYWISE_BENCH_POSTGRES_URL (default the local server as postgres); a
throwaway database is created and dropped.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from pennywise_core import db
from pennywise_core.models import Group, Member, RecurringRule, Role, Transaction, User

POSTGRES = os.environ.get(
    "PENNYWISE_BENCH_POSTGRES_URL",
    "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres",
)
START = dt.date(2024, 1, 1)


async def load(engine: AsyncEngine, rules: int, per_group: int) -> None:
    now = dt.datetime.now(dt.UTC)
    user = uuid.uuid4()
    groups = [uuid.uuid4() for _ in range(-(-rules // per_group))]
    async with engine.begin() as c:
        await c.execute(
            User.__table__.insert(),
            [
                {
                    "id": user,
                    "email": "bench@example.org",
                    "email_normalized": "bench@example.org",
                    "display_name": "Bench",
                    "is_active": True,
                    "sessions_valid_after": now,
                    "created_at": now,
                    "updated_at": now,
                }
            ],
        )
        await c.execute(
            Group.__table__.insert(),
            [
                {
                    "id": g,
                    "name": f"G{i}",
                    "default_currency": "EUR",
                    "created_by": user,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
                for i, g in enumerate(groups)
            ],
        )
        members = [
            {
                "id": uuid.uuid4(),
                "group_id": g,
                "user_id": user if n == 0 else None,
                "display_name": f"M{n}",
                "role": (Role.OWNER if n == 0 else Role.MEMBER).value,
                "weight": "1",
                "created_at": now,
            }
            for g in groups
            for n in range(3)
        ]
        await c.execute(Member.__table__.insert(), members)
        await c.execute(
            RecurringRule.__table__.insert(),
            [
                {
                    "id": uuid.uuid4(),
                    "group_id": groups[i // per_group],
                    "created_by": user,
                    "template": {"description": f"Rent {i}", "amount": "900.00"},
                    "every": "monthly",
                    "repeat_interval": 1,
                    "starts_on": START,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(rules)
            ],
        )


def run(url: str, until: dt.date) -> tuple[float, dict[str, list[object]]]:
    env = {**os.environ, "PENNYWISE_DATABASE_URL": url, "PENNYWISE_HOME": tempfile.mkdtemp()}
    command = [
        str(Path(sys.executable).parent / "pennywise"),
        *("recurring", "run", "--until", until.isoformat(), "--format", "json"),
    ]
    t0 = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"pennywise recurring run exited {done.returncode}: {done.stderr}")
    return elapsed, json.loads(done.stdout)


async def run_database(name: str, url: str, rules: int, per_group: int, due: int) -> None:
    engine = db.create_engine(url)
    await db.upgrade(engine)
    await load(engine, rules, per_group)
    until = START.replace(month=due)
    first, result = run(url, until)
    created = len(result["created"])
    print(
        f"{name:10} {rules:,} rules, {due} due each: recurring run {first:6.2f} s, "
        f"{created:,} transactions ({created / first:,.0f}/s), {len(result['failed'])} failed"
    )
    again, result = run(url, until)
    print(f"{name:10} run again:  {again:6.2f} s, {len(result['created'])} created")
    async with db.session_factory(engine)() as session:
        count = await session.scalar(select(func.count()).select_from(Transaction))
    print(f"{name:10} transactions in the database: {count:,} (expected {rules * due:,})")
    await engine.dispose()
    if count != rules * due:
        raise SystemExit(f"{name}: {count} transactions, expected {rules * due}")


async def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rules", type=int, default=10_000)
    parser.add_argument("--rules-per-group", type=int, default=10)
    parser.add_argument("--due", type=int, default=1, choices=range(1, 13))
    parser.add_argument("--databases", nargs="+", default=["postgresql", "sqlite"])
    args = parser.parse_args()
    if "postgresql" in args.databases:
        name = f"pennywise_bench_{secrets.token_hex(4)}"
        admin = create_async_engine(POSTGRES, isolation_level="AUTOCOMMIT")
        async with admin.connect() as c:
            await c.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            url = admin.url.set(database=name).render_as_string(hide_password=False)
            await run_database("postgresql", url, args.rules, args.rules_per_group, args.due)
        finally:
            async with admin.connect() as c:
                await c.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            await admin.dispose()
    if "sqlite" in args.databases:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite+aiosqlite:///{tmp}/bench.sqlite3"
            await run_database("sqlite", url, args.rules, args.rules_per_group, args.due)


if __name__ == "__main__":
    asyncio.run(main())
