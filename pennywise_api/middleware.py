"""Pure ASGI middleware: the app's settings, request ids and the access log, the body-size
limit, and running a request again when the database rolled its transaction back.

Pure ASGI (not ``BaseHTTPMiddleware``) so that nothing is buffered and the request id is
bound for everything that runs inside, including the exception handlers.
"""

from __future__ import annotations

import json
import random
import re
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import anyio
import structlog
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pennywise_api.logs import get_logger
from pennywise_api.problems import PROBLEM_MEDIA_TYPE, internal_error_body, unavailable_body
from pennywise_core import db
from pennywise_core.settings import Settings, use_settings

REQUEST_ID_HEADER = "X-Request-ID"
_WELL_FORMED_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

MAX_BODY_BYTES = 1024 * 1024
"""The largest request body the API reads (1 MiB): far above any JSON it takes."""

_access_log = get_logger("pennywise.api.access")


def request_id_from(headers: Headers) -> str:
    """The client's X-Request-ID when it is well formed, else a new random one."""
    offered = headers.get(REQUEST_ID_HEADER)
    if offered and _WELL_FORMED_ID.fullmatch(offered):
        return offered
    return uuid.uuid4().hex


class SettingsMiddleware:
    """Run everything (requests and the lifespan) under the settings the app was built with.

    The core reads its settings with :func:`pennywise_core.settings.get_settings`; inside
    this middleware that is the app's :class:`Settings`, not the environment's, so
    ``create_app(Settings(...))`` configures the services it calls as well as the app.
    """

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        with use_settings(self.settings):
            await self.app(scope, receive, send)


class RequestContextMiddleware:
    """Give each request an id, echo it, log one line per request, and turn a crash into a 500.

    The id is ``request.state.request_id`` for the handlers and bound in structlog's
    context vars for every log line of the request. The access line carries method, path
    (never the query string), status, duration, request id and, once authenticated, the
    user id (``request.state.user_id``). It never carries headers or bodies.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(Headers(scope=scope))
        state: dict[str, Any] = scope.setdefault("state", {})
        state["request_id"] = request_id
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=request_id):
            try:
                await self.app(scope, receive, send_with_id)
            except Exception:
                _access_log.exception("unhandled error", path=scope.get("path"))
                if response_started:
                    raise
                await _send_internal_error(send_with_id, request_id, scope.get("path", ""))
            finally:
                user_id = state.get("user_id")
                _access_log.info(
                    "request",
                    method=scope.get("method"),
                    path=scope.get("path"),
                    status=status,
                    duration_ms=round((time.perf_counter() - started) * 1000, 2),
                    request_id=request_id,
                    user_id=str(user_id) if user_id else None,
                )


async def _send_problem(
    send: Send, status: int, body: dict[str, Any], headers: Sequence[tuple[bytes, bytes]] = ()
) -> None:
    encoded = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                (b"content-length", str(len(encoded)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": encoded})


async def _send_internal_error(send: Send, request_id: str, path: str) -> None:
    await _send_problem(send, 500, internal_error_body(request_id, path))


class DatabaseRetryMiddleware:
    """Run a request again when the database rolled its transaction back as retryable
    (a deadlock or a serialization failure: :func:`pennywise_core.db.is_retryable`), and
    answer a database that stays busy or cannot be reached with a 503 and ``Retry-After``.

    Each request's database transaction is owned by the session dependency
    (:func:`pennywise_api.deps.get_session`), which commits before the response starts and
    rolls back on any error; an error the app has no handler for comes out here. If the
    response has not started, nothing of the request was committed, so running the whole
    request again (dependencies, authentication, ``Idempotency-Key`` claim, the service, the
    commit) is safe: the claim of an idempotency key went with the rollback, so the replay
    claims it afresh and a client's own retry still gets the stored answer.

    The request body is recorded as the app reads it (up to ``replay_limit`` bytes; a
    bigger body, such as a large import, is not run again) and replayed to the next run.
    Up to :data:`~pennywise_core.db.MAX_ATTEMPTS` runs, with a short random pause between
    them; then a 503. A lost or refused connection is never run again here (the COMMIT
    may have landed): it is a 503 at once, and the pool's pre-ping reconnects afterwards.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_attempts: int = db.MAX_ATTEMPTS,
        replay_limit: int = MAX_BODY_BYTES,
    ) -> None:
        self.app = app
        self.max_attempts = max_attempts
        self.replay_limit = replay_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        recorded: list[Message] = []
        recorded_bytes = 0
        replayable = True
        position = 0

        async def recording_receive() -> Message:
            nonlocal position, recorded_bytes, replayable
            if position < len(recorded):
                position += 1
                return recorded[position - 1]
            message = await receive()
            if message["type"] == "http.request" and replayable:
                recorded_bytes += len(message.get("body", b""))
                if recorded_bytes > self.replay_limit:
                    replayable = False
                    recorded.clear()
                else:
                    recorded.append(message)
                    position += 1
            return message

        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        state: dict[str, Any] = scope.setdefault("state", {})
        state_before = dict(state)
        for attempt in range(1, self.max_attempts + 1):
            position = 0
            try:
                await self.app(dict(scope), recording_receive, tracking_send)
                return
            except Exception as exc:
                if started:
                    raise
                retryable = db.is_retryable(exc)
                if not retryable and not db.is_unavailable(exc):
                    raise
                if retryable and replayable and attempt < self.max_attempts:
                    _access_log.info(
                        "database transaction rolled back; running the request again",
                        attempt=attempt,
                        sqlstate=_sqlstate(exc),
                    )
                    state.clear()
                    state.update(state_before)
                    await anyio.sleep(random.uniform(0, 0.02 * attempt))  # noqa: S311
                    continue
                await self._unavailable(scope, tracking_send, exc, busy=retryable)
                return

    async def _unavailable(self, scope: Scope, send: Send, exc: Exception, *, busy: bool) -> None:
        detail = (
            "the database was too busy to finish this request (it was rolled back and "
            "nothing was changed); retry it"
            if busy
            else "the database cannot be reached right now; retry it (a create retried with "
            "the same Idempotency-Key is never done twice)"
        )
        _access_log.warning(
            "database busy" if busy else "database unavailable",
            error=type(getattr(exc, "orig", None) or exc).__name__,
            sqlstate=_sqlstate(exc),
        )
        body = unavailable_body(scope.get("state", {}).get("request_id"), scope["path"], detail)
        retry_after = str(db.RETRY_AFTER_SECONDS).encode()
        await _send_problem(send, 503, body, [(b"retry-after", retry_after)])


