"""The HTTP layer under the generated code: retries, backoff, typed errors, the bearer token.

The generated endpoint functions call ``client.get_httpx_client().request(...)``; the
facade hands them a :class:`RetryingClient` (or :class:`AsyncRetryingClient`), an
``httpx.Client`` whose :meth:`send` adds what the generator knows nothing about:

* **Retries** with jittered exponential backoff, honouring ``Retry-After``. Whether a
  failure is retried depends on what it proves about the server:

  - it did nothing (the connection was refused, the pool had no slot, a 429): retried,
    whatever the request;
  - it may have done something (the connection broke after the request was sent, a
    timeout waiting for the answer, a 5xx): retried only when the request is *replayable*:
    an idempotent method (GET, HEAD, OPTIONS, PUT, DELETE) or a POST carrying an
    ``Idempotency-Key``, which the API answers the second time with the stored first
    answer instead of creating twice. The facade gives every POST whose endpoint takes the
    header a fresh key (one per call, so its retries reuse it: they re-send the same
    ``httpx.Request``);
  - any other status (400, 401, 403, 404, 409, 412, 422…): never retried.

* **A random multipart boundary**: the generated code sends every upload with the fixed
  boundary ``+++``; :meth:`RetryingClient.build_request` lets httpx pick a random one.

* **Typed errors**: an error status (after the retries) becomes the matching
  :mod:`pennywise_client.errors` exception, built from the raw response (status, problem
  body, ``X-Request-ID``, ``Retry-After``); the generated code only ever parses successes.
  A transport failure becomes :class:`~pennywise_client.errors.APIConnectionError`.

Sitting in ``send`` (above the transport) keeps whatever transport the caller passes (a
test's ASGI transport, a proxy from the environment) and works for every request the
generated functions make.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable, Coroutine, Generator, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from pennywise_client.errors import (
    APIConnectionError,
    APITimeoutError,
    error_from_response,
    retry_after,
)

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
IDEMPOTENCY_HEADER = "Idempotency-Key"

# Failures that prove the request never reached the application.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Failures after the request may have been processed.
_AMBIGUOUS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
# Statuses that say nothing was done (429) or that the server failed (5xx).
_RETRY_ALWAYS = frozenset({429})
_RETRY_IF_REPLAYABLE = frozenset({500, 502, 503, 504})


@dataclass(frozen=True)
class Backoff:
    """How long to wait before retry number ``attempt`` (0 for the first retry).

    ``initial * 2**attempt`` capped at ``maximum``, less up to 25% of jitter, so clients
    that failed together do not come back together. A ``Retry-After`` from the server is
    waited for as given, up to ``max_retry_after`` seconds; a longer one is not waited for:
    the error is raised at once (``RateLimitError.retry_after`` says how long).
    """

    initial: float = 0.5
    maximum: float = 8.0
    max_retry_after: float = 60.0

    def delay(self, attempt: int, server_says: float | None = None) -> float | None:
        """Seconds to wait, or None when the server asks for more than we will wait."""
        if server_says is not None:
            return server_says if server_says <= self.max_retry_after else None
        base = min(self.initial * 2.0**attempt, self.maximum)
        return base * (1 - 0.25 * random.random())  # noqa: S311 - jitter, not a secret


@dataclass(frozen=True)
class RetryPolicy:
    """Which failures are retried, how often, and after how long (see the module doc)."""

    max_retries: int = 2
    backoff: Backoff = field(default_factory=Backoff)

    @staticmethod
    def replayable(request: httpx.Request) -> bool:
        """True when sending ``request`` twice has the effect of sending it once."""
        return request.method in IDEMPOTENT_METHODS or IDEMPOTENCY_HEADER in request.headers

    def after_error(self, request: httpx.Request, exc: Exception, attempt: int) -> float | None:
        """The delay before retrying after a transport error, or None: give up."""
        if attempt >= self.max_retries:
            return None
        if isinstance(exc, _NOT_SENT) or (isinstance(exc, _AMBIGUOUS) and self.replayable(request)):
            return self.backoff.delay(attempt)
        return None

    def after_response(
        self, request: httpx.Request, response: httpx.Response, attempt: int
    ) -> float | None:
        """The delay before retrying after an error status, or None: give up."""
        if attempt >= self.max_retries:
            return None
        status = response.status_code
        if status in _RETRY_ALWAYS or (status in _RETRY_IF_REPLAYABLE and self.replayable(request)):
            return self.backoff.delay(attempt, retry_after(response.headers))
        return None


@dataclass
class Credentials:
    """The tokens of one facade; :class:`BearerAuth` reads them at each request."""

    token: str | None = None
    refresh_token: str | None = None


class BearerAuth(httpx.Auth):
    """``Authorization: Bearer <token>`` from :class:`Credentials`, when there is a token.

    Read at send time, so ``auth.login()`` storing a new token affects the next request.
    """

    def __init__(self, credentials: Credentials) -> None:
        self.credentials = credentials

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = self.credentials.token
        if token and "Authorization" not in request.headers:
            request.headers["Authorization"] = f"Bearer {token}"
        yield request


def connection_error(exc: Exception) -> APIConnectionError:
    cls = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
    return cls(f"could not reach the Pennywise API: {type(exc).__name__}: {exc}".rstrip(": "))


def _without_fixed_boundary(files: Any, headers: Any) -> Any:
    """The headers of a multipart request without the generator's ``Content-Type``.

    The generated endpoints send every multipart body with ``boundary=+++``, which an
    uploaded file holding a line ``--+++`` would cut short. Without the header, httpx picks
    a random boundary (and writes the header) itself.
    """
    if not files or not isinstance(headers, Mapping):
        return headers
    return {k: v for k, v in headers.items() if k.lower() != "content-type"}


class RetryingClient(httpx.Client):
    """An ``httpx.Client`` that retries per :class:`RetryPolicy` and raises typed errors."""

    def __init__(
        self,
        *,
        policy: RetryPolicy,
        sleep: Callable[[float], None] = time.sleep,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.policy = policy
        self._sleep = sleep

    def build_request(self, method: str, url: Any, **kwargs: Any) -> httpx.Request:
        kwargs["headers"] = _without_fixed_boundary(kwargs.get("files"), kwargs.get("headers"))
        return super().build_request(method, url, **kwargs)

    def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        attempt = 0
        while True:
            try:
                response = super().send(request, **kwargs)
            except httpx.TransportError as exc:
                delay = self.policy.after_error(request, exc, attempt)
                if delay is None:
                    raise connection_error(exc) from exc
            else:
                if response.status_code < 400:
                    return response
                delay = self.policy.after_response(request, response, attempt)
                if delay is None:
                    response.read()
                    response.close()
                    raise error_from_response(response)
                response.close()
            self._sleep(delay)
            attempt += 1


class AsyncRetryingClient(httpx.AsyncClient):
    """The ``httpx.AsyncClient`` twin of :class:`RetryingClient` (asyncio)."""

    def __init__(
        self,
        *,
        policy: RetryPolicy,
        sleep: Callable[[float], Coroutine[Any, Any, None]] = asyncio.sleep,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.policy = policy
        self._sleep = sleep

    def build_request(self, method: str, url: Any, **kwargs: Any) -> httpx.Request:
        kwargs["headers"] = _without_fixed_boundary(kwargs.get("files"), kwargs.get("headers"))
        return super().build_request(method, url, **kwargs)

    async def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        attempt = 0
        while True:
            try:
                response = await super().send(request, **kwargs)
            except httpx.TransportError as exc:
                delay = self.policy.after_error(request, exc, attempt)
                if delay is None:
                    raise connection_error(exc) from exc
            else:
                if response.status_code < 400:
                    return response
                delay = self.policy.after_response(request, response, attempt)
                if delay is None:
                    await response.aread()
                    await response.aclose()
                    raise error_from_response(response)
                await response.aclose()
            await self._sleep(delay)
            attempt += 1
