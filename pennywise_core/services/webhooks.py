"""Webhooks: a group's events sent to the URLs its owners and admins subscribed, signed.

Nothing lost, nothing doubled, from the outbox (:mod:`pennywise_core.services.events`: an
event is written in the transaction of the change it tells) to the receiver:

1. **Queue** (:func:`queue_events`). Each subscription remembers the outbox position it has
   looked at; a round reads the events after it (only those no later commit can precede)
   and inserts one delivery per event of the subscription's types, unique per
   (subscription, event), moving the position in the same transaction. On PostgreSQL the
   subscriptions are locked ``FOR UPDATE SKIP LOCKED``: workers share them, never queue
   one twice.
2. **Claim** (:func:`claim_due`). A worker takes due pending deliveries (``FOR UPDATE SKIP
   LOCKED``), counts the attempt and moves ``next_attempt_at`` past its timeout: a lease.
   It commits before sending, so no transaction stays open while a receiver answers (one
   would hold the event stream back, and on SQLite the write lock).
3. **Send**, through a :class:`Sender` (the API layer's, over HTTP), signed per Standard
   Webhooks (:mod:`pennywise_core.webhooks`) with the event's id as ``webhook-id``.
4. **Mark** (:func:`mark`), if the claim is still the worker's (its attempt is the last
   counted): delivered on a 2xx answer; else tried again after an exponential, jittered
   delay, or given up after the configured attempts. A worker that dies between sending and
   marking leaves the lease to run out, and the delivery is sent again under the same
   ``webhook-id``: at least once, and receivers that de-duplicate by id see it once.

:func:`deliver_due` is one round of all four, what the API server's worker and ``pennywise
webhooks deliver`` run.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal, Protocol
from urllib.parse import urlsplit

from sqlalchemy import exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pennywise_core import webhooks as rules
from pennywise_core.db import conflict_insert
from pennywise_core.errors import ConflictError, NotFoundError, ValidationError
from pennywise_core.models import Event, User, WebhookDelivery, WebhookSubscription, utcnow
from pennywise_core.services import activity, events
from pennywise_core.services.access import membership
from pennywise_core.settings import Settings
from pennywise_core.vocabulary import Role
from pennywise_core.webhook_schemas import (
    DeliveryRead,
    DeliveryRound,
    DeliveryStatus,
    WebhookCreate,
    WebhookCreated,
    WebhookPayload,
    WebhookRead,
    WebhookSecret,
    WebhookUpdate,
)

CLAIM_BATCH: Final = 50
"""Deliveries one worker sends at once, concurrently, in a round."""
MAX_DELIVERIES_LISTED: Final = 200

# --- subscriptions ---------------------------------------------------------------------------


def _secrets_in_use(sub: WebhookSubscription, now: dt.datetime) -> list[str]:
    """The secrets deliveries are signed with: the previous one too while it overlaps."""
    overlap = sub.previous_secret_expires_at
    if sub.previous_secret and overlap is not None and overlap > now:
        return [sub.secret, sub.previous_secret]
    return [sub.secret]


def to_read(sub: WebhookSubscription) -> WebhookRead:
    now = utcnow()
    rotating = len(_secrets_in_use(sub, now)) > 1
    return WebhookRead(
        id=sub.id,
        group_id=sub.group_id,
        url=sub.url,
        events=sub.event_types,
        description=sub.description,
        enabled=sub.disabled_at is None,
        disabled_reason=sub.disabled_reason,
        failures_in_a_row=sub.failures_in_a_row,
        created_at=sub.created_at,
        secret_rotating_until=sub.previous_secret_expires_at if rotating else None,
    )


def _checked_url(url: str, settings: Settings) -> str:
    try:
        rules.check_url(url, allow_private=settings.webhooks_allow_private)
    except rules.TargetRefused as exc:
        raise ValidationError.at("url", f"{url[:100]!r} {exc}") from None
    return url


async def _admin(session: AsyncSession, actor: User, group_id: uuid.UUID) -> None:
    """Webhooks send the group's data out of Pennywise: its owners and admins decide."""
    await membership(session, actor, group_id, min_role=Role.ADMIN)


async def _subscription(
    session: AsyncSession, group_id: uuid.UUID, webhook_id: uuid.UUID, *, lock: bool = False
) -> WebhookSubscription:
    query = select(WebhookSubscription).where(
        WebhookSubscription.id == webhook_id, WebhookSubscription.group_id == group_id
    )
    sub = await session.scalar(query.with_for_update() if lock else query)
    if sub is None:
        raise NotFoundError(f"no webhook {webhook_id} in this group")
    return sub


