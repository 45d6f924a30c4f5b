"""``pennywise serve``: run the HTTP API."""

from __future__ import annotations

import os
import secrets
from typing import Annotated

import typer

from pennywise_cli.output import say


def serve(
    *,
    host: Annotated[
        str, typer.Option(envvar="PENNYWISE_HOST", help="Address to listen on.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="PENNYWISE_PORT", help="Port to listen on.")] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, help="Worker processes (the API keeps no state of its own).")
    ] = 1,
) -> None:
    """Run the HTTP API (on the embedded SQLite database unless PENNYWISE_DATABASE_URL says
    otherwise). Interactive docs at /docs."""
    import uvicorn

    from pennywise_core.settings import get_settings

    settings = get_settings()
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
    uvicorn.run(
        "pennywise_api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        timeout_graceful_shutdown=10,
        log_level="warning",
        access_log=False,  # the app logs one structured line per request itself
    )
