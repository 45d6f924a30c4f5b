"""Webhook deliveries, end to end: committed changes, the real delivery worker and its HTTP
sender, and a real receiver on loopback that verifies each signature with the Standard
Webhooks library. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import uuid
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pennywise_api.webhooks import HttpSender
from pennywise_core import webhooks as rules
from pennywise_core.errors import PermissionDeniedError, ValidationError
from pennywise_core.models import Role, WebhookDelivery, utcnow
from pennywise_core.services import webhooks
from pennywise_core.settings import Settings
from pennywise_core.webhook_schemas import WebhookCreate, WebhookUpdate
from tests.ledger import World, make_world
from tests.receiver import Receiver, receiving

Maker = async_sessionmaker[AsyncSession]

FAST = {
    "webhooks_allow_private": True,  # the receiver is on 127.0.0.1
    "webhooks_retry_base_seconds": 0.01,
    "webhooks_timeout_seconds": 2.0,
}


def _settings(**overrides: Any) -> Settings:
    return Settings(**{**FAST, **overrides})


async def _group(maker: Maker) -> World:
    async with maker() as session, session.begin():
        world = await make_world(session, "Bob")
        await world.add_user("Cleo", role=Role.MEMBER)
    return world


async def _subscribe(
    maker: Maker, world: World, receiver: Receiver, settings: Settings, **fields: Any
) -> uuid.UUID:
    data = WebhookCreate(
        url=receiver.url,
        events=fields.pop("events", ["transaction.created", "settlement.recorded"]),
        **fields,
    )
    async with maker() as session, session.begin():
        created = await webhooks.subscribe(
            session, world.owner, world.group_id, data, settings=settings
        )
    assert created.secret.startswith("whsec_")
    receiver.secret = created.secret
    return created.id


async def _expense(maker: Maker, world: World, description: str) -> uuid.UUID:
    async with maker() as session, session.begin():
        world.session = session
        return (await world.expense("12.00", by="Bob", description=description)).id


async def _rounds_until(
    maker: Maker,
    sender: HttpSender,
    settings: Settings,
    done: Any,
    *,
    seconds: float = 20.0,
) -> None:
    """Delivery rounds until ``done()`` (at most ``seconds``): on PostgreSQL an event is
    queued once every transaction older than its own ended, and other tests write meanwhile."""
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "the deliveries did not arrive in time"
        await webhooks.deliver_due(maker, sender, settings)
        await asyncio.sleep(0.02)


async def _until_final(maker: Maker, world: World, target_id: uuid.UUID) -> None:
    """Until the event about ``target_id`` is behind the stream's end (at most 20 s)."""
    from pennywise_core.models import Event
    from pennywise_core.services import events

    deadline = time.monotonic() + 20
    while True:
        async with maker() as session, session.begin():
            row = (
                await session.execute(
                    select(Event.txid, Event.id).where(Event.target_id == target_id)
                )
            ).one()
            end = await events.end_of(session, world.group_id)
        if end >= events.Position(row.txid, row.id):
            return
        assert time.monotonic() < deadline, "the event did not become final in time"
        await asyncio.sleep(0.05)


async def _log(maker: Maker, world: World, hook: uuid.UUID) -> list[Any]:
    async with maker() as session, session.begin():
        return await webhooks.deliveries(session, world.owner, world.group_id, hook)


async def test_each_event_arrives_once_signed_with_the_resource(session_maker: Maker) -> None:
    settings = _settings()
    world = await _group(session_maker)
    with receiving() as receiver:
        hook = await _subscribe(session_maker, world, receiver, settings)
        tx_id = await _expense(session_maker, world, "Dinner")
        async with HttpSender(settings) as sender:
            await _rounds_until(session_maker, sender, settings, lambda: receiver.delivered())
            for _ in range(3):  # nothing more to send, however often the worker looks
                await webhooks.deliver_due(session_maker, sender, settings)
        [got] = receiver.requests
    assert got.verified, got.headers
    body = got.payload
    assert (body["type"], body["group_id"], body["target_id"]) == (
        "transaction.created",
        str(world.group_id),
        str(tx_id),
    )
    assert body["data"]["description"] == "Dinner"
    assert body["data"]["amount"] == "12.00"
    assert got.id == body["id"]  # webhook-id is the event's id, as the event stream has it
    [logged] = await _log(session_maker, world, hook)
    assert (logged.status, logged.attempts, logged.response_status) == ("delivered", 1, 200)
    assert logged.event_id == got.id
    assert logged.latency_ms is not None


