"""Creating an expense over HTTP against what PostgreSQL itself does, in the same run.

    python benchmarks/bench_api.py                      # 20 s per phase
    python benchmarks/bench_api.py --seconds 5

Issue 16's first measurements, on a throwaway PostgreSQL database (the local server as
``postgres``, or ``PENNYWISE_BENCH_POSTGRES_URL``), each phase against a fresh
``pennywise serve`` on loopback:

1. **Round trips per create, counted**: with ``log_statement = all`` set on the throwaway
   database only, a number of creates without and then with an ``Idempotency-Key``; the
   server's log lines for that database are counted (each statement the app sends is one
   line: BEGIN, the pre-ping's ``;``, every SELECT/INSERT/UPDATE, COMMIT). Needs the
   server's log file to be readable here (``--pg-log``); otherwise it says so.
2. **1 worker, 1 connection**: sequential ``POST /api/v1/transactions`` (a 3-way equal
   split), keep-alive; creates/s, p50/p99, and CPU per create of the server's processes and
   of the PostgreSQL backends serving them (read from ``/proc``, so Linux only, and only for
   a server on this machine).
3. **2 workers, 16 connections**: the same with 16 concurrent keep-alive connections.
4. **pgbench** on the same database and schema (``-M prepared``), the minimal script of a
   create: BEGIN, one transaction row, three entries, the three-row balance upsert, one
   activity row, COMMIT; at ``-c 1`` and ``-c 16``.

The load generator writes pre-built requests on raw sockets (asyncio streams), so its own
cost per request is a few tens of microseconds against milliseconds of server time. After
the run ``pennywise db verify`` checks the database (its exit code is printed). Not here yet
(issue 16 asks for them): SQLite, a peer (ihatemoney) served alongside, balance reads at
100k transactions. Figures and ratios only, never assertions.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

POSTGRES = os.environ.get(
    "PENNYWISE_BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
BIN = Path(sys.executable).parent
PG_LOG = "/var/log/postgresql/postgresql-15-main.log"


@dataclass
class World:
    url: str
    name: str
    token: str
    group_id: str
    members: list[str]
    user_id: str


# --- the database ----------------------------------------------------------------------------


async def _admin(sql: str) -> None:
    from sqlalchemy.ext.asyncio import create_async_engine

    admin = create_async_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.exec_driver_sql(sql)
    finally:
        await admin.dispose()


async def _setup() -> World:
    """A throwaway database at the latest schema, one user, a group of three, a token."""
    from sqlalchemy.engine import make_url

    from pennywise_core import db, tokens
    from pennywise_core.schemas import GroupCreate, MemberCreate
    from pennywise_core.services import groups, members, users

    name = f"pennywise_bench_{secrets.token_hex(4)}"
    await _admin(f'CREATE DATABASE "{name}"')
    url = make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)
    engine = await db.open_database(url)
    try:
        async with db.session_factory(engine)() as session, session.begin():
            user = await users.create_local(session, display_name="Ann", email="ann@example.org")
            group = await groups.create(
                session, user, GroupCreate(name="Bench", default_currency="EUR")
            )
            ids = [str(group.my_member_id)]
            for person in ("Bob", "Carol"):
                added = await members.add(
                    session, user, group.id, MemberCreate(display_name=person)
                )
                ids.append(str(added.id))
            token, _ = tokens.create_access_token(user.id)
    finally:
        await engine.dispose()
    return World(url, name, token, str(group.id), ids, str(user.id))


def _backends(name: str) -> list[int]:
    done = subprocess.run(
        [
            "psql",
            _libpq(POSTGRES),
            "-Atc",
            f"SELECT pid FROM pg_stat_activity WHERE datname = '{name}' "
            "AND pid <> pg_backend_pid()",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return [int(pid) for pid in done.stdout.split()]


def _libpq(url: str) -> str:
    return re.sub(r"^postgresql\+\w+://", "postgresql://", url)


# --- the server ------------------------------------------------------------------------------


def _serve(env: dict[str, str], port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    argv = [str(BIN / "pennywise"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("ab") as output:
        process = subprocess.Popen(
            [*argv, "--workers", str(workers)], env=env, stdout=output, stderr=subprocess.STDOUT
        )
    for _ in range(300):
        try:
            if _request_once(port, b"GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n").startswith(b"200"):
                return process
        except OSError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.2)
    process.kill()
    sys.exit(f"pennywise serve did not come up:\n{log.read_text()[-3000:]}")


def _request_once(port: int, raw: bytes) -> bytes:
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
        sock.sendall(raw)
        return sock.recv(65536).split(b" ", 1)[1]


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


_TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str]:
    """``/proc/<pid>/stat`` after the command name: [state, ppid, …]; [] once it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def _cpu(pid: int) -> float:
    """CPU seconds (user + system) the process has used; 0 once it is gone."""
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / _TICK if fields else 0.0


def _reaped(pid: int) -> float:
    """CPU seconds of the process's children that have exited and been waited for."""
    fields = _stat(pid)
    return (int(fields[13]) + int(fields[14])) / _TICK if fields else 0.0


