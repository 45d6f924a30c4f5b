"""``/transactions``: expenses, income and transfers, across your groups or in one."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from pennywise_api.deps import (
    API_PREFIX,
    ExpectedVersion,
    IdempotencyDep,
    ReadUser,
    SessionDep,
    WriteUser,
    set_etag,
)
from pennywise_api.responses import headers, problem_responses
from pennywise_core.models import TransactionKind
from pennywise_core.pagination import MAX_LIMIT
from pennywise_core.schemas import (
    SEARCH_ALIASES,
    CategoryFilter,
    IdPrefix,
    IsoDate,
    Page,
    SearchText,
    TransactionCreate,
    TransactionFilter,
    TransactionRead,
    TransactionUpdate,
)
from pennywise_core.services import transactions

router = APIRouter(prefix="/transactions", tags=["transactions"])

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")]
Cursor = Annotated[
    str | None,
    Query(max_length=500, description="The `next_cursor` of the previous page."),
]


@router.get("", name="list", responses=problem_responses(401, 404, 422))
async def list_transactions(
    session: SessionDep,
    user: ReadUser,
    group_id: Annotated[uuid.UUID | None, Query(description="Only this group.")] = None,
    date_from: Annotated[IsoDate | None, Query(description="On or after this date.")] = None,
    date_to: Annotated[IsoDate | None, Query(description="On or before this date.")] = None,
    member_id: Annotated[
        uuid.UUID | None, Query(description="Only those this member paid or owes in.")
    ] = None,
    category: Annotated[CategoryFilter | None, Query()] = None,
    search: Annotated[
        SearchText | None,
        Query(
            validation_alias=SEARCH_ALIASES,
            description="In the description or the notes, any case (`text`: its older name, "
            "still accepted).",
        ),
    ] = None,
    kind: TransactionKind | None = None,
    deleted: Literal["exclude", "include", "only"] = "exclude",
    id_prefix: Annotated[
        IdPrefix | None,
        Query(
            description="Only those whose id starts with these hex digits (1 to 32; dashes "
            "ignored), e.g. the 8 a table shows."
        ),
    ] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[TransactionRead]:
    """Transactions across your groups (or one), a page at a time: the latest date first, and
    within a day the last entered first."""
    filters = TransactionFilter(
        group_id=group_id,
        date_from=date_from,
        date_to=date_to,
        member_id=member_id,
        category=category,
        search=search,
        kind=kind,
        deleted=deleted,
        id_prefix=id_prefix,
    )
    return await transactions.list_transactions(session, user, filters, limit=limit, cursor=cursor)


@router.post(
    "",
    status_code=201,
    responses={201: headers("ETag", "Location"), **problem_responses(401, 403, 404, 409, 413, 422)},
)
async def create(
    data: TransactionCreate,
    session: SessionDep,
    user: WriteUser,
    idem: IdempotencyDep,
    response: Response,
) -> TransactionRead:
    """Record an expense, income or transfer; the response carries its computed entries."""
    tx = await transactions.create(session, user, data)
    set_etag(response, tx.version)
    response.headers["Location"] = f"{API_PREFIX}/transactions/{tx.id}"
    return await idem.save(response, tx, status_code=201)


@router.get(
    "/{transaction_id}", responses={200: headers("ETag"), **problem_responses(401, 404, 422)}
)
async def get(
    transaction_id: uuid.UUID, session: SessionDep, user: ReadUser, response: Response
) -> TransactionRead:
    tx = await transactions.get(session, user, transaction_id)
    set_etag(response, tx.version)
    return tx


@router.patch(
    "/{transaction_id}",
    responses={200: headers("ETag"), **problem_responses(401, 403, 404, 409, 412, 413, 422)},
)
async def update(
    transaction_id: uuid.UUID,
    data: TransactionUpdate,
    session: SessionDep,
    user: WriteUser,
    expected_version: ExpectedVersion,
    response: Response,
) -> TransactionRead:
    """Edit; fields left out keep their value. Entries and balances follow money changes."""
    tx = await transactions.update(
        session, user, transaction_id, data, expected_version=expected_version
    )
    set_etag(response, tx.version)
    return tx


@router.delete(
    "/{transaction_id}",
    responses={200: headers("ETag"), **problem_responses(401, 403, 404, 409, 412, 422)},
)
async def delete(
    transaction_id: uuid.UUID,
    session: SessionDep,
    user: WriteUser,
    expected_version: ExpectedVersion,
    response: Response,
) -> TransactionRead:
    """Delete (softly): it stops counting and can be restored. Returns it, `deleted: true`."""
    tx = await transactions.delete(session, user, transaction_id, expected_version=expected_version)
    set_etag(response, tx.version)
    return tx


@router.post(
    "/{transaction_id}/restore",
    responses={200: headers("ETag"), **problem_responses(401, 403, 404, 409, 412, 422)},
)
async def restore(
    transaction_id: uuid.UUID,
    session: SessionDep,
    user: WriteUser,
    expected_version: ExpectedVersion,
    response: Response,
) -> TransactionRead:
    """Bring a deleted transaction back."""
    tx = await transactions.restore(
        session, user, transaction_id, expected_version=expected_version
    )
    set_etag(response, tx.version)
    return tx
