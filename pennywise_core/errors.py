"""Domain errors.

Every error the core raises on purpose is a :class:`PennywiseError`. Each subclass carries,
as plain data, the HTTP status and the RFC 9457 problem ``type`` slug that an adapter should
use; the core itself knows nothing of HTTP. ``pennywise_api`` renders them as
``application/problem+json`` in one exception handler and the CLI turns them into a message
and an exit code at one boundary.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True, slots=True)
class FieldError:
    """One bad input value: where it is (``loc``) and what is wrong with it (``msg``).

    ``loc`` is a path into the input, e.g. ``("split", "entries", 2, "percent")`` or, for an
    import, ``("row", 17, "amount")``.
    """

    loc: tuple[str | int, ...]
    msg: str

    def __str__(self) -> str:
        where = ".".join(str(part) for part in self.loc)
        return f"{where}: {self.msg}" if where else self.msg


class PennywiseError(Exception):
    """Base class of every deliberate error raised by Pennywise."""

    status: ClassVar[int] = 400
    type: ClassVar[str] = "bad-request"
    title: ClassVar[str] = "Bad request"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFoundError(PennywiseError):
    """The thing does not exist, or the actor may not see it (the two look the same)."""

    status = 404
    type = "not-found"
    title = "Not found"


class PermissionDeniedError(PennywiseError):
    """The actor can see the thing but their role does not allow this operation."""

    status = 403
    type = "permission-denied"
    title = "Permission denied"


class AuthenticationError(PennywiseError):
    """Credentials are missing, wrong, expired or revoked."""

    status = 401
    type = "authentication-failed"
    title = "Authentication failed"


class ConflictError(PennywiseError):
    """The operation conflicts with the current state (a duplicate, a non-zero balance, …)."""

    status = 409
    type = "conflict"
    title = "Conflict"


class StaleVersionError(PennywiseError):
    """An optimistic-concurrency check failed: the caller read an older version."""

    status = 412
    type = "stale-version"
    title = "Precondition failed"

    def __init__(self, detail: str, *, current_version: int) -> None:
        super().__init__(detail)
        self.current_version = current_version


class ValidationError(PennywiseError):
    """Input is malformed or breaks a rule. Nothing was changed."""

    status = 422
    type = "validation-error"
    title = "Invalid input"

    def __init__(self, detail: str, errors: Sequence[FieldError] = ()) -> None:
        super().__init__(detail)
        self.errors: tuple[FieldError, ...] = tuple(errors)

    @classmethod
    def at(cls, loc: tuple[str | int, ...] | str, msg: str) -> ValidationError:
        """A validation error about a single field: ``ValidationError.at("amount", "…")``."""
        path = (loc,) if isinstance(loc, str) else loc
        error = FieldError(path, msg)
        return cls(str(error), [error])

    def __str__(self) -> str:
        if len(self.errors) <= 1:
            return self.detail
        return self.detail + "".join(f"\n  - {e}" for e in self.errors)


class RateLimitedError(PennywiseError):
    """Too many attempts; try again after ``retry_after`` seconds."""

    status = 429
    type = "rate-limited"
    title = "Too many requests"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class SchemaOutOfDateError(PennywiseError):
    """The database schema is behind (or ahead of) this version of Pennywise."""

    status = 503
    type = "schema-out-of-date"
    title = "Database schema is not current"
