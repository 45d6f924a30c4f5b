"""Concurrent writers on two API processes, a PostgreSQL restart in the middle, then verify.

What it runs (all on 127.0.0.1, bounded in time and in count):

1. a private, throwaway PostgreSQL (``tests/pgserver.py``: ``initdb`` + ``pg_ctl`` in a
   temporary directory on a free port; never the shared server), migrated to head;
2. ``--groups`` groups, each owned by its own user with ``--members`` placeholder members;
3. two ``pennywise serve`` processes on two ports, on that one database;
4. ``--writers`` concurrent writers for ``--seconds`` (and at most ``--max-ops`` operations
   in all), alternating between the two servers, each in one group: create (payer and
   split drawn at random, so member orders cross), edit with ``If-Match`` (payer and split
   swapped), delete and restore, on the group's transactions (shared by its writers);
5. halfway through, the PostgreSQL server is restarted (``pg_ctl stop -m fast``: every
   connection is cut) and started again, while the writers keep writing;
6. then the database is verified: every balance row recomputed from the live
   transactions' entries (one query of this script's own), every acknowledged create
   found, and ``pennywise db verify --format json`` run on the database as an operator
   would (its exit code printed; 0 = no drift).

It prints the operations, the answers by status, the latency (p50, p99) and the drift. A
412 (someone edited the transaction first) and a 409 (an edit of a deleted transaction)
are the ledger refusing a stale write; 503s are the restart's. Any 500, any drift or a lost
acknowledged create exits 1.

    python benchmarks/bench_concurrency.py                       # 50 writers, 60 s
    python benchmarks/bench_concurrency.py --writers 4 --seconds 4   # a smoke run
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
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests/pgserver.py, the private PostgreSQL

from tests.pgserver import PrivatePostgres, free_port, missing_reason  # noqa: E402

BIN = Path(sys.executable).parent


@dataclass
class Group:
    id: str
    token: str
    members: list[str]
    transactions: dict[str, str] = field(default_factory=dict)
    """Transaction id -> its last known ETag."""


@dataclass
class Stats:
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    transport_errors: Counter[str] = field(default_factory=Counter)
    created: set[str] = field(default_factory=set)
    operations: int = 0


async def _setup(url: str, groups: int, members: int) -> list[Group]:
    """Users, groups and placeholder members, made with the core directly (no Argon2)."""
    from pennywise_core import db, tokens
    from pennywise_core.schemas import GroupCreate, MemberCreate
    from pennywise_core.services import groups as groups_service
    from pennywise_core.services import members as members_service
    from pennywise_core.services import users

    engine = await db.open_database(url)
    made: list[Group] = []
    try:
        async with db.session_factory(engine)() as session, session.begin():
            for g in range(groups):
                user = await users.create_local(
                    session, display_name=f"Owner {g}", email=f"owner-{g}@example.org"
                )
                group = await groups_service.create(
                    session, user, GroupCreate(name=f"Flat {g}", default_currency="EUR")
                )
                ids = [str(group.my_member_id)]
                for m in range(members):
                    added = await members_service.add(
                        session, user, group.id, MemberCreate(display_name=f"Person {m}")
                    )
                    ids.append(str(added.id))
                token, _ = tokens.create_access_token(user.id)
                made.append(Group(str(group.id), token, ids))
    finally:
        await engine.dispose()
    return made


def _serve(port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as output:
        return subprocess.Popen(
            [str(BIN / "pennywise"), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


async def _wait_ready(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    async with httpx.AsyncClient(timeout=5) as client:
        for _ in range(300):
            try:
                if (await client.get(f"{base}/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if process.poll() is not None:
                break
            await asyncio.sleep(0.2)
    output = log.read_text()[-3000:]  # noqa: ASYNC240 - once, on the way out
    raise SystemExit(f"pennywise serve on {base} did not come up:\n{output}")


def _body(group: Group, rng: random.Random) -> dict[str, object]:
    payer, *owers = rng.sample(group.members, k=rng.randint(2, min(4, len(group.members))))
    return {
        "group_id": group.id,
        "description": "Shared",
        "amount": f"{rng.randint(100, 99_999) / 100:.2f}",
        "paid_by": [{"member_id": payer}],
        "split": {"mode": "equal", "entries": [{"member_id": m} for m in owers]},
    }


async def _writer(
    n: int,
    client: httpx.AsyncClient,
    group: Group,
    stats: Stats,
    deadline: float,
    max_ops: int,
    seed: int,
) -> None:
    rng = random.Random(seed * 1000 + n)
    while time.monotonic() < deadline and stats.operations < max_ops:
        stats.operations += 1
        known = list(group.transactions.items())
        roll = rng.random()
        if not known or roll < 0.4:
            op, method, path = "create", "POST", "/transactions"
            body: dict[str, object] | None = _body(group, rng)
            headers = {"Idempotency-Key": uuid.uuid4().hex}
        else:
            tx_id, tag = rng.choice(known)
            headers = {"If-Match": tag}
            if roll < 0.7:
                op, method, path = "edit", "PATCH", f"/transactions/{tx_id}"
                payer, *owers = rng.sample(group.members, k=3)
                body = {
                    "paid_by": [{"member_id": payer}],
                    "split": {"mode": "equal", "entries": [{"member_id": m} for m in owers]},
                }
            elif roll < 0.85:
                op, method, path, body = "delete", "DELETE", f"/transactions/{tx_id}", None
            else:
                op, method, path, body = "restore", "POST", f"/transactions/{tx_id}/restore", None
        started = time.perf_counter()
        try:
            response = await client.request(
                method,
                f"/api/v1{path}",
                json=body,
                headers={**headers, "Authorization": f"Bearer {group.token}"},
            )
        except httpx.TransportError as exc:
            stats.transport_errors[type(exc).__name__] += 1
            continue
        stats.latencies.append(time.perf_counter() - started)
        stats.statuses[(op, response.status_code)] += 1
        if response.is_success and "ETag" in response.headers:
            tx_id = response.json()["id"]
            group.transactions[tx_id] = response.headers["ETag"]
            if op == "create":
                stats.created.add(tx_id)
        elif response.status_code == 412 and op != "create":
            current = response.json().get("current_version")
            if current is not None:
                group.transactions[path.split("/")[2]] = f'"{current}"'


async def _restart_midway(pg: PrivatePostgres, at: float) -> float:
    await asyncio.sleep(at)
    started = time.monotonic()
    await asyncio.to_thread(pg.restart)
    return time.monotonic() - started


async def _verify(url: str, created: set[str]) -> tuple[list[tuple[object, ...]], int, int]:
    """(drifted balance rows, acknowledged creates missing, live transactions)."""
    from pennywise_core import db

    engine = db.create_engine(url)
    try:
        async with engine.connect() as connection:
            drift = (
                await connection.execute(
                    text(
                        """
                        WITH computed AS (
                          SELECT e.group_id, e.member_id, t.currency,
                                 sum(e.paid - e.owed) AS amount
                          FROM entries e JOIN transactions t ON t.id = e.transaction_id
                          WHERE t.deleted_at IS NULL
                          GROUP BY e.group_id, e.member_id, t.currency
                        )
                        SELECT coalesce(b.group_id, c.group_id), coalesce(b.member_id, c.member_id),
                               coalesce(b.currency, c.currency), b.amount, c.amount
                        FROM balances b FULL JOIN computed c
                          ON (b.group_id, b.member_id, b.currency)
                           = (c.group_id, c.member_id, c.currency)
                        WHERE coalesce(b.amount, 0) <> coalesce(c.amount, 0)
                        """
                    )
                )
            ).all()
            ids = set(
                (await connection.execute(text("SELECT id::text FROM transactions"))).scalars()
            )
            live = await connection.scalar(
                text("SELECT count(*) FROM transactions WHERE deleted_at IS NULL")
            )
    finally:
        await engine.dispose()
    return [tuple(row) for row in drift], len(created - ids), int(live or 0)


def _db_verify(env: dict[str, str]) -> tuple[int, str]:
    done = subprocess.run(
        [str(BIN / "pennywise"), "db", "verify", "--format", "json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    try:
        report = json.loads(done.stdout)
    except ValueError:
        return done.returncode, (done.stdout.strip() or done.stderr.strip())[:400]
    if isinstance(report, dict) and "groups_checked" in report:
        summary = (
            f"ok={report.get('ok')}, {report['groups_checked']} groups, "
            f"{report.get('transactions_checked')} transactions, "
            f"{report.get('balances_checked')} balances checked, "
            f"{len(report.get('problems', []))} problems"
        )
        return done.returncode, summary
    return done.returncode, json.dumps(report)[:400]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


async def main(args: argparse.Namespace) -> int:
    reason = missing_reason()
    if reason is not None:
        print(f"bench_concurrency: skipped: {reason}")
        return 0 if os.environ.get("CI", "").lower() != "true" else 1
    home = Path(tempfile.mkdtemp(prefix="pennywise-bench-"))
    with PrivatePostgres.started() as pg:
        url = pg.url()
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("PENNYWISE_")},
            "PENNYWISE_HOME": str(home),
            "PENNYWISE_DATABASE_URL": url,
            "PENNYWISE_JWT_SECRET": secrets.token_urlsafe(48),
            # Every writer comes from 127.0.0.1: the limits are counted (in the database, by
            # both servers) but set far above what the run sends.
            "PENNYWISE_RATE_LIMIT_PER_ADDRESS": "10000000",
            "PENNYWISE_RATE_LIMIT_PER_PRINCIPAL": "10000000",
        }
        os.environ.update(env)  # the tokens minted here are signed with the servers' secret
        groups = await _setup(url, args.groups, args.members)
        ports = [free_port(), free_port()]
        logs = [home / f"serve-{p}.log" for p in ports]
        servers = [_serve(p, env, log) for p, log in zip(ports, logs, strict=True)]
        stats = Stats()
        try:
            for p, s, log in zip(ports, servers, logs, strict=True):
                await _wait_ready(f"http://127.0.0.1:{p}", s, log)
            limits = httpx.Limits(max_connections=args.writers, max_keepalive_connections=10)
            clients = [
                httpx.AsyncClient(base_url=f"http://127.0.0.1:{p}", timeout=60, limits=limits)
                for p in ports
            ]
            started = time.monotonic()
            deadline = started + args.seconds
            restart = (
                asyncio.create_task(_restart_midway(pg, args.seconds / 2))
                if not args.no_restart
                else None
            )
            await asyncio.gather(
                *(
                    _writer(
                        n,
                        clients[n % 2],
                        groups[n % len(groups)],
                        stats,
                        deadline,
                        args.max_ops,
                        args.seed,
                    )
                    for n in range(args.writers)
                )
            )
            elapsed = time.monotonic() - started
            downtime = await restart if restart is not None else 0.0
            for client in clients:
                await client.aclose()
        finally:
            for s in servers:
                s.terminate()
            for s in servers:
                try:
                    s.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    s.kill()
        drift, lost, live = await _verify(url, stats.created)
        verify_code, verify_out = _db_verify(env)
    retried = sum(log.read_text().count("running the request again") for log in logs)

    by_status = Counter(status for (_, status), n in stats.statuses.items() for _ in range(n))
    print(
        f"bench_concurrency: {args.writers} writers, 2 API processes, {args.groups} groups of "
        f"{args.members + 1} members, {elapsed:.1f} s"
        + (
            f", PostgreSQL restarted at {args.seconds / 2:.0f} s ({downtime:.1f} s down)"
            if not args.no_restart
            else ""
        )
    )
    print(
        f"operations: {sum(stats.statuses.values())} answered "
        f"({sum(stats.statuses.values()) / elapsed:.0f}/s), "
        f"transport errors: {dict(stats.transport_errors) or 0}"
    )
    print("by status: " + ", ".join(f"{s}: {n}" for s, n in sorted(by_status.items())))
    print(
        "by operation: "
        + ", ".join(f"{op} {s}: {n}" for (op, s), n in sorted(stats.statuses.items()))
    )
    print(
        f"latency: p50 {_percentile(stats.latencies, 0.5) * 1000:.0f} ms, "
        f"p99 {_percentile(stats.latencies, 0.99) * 1000:.0f} ms, "
        f"max {max(stats.latencies, default=0) * 1000:.0f} ms"
    )
    print(f"server-side retries of a rolled-back transaction: {retried}")
    print(
        f"acknowledged creates: {len(stats.created)}, missing from the database: {lost}; "
        f"live transactions: {live}"
    )
    print(
        f"drift (own recompute of every balance row): {len(drift)} rows"
        + (f": {drift[:5]}" if drift else "")
    )
    print(f"pennywise db verify: exit {verify_code}: {verify_out}")
    print(f"server logs: {home}")
    failed = by_status.get(500, 0) or drift or lost
    return 1 if failed else 0


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--max-ops", type=int, default=200_000, help="bound on operations")
    parser.add_argument("--groups", type=int, default=5)
    parser.add_argument("--members", type=int, default=5, help="placeholders per group")
    parser.add_argument("--no-restart", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    # `nox -s bench -- …` hands every script the same arguments: ignore the others'.
    known, _ = parser.parse_known_args(argv)
    return known


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse(sys.argv[1:]))))