async def test_only_the_subscribed_types_are_sent(session_maker: Maker) -> None:
    settings = _settings()
    world = await _group(session_maker)
    with receiving() as receiver:
        await _subscribe(session_maker, world, receiver, settings, events=["settlement.recorded"])
        await _expense(session_maker, world, "Taxi")
        async with session_maker() as session, session.begin():
            from pennywise_core.services import settle_up

            await settle_up.record(session, world.owner, world.group_id)
        async with HttpSender(settings) as sender:
            await _rounds_until(session_maker, sender, settings, lambda: receiver.delivered())
        assert [r.payload["type"] for r in receiver.requests] == ["settlement.recorded"]


async def test_a_failing_receiver_gets_the_event_again_with_the_same_id(
    session_maker: Maker,
) -> None:
    settings = _settings()
    world = await _group(session_maker)
    with receiving(fail_first=2) as receiver:
        hook = await _subscribe(session_maker, world, receiver, settings)
        await _expense(session_maker, world, "Museum")
        async with HttpSender(settings) as sender:
            await _rounds_until(session_maker, sender, settings, lambda: receiver.delivered())
        assert [r.answered for r in receiver.requests] == [500, 500, 200]
        assert len({r.id for r in receiver.requests}) == 1
        assert all(r.verified for r in receiver.requests)
    [logged] = await _log(session_maker, world, hook)
    assert (logged.status, logged.attempts, logged.response_status) == ("delivered", 3, 200)


async def test_retries_wait_longer_each_time_with_jitter() -> None:
    delays = [rules.retry_delay(n, base=10, cap=3600) for n in range(1, 6)]
    for n, delay in enumerate(delays, start=1):
        full = min(3600, 10 * 4 ** (n - 1))
        assert full / 2 <= delay <= full
    assert rules.retry_delay(30, base=10, cap=3600) <= 3600
    assert len({rules.retry_delay(3, base=10, cap=3600) for _ in range(20)}) > 1


async def test_a_receiver_that_keeps_failing_is_given_up_on_then_disabled(
    session_maker: Maker,
) -> None:
    settings = _settings(webhooks_max_attempts=2, webhooks_disable_after=2)
    world = await _group(session_maker)
    with receiving(fail_first=1000) as receiver:
        hook = await _subscribe(session_maker, world, receiver, settings)
        await _expense(session_maker, world, "One")
        await _expense(session_maker, world, "Two")
        async with HttpSender(settings) as sender:
            rounds: list[Any] = []

            async def gave_up() -> None:
                deadline = time.monotonic() + 20
                while sum(r.failed for r in rounds) < 2:
                    assert time.monotonic() < deadline
                    rounds.append(await webhooks.deliver_due(session_maker, sender, settings))
                    await asyncio.sleep(0.02)

            await gave_up()
            assert len(receiver.requests) == 4  # two attempts each
            assert [hook] == [s for r in rounds for s in r.disabled]
            log = await _log(session_maker, world, hook)
            assert {(d.status, d.attempts) for d in log} == {("failed", 2)}
            assert all(len(d.response_body or "") <= rules.RESPONSE_BODY_LIMIT for d in log)
            assert log[0].response_body
            assert log[0].response_status == 500
            async with session_maker() as session, session.begin():
                read = await webhooks.get(session, world.owner, world.group_id, hook)
            assert not read.enabled
            assert read.disabled_reason
            assert "2 deliveries in a row" in read.disabled_reason

            # While disabled nothing is queued; enabled again, it hears what happens next.
            off = await _expense(session_maker, world, "While off")
            for _ in range(3):
                assert (await webhooks.deliver_due(session_maker, sender, settings)).queued == 0
            # (Enabling starts at the stream's end, which on PostgreSQL is where every older
            # transaction has ended: wait for that to pass "While off".)
            await _until_final(session_maker, world, off)
            receiver.fail_first = 0
            async with session_maker() as session, session.begin():
                await webhooks.update_subscription(
                    session,
                    world.owner,
                    world.group_id,
                    hook,
                    WebhookUpdate(enabled=True),
                    settings=settings,
                )
            await _expense(session_maker, world, "After")
            await _rounds_until(session_maker, sender, settings, lambda: receiver.delivered())
    descriptions = [r.payload["data"]["description"] for r in receiver.delivered()]
    assert descriptions == ["After"]


