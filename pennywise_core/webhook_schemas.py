"""What a webhook subscription takes and shows, its delivery log, and the body it is sent.

The body of every delivery is :class:`WebhookPayload`: the event as the event stream sends
it (``GET /groups/{id}/events``), plus the ``timestamp`` Standard Webhooks payloads carry.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from pydantic import Field, field_validator

from pennywise_core.schemas import EventRead, Input, Output
from pennywise_core.vocabulary import EventType

DeliveryStatus = Literal["pending", "delivered", "failed"]


def _unique(types: list[EventType] | None) -> list[EventType] | None:
    return None if types is None else list(dict.fromkeys(types))


class WebhookCreate(Input):
    url: str = Field(min_length=1, max_length=2000)
    """Where to send: an ``https://`` URL whose host resolves to public addresses only
    (unless the server sets ``PENNYWISE_WEBHOOKS_ALLOW_PRIVATE``)."""
    events: list[EventType] = Field(min_length=1)
    """The event types to send (``transaction.created``, ``settlement.recorded``, …)."""
    description: str = Field(default="", max_length=200)

    _events = field_validator("events")(_unique)


class WebhookUpdate(Input):
    """The fields to change; the others stay."""

    url: str | None = Field(default=None, min_length=1, max_length=2000)
    events: list[EventType] | None = Field(default=None, min_length=1)
    description: str | None = Field(default=None, max_length=200)
    enabled: bool | None = None
    """``false`` stops queueing deliveries; ``true`` starts again at the event stream's end
    (what happened meanwhile is not sent, but for changes whose transactions were still
    settling at that moment) and forgets past failures."""

    _events = field_validator("events")(_unique)


class WebhookRead(Output):
    id: uuid.UUID
    group_id: uuid.UUID
    url: str
    events: list[EventType]
    description: str
    enabled: bool
    disabled_reason: str | None
    """Why it is disabled: by whom, or after how many deliveries that gave up."""
    failures_in_a_row: int
    """Deliveries that gave up since the last one that arrived."""
    created_at: dt.datetime
    secret_rotating_until: dt.datetime | None
    """Until then deliveries are signed with the previous secret too."""


class WebhookCreated(WebhookRead):
    secret: str
    """``whsec_…``: what receivers verify signatures with. Shown this once (and again only
    by rotating it)."""


class WebhookSecret(Output):
    secret: str
    """The new ``whsec_…`` secret."""
    previous_valid_until: dt.datetime
    """Until then every delivery is signed with the old secret too."""


class DeliveryRead(Output):
    id: uuid.UUID
    subscription_id: uuid.UUID
    event_id: str
    """The event's id: the ``webhook-id`` header of every attempt."""
    event_type: str
    status: DeliveryStatus
    attempts: int
    next_attempt_at: dt.datetime | None
    """When a pending delivery is tried next."""
    last_attempt_at: dt.datetime | None
    response_status: int | None
    response_body: str | None
    """The start of the receiver's last answer (a few hundred characters at most)."""
    latency_ms: int | None
    error: str | None
    """Why the last attempt failed, when it got no answer (a timeout, a refused address)."""
    delivered_at: dt.datetime | None
    created_at: dt.datetime


class WebhookPayload(EventRead):
    """A delivery's JSON body."""

    timestamp: dt.datetime
    """When the event happened (its ``created_at``)."""


class DeliveryRound(Output):
    """What one round of the delivery worker did."""

    queued: int = 0
    """Deliveries queued from new events."""
    delivered: int = 0
    retrying: int = 0
    """Attempts that failed and will be tried again."""
    failed: int = 0
    """Deliveries that gave up after their last attempt."""
    disabled: list[uuid.UUID] = Field(default_factory=list)
    """Subscriptions disabled in this round, after too many deliveries that gave up."""

    @property
    def busy(self) -> bool:
        """Whether the round found work: another may find more at once."""
        return bool(self.queued or self.delivered or self.retrying or self.failed)
