"""``pw.webhooks`` against the real app, and ``verify_webhook`` against the Standard Webhooks
library: subscriptions made, changed and removed; deliveries sent by the real worker round
and HTTP sender to a real receiver on loopback, logged, and sent again.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
import secrets
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
import pytest_asyncio
from clienttools import BASE_URL, SyncServer
from clienttools import FAST as FAST_BACKOFF
from sqlalchemy.ext.asyncio import AsyncEngine
from standardwebhooks.webhooks import Webhook

from pennywise_api.app import create_app
from pennywise_api.webhooks import HttpSender
from pennywise_client import (
    AsyncPennywise,
    NotFoundError,
    ValidationError,
    WebhookVerificationError,
    verify_webhook,
)
from pennywise_core.db import session_factory
from pennywise_core.services import webhooks
from pennywise_core.settings import Settings
from tests.receiver import receiving

HOOK_URL = "https://hooks.example.org/pennywise"
"""A target that passes the address check; nothing is sent to it."""


FAST = {
    "webhooks_allow_private": True,  # the receiver is on 127.0.0.1
    "webhooks_retry_base_seconds": 0.01,
    "webhooks_timeout_seconds": 2.0,
}


@pytest.fixture
def private_targets() -> Settings:
    """Settings that let a subscription name the receiver on 127.0.0.1, retried fast."""
    return Settings(environment="test", **FAST)


@pytest_asyncio.fixture(loop_scope="session")
async def private_client(
    engine: AsyncEngine, private_targets: Settings, forget_idempotency_records: None
) -> AsyncIterator[Callable[[str], AsyncPennywise]]:
    """``private_client(token)``: an ``AsyncPennywise`` on an app built with those settings."""
    app = create_app(private_targets, engine=engine)
    opened: list[AsyncPennywise] = []

    def make(token: str) -> AsyncPennywise:
        transport = httpx.ASGITransport(app=app)
        pw = AsyncPennywise(BASE_URL, token, transport=transport, backoff=FAST_BACKOFF)
        opened.append(pw)
        return pw

    yield make
    for pw in opened:
        await pw.close()


async def _rounds_until(
    engine: AsyncEngine, settings: Settings, done: Callable[[], Any], *, seconds: float = 20
) -> None:
    """The delivery worker's rounds until ``done()``: on PostgreSQL an event is queued once
    every older transaction has ended, and other tests write meanwhile."""
    maker = session_factory(engine)
    deadline = time.monotonic() + seconds
    async with HttpSender(settings) as sender:
        while not done():
            assert time.monotonic() < deadline, "the deliveries did not arrive in time"
            await webhooks.deliver_due(maker, sender, settings)
            await asyncio.sleep(0.02)


class TestAsync:
    async def test_a_webhook_made_changed_rotated_and_removed(
        self, async_client: Callable[..., AsyncPennywise], new_user: Callable
    ):
        pw = async_client((await new_user("ann")).token)
        group = await pw.groups.create("Lisbon", default_currency="EUR")
        created = await pw.webhooks.create(
            group.id, HOOK_URL, events=["transaction.created"], description="Books"
        )
        try:
            assert created.secret.startswith("whsec_")
            assert (created.url, created.events, created.description) == (
                HOOK_URL,
                ["transaction.created"],
                "Books",
            )
            assert created.enabled is True
            [listed] = await pw.webhooks.list(group.id)
            assert listed.id == created.id
            assert created.secret not in json.dumps(listed.to_dict())
            assert (await pw.webhooks.get(group.id, str(created.id))).url == HOOK_URL

            # One name alone is one event type, not its letters.
            changed = await pw.webhooks.update(
                group.id, created.id, events="settlement.recorded", description="Settle-ups"
            )
            assert (changed.events, changed.description) == (["settlement.recorded"], "Settle-ups")
            off = await pw.webhooks.disable(group.id, created.id)
            assert off.enabled is False
            assert off.disabled_reason
            on = await pw.webhooks.enable(group.id, created.id)
            assert on.enabled is True
            assert on.disabled_reason is None

            rotated = await pw.webhooks.rotate_secret(group.id, created.id)
            assert rotated.secret.startswith("whsec_")
            assert rotated.secret != created.secret
            assert rotated.previous_valid_until > dt.datetime.now(dt.UTC)
            rotating = (await pw.webhooks.get(group.id, created.id)).secret_rotating_until
            assert rotating == rotated.previous_valid_until
            assert await pw.webhooks.deliveries(group.id, created.id) == []
        finally:
            await pw.webhooks.delete(group.id, created.id)
        with pytest.raises(NotFoundError):
            await pw.webhooks.get(group.id, created.id)
        assert await pw.webhooks.list(group.id) == []

    async def test_a_private_target_is_refused_naming_url(
        self, async_client: Callable[..., AsyncPennywise], new_user: Callable
    ):
        pw = async_client((await new_user("ann")).token)
        group = await pw.groups.create("Porto")
        for url in ("http://127.0.0.1:8080/hook", "https://10.0.0.7/hook"):
            with pytest.raises(ValidationError) as caught:
                await pw.webhooks.create(group.id, url, events=["transaction.created"])
            assert [e["loc"][-1] for e in caught.value.errors] == ["url"]
        with pytest.raises(ValidationError) as caught:
            await pw.webhooks.create(group.id, HOOK_URL, events=["transaction.made"])
        assert "events" in str(caught.value.errors)
        assert await pw.webhooks.list(group.id) == []

    async def test_deliveries_arrive_signed_are_logged_and_sent_again(
        self,
        private_client: Callable[[str], AsyncPennywise],
        new_user: Callable,
        engine: AsyncEngine,
        private_targets: Settings,
    ):
        pw = private_client((await new_user("ann")).token)
        group = await pw.groups.create("Lisbon", default_currency="EUR")
        with receiving() as receiver:
            hook = await pw.webhooks.create(group.id, receiver.url, events=["transaction.created"])
            receiver.secret = hook.secret
            try:
                tx = await pw.transactions.create(group.id, "Dinner", "30.00")
                await _rounds_until(engine, private_targets, receiver.delivered)
                [got] = receiver.requests
                assert got.verified  # the Standard Webhooks library's check
                payload = verify_webhook(hook.secret, got.body, got.headers)  # and ours
                assert (payload["type"], payload["target_id"]) == (
                    "transaction.created",
                    str(tx.id),
                )

                [logged] = await pw.webhooks.deliveries(group.id, hook.id, status="delivered")
                assert (logged.status, logged.attempts, logged.response_status) == (
                    "delivered",
                    1,
                    200,
                )
                assert logged.event_id == got.id
                assert await pw.webhooks.deliveries(group.id, hook.id, status="failed") == []

                again = await pw.webhooks.redeliver(group.id, hook.id, logged.id)
                assert (again.id, again.status, again.attempts) == (logged.id, "pending", 0)
                await _rounds_until(engine, private_targets, lambda: len(receiver.delivered()) > 1)
                assert [r.id for r in receiver.requests] == [got.id, got.id]  # same webhook-id
                [after] = await pw.webhooks.deliveries(group.id, hook.id, limit=1)
                assert (after.status, after.attempts) == ("delivered", 1)
            finally:
                await pw.webhooks.delete(group.id, hook.id)


class TestSync:
    def test_the_same_methods(self, sync_server: SyncServer):
        user = sync_server.new_user("ann")
        with sync_server.client(user.token) as pw:
            group = pw.groups.create("Lisbon")
            created = pw.webhooks.create(group.id, HOOK_URL, ["transaction.created"])
            assert created.secret.startswith("whsec_")
            assert [w.id for w in pw.webhooks.list(group.id)] == [created.id]
            assert pw.webhooks.disable(group.id, created.id).enabled is False
            assert pw.webhooks.update(group.id, created.id, enabled=True).enabled is True
            assert pw.webhooks.rotate_secret(group.id, created.id).secret != created.secret
            assert pw.webhooks.deliveries(group.id, created.id, limit=5) == []
            pw.webhooks.delete(group.id, created.id)
            with pytest.raises(NotFoundError):
                pw.webhooks.get(group.id, created.id)


# --- verify_webhook, against the Standard Webhooks library -----------------------------------

SECRET = "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()
BODY = json.dumps({"id": "41-7", "type": "transaction.created", "data": {"amount": "12.00"}})


def _signed(
    body: str = BODY, *, secret: str = SECRET, at: float | None = None, msg_id: str = "41-7"
) -> dict[str, str]:
    """Headers as a Standard Webhooks sender makes them (the library's own signing)."""
    moment = dt.datetime.fromtimestamp(time.time() if at is None else at, dt.UTC)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, moment, body),
    }


