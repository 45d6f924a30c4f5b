"""Concurrent writers on two API processes, a PostgreSQL restart in the middle, then verify.

What it runs (all on 127.0.0.1, bounded in time and in count):

1. a private, throwaway PostgreSQL (``tests/pgserver.py``: ``initdb`` + ``pg_ctl`` in a
   temporary directory on a free port; never the shared server), migrated to head;
2. ``--groups`` groups, each owned by its own user with ``--members`` placeholder members;
3. two ``pennywise serve`` processes on two ports, on that one database;
4. ``--writers`` concurrent writers for ``--seconds`` (and at most ``--max-ops`` operations
   in all), alternating between the two servers, each in one group: create (payer and
   split drawn at random, so member orders cross), edit with ``If-Match`` (payer, split and
   description changed), delete and restore, on the group's transactions (shared by its
   writers); one create in four is sent to *both* servers at once with the same
   ``Idempotency-Key`` and body;
5. halfway through, the PostgreSQL server is restarted (``pg_ctl stop -m fast``: every
   connection is cut) and started again, while the writers keep writing;
6. the limits, on two more ``pennywise serve`` processes on the same database with low
   limits: failed sign-ins spread over both are counted together (N−1 failures on A, the
   Nth on B, then even the right password is a 429 on B and on A), and so are requests per
   token (half the limit on A, half on B, the next one is a 429 with ``Retry-After``),
   and so are requests per client address (the servers trust ``X-Forwarded-For`` from
   127.0.0.1, as behind a proxy: half the limit from one address on A, half on B, the next
   one from it is a 429 on both, while another address still gets through);
7. then the database is verified: every balance row recomputed from the live
   transactions' entries (one query of this script's own), every currency zero-sum in every
   group, every acknowledged create found, one transaction per idempotency key and the
   same answer from both servers, no lost update (every acknowledged write's version is
   acknowledged once, the last acknowledged one is the version, description and deleted
   state in the database, and every 412 named a newer version than the one sent), and
   ``pennywise db verify --format json`` run on the database as an operator would (its
   exit code printed; 0 = no drift).

It prints the operations, the answers by status, the latency (p50, p99) and every
invariant. A 412 (someone edited the transaction first) and a 409 (an edit of a deleted
transaction) are the ledger refusing a stale write; 503s are the restart's. Any 500, any
broken invariant or a non-zero ``pennywise db verify`` exits 1.

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
LOGIN_ATTEMPTS = 4
"""Failed sign-ins per account and client network on the limits' servers."""
PER_TOKEN = 10
"""Requests per token per window on the limits' servers."""
PER_ADDRESS = 30
"""Requests per client address per window on the limits' servers: above the 19 that the
sign-in and per-token checks send from 127.0.0.1, so only the per-address check meets it."""
CLIENT_ADDRESSES = ("203.0.113.7", "203.0.113.8")
"""Documentation addresses (RFC 5737) that the per-address check claims to come from, through
X-Forwarded-For, which the limits' servers trust from 127.0.0.1 (as behind a proxy)."""


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
    acks: dict[str, list[tuple[int, str, bool]]] = field(default_factory=dict)
    """Transaction id -> (version, description, deleted) of every acknowledged write."""
    stale_412: list[tuple[str, int, int]] = field(default_factory=list)
    """(transaction id, If-Match version sent, current version the 412 named)."""
    keyed: dict[str, list[dict[str, object]]] = field(default_factory=dict)
    """Idempotency key sent to both servers -> the bodies of its successful answers."""
    raced_412: int = 0
    """412s from the UPDATE's own version check (a write committed in between): no version."""
    replayed: int = 0

    def ack(self, body: dict[str, object]) -> None:
        entry = (int(str(body["version"])), str(body["description"]), bool(body["deleted"]))
        self.acks.setdefault(str(body["id"]), []).append(entry)


async def _setup(url: str, groups: int, members: int) -> tuple[list[Group], str]:
    """Users, groups and placeholder members, made with the core directly (no Argon2), and
    the token of one more user, for the rate limit."""
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
            spare = await users.create_local(
                session, display_name="Limited", email="limited@example.org"
            )
            spare_token, _ = tokens.create_access_token(spare.id)
    finally:
        await engine.dispose()
    return made, spare_token


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


