"""The exceptions the SDK raises: one class per kind of problem the API reports.

Every error response of the API is RFC 9457 ``application/problem+json``; the exception
keeps it whole as :attr:`PennywiseError.problem` (``type``, ``title``, ``detail``, and
``errors`` on a 422, ``current_version`` on a 412) with the HTTP status and the request
id to quote in a bug report. Compare :attr:`PennywiseError.type` (a stable URI) or catch
the class, never the ``title``/``detail`` text, which is for people.

    PennywiseError
    ├── APIConnectionError          no answer (refused, reset, timed out); status is None
    │   └── APITimeoutError
    └── APIStatusError              any answer with an error status
        ├── AuthenticationError        401
        ├── PermissionDeniedError      403
        ├── NotFoundError              404
        ├── ConflictError              409
        ├── PreconditionFailedError    412 (stale If-Match; current_version)
        ├── ContentTooLargeError       413 (an upload over the server's limit)
        ├── ValidationError            422 (errors: [{loc, msg}, ...])
        ├── RateLimitError             429 (retry_after, in seconds)
        └── ServerError                5xx
"""

from __future__ import annotations

import email.utils
import json
import time
from typing import Any

import httpx

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "ConflictError",
    "ContentTooLargeError",
    "NotFoundError",
    "PennywiseError",
    "PermissionDeniedError",
    "PreconditionFailedError",
    "RateLimitError",
    "ServerError",
    "ValidationError",
    "error_from_response",
]

REQUEST_ID_HEADER = "X-Request-ID"


class PennywiseError(Exception):
    """Anything that went wrong talking to the API.

    ``status``: the HTTP status (``None`` when no answer came). ``problem``: the problem
    details as a dict (empty when there were none). ``request_id``: the server's
    ``X-Request-ID`` for this request, when it answered.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        problem: dict[str, Any] | None = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.problem: dict[str, Any] = problem or {}
        self.request_id = request_id

    @property
    def type(self) -> str | None:
        """The problem type URI, e.g. ``https://pennywise.dev/problems/not-found``."""
        value = self.problem.get("type")
        return value if isinstance(value, str) else None

    @property
    def slug(self) -> str | None:
        """The last part of :attr:`type`: ``not-found``, ``stale-version``…"""
        return self.type.rstrip("/").rsplit("/", 1)[-1] if self.type else None

    @property
    def title(self) -> str | None:
        value = self.problem.get("title")
        return value if isinstance(value, str) else None

    @property
    def detail(self) -> str | None:
        value = self.problem.get("detail")
        return value if isinstance(value, str) else None

    @property
    def errors(self) -> list[dict[str, Any]]:
        """Every bad input value (on a 422): ``[{"loc": [...], "msg": "..."}]``."""
        value = self.problem.get("errors")
        return [e for e in value if isinstance(e, dict)] if isinstance(value, list) else []


class APIConnectionError(PennywiseError):
    """The API could not be reached, or the connection failed before an answer came."""


class APITimeoutError(APIConnectionError):
    """The request timed out."""


class APIStatusError(PennywiseError):
    """The API answered with an error status (the subclasses name the common ones)."""

    status: int

    def __init__(
        self,
        message: str,
        *,
        status: int,
        problem: dict[str, Any] | None = None,
        request_id: str | None = None,
        headers: httpx.Headers | None = None,
    ) -> None:
        super().__init__(message, status=status, problem=problem, request_id=request_id)
        self.headers = headers if headers is not None else httpx.Headers()


class AuthenticationError(APIStatusError):
    """401: missing, invalid or expired credentials (sign in again, or refresh)."""


class PermissionDeniedError(APIStatusError):
    """403: your role in the group, or your token's scope, does not allow this."""


class NotFoundError(APIStatusError):
    """404: no such resource, or not in one of your groups (the two look the same)."""


class ConflictError(APIStatusError):
    """409: conflicts with the current state (a duplicate, a non-zero balance…). Never retried."""


class PreconditionFailedError(APIStatusError):
    """412: ``If-Match`` named a version that is no longer current: read it again."""

    @property
    def current_version(self) -> int | None:
        value = self.problem.get("current_version")
        return value if isinstance(value, int) else None


class ContentTooLargeError(APIStatusError):
    """413: the request body is over the server's limit; for an import, ``detail`` names the
    limit (import a larger file locally with the CLI instead)."""


class ValidationError(APIStatusError):
    """422: invalid input; :attr:`errors` lists every bad value with its location."""


class RateLimitError(APIStatusError):
    """429: too many attempts; :attr:`retry_after` says how many seconds to wait."""

    @property
    def retry_after(self) -> float | None:
        return retry_after(self.headers)


class ServerError(APIStatusError):
    """5xx: the server failed (retried with backoff before this is raised)."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    412: PreconditionFailedError,
    413: ContentTooLargeError,
    422: ValidationError,
    429: RateLimitError,
}


def retry_after(headers: httpx.Headers) -> float | None:
    """``Retry-After`` in seconds (delta-seconds or an HTTP date), or None."""
    value = headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _problem_of(status: int, content: bytes, reason: str) -> dict[str, Any]:
    try:
        body = json.loads(content) if content else None
    except ValueError:
        body = None
    if isinstance(body, dict):
        return body
    # Not a problem document (a proxy's HTML page, an empty body): keep what there is.
    text = content.decode(errors="replace").strip()
    return {"status": status, "title": reason, "detail": text[:500] or reason}


def _message(status: int, problem: dict[str, Any], request_id: str | None) -> str:
    title = problem.get("title") or "Error"
    detail = problem.get("detail")
    message = f"{status} {title}" + (f": {detail}" if detail and detail != title else "")
    errors = problem.get("errors")
    if status == 422 and isinstance(errors, list) and len(errors) > 1:
        shown = [
            ".".join(str(part) for part in error.get("loc", [])) + f": {error.get('msg')}"
            for error in errors[:10]
            if isinstance(error, dict)
        ]
        message += " (" + "; ".join(shown) + ("; …" if len(errors) > 10 else "") + ")"
    if request_id:
        message += f" [request id {request_id}]"
    return message


def error_for_status(
    status: int,
    content: bytes,
    *,
    headers: httpx.Headers | None = None,
    reason: str = "",
) -> APIStatusError:
    """The exception for an error answer, from its status, body and headers."""
    headers = headers if headers is not None else httpx.Headers()
    problem = _problem_of(status, content, reason or f"HTTP {status}")
    request_id = headers.get(REQUEST_ID_HEADER) or problem.get("request_id")
    request_id = request_id if isinstance(request_id, str) else None
    cls = _BY_STATUS.get(status) or (ServerError if status >= 500 else APIStatusError)
    return cls(
        _message(status, problem, request_id),
        status=status,
        problem=problem,
        request_id=request_id,
        headers=headers,
    )


def error_from_response(response: httpx.Response) -> APIStatusError:
    """The exception for an httpx response with an error status (its body must be read)."""
    return error_for_status(
        response.status_code,
        response.content,
        headers=response.headers,
        reason=response.reason_phrase,
    )