class TestVerify:
    def test_a_signed_body_verifies_and_gives_the_payload(self):
        headers = _signed()
        assert verify_webhook(SECRET, BODY.encode(), headers)["type"] == "transaction.created"
        assert verify_webhook(SECRET, BODY, httpx.Headers(headers))["id"] == "41-7"
        shouted = {k.upper(): v for k, v in headers.items()}
        assert verify_webhook(SECRET, BODY, shouted)["data"] == {"amount": "12.00"}

    def test_tampered_or_resigned_requests_fail(self):
        headers = _signed()
        with pytest.raises(WebhookVerificationError, match="signature"):
            verify_webhook(SECRET, BODY.replace("12.00", "99.00"), headers)
        with pytest.raises(WebhookVerificationError, match="signature"):
            verify_webhook(SECRET, BODY, {**headers, "webhook-id": "41-8"})
        other = "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()
        with pytest.raises(WebhookVerificationError, match="signature"):
            verify_webhook(other, BODY, headers)
        missing = {k: v for k, v in headers.items() if k != "webhook-signature"}
        with pytest.raises(WebhookVerificationError, match="webhook-signature"):
            verify_webhook(SECRET, BODY, missing)

    def test_a_timestamp_more_than_five_minutes_off_fails(self):
        for off in (-301, 301):
            with pytest.raises(WebhookVerificationError, match="webhook-timestamp"):
                verify_webhook(SECRET, BODY, _signed(at=time.time() + off))
        assert verify_webhook(SECRET, BODY, _signed(at=time.time() - 250))  # within
        old = _signed(at=time.time() - 3600)
        assert verify_webhook(SECRET, BODY, old, now=time.time() - 3600)  # a clock given

    def test_during_a_rotation_either_secret_and_any_signature(self):
        new = "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()
        headers = _signed()
        both = {**headers, "webhook-signature": f"v1,bm9wZQ== {headers['webhook-signature']}"}
        assert verify_webhook(SECRET, BODY, both)
        assert verify_webhook([new, SECRET], BODY, headers)  # the receiver switching

    def test_a_bad_secret_is_the_callers_error(self):
        for bad in ("", "whsec_", "whsec_!!not base64!!"):
            with pytest.raises(ValueError, match="whsec_") as caught:
                verify_webhook(bad, BODY, _signed())
            assert not isinstance(caught.value, WebhookVerificationError)
