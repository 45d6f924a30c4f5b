"""``/users/me``: your profile and your own spending across groups."""

from __future__ import annotations

import uuid
from typing import Literal

from fastapi import APIRouter

from pennywise_api.deps import ReadUser, SessionDep, WriteUser
from pennywise_api.responses import problem_responses
from pennywise_core.schemas import IsoDate, SummaryRead, UserRead, UserRenamed, UserUpdate
from pennywise_core.services import summary as summaries
from pennywise_core.services import users

router = APIRouter(prefix="/users", tags=["users"])


@router.get("/me", responses=problem_responses(401))
async def me(user: ReadUser) -> UserRead:
    """The account the token belongs to."""
    return UserRead.model_validate(user)


@router.patch("/me", name="update_me", responses=problem_responses(401, 403, 422))
async def update_me(data: UserUpdate, session: SessionDep, user: WriteUser) -> UserRenamed:
    """Rename yourself: groups you create from now on use the name, and in each of your
    groups your member is renamed too where it still has the old name (`unchanged_in`
    lists the groups where it was kept)."""
    kept = await users.rename(session, user, data.display_name)
    return UserRenamed(user=UserRead.model_validate(user), unchanged_in=kept)


@router.get("/me/summary", name="summary", responses=problem_responses(401, 404, 422))
async def my_summary(
    session: SessionDep,
    user: ReadUser,
    by: Literal["month", "category"] = "month",
    date_from: IsoDate | None = None,
    date_to: IsoDate | None = None,
    group_id: uuid.UUID | None = None,
) -> SummaryRead:
    """Your share of spending and of money received per currency, kept apart (`spent`,
    `received`, `net` = received − spent), by month or by category, over all your groups or
    one (`group_id`), between `date_from` and `date_to` (inclusive)."""
    return await summaries.spending(
        session, user, by=by, date_from=date_from, date_to=date_to, group_id=group_id
    )
