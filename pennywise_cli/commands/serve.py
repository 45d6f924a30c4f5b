"""``pennywise serve``: run the HTTP API."""

from __future__ import annotations

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

    say(f"Pennywise API on http://{host}:{port}  (docs: /docs)")
    uvicorn.run(
        "pennywise_api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        timeout_graceful_shutdown=10,
        log_level="warning",
    )
