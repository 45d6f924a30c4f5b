from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.invite_create import InviteCreate
from ...models.invite_created import InviteCreated
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    group_id: UUID,
    *,
    body: InviteCreate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/groups/{group_id}/invites".format(
            group_id=quote(str(group_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> InviteCreated | Problem | None:
    if response.status_code == 201:
        response_201 = InviteCreated.from_dict(response.json())

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
) -> Response[InviteCreated | Problem]:
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
    body: InviteCreate,
) -> Response[InviteCreated | Problem]:
    """Create

     Invite someone to claim a placeholder member; `token` is shown in this response only.

    `Idempotency-Key` is ignored here: replaying the response would mean storing the token
    in clear. A retried request makes another invite for the same placeholder; every one of
    them works until it expires or one is accepted.

    Args:
        group_id (UUID):
        body (InviteCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[InviteCreated | Problem]
    """

    kwargs = _get_kwargs(
        group_id=group_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    group_id: UUID,
    *,
    client: AuthenticatedClient,
    body: InviteCreate,
) -> InviteCreated | Problem | None:
    """Create

     Invite someone to claim a placeholder member; `token` is shown in this response only.

    `Idempotency-Key` is ignored here: replaying the response would mean storing the token
    in clear. A retried request makes another invite for the same placeholder; every one of
    them works until it expires or one is accepted.

    Args:
        group_id (UUID):
        body (InviteCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        InviteCreated | Problem
    """

    return sync_detailed(
        group_id=group_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    group_id: UUID,
    *,
    client: AuthenticatedClient,
    body: InviteCreate,
) -> Response[InviteCreated | Problem]:
    """Create

     Invite someone to claim a placeholder member; `token` is shown in this response only.

    `Idempotency-Key` is ignored here: replaying the response would mean storing the token
    in clear. A retried request makes another invite for the same placeholder; every one of
    them works until it expires or one is accepted.

    Args:
        group_id (UUID):
        body (InviteCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[InviteCreated | Problem]
    """

    kwargs = _get_kwargs(
        group_id=group_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    group_id: UUID,
    *,
    client: AuthenticatedClient,
    body: InviteCreate,
) -> InviteCreated | Problem | None:
    """Create

     Invite someone to claim a placeholder member; `token` is shown in this response only.

    `Idempotency-Key` is ignored here: replaying the response would mean storing the token
    in clear. A retried request makes another invite for the same placeholder; every one of
    them works until it expires or one is accepted.

    Args:
        group_id (UUID):
        body (InviteCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        InviteCreated | Problem
    """

    return (
        await asyncio_detailed(
            group_id=group_id,
            client=client,
            body=body,
        )
    ).parsed
