from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.transaction_read import TransactionRead
from ...models.transaction_update import TransactionUpdate
from ...types import UNSET, Response, Unset


def _get_kwargs(
    transaction_id: UUID,
    *,
    body: TransactionUpdate,
    if_match: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_match, Unset):
        headers["If-Match"] = if_match

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/api/v1/transactions/{transaction_id}".format(
            transaction_id=quote(str(transaction_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | TransactionRead | None:
    if response.status_code == 200:
        response_200 = TransactionRead.from_dict(response.json())

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

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 412:
        response_412 = Problem.from_dict(response.json())

        return response_412

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
) -> Response[Problem | TransactionRead]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    transaction_id: UUID,
    *,
    client: AuthenticatedClient,
    body: TransactionUpdate,
    if_match: None | str | Unset = UNSET,
) -> Response[Problem | TransactionRead]:
    """Update

     Edit; fields left out keep their value. Entries and balances follow money changes.

    Args:
        transaction_id (UUID):
        if_match (None | str | Unset): The ETag you read (`"<version>"`): the write is refused
            with 412 if the resource changed since. `*` or no header: no check.
        body (TransactionUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TransactionRead]
    """

    kwargs = _get_kwargs(
        transaction_id=transaction_id,
        body=body,
        if_match=if_match,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    transaction_id: UUID,
    *,
    client: AuthenticatedClient,
    body: TransactionUpdate,
    if_match: None | str | Unset = UNSET,
) -> Problem | TransactionRead | None:
    """Update

     Edit; fields left out keep their value. Entries and balances follow money changes.

    Args:
        transaction_id (UUID):
        if_match (None | str | Unset): The ETag you read (`"<version>"`): the write is refused
            with 412 if the resource changed since. `*` or no header: no check.
        body (TransactionUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TransactionRead
    """

    return sync_detailed(
        transaction_id=transaction_id,
        client=client,
        body=body,
        if_match=if_match,
    ).parsed


async def asyncio_detailed(
    transaction_id: UUID,
    *,
    client: AuthenticatedClient,
    body: TransactionUpdate,
    if_match: None | str | Unset = UNSET,
) -> Response[Problem | TransactionRead]:
    """Update

     Edit; fields left out keep their value. Entries and balances follow money changes.

    Args:
        transaction_id (UUID):
        if_match (None | str | Unset): The ETag you read (`"<version>"`): the write is refused
            with 412 if the resource changed since. `*` or no header: no check.
        body (TransactionUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TransactionRead]
    """

    kwargs = _get_kwargs(
        transaction_id=transaction_id,
        body=body,
        if_match=if_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    transaction_id: UUID,
    *,
    client: AuthenticatedClient,
    body: TransactionUpdate,
    if_match: None | str | Unset = UNSET,
) -> Problem | TransactionRead | None:
    """Update

     Edit; fields left out keep their value. Entries and balances follow money changes.

    Args:
        transaction_id (UUID):
        if_match (None | str | Unset): The ETag you read (`"<version>"`): the write is refused
            with 412 if the resource changed since. `*` or no header: no check.
        body (TransactionUpdate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TransactionRead
    """

    return (
        await asyncio_detailed(
            transaction_id=transaction_id,
            client=client,
            body=body,
            if_match=if_match,
        )
    ).parsed