def _body(group: Group, rng: random.Random, notes: str | None = None) -> dict[str, object]:
    payer, *owers = rng.sample(group.members, k=rng.randint(2, min(4, len(group.members))))
    return {
        "group_id": group.id,
        "description": "Shared",
        **({"notes": notes} if notes else {}),
        "amount": f"{rng.randint(100, 99_999) / 100:.2f}",
        "paid_by": [{"member_id": payer}],
        "split": {"mode": "equal", "entries": [{"member_id": m} for m in owers]},
    }


async def _send(
    client: httpx.AsyncClient,
    group: Group,
    stats: Stats,
    op: str,
    method: str,
    path: str,
    body: dict[str, object] | None,
    headers: dict[str, str],
) -> httpx.Response | None:
    """One request; its status and latency counted (a transport error: None)."""
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
        return None
    stats.latencies.append(time.perf_counter() - started)
    stats.statuses[(op, response.status_code)] += 1
    return response


async def _create_on_both(
    clients: list[httpx.AsyncClient], group: Group, stats: Stats, rng: random.Random
) -> None:
    """The same create, same key and body, sent to both servers at once."""
    key = uuid.uuid4().hex
    body = _body(group, rng, f"keyed {key}")  # in the notes, which no edit changes
    answers = await asyncio.gather(
        *(
            _send(
                c,
                group,
                stats,
                "create-both",
                "POST",
                "/transactions",
                body,
                {"Idempotency-Key": key},
            )
            for c in clients
        )
    )
    bodies = stats.keyed.setdefault(key, [])
    for response in answers:
        if response is not None and response.status_code == 201:
            bodies.append(response.json())
            stats.replayed += response.headers.get("Idempotent-Replayed") == "true"
    if bodies:
        stats.created.add(str(bodies[0]["id"]))
        stats.ack(bodies[0])
        group.transactions[str(bodies[0]["id"])] = f'"{bodies[0]["version"]}"'


async def _writer(
    n: int,
    clients: list[httpx.AsyncClient],
    group: Group,
    stats: Stats,
    deadline: float,
    max_ops: int,
    seed: int,
) -> None:
    rng = random.Random(seed * 1000 + n)
    client = clients[n % 2]
    edits = 0
    while time.monotonic() < deadline and stats.operations < max_ops:
        stats.operations += 1
        known = list(group.transactions.items())
        roll = rng.random()
        if not known or roll < 0.4:
            if roll < 0.1:
                await _create_on_both(clients, group, stats, rng)
                continue
            op, method, path = "create", "POST", "/transactions"
            body: dict[str, object] | None = _body(group, rng)
            headers = {"Idempotency-Key": uuid.uuid4().hex}
        else:
            tx_id, tag = rng.choice(known)
            headers = {"If-Match": tag}
            if roll < 0.7:
                op, method, path = "edit", "PATCH", f"/transactions/{tx_id}"
                payer, *owers = rng.sample(group.members, k=3)
                edits += 1
                body = {
                    "description": f"edit {n}.{edits}",
                    "paid_by": [{"member_id": payer}],
                    "split": {"mode": "equal", "entries": [{"member_id": m} for m in owers]},
                }
            elif roll < 0.85:
                op, method, path, body = "delete", "DELETE", f"/transactions/{tx_id}", None
            else:
                op, method, path, body = "restore", "POST", f"/transactions/{tx_id}/restore", None
        response = await _send(client, group, stats, op, method, path, body, headers)
        if response is None:
            continue
        if response.is_success and "ETag" in response.headers:
            answer = response.json()
            tx_id = answer["id"]
            group.transactions[tx_id] = response.headers["ETag"]
            stats.ack(answer)
            if op == "create":
                stats.created.add(tx_id)
        elif response.status_code == 412 and op != "create":
            current = response.json().get("current_version")
            if current is None or current < 0:
                stats.raced_412 += 1  # two writes met at the UPDATE: its version check said no
            else:
                tx_id = path.split("/")[2]
                stats.stale_412.append((tx_id, int(headers["If-Match"].strip('"')), current))
                group.transactions[tx_id] = f'"{current}"'


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


