"""``pennywise serve``: run the HTTP API."""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from pennywise_cli.output import say

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
"""prometheus-client's multiprocess directory (the name :mod:`pennywise_api.metrics` reads;
not imported from there, which would import prometheus-client before it is set)."""


def uvicorn_options(
    *, forwarded_allow_ips: list[str], graceful_shutdown_seconds: int = 8
) -> dict[str, Any]:
    """What ``pennywise serve`` tells uvicorn besides where to listen.

    Proxy headers are read only from ``forwarded_allow_ips`` (parsed by
    :func:`~pennywise_core.settings.parse_forwarded_allow_ips`); with none, uvicorn's proxy
    middleware is off, so ``X-Forwarded-For`` is ignored from every peer, 127.0.0.1 included
    (uvicorn's own default trusts that one). uvicorn takes, right to left, the first entry
    that is not a trusted proxy; the API then parses that as an IP address and counts
    anything else as one client (:func:`~pennywise_core.services.auth.client_network`).

    On SIGTERM (or Ctrl-C) uvicorn stops accepting connections, lets the requests in flight
    finish for up to ``graceful_shutdown_seconds`` (``PENNYWISE_GRACEFUL_SHUTDOWN_SECONDS``),
    then cancels what is left and runs the app's shutdown (the pool is closed).
    """
    return {
        "proxy_headers": bool(forwarded_allow_ips),
        "forwarded_allow_ips": ",".join(forwarded_allow_ips) or None,
        "timeout_graceful_shutdown": graceful_shutdown_seconds,
        "log_level": "warning",
        "access_log": False,  # the app logs one structured line per request itself
    }


def serve(
    *,
    host: Annotated[
        str, typer.Option(envvar="PENNYWISE_HOST", help="Address to listen on.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="PENNYWISE_PORT", help="Port to listen on.")] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            envvar="PENNYWISE_WORKERS",
            help="Worker processes (the API keeps no state of its own).",
        ),
    ] = 1,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            help="Comma list of the reverse proxies (addresses or networks, or *) whose "
            "X-Forwarded-For names the client. Default: PENNYWISE_FORWARDED_ALLOW_IPS, "
            "else none: the header is ignored from every peer.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Run the HTTP API (on the embedded SQLite database unless PENNYWISE_DATABASE_URL says
    otherwise). Interactive docs at /docs."""
    import uvicorn

    from pennywise_core.settings import get_settings, parse_forwarded_allow_ips

    settings = get_settings()
    try:
        proxies = parse_forwarded_allow_ips(
            settings.forwarded_allow_ips if forwarded_allow_ips is None else forwarded_allow_ips
        )
    except ValueError as bad:
        raise typer.BadParameter(str(bad), param_hint="'--forwarded-allow-ips'") from None
    if (
        workers > 1
        and settings.environment != "production"  # which refuses to start without a secret
        and not settings.jwt_secret.get_secret_value()
    ):
        # Without a configured secret each process would sign with its own ephemeral one, and
        # a token from one worker would be refused by the next: share one for this run (the
        # workers inherit the environment).
        os.environ["PENNYWISE_JWT_SECRET"] = secrets.token_urlsafe(48)
    say(f"Pennywise API on http://{host}:{port}  (docs: /docs)")
    with _metrics_directory(enabled=settings.metrics_enabled and workers > 1) as directory:
        if directory is not None:
            say(f"metrics of the {workers} workers are gathered in {directory}")
        uvicorn.run(
            "pennywise_api.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            **uvicorn_options(
                forwarded_allow_ips=proxies,
                graceful_shutdown_seconds=settings.graceful_shutdown_seconds,
            ),
        )


@contextmanager
def _metrics_directory(*, enabled: bool) -> Iterator[Path | None]:
    """Where the workers' metrics meet (prometheus-client's multiprocess mode): the
    ``PROMETHEUS_MULTIPROC_DIR`` given, emptied of a previous run's files, or a new private
    directory, removed afterwards. The workers inherit the variable."""
    if not enabled:
        yield None
        return
    given = os.environ.get(MULTIPROCESS_ENV)
    if given:
        directory = Path(given)
        directory.mkdir(parents=True, exist_ok=True)
        for stale in directory.glob("*.db"):
            stale.unlink()
        yield directory
        return
    directory = Path(tempfile.mkdtemp(prefix="pennywise-metrics-"))
    os.environ[MULTIPROCESS_ENV] = str(directory)
    try:
        yield directory
    finally:
        del os.environ[MULTIPROCESS_ENV]
        shutil.rmtree(directory, ignore_errors=True)
