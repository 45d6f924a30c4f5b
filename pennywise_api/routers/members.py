"""``/groups/{group_id}/members``: registered users and named placeholders, and their roles.

A registered user becomes a member only by accepting an invite (see ``routers.invites``)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from pennywise_api.deps import API_PREFIX, IdempotencyDep, ReadUser, SessionDep, WriteUser
from pennywise_api.responses import headers, problem_responses
from pennywise_core.schemas import MemberCreate, MemberRead, MemberUpdate
from pennywise_core.services import members

router = APIRouter(prefix="/groups/{group_id}/members", tags=["members"])


@router.post(
    "",
    status_code=201,
    responses={201: headers("Location"), **problem_responses(401, 403, 404, 409, 413, 422)},
)
async def add(
    group_id: uuid.UUID,
    data: MemberCreate,
    session: SessionDep,
    user: WriteUser,
    idem: IdempotencyDep,
    response: Response,
) -> MemberRead:
    """Add a placeholder member (`display_name`), or invite someone by `email` to claim it.

    With `email` the answer is the placeholder, whether or not an account has that email;
    its owner joins as this member only by accepting the invite (`GET /invites`). Admins and
    owners add members; only owners grant `admin` or `owner`.
    """
    member = await members.add(session, user, group_id, data)
    response.headers["Location"] = f"{API_PREFIX}/groups/{group_id}/members/{member.id}"
    return await idem.save(response, member, status_code=201)


@router.get("", name="list", responses=problem_responses(401, 404, 422))
async def list_members(
    group_id: uuid.UUID, session: SessionDep, user: ReadUser
) -> list[MemberRead]:
    """The group's current members, in the order they joined."""
    return await members.list_members(session, user, group_id)


@router.get("/{member_id}", responses=problem_responses(401, 404, 422))
async def get(
    group_id: uuid.UUID, member_id: uuid.UUID, session: SessionDep, user: ReadUser
) -> MemberRead:
    return await members.get(session, user, group_id, member_id)


@router.patch("/{member_id}", responses=problem_responses(401, 403, 404, 409, 413, 422))
async def update(
    group_id: uuid.UUID,
    member_id: uuid.UUID,
    data: MemberUpdate,
    session: SessionDep,
    user: WriteUser,
) -> MemberRead:
    """Rename, reweight or change the role of a member (admins; owners for owner/admin)."""
    return await members.update(session, user, group_id, member_id, data)


@router.delete(
    "/{member_id}", status_code=204, responses=problem_responses(401, 403, 404, 409, 422)
)
async def remove(
    group_id: uuid.UUID, member_id: uuid.UUID, session: SessionDep, user: WriteUser
) -> None:
    """Remove a member (or leave, removing yourself). Refused while their balance is not zero."""
    await members.remove(session, user, group_id, member_id)