async def _invariants(url: str, stats: Stats) -> dict[str, int]:
    """The ledger's promises over the run, from the database (0 everywhere = kept)."""
    from pennywise_core import db

    engine = db.create_engine(url)
    try:
        async with engine.connect() as connection:
            unbalanced = (
                await connection.execute(
                    text(
                        "SELECT group_id, currency FROM balances GROUP BY group_id, currency"
                        " HAVING sum(amount) <> 0"
                    )
                )
            ).all()
            per_key = dict(
                (
                    await connection.execute(
                        text(
                            "SELECT substr(notes, 7), count(*) FROM transactions"
                            " WHERE notes LIKE 'keyed %' GROUP BY notes"
                        )
                    )
                ).all()
            )
            final = {
                row[0]: (row[1], row[2], row[3])
                for row in await connection.execute(
                    text(
                        "SELECT id::text, version, description, deleted_at IS NOT NULL"
                        " FROM transactions"
                    )
                )
            }
    finally:
        await engine.dispose()
    lost_updates = unacknowledged = 0
    examples: list[str] = []
    for tx_id, acks in stats.acks.items():
        # A delete of a deleted transaction (a restore of a live one) is a no-op answered
        # with the same version: the same state twice, not two writes.
        states = {version: set() for version, _, _ in acks}
        for version, *state in acks:
            states[version].add(tuple(state))
        top = max(acks)
        version, description, deleted = final[tx_id]
        if (
            any(len(seen) > 1 for seen in states.values())  # two writes, one version
            or version < top[0]  # an acknowledged write undone
            or (version == top[0] and (description, deleted) != top[1:])  # or not stored
        ):
            lost_updates += 1
            examples.append(f"{tx_id}: acknowledged {acks}, stored {final[tx_id]}")
        elif version > top[0]:
            unacknowledged += 1  # a write applied whose answer never arrived
    for example in examples[:3]:
        print(f"lost update: {example}")
    return {
        "currencies not zero-sum": len(unbalanced),
        "keys with more than one transaction": sum(n > 1 for n in per_key.values()),
        "acknowledged keys without their transaction": sum(
            1 for key, bodies in stats.keyed.items() if bodies and per_key.get(key) != 1
        ),
        "keys answered differently by the two servers": sum(
            1 for bodies in stats.keyed.values() if any(b != bodies[0] for b in bodies)
        ),
        "lost updates": lost_updates,
        "412s that were no conflict": sum(
            1 for tx_id, sent, current in stats.stale_412 if not sent < current <= final[tx_id][0]
        ),
        "unacknowledged writes applied (not a failure)": unacknowledged,
    }


async def _shared_limits(
    bases: list[str], token: str, attempts: int, per_token: int
) -> dict[str, bool]:
    """Sign-in throttling and the rate limit, spread over two servers (A, B) that must count
    together; each check is True when it held."""
    a, b = (httpx.AsyncClient(base_url=f"{base}/api/v1", timeout=60) for base in bases)
    email, password = "throttled@example.org", secrets.token_urlsafe(16)
    checks: dict[str, bool] = {}
    try:
        registered = await a.post(
            "/auth/register",
            json={"email": email, "password": password, "display_name": "Throttled"},
        )
        registered.raise_for_status()

        async def sign_in(client: httpx.AsyncClient, secret: str) -> int:
            form = {"grant_type": "password", "username": email, "password": secret}
            return (await client.post("/auth/token", data=form)).status_code

        first = [await sign_in(a, "wrong password") for _ in range(attempts - 1)]
        nth = await sign_in(b, "wrong password")
        checks[f"{attempts - 1} failed sign-ins on A, the {attempts}th on B: all 401"] = [
            *first,
            nth,
        ] == [401] * attempts
        after = [await sign_in(b, password), await sign_in(a, password)]
        checks["then the right password: 429 on B and on A"] = after == [429, 429]

        auth = {"Authorization": f"Bearer {token}"}
        half = per_token // 2
        spent = [
            (await c.get("/groups", headers=auth)).status_code
            for c in [a] * half + [b] * (per_token - half)
        ]
        checks[f"{half} requests with one token on A, {per_token - half} on B: all 200"] = (
            spent == [200] * per_token
        )
        over = await b.get("/groups", headers=auth)
        checks[
            f"request {per_token + 1} (limit {per_token}) on B: 429, Retry-After, problem+json"
        ] = (
            over.status_code == 429
            and int(over.headers.get("Retry-After", "0")) > 0
            and over.headers.get("content-type", "").startswith("application/problem+json")
        )
        checks["and on A: 429"] = (await a.get("/groups", headers=auth)).status_code == 429
        checks.update(await _shared_address_limit(a, b))
    finally:
        await a.aclose()
        await b.aclose()
    return checks


