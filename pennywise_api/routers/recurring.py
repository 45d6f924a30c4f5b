"""``/groups/{group_id}/recurring``: transactions that repeat on a schedule.

Each occurrence is an ordinary transaction, created when due by the scheduler (the API
server's background runner, or ``pennywise recurring run``).
"""

from __future__ import annotations

import uuid
from typing import Annotated

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
from pennywise_core.recurring_schemas import (
    RecurringRuleCreate,
    RecurringRuleDetail,
    RecurringRuleRead,
    RecurringRuleUpdate,
)
from pennywise_core.schemas import IsoDate
from pennywise_core.services import recurring

router = APIRouter(prefix="/groups/{group_id}/recurring", tags=["recurring"])

OnDate = Annotated[IsoDate | None, Query(description="The date it takes effect (default today).")]


@router.get("", name="list", responses=problem_responses(401, 404, 422))
async def list_rules(
    group_id: uuid.UUID, session: SessionDep, user: ReadUser
) -> list[RecurringRuleRead]:
    """The group's rules: active ones first, by their next date; then paused; then ended."""
    return await recurring.list_rules(session, user, group_id)


@router.post(
    "",
    status_code=201,
    responses={
        201: headers("ETag", "Location"),
        **problem_responses(401, 403, 404, 409, 413, 422),
    },
)
async def create(
    group_id: uuid.UUID,
    data: RecurringRuleCreate,
    session: SessionDep,
    user: WriteUser,
    idem: IdempotencyDep,
    response: Response,
) -> RecurringRuleRead:
    """A transaction that repeats: `transaction` as `POST /transactions` takes it (without
    `group_id` and `date`), and a `schedule`. Refused when its first occurrence could not be
    written (a member it names is not in the group, a split that does not add up)."""
    rule = await recurring.create(session, user, group_id, data)
    set_etag(response, rule.version)
    response.headers["Location"] = f"{API_PREFIX}/groups/{group_id}/recurring/{rule.id}"
    return await idem.save(response, rule, status_code=201)


@router.get("/{rule_id}", responses={200: headers("ETag"), **problem_responses(401, 404, 422)})
async def get(
    group_id: uuid.UUID, rule_id: uuid.UUID, session: SessionDep, user: ReadUser, response: Response
) -> RecurringRuleDetail:
    """A rule with its occurrences, newest first."""
    rule = await recurring.get(session, user, rule_id, group_id=group_id)
    set_etag(response, rule.version)
    return rule


@router.patch(
    "/{rule_id}",
    responses={200: headers("ETag"), **problem_responses(401, 403, 404, 412, 413, 422)},
)
async def update(
    group_id: uuid.UUID,
    rule_id: uuid.UUID,
    data: RecurringRuleUpdate,
    session: SessionDep,
    user: WriteUser,
    expected_version: ExpectedVersion,
    response: Response,
) -> RecurringRuleRead:
    """Change the transaction or the schedule of the occurrences still to come; the past
    ones stay as they were."""
    rule = await recurring.update(
        session, user, rule_id, data, expected_version=expected_version, group_id=group_id
    )
    set_etag(response, rule.version)
    return rule


_STATE = {200: headers("ETag"), **problem_responses(401, 403, 404, 412, 422)}


@router.post("/{rule_id}/pause", responses=_STATE)
async def pause(
    group_id: uuid.UUID,
    rule_id: uuid.UUID,
    session: SessionDep,
    user: WriteUser,
    expected_version: ExpectedVersion,
    response: Response,
) -> RecurringRuleRead:
    """Stop creating occurrences; none is created later for the days it was paused."""
    rule = await recurring.pause(
        session, user, rule_id, expected_version=expected_version, group_id=group_id
    )
    set_etag(response, rule.version)
    return rule


@router.post("/{rule_id}/resume", responses=_STATE)
async def resume(
    group_id: uuid.UUID,
    rule_id: uuid.UUID,
    session: SessionDep,
    user: WriteUser,
    expected_version: ExpectedVersion,
    response: Response,
    on: OnDate = None,
) -> RecurringRuleRead:
    """Create occurrences again from `on` (default today)."""
    rule = await recurring.resume(
        session, user, rule_id, on=on, expected_version=expected_version, group_id=group_id
    )
    set_etag(response, rule.version)
    return rule


@router.post("/{rule_id}/end", responses=_STATE)
async def end(
    group_id: uuid.UUID,
    rule_id: uuid.UUID,
    session: SessionDep,
    user: WriteUser,
    expected_version: ExpectedVersion,
    response: Response,
    on: OnDate = None,
) -> RecurringRuleRead:
    """No occurrence after `on` (default today); the past ones stay."""
    rule = await recurring.end(
        session, user, rule_id, on=on, expected_version=expected_version, group_id=group_id
    )
    set_etag(response, rule.version)
    return rule


@router.delete("/{rule_id}", status_code=204, responses=problem_responses(401, 403, 404, 412, 422))
async def delete(
    group_id: uuid.UUID,
    rule_id: uuid.UUID,
    session: SessionDep,
    user: WriteUser,
    expected_version: ExpectedVersion,
) -> None:
    """Delete the rule; the transactions it created stay."""
    await recurring.delete_rule(
        session, user, rule_id, expected_version=expected_version, group_id=group_id
    )
