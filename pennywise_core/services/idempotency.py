"""``Idempotency-Key`` for creating requests: a retry gets the first response back.

How the API uses it, inside the request's one database transaction::

    fp = idempotency.fingerprint(request.method, request.url.path, body_bytes)
    stored = await idempotency.lookup(session, user_id=user.id, key=key, fingerprint=fp)
    if stored is not None:
        return replay(stored)                        # same status, body and headers
    result = await service.create(session, ...)      # the real work
    await idempotency.save(session, user_id=user.id, key=key, fingerprint=fp,
                           status=201, body=jsonable(result), headers={"Location": ...})
    # the session dependency commits: resource and record land together, or neither does

**Concurrency.** :func:`lookup` does not just read: it *claims* the key by inserting the
record (``status`` NULL, "in progress") with ``INSERT … ON CONFLICT DO NOTHING`` on the
unique ``(user_id, key)``, in the caller's transaction. A second identical request that
arrives meanwhile blocks on that insert (PostgreSQL waits on the uncommitted unique-index
entry; SQLite's ``BEGIN IMMEDIATE`` waits for the writer) until the first transaction ends:

* the first committed: the second's insert does nothing, it reads the committed record and
  replays the stored response. Two requests, one row, one resource;
* the first rolled back (it failed): the claim vanished with it, the second's insert wins
  and it runs the request itself. A failed request is never stored, so retrying after an
  error really retries.

We chose waiting over answering the second request "409 in progress": the client's retry
(same key, same body) then gets the real response instead of an error to retry again. A
record still "in progress" is only visible to another transaction if a caller committed
between ``lookup`` and ``save``; that case is answered with :class:`ConflictError`
("a request with this key is in progress").

Records are kept for :data:`RETENTION` (at least 24 hours; :func:`purge_expired` deletes
older ones); a key is scoped to its user, so two users never collide.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final, cast

from sqlalchemy import CursorResult, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pennywise_core.db import conflict_insert
from pennywise_core.errors import ConflictError, ValidationError
from pennywise_core.models import IdempotencyRecord, utcnow

RETENTION: Final = timedelta(hours=24)
"""How long a key is remembered at the least (``purge_expired`` uses it by default)."""

MAX_KEY_LENGTH: Final = 255
HEADER: Final = "Idempotency-Key"


@dataclass(frozen=True, slots=True)
class StoredResponse:
    """A response to replay as it was first sent."""

    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


def fingerprint(method: str, path: str, body: bytes) -> str:
    """What makes two requests "the same": method, path (with query) and exact body bytes.

    Readable on its own (``POST /api/v1/groups sha256:…``) so a mismatch can be explained.
    """
    return f"{method.upper()} {path} sha256:{hashlib.sha256(body).hexdigest()}"


def check_key(key: str) -> str:
    """A usable key (1..255 visible ASCII characters), or a 422 naming the header."""
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not key.isascii() or not key.isprintable():
        raise ValidationError.at(
            HEADER, f"must be 1 to {MAX_KEY_LENGTH} printable ASCII characters"
        )
    return key


async def lookup(
    session: AsyncSession, *, user_id: uuid.UUID, key: str, fingerprint: str
) -> StoredResponse | None:
    """The stored response for ``key``, or None after claiming the key for this request.

    Same key with a different request: :class:`ValidationError` at ``Idempotency-Key``.
    Same key still running in another committed transaction: :class:`ConflictError`.
    Call it before doing the work, in the same transaction as the work and :func:`save`.
    """
    check_key(key)
    now = utcnow()
    claimed = cast(
        CursorResult[Any],
        await session.execute(
            conflict_insert(session, IdempotencyRecord)
            .values(
                id=uuid.uuid4(), user_id=user_id, key=key, fingerprint=fingerprint, created_at=now
            )
            .on_conflict_do_nothing(index_elements=["user_id", "key"])
        ),
    )
    if claimed.rowcount == 1:
        return None
    record = (
        await session.execute(
            select(
                IdempotencyRecord.fingerprint,
                IdempotencyRecord.status,
                IdempotencyRecord.response_body,
                IdempotencyRecord.response_headers,
            ).where(IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key)
        )
    ).one()
    if record.fingerprint != fingerprint:
        raise ValidationError.at(
            HEADER,
            f"this key was used with a different request ({record.fingerprint.split(' sha256:')[0]}"
            " with another body); use a new key for a new request",
        )
    if record.status is None:
        raise ConflictError("a request with this Idempotency-Key is in progress; retry shortly")
    return StoredResponse(
        status=record.status, body=record.response_body, headers=dict(record.response_headers or {})
    )


async def save(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    key: str,
    fingerprint: str,
    status: int,
    body: Any,
    headers: dict[str, str] | None = None,
) -> None:
    """Store the response for the key this request claimed with :func:`lookup`.

    ``body`` must be JSON-ready (``model_dump(mode="json")``); ``headers`` are the ones a
    replay must repeat (``Location``, ``ETag``), never ``Set-Cookie`` or the request id.
    Saving without a prior claim inserts the record; saving over another request's
    completed record is a :class:`ConflictError`.
    """
    check_key(key)
    now = utcnow()
    values = {
        "status": status,
        "response_body": body,
        "response_headers": dict(headers or {}),
        "completed_at": now,
    }
    completed = cast(
        CursorResult[Any],
        await session.execute(
            update(IdempotencyRecord)
            .where(
                IdempotencyRecord.user_id == user_id,
                IdempotencyRecord.key == key,
                IdempotencyRecord.fingerprint == fingerprint,
                IdempotencyRecord.status.is_(None),
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        ),
    )
    if completed.rowcount == 1:
        return
    inserted = cast(
        CursorResult[Any],
        await session.execute(
            conflict_insert(session, IdempotencyRecord)
            .values(
                id=uuid.uuid4(),
                user_id=user_id,
                key=key,
                fingerprint=fingerprint,
                created_at=now,
                **values,
            )
            .on_conflict_do_nothing(index_elements=["user_id", "key"])
        ),
    )
    if inserted.rowcount != 1:
        raise ConflictError("a response is already stored for this Idempotency-Key")


async def purge_expired(session: AsyncSession, older_than: datetime | timedelta = RETENTION) -> int:
    """Delete records created before ``older_than`` (a moment, or an age: default 24 h).

    Never deletes a record younger than :data:`RETENTION`, whatever it is asked; returns
    how many were deleted.
    """
    now = utcnow()
    cutoff = now - older_than if isinstance(older_than, timedelta) else older_than
    cutoff = min(cutoff, now - RETENTION)
    result = cast(
        CursorResult[Any],
        await session.execute(
            delete(IdempotencyRecord)
            .where(IdempotencyRecord.created_at < cutoff)
            .execution_options(synchronize_session=False)
        ),
    )
    return result.rowcount
