"""``GET /metrics``: off (404) unless enabled; the Prometheus text with requests by route
template and status, latency, the pool's connections in use and imports; a token when one
is set; and, under a real ``pennywise serve --workers 2``, totals that add up every worker's
requests whichever worker answers the scrape.

The metrics of the apps built here live in this test process, shared by every app (as in a
real process), so the in-process tests compare values before and after.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from apitools import API, IMPORT_CSV, World
from fastapi import FastAPI
from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.ext.asyncio import AsyncEngine

from pennywise_api.app import create_app
from pennywise_core.settings import Settings

BIN = Path(sys.executable).parent


def _samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _value(text: str, name: str, **labels: str) -> float:
    return _samples(text).get((name, frozenset(labels.items())), 0.0)


def _app(engine: AsyncEngine, **settings: object) -> FastAPI:
    return create_app(Settings(environment="test", metrics_enabled=True, **settings), engine=engine)


def _client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def test_metrics_are_off_unless_enabled(client: httpx.AsyncClient) -> None:
    response = await client.get("/metrics")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


async def test_requests_are_counted_by_route_template_and_status(engine: AsyncEngine) -> None:
    template = "/api/v1/groups/{group_id}"
    async with _client(_app(engine)) as client:
        before = (await client.get("/metrics")).text
        for _ in range(2):
            assert (await client.get(f"{API}/groups/{uuid.uuid4()}")).status_code == 401
        assert (await client.get("/no/such/path")).status_code == 404
        response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"] == CONTENT_TYPE_LATEST  # Prometheus text format
    after = response.text
    labels = {"method": "GET", "route": template, "status": "401"}
    total = "pennywise_http_requests_total"
    assert _value(after, total, **labels) - _value(before, total, **labels) == 2
    unmatched = {"method": "GET", "route": "<unmatched>", "status": "404"}
    assert _value(after, total, **unmatched) - _value(before, total, **unmatched) == 1
    histogram = "pennywise_http_request_duration_seconds_count"
    by_route = {"method": "GET", "route": template}
    assert _value(after, histogram, **by_route) - _value(before, histogram, **by_route) == 2
    assert "/api/v1/groups/" not in after.replace(template, "")  # never a raw path
    assert "pennywise_db_pool_checked_out" in after
    assert "pennywise_db_pool_limit" in after


async def test_the_pool_gauge_counts_connections_in_use(engine: AsyncEngine) -> None:
    async with _client(_app(engine)) as client:
        idle = _value((await client.get("/metrics")).text, "pennywise_db_pool_checked_out")
        async with engine.connect():
            busy = _value((await client.get("/metrics")).text, "pennywise_db_pool_checked_out")
        again = _value((await client.get("/metrics")).text, "pennywise_db_pool_checked_out")
    assert busy - idle == 1
    assert again == idle


async def test_imports_and_their_rows_are_counted(engine: AsyncEngine, world: World) -> None:
    url = f"{API}/groups/{world.group_id}/imports"
    files = {"file": ("splitwise.csv", IMPORT_CSV, "text/csv")}
    fmt = "splitwise-csv"
    async with _client(_app(engine)) as client:
        before = (await client.get("/metrics")).text
        h = world.owner.headers
        dry = await client.post(url, headers=h, files=files, data={"dry_run": "true"})
        assert dry.status_code == 200, dry.text
        for expected in (201, 201):  # the second finds both rows already there
            assert (await client.post(url, headers=h, files=files)).status_code == expected
        bad = {"file": ("bad.csv", b"not,a,known\nformat,at,all\n", "text/csv")}
        assert (await client.post(url, headers=h, files=bad)).status_code == 422
        after = (await client.get("/metrics")).text

    def delta(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    assert delta("pennywise_imports_total", format=fmt, outcome="dry_run") == 1
    assert delta("pennywise_imports_total", format=fmt, outcome="imported") == 2
    assert delta("pennywise_imports_total", format="unknown", outcome="refused") == 1
    assert delta("pennywise_import_rows_total", format=fmt, outcome="created") == 2
    assert delta("pennywise_import_rows_total", format=fmt, outcome="already_imported") == 2


async def test_a_metrics_token_is_required_when_set(engine: AsyncEngine) -> None:
    async with _client(_app(engine, metrics_token="scrape-me-please")) as client:
        assert (await client.get("/metrics")).status_code == 401
        wrong = {"Authorization": "Bearer not-the-token"}
        assert (await client.get("/metrics", headers=wrong)).status_code == 401
        right = {"Authorization": "Bearer scrape-me-please"}
        response = await client.get("/metrics", headers=right)
    assert response.status_code == 200
    assert "pennywise_http_requests_total" in response.text


# --- several worker processes ---------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _workers_that_answered(directory: Path) -> set[str]:
    """The pids of the workers that counted a request (a counter file is made on the first)."""
    return {
        m.group(1) for p in directory.iterdir() if (m := re.match(r"counter_(\d+)\.db", p.name))
    }


def test_totals_add_up_every_worker_of_pennywise_serve(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PENNYWISE_", "PROMETHEUS"))},
        "PENNYWISE_HOME": str(tmp_path),
        "PENNYWISE_ENVIRONMENT": "test",
        "PENNYWISE_METRICS_ENABLED": "true",
    }
    # The database first, as a deployment does: two workers must not both create it.
    subprocess.run([BIN / "pennywise", "db", "upgrade"], env=env, check=True, timeout=120)
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [BIN / "pennywise", "serve", "--port", str(port), "--workers", "2"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    directory: Path | None = None
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            assert server.poll() is None, log.read_text()
            time.sleep(0.1)
        # The banner says where the workers' metrics meet.
        found = re.search(r"gathered in (\S+)", log.read_text())
        assert found is not None, log.read_text()
        directory = Path(found.group(1))
        assert directory.is_dir()

        def one(_: int) -> int:  # a new connection each: the kernel hands them to both workers
            return httpx.get(f"{base}/healthz", timeout=10).status_code

        sent = 1  # the readiness probe above
        with ThreadPoolExecutor(max_workers=8) as pool:
            for _ in range(20):  # bounded: until both workers have answered some
                assert list(pool.map(one, range(40))) == [200] * 40
                sent += 40
                if len(_workers_that_answered(directory)) == 2:
                    break
        assert len(_workers_that_answered(directory)) == 2, "one worker answered everything"
        labels = {"method": "GET", "route": "/healthz", "status": "200"}
        totals = set()
        for _ in range(6):  # each scrape may be answered by either worker: all agree
            scrape = httpx.get(f"{base}/metrics", timeout=10)
            assert scrape.status_code == 200
            totals.add(_value(scrape.text, "pennywise_http_requests_total", **labels))
        assert totals == {sent}
        # Both workers' pools are counted (SQLite's pool: 5 + 10 each).
        assert _value(scrape.text, "pennywise_db_pool_limit") == 30
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    assert server.returncode == 0, log.read_text()
    assert directory is not None
    assert not directory.exists()  # removed on the way out
