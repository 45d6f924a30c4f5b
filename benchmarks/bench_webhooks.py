"""Webhooks: latency from a commit to the receiver, and the rate one worker sustains.

    python benchmarks/bench_webhooks.py                  # 50 creates, 3,000 events
    python benchmarks/bench_webhooks.py --creates 20 --events 500

On a throwaway PostgreSQL database (the local server as ``postgres``, or
``PENNYWISE_BENCH_POSTGRES_URL``), with a receiver on loopback in a process of its own
(``http.server``, answering 200 and noting when each ``webhook-id`` arrived):

1. **Latency.** ``pennywise serve`` (1 worker, its delivery worker looking every
   ``--interval`` seconds, and at the default 1 s) and ``--creates`` sequential ``POST
   /api/v1/transactions``, each waited for at the receiver and the next sent a random
   0–1.2 s later (so it falls anywhere in the worker's interval): the time from
   the POST's answer (sent after its commit) to the delivery's arrival; p50, p90, max.
2. **Rate.** ``--events`` events written straight into the outbox, then one worker (this
   process: the core's delivery rounds with the API's HTTP sender, what each server process
   runs) sends them all; deliveries per second, and that each arrived once.

Figures only, never assertions; the receiver's own cost is in them (it runs on the same
two cores).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import multiprocessing
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
from bench_api import _admin, _serve, _setup, _stop


def _receiver(port_out: Any) -> None:
    """Answer 200 to every POST; ``GET /arrivals``: each webhook-id and when it came."""
    arrivals: list[tuple[str, float]] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length", 0)))
            arrivals.append((self.headers.get("webhook-id", ""), time.time()))
            self.send_response(200)
            self.send_header("content-length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def do_GET(self) -> None:
            body = json.dumps(arrivals).encode()
            self.send_response(200)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port_out.put(server.server_address[1])
    server.serve_forever()


def _arrivals(port: int) -> list[tuple[str, float]]:
    return [tuple(a) for a in httpx.get(f"http://127.0.0.1:{port}/arrivals").json()]


def _subscribe(api: httpx.Client, group_id: str, receiver_port: int) -> None:
    created = api.post(
        f"/groups/{group_id}/webhooks",
        json={"url": f"http://127.0.0.1:{receiver_port}/hook", "events": ["transaction.created"]},
    )
    created.raise_for_status()


def latency(world: Any, env: dict[str, str], receiver: int, creates: int, interval: str) -> None:
    env = {**env, "PENNYWISE_WEBHOOKS_INTERVAL_SECONDS": interval}
    port = 8700 + secrets.randbelow(200)
    log = Path(env["PENNYWISE_HOME"]) / f"serve-{interval}.log"
    server = _serve(env, port, 1, log)
    headers = {"authorization": f"Bearer {world.token}"}
    waits: list[float] = []
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}/api/v1", headers=headers) as api:
            seen = len(_arrivals(receiver))
            body = {"group_id": world.group_id, "description": "Coffee", "amount": "4.20"}
            for _ in range(creates):
                api.post("/transactions", json=body).raise_for_status()
                answered = time.time()
                while len(got := _arrivals(receiver)) == seen:
                    time.sleep(0.001)
                seen = len(got)
                waits.append(got[-1][1] - answered)
                # The next change comes at a random moment, not just after the worker's
                # last look (which would flatter the latency).
                time.sleep(random.uniform(0, 1.2))
    finally:
        _stop(server)
    waits.sort()
    print(
        f"latency, worker every {interval:>4} s: {creates} creates, commit -> receiver "
        f"p50 {statistics.median(waits) * 1000:6.1f} ms, "
        f"p90 {waits[int(len(waits) * 0.9)] * 1000:6.1f} ms, max {waits[-1] * 1000:6.1f} ms"
    )


async def rate(world: Any, receiver: int, count: int) -> None:
    from sqlalchemy import text

    from pennywise_api.webhooks import HttpSender
    from pennywise_core import db
    from pennywise_core.models import Event
    from pennywise_core.services import webhooks
    from pennywise_core.settings import Settings

    settings = Settings(database_url=world.url, webhooks_allow_private=True)
    engine = db.create_engine(world.url)
    maker = db.session_factory(engine)
    before = len(_arrivals(receiver))
    now = dt.datetime.now(dt.UTC)
    async with engine.begin() as connection:
        # As the outbox writes them: under this transaction's id (events are read in
        # transaction order, after a subscription's position).
        txid = await connection.scalar(text("SELECT pg_current_xact_id()::text::bigint"))
        await connection.execute(
            Event.__table__.insert(),
            [
                {
                    "group_id": uuid.UUID(world.group_id),
                    "txid": txid,
                    "type": "transaction.created",
                    "actor_id": uuid.UUID(world.user_id),
                    "target_type": "transaction",
                    "target_id": uuid.uuid4(),
                    "data": {"description": f"Item {n}", "amount": "1.00", "currency": "EUR"},
                    "created_at": now,
                }
                for n in range(count)
            ],
        )
    started, cpu = time.perf_counter(), time.process_time()
    sent = 0
    async with HttpSender(settings) as sender:
        deadline = time.monotonic() + 300
        while sent < count and time.monotonic() < deadline:
            round_ = await webhooks.deliver_due(maker, sender, settings)
            sent += round_.delivered
            if not round_.busy:
                await asyncio.sleep(0.01)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    await engine.dispose()
    arrived = [a[0] for a in _arrivals(receiver)[before:]]
    print(
        f"rate: one worker sent {sent:,} deliveries in {elapsed:.2f} s: "
        f"{sent / elapsed:,.0f}/s, {cpu / max(sent, 1) * 1000:.2f} ms of its CPU each; "
        f"{len(arrived):,} arrived, {len(set(arrived)):,} distinct ids"
    )


def main() -> None:
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--creates", type=int, default=50)
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--interval", default="0.1", help="the fast worker's interval, s")
    args = parser.parse_args()

    ports: Any = multiprocessing.Queue()
    receiver_process = multiprocessing.Process(target=_receiver, args=(ports,), daemon=True)
    receiver_process.start()
    receiver = ports.get(timeout=10)
    home = Path(tempfile.mkdtemp(prefix="pennywise-bench-webhooks-"))
    secret = secrets.token_urlsafe(48)
    os.environ["PENNYWISE_JWT_SECRET"] = secret  # the token made below must verify
    world = asyncio.run(_setup())
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PENNYWISE_")},
        "PENNYWISE_HOME": str(home),
        "PENNYWISE_DATABASE_URL": world.url,
        "PENNYWISE_JWT_SECRET": secret,
        "PENNYWISE_RECURRING_INTERVAL_SECONDS": "0",
        "PENNYWISE_WEBHOOKS_ALLOW_PRIVATE": "true",
        "PENNYWISE_RATE_LIMIT_ENABLED": "false",
    }
    try:
        port = 8600 + secrets.randbelow(100)
        setup_env = {**env, "PENNYWISE_WEBHOOKS_INTERVAL_SECONDS": "0"}
        server = _serve(setup_env, port, 1, home / "setup.log")
        try:
            with httpx.Client(
                base_url=f"http://127.0.0.1:{port}/api/v1",
                headers={"authorization": f"Bearer {world.token}"},
            ) as api:
                _subscribe(api, world.group_id, receiver)
        finally:
            _stop(server)
        latency(world, env, receiver, args.creates, args.interval)
        latency(world, env, receiver, args.creates, "1.0")
        asyncio.run(rate(world, receiver, args.events))
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{world.name}" WITH (FORCE)'))
        receiver_process.terminate()


if __name__ == "__main__":
    main()
