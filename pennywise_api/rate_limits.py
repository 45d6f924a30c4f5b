"""Rate limits on every route: per principal and per client address, 429 with Retry-After.

Each request counts once against its client address (the peer, or the client a trusted
proxy names: ``PENNYWISE_FORWARDED_ALLOW_IPS``; IPv6 per /64, like the sign-in throttle)
and, when it carries a bearer token that names someone, against that principal (one API
token, or a user's sign-ins: :func:`pennywise_core.services.auth.bearer_identity`). Over
either limit the answer is a 429 problem with ``Retry-After`` (the seconds until the window
ends), rendered by the app's problem renderer, before the body is read and before the
database is touched for the request itself. The counters are shared by every process
(:mod:`pennywise_core.ratelimit`: the database, or Redis).

Where it sits: inside the request id middleware (a 429 carries its request id and has an
access log line) and the metrics, outside the database retry, so a request the database
made run again is counted once. ``/healthz``, ``/readyz`` and ``/metrics`` are never limited
(probes and scrapes must not be refused), nor is a CORS preflight (the CORS middleware
answers it first).

When the limiter's storage cannot be reached the request goes through (fail open), logged
as a warning: the limit guards the API against bursts, not secrets (the sign-in throttle
lives in the database beside the accounts), and a Redis outage must not become an outage of
the whole API; with the database as storage the request would meet the same outage next
and get the app's 503.
"""

from __future__ import annotations

import time
from collections.abc import Collection

from fastapi.security.utils import get_authorization_scheme_param
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from pennywise_api.logs import get_logger
from pennywise_api.problems import pennywise_error_handler
from pennywise_core.errors import RateLimitedError
from pennywise_core.ratelimit import Limit, RateLimiter, StorageUnavailableError
from pennywise_core.services.auth import bearer_identity, client_network
from pennywise_core.settings import Settings

_log = get_logger("pennywise.api.rate_limits")
_WARN_EVERY_SECONDS = 60.0


def request_limits(scope: Scope, settings: Settings) -> list[Limit]:
    """What this request counts against: its client network, and its principal if any."""
    client = scope.get("client")
    limits = [
        Limit(
            "address",
            client_network(client[0] if client else None),
            settings.rate_limit_per_address,
        )
    ]
    scheme, token = get_authorization_scheme_param(Headers(scope=scope).get("authorization"))
    principal = bearer_identity(token) if scheme.lower() == "bearer" else None
    if principal is not None:
        limits.append(Limit("principal", principal, settings.rate_limit_per_principal))
    return limits


class RateLimitMiddleware:
    """Refuse a request over its limits with a 429 problem (see the module's docstring).

    The limiter is ``app.state.rate_limiter`` (set up with the database in the lifespan,
    or at once when the app was given its engine); None means no limits.
    """

    def __init__(self, app: ASGIApp, *, settings: Settings, exempt: Collection[str]) -> None:
        self.app = app
        self.settings = settings
        self.exempt = frozenset(exempt)
        self._warned_at = float("-inf")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.exempt:
            await self.app(scope, receive, send)
            return
        limiter: RateLimiter | None = getattr(scope["app"].state, "rate_limiter", None)
        if limiter is None:
            await self.app(scope, receive, send)
            return
        limits = request_limits(scope, self.settings)
        try:
            wait = await limiter.hit(limits)
        except StorageUnavailableError as exc:  # fail open (see the module's docstring)
            self._warn(exc)
            wait = None
        if wait is None:
            await self.app(scope, receive, send)
            return
        window = limiter.window_seconds
        error = RateLimitedError(
            f"too many requests: at most {self._described(limits)} per {window} seconds; "
            f"retry after {wait} seconds",
            retry_after=wait,
        )
        response = await pennywise_error_handler(Request(scope), error)
        await response(scope, receive, send)

    def _described(self, limits: list[Limit]) -> str:
        settings = self.settings
        if len(limits) == 1:
            return f"{settings.rate_limit_per_address} from one client address"
        return (
            f"{settings.rate_limit_per_principal} per token or user and "
            f"{settings.rate_limit_per_address} per client address"
        )

    def _warn(self, exc: Exception) -> None:
        now = time.monotonic()
        if now - self._warned_at < _WARN_EVERY_SECONDS:
            return
        self._warned_at = now
        _log.warning(
            "rate limit storage unavailable; requests are let through unlimited",
            error=str(exc),
        )
