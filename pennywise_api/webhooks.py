"""Webhook deliveries over HTTP: the sender, and the API server's background worker.

:class:`HttpSender` is the core's :class:`~pennywise_core.services.webhooks.Sender` over
httpx. It resolves the target's host itself and checks every address
(:func:`pennywise_core.webhooks.resolve_public`), then connects to the checked address,
with the URL's host in ``Host`` and in TLS (SNI and certificate check), so a DNS answer that
changes between the check and the connection (rebinding) cannot point it inside the
network. It follows no redirects (a 3xx is a failed attempt) and reads at most the start of
the answer.

Every ``PENNYWISE_WEBHOOKS_INTERVAL_SECONDS`` (default 1; 0: off) each API process queues
new events and claims due deliveries, and at once again while attempts end; processes share
the work through ``FOR UPDATE SKIP LOCKED``. ``pennywise webhooks deliver`` runs rounds of
the same steps from the command line
(:func:`pennywise_core.services.webhooks.deliver_due`).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import uuid
from collections.abc import AsyncIterator
from types import TracebackType
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from pennywise_api.logs import get_logger
from pennywise_core import __version__
from pennywise_core import webhooks as rules
from pennywise_core.db import session_factory
from pennywise_core.services import webhooks
from pennywise_core.settings import Settings

_log = get_logger("pennywise.api.webhooks")
USER_AGENT = f"Pennywise-Webhooks/{__version__}"


def _client(settings: Settings, **extra: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        timeout=settings.webhooks_timeout_seconds,
        follow_redirects=False,
        trust_env=False,  # no proxy from the environment: it would connect elsewhere
        headers={"user-agent": USER_AGENT},
        **extra,
    )


class HttpSender:
    """Sends deliveries with one pooled httpx client; use it as an async context manager."""

    def __init__(self, settings: Settings) -> None:
        self._allow_private = settings.webhooks_allow_private
        self._client = _client(settings)
        # TLS connections are not kept: the pool knows a connection by its address, and
        # two names on one address (a CDN) must not share one verified for the other.
        self._tls = _client(settings, limits=httpx.Limits(max_keepalive_connections=0))

    async def __aenter__(self) -> HttpSender:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._client.aclose()
        await self._tls.aclose()

    async def __call__(self, url: str, *, headers: dict[str, str], body: bytes) -> webhooks.Answer:
        parts = rules.check_url(url, allow_private=self._allow_private)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = await rules.resolve_public(host, port, allow_private=self._allow_private)
        given = httpx.URL(url)
        target = given.copy_with(host=address)
        tls = parts.scheme == "https"
        client = self._tls if tls else self._client
        try:
            async with client.stream(
                "POST",
                target,
                content=body,
                headers={**headers, "host": given.netloc.decode("ascii")},  # IDNA-encoded
                extensions={"sni_hostname": given.host} if tls else {},
            ) as response:
                start = bytearray()
                async for chunk in response.aiter_raw():  # as sent: never decompressed
                    start += chunk
                    if len(start) >= rules.RESPONSE_BODY_LIMIT * 4:  # UTF-8: ≤ 4 bytes a char
                        break
        except httpx.TimeoutException as exc:
            raise TimeoutError(str(exc)) from exc
        except httpx.TransportError as exc:
            raise OSError(str(exc) or type(exc).__name__) from exc
        text = bytes(start).decode("utf-8", errors="replace")
        return webhooks.Answer(response.status_code, text[: rules.RESPONSE_BODY_LIMIT])


async def _deliveries(engine: AsyncEngine, settings: Settings) -> None:
    """Keep up to :data:`~pennywise_core.services.webhooks.CLAIM_BATCH` attempts in flight:
    claim as many as there are free places and start each at once; mark the attempts that
    ended meanwhile together (one transaction), and look again then or after the interval.
    A slow receiver holds only its own place."""
    interval = settings.webhooks_interval_seconds
    maker = session_factory(engine)
    in_flight: set[uuid.UUID] = set()
    ended: asyncio.Queue[tuple[webhooks.Claimed, webhooks.Outcome]] = asyncio.Queue()
    tasks: set[asyncio.Task[None]] = set()

    woken = asyncio.Event()

    async def attempt(claimed: webhooks.Claimed) -> None:
        try:
            ended.put_nowait((claimed, await webhooks.send(claimed, sender, settings)))
        finally:  # (send records every failure as an outcome; cancelled, the lease runs out)
            woken.set()

    async def mark_ended() -> None:
        batch = [ended.get_nowait() for _ in range(ended.qsize())]
        try:
            marked = await webhooks.mark_all(maker, batch, settings)
        except Exception as exc:  # their leases run out and they are tried again
            _log.warning("webhook attempts could not be marked", error=str(exc))
            marked = [None] * len(batch)
        finally:
            in_flight.difference_update(claimed.delivery_id for claimed, _ in batch)
        for (claimed, _), status in zip(batch, marked, strict=True):
            if status in ("failed", "disabled"):
                _log.warning(
                    "webhook delivery gave up",
                    delivery=str(claimed.delivery_id),
                    subscription=str(claimed.subscription_id),
                    disabled=status == "disabled",
                )

    await asyncio.sleep(random.uniform(0, min(interval, 1.0)))  # noqa: S311 (spread workers)
    async with HttpSender(settings) as sender:
        try:
            while True:
                if not ended.empty():
                    await mark_ended()
                free = webhooks.CLAIM_BATCH - len(in_flight)
                claimed: list[webhooks.Claimed] = []
                try:
                    _, claimed = await webhooks.queue_and_claim(maker, settings, limit=free)
                except Exception as exc:  # the next look tries again; the server must go on
                    _log.warning("webhook round failed", error=str(exc))
                for item in claimed:
                    in_flight.add(item.delivery_id)
                    task = asyncio.create_task(attempt(item))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
                if claimed and len(claimed) == free:
                    continue  # more may be due: look again once places are free
                if ended.empty():
                    woken.clear()
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(interval):
                            await woken.wait()
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if not ended.empty():  # what was sent before the end: marked, not sent again
                with contextlib.suppress(Exception):
                    async with asyncio.timeout(5):
                        await mark_ended()


@contextlib.asynccontextmanager
async def running(engine: AsyncEngine, settings: Settings) -> AsyncIterator[None]:
    """Run delivery rounds in the background while the context lasts (none when 0)."""
    if settings.webhooks_interval_seconds <= 0:
        yield
        return
    task = asyncio.create_task(_deliveries(engine, settings), name="webhook-deliveries")
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
