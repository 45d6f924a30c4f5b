"""``/groups/{group_id}/settle-up``: the fewest transfers that zero every balance."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Query, Response

from pennywise_api.deps import IdempotencyDep, ReadUser, SessionDep, WriteUser
from pennywise_api.responses import problem_responses
from pennywise_api.schemas import SettleUpRecord
from pennywise_core.schemas import SettlementRead, TransactionRead
from pennywise_core.services import settle_up

router = APIRouter(prefix="/groups/{group_id}/settle-up", tags=["settle-up"])


@router.get("", responses=problem_responses(401, 404, 422))
async def suggest(
    group_id: uuid.UUID,
    session: SessionDep,
    user: ReadUser,
    currency: Annotated[
        str | None, Query(pattern=r"^[A-Za-z]{3}$", description="Only this currency.")
    ] = None,
) -> SettlementRead:
    """Suggested transfers per currency; `proven_minimal` says whether none fewer exist."""
    return await settle_up.suggest(
        session, user, group_id, currency=currency.upper() if currency else None
    )


@router.post("", status_code=201, responses=problem_responses(401, 403, 404, 409, 413, 422))
async def record(
    group_id: uuid.UUID,
    session: SessionDep,
    user: WriteUser,
    idem: IdempotencyDep,
    response: Response,
    data: Annotated[SettleUpRecord, Body()] = SettleUpRecord(),  # noqa: B008 - a frozen model
) -> list[TransactionRead]:
    """Record the current suggestion as transfer transactions (members and up)."""
    created = await settle_up.record(
        session, user, group_id, currency=data.currency, date=data.date
    )
    return await idem.save(response, created, status_code=201)
