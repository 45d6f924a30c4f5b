"""``/groups/{group_id}/webhooks``: URLs told of the group's events, signed, with a delivery
log. Owners and admins only: a subscription sends the group's data out of Pennywise."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response

from pennywise_api.deps import API_PREFIX, ReadUser, SessionDep, WriteUser
from pennywise_api.responses import headers, problem_responses
from pennywise_core.services import webhooks
from pennywise_core.settings import get_settings
from pennywise_core.webhook_schemas import (
    DeliveryRead,
    DeliveryStatus,
    WebhookCreate,
    WebhookCreated,
    WebhookRead,
    WebhookSecret,
    WebhookUpdate,
)

router = APIRouter(prefix="/groups/{group_id}/webhooks", tags=["webhooks"])

_SECRET = {"Cache-Control": "no-store"}


@router.post(
    "",
    status_code=201,
    responses={
        201: headers("Cache-Control", "Location"),
        **problem_responses(401, 403, 404, 413, 422),
    },
)
async def create(
    group_id: uuid.UUID,
    data: WebhookCreate,
    session: SessionDep,
    user: WriteUser,
    response: Response,
) -> WebhookCreated:
    """Subscribe `url` to the group's events of the types in `events`, from now on. The
    answer holds the `secret` (`whsec_…`) that signs every delivery (Standard Webhooks:
    `webhook-id`, `webhook-timestamp`, `webhook-signature`); it is shown this once.

    `Idempotency-Key` is ignored here, as for every answer with a new secret: a retried
    request makes a second subscription; list them and delete the one you did not receive.
    """
    created = await webhooks.subscribe(session, user, group_id, data, settings=get_settings())
    response.headers.update(_SECRET)
    response.headers["Location"] = f"{API_PREFIX}/groups/{group_id}/webhooks/{created.id}"
    return created


@router.get("", name="list", responses=problem_responses(401, 403, 404, 422))
async def list_webhooks(
    group_id: uuid.UUID, session: SessionDep, user: ReadUser
) -> list[WebhookRead]:
    """The group's subscriptions, oldest first (never their secrets)."""
    return await webhooks.list_subscriptions(session, user, group_id)


@router.get("/{webhook_id}", responses=problem_responses(401, 403, 404, 422))
async def get(
    group_id: uuid.UUID, webhook_id: uuid.UUID, session: SessionDep, user: ReadUser
) -> WebhookRead:
    return await webhooks.get(session, user, group_id, webhook_id)


@router.patch("/{webhook_id}", responses=problem_responses(401, 403, 404, 413, 422))
async def update(
    group_id: uuid.UUID,
    webhook_id: uuid.UUID,
    data: WebhookUpdate,
    session: SessionDep,
    user: WriteUser,
) -> WebhookRead:
    """Change the URL, the event types, the description, or `enabled`: `false` stops
    deliveries; `true` starts them again from now and forgets past failures."""
    return await webhooks.update_subscription(
        session, user, group_id, webhook_id, data, settings=get_settings()
    )


@router.delete("/{webhook_id}", status_code=204, responses=problem_responses(401, 403, 404, 422))
async def delete(
    group_id: uuid.UUID, webhook_id: uuid.UUID, session: SessionDep, user: WriteUser
) -> None:
    """Unsubscribe: nothing more is sent, and the delivery log goes with it."""
    await webhooks.delete_subscription(session, user, group_id, webhook_id)


@router.post(
    "/{webhook_id}/rotate-secret",
    responses={200: headers("Cache-Control"), **problem_responses(401, 403, 404, 422)},
)
async def rotate_secret(
    group_id: uuid.UUID,
    webhook_id: uuid.UUID,
    session: SessionDep,
    user: WriteUser,
    response: Response,
) -> WebhookSecret:
    """A new secret, shown this once. Until `previous_valid_until` deliveries carry a
    signature with each secret, so receivers can switch without refusing one."""
    secret = await webhooks.rotate_secret(
        session, user, group_id, webhook_id, settings=get_settings()
    )
    response.headers.update(_SECRET)
    return secret


@router.get("/{webhook_id}/deliveries", responses=problem_responses(401, 403, 404, 422))
async def deliveries(
    group_id: uuid.UUID,
    webhook_id: uuid.UUID,
    session: SessionDep,
    user: ReadUser,
    status: Annotated[DeliveryStatus | None, Query(description="Only these.")] = None,
    limit: Annotated[int, Query(ge=1, le=webhooks.MAX_DELIVERIES_LISTED)] = 50,
) -> list[DeliveryRead]:
    """The delivery log, newest first: each event's status, attempts, the last answer's
    status, start of body and latency, or why there was none."""
    return await webhooks.deliveries(
        session, user, group_id, webhook_id, status=status, limit=limit
    )


@router.post(
    "/{webhook_id}/deliveries/{delivery_id}/redeliver",
    responses=problem_responses(401, 403, 404, 422),
)
async def redeliver(
    group_id: uuid.UUID,
    webhook_id: uuid.UUID,
    delivery_id: uuid.UUID,
    session: SessionDep,
    user: WriteUser,
) -> DeliveryRead:
    """Send a delivery again soon, with a fresh count of attempts and the same
    `webhook-id` (receivers that de-duplicate ignore what they have)."""
    return await webhooks.redeliver(session, user, group_id, webhook_id, delivery_id)
