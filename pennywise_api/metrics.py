"""``GET /metrics``: Prometheus metrics of the API, correct with several worker processes.

Off unless ``PENNYWISE_METRICS_ENABLED=true`` (then the route does not exist: 404); with
``PENNYWISE_METRICS_TOKEN`` set, only ``Authorization: Bearer <token>`` reads it.

* ``pennywise_http_requests_total{method, route, status}`` and
  ``pennywise_http_request_duration_seconds{method, route}`` (a histogram): every answered
  request, the route as its template (``/api/v1/groups/{group_id}``, never a raw path, so
  the number of series stays fixed; a path no route has is ``<unmatched>``), counted where
  the answer leaves the app (a 429, a 503, a 500 included), once however often the database
  made it run again.
* ``pennywise_db_pool_checked_out``: database connections in use now, and
  ``pennywise_db_pool_limit``: the most the pools may open (size + overflow); both summed
  over the live workers, so the second is what the deployment can ask of the database.
* ``pennywise_imports_total{format, outcome}`` (``imported``, ``dry_run``, ``refused``) and
  ``pennywise_import_rows_total{format, outcome}`` (``created``, ``already_imported``,
  ``skipped``, ``invalid``): imports through the API, counted once committed.

Several processes: with ``PROMETHEUS_MULTIPROC_DIR`` set (``pennywise serve --workers N``
sets up a fresh directory itself and removes it on exit), every worker writes its values to
files there and each scrape builds a new registry that adds up all of them (prometheus-
client's multiprocess mode), whichever worker answers it. The variable must be set before
this module is first imported; gunicorn or a bare ``uvicorn --workers`` need it set (to an
empty directory) by whoever starts them.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.routing import iter_route_contexts
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pennywise_core.errors import AuthenticationError
from pennywise_core.imports import ImportReport
from pennywise_core.settings import Settings

METRICS_PATH = "/metrics"
MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
UNMATCHED = "<unmatched>"

REQUESTS = Counter(
    "pennywise_http_requests",
    "HTTP requests answered, by method, route template and status.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "pennywise_http_request_duration_seconds",
    "Time from a request's arrival to the end of its answer, by method and route template.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
POOL_CHECKED_OUT = Gauge(
    "pennywise_db_pool_checked_out",
    "Database connections checked out of the pools (in use), summed over the live workers.",
    multiprocess_mode="livesum",
)
POOL_LIMIT = Gauge(
    "pennywise_db_pool_limit",
    "The most connections the pools may open (pool size + max overflow), summed over the "
    "live workers.",
    multiprocess_mode="livesum",
)
IMPORTS = Counter(
    "pennywise_imports",
    "Imports through the API, by format and outcome (imported, dry_run, refused).",
    ["format", "outcome"],
)
IMPORT_ROWS = Counter(
    "pennywise_import_rows",
    "Rows of imports through the API, by format and what became of them (created, "
    "already_imported, skipped, invalid); dry runs are not counted.",
    ["format", "outcome"],
)


# --- requests ------------------------------------------------------------------------------


def route_template(routes: list[BaseRoute], scope: Scope) -> str:
    """The template of the route that serves ``scope`` (a path no route has:
    :data:`UNMATCHED`; a known path with another method: that route's template)."""
    partial: str | None = None
    for context in iter_route_contexts(routes):
        match, _ = context.matches(scope)
        if match is Match.FULL:
            return context.path or UNMATCHED
        if match is Match.PARTIAL and partial is None:
            partial = context.path
    return partial or UNMATCHED


class MetricsMiddleware:
    """Count each answered request and its duration, by method, route template and status.

    It sits outside the rate limit and the database retry (so a 429 and a 503 are counted,
    and a request the database made run again is counted once), inside the request id
    middleware, which turns what escapes here into a 500 (counted here as a 500).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_watch)
        finally:
            method = scope.get("method", "")
            route = route_template(scope["app"].router.routes, scope)
            REQUESTS.labels(method, route, str(status)).inc()
            LATENCY.labels(method, route).observe(time.perf_counter() - started)


# --- the database pool ---------------------------------------------------------------------


def _checked_out(*_: Any) -> None:
    POOL_CHECKED_OUT.inc()


def _checked_in(*_: Any) -> None:
    POOL_CHECKED_OUT.dec()


def instrument_pool(engine: AsyncEngine) -> None:
    """Follow ``engine``'s pool in the pool gauges (once per engine)."""
    target = engine.sync_engine
    if event.contains(target, "checkout", _checked_out):
        return
    pool = target.pool
    size = getattr(pool, "size", None)
    if callable(size):
        POOL_LIMIT.set(size() + max(0, int(getattr(pool, "_max_overflow", 0))))
    event.listen(target, "checkout", _checked_out)
    event.listen(target, "checkin", _checked_in)


# --- imports -------------------------------------------------------------------------------


def count_import(report: ImportReport) -> None:
    """An import the API committed (or a dry run it answered)."""
    IMPORTS.labels(report.format, "dry_run" if report.dry_run else "imported").inc()
    if report.dry_run:
        return
    for outcome in ("created", "already_imported", "skipped", "invalid"):
        IMPORT_ROWS.labels(report.format, outcome).inc(getattr(report, outcome))


def count_refused_import(format: str | None) -> None:
    IMPORTS.labels(format or "unknown", "refused").inc()


# --- the endpoint --------------------------------------------------------------------------

_LIVE_FILE = re.compile(r"^gauge_live\w*?_(\d+)\.db$")


def _forget_dead_workers(directory: Path) -> None:
    """Drop the live gauges of workers that died without shutting down (uvicorn starts a
    new one in their place), so the pool gauges count live workers only."""
    for path in directory.glob("gauge_live*.db"):
        found = _LIVE_FILE.match(path.name)
        if found is None:
            continue
        pid = int(found.group(1))
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            multiprocess.mark_process_dead(pid, str(directory))  # type: ignore[no-untyped-call]
        except PermissionError:
            pass


def exposition() -> bytes:
    """The metrics in the Prometheus text format: this process's, or with
    :data:`MULTIPROCESS_ENV` set every worker's, added up in a registry made for this scrape."""
    directory = os.environ.get(MULTIPROCESS_ENV)
    if not directory:
        return generate_latest(REGISTRY)
    _forget_dead_workers(Path(directory))
    registry = CollectorRegistry()
    # prometheus_client's multiprocess module has no annotations (its other modules do).
    multiprocess.MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
    return generate_latest(registry)


def _check_token(settings: Settings, request: Request) -> None:
    expected = settings.metrics_token.get_secret_value()
    if not expected:
        return
    scheme, _, offered = Headers(scope=request.scope).get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secrets.compare_digest(
        offered.strip().encode(), expected.encode()
    ):
        raise AuthenticationError("the metrics need the metrics token as a bearer token")


def install_metrics(app: FastAPI, settings: Settings) -> None:
    """Add ``GET /metrics`` (when enabled) and the request metrics."""
    router = APIRouter()

    @router.get(METRICS_PATH, include_in_schema=False)
    def metrics(request: Request) -> Response:
        _check_token(settings, request)
        return Response(exposition(), media_type=CONTENT_TYPE_LATEST)

    app.include_router(router)