def _audit(
    session: AsyncSession, actor: User, sub: WebhookSubscription, action: str, **after: object
) -> None:
    """An activity entry (no event), which every member may read: so the URL's host only,
    never its path or query (where receivers often put a token), nor the secret."""
    activity.record(
        session,
        actor,
        group_id=sub.group_id,
        action=action,
        target_type="webhook",
        target_id=sub.id,
        after={"host": urlsplit(sub.url).hostname, **after},  # a URL may hold a token
    )


async def subscribe(
    session: AsyncSession,
    actor: User,
    group_id: uuid.UUID,
    data: WebhookCreate,
    *,
    settings: Settings,
) -> WebhookCreated:
    """A new subscription, told of events from now on; its secret is in the answer only."""
    await _admin(session, actor, group_id)
    start = await events.end_of(session, group_id)
    sub = WebhookSubscription(
        id=uuid.uuid4(),
        group_id=group_id,
        created_by=actor.id,
        url=_checked_url(data.url, settings),
        description=data.description,
        event_types=list(data.events),
        secret=rules.new_secret(),
        after_txid=start.txid,
        after_id=start.id,
        failures_in_a_row=0,
    )
    session.add(sub)
    await session.flush()
    _audit(session, actor, sub, "webhook.create", events=sub.event_types)
    return WebhookCreated(**to_read(sub).model_dump(), secret=sub.secret)


async def list_subscriptions(
    session: AsyncSession, actor: User, group_id: uuid.UUID
) -> list[WebhookRead]:
    await _admin(session, actor, group_id)
    subs = await session.scalars(
        select(WebhookSubscription)
        .where(WebhookSubscription.group_id == group_id)
        .order_by(WebhookSubscription.created_at, WebhookSubscription.id)
    )
    return [to_read(sub) for sub in subs]


async def get(
    session: AsyncSession, actor: User, group_id: uuid.UUID, webhook_id: uuid.UUID
) -> WebhookRead:
    await _admin(session, actor, group_id)
    return to_read(await _subscription(session, group_id, webhook_id))


async def update_subscription(
    session: AsyncSession,
    actor: User,
    group_id: uuid.UUID,
    webhook_id: uuid.UUID,
    data: WebhookUpdate,
    *,
    settings: Settings,
) -> WebhookRead:
    """Change what is given. Enabling a disabled one starts it at the stream's end (it is
    not sent what happened while it was off) and forgets its failures."""
    await _admin(session, actor, group_id)
    sub = await _subscription(session, group_id, webhook_id, lock=True)
    if data.url is not None:
        sub.url = _checked_url(data.url, settings)
    if data.events is not None:
        sub.event_types = list(data.events)
    if data.description is not None:
        sub.description = data.description
    if data.enabled is False and sub.disabled_at is None:
        sub.disabled_at = utcnow()
        sub.disabled_reason = f"disabled by {actor.display_name}"
    elif data.enabled is True and sub.disabled_at is not None:
        start = await events.end_of(session, group_id)
        sub.after_txid, sub.after_id = start.txid, start.id
        sub.disabled_at = sub.disabled_reason = None
        sub.failures_in_a_row = 0
    sub.updated_at = utcnow()
    _audit(
        session,
        actor,
        sub,
        "webhook.update",
        **data.model_dump(exclude_none=True, exclude={"url"}),
    )
    return to_read(sub)


async def delete_subscription(
    session: AsyncSession, actor: User, group_id: uuid.UUID, webhook_id: uuid.UUID
) -> None:
    """Remove it and its delivery log; nothing more is sent to it."""
    await _admin(session, actor, group_id)
    sub = await _subscription(session, group_id, webhook_id, lock=True)
    _audit(session, actor, sub, "webhook.delete")
    await session.delete(sub)


async def rotate_secret(
    session: AsyncSession,
    actor: User,
    group_id: uuid.UUID,
    webhook_id: uuid.UUID,
    *,
    settings: Settings,
) -> WebhookSecret:
    """A new secret. Deliveries are signed with both for ``webhooks_rotation_overlap_hours``
    (one signature each), so receivers switch without refusing a delivery; a second
    rotation within that time ends the first one's overlap."""
    await _admin(session, actor, group_id)
    sub = await _subscription(session, group_id, webhook_id, lock=True)
    now = utcnow()
    sub.previous_secret = sub.secret
    sub.previous_secret_expires_at = now + dt.timedelta(
        hours=settings.webhooks_rotation_overlap_hours
    )
    sub.secret = rules.new_secret()
    sub.updated_at = now
    _audit(session, actor, sub, "webhook.rotate_secret")
    return WebhookSecret(secret=sub.secret, previous_valid_until=sub.previous_secret_expires_at)


