"""Invites: let a person with an account claim a placeholder member.

``POST /groups/{group_id}/invites`` makes a single-use, expiring token for one placeholder
(admins); the invited person, signed in, sends it to ``POST /invites/accept``. Accepting
lives outside ``/groups/{group_id}`` because the invitee is not a member yet: the token
alone says which group and which placeholder.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from pennywise_api.deps import SessionDep, WriteUser
from pennywise_api.responses import headers, problem_responses
from pennywise_core.auth_schemas import InviteAccept, InviteCreate, InviteCreated
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
