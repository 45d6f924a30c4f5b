from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.exports_download_format import ExportsDownloadFormat
from ...models.exports_download_response_200 import ExportsDownloadResponse200
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    group_id: UUID,
    *,
    format_: ExportsDownloadFormat | Unset = "pennywise-json",
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_format_: str | Unset = UNSET
    if not isinstance(format_, Unset):
        json_format_ = format_

    params["format"] = json_format_

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/groups/{group_id}/export".format(
            group_id=quote(str(group_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ExportsDownloadResponse200 | Problem | None:
    if response.status_code == 200:
        response_200 = ExportsDownloadResponse200.from_dict(response.json())

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
) -> Response[ExportsDownloadResponse200 | Problem]:
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
    format_: ExportsDownloadFormat | Unset = "pennywise-json",
) -> Response[ExportsDownloadResponse200 | Problem]:
    """Download

     Download the group: every member and transaction, streamed as it is read.

    Args:
        group_id (UUID):
        format_ (ExportsDownloadFormat | Unset): `pennywise-json`: everything, lossless (import it
            back to restore the group); `pennywise-csv`: one row per transaction; `splitwise-csv`:
            Splitwise's spreadsheet layout. Default: 'pennywise-json'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ExportsDownloadResponse200 | Problem]
    """

    kwargs = _get_kwargs(
        group_id=group_id,
        format_=format_,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    group_id: UUID,
    *,
    client: AuthenticatedClient,
    format_: ExportsDownloadFormat | Unset = "pennywise-json",
) -> ExportsDownloadResponse200 | Problem | None:
    """Download

     Download the group: every member and transaction, streamed as it is read.

    Args:
        group_id (UUID):
        format_ (ExportsDownloadFormat | Unset): `pennywise-json`: everything, lossless (import it
            back to restore the group); `pennywise-csv`: one row per transaction; `splitwise-csv`:
            Splitwise's spreadsheet layout. Default: 'pennywise-json'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ExportsDownloadResponse200 | Problem
    """

    return sync_detailed(
        group_id=group_id,
        client=client,
        format_=format_,
    ).parsed


async def asyncio_detailed(
    group_id: UUID,
    *,
    client: AuthenticatedClient,
    format_: ExportsDownloadFormat | Unset = "pennywise-json",
) -> Response[ExportsDownloadResponse200 | Problem]:
    """Download

     Download the group: every member and transaction, streamed as it is read.

    Args:
        group_id (UUID):
        format_ (ExportsDownloadFormat | Unset): `pennywise-json`: everything, lossless (import it
            back to restore the group); `pennywise-csv`: one row per transaction; `splitwise-csv`:
            Splitwise's spreadsheet layout. Default: 'pennywise-json'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ExportsDownloadResponse200 | Problem]
    """

    kwargs = _get_kwargs(
        group_id=group_id,
        format_=format_,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    group_id: UUID,
    *,
    client: AuthenticatedClient,
    format_: ExportsDownloadFormat | Unset = "pennywise-json",
) -> ExportsDownloadResponse200 | Problem | None:
    """Download

     Download the group: every member and transaction, streamed as it is read.

    Args:
        group_id (UUID):
        format_ (ExportsDownloadFormat | Unset): `pennywise-json`: everything, lossless (import it
            back to restore the group); `pennywise-csv`: one row per transaction; `splitwise-csv`:
            Splitwise's spreadsheet layout. Default: 'pennywise-json'.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ExportsDownloadResponse200 | Problem
    """

    return (
        await asyncio_detailed(
            group_id=group_id,
            client=client,
            format_=format_,
        )
    ).parsed
