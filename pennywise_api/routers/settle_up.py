"""``/groups/{group_id}/settle-up``: the fewest transfers that zero every balance."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Query, Response

from pennywise_api.deps import (
    CurrencyFilter,
    IdempotencyDep,
    ReadUser,
    SessionDep,
    WriteUser,
    currency_query,
)
from pennywise_api.responses import problem_responses
from pennywise_api.schemas import SettleUpRecord
from pennywise_core.schemas import IsoDate, SettlementRead, TransactionRead
from pennywise_core.services import settle_up

router = APIRouter(prefix="/groups/{group_id}/settle-up", tags=["settle-up"])


@router.get("", responses=problem_responses(401, 404, 422))
async def suggest(
    group_id: uuid.UUID,
    session: SessionDep,
    user: ReadUser,
    currency: CurrencyFilter = None,
    in_: Annotated[
        str | None,
        currency_query(
            "Settle every currency in this one, converted at the rates of `date`.", alias="in"
        ),
    ] = None,
    date: Annotated[
        IsoDate | None, Query(description="With `in`: the day whose rates convert (today).")
    ] = None,
) -> SettlementRead:
    """Suggested transfers per currency; `proven_minimal` says whether none fewer exist.
    With `in`, the transfers settle every balance converted to that currency, and `rates`
    names the rates used."""
    return await settle_up.suggest(
        session,
        user,
        group_id,
        currency=currency.upper() if currency else None,
        in_currency=in_.upper() if in_ else None,
        on=date,
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
    """Record the current suggestion as transfer transactions (members and up). With `in`,
    a conversion (one `conversion` transaction per currency) first moves every balance into
    that currency at the rates of `rates_date` (default `date`, else today), and the
    transfers settle it there: every currency's balances end at zero."""
    created = await settle_up.record(
        session,
        user,
        group_id,
        currency=data.currency,
        date=data.date,
        in_currency=data.in_,
        on=data.rates_date,
    )
    return await idem.save(response, created, status_code=201)