def _tree_cpu(process: subprocess.Popen[bytes]) -> float:
    """CPU of ``pennywise serve`` and every process under it (uvicorn's workers)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))):
            parents[int(entry.name)] = int(fields[1])
    tree, grown = {process.pid}, True
    while grown:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grown = bool(more)
    return sum(_cpu(pid) for pid in tree)


# --- the load --------------------------------------------------------------------------------


def _create_request(world: World, port: int, key: bool) -> bytes:
    body = json.dumps(
        {
            "group_id": world.group_id,
            "description": "Coffee",
            "amount": "12.30",
            "currency": "EUR",
            "date": "2026-12-01",
        }
    ).encode()
    headers = [
        "POST /api/v1/transactions HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        f"Authorization: Bearer {world.token}",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
    ]
    if key:
        headers.append(f"Idempotency-Key: {secrets.token_hex(16)}")
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + body


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = re.search(rb"(?i)content-length: *(\d+)", head)
    if length:
        await reader.readexactly(int(length.group(1)))
    return status


async def _client(
    world: World,
    port: int,
    until: float | None,
    count: int | None,
    key: bool,
    latencies: list[float],
    statuses: dict[int, int],
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    fixed = None if key else _create_request(world, port, key=False)
    sent = 0
    try:
        while (until is None or time.perf_counter() < until) and (count is None or sent < count):
            raw = fixed or _create_request(world, port, key=True)
            started = time.perf_counter()
            writer.write(raw)
            status = await _read_response(reader)
            latencies.append(time.perf_counter() - started)
            statuses[status] = statuses.get(status, 0) + 1
            sent += 1
    finally:
        writer.close()


async def _load(
    world: World,
    port: int,
    connections: int,
    *,
    seconds: float | None = None,
    count: int | None = None,
    key: bool = False,
) -> tuple[float, list[float], dict[int, int]]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    started = time.perf_counter()
    until = None if seconds is None else started + seconds
    await asyncio.gather(
        *(_client(world, port, until, count, key, latencies, statuses) for _ in range(connections))
    )
    return time.perf_counter() - started, latencies, statuses


# --- the phases ------------------------------------------------------------------------------


def _log_lines(log: Path, offset: int, name: str) -> int:
    with log.open("rb") as f:
        f.seek(offset)
        text = f.read().decode(errors="replace")
    marker = f"@{name} "
    return sum(
        1
        for line in text.splitlines()
        if marker in line and ("LOG:  statement:" in line or "LOG:  execute" in line)
    )


def _round_trips(world: World, env: dict[str, str], log: Path, pg_log: Path, creates: int) -> dict:
    if not os.access(pg_log, os.R_OK):
        return {"error": f"cannot read {pg_log}: round trips not counted"}
    asyncio.run(_admin(f"ALTER DATABASE \"{world.name}\" SET log_statement = 'all'"))
    port = 8700 + secrets.randbelow(200)
    server = _serve(env, port, 1, log)
    counted = {}
    try:
        for key in (False, True):
            asyncio.run(_load(world, port, 1, count=5, key=key))  # pool filled, caches warm
            time.sleep(0.5)
            offset = pg_log.stat().st_size
            _, _, statuses = asyncio.run(_load(world, port, 1, count=creates, key=key))
            time.sleep(1.0)  # the server writes its log lines asynchronously
            counted["with key" if key else "without key"] = (
                _log_lines(pg_log, offset, world.name) / creates,
                statuses,
            )
    finally:
        _stop(server)
        asyncio.run(_admin(f'ALTER DATABASE "{world.name}" RESET log_statement'))
    return counted


class _DatabaseCpu:
    """CPU the PostgreSQL backends of one database spend from now on, including backends
    that exit meanwhile (a pool's overflow connections close when returned): those are in
    the postmaster's reaped-children times, less what they had spent before."""

    def __init__(self, name: str) -> None:
        self.name = name
        backends = _backends(name)
        self.postmaster = int(_stat(backends[0])[1])
        self.before = {pid: _cpu(pid) for pid in backends}
        self.reaped = _reaped(self.postmaster)

    def spent(self) -> float:
        live = _backends(self.name)
        exited_before = sum(cpu for pid, cpu in self.before.items() if pid not in live)
        return (
            sum(_cpu(pid) - self.before.get(pid, 0.0) for pid in live)
            + _reaped(self.postmaster)
            - self.reaped
            - exited_before
        )


def _throughput(
    world: World, env: dict[str, str], log: Path, workers: int, connections: int, seconds: float
) -> dict:
    port = 8900 + secrets.randbelow(200)
    server = _serve(env, port, workers, log)
    try:
        asyncio.run(_load(world, port, connections, count=20))  # warm-up
        db = _DatabaseCpu(world.name)
        app_cpu = _tree_cpu(server)
        elapsed, latencies, statuses = asyncio.run(_load(world, port, connections, seconds=seconds))
        app_cpu = _tree_cpu(server) - app_cpu
        db_cpu = db.spent()
    finally:
        _stop(server)
    done = len(latencies)
    latencies.sort()
    return {
        "rate": done / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[min(done - 1, int(done * 0.99))] * 1000,
        "app_ms": app_cpu / done * 1000,
        "db_ms": db_cpu / done * 1000,
        "statuses": statuses,
    }


PGBENCH = """\
BEGIN;
INSERT INTO transactions (id, group_id, kind, description, amount, currency, date,
    split_mode, split_params, created_by, version, created_at, updated_at)
  VALUES (gen_random_uuid(), '{g}', 'expense', 'Coffee', 1230, 'EUR', '2026-12-01',
    'equal', '{{}}', '{u}', 1, now(), now())
  RETURNING id AS tx \\gset
INSERT INTO entries (transaction_id, member_id, group_id, position, paid, owed) VALUES
  (:tx, '{m0}', '{g}', 0, 1230, 410), (:tx, '{m1}', '{g}', 1, 0, 410),
  (:tx, '{m2}', '{g}', 2, 0, 410);
INSERT INTO balances (group_id, member_id, currency, amount) VALUES
  ('{g}', '{m0}', 'EUR', 820), ('{g}', '{m1}', 'EUR', -410), ('{g}', '{m2}', 'EUR', -410)
  ON CONFLICT (group_id, member_id, currency)
  DO UPDATE SET amount = balances.amount + excluded.amount;
INSERT INTO activity (id, group_id, actor_id, action, target_type, target_id, created_at)
  VALUES (gen_random_uuid(), '{g}', '{u}', 'transaction.created', 'transaction', :tx, now());
COMMIT;
"""


def _pgbench(world: World, clients: int, seconds: float, workdir: Path) -> float | str:
    if shutil.which("pgbench") is None:
        return "pgbench not installed"
    m0, m1, m2 = world.members
    script = workdir / "create.sql"
    script.write_text(PGBENCH.format(g=world.group_id, u=world.user_id, m0=m0, m1=m1, m2=m2))
    done = subprocess.run(
        [
            "pgbench",
            "-n",
            "-M",
            "prepared",
            "-f",
            str(script),
            "-c",
            str(clients),
            "-j",
            str(min(clients, 2)),
            "-T",
            str(max(1, round(seconds))),
            _libpq(world.url),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    found = re.search(r"tps = ([\d.]+)", done.stdout)
    return float(found.group(1)) if found else f"pgbench failed: {done.stderr[-500:]}"


def _db_verify(env: dict[str, str]) -> int:
    return subprocess.run(
        [str(BIN / "pennywise"), "db", "verify"], env=env, capture_output=True, check=False
    ).returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="per timed phase")
    parser.add_argument("--counted", type=int, default=50, help="creates whose SQL is counted")
    parser.add_argument("--pg-log", type=Path, default=Path(PG_LOG), help="the server's log")
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="pennywise-bench-api-"))
    secret = secrets.token_urlsafe(48)
    os.environ["PENNYWISE_JWT_SECRET"] = secret  # the token made below must verify
    world = asyncio.run(_setup())
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PENNYWISE_")},
        "PENNYWISE_HOME": str(home),
        "PENNYWISE_DATABASE_URL": world.url,
        "PENNYWISE_JWT_SECRET": secret,
        "PENNYWISE_RATE_LIMIT_PER_ADDRESS": "100000000",
        "PENNYWISE_RATE_LIMIT_PER_PRINCIPAL": "100000000",
        "PENNYWISE_RECURRING_INTERVAL_SECONDS": "0",
    }
    log = home / "serve.log"
    try:
        trips = _round_trips(world, env, log, args.pg_log, args.counted)
        one = _throughput(world, env, log, workers=1, connections=1, seconds=args.seconds)
        many = _throughput(world, env, log, workers=2, connections=16, seconds=args.seconds)
        bench_1 = _pgbench(world, 1, args.seconds, home)
        bench_16 = _pgbench(world, 16, args.seconds, home)
        verify = _db_verify(env)
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{world.name}" WITH (FORCE)'))
        shutil.rmtree(home, ignore_errors=True)

    print(f"PostgreSQL, {args.seconds:g} s per phase, {os.cpu_count()} cores")
    if "error" in trips:
        print(f"round trips per create: {trips['error']}")
    else:
        for label, (per, statuses) in trips.items():
            print(f"round trips per create, {label}: {per:.1f} statements (statuses {statuses})")
    for label, r, bench in (
        ("1 worker, 1 connection", one, bench_1),
        ("2 workers, 16 connections", many, bench_16),
    ):
        share = f"{r['rate'] / bench:.1%} of pgbench" if isinstance(bench, float) else bench
        pg = f"{bench:,.0f} tps" if isinstance(bench, float) else bench
        print(
            f"{label}: {r['rate']:,.0f} creates/s, p50 {r['p50']:.1f} ms, p99 {r['p99']:.1f} ms; "
            f"server CPU {r['app_ms']:.2f} ms and PostgreSQL {r['db_ms']:.2f} ms per create; "
            f"pgbench minimal script {pg}: {share}; statuses {r['statuses']}"
        )
    print(f"pennywise db verify exit code: {verify}")


if __name__ == "__main__":
    main()