async def test_a_worker_killed_between_send_and_mark_loses_nothing(
    session_maker: Maker,
) -> None:
    settings = _settings()
    world = await _group(session_maker)
    with receiving() as receiver:
        hook = await _subscribe(session_maker, world, receiver, settings)
        await _expense(session_maker, world, "Lunch")
        async with HttpSender(settings) as sender:
            # The first worker queues and claims the delivery, sends it, and dies.
            deadline = time.monotonic() + 20
            claimed: list[webhooks.Claimed] = []
            while not claimed:
                assert time.monotonic() < deadline
                async with session_maker() as session, session.begin():
                    await webhooks.queue_events(session)
                async with session_maker() as session, session.begin():
                    claimed = await webhooks.claim_due(session, settings)
            [lost] = claimed
            outcome = await webhooks.send(lost, sender, settings)
            assert outcome.ok
            assert len(receiver.requests) == 1
            # Its lease holds the delivery back from the others while it lasts...
            assert (await webhooks.deliver_due(session_maker, sender, settings)).delivered == 0
            async with session_maker() as session, session.begin():  # ... until it runs out
                await session.execute(
                    update(WebhookDelivery)
                    .where(WebhookDelivery.id == lost.delivery_id)
                    .values(next_attempt_at=WebhookDelivery.last_attempt_at)
                )
            await _rounds_until(
                session_maker, sender, settings, lambda: len(receiver.delivered()) == 2
            )
            # The dead worker's late mark finds the claim is no longer its own.
            async with session_maker() as session, session.begin():
                assert await webhooks.mark(session, lost, outcome, settings) is None
    first, second = receiver.requests
    assert first.id == second.id
    assert first.body == second.body
    [logged] = await _log(session_maker, world, hook)
    assert (logged.status, logged.attempts) == ("delivered", 2)


async def test_two_workers_at_once_send_each_event_once(session_maker: Maker) -> None:
    settings = _settings()
    world = await _group(session_maker)
    with receiving() as receiver:
        await _subscribe(session_maker, world, receiver, settings)
        created = {await _expense(session_maker, world, f"Item {n}") for n in range(12)}
        async with HttpSender(settings) as one, HttpSender(settings) as two:
            deadline = time.monotonic() + 30
            while len(receiver.requests) < len(created):
                assert time.monotonic() < deadline
                await asyncio.gather(
                    webhooks.deliver_due(session_maker, one, settings),
                    webhooks.deliver_due(session_maker, two, settings),
                )
            for _ in range(2):
                await asyncio.gather(
                    webhooks.deliver_due(session_maker, one, settings),
                    webhooks.deliver_due(session_maker, two, settings),
                )
    ids = [r.id for r in receiver.requests]
    assert len(ids) == len(set(ids)) == len(created)
    assert {uuid.UUID(r.payload["target_id"]) for r in receiver.requests} == created


async def test_a_rotated_secret_signs_beside_the_old_one_for_a_while(
    session_maker: Maker,
) -> None:
    settings = _settings()
    world = await _group(session_maker)
    with receiving() as receiver:
        hook = await _subscribe(session_maker, world, receiver, settings)
        old = receiver.secret
        async with session_maker() as session, session.begin():
            rotated = await webhooks.rotate_secret(
                session, world.owner, world.group_id, hook, settings=settings
            )
        assert rotated.secret != old
        assert rotated.secret.startswith("whsec_")
        await _expense(session_maker, world, "Rotated")
        async with HttpSender(settings) as sender:
            await _rounds_until(session_maker, sender, settings, lambda: receiver.delivered())
        [got] = receiver.requests
        assert got.verified  # with the old secret, which the receiver still has
        assert len(got.headers["webhook-signature"].split(" ")) == 2
        receiver.secret = rotated.secret
        assert receiver.answer(got.headers, got.body) == 200
        assert receiver.requests[-1].verified  # and with the new one


