"""Pure ASGI middleware: the app's settings, request ids and the access log, the body-size limit.

Pure ASGI (not ``BaseHTTPMiddleware``) so that nothing is buffered and the request id is
bound for everything that runs inside, including the exception handlers.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import structlog
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pennywise_api.logs import get_logger
from pennywise_api.problems import PROBLEM_MEDIA_TYPE, internal_error_body
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


async def _send_internal_error(send: Send, request_id: str, path: str) -> None:
    body = json.dumps(internal_error_body(request_id, path)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 500,
            "headers": [
                (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


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