async def _shared_address_limit(a: httpx.AsyncClient, b: httpx.AsyncClient) -> dict[str, bool]:
    """Requests without a token from one client address, half the limit on A and half on B
    (each a 401: counted all the same), then one more: 429 on both; another address: 401."""
    one, other = ({"X-Forwarded-For": address} for address in CLIENT_ADDRESSES)
    half = PER_ADDRESS // 2
    spent = [
        (await c.get("/groups", headers=one)).status_code
        for c in [a] * half + [b] * (PER_ADDRESS - half)
    ]
    over = [(await c.get("/groups", headers=one)).status_code for c in (b, a)]
    elsewhere = (await a.get("/groups", headers=other)).status_code
    name = f"{half} requests from one address on A, {PER_ADDRESS - half} on B"
    return {
        f"{name}: all answered (401, no token)": spent == [401] * PER_ADDRESS,
        f"request {PER_ADDRESS + 1} from it (limit {PER_ADDRESS}): 429 on B and on A": over
        == [429, 429],
        "a request from another address meanwhile: answered (401)": elsewhere == 401,
    }


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
        groups, spare_token = await _setup(url, args.groups, args.members)
        # The limits' servers: low limits, a window of a day (so no boundary falls inside).
        limited_env = {
            **env,
            "PENNYWISE_LOGIN_ATTEMPTS_PER_ACCOUNT": str(LOGIN_ATTEMPTS),
            "PENNYWISE_RATE_LIMIT_PER_PRINCIPAL": str(PER_TOKEN),
            "PENNYWISE_RATE_LIMIT_PER_ADDRESS": str(PER_ADDRESS),
            "PENNYWISE_RATE_LIMIT_WINDOW_SECONDS": "86400",
            "PENNYWISE_FORWARDED_ALLOW_IPS": "127.0.0.1",
        }
        # All four start at once: two for the load, then two for the limits' check (run first,
        # before the restart; the load's servers idle meanwhile).
        ports = [free_port() for _ in range(4)]
        logs = [home / f"serve-{p}.log" for p in ports]
        servers = [
            _serve(p, limited_env if i >= 2 else env, log)
            for i, (p, log) in enumerate(zip(ports, logs, strict=True))
        ]
        stats = Stats()
        try:
            for p, s, log in zip(ports, servers, logs, strict=True):
                await _wait_ready(f"http://127.0.0.1:{p}", s, log)
            limits = await _shared_limits(
                [f"http://127.0.0.1:{p}" for p in ports[2:]], spare_token, LOGIN_ATTEMPTS, PER_TOKEN
            )
            pool = httpx.Limits(max_connections=args.writers, max_keepalive_connections=10)
            clients = [
                httpx.AsyncClient(base_url=f"http://127.0.0.1:{p}", timeout=60, limits=pool)
                for p in ports[:2]
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
                        clients,
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
        invariants = await _invariants(url, stats)
        verify_code, verify_out = _db_verify(env)
    retried = sum(log.read_text().count("running the request again") for log in logs[:2])

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
    keyed = sum(1 for bodies in stats.keyed.values() if bodies)
    print(
        f"idempotency keys sent to both servers at once: {len(stats.keyed)}, "
        f"{keyed} acknowledged, {stats.replayed} answers replayed"
    )
    print(
        f"writes acknowledged with a version: {sum(map(len, stats.acks.values()))} on "
        f"{len(stats.acks)} transactions; 412s naming the newer version: {len(stats.stale_412)}, "
        f"412s from the UPDATE's version check (lost the race to a commit): {stats.raced_412}"
    )
    for name, count in invariants.items():
        print(f"invariant: {name}: {count}")
    for name, held in limits.items():
        print(f"shared limit: {name}: {'yes' if held else 'NO'}")
    print(f"pennywise db verify: exit {verify_code}: {verify_out}")
    print(f"server logs: {home}")
    broken = {k: v for k, v in invariants.items() if v and "not a failure" not in k}
    failed = (
        by_status.get(500, 0) or drift or lost or broken or verify_code or not all(limits.values())
    )
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
