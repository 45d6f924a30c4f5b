"""Errors as RFC 9457 ``application/problem+json``: one translator for the whole app.

Every error response has the same shape::

    {"type": "https://pennywise.dev/problems/not-found", "title": "Not found", "status": 404,
     "detail": "group 3f… not found", "instance": "/api/v1/groups/3f…",
     "request_id": "b6c1…"}

plus ``errors: [{"loc": [...], "msg": "..."}]`` on a 422 and ``current_version`` on a 412.

Problem types are the core's slugs (``PennywiseError.type``) under :data:`PROBLEM_BASE`.
The URI is an identifier, stable across releases; it need not resolve to a page. Clients
should compare the whole ``type`` (or the slug after the last ``/``), never ``title`` or
``detail``, which are for people and may change.

The core's :class:`~pennywise_core.errors.PennywiseError` carries the status and the slug as
plain data; this module renders it, FastAPI's request validation errors (and an undecodable
body, which FastAPI calls a 400: a 422 here too), Starlette's routing errors (404, 405, with
an ``Allow`` header naming every method of the resource) and the body-size limit (413) in
that one shape. Unexpected exceptions
become a bare 500 problem in :mod:`pennywise_api.middleware`, never with internals; a
database that is unreachable, or a transaction that kept being rolled back for a deadlock
or a serialization failure, becomes a 503 with ``Retry-After`` there
(:class:`~pennywise_api.middleware.DatabaseRetryMiddleware`).

Routes declare every status they can return with :func:`problem_responses`, so the OpenAPI
document is honest about them.
"""

from __future__ import annotations

import http
from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response
from starlette.routing import Match

from pennywise_core.errors import (
    PennywiseError,
    RateLimitedError,
    StaleVersionError,
    ValidationError,
)

PROBLEM_BASE = "https://pennywise.dev/problems/"
PROBLEM_MEDIA_TYPE = "application/problem+json"

# Slugs for the errors that do not come from the core.
_HTTP_SLUGS = {
    400: "bad-request",
    401: "authentication-failed",
    403: "permission-denied",
    404: "not-found",
    405: "method-not-allowed",
    406: "not-acceptable",
    412: "stale-version",
    413: "content-too-large",
    415: "unsupported-media-type",
    422: "validation-error",
    429: "rate-limited",
    500: "internal-error",
    503: "service-unavailable",
}


class FieldErrorOut(BaseModel):
    """One bad input value."""

    loc: list[str | int] = Field(
        description='Where the value is, e.g. ["split", "entries", 2, "percent"] for a body '
        'field or ["query", "limit"] for a query parameter.'
    )
    msg: str


