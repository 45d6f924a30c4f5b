"""``/groups/{group_id}/balances``: who is owed what, per currency, and a drift check."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse

from pennywise_api.deps import CurrencyFilter, ReadUser, SessionDep, currency_query
from pennywise_api.responses import problem_responses
from pennywise_core.errors import ValidationError
from pennywise_core.schemas import BalanceRead, ConvertedBalances, IsoDate, VerifyReport
from pennywise_core.services import balances

router = APIRouter(prefix="/groups/{group_id}/balances", tags=["balances"])


InCurrency = Annotated[
    str, currency_query("The currency to show every balance in (ISO 4217 code).", alias="in")
]
RatesOn = Annotated[
    IsoDate | None, Query(description="The day whose rates convert (default today).")
]


@router.get(
    "",
    name="list",
    response_model=list[BalanceRead],
    responses={
        **problem_responses(401, 404, 422),
        307: {"description": "With `in`: the same request at `/balances/converted`."},
    },
)
async def list_balances(
    request: Request,
    group_id: uuid.UUID,
    session: SessionDep,
    user: ReadUser,
    currency: CurrencyFilter = None,
    in_: Annotated[
        str | None,
        currency_query("Show every balance in this currency: see `/converted`.", alias="in"),
    ] = None,
    date: Annotated[IsoDate | None, Query(description="With `in`: see `/converted`.")] = None,
) -> list[BalanceRead] | RedirectResponse:
    """Every member's balance per currency; positive means the group owes them.

    `?in=EUR` (and `date`) is answered by a redirect to `/balances/converted`, whose
    answer has its own shape: one balance per member and the rates used."""
    balances.check_one_view(currency, in_)
    if in_ is not None:
        # A path, not a URL: behind a TLS proxy the request's own scheme may be http.
        target = f"{request.url.path.rstrip('/')}/converted?{request.url.query}"
        return RedirectResponse(target, status_code=307)
    if date is not None:
        raise ValidationError.at("date", "needs in: the day whose rates convert to it")
    return await balances.read(
        session, user, group_id, currency=currency.upper() if currency else None
    )


@router.get("/converted", responses=problem_responses(401, 404, 422))
async def converted(
    group_id: uuid.UUID,
    session: SessionDep,
    user: ReadUser,
    in_: InCurrency,
    date: RatesOn = None,
) -> ConvertedBalances:
    """Every member's balance over all currencies in one, at the rates of a day: the
    group's own rates where set, else the ECB reference rates; the converted balances sum
    to exactly zero and `rates` names each rate used. A currency with no rate for the day
    is a 404 naming it. The ledgers are not changed."""
    return await balances.read_converted(session, user, group_id, currency=in_.upper(), on=date)


@router.get("/verify", responses=problem_responses(401, 404, 422))
async def verify(group_id: uuid.UUID, session: SessionDep, user: ReadUser) -> VerifyReport:
    """Recompute the balances from the transactions and report any drift (changes nothing)."""
    return await balances.verify(session, user, group_id)
