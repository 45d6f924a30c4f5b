"""Import throughput and peak memory: generated Pennywise CSV into SQLite and PostgreSQL.

    python benchmarks/bench_import.py                              # 10k, 100k, 1M; both DBs
    python benchmarks/bench_import.py --sizes 10000 100000 --databases postgresql

For each size a Pennywise CSV is generated to a temporary file, streaming (10 members,
several currencies, every kind, single and several payers, every split mode, dates in
order as exports have them). Each (database, size) import then runs in a *fresh
subprocess*, so one run's memory cannot flatter the next: a new SQLite file or a new
throwaway PostgreSQL database, migrated, a group with the 10 members, then
``imports.run`` on the file and a commit. Printed per run:

* rows/s: rows over the wall time of ``imports.run`` + commit. The import writes rows while
  it reads the file, so the split shown is: *validate s*, up to the last row read (most
  rows are written meanwhile), and *write s*, what is left after it (the last writes, the
  balances, the activity record, the commit);
* peak RSS (the child's ``VmHWM``: everything the process held, C libraries included)
  and its growth over the RSS just before the import started — the honest whole-process
  figure; the growth is what the import itself costs. (Not ``ru_maxrss``: Linux carries
  it over fork and exec, so a child would report its parent's peak when that is higher.);
* with ``--tracemalloc``, a second child per run measures the peak of Python allocations
  during the import (tracemalloc slows the run, so it is not timed);
* *py us/row*, *db us/row*: CPU time per row of this process and, on PostgreSQL, of the
  server process serving its connection (read from ``/proc``, so only for a server on this
  machine). Their sum against the cores there are, and the larger of the two, bound what
  any overlap of the two could reach; that bound is printed under the table.

Baselines measured in the same run, to read the figures against:

* *database ceiling*: the import's own writer (``pennywise_core.rows.Writer``: COPY on PostgreSQL,
  multi-row INSERTs on SQLite) on rows already computed, 3 entries each, into the
  same schema — what the database takes with no parsing or validation at all; on
  PostgreSQL a second time with the foreign keys of ``transactions`` and ``entries``
  dropped in the throwaway database, which shows what their per-row checks cost;
* *python ceiling*: the whole import with a writer that throws the rows away — what the
  parsing, validation and split maths take with no database work;
* *compute ceiling*: :func:`pennywise_core.splits.compute` alone on the generated rows,
  already parsed — the split maths through the input schemas, single process; and the
  import's own fast path for it (:class:`pennywise_core.splits.FastCompute`) on the same
  rows.

Targets to compare with (figures, not assertions): at least 50,000 rows/s into
PostgreSQL, and peak memory at 1M rows within 1.5x of that at 10k.

PostgreSQL: PENNYWISE_BENCH_POSTGRES_URL (default the local server as postgres).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import random
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

POSTGRES = os.environ.get(
    "PENNYWISE_BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
MEMBERS = [f"Member {i}" for i in range(10)]
WORDS = ["Groceries", "Dinner", "Fuel", "Rent", "Tickets", "Coffee", "Hotel", "Taxi", "Museum"]
CATEGORIES = ["food", "transport", "housing", "fun", ""]


def generate(path: Path, rows: int, seed: int = 7) -> None:
    """Write ``rows`` transactions of Pennywise CSV, one at a time."""
    rng = random.Random(seed)
    start = date(2015, 1, 1)
    per_day = max(1, rows // 3650)
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(
            ["date", "description", "category", "kind", "amount", "currency", "paid_by",
             "split_mode", "split", "notes"]
        )  # fmt: skip
        for i in range(rows):
            day = start + timedelta(days=i // per_day)
            currency, exponent = rng.choice((("EUR", 2),) * 8 + (("USD", 2), ("JPY", 0)))
            minor = rng.randint(100, 50_000)
            amount = str(minor) if exponent == 0 else f"{minor // 100}.{minor % 100:02d}"
            people = rng.sample(MEMBERS, rng.randint(2, 5))
            roll = rng.random()
            if roll < 0.05:
                kind, paid_by, mode, split = "transfer", people[0], "equal", people[1]
            else:
                kind = "income" if roll < 0.10 else "expense"
                paid_by = people[0]
                if exponent and rng.random() < 0.1 and minor >= 200:
                    first = minor // 2
                    paid_by = (
                        f"{people[0]}={first // 100}.{first % 100:02d}; "
                        f"{people[1]}={(minor - first) // 100}.{(minor - first) % 100:02d}"
                    )
                mode = rng.choice(("equal", "equal", "equal", "shares", "percent", "exact"))
                if mode == "equal":
                    split = "; ".join(people)
                elif mode == "shares":
                    split = "; ".join(f"{p}={rng.randint(1, 3)}" for p in people)
                elif mode == "percent":
                    split = f"{people[0]}=60; {people[1]}=40"
                else:
                    part = minor // 2
                    fmt = (
                        (lambda v: str(v))
                        if exponent == 0
                        else (lambda v: f"{v // 100}.{v % 100:02d}")
                    )
                    split = f"{people[0]}={fmt(part)}; {people[1]}={fmt(minor - part)}"
            out.writerow(
                [day.isoformat(), f"{rng.choice(WORDS)} {i % 997}", rng.choice(CATEGORIES), kind,
                 amount, currency, paid_by, mode, split, ""]
            )  # fmt: skip


# --- the child: one import, measured ---------------------------------------------------------


async def _make_database(kind: str, workdir: Path) -> tuple[str, str | None]:
    if kind == "sqlite":
        return f"sqlite+aiosqlite:///{workdir / f'bench_{secrets.token_hex(4)}.sqlite3'}", None
    from sqlalchemy.engine import make_url
    from sqlalchemy.ext.asyncio import create_async_engine

    admin_url = make_url(POSTGRES)
    name = f"pennywise_bench_{secrets.token_hex(4)}"
    admin = create_async_engine(admin_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    await admin.dispose()
    return admin_url.set(database=name).render_as_string(hide_password=False), name


async def _drop_database(name: str) -> None:
    from sqlalchemy.engine import make_url
    from sqlalchemy.ext.asyncio import create_async_engine

    admin = create_async_engine(make_url(POSTGRES), isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.dispose()


def _peak_rss_mib() -> float:
    """This process's peak RSS (Linux ``VmHWM``; ``ru_maxrss`` elsewhere)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_mib() -> float:
    statm = Path("/proc/self/statm").read_text()  # current RSS (Linux)
    return int(statm.split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _backend_cpu_s(pid: int | None) -> float | None:
    """CPU seconds (user + system) a local PostgreSQL backend has used, from ``/proc``;
    None when it cannot be read (a server on another machine, or not Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError, TypeError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def child(
    database: str, csv_path: Path, workdir: Path, use_tracemalloc: bool, discard: bool = False
) -> dict:
    import tracemalloc

    from sqlalchemy import text

    from pennywise_core import db, imports

    if discard:  # the Python ceiling: everything but the database's part of the writes
        from pennywise_core import rows as _writer

        async def insert(self: _writer.Writer, transactions: object, entries: object) -> None:
            return None

        _writer.Writer.insert = insert  # type: ignore[method-assign]
    from pennywise_core.schemas import GroupCreate, MemberCreate
    from pennywise_core.services import groups, members, users

    url, pg_name = await _make_database(database, workdir)
    engine = db.create_engine(url)
    try:
        await db.upgrade(engine)
        maker = db.session_factory(engine)
        async with maker() as session, session.begin():
            actor = await users.create_local(
                session, display_name="Bench", email="bench@example.org"
            )
            group = await groups.create(session, actor, GroupCreate(name="Bench"))
            for name in MEMBERS:
                await members.add(session, actor, group.id, MemberCreate(display_name=name))
        phases: dict[str, float] = {}

        def progress(p: imports.Progress) -> None:
            phases.setdefault(p.phase, time.perf_counter())

        rss_before = _rss_mib()
        if use_tracemalloc:
            tracemalloc.start()
        async with maker() as session, session.begin():
            backend = None
            if database == "postgresql":
                backend = (await session.execute(text("SELECT pg_backend_pid()"))).scalar()
            db_cpu = _backend_cpu_s(backend)
            py_cpu = time.process_time()
            started = time.perf_counter()
            with csv_path.open("rb") as source:
                report = await imports.run(
                    session, actor, group.id, source, format="pennywise-csv", progress=progress
                )
        elapsed = time.perf_counter() - started
        py_cpu = time.process_time() - py_cpu
        db_cpu_after = _backend_cpu_s(backend)
        db_cpu = None if db_cpu is None or db_cpu_after is None else db_cpu_after - db_cpu
        traced = tracemalloc.get_traced_memory()[1] / 2**20 if use_tracemalloc else None
        if use_tracemalloc:
            tracemalloc.stop()
        async with maker() as session:
            check = await __import__(
                "pennywise_core.services.balances", fromlist=["verify"]
            ).verify(session, actor, group.id)
        write_started = phases.get("write", started + elapsed)
        return {
            "rows": report.created,
            "seconds": elapsed,
            "validate_s": write_started - started,
            "write_s": started + elapsed - write_started,
            "rss_peak": _peak_rss_mib(),
            "rss_before": rss_before,
            "traced_peak": traced,
            "balances_ok": check.ok,
            "py_cpu_s": py_cpu,
            "db_cpu_s": db_cpu,
        }
    finally:
        await engine.dispose()
        if pg_name:
            await _drop_database(pg_name)


async def baseline_child(database: str, rows: int, workdir: Path, without_fks: bool) -> dict:
    """Rows/s of the import's writer alone, on prepared rows (3 entries each).

    The rows are made the way the import makes them: values in the driver's form, through
    the writer's own converters, and transaction ids from the import's own id block.
    ``without_fks`` first drops the foreign keys of ``transactions`` and ``entries`` in the
    throwaway database: what the per-row checks of those keys cost.
    """
    import datetime as dt

    from sqlalchemy import text

    from pennywise_core import db
    from pennywise_core.imports._ids import IdBlock
    from pennywise_core.rows import Writer
    from pennywise_core.schemas import GroupCreate, MemberCreate
    from pennywise_core.services import groups, members, users

    url, pg_name = await _make_database(database, workdir)
    engine = db.create_engine(url)
    try:
        await db.upgrade(engine)
        maker = db.session_factory(engine)
        async with maker() as session, session.begin():
            actor = await users.create_local(session, display_name="B", email="b@example.org")
            group = await groups.create(session, actor, GroupCreate(name="Bench"))
            ids = [
                (await members.add(session, actor, group.id, MemberCreate(display_name=n))).id
                for n in MEMBERS
            ]
            if without_fks:
                found = await session.execute(
                    text(
                        "SELECT conrelid::regclass::text, conname FROM pg_constraint "
                        "WHERE contype = 'f' AND conrelid IN "
                        "('transactions'::regclass, 'entries'::regclass)"
                    )
                )
                for table, name in found.all():
                    await session.execute(text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
        now = dt.datetime.now(dt.UTC)
        params = json.dumps(
            {
                "paid_by": [{"member_id": str(ids[0]), "amount": "12.34"}],
                "split": {"mode": "equal", "entries": [{"member_id": str(m)} for m in ids[:3]]},
            }
        )
        async with maker() as session, session.begin():
            writer = Writer(session)
            group_id, actor_id = writer.uuid(group.id), writer.uuid(actor.id)
            m0, m1, m2 = (writer.uuid(m) for m in ids[:3])
            clock = writer.timestamps(now)
            block = IdBlock()
            batches = []
            for start in range(0, rows, 2000):
                txs, entries = [], []
                stop = min(rows, start + 2000)
                for i, tx_id in zip(range(start, stop), block.take(stop - start), strict=True):
                    created = next(clock)
                    txs.append(
                        (tx_id, group_id, "expense", f"Row {i}", 1234, "EUR",
                         writer.date(date(2015, 1, 1) + timedelta(days=i // 30)), None, None,
                         "equal", params, actor_id, None, f"bench:{tx_id}", None, 1,
                         created, created)
                    )  # fmt: skip
                    entries += [
                        (tx_id, m0, group_id, 0, 1234, 412),
                        (tx_id, m1, group_id, 1, 0, 411),
                        (tx_id, m2, group_id, 2, 0, 411),
                    ]
                batches.append((txs, entries))
            started = time.perf_counter()
            for txs, entries in batches:
                await writer.insert(txs, entries)
        return {"rows": rows, "seconds": time.perf_counter() - started}
    finally:
        await engine.dispose()
        if pg_name:
            await _drop_database(pg_name)


def compute_ceiling(csv_path: Path, limit: int = 50_000) -> tuple[float, float]:
    """Rows/s of ``splits.compute`` and of ``splits.FastCompute`` alone on the file's
    first ``limit`` rows, parsed."""
    import uuid

    from pennywise_core.imports._common import ImportOptions, ParseContext, Record
    from pennywise_core.imports._source import Source
    from pennywise_core.imports.pennywise import PennywiseCsvParser
    from pennywise_core.schemas import PayerIn, SplitEntryIn, SplitIn
    from pennywise_core.splits import FastCompute, compute

    parser = PennywiseCsvParser(
        ParseContext(group_currency="EUR", currency=None, warn=lambda _: None), ImportOptions()
    )
    ids = {name: uuid.uuid4() for name in MEMBERS}
    index = {name: i for i, name in enumerate(MEMBERS)}
    field = {"shares": "shares", "percent": "percent", "exact": "amount"}
    calls = []
    fast_calls = []
    with csv_path.open("rb") as f:
        for record in parser.items(Source(f).text("utf-8-sig")):
            if not isinstance(record, Record):
                continue
            name = field.get(record.split_mode.value)
            payers = [PayerIn(member_id=ids[n], amount=a) for n, a in record.paid_by]
            split = SplitIn(
                mode=record.split_mode,
                entries=[
                    SplitEntryIn(member_id=ids[n], **({name: v} if name and v else {}))
                    for n, v in record.split
                ],
            )
            members = [p.member_id for p in payers] + [e.member_id for e in split.entries or []]
            calls.append((record, payers, split, members))
            fast_calls.append(
                (
                    record.kind,
                    record.amount,
                    record.currency,
                    [(index[n], a) for n, a in record.paid_by],
                    record.split_mode,
                    [(index[n], v) for n, v in record.split],
                )
            )
            if len(calls) >= limit:
                break
    started = time.perf_counter()
    for record, payers, split, members in calls:
        compute(
            kind=record.kind,
            amount=record.amount,
            currency=record.currency,
            paid_by=payers,
            split=split,
            members=members,
        )
    full = len(calls) / (time.perf_counter() - started)
    fast = FastCompute([str(ids[name]) for name in MEMBERS])
    started = time.perf_counter()
    for args in fast_calls:
        fast(*args)
    return full, len(fast_calls) / (time.perf_counter() - started)


def run_child(
    database: str, csv_path: Path, workdir: Path, use_tracemalloc: bool, discard: bool = False
) -> dict:
    command = [sys.executable, __file__, "--child", database, str(csv_path), str(workdir)]
    return _spawn(command, ["--tracemalloc"] * use_tracemalloc + ["--discard"] * discard)


def run_baseline(database: str, rows: int, workdir: Path, without_fks: bool = False) -> dict:
    command = [sys.executable, __file__, "--baseline", database, str(rows), str(workdir)]
    return _spawn(command, ["--without-fks"] * without_fks)


def _spawn(command: list[str], flags: list[str]) -> dict:
    command += flags
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"child failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument(
        "--databases", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"]
    )
    parser.add_argument("--tracemalloc", action="store_true", help="also measure Python heap")
    parser.add_argument("--no-baseline", action="store_true", help="skip the baselines")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--baseline", nargs=3, help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    if args.baseline:
        database, rows, workdir = args.baseline
        without_fks = "--without-fks" in sys.argv
        result = asyncio.run(baseline_child(database, int(rows), Path(workdir), without_fks))
        print(json.dumps(result))
        return
    if args.child:
        database, csv_path, workdir = args.child
        result = asyncio.run(
            child(
                database,
                Path(csv_path),
                Path(workdir),
                "--tracemalloc" in sys.argv,
                discard="--discard" in sys.argv,
            )
        )
        print(json.dumps(result))
        return

    with tempfile.TemporaryDirectory(prefix="pennywise_bench_") as tmp:
        workdir = Path(tmp)
        files = {}
        for size in args.sizes:
            path = workdir / f"rows_{size}.csv"
            t0 = time.perf_counter()
            generate(path, size)
            files[size] = path
            print(
                f"generated {size:>9,} rows: {path.stat().st_size / 2**20:7.1f} MiB "
                f"in {time.perf_counter() - t0:.1f}s",
                flush=True,
            )
        smallest = files[min(args.sizes)]
        ceiling = None if args.no_baseline else compute_ceiling(smallest)
        if ceiling is not None:
            print(
                f"\ncompute ceiling: splits.compute alone runs at {ceiling[0]:,.0f} rows/s; "
                f"the import's fast path (splits.FastCompute) at {ceiling[1]:,.0f} rows/s"
            )
            size = max((n for n in args.sizes if n <= 100_000), default=min(args.sizes))
            r = run_child("sqlite", files[size], workdir, use_tracemalloc=False, discard=True)
            print(
                f"python ceiling: the whole import on {size:,} rows with a writer that discards "
                f"the rows runs at {r['rows'] / r['seconds']:,.0f} rows/s "
                f"({r['py_cpu_s'] / r['rows'] * 1e6:.1f} us of CPU per row)"
            )
        for database in args.databases:
            print(f"\n{database}", flush=True)
            db_ceiling = None
            if not args.no_baseline:
                rows = min(max(args.sizes), 100_000)
                b = run_baseline(database, rows, workdir)
                db_ceiling = b["rows"] / b["seconds"]
                print(
                    f"database ceiling: the writer alone on {rows:,} prepared rows runs at "
                    f"{db_ceiling:,.0f} rows/s",
                    flush=True,
                )
                if database == "postgresql":
                    b = run_baseline(database, rows, workdir, without_fks=True)
                    print(
                        f"  and at {b['rows'] / b['seconds']:,.0f} rows/s with the foreign keys "
                        "of transactions and entries dropped (what their per-row checks cost)",
                        flush=True,
                    )
            print(
                f"{'rows':>10} {'rows/s':>9} {'total s':>8} {'validate s':>10} {'write s':>8} "
                f"{'peak RSS MiB':>12} {'RSS growth':>10} {'py heap MiB':>11} {'verify':>6} "
                f"{'py us/row':>9} {'db us/row':>9}"
            )
            base: dict | None = None
            db_us: float | None = None
            for size in args.sizes:
                r = run_child(database, files[size], workdir, use_tracemalloc=False)
                if args.tracemalloc:
                    r["traced_peak"] = run_child(database, files[size], workdir, True)[
                        "traced_peak"
                    ]
                base = base or r
                traced = (
                    f"{r['traced_peak']:11.1f}" if r["traced_peak"] is not None else f"{'-':>11}"
                )
                py_us = r["py_cpu_s"] / r["rows"] * 1e6
                db_us = None if r["db_cpu_s"] is None else r["db_cpu_s"] / r["rows"] * 1e6
                print(
                    f"{r['rows']:>10,} {r['rows'] / r['seconds']:>9,.0f} {r['seconds']:>8.1f} "
                    f"{r['validate_s']:>10.1f} {r['write_s']:>8.1f} {r['rss_peak']:>12.1f} "
                    f"{r['rss_peak'] - r['rss_before']:>10.1f} {traced} "
                    f"{'ok' if r['balances_ok'] else 'DRIFT':>6} {py_us:>9.1f} "
                    + (f"{db_us:>9.1f}" if db_us is not None else f"{'-':>9}")
                    + (
                        f"   {r['rows'] / r['seconds'] / db_ceiling:.2f}x of the database ceiling"
                        if db_ceiling
                        else ""
                    ),
                    flush=True,
                )
            if db_us is not None:
                cores = os.cpu_count() or 1
                print(
                    f"CPU per row at {r['rows']:,} rows: this process {py_us:.1f} us, the "
                    f"PostgreSQL backend {db_us:.1f} us. With each on its own core and fully "
                    f"overlapped the import could reach {1e6 / max(py_us, db_us):,.0f} rows/s; "
                    f"{cores} cores' CPU time allows {cores * 1e6 / (py_us + db_us):,.0f}."
                )
            if base and len(args.sizes) > 1:
                last = r
                ratio = last["rss_peak"] / base["rss_peak"]
                print(
                    f"peak RSS at {args.sizes[-1]:,} rows is {ratio:.2f}x that at "
                    f"{args.sizes[0]:,} (target <= 1.5x)"
                    + (
                        f"; Python heap {last['traced_peak'] / base['traced_peak']:.2f}x"
                        if args.tracemalloc
                        else ""
                    )
                )
    _ = rest


if __name__ == "__main__":
    main()
