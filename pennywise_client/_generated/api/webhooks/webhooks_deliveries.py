from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.delivery_read import DeliveryRead
from ...models.problem import Problem
from ...models.webhooks_deliveries_status_type_0 import (
    WebhooksDeliveriesStatusType0,
)
from ...types import UNSET, Response, Unset


def _get_kwargs(
    group_id: UUID,
    webhook_id: UUID,
    *,
    status: None | Unset | WebhooksDeliveriesStatusType0 = UNSET,
    limit: int | Unset = 50,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, str):
        json_status = status
    else:
        json_status = status
    params["status"] = json_status

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/groups/{group_id}/webhooks/{webhook_id}/deliveries".format(
            group_id=quote(str(group_id), safe=""),
            webhook_id=quote(str(webhook_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | list[DeliveryRead] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = DeliveryRead.from_dict(response_200_item_data)

            response_200.append(response_200_item)

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
) -> Response[Problem | list[DeliveryRead]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    group_id: UUID,
    webhook_id: UUID,
    *,
    client: AuthenticatedClient,
    status: None | Unset | WebhooksDeliveriesStatusType0 = UNSET,
    limit: int | Unset = 50,
) -> Response[Problem | list[DeliveryRead]]:
    """Deliveries

     The delivery log, newest first: each event's status, attempts, the last answer's
    status, start of body and latency, or why there was none.

    Args:
        group_id (UUID):
        webhook_id (UUID):
        status (None | Unset | WebhooksDeliveriesStatusType0): Only these.
        limit (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[DeliveryRead]]
    """

    kwargs = _get_kwargs(
        group_id=group_id,
        webhook_id=webhook_id,
        status=status,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    group_id: UUID,
    webhook_id: UUID,
    *,
    client: AuthenticatedClient,
    status: None | Unset | WebhooksDeliveriesStatusType0 = UNSET,
    limit: int | Unset = 50,
) -> Problem | list[DeliveryRead] | None:
    """Deliveries

     The delivery log, newest first: each event's status, attempts, the last answer's
    status, start of body and latency, or why there was none.

    Args:
        group_id (UUID):
        webhook_id (UUID):
        status (None | Unset | WebhooksDeliveriesStatusType0): Only these.
        limit (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[DeliveryRead]
    """

    return sync_detailed(
        group_id=group_id,
        webhook_id=webhook_id,
        client=client,
        status=status,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    group_id: UUID,
    webhook_id: UUID,
    *,
    client: AuthenticatedClient,
    status: None | Unset | WebhooksDeliveriesStatusType0 = UNSET,
    limit: int | Unset = 50,
) -> Response[Problem | list[DeliveryRead]]:
    """Deliveries

     The delivery log, newest first: each event's status, attempts, the last answer's
    status, start of body and latency, or why there was none.

    Args:
        group_id (UUID):
        webhook_id (UUID):
        status (None | Unset | WebhooksDeliveriesStatusType0): Only these.
        limit (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[DeliveryRead]]
    """

    kwargs = _get_kwargs(
        group_id=group_id,
        webhook_id=webhook_id,
        status=status,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    group_id: UUID,
    webhook_id: UUID,
    *,
    client: AuthenticatedClient,
    status: None | Unset | WebhooksDeliveriesStatusType0 = UNSET,
    limit: int | Unset = 50,
) -> Problem | list[DeliveryRead] | None:
    """Deliveries

     The delivery log, newest first: each event's status, attempts, the last answer's
    status, start of body and latency, or why there was none.

    Args:
        group_id (UUID):
        webhook_id (UUID):
        status (None | Unset | WebhooksDeliveriesStatusType0): Only these.
        limit (int | Unset):  Default: 50.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[DeliveryRead]
    """

    return (
        await asyncio_detailed(
            group_id=group_id,
            webhook_id=webhook_id,
            client=client,
            status=status,
            limit=limit,
        )
    ).parsed