async def test_a_slow_receiver_times_out_and_is_tried_again(session_maker: Maker) -> None:
    settings = _settings(webhooks_timeout_seconds=0.3)
    world = await _group(session_maker)
    with receiving(delay=1.0) as receiver:
        hook = await _subscribe(session_maker, world, receiver, settings)
        await _expense(session_maker, world, "Slow")
        async with HttpSender(settings) as sender:
            deadline = time.monotonic() + 20
            while not (log := await _log(session_maker, world, hook)) or not log[0].error:
                assert time.monotonic() < deadline
                await webhooks.deliver_due(session_maker, sender, settings)
        [logged] = log
    assert logged.status == "pending"  # to be tried again, after a while
    assert logged.next_attempt_at
    assert logged.next_attempt_at > logged.last_attempt_at
    assert logged.error == "no answer within 0.3 s"
    assert logged.response_status is None


async def test_a_past_delivery_can_be_sent_again(session_maker: Maker) -> None:
    settings = _settings()
    world = await _group(session_maker)
    with receiving() as receiver:
        hook = await _subscribe(session_maker, world, receiver, settings)
        await _expense(session_maker, world, "Again")
        async with HttpSender(settings) as sender:
            await _rounds_until(session_maker, sender, settings, lambda: receiver.delivered())
            [first] = await _log(session_maker, world, hook)
            async with session_maker() as session, session.begin():
                again = await webhooks.redeliver(
                    session, world.owner, world.group_id, hook, first.id
                )
            assert (again.status, again.attempts) == ("pending", 0)
            await _rounds_until(
                session_maker, sender, settings, lambda: len(receiver.delivered()) == 2
            )
    assert receiver.requests[0].id == receiver.requests[1].id
    [logged] = await _log(session_maker, world, hook)
    assert (logged.status, logged.attempts) == ("delivered", 1)


async def test_only_owners_and_admins_manage_webhooks(session_maker: Maker) -> None:
    settings = _settings()
    world = await _group(session_maker)
    data = WebhookCreate(url="https://hooks.example.org/x", events=["transaction.created"])
    async with session_maker() as session, session.begin():
        with pytest.raises(PermissionDeniedError):
            await webhooks.subscribe(
                session, world.people["Cleo"], world.group_id, data, settings=settings
            )
        with pytest.raises(PermissionDeniedError):
            await webhooks.list_subscriptions(session, world.people["Cleo"], world.group_id)


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.org/x",  # plain http
        "https://127.0.0.1/x",
        "https://10.1.2.3/x",
        "https://192.168.0.10/x",
        "https://169.254.169.254/latest/meta-data",  # the cloud metadata service
        "https://[::1]/x",
        "https://[::ffff:127.0.0.1]/x",
        "https://[fd00::1]/x",
        "https://[64:ff9b::a9fe:a9fe]/x",  # NAT64 of 169.254.169.254
        "https://[2002:7f00:1::]/x",  # 6to4 of 127.0.0.1
        "https://[::7f00:1]/x",  # IPv4-compatible 127.0.0.1
        "https://0.0.0.0/x",
        "https://localhost/x",
        "https://printer.local/x",
        "https://user:pass@hooks.example.org/x",
        "ftp://hooks.example.org/x",
    ],
)
async def test_private_and_odd_targets_are_refused(session_maker: Maker, url: str) -> None:
    world = await _group(session_maker)
    data = WebhookCreate(url=url, events=["transaction.created"])
    async with session_maker() as session, session.begin():
        with pytest.raises(ValidationError) as caught:
            await webhooks.subscribe(
                session, world.owner, world.group_id, data, settings=Settings()
            )
    assert caught.value.errors[0].loc == ("url",)


async def test_a_name_that_resolves_to_a_private_address_is_refused_when_sending() -> None:
    """The check that matters is on the addresses the name resolves to, at each delivery:
    ``localhost`` and this machine's own name resolve to loopback."""
    with pytest.raises(rules.TargetRefused, match="non-public address"):
        await rules.resolve_public("localhost", 443, allow_private=False)
    sender = HttpSender(Settings())
    async with sender:
        with pytest.raises(rules.TargetRefused, match="https"):
            await sender("http://hooks.example.org/x", headers={}, body=b"{}")
    assert await rules.resolve_public("localhost", 443, allow_private=True) in ("127.0.0.1", "::1")