# --- the delivery log ------------------------------------------------------------------------


def _delivery_read(delivery: WebhookDelivery, event: Event) -> DeliveryRead:
    return DeliveryRead(
        id=delivery.id,
        subscription_id=delivery.subscription_id,
        event_id=str(events.Position(event.txid, event.id)),
        event_type=event.type,
        status=delivery.status,
        attempts=delivery.attempts,
        next_attempt_at=delivery.next_attempt_at if delivery.status == "pending" else None,
        last_attempt_at=delivery.last_attempt_at,
        response_status=delivery.response_status,
        response_body=delivery.response_body,
        latency_ms=delivery.latency_ms,
        error=delivery.error,
        delivered_at=delivery.delivered_at,
        created_at=delivery.created_at,
    )


async def deliveries(
    session: AsyncSession,
    actor: User,
    group_id: uuid.UUID,
    webhook_id: uuid.UUID,
    *,
    status: DeliveryStatus | None = None,
    limit: int = 50,
) -> list[DeliveryRead]:
    """The subscription's deliveries, newest first: status, attempts, last answer."""
    await _admin(session, actor, group_id)
    await _subscription(session, group_id, webhook_id)
    query = (
        select(WebhookDelivery, Event)
        .join(Event, Event.id == WebhookDelivery.event_id)
        .where(WebhookDelivery.subscription_id == webhook_id)
        .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.event_id.desc())
        .limit(max(1, min(limit, MAX_DELIVERIES_LISTED)))
    )
    if status is not None:
        query = query.where(WebhookDelivery.status == status)
    return [_delivery_read(d, e) for d, e in (await session.execute(query)).all()]


async def redeliver(
    session: AsyncSession,
    actor: User,
    group_id: uuid.UUID,
    webhook_id: uuid.UUID,
    delivery_id: uuid.UUID,
) -> DeliveryRead:
    """Send a past (delivered or failed) delivery again, soon, with a fresh count of
    attempts and the same ``webhook-id`` (a receiver that has it already may ignore it).
    One still pending is a :class:`ConflictError`; one of a disabled webhook is sent once
    it is enabled."""
    await _admin(session, actor, group_id)
    await _subscription(session, group_id, webhook_id)
    found = (
        await session.execute(
            select(WebhookDelivery, Event)
            .join(Event, Event.id == WebhookDelivery.event_id)
            .where(WebhookDelivery.id == delivery_id, WebhookDelivery.subscription_id == webhook_id)
            .with_for_update(of=WebhookDelivery)
        )
    ).first()
    if found is None:
        raise NotFoundError(f"no delivery {delivery_id} of this webhook")
    delivery, event = found
    if delivery.status == "pending":
        raise ConflictError(
            "this delivery is still pending: it is sent when due (see next_attempt_at)"
        )
    delivery.status = "pending"
    delivery.attempts = 0
    delivery.next_attempt_at = utcnow()
    delivery.delivered_at = None
    return _delivery_read(delivery, event)


# --- the worker ------------------------------------------------------------------------------


