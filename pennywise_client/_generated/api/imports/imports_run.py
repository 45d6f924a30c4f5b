from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.body_imports_run import BodyImportsRun
from ...models.import_report import ImportReport
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    group_id: UUID,
    *,
    body: BodyImportsRun,
    idempotency_key: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/api/v1/groups/{group_id}/imports".format(
            group_id=quote(str(group_id), safe=""),
        ),
    }

    _kwargs["files"] = body.to_multipart()

    headers["Content-Type"] = "multipart/form-data; boundary=+++"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ImportReport | Problem | None:
    if response.status_code == 200:
        response_200 = ImportReport.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = ImportReport.from_dict(response.json())

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
) -> Response[ImportReport | Problem]:
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
    body: BodyImportsRun,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[ImportReport | Problem]:
    """Run

     Import a file into the group: all of it or, with any bad row, none of it
    (`skip_invalid`: the good rows, and each bad one listed).

    Members and up import; only admins import files that bring new people (a member's dry
    run says so). Rows the group already has (by their import key) are skipped, so a
    re-upload adds nothing. Formats: Pennywise JSON/CSV, Splitwise CSV, ihatemoney
    JSON/CSV, Spliit JSON/CSV, and a bank's CSV with `bank_mapping`.

    Args:
        group_id (UUID):
        idempotency_key (None | str | Unset): Any unique string (a UUID is ideal), reused when
            retrying this same request: a retry gets the first answer back instead of creating twice.
            Kept for at least 24 hours. 1 to 255 printable ASCII characters.
        body (BodyImportsRun):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ImportReport | Problem]
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
    body: BodyImportsRun,
    idempotency_key: None | str | Unset = UNSET,
) -> ImportReport | Problem | None:
    """Run

     Import a file into the group: all of it or, with any bad row, none of it
    (`skip_invalid`: the good rows, and each bad one listed).

    Members and up import; only admins import files that bring new people (a member's dry
    run says so). Rows the group already has (by their import key) are skipped, so a
    re-upload adds nothing. Formats: Pennywise JSON/CSV, Splitwise CSV, ihatemoney
    JSON/CSV, Spliit JSON/CSV, and a bank's CSV with `bank_mapping`.

    Args:
        group_id (UUID):
        idempotency_key (None | str | Unset): Any unique string (a UUID is ideal), reused when
            retrying this same request: a retry gets the first answer back instead of creating twice.
            Kept for at least 24 hours. 1 to 255 printable ASCII characters.
        body (BodyImportsRun):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ImportReport | Problem
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
    body: BodyImportsRun,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[ImportReport | Problem]:
    """Run

     Import a file into the group: all of it or, with any bad row, none of it
    (`skip_invalid`: the good rows, and each bad one listed).

    Members and up import; only admins import files that bring new people (a member's dry
    run says so). Rows the group already has (by their import key) are skipped, so a
    re-upload adds nothing. Formats: Pennywise JSON/CSV, Splitwise CSV, ihatemoney
    JSON/CSV, Spliit JSON/CSV, and a bank's CSV with `bank_mapping`.

    Args:
        group_id (UUID):
        idempotency_key (None | str | Unset): Any unique string (a UUID is ideal), reused when
            retrying this same request: a retry gets the first answer back instead of creating twice.
            Kept for at least 24 hours. 1 to 255 printable ASCII characters.
        body (BodyImportsRun):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ImportReport | Problem]
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
    body: BodyImportsRun,
    idempotency_key: None | str | Unset = UNSET,
) -> ImportReport | Problem | None:
    """Run

     Import a file into the group: all of it or, with any bad row, none of it
    (`skip_invalid`: the good rows, and each bad one listed).

    Members and up import; only admins import files that bring new people (a member's dry
    run says so). Rows the group already has (by their import key) are skipped, so a
    re-upload adds nothing. Formats: Pennywise JSON/CSV, Splitwise CSV, ihatemoney
    JSON/CSV, Spliit JSON/CSV, and a bank's CSV with `bank_mapping`.

    Args:
        group_id (UUID):
        idempotency_key (None | str | Unset): Any unique string (a UUID is ideal), reused when
            retrying this same request: a retry gets the first answer back instead of creating twice.
            Kept for at least 24 hours. 1 to 255 printable ASCII characters.
        body (BodyImportsRun):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ImportReport | Problem
    """

    return (
        await asyncio_detailed(
            group_id=group_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
