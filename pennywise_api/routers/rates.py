"""``/groups/{group_id}/rates``: the group's own exchange rates (``1 CUR = RATE`` in the
group's currency, from a day on). Every member reads them; admins and owners set them."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from pennywise_api.deps import CurrencyFilter, ReadUser, SessionDep, WriteUser
from pennywise_api.responses import problem_responses
from pennywise_core.schemas import RateRead, RateSet
from pennywise_core.services import rates

router = APIRouter(prefix="/groups/{group_id}/rates", tags=["rates"])


@router.get("", name="list", responses=problem_responses(401, 404, 422))
async def list_rates(
    group_id: uuid.UUID, session: SessionDep, user: ReadUser, currency: CurrencyFilter = None
) -> list[RateRead]:
    """The group's rates by currency, the newest day first. Where a day has none, answers
    that convert use the ECB reference rates and say so."""
    return await rates.list_rates(
        session, user, group_id, currency=currency.upper() if currency else None
    )


@router.post("", name="set", status_code=201, responses=problem_responses(401, 403, 404, 409, 422))
async def set_rate(
    group_id: uuid.UUID, data: RateSet, session: SessionDep, user: WriteUser
) -> RateRead:
    """Set a currency's rate from a day on (default today); one already set for that
    currency and day is replaced. Admins and owners."""
    return await rates.set_rate(session, user, group_id, data)


@router.delete("/{rate_id}", status_code=204, responses=problem_responses(401, 403, 404, 409, 422))
async def delete(
    group_id: uuid.UUID, rate_id: uuid.UUID, session: SessionDep, user: WriteUser
) -> Response:
    """Delete a rate; transactions converted with it keep the rate they were booked at."""
    await rates.delete_rate(session, user, group_id, rate_id)
    return Response(status_code=204)
