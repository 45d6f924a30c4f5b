from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.recurring_rule_create import RecurringRuleCreate
from ...models.recurring_rule_read import RecurringRuleRead
from ...types import UNSET, Response, Unset


def _get_kwargs(
    group_id: UUID,
    *,
    body: RecurringRuleCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/groups/{group_id}/recurring".format(
            group_id=quote(str(group_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | RecurringRuleRead | None:
    if response.status_code == 201:
        response_201 = RecurringRuleRead.from_dict(response.json())

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
) -> Response[Problem | RecurringRuleRead]:
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
    body: RecurringRuleCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[Problem | RecurringRuleRead]:
    """Create

     A transaction that repeats: `transaction` as `POST /transactions` takes it (without
    `group_id` and `date`), and a `schedule`. Refused when its first occurrence could not be
    written (a member it names is not in the group, a split that does not add up).

    Args:
        group_id (UUID):
        idempotency_key (None | str | Unset): Any unique string (a UUID is ideal), reused when
            retrying this same request: a retry gets the first answer back instead of creating twice.
            Kept for at least 24 hours. 1 to 255 printable ASCII characters.
        body (RecurringRuleCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RecurringRuleRead]
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
    body: RecurringRuleCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> Problem | RecurringRuleRead | None:
    """Create

     A transaction that repeats: `transaction` as `POST /transactions` takes it (without
    `group_id` and `date`), and a `schedule`. Refused when its first occurrence could not be
    written (a member it names is not in the group, a split that does not add up).

    Args:
        group_id (UUID):
        idempotency_key (None | str | Unset): Any unique string (a UUID is ideal), reused when
            retrying this same request: a retry gets the first answer back instead of creating twice.
            Kept for at least 24 hours. 1 to 255 printable ASCII characters.
        body (RecurringRuleCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RecurringRuleRead
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
    body: RecurringRuleCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[Problem | RecurringRuleRead]:
    """Create

     A transaction that repeats: `transaction` as `POST /transactions` takes it (without
    `group_id` and `date`), and a `schedule`. Refused when its first occurrence could not be
    written (a member it names is not in the group, a split that does not add up).

    Args:
        group_id (UUID):
        idempotency_key (None | str | Unset): Any unique string (a UUID is ideal), reused when
            retrying this same request: a retry gets the first answer back instead of creating twice.
            Kept for at least 24 hours. 1 to 255 printable ASCII characters.
        body (RecurringRuleCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | RecurringRuleRead]
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
    body: RecurringRuleCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> Problem | RecurringRuleRead | None:
    """Create

     A transaction that repeats: `transaction` as `POST /transactions` takes it (without
    `group_id` and `date`), and a `schedule`. Refused when its first occurrence could not be
    written (a member it names is not in the group, a split that does not add up).

    Args:
        group_id (UUID):
        idempotency_key (None | str | Unset): Any unique string (a UUID is ideal), reused when
            retrying this same request: a retry gets the first answer back instead of creating twice.
            Kept for at least 24 hours. 1 to 255 printable ASCII characters.
        body (RecurringRuleCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | RecurringRuleRead
    """

    return (
        await asyncio_detailed(
            group_id=group_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