async def queue_events(session: AsyncSession) -> int:
    """Queue a delivery for each new event of each enabled subscription's types (see the
    module's docstring); how many were queued."""
    subs = await session.scalars(
        select(WebhookSubscription)
        .where(
            WebhookSubscription.disabled_at.is_(None),
            exists().where(
                Event.group_id == WebhookSubscription.group_id,
                events.after_position(
                    Event, WebhookSubscription.after_txid, WebhookSubscription.after_id
                ),
                *events.final(session),
            ),
        )
        .order_by(WebhookSubscription.id)
        .with_for_update(skip_locked=True)
    )
    queued = 0
    for sub in subs.all():
        found = await events.rows_after(
            session, sub.group_id, events.Position(sub.after_txid, sub.after_id)
        )
        if not found:
            continue
        wanted, now = set(sub.event_types), utcnow()
        rows = [
            {
                "id": uuid.uuid4(),
                "subscription_id": sub.id,
                "event_id": event.id,
                "status": "pending",
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
            for event in found
            if event.type in wanted
        ]
        if rows:
            await session.execute(
                conflict_insert(session, WebhookDelivery)
                .values(rows)
                .on_conflict_do_nothing(index_elements=["subscription_id", "event_id"])
            )
            queued += len(rows)
        sub.after_txid, sub.after_id = found[-1].txid, found[-1].id
    return queued


@dataclass(frozen=True, slots=True)
class Claimed:
    """A delivery a worker has claimed: what to send, and the attempt it counted."""

    delivery_id: uuid.UUID
    subscription_id: uuid.UUID
    attempt: int
    url: str
    message_id: str
    body: bytes
    secrets: tuple[str, ...]
    claimed_at: dt.datetime
    """When it was claimed (its ``last_attempt_at``): with ``attempt``, what tells this
    claim from a later one after a redelivery started the count again."""
    failing: bool = False
    """Its subscription has deliveries that gave up since the last one that arrived."""


@dataclass(frozen=True, slots=True)
class Answer:
    """What a receiver answered: its status and the start of its body."""

    status: int
    body: str


class Sender(Protocol):
    """Sends one request: the receiver's :class:`Answer`, or raises
    :class:`rules.TargetRefused` (an address it may not go to) or ``OSError`` (no
    connection). :func:`send` gives it ``webhooks_timeout_seconds`` in all, its address
    lookup included."""

    async def __call__(self, url: str, *, headers: dict[str, str], body: bytes) -> Answer: ...


def _lease(settings: Settings) -> dt.timedelta:
    """How long a claim lasts: past the attempt's timeout (and its address lookup)."""
    return dt.timedelta(seconds=2 * settings.webhooks_timeout_seconds + 5)


async def claim_due(
    session: AsyncSession, settings: Settings, *, limit: int = CLAIM_BATCH
) -> list[Claimed]:
    """Claim up to ``limit`` due deliveries of enabled subscriptions (see the docstring)."""
    now = utcnow()
    found = (
        await session.execute(
            select(WebhookDelivery, WebhookSubscription, Event)
            .join(WebhookSubscription, WebhookSubscription.id == WebhookDelivery.subscription_id)
            .join(Event, Event.id == WebhookDelivery.event_id)
            .where(
                WebhookDelivery.status == "pending",
                WebhookDelivery.next_attempt_at <= now,
                WebhookSubscription.disabled_at.is_(None),
            )
            .order_by(WebhookDelivery.next_attempt_at)
            .limit(limit)
            .with_for_update(skip_locked=True, of=WebhookDelivery)
        )
    ).all()
    claimed = []
    for delivery, sub, event in found:
        delivery.attempts += 1
        delivery.last_attempt_at = now
        delivery.next_attempt_at = now + _lease(settings)
        read = events.to_read(event)
        payload = WebhookPayload(**read.model_dump(), timestamp=event.created_at)
        claimed.append(
            Claimed(
                delivery_id=delivery.id,
                subscription_id=sub.id,
                attempt=delivery.attempts,
                url=sub.url,
                message_id=read.id,
                body=payload.model_dump_json().encode(),
                secrets=tuple(_secrets_in_use(sub, now)),
                claimed_at=now,
                failing=sub.failures_in_a_row > 0,
            )
        )
    return claimed


@dataclass(frozen=True, slots=True)
class Outcome:
    """How one attempt went: an answer (any status) or the ``error`` that kept it from one."""

    answer: Answer | None
    error: str | None
    latency_ms: int

    @property
    def ok(self) -> bool:
        return self.answer is not None and 200 <= self.answer.status < 300


async def send(claimed: Claimed, sender: Sender, settings: Settings) -> Outcome:
    """One attempt, signed at this moment; nothing raised, everything in the outcome."""
    started = time.perf_counter()
    headers = rules.headers(claimed.secrets, claimed.message_id, int(time.time()), claimed.body)
    try:
        async with asyncio.timeout(settings.webhooks_timeout_seconds):
            answer = await sender(claimed.url, headers=headers, body=claimed.body)
        error = None
    except rules.TargetRefused as exc:
        answer, error = None, f"refused: the URL {exc}"
    except TimeoutError:
        answer, error = None, f"no answer within {settings.webhooks_timeout_seconds:g} s"
    except OSError as exc:
        answer, error = None, f"could not connect: {exc.strerror or exc}"
    except Exception as exc:  # anything else a receiver or a name can cause: a failed attempt
        answer, error = None, f"failed: {type(exc).__name__}: {exc}"
    latency = round((time.perf_counter() - started) * 1000)
    return Outcome(answer=answer, error=error and error[:300], latency_ms=latency)


Marked = Literal["delivered", "pending", "failed", "disabled"]
"""A delivery's status after an attempt; ``disabled``: it failed, and so did enough before
it that its subscription is now disabled."""


async def mark(
    session: AsyncSession, claimed: Claimed, outcome: Outcome, settings: Settings
) -> Marked | None:
    """Record the attempt's outcome, if the claim is still this worker's (None when the
    lease ran out and another worker took the delivery, or it was redelivered meanwhile).
    A delivery that gives up counts against its subscription, which is disabled after
    ``webhooks_disable_after`` in a row."""
    mine = (
        WebhookDelivery.id == claimed.delivery_id,
        WebhookDelivery.status == "pending",
        WebhookDelivery.attempts == claimed.attempt,
        WebhookDelivery.last_attempt_at == claimed.claimed_at,
    )
    now = utcnow()
    answer = outcome.answer
    if outcome.ok and answer is not None:  # the common case: one statement
        done = await session.execute(
            update(WebhookDelivery)
            .where(*mine)
            .values(
                status="delivered",
                delivered_at=now,
                response_status=answer.status,
                response_body=answer.body[: rules.RESPONSE_BODY_LIMIT],
                latency_ms=outcome.latency_ms,
                error=None,
            )
            .returning(WebhookDelivery.id)
        )
        if done.first() is None:
            return None
        if claimed.failing:
            await session.execute(
                update(WebhookSubscription)
                .where(WebhookSubscription.id == claimed.subscription_id)
                .values(failures_in_a_row=0)
            )
        return "delivered"
    delivery = await session.scalar(select(WebhookDelivery).where(*mine).with_for_update())
    if delivery is None:
        return None
    delivery.response_status = answer.status if answer else None
    delivery.response_body = answer.body[: rules.RESPONSE_BODY_LIMIT] if answer else None
    delivery.error = outcome.error or "the receiver did not answer 2xx"
    delivery.latency_ms = outcome.latency_ms
    if delivery.attempts < settings.webhooks_max_attempts:
        delay = rules.retry_delay(
            delivery.attempts,
            base=settings.webhooks_retry_base_seconds,
            cap=settings.webhooks_retry_max_seconds,
        )
        delivery.next_attempt_at = now + dt.timedelta(seconds=delay)
        return "pending"
    delivery.status = "failed"
    sub = await session.get(WebhookSubscription, claimed.subscription_id, with_for_update=True)
    if sub is None:
        return "failed"
    sub.failures_in_a_row += 1
    if sub.disabled_at is not None or sub.failures_in_a_row < settings.webhooks_disable_after:
        return "failed"
    sub.disabled_at = now
    sub.disabled_reason = (
        f"disabled after {sub.failures_in_a_row} deliveries in a row failed "
        f"{settings.webhooks_max_attempts} attempts each"
    )
    return "disabled"


async def mark_all(
    maker: async_sessionmaker[AsyncSession],
    attempts: Sequence[tuple[Claimed, Outcome]],
    settings: Settings,
) -> list[Marked | None]:
    """:func:`mark` each attempt, all in one short transaction (one commit for a batch)."""
    order = sorted(
        range(len(attempts)),
        key=lambda i: (attempts[i][0].subscription_id, attempts[i][0].delivery_id),
    )  # rows are locked in one order by every worker: no deadlock between two batches
    marked: list[Marked | None] = [None] * len(attempts)
    async with maker() as session, session.begin():
        for i in order:
            claimed, outcome = attempts[i]
            marked[i] = await mark(session, claimed, outcome, settings)
    return marked


def tally(result: DeliveryRound, claimed: Claimed, marked: Marked | None) -> None:
    """Count one attempt's outcome in ``result``."""
    if marked == "delivered":
        result.delivered += 1
    elif marked == "pending":
        result.retrying += 1
    elif marked is not None:
        result.failed += 1
        if marked == "disabled":
            result.disabled.append(claimed.subscription_id)


async def queue_and_claim(
    maker: async_sessionmaker[AsyncSession], settings: Settings, *, limit: int = CLAIM_BATCH
) -> tuple[int, list[Claimed]]:
    """Queue new events, then claim up to ``limit`` due deliveries: two short transactions."""
    async with maker() as session, session.begin():
        queued = await queue_events(session)
    async with maker() as session, session.begin():
        return queued, await claim_due(session, settings, limit=limit)


async def deliver_due(
    maker: async_sessionmaker[AsyncSession], sender: Sender, settings: Settings
) -> DeliveryRound:
    """One round: queue new events, claim what is due, send it all at once, mark the
    results together. Each step is a short transaction of its own; the sending holds none.
    (The API server's worker does not wait for a round's slowest receiver: it claims more
    as attempts end, see :mod:`pennywise_api.webhooks`.)"""
    queued, claimed = await queue_and_claim(maker, settings)
    result = DeliveryRound(queued=queued)
    outcomes = await asyncio.gather(*(send(c, sender, settings) for c in claimed))
    marked = await mark_all(maker, list(zip(claimed, outcomes, strict=True)), settings)
    for item, status in zip(claimed, marked, strict=True):
        tally(result, item, status)
    return result
