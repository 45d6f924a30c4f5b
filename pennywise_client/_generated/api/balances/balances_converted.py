import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.converted_balances import ConvertedBalances
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    group_id: UUID,
    *,
    in_: str,
    date: datetime.date | None | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["in"] = in_

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
        "url": "/api/v1/groups/{group_id}/balances/converted".format(
            group_id=quote(str(group_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ConvertedBalances | Problem | None:
    if response.status_code == 200:
        response_200 = ConvertedBalances.from_dict(response.json())

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
) -> Response[ConvertedBalances | Problem]:
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
    in_: str,
    date: datetime.date | None | Unset = UNSET,
) -> Response[ConvertedBalances | Problem]:
    """Converted

     Every member's balance over all currencies in one, at the rates of a day: the
    group's own rates where set, else the ECB reference rates; the converted balances sum
    to exactly zero and `rates` names each rate used. A currency with no rate for the day
    is a 404 naming it. The ledgers are not changed.

    Args:
        group_id (UUID):
        in_ (str): The currency to show every balance in (ISO 4217 code).
        date (datetime.date | None | Unset): The day whose rates convert (default today).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConvertedBalances | Problem]
    """

    kwargs = _get_kwargs(
        group_id=group_id,
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
    in_: str,
    date: datetime.date | None | Unset = UNSET,
) -> ConvertedBalances | Problem | None:
    """Converted

     Every member's balance over all currencies in one, at the rates of a day: the
    group's own rates where set, else the ECB reference rates; the converted balances sum
    to exactly zero and `rates` names each rate used. A currency with no rate for the day
    is a 404 naming it. The ledgers are not changed.

    Args:
        group_id (UUID):
        in_ (str): The currency to show every balance in (ISO 4217 code).
        date (datetime.date | None | Unset): The day whose rates convert (default today).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConvertedBalances | Problem
    """

    return sync_detailed(
        group_id=group_id,
        client=client,
        in_=in_,
        date=date,
    ).parsed


async def asyncio_detailed(
    group_id: UUID,
    *,
    client: AuthenticatedClient,
    in_: str,
    date: datetime.date | None | Unset = UNSET,
) -> Response[ConvertedBalances | Problem]:
    """Converted

     Every member's balance over all currencies in one, at the rates of a day: the
    group's own rates where set, else the ECB reference rates; the converted balances sum
    to exactly zero and `rates` names each rate used. A currency with no rate for the day
    is a 404 naming it. The ledgers are not changed.

    Args:
        group_id (UUID):
        in_ (str): The currency to show every balance in (ISO 4217 code).
        date (datetime.date | None | Unset): The day whose rates convert (default today).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConvertedBalances | Problem]
    """

    kwargs = _get_kwargs(
        group_id=group_id,
        in_=in_,
        date=date,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    group_id: UUID,
    *,
    client: AuthenticatedClient,
    in_: str,
    date: datetime.date | None | Unset = UNSET,
) -> ConvertedBalances | Problem | None:
    """Converted

     Every member's balance over all currencies in one, at the rates of a day: the
    group's own rates where set, else the ECB reference rates; the converted balances sum
    to exactly zero and `rates` names each rate used. A currency with no rate for the day
    is a 404 naming it. The ledgers are not changed.

    Args:
        group_id (UUID):
        in_ (str): The currency to show every balance in (ISO 4217 code).
        date (datetime.date | None | Unset): The day whose rates convert (default today).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConvertedBalances | Problem
    """

    return (
        await asyncio_detailed(
            group_id=group_id,
            client=client,
            in_=in_,
            date=date,
        )
    ).parsed
