"""``/groups/{group_id}/activity``: who changed what, when, newest first."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from pennywise_api.deps import ReadUser, SessionDep
from pennywise_api.responses import problem_responses
from pennywise_core.pagination import MAX_LIMIT
from pennywise_core.schemas import ActivityRead, Page
from pennywise_core.services import activity

router = APIRouter(prefix="/groups/{group_id}/activity", tags=["activity"])


@router.get("", name="list", responses=problem_responses(401, 404, 422))
async def list_activity(
    group_id: uuid.UUID,
    session: SessionDep,
    user: ReadUser,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
) -> Page[ActivityRead]:
    """The group's activity log, a page at a time."""
    return await activity.list_activity(session, user, group_id, limit=limit, cursor=cursor)