class Problem(BaseModel):
    """An error, as RFC 9457 problem details."""

    model_config = ConfigDict(title="Problem")

    type: str = Field(description=f"A URI identifying the kind of problem: {PROBLEM_BASE}<slug>.")
    title: str = Field(description="A short summary of the kind of problem.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(description="What went wrong this time, for a person to read.")
    instance: str | None = Field(default=None, description="The request path.")
    request_id: str | None = Field(
        default=None, description="The request's X-Request-ID; quote it when reporting a bug."
    )
    errors: list[FieldErrorOut] | None = Field(
        default=None, description="On a 422: every bad input value."
    )
    current_version: int | None = Field(
        default=None, description="On a 412: the resource's current version, when known."
    )


def problem_type(slug: str) -> str:
    return PROBLEM_BASE + slug


def request_id_of(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


def problem_response(
    request: Request,
    *,
    status: int,
    slug: str,
    title: str,
    detail: str,
    errors: Sequence[FieldErrorOut] | None = None,
    current_version: int | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    problem = Problem(
        type=problem_type(slug),
        title=title,
        status=status,
        detail=detail,
        instance=request.url.path,
        request_id=request_id_of(request),
        errors=list(errors) if errors is not None else None,
        current_version=current_version,
    )
    return JSONResponse(
        problem.model_dump(mode="json", exclude_none=True),
        status_code=status,
        headers=headers,
        media_type=PROBLEM_MEDIA_TYPE,
    )


def _title(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return "Error"


# --- the handlers ---------------------------------------------------------------------------


async def pennywise_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PennywiseError)
    headers: dict[str, str] = {}
    errors: list[FieldErrorOut] | None = None
    current_version: int | None = None
    if isinstance(exc, ValidationError):
        errors = [FieldErrorOut(loc=list(e.loc), msg=e.msg) for e in exc.errors]
    if isinstance(exc, StaleVersionError) and exc.current_version >= 0:
        current_version = exc.current_version
    if isinstance(exc, RateLimitedError):
        headers["Retry-After"] = str(max(1, int(exc.retry_after)))
    if exc.status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return problem_response(
        request,
        status=exc.status,
        slug=exc.type,
        title=exc.title,
        detail=exc.detail,
        errors=errors,
        current_version=current_version,
        headers=headers or None,
    )


def _clean_msg(msg: str) -> str:
    # pydantic prefixes messages of custom validators with "Value error, ".
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            return msg[len(prefix) :]
    return msg


def validation_errors(raw: Iterable[dict[str, Any]]) -> list[FieldErrorOut]:
    """FastAPI's error dicts as ``{loc, msg}``; body fields lose the leading ``"body"``.

    The offending ``input`` is never echoed: it may be a password.
    """
    out: list[FieldErrorOut] = []
    for error in raw:
        loc = [part for part in error.get("loc", ()) if isinstance(part, str | int)]
        if error.get("type") == "json_invalid":
            # The body itself (loc: body, position), or a form field holding JSON.
            reason = (error.get("ctx") or {}).get("error", "")
            field = [part for part in loc[1:] if isinstance(part, str)]
            out.append(
                FieldErrorOut(loc=field or ["body"], msg=f"not valid JSON: {reason}".rstrip(": "))
            )
            continue
        if loc[:1] == ["body"] and len(loc) > 1:
            loc = loc[1:]
        out.append(FieldErrorOut(loc=loc, msg=_clean_msg(str(error.get("msg", "invalid")))))
    return out


def _describe(errors: Sequence[FieldErrorOut]) -> str:
    if len(errors) == 1:
        where = ".".join(str(p) for p in errors[0].loc)
        return f"{where}: {errors[0].msg}" if where else errors[0].msg
    return f"{len(errors)} input values are invalid; see errors"


async def request_validation_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = validation_errors(exc.errors())
    return problem_response(
        request,
        status=422,
        slug=ValidationError.type,
        title=ValidationError.title,
        detail=_describe(errors),
        errors=errors,
    )


async def http_exception_handler(request: Request, exc: Exception) -> Response:
    """Starlette's own errors: no route (404), wrong method (405), body too large (413)…"""
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    detail = exc.detail if isinstance(exc.detail, str) else _title(status)
    headers = dict(exc.headers or {})
    if status == 400:
        # The only 400 the framework raises: a body it could not even decode. To a client
        # that is invalid input like malformed JSON, so it gets the same 422.
        errors = [FieldErrorOut(loc=["body"], msg="could not be parsed")]
        return problem_response(
            request,
            status=422,
            slug=ValidationError.type,
            title=ValidationError.title,
            detail="body: could not be parsed",
            errors=errors,
        )
    if status == 404 and detail == "Not Found":
        detail = f"no resource at {request.url.path}"
    elif status == 405:
        detail = f"{request.method} is not allowed on {request.url.path}"
        # Starlette names the methods of the first route that matched the path; the
        # resource's methods are those of every route on it.
        headers["Allow"] = ", ".join(sorted(allowed_methods(request))) or headers.get("Allow", "")
    if status in (204, 304) or status < 200:
        return Response(status_code=status, headers=headers)
    return problem_response(
        request,
        status=status,
        slug=_HTTP_SLUGS.get(status, "error"),
        title=_title(status),
        detail=detail,
        headers=headers or None,
    )


def allowed_methods(request: Request) -> set[str]:
    """Every method some route serves at the request's path."""
    methods: set[str] = set()
    for context in iter_route_contexts(request.app.routes):
        if not context.methods:
            continue
        match, _ = context.matches(request.scope)
        if match is not Match.NONE:
            methods |= context.methods
    return methods


def install_exception_handlers(app: FastAPI) -> None:
    app.add_exception_handler(PennywiseError, pennywise_error_handler)
    app.add_exception_handler(RequestValidationError, request_validation_handler)
    app.add_exception_handler(StarletteHTTPException, http_exception_handler)


def internal_error_body(request_id: str | None, path: str) -> dict[str, Any]:
    """The body of a 500: nothing about the failure but the request id to look it up."""
    return Problem(
        type=problem_type("internal-error"),
        title="Internal server error",
        status=500,
        detail="the server failed to handle this request; it has been logged",
        instance=path,
        request_id=request_id,
    ).model_dump(mode="json", exclude_none=True)


def unavailable_body(request_id: str | None, path: str, detail: str) -> dict[str, Any]:
    """The body of a 503: the database is busy or away; the client should retry later."""
    return Problem(
        type=problem_type("service-unavailable"),
        title="Service unavailable",
        status=503,
        detail=detail,
        instance=path,
        request_id=request_id,
    ).model_dump(mode="json", exclude_none=True)


# --- declaring them on routes ---------------------------------------------------------------

_DESCRIPTIONS = {
    400: "Bad request",
    401: "Missing, invalid or expired credentials",
    403: "Your role in the group (or your token's scope) does not allow this",
    404: "Not found, or not in one of your groups (the two look the same)",
    409: "Conflicts with the current state",
    412: "If-Match names a version that is no longer current",
    413: "The request body is too large",
    422: "Invalid input; `errors` lists every bad value",
    429: "Too many attempts; retry after `Retry-After` seconds",
    503: "The database is busy or cannot be reached; retry after `Retry-After` seconds",
}

_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` entries for these error statuses, as problem+json."""
    responses: dict[int | str, dict[str, Any]] = {}
    for status in sorted(set(statuses)):
        entry: dict[str, Any] = {
            "description": _DESCRIPTIONS.get(status, _title(status)),
            "content": {PROBLEM_MEDIA_TYPE: {"schema": _PROBLEM_REF}},
        }
        if status in (429, 503):
            entry["headers"] = {
                "Retry-After": {
                    "description": "Seconds to wait before trying again.",
                    "schema": {"type": "integer"},
                }
            }
        if status == 401:
            entry["headers"] = {
                "WWW-Authenticate": {
                    "description": "Always `Bearer`.",
                    "schema": {"type": "string"},
                }
            }
        responses[status] = entry
    return responses


def problem_schemas() -> dict[str, Any]:
    """The component schemas the responses above refer to."""
    schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    components: dict[str, Any] = schema.pop("$defs", {})
    components["Problem"] = schema
    return components
