"""Exit codes, and the one place where an error becomes a message and a code.

``pennywise`` exits with a fixed code, so scripts can tell failures apart:

====  =====================================================================================
code  meaning
====  =====================================================================================
0     success
1     user error: invalid input (a bad amount, an unknown currency, a rule broken), an
      ambiguous name, a command that needs the other mode
2     usage error: an unknown option, a missing argument, a malformed option value (Click)
3     not found: no such group, member or transaction (or not one of yours)
4     conflict: a stale version (someone changed it since you read it), a rule that the
      current state forbids (removing a member who still owes), balances that drifted
5     authentication or permission: not signed in, a token expired or revoked, a role too
      low for the operation
6     the database schema is out of date: run ``pennywise db upgrade``
7     the server or database cannot be reached, or is unavailable (5xx, 429)
====  =====================================================================================

Commands raise; :class:`ErrorBoundaryGroup` (the root command's class) catches the errors
Pennywise raises on purpose (the core's :class:`~pennywise_core.errors.PennywiseError`, the
API's problem responses as :class:`ApiError`, the CLI's own :class:`CliError`, connection
failures) and turns each into one message on stderr and its exit code. Remote mode turns
the client's exceptions into these with :func:`from_client_error`. Anything else is a bug
and keeps its traceback. ``PENNYWISE_DEBUG=1`` re-raises every error with its traceback.

This module is imported on every start: it imports nothing heavy.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import typer
from typer.core import TyperGroup

OK = 0
USER_ERROR = 1
USAGE = 2
NOT_FOUND = 3
CONFLICT = 4
AUTH = 5
SCHEMA = 6
UNAVAILABLE = 7

EXIT_CODES_HELP = (
    "Exit codes: 0 ok · 1 invalid input or user error · 2 usage · 3 not found · "
    "4 conflict or stale version · 5 not signed in or not allowed · "
    "6 database schema out of date (run `pennywise db upgrade`) · "
    "7 server or database unreachable or unavailable. "
    "PENNYWISE_DEBUG=1 shows tracebacks."
)


class CliError(Exception):
    """An error the CLI itself detects (an ambiguous name, a missing sign-in, …)."""

    exit_code = USER_ERROR

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code


class NameNotFoundError(CliError):
    exit_code = NOT_FOUND


class AmbiguousNameError(CliError):
    exit_code = USER_ERROR


class NotSignedInError(CliError):
    exit_code = AUTH


class UnreachableError(CliError):
    exit_code = UNAVAILABLE


class WrongModeError(CliError):
    """The command exists only in local mode, or only in remote mode."""

    exit_code = USER_ERROR


@dataclass
class ApiError(Exception):
    """An RFC 9457 problem response from the API (remote mode)."""

    status: int
    slug: str
    detail: str
    errors: Sequence[tuple[Sequence[Any], str]] = field(default_factory=tuple)
    request_id: str | None = None
    current_version: int | None = None

    def __str__(self) -> str:
        return self.detail


def from_client_error(exc: Any, *, api_url: str | None = None) -> CliError | ApiError:
    """A ``pennywise_client`` exception as the CLI's: the error boundary knows these.

    An answer with an error status (``APIStatusError`` and its subclasses: ``NotFoundError``,
    ``ValidationError``…) becomes an :class:`ApiError` with the problem's detail, field
    errors, request id and ``current_version``; no answer at all (``APIConnectionError``)
    becomes an :class:`UnreachableError`. Duck-typed (``status``, ``problem``,
    ``request_id``), so this module never imports the client.
    """
    status = getattr(exc, "status", None)
    if not isinstance(status, int):
        cause = exc.__cause__ or exc
        reason = str(cause) or type(cause).__name__
        where = f" at {api_url}" if api_url else ""
        return UnreachableError(f"cannot reach the Pennywise API{where}: {reason}")
    problem = getattr(exc, "problem", None)
    problem = problem if isinstance(problem, dict) else {}
    kind = problem.get("type")
    detail = problem.get("detail") or problem.get("title")
    errors = [
        (e.get("loc") or [], str(e.get("msg", "")))
        for e in problem.get("errors") or []
        if isinstance(e, dict)
    ]
    request_id = getattr(exc, "request_id", None) or problem.get("request_id")
    version = problem.get("current_version")
    return ApiError(
        status=status,
        slug=kind.rstrip("/").rsplit("/", 1)[-1] if isinstance(kind, str) else "",
        detail=str(detail) if detail else f"the server answered {status}",
        errors=errors,
        request_id=request_id if isinstance(request_id, str) else None,
        current_version=version if isinstance(version, int) else None,
    )


def exit_code_for(status: int, slug: str = "") -> int:
    """The exit code for an HTTP-like status (core errors and API problems alike)."""
    if slug == "schema-out-of-date":
        return SCHEMA
    if status == 404:
        return NOT_FOUND
    if status in (409, 412):
        return CONFLICT
    if status in (401, 403):
        return AUTH
    if status == 429 or status >= 500:
        return UNAVAILABLE
    return USER_ERROR


def describe(exc: BaseException) -> tuple[str, int] | None:
    """The message and exit code for an error raised on purpose, or None for a bug."""
    if isinstance(exc, CliError):
        return exc.message, exc.exit_code
    if isinstance(exc, ApiError):
        lines = [exc.detail]
        lines += [f"  - {'.'.join(str(p) for p in loc)}: {msg}" for loc, msg in exc.errors]
        if exc.status == 401:
            lines.append("  (sign in again with `pennywise login`, or check PENNYWISE_TOKEN)")
        if exc.status >= 500 and exc.request_id:
            lines.append(f"  (request id {exc.request_id})")
        return "\n".join(lines), exit_code_for(exc.status, exc.slug)
    core_errors = sys.modules.get("pennywise_core.errors")
    if core_errors is not None and isinstance(exc, core_errors.PennywiseError):
        return str(exc), exit_code_for(exc.status, exc.type)
    # The client's errors (remote mode translates them itself; this is the safety net), and
    # connection failures, recognised only when their library is already loaded (checking
    # costs nothing, and importing httpx or SQLAlchemy here would slow every start).
    client_errors = sys.modules.get("pennywise_client.errors")
    if client_errors is not None and isinstance(exc, client_errors.PennywiseError):
        return describe(from_client_error(exc))
    httpx = sys.modules.get("httpx")
    if httpx is not None and isinstance(exc, httpx.TransportError):
        return f"cannot reach the server: {exc or type(exc).__name__}", UNAVAILABLE
    sa_exc = sys.modules.get("sqlalchemy.exc")
    if sa_exc is not None and isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError):
        return f"cannot use the database: {exc.orig or exc}", UNAVAILABLE
    if isinstance(exc, ConnectionError | TimeoutError):
        return f"cannot reach the database: {exc}", UNAVAILABLE
    return None


def debug() -> bool:
    return os.environ.get("PENNYWISE_DEBUG", "") not in ("", "0")


def _negative_amount(exc: Exception) -> Exception | None:
    """Click reads ``-5`` as an unknown option: a usage error that says how to enter money
    received instead. Click's classes are matched by name: some Typer releases carry their
    own copy of Click."""
    from pennywise_cli.parse import REFUND_HINT, looks_like_number

    if type(exc).__name__ != "NoSuchOption":
        return None
    option = getattr(exc, "option_name", "")
    if not isinstance(option, str) or not looks_like_number(option):
        return None
    usage_error = next(c for c in type(exc).__mro__ if c.__name__ == "UsageError")
    error: Exception = usage_error(
        f"{option} is not an option; {REFUND_HINT}", ctx=getattr(exc, "ctx", None)
    )
    return error


class ErrorBoundaryGroup(TyperGroup):
    """The root command: every subcommand runs inside :meth:`invoke`, the error boundary."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as exc:
            # A negative amount that Click took for an option: a usage error (2) that says
            # what to type instead.
            better = _negative_amount(exc)
            if better is not None:
                raise better from None
            if isinstance(exc, typer.Exit | typer.Abort | typer.TyperException):
                raise  # exit codes and usage errors (2) are Typer's own business
            described = describe(exc)
            if described is None or debug():
                raise
            message, code = described
            from pennywise_cli.output import shown  # the message may quote stored text

            typer.secho(f"error: {shown(message)}", err=True, fg="red")
            raise typer.Exit(code) from None
