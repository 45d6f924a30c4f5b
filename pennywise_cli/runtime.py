"""Running a command: the global options, the backend, the event loop.

Commands are plain (synchronous) Typer functions. The work that needs the backend is an
``async def`` taking it; :func:`call` opens the backend the global options choose, runs the
work on a fresh event loop and closes the backend (committing the local transaction when
the work succeeded). Errors travel up to the boundary in :mod:`pennywise_cli.errors`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import typer

if TYPE_CHECKING:
    from pennywise_cli.backends import Backend
    from pennywise_cli.backends.remote import RemoteBackend

T = TypeVar("T")


@dataclass
class Options:
    """The root command's options, kept on the root context's ``obj``."""

    api_url: str | None = None
    database_url: str | None = None

    @property
    def remote(self) -> bool:
        return bool(self.api_url)


def options(ctx: typer.Context) -> Options:
    root = ctx.find_root()
    if not isinstance(root.obj, Options):
        root.obj = Options()
    return root.obj


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    import asyncio

    return asyncio.run(coroutine)


def call(ctx: typer.Context, work: Callable[[Backend], Awaitable[T]]) -> T:
    """Run ``work`` with the backend of this invocation (local or remote)."""
    from pennywise_cli.backends import open_backend

    chosen = options(ctx)

    async def main() -> T:
        if not chosen.api_url:
            # Local: one transaction, run again if PostgreSQL rolls it back for a deadlock.
            from pennywise_cli.backends import local

            return await local.run(chosen.database_url, work)
        async with open_backend(
            api_url=chosen.api_url, database_url=chosen.database_url
        ) as backend:
            return await work(backend)

    return run_async(main())


def call_remote(ctx: typer.Context, what: str, work: Callable[[RemoteBackend], Awaitable[T]]) -> T:
    """Run ``work`` with the remote backend; ``what`` names the command for the error."""
    from pennywise_cli.errors import WrongModeError

    chosen = options(ctx)
    if not chosen.api_url:
        raise WrongModeError(
            f"{what} talks to a Pennywise server: give --api-url or set PENNYWISE_API_URL"
        )
    from pennywise_cli.backends.remote import RemoteBackend

    async def main() -> T:
        async with RemoteBackend(chosen.api_url or "") as backend:
            return await work(backend)

    return run_async(main())
