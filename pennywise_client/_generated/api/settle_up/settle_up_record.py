from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.settle_up_record import SettleUpRecord
from ...models.transaction_read import TransactionRead
from ...types import UNSET, Response, Unset


def _get_kwargs(
    group_id: UUID,
    *,
    body: SettleUpRecord | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/groups/{group_id}/settle-up".format(
            group_id=quote(str(group_id), safe=""),
        ),
    }

    if not isinstance(body, Unset):
        _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | list[TransactionRead] | None:
    if response.status_code == 201:
        response_201 = []
        _response_201 = response.json()
        for response_201_item_data in _response_201:
            response_201_item = TransactionRead.from_dict(response_201_item_data)

            response_201.append(response_201_item)

        return response_201

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

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
) -> Response[Problem | list[TransactionRead]]:
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
    body: SettleUpRecord | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[Problem | list[TransactionRead]]:
    """Record

     Record the current suggestion as transfer transactions (members and up). With `in`,
    a conversion (one `conversion` transaction per currency) first moves every balance into
    that currency at the rates of `rates_date` (default `date`, else today), and the
    transfers settle it there: every currency's balances end at zero.

    Args:
        group_id (UUID):
        idempotency_key (None | str | Unset): Any unique string (a UUID is ideal), reused when
            retrying this same request: a retry gets the first answer back instead of creating twice.
            Kept for at least 24 hours. 1 to 255 printable ASCII characters.
        body (SettleUpRecord | Unset): Which suggestion to record: one currency or all, dated
            today unless given; or, with
            ``in``, every currency settled in one after a conversion at the rates of ``rates_date``.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[TransactionRead]]
    """

    kwargs = _get_kwargs(
        group_id=group_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    group_id: UUID,
    *,
    client: AuthenticatedClient,
    body: SettleUpRecord | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,
) -> Problem | list[TransactionRead] | None:
    """Record

     Record the current suggestion as transfer transactions (members and up). With `in`,
    a conversion (one `conversion` transaction per currency) first moves every balance into
    that currency at the rates of `rates_date` (default `date`, else today), and the
    transfers settle it there: every currency's balances end at zero.

    Args:
        group_id (UUID):
        idempotency_key (None | str | Unset): Any unique string (a UUID is ideal), reused when
            retrying this same request: a retry gets the first answer back instead of creating twice.
            Kept for at least 24 hours. 1 to 255 printable ASCII characters.
        body (SettleUpRecord | Unset): Which suggestion to record: one currency or all, dated
            today unless given; or, with
            ``in``, every currency settled in one after a conversion at the rates of ``rates_date``.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[TransactionRead]
    """

    return sync_detailed(
        group_id=group_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    group_id: UUID,
    *,
    client: AuthenticatedClient,
    body: SettleUpRecord | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[Problem | list[TransactionRead]]:
    """Record

     Record the current suggestion as transfer transactions (members and up). With `in`,
    a conversion (one `conversion` transaction per currency) first moves every balance into
    that currency at the rates of `rates_date` (default `date`, else today), and the
    transfers settle it there: every currency's balances end at zero.

    Args:
        group_id (UUID):
        idempotency_key (None | str | Unset): Any unique string (a UUID is ideal), reused when
            retrying this same request: a retry gets the first answer back instead of creating twice.
            Kept for at least 24 hours. 1 to 255 printable ASCII characters.
        body (SettleUpRecord | Unset): Which suggestion to record: one currency or all, dated
            today unless given; or, with
            ``in``, every currency settled in one after a conversion at the rates of ``rates_date``.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[TransactionRead]]
    """

    kwargs = _get_kwargs(
        group_id=group_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    group_id: UUID,
    *,
    client: AuthenticatedClient,
    body: SettleUpRecord | Unset = UNSET,
    idempotency_key: None | str | Unset = UNSET,
) -> Problem | list[TransactionRead] | None:
    """Record

     Record the current suggestion as transfer transactions (members and up). With `in`,
    a conversion (one `conversion` transaction per currency) first moves every balance into
    that currency at the rates of `rates_date` (default `date`, else today), and the
    transfers settle it there: every currency's balances end at zero.

    Args:
        group_id (UUID):
        idempotency_key (None | str | Unset): Any unique string (a UUID is ideal), reused when
            retrying this same request: a retry gets the first answer back instead of creating twice.
            Kept for at least 24 hours. 1 to 255 printable ASCII characters.
        body (SettleUpRecord | Unset): Which suggestion to record: one currency or all, dated
            today unless given; or, with
            ``in``, every currency settled in one after a conversion at the rates of ``rates_date``.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[TransactionRead]
    """

    return (
        await asyncio_detailed(
            group_id=group_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
