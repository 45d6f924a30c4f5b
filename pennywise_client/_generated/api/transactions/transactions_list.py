import datetime
from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.page_transaction_read import PageTransactionRead
from ...models.problem import Problem
from ...models.transaction_kind import TransactionKind
from ...models.transactions_list_deleted import (
    TransactionsListDeleted,
)
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    group_id: None | Unset | UUID = UNSET,
    date_from: datetime.date | None | Unset = UNSET,
    date_to: datetime.date | None | Unset = UNSET,
    member_id: None | Unset | UUID = UNSET,
    category: None | str | Unset = UNSET,
    search: None | str | Unset = UNSET,
    kind: None | TransactionKind | Unset = UNSET,
    deleted: TransactionsListDeleted | Unset = "exclude",
    id_prefix: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_group_id: None | str | Unset
    if isinstance(group_id, Unset):
        json_group_id = UNSET
    elif isinstance(group_id, UUID):
        json_group_id = str(group_id)
    else:
        json_group_id = group_id
    params["group_id"] = json_group_id

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

    json_member_id: None | str | Unset
    if isinstance(member_id, Unset):
        json_member_id = UNSET
    elif isinstance(member_id, UUID):
        json_member_id = str(member_id)
    else:
        json_member_id = member_id
    params["member_id"] = json_member_id

    json_category: None | str | Unset
    if isinstance(category, Unset):
        json_category = UNSET
    else:
        json_category = category
    params["category"] = json_category

    json_search: None | str | Unset
    if isinstance(search, Unset):
        json_search = UNSET
    else:
        json_search = search
    params["search"] = json_search

    json_kind: None | str | Unset
    if isinstance(kind, Unset):
        json_kind = UNSET
    elif isinstance(kind, str):
        json_kind = kind
    else:
        json_kind = kind
    params["kind"] = json_kind

    json_deleted: str | Unset = UNSET
    if not isinstance(deleted, Unset):
        json_deleted = deleted

    params["deleted"] = json_deleted

    json_id_prefix: None | str | Unset
    if isinstance(id_prefix, Unset):
        json_id_prefix = UNSET
    else:
        json_id_prefix = id_prefix
    params["id_prefix"] = json_id_prefix

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/api/v1/transactions",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PageTransactionRead | Problem | None:
    if response.status_code == 200:
        response_200 = PageTransactionRead.from_dict(response.json())

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
) -> Response[PageTransactionRead | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    group_id: None | Unset | UUID = UNSET,
    date_from: datetime.date | None | Unset = UNSET,
    date_to: datetime.date | None | Unset = UNSET,
    member_id: None | Unset | UUID = UNSET,
    category: None | str | Unset = UNSET,
    search: None | str | Unset = UNSET,
    kind: None | TransactionKind | Unset = UNSET,
    deleted: TransactionsListDeleted | Unset = "exclude",
    id_prefix: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> Response[PageTransactionRead | Problem]:
    """List

     Transactions across your groups (or one), a page at a time: the latest date first, and
    within a day the last entered first.

    Args:
        group_id (None | Unset | UUID): Only this group.
        date_from (datetime.date | None | Unset): On or after this date.
        date_to (datetime.date | None | Unset): On or before this date.
        member_id (None | Unset | UUID): Only those this member paid or owes in.
        category (None | str | Unset):
        search (None | str | Unset): In the description or the notes, any case (`text`: its older
            name, still accepted).
        kind (None | TransactionKind | Unset):
        deleted (TransactionsListDeleted | Unset):  Default: 'exclude'.
        id_prefix (None | str | Unset): Only those whose id starts with these hex digits (1 to 32;
            dashes ignored), e.g. the 8 a table shows.
        limit (int | Unset): Items per page. Default: 50.
        cursor (None | str | Unset): The `next_cursor` of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageTransactionRead | Problem]
    """

    kwargs = _get_kwargs(
        group_id=group_id,
        date_from=date_from,
        date_to=date_to,
        member_id=member_id,
        category=category,
        search=search,
        kind=kind,
        deleted=deleted,
        id_prefix=id_prefix,
        limit=limit,
        cursor=cursor,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    group_id: None | Unset | UUID = UNSET,
    date_from: datetime.date | None | Unset = UNSET,
    date_to: datetime.date | None | Unset = UNSET,
    member_id: None | Unset | UUID = UNSET,
    category: None | str | Unset = UNSET,
    search: None | str | Unset = UNSET,
    kind: None | TransactionKind | Unset = UNSET,
    deleted: TransactionsListDeleted | Unset = "exclude",
    id_prefix: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> PageTransactionRead | Problem | None:
    """List

     Transactions across your groups (or one), a page at a time: the latest date first, and
    within a day the last entered first.

    Args:
        group_id (None | Unset | UUID): Only this group.
        date_from (datetime.date | None | Unset): On or after this date.
        date_to (datetime.date | None | Unset): On or before this date.
        member_id (None | Unset | UUID): Only those this member paid or owes in.
        category (None | str | Unset):
        search (None | str | Unset): In the description or the notes, any case (`text`: its older
            name, still accepted).
        kind (None | TransactionKind | Unset):
        deleted (TransactionsListDeleted | Unset):  Default: 'exclude'.
        id_prefix (None | str | Unset): Only those whose id starts with these hex digits (1 to 32;
            dashes ignored), e.g. the 8 a table shows.
        limit (int | Unset): Items per page. Default: 50.
        cursor (None | str | Unset): The `next_cursor` of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageTransactionRead | Problem
    """

    return sync_detailed(
        client=client,
        group_id=group_id,
        date_from=date_from,
        date_to=date_to,
        member_id=member_id,
        category=category,
        search=search,
        kind=kind,
        deleted=deleted,
        id_prefix=id_prefix,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    group_id: None | Unset | UUID = UNSET,
    date_from: datetime.date | None | Unset = UNSET,
    date_to: datetime.date | None | Unset = UNSET,
    member_id: None | Unset | UUID = UNSET,
    category: None | str | Unset = UNSET,
    search: None | str | Unset = UNSET,
    kind: None | TransactionKind | Unset = UNSET,
    deleted: TransactionsListDeleted | Unset = "exclude",
    id_prefix: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> Response[PageTransactionRead | Problem]:
    """List

     Transactions across your groups (or one), a page at a time: the latest date first, and
    within a day the last entered first.

    Args:
        group_id (None | Unset | UUID): Only this group.
        date_from (datetime.date | None | Unset): On or after this date.
        date_to (datetime.date | None | Unset): On or before this date.
        member_id (None | Unset | UUID): Only those this member paid or owes in.
        category (None | str | Unset):
        search (None | str | Unset): In the description or the notes, any case (`text`: its older
            name, still accepted).
        kind (None | TransactionKind | Unset):
        deleted (TransactionsListDeleted | Unset):  Default: 'exclude'.
        id_prefix (None | str | Unset): Only those whose id starts with these hex digits (1 to 32;
            dashes ignored), e.g. the 8 a table shows.
        limit (int | Unset): Items per page. Default: 50.
        cursor (None | str | Unset): The `next_cursor` of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageTransactionRead | Problem]
    """

    kwargs = _get_kwargs(
        group_id=group_id,
        date_from=date_from,
        date_to=date_to,
        member_id=member_id,
        category=category,
        search=search,
        kind=kind,
        deleted=deleted,
        id_prefix=id_prefix,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    group_id: None | Unset | UUID = UNSET,
    date_from: datetime.date | None | Unset = UNSET,
    date_to: datetime.date | None | Unset = UNSET,
    member_id: None | Unset | UUID = UNSET,
    category: None | str | Unset = UNSET,
    search: None | str | Unset = UNSET,
    kind: None | TransactionKind | Unset = UNSET,
    deleted: TransactionsListDeleted | Unset = "exclude",
    id_prefix: None | str | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
) -> PageTransactionRead | Problem | None:
    """List

     Transactions across your groups (or one), a page at a time: the latest date first, and
    within a day the last entered first.

    Args:
        group_id (None | Unset | UUID): Only this group.
        date_from (datetime.date | None | Unset): On or after this date.
        date_to (datetime.date | None | Unset): On or before this date.
        member_id (None | Unset | UUID): Only those this member paid or owes in.
        category (None | str | Unset):
        search (None | str | Unset): In the description or the notes, any case (`text`: its older
            name, still accepted).
        kind (None | TransactionKind | Unset):
        deleted (TransactionsListDeleted | Unset):  Default: 'exclude'.
        id_prefix (None | str | Unset): Only those whose id starts with these hex digits (1 to 32;
            dashes ignored), e.g. the 8 a table shows.
        limit (int | Unset): Items per page. Default: 50.
        cursor (None | str | Unset): The `next_cursor` of the previous page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageTransactionRead | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            group_id=group_id,
            date_from=date_from,
            date_to=date_to,
            member_id=member_id,
            category=category,
            search=search,
            kind=kind,
            deleted=deleted,
            id_prefix=id_prefix,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
