"""``/groups``: create, list, read, update (rename, currency, archive) and delete groups."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

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
from pennywise_core.schemas import GroupCreate, GroupRead, GroupUpdate
from pennywise_core.services import groups

router = APIRouter(prefix="/groups", tags=["groups"])


@router.post(
    "",
    status_code=201,
    responses={201: headers("ETag", "Location"), **problem_responses(401, 403, 409, 413, 422)},
)
async def create(
    data: GroupCreate,
    session: SessionDep,
    user: WriteUser,
    idem: IdempotencyDep,
    response: Response,
) -> GroupRead:
    """Create a group; you become its owner."""
    group = await groups.create(session, user, data)
    set_etag(response, group.version)
    response.headers["Location"] = f"{API_PREFIX}/groups/{group.id}"
    return await idem.save(response, group, status_code=201)


@router.get("", name="list", responses=problem_responses(401, 422))
async def list_groups(
    session: SessionDep, user: ReadUser, include_archived: bool = True
) -> list[GroupRead]:
    """Every group you belong to, by name."""
    return await groups.list_groups(session, user, include_archived=include_archived)


@router.get("/{group_id}", responses={200: headers("ETag"), **problem_responses(401, 404, 422)})
async def get(
    group_id: uuid.UUID, session: SessionDep, user: ReadUser, response: Response
) -> GroupRead:
    group = await groups.get(session, user, group_id)
    set_etag(response, group.version)
    return group


@router.patch(
    "/{group_id}",
    responses={200: headers("ETag"), **problem_responses(401, 403, 404, 409, 412, 413, 422)},
)
async def update(
    group_id: uuid.UUID,
    data: GroupUpdate,
    session: SessionDep,
    user: WriteUser,
    expected_version: ExpectedVersion,
    response: Response,
) -> GroupRead:
    """Rename, change the default currency, archive or unarchive (admins and owners)."""
    group = await groups.update_group(
        session, user, group_id, data, expected_version=expected_version
    )
    set_etag(response, group.version)
    return group


@router.delete("/{group_id}", status_code=204, responses=problem_responses(401, 403, 404, 412, 422))
async def delete(
    group_id: uuid.UUID, session: SessionDep, user: WriteUser, expected_version: ExpectedVersion
) -> None:
    """Delete the group (owners only). Its data stops being visible to anyone."""
    await groups.delete(session, user, group_id, expected_version=expected_version)
