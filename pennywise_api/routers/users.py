"""``/users/me``: your profile and your own spending across groups."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter

from pennywise_api.deps import ReadUser, SessionDep
from pennywise_api.responses import problem_responses
from pennywise_core.schemas import SummaryRead, UserRead
from pennywise_core.services import summary as summaries

router = APIRouter(prefix="/users", tags=["users"])


@router.get("/me", responses=problem_responses(401))
async def me(user: ReadUser) -> UserRead:
    """The account the token belongs to."""
    return UserRead.model_validate(user)


@router.get("/me/summary", name="summary", responses=problem_responses(401, 422))
async def my_summary(
    session: SessionDep, user: ReadUser, by: Literal["month", "category"] = "month"
) -> SummaryRead:
    """Your share of spending per currency, by month or by category, over all your groups."""
    return await summaries.spending(session, user, by=by)
