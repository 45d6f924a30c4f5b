import datetime
from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.summary_read import SummaryRead
from ...models.users_summary_by import UsersSummaryBy
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    by: UsersSummaryBy | Unset = "month",
    date_from: datetime.date | None | Unset = UNSET,
    date_to: datetime.date | None | Unset = UNSET,
    group_id: None | Unset | UUID = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_by: str | Unset = UNSET
    if not isinstance(by, Unset):
        json_by = by

    params["by"] = json_by

    json_date_from: None | str | Unset
    if isinstance(date_from, Unset):
        json_date_from = UNSET
    elif isinstance(date_from, datetime.date):
        json_date_from = date_from.isoformat()
    else:
        json_date_from = date_from
    params["date_from"] = json_date_from

    json_date_to: None | str | Unset
    if isinstance(date_to, Unset):
        json_date_to = UNSET
    elif isinstance(date_to, datetime.date):
        json_date_to = date_to.isoformat()
    else:
        json_date_to = date_to
    params["date_to"] = json_date_to

    json_group_id: None | str | Unset
    if isinstance(group_id, Unset):
        json_group_id = UNSET
    elif isinstance(group_id, UUID):
        json_group_id = str(group_id)
    else:
        json_group_id = group_id
    params["group_id"] = json_group_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/users/me/summary",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | SummaryRead | None:
    if response.status_code == 200:
        response_200 = SummaryRead.from_dict(response.json())

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
) -> Response[Problem | SummaryRead]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    by: UsersSummaryBy | Unset = "month",
    date_from: datetime.date | None | Unset = UNSET,
    date_to: datetime.date | None | Unset = UNSET,
    group_id: None | Unset | UUID = UNSET,
) -> Response[Problem | SummaryRead]:
    """Summary

     Your share of spending and of money received per currency, kept apart (`spent`,
    `received`, `net` = received − spent), by month or by category, over all your groups or
    one (`group_id`), between `date_from` and `date_to` (inclusive).

    Args:
        by (UsersSummaryBy | Unset):  Default: 'month'.
        date_from (datetime.date | None | Unset):
        date_to (datetime.date | None | Unset):
        group_id (None | Unset | UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SummaryRead]
    """

    kwargs = _get_kwargs(
        by=by,
        date_from=date_from,
        date_to=date_to,
        group_id=group_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    by: UsersSummaryBy | Unset = "month",
    date_from: datetime.date | None | Unset = UNSET,
    date_to: datetime.date | None | Unset = UNSET,
    group_id: None | Unset | UUID = UNSET,
) -> Problem | SummaryRead | None:
    """Summary

     Your share of spending and of money received per currency, kept apart (`spent`,
    `received`, `net` = received − spent), by month or by category, over all your groups or
    one (`group_id`), between `date_from` and `date_to` (inclusive).

    Args:
        by (UsersSummaryBy | Unset):  Default: 'month'.
        date_from (datetime.date | None | Unset):
        date_to (datetime.date | None | Unset):
        group_id (None | Unset | UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SummaryRead
    """

    return sync_detailed(
        client=client,
        by=by,
        date_from=date_from,
        date_to=date_to,
        group_id=group_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    by: UsersSummaryBy | Unset = "month",
    date_from: datetime.date | None | Unset = UNSET,
    date_to: datetime.date | None | Unset = UNSET,
    group_id: None | Unset | UUID = UNSET,
) -> Response[Problem | SummaryRead]:
    """Summary

     Your share of spending and of money received per currency, kept apart (`spent`,
    `received`, `net` = received − spent), by month or by category, over all your groups or
    one (`group_id`), between `date_from` and `date_to` (inclusive).

    Args:
        by (UsersSummaryBy | Unset):  Default: 'month'.
        date_from (datetime.date | None | Unset):
        date_to (datetime.date | None | Unset):
        group_id (None | Unset | UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | SummaryRead]
    """

    kwargs = _get_kwargs(
        by=by,
        date_from=date_from,
        date_to=date_to,
        group_id=group_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    by: UsersSummaryBy | Unset = "month",
    date_from: datetime.date | None | Unset = UNSET,
    date_to: datetime.date | None | Unset = UNSET,
    group_id: None | Unset | UUID = UNSET,
) -> Problem | SummaryRead | None:
    """Summary

     Your share of spending and of money received per currency, kept apart (`spent`,
    `received`, `net` = received − spent), by month or by category, over all your groups or
    one (`group_id`), between `date_from` and `date_to` (inclusive).

    Args:
        by (UsersSummaryBy | Unset):  Default: 'month'.
        date_from (datetime.date | None | Unset):
        date_to (datetime.date | None | Unset):
        group_id (None | Unset | UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | SummaryRead
    """

    return (
        await asyncio_detailed(
            client=client,
            by=by,
            date_from=date_from,
            date_to=date_to,
            group_id=group_id,
        )
    ).parsed
