import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.settlement_read import SettlementRead
from ...types import UNSET, Response, Unset


def _get_kwargs(
    group_id: UUID,
    *,
    currency: None | str | Unset = UNSET,
    in_: None | str | Unset = UNSET,
    date: datetime.date | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_currency: None | str | Unset
    if isinstance(currency, Unset):
        json_currency = UNSET
    else:
        json_currency = currency
    params["currency"] = json_currency

    json_in_: None | str | Unset
    if isinstance(in_, Unset):
        json_in_ = UNSET
    else:
        json_in_ = in_
    params["in"] = json_in_

    json_date: None | str | Unset
    if isinstance(date, Unset):
        json_date = UNSET
    elif isinstance(date, datetime.date):
        json_date = date.isoformat()
    else:
        json_date = date
    params["date"] = json_date

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/groups/{group_id}/settle-up".format(
            group_id=quote(str(group_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | SettlementRead | None:
    if response.status_code == 200:
        response_200 = SettlementRead.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())

        return response_429

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | SettlementRead]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    group_id: UUID,
    *,
    client: AuthenticatedClient,
    currency: None | str | Unset = UNSET,
    in_: None | str | Unset = UNSET,
    date: datetime.date | None | Unset = UNSET,
) -> Response[Problem | SettlementRead]:
    """Suggest

     Suggested transfers per currency; `proven_minimal` says whether none fewer exist.
    With `in`, the transfers settle every balance converted to that currency, and `rates`
    names the rates used.

    Args:
        group_id (UUID):
        currency (None | str | Unset): Only this currency (ISO 4217 code).
        in_ (None | str | Unset): Settle every currency in this one, converted at the rates of
            `date`.
        date (datetime.date | None | Unset): With `in`: the day whose rates convert (today).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SettlementRead]
    """

    kwargs = _get_kwargs(
        group_id=group_id,
        currency=currency,
        in_=in_,
        date=date,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    group_id: UUID,
    *,
    client: AuthenticatedClient,
    currency: None | str | Unset = UNSET,
    in_: None | str | Unset = UNSET,
    date: datetime.date | None | Unset = UNSET,
) -> Problem | SettlementRead | None:
    """Suggest

     Suggested transfers per currency; `proven_minimal` says whether none fewer exist.
    With `in`, the transfers settle every balance converted to that currency, and `rates`
    names the rates used.

    Args:
        group_id (UUID):
        currency (None | str | Unset): Only this currency (ISO 4217 code).
        in_ (None | str | Unset): Settle every currency in this one, converted at the rates of
            `date`.
        date (datetime.date | None | Unset): With `in`: the day whose rates convert (today).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SettlementRead
    """

    return sync_detailed(
        group_id=group_id,
        client=client,
        currency=currency,
        in_=in_,
        date=date,
    ).parsed


async def asyncio_detailed(
    group_id: UUID,
    *,
    client: AuthenticatedClient,
    currency: None | str | Unset = UNSET,
    in_: None | str | Unset = UNSET,
    date: datetime.date | None | Unset = UNSET,
) -> Response[Problem | SettlementRead]:
    """Suggest

     Suggested transfers per currency; `proven_minimal` says whether none fewer exist.
    With `in`, the transfers settle every balance converted to that currency, and `rates`
    names the rates used.

    Args:
        group_id (UUID):
        currency (None | str | Unset): Only this currency (ISO 4217 code).
        in_ (None | str | Unset): Settle every currency in this one, converted at the rates of
            `date`.
        date (datetime.date | None | Unset): With `in`: the day whose rates convert (today).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SettlementRead]
    """

    kwargs = _get_kwargs(
        group_id=group_id,
        currency=currency,
        in_=in_,
        date=date,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    group_id: UUID,
    *,
    client: AuthenticatedClient,
    currency: None | str | Unset = UNSET,
    in_: None | str | Unset = UNSET,
    date: datetime.date | None | Unset = UNSET,
) -> Problem | SettlementRead | None:
    """Suggest

     Suggested transfers per currency; `proven_minimal` says whether none fewer exist.
    With `in`, the transfers settle every balance converted to that currency, and `rates`
    names the rates used.

    Args:
        group_id (UUID):
        currency (None | str | Unset): Only this currency (ISO 4217 code).
        in_ (None | str | Unset): Settle every currency in this one, converted at the rates of
            `date`.
        date (datetime.date | None | Unset): With `in`: the day whose rates convert (today).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SettlementRead
    """

    return (
        await asyncio_detailed(
            group_id=group_id,
            client=client,
            currency=currency,
            in_=in_,
            date=date,
        )
    ).parsed
