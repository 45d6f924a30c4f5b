"""Invites: the only way a person with an account joins a group, by claiming a placeholder.

``POST /groups/{group_id}/invites`` makes a single-use, expiring token for one placeholder
(admins); the invited person, signed in, sends it to ``POST /invites/accept``. Adding a
member by email (``POST /groups/{group_id}/members``) makes an invite addressed to that
email instead: its owner finds it in ``GET /invites`` and accepts or declines it there.
These live outside ``/groups/{group_id}`` because the invitee is not a member yet.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from pennywise_api.deps import ReadUser, SessionDep, WriteUser
from pennywise_api.responses import headers, problem_responses
from pennywise_core.auth_schemas import InviteAccept, InviteCreate, InviteCreated, InviteReceived
from pennywise_core.schemas import MemberRead
from pennywise_core.services import invites

group_router = APIRouter(prefix="/groups/{group_id}/invites", tags=["invites"])
router = APIRouter(prefix="/invites", tags=["invites"])


@group_router.post(
    "",
    status_code=201,
    responses={201: headers("Cache-Control"), **problem_responses(401, 403, 404, 409, 413, 422)},
)
async def create(
    group_id: uuid.UUID,
    data: InviteCreate,
    session: SessionDep,
    user: WriteUser,
    response: Response,
) -> InviteCreated:
    """Invite someone to claim a placeholder member; `token` is shown in this response only.

    `Idempotency-Key` is ignored here: replaying the response would mean storing the token
    in clear. A retried request makes another invite for the same placeholder; every one of
    them works until it expires or one is accepted.
    """
    response.headers["Cache-Control"] = "no-store"
    return await invites.create_invite(session, user, group_id, data)


@router.post("/accept", responses=problem_responses(401, 403, 404, 409, 413, 422))
async def accept(data: InviteAccept, session: SessionDep, user: WriteUser) -> MemberRead:
    """Claim the placeholder an invite names: you become that member, with their history."""
    return await invites.accept_invite(session, user, data.token)


@router.get("", name="received", responses=problem_responses(401))
async def received(session: SessionDep, user: ReadUser) -> list[InviteReceived]:
    """The invites addressed to your email that you can still accept, newest first."""
    return await invites.received(session, user)


@router.post(
    "/{invite_id}/accept",
    name="accept_received",
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def accept_received(invite_id: uuid.UUID, session: SessionDep, user: WriteUser) -> MemberRead:
    """Accept an invite addressed to your email: you become that member of the group, with
    what is booked on them."""
    return await invites.accept_received(session, user, invite_id)


# POST .../decline, not DELETE /invites/{invite_id}: that path would also match
# /invites/accept, whose 405 answers would then advertise DELETE.
@router.post(
    "/{invite_id}/decline",
    name="decline",
    status_code=204,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def decline(invite_id: uuid.UUID, session: SessionDep, user: WriteUser) -> None:
    """Decline an invite addressed to your email; it can no longer be accepted."""
    await invites.decline_received(session, user, invite_id)
