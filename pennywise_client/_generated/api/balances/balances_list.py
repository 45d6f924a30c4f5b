import datetime
from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.balance_read import BalanceRead
from ...models.problem import Problem
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
        "url": "/api/v1/groups/{group_id}/balances".format(
            group_id=quote(str(group_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | Problem | list[BalanceRead] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = BalanceRead.from_dict(response_200_item_data)

            response_200.append(response_200_item)

        return response_200

    if response.status_code == 307:
        response_307 = cast(Any, None)
        return response_307

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
) -> Response[Any | Problem | list[BalanceRead]]:
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
) -> Response[Any | Problem | list[BalanceRead]]:
    """List

     Every member's balance per currency; positive means the group owes them.

    `?in=EUR` (and `date`) is answered by a redirect to `/balances/converted`, whose
    answer has its own shape: one balance per member and the rates used.

    Args:
        group_id (UUID):
        currency (None | str | Unset): Only this currency (ISO 4217 code).
        in_ (None | str | Unset): Show every balance in this currency: see `/converted`.
        date (datetime.date | None | Unset): With `in`: see `/converted`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem | list[BalanceRead]]
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
) -> Any | Problem | list[BalanceRead] | None:
    """List

     Every member's balance per currency; positive means the group owes them.

    `?in=EUR` (and `date`) is answered by a redirect to `/balances/converted`, whose
    answer has its own shape: one balance per member and the rates used.

    Args:
        group_id (UUID):
        currency (None | str | Unset): Only this currency (ISO 4217 code).
        in_ (None | str | Unset): Show every balance in this currency: see `/converted`.
        date (datetime.date | None | Unset): With `in`: see `/converted`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem | list[BalanceRead]
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
) -> Response[Any | Problem | list[BalanceRead]]:
    """List

     Every member's balance per currency; positive means the group owes them.

    `?in=EUR` (and `date`) is answered by a redirect to `/balances/converted`, whose
    answer has its own shape: one balance per member and the rates used.

    Args:
        group_id (UUID):
        currency (None | str | Unset): Only this currency (ISO 4217 code).
        in_ (None | str | Unset): Show every balance in this currency: see `/converted`.
        date (datetime.date | None | Unset): With `in`: see `/converted`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Problem | list[BalanceRead]]
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
) -> Any | Problem | list[BalanceRead] | None:
    """List

     Every member's balance per currency; positive means the group owes them.

    `?in=EUR` (and `date`) is answered by a redirect to `/balances/converted`, whose
    answer has its own shape: one balance per member and the rates used.

    Args:
        group_id (UUID):
        currency (None | str | Unset): Only this currency (ISO 4217 code).
        in_ (None | str | Unset): Show every balance in this currency: see `/converted`.
        date (datetime.date | None | Unset): With `in`: see `/converted`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Problem | list[BalanceRead]
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