async def test_a_refused_address_is_logged_and_retried_not_sent(session_maker: Maker) -> None:
    """A subscription made while private targets were allowed, sent after they no longer
    are: nothing reaches the receiver, and the log says why."""
    world = await _group(session_maker)
    with receiving() as receiver:
        hook = await _subscribe(session_maker, world, receiver, _settings())
        await _expense(session_maker, world, "Inside")
        strict = Settings(webhooks_retry_base_seconds=0.01)
        async with HttpSender(strict) as sender:
            deadline = time.monotonic() + 20
            while True:
                log = await _log(session_maker, world, hook)
                if log and log[0].attempts:
                    break
                assert time.monotonic() < deadline
                await webhooks.deliver_due(session_maker, sender, strict)
        assert receiver.requests == []
    assert log[0].error
    assert log[0].error.startswith("refused: the URL must be an https:// URL")


async def test_deleting_a_subscription_stops_its_deliveries(session_maker: Maker) -> None:
    settings = _settings()
    world = await _group(session_maker)
    with receiving() as receiver:
        hook = await _subscribe(session_maker, world, receiver, settings)
        async with session_maker() as session, session.begin():
            await webhooks.delete_subscription(session, world.owner, world.group_id, hook)
        await _expense(session_maker, world, "Gone")
        async with HttpSender(settings) as sender:
            for _ in range(3):
                await webhooks.deliver_due(session_maker, sender, settings)
        assert receiver.requests == []
    async with session_maker() as session, session.begin():
        assert (await session.scalars(select(WebhookDelivery))).all() == []


async def test_old_events_are_pruned_unless_a_webhook_still_needs_them(
    session_maker: Maker, engine: Any
) -> None:
    from pennywise_api import scheduler
    from pennywise_core.models import Event

    settings = _settings()
    world = await _group(session_maker)  # its members' events come before the subscription
    with receiving(fail_first=1000) as receiver:
        await _subscribe(session_maker, world, receiver, settings)
        pending = await _expense(session_maker, world, "Pending")  # its delivery stays pending
        async with HttpSender(settings) as sender:
            await _rounds_until(session_maker, sender, settings, lambda: receiver.requests)
        unread = await _expense(session_maker, world, "Unread")  # not yet looked at
    mine = Event.group_id == world.group_id
    async with session_maker() as session, session.begin():
        await session.execute(
            update(Event).where(mine).values(created_at=utcnow() - dt.timedelta(days=40))
        )
        before = set((await session.scalars(select(Event.target_id).where(mine))).all())
    assert len(before - {pending, unread}) >= 2  # Bob's and Cleo's joining
    assert await scheduler._prune(engine, 30) >= len(before) - 2
    async with session_maker() as session, session.begin():
        left = set((await session.scalars(select(Event.target_id).where(mine))).all())
    assert left == {pending, unread}  # a delivery pending, and one not yet read


async def test_an_attempt_that_fails_oddly_is_logged_and_counted(session_maker: Maker) -> None:
    """A host name the resolver cannot even encode (a label over 63 characters) is a failed
    attempt like any other: logged, retried, the round goes on."""
    settings = _settings()
    world = await _group(session_maker)
    with receiving() as receiver:
        hook = await _subscribe(session_maker, world, receiver, settings)
        async with session_maker() as session, session.begin():
            await webhooks.update_subscription(
                session,
                world.owner,
                world.group_id,
                hook,
                WebhookUpdate(url=f"http://{'a' * 70}.example.org/hook"),
                settings=settings,
            )
        await _expense(session_maker, world, "Odd")
        async with HttpSender(settings) as sender:
            deadline = time.monotonic() + 20
            while not (log := await _log(session_maker, world, hook)) or not log[0].attempts:
                assert time.monotonic() < deadline
                await webhooks.deliver_due(session_maker, sender, settings)
    assert log[0].status == "pending"
    assert log[0].error
    assert log[0].error.startswith("failed: ")


async def test_the_activity_log_names_the_host_not_the_url(session_maker: Maker) -> None:
    from pennywise_core.services import activity

    settings = _settings()
    world = await _group(session_maker)
    url = "https://hooks.example.org/services/T000/B000/s3cr3t-token"
    data = WebhookCreate(url=url, events=["transaction.created"])
    async with session_maker() as session, session.begin():
        await webhooks.subscribe(session, world.owner, world.group_id, data, settings=settings)
    async with session_maker() as session, session.begin():
        entries = await activity.list_activity(session, world.people["Cleo"], world.group_id)
    text = repr([e.model_dump() for e in entries.items])
    assert "hooks.example.org" in text
    assert "s3cr3t-token" not in text
