"""``/groups/{group_id}/balances``: who is owed what, per currency, and a drift check."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from pennywise_api.deps import ReadUser, SessionDep
from pennywise_api.responses import problem_responses
from pennywise_core.schemas import BalanceRead, VerifyReport
from pennywise_core.services import balances

router = APIRouter(prefix="/groups/{group_id}/balances", tags=["balances"])

Currency = Annotated[
    str | None,
    Query(pattern=r"^[A-Za-z]{3}$", description="Only this currency (ISO 4217 code)."),
]


@router.get("", name="list", responses=problem_responses(401, 404, 422))
async def list_balances(
    group_id: uuid.UUID, session: SessionDep, user: ReadUser, currency: Currency = None
) -> list[BalanceRead]:
    """Every member's balance per currency; positive means the group owes them."""
    return await balances.read(
        session, user, group_id, currency=currency.upper() if currency else None
    )


@router.get("/verify", responses=problem_responses(401, 404, 422))
async def verify(group_id: uuid.UUID, session: SessionDep, user: ReadUser) -> VerifyReport:
    """Recompute the balances from the transactions and report any drift (changes nothing)."""
    return await balances.verify(session, user, group_id)
