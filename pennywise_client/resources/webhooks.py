"""``pw.webhooks``: URLs told of a group's events, signed, with a delivery log (owners and
admins). A receiver checks each request with :func:`pennywise_client.verify_webhook`."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import cast

from pennywise_client._generated.api.webhooks import (
    webhooks_create,
    webhooks_delete,
    webhooks_deliveries,
    webhooks_get,
    webhooks_list,
    webhooks_redeliver,
    webhooks_rotate_secret,
    webhooks_update,
)
from pennywise_client._generated.models import (
    DeliveryRead,
    WebhookCreate,
    WebhookCreated,
    WebhookRead,
    WebhookSecret,
    WebhookUpdate,
)
from pennywise_client._generated.models.webhook_create_events_item import (
    WebhookCreateEventsItem,
)
from pennywise_client._generated.models.webhook_update_events_type_0_item import (
    WebhookUpdateEventsType0Item,
)
from pennywise_client._generated.models.webhooks_deliveries_status_type_0 import (
    WebhooksDeliveriesStatusType0,
)
from pennywise_client._generated.types import UNSET, Unset
from pennywise_client._resource import Call, Id, _async, _AsyncResource, _id, _Resource, _sync

EventName = WebhookCreateEventsItem
"""An event type a webhook can be sent: ``"transaction.created"``, ``"settlement.recorded"``…"""
DeliveryStatus = WebhooksDeliveriesStatusType0
"""``"pending"``, ``"delivered"`` or ``"failed"``."""


def _events(events: str | Sequence[str]) -> list[str]:
    """The event types as a list: one name alone is one type, not its letters."""
    if isinstance(events, str):
        return [events]
    return list(events)


class WebhookCalls:
    @staticmethod
    def create(
        group_id: Id,
        url: str,
        events: EventName | Sequence[EventName],
        *,
        description: str | Unset = UNSET,
    ) -> Call[WebhookCreated]:
        """Subscribe ``url`` to the group's ``events`` from now on (owners and admins).

        The answer's ``secret`` (``whsec_…``) signs every delivery and is shown this once:
        keep it where the receiver can read it. Not retried after a lost answer (the server
        would have to store the secret's answer): list the webhooks and delete a duplicate.
        """
        body = WebhookCreate(
            url=url,
            events=cast(list[WebhookCreateEventsItem], _events(events)),
            description=description,
        )
        return Call(webhooks_create, {"group_id": _id(group_id), "body": body})

    @staticmethod
    def list(group_id: Id) -> Call[list[WebhookRead]]:
        """The group's webhooks, oldest first (never their secrets)."""
        return Call(webhooks_list, {"group_id": _id(group_id)})

    @staticmethod
    def get(group_id: Id, webhook_id: Id) -> Call[WebhookRead]:
        return Call(webhooks_get, {"group_id": _id(group_id), "webhook_id": _id(webhook_id)})

    @staticmethod
    def update(
        group_id: Id,
        webhook_id: Id,
        *,
        url: str | Unset = UNSET,
        events: EventName | Sequence[EventName] | Unset = UNSET,
        description: str | Unset = UNSET,
        enabled: bool | Unset = UNSET,
    ) -> Call[WebhookRead]:
        """Change what is given. ``enabled=False`` stops deliveries; ``enabled=True``
        starts them again from now (what happened meanwhile is not sent) and forgets past
        failures."""
        body = WebhookUpdate(
            url=url,
            events=(
                UNSET
                if isinstance(events, Unset)
                else cast(list[WebhookUpdateEventsType0Item], _events(events))
            ),
            description=description,
            enabled=enabled,
        )
        return Call(
            webhooks_update,
            {"group_id": _id(group_id), "webhook_id": _id(webhook_id), "body": body},
        )

    @staticmethod
    def enable(group_id: Id, webhook_id: Id) -> Call[WebhookRead]:
        """Send deliveries again, from now on (``update(..., enabled=True)``)."""
        return WebhookCalls.update(group_id, webhook_id, enabled=True)

    @staticmethod
    def disable(group_id: Id, webhook_id: Id) -> Call[WebhookRead]:
        """Stop deliveries (``update(..., enabled=False)``); nothing is queued meanwhile."""
        return WebhookCalls.update(group_id, webhook_id, enabled=False)

    @staticmethod
    def delete(group_id: Id, webhook_id: Id) -> Call[None]:
        """Unsubscribe: nothing more is sent, and the delivery log goes with it."""
        return Call(webhooks_delete, {"group_id": _id(group_id), "webhook_id": _id(webhook_id)})

    @staticmethod
    def rotate_secret(group_id: Id, webhook_id: Id) -> Call[WebhookSecret]:
        """A new ``secret``, shown this once. Until ``previous_valid_until`` deliveries are
        signed with the old one too, so the receiver can switch without refusing one."""
        return Call(
            webhooks_rotate_secret, {"group_id": _id(group_id), "webhook_id": _id(webhook_id)}
        )

    @staticmethod
    def deliveries(
        group_id: Id,
        webhook_id: Id,
        *,
        status: DeliveryStatus | None = None,
        limit: int | None = None,
    ) -> Call[builtins.list[DeliveryRead]]:
        """The delivery log, newest first (``limit``: at most this many, 1 to 200, default
        50; ``status``: only those): each event's status, attempts and the last answer."""
        kwargs: dict[str, object] = {"group_id": _id(group_id), "webhook_id": _id(webhook_id)}
        if status is not None:
            kwargs["status"] = status
        if limit is not None:
            kwargs["limit"] = limit
        return Call(webhooks_deliveries, kwargs)

    @staticmethod
    def redeliver(group_id: Id, webhook_id: Id, delivery_id: Id) -> Call[DeliveryRead]:
        """Send a delivery again soon, with a fresh count of attempts and the same
        ``webhook-id`` (a receiver that de-duplicates by it sees it once)."""
        return Call(
            webhooks_redeliver,
            {
                "group_id": _id(group_id),
                "webhook_id": _id(webhook_id),
                "delivery_id": _id(delivery_id),
            },
        )


class Webhooks(_Resource):
    create = _sync(WebhookCalls.create)
    list = _sync(WebhookCalls.list)
    get = _sync(WebhookCalls.get)
    update = _sync(WebhookCalls.update)
    enable = _sync(WebhookCalls.enable)
    disable = _sync(WebhookCalls.disable)
    delete = _sync(WebhookCalls.delete)
    rotate_secret = _sync(WebhookCalls.rotate_secret)
    deliveries = _sync(WebhookCalls.deliveries)
    redeliver = _sync(WebhookCalls.redeliver)


class AsyncWebhooks(_AsyncResource):
    create = _async(WebhookCalls.create)
    list = _async(WebhookCalls.list)
    get = _async(WebhookCalls.get)
    update = _async(WebhookCalls.update)
    enable = _async(WebhookCalls.enable)
    disable = _async(WebhookCalls.disable)
    delete = _async(WebhookCalls.delete)
    rotate_secret = _async(WebhookCalls.rotate_secret)
    deliveries = _async(WebhookCalls.deliveries)
    redeliver = _async(WebhookCalls.redeliver)
