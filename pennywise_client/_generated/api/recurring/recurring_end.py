import datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.recurring_rule_read import RecurringRuleRead
from ...types import UNSET, Response, Unset


def _get_kwargs(
    group_id: UUID,
    rule_id: UUID,
    *,
    on: datetime.date | None | Unset = UNSET,
    if_match: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_match, Unset):
        headers["If-Match"] = if_match

    params: dict[str, Any] = {}

    json_on: None | str | Unset
    if isinstance(on, Unset):
        json_on = UNSET
    elif isinstance(on, datetime.date):
        json_on = on.isoformat()
    else:
        json_on = on
    params["on"] = json_on

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/groups/{group_id}/recurring/{rule_id}/end".format(
            group_id=quote(str(group_id), safe=""),
            rule_id=quote(str(rule_id), safe=""),
        ),
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | RecurringRuleRead | None:
    if response.status_code == 200:
        response_200 = RecurringRuleRead.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 412:
        response_412 = Problem.from_dict(response.json())

        return response_412

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
) -> Response[Problem | RecurringRuleRead]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    group_id: UUID,
    rule_id: UUID,
    *,
    client: AuthenticatedClient,
    on: datetime.date | None | Unset = UNSET,
    if_match: None | str | Unset = UNSET,
) -> Response[Problem | RecurringRuleRead]:
    """End

     No occurrence after `on` (default today); the past ones stay.

    Args:
        group_id (UUID):
        rule_id (UUID):
        on (datetime.date | None | Unset): The date it takes effect (default today).
        if_match (None | str | Unset): The ETag you read (`"<version>"`): the write is refused
            with 412 if the resource changed since. `*` or no header: no check.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RecurringRuleRead]
    """

    kwargs = _get_kwargs(
        group_id=group_id,
        rule_id=rule_id,
        on=on,
        if_match=if_match,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    group_id: UUID,
    rule_id: UUID,
    *,
    client: AuthenticatedClient,
    on: datetime.date | None | Unset = UNSET,
    if_match: None | str | Unset = UNSET,
) -> Problem | RecurringRuleRead | None:
    """End

     No occurrence after `on` (default today); the past ones stay.

    Args:
        group_id (UUID):
        rule_id (UUID):
        on (datetime.date | None | Unset): The date it takes effect (default today).
        if_match (None | str | Unset): The ETag you read (`"<version>"`): the write is refused
            with 412 if the resource changed since. `*` or no header: no check.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RecurringRuleRead
    """

    return sync_detailed(
        group_id=group_id,
        rule_id=rule_id,
        client=client,
        on=on,
        if_match=if_match,
    ).parsed


async def asyncio_detailed(
    group_id: UUID,
    rule_id: UUID,
    *,
    client: AuthenticatedClient,
    on: datetime.date | None | Unset = UNSET,
    if_match: None | str | Unset = UNSET,
) -> Response[Problem | RecurringRuleRead]:
    """End

     No occurrence after `on` (default today); the past ones stay.

    Args:
        group_id (UUID):
        rule_id (UUID):
        on (datetime.date | None | Unset): The date it takes effect (default today).
        if_match (None | str | Unset): The ETag you read (`"<version>"`): the write is refused
            with 412 if the resource changed since. `*` or no header: no check.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RecurringRuleRead]
    """

    kwargs = _get_kwargs(
        group_id=group_id,
        rule_id=rule_id,
        on=on,
        if_match=if_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    group_id: UUID,
    rule_id: UUID,
    *,
    client: AuthenticatedClient,
    on: datetime.date | None | Unset = UNSET,
    if_match: None | str | Unset = UNSET,
) -> Problem | RecurringRuleRead | None:
    """End

     No occurrence after `on` (default today); the past ones stay.

    Args:
        group_id (UUID):
        rule_id (UUID):
        on (datetime.date | None | Unset): The date it takes effect (default today).
        if_match (None | str | Unset): The ETag you read (`"<version>"`): the write is refused
            with 412 if the resource changed since. `*` or no header: no check.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RecurringRuleRead
    """

    return (
        await asyncio_detailed(
            group_id=group_id,
            rule_id=rule_id,
            client=client,
            on=on,
            if_match=if_match,
        )
    ).parsed