def _sqlstate(exc: Exception) -> str | None:
    return getattr(exc, "sqlstate", None) or getattr(getattr(exc, "orig", None), "sqlstate", None)


@dataclass(frozen=True, slots=True)
class BodyLimit:
    """A route's own body limit, above (or below) the general one: ``POST`` uploads."""

    method: str
    path: re.Pattern[str]
    """Matched against the whole request path."""
    max_bytes: int
    detail: str
    """The 413's ``detail``: names the limit and says what to do instead."""

    def applies(self, scope: Scope) -> bool:
        return scope.get("method") == self.method and bool(
            self.path.fullmatch(scope.get("path", ""))
        )


class BodySizeLimitMiddleware:
    """Refuse request bodies over ``max_bytes`` (or a matching route's :class:`BodyLimit`)
    with a 413 problem.

    A declared ``Content-Length`` over the limit is refused before reading anything; a
    chunked body (or one longer than it declared) is counted as it arrives and refused when
    it crosses the limit, so nothing past the limit is ever read. The 413 is raised as an
    :class:`HTTPException`, so the app's one translator renders it.
    """

    def __init__(
        self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES, routes: Sequence[BodyLimit] = ()
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.routes = tuple(routes)

    def _limit(self, scope: Scope) -> tuple[int, str]:
        for route in self.routes:
            if route.applies(scope):
                return route.max_bytes, route.detail
        return (
            self.max_bytes,
            f"the request body is larger than the limit of {self.max_bytes} bytes",
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes, detail = self._limit(scope)
        too_large = HTTPException(413, detail)
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_bytes:
            # Nothing is read: the route fails as soon as it asks for the body.
            async def refuse(_receive: Receive = receive) -> Message:
                raise too_large

            await self.app(scope, refuse, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    raise too_large
            return message

        await self.app(scope, counting_receive, send)
