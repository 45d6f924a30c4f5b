"""Optimistic concurrency for versioned rows (groups, transactions).

Two layers: the caller names the version it read (``expected_version``, from an ``If-Match``
header or a CLI read) and :func:`check_version` refuses a stale one up front; and the
mapper's ``version_id_col`` adds ``WHERE version = :read`` to the UPDATE, so a concurrent
writer that slipped in between our read and our flush is caught too
(:func:`flush_versioned`). Either way the loser gets :class:`StaleVersionError`, never a
silently lost update.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from pennywise_core.errors import StaleVersionError


def check_version(kind: str, current: int, expected: int | None) -> None:
    if expected is not None and expected != current:
        raise StaleVersionError(
            f"the {kind} was changed since you read it (you have version {expected}, "
            f"it is now at {current}); read it again and retry",
            current_version=current,
        )


async def flush_versioned(session: AsyncSession, kind: str) -> None:
    try:
        await session.flush()
    except StaleDataError:
        raise StaleVersionError(
            f"the {kind} was changed by someone else at the same time; read it again and retry",
            current_version=-1,
        ) from None
