"""``/groups/{id}/webhooks`` over HTTP, and the API server's own delivery worker sending to
a real receiver on loopback (tests/receiver.py)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from pennywise_core.settings import Settings
from tests.api.apitools import API, HOOK_URL, World, assert_problem, in_a_thread
from tests.receiver import receiving


def _hooks(world: World) -> str:
    return f"{API}/groups/{world.group_id}/webhooks"


async def test_a_subscription_shows_its_secret_once(
    client: httpx.AsyncClient, world: World
) -> None:
    body = {"url": HOOK_URL, "events": ["transaction.created", "member.added"]}
    created = await client.post(_hooks(world), json=body, headers=world.admin.headers)
    assert created.status_code == 201, created.text
    hook = created.json()
    assert hook["secret"].startswith("whsec_")
    assert created.headers["cache-control"] == "no-store"
    assert created.headers["location"] == f"{_hooks(world)}/{hook['id']}"
    assert (hook["url"], hook["events"], hook["enabled"]) == (HOOK_URL, body["events"], True)

    listed = (await client.get(_hooks(world), headers=world.owner.headers)).json()
    assert hook["id"] in [h["id"] for h in listed]
    assert all("secret" not in h for h in listed)
    one = await client.get(f"{_hooks(world)}/{hook['id']}", headers=world.owner.headers)
    assert "secret" not in one.json()

    rotated = await client.post(
        f"{_hooks(world)}/{hook['id']}/rotate-secret", headers=world.owner.headers
    )
    assert rotated.status_code == 200
    assert rotated.json()["secret"].startswith("whsec_")
    assert rotated.json()["secret"] != hook["secret"]
    assert rotated.headers["cache-control"] == "no-store"
    again = await client.get(f"{_hooks(world)}/{hook['id']}", headers=world.owner.headers)
    assert again.json()["secret_rotating_until"] == rotated.json()["previous_valid_until"]


async def test_edit_disable_and_delete(client: httpx.AsyncClient, world: World) -> None:
    url = f"{_hooks(world)}/{world.webhook_id}"
    on = await client.patch(url, json={"enabled": True}, headers=world.owner.headers)
    assert (on.json()["enabled"], on.json()["disabled_reason"]) == (True, None)
    changed = await client.patch(
        url, json={"events": ["settlement.recorded"], "enabled": False}, headers=world.owner.headers
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["events"], changed.json()["enabled"]) == (["settlement.recorded"], False)
    assert "disabled by" in changed.json()["disabled_reason"]
    on = await client.patch(url, json={"enabled": True}, headers=world.owner.headers)
    assert (on.json()["enabled"], on.json()["disabled_reason"]) == (True, None)
    assert (await client.delete(url, headers=world.admin.headers)).status_code == 204
    assert_problem(await client.get(url, headers=world.owner.headers), 404)


async def test_the_delivery_log_and_a_redelivery(client: httpx.AsyncClient, world: World) -> None:
    url = f"{_hooks(world)}/{world.webhook_id}/deliveries"
    [logged] = (await client.get(url, headers=world.owner.headers)).json()
    assert (logged["id"], logged["status"], logged["event_type"]) == (
        str(world.delivery_id),
        "delivered",
        "transaction.created",
    )
    assert (
        await client.get(url, params={"status": "failed"}, headers=world.owner.headers)
    ).json() == []
    again = await client.post(f"{url}/{world.delivery_id}/redeliver", headers=world.owner.headers)
    assert again.status_code == 200, again.text
    assert (again.json()["status"], again.json()["attempts"]) == ("pending", 0)
    twice = await client.post(f"{url}/{world.delivery_id}/redeliver", headers=world.owner.headers)
    assert "still pending" in assert_problem(twice, 409)["detail"]  # it is queued already
    assert_problem(
        await client.post(f"{url}/{uuid.uuid4()}/redeliver", headers=world.owner.headers), 404
    )


async def test_members_and_viewers_may_not_see_or_make_webhooks(
    client: httpx.AsyncClient, world: World
) -> None:
    body = {"url": HOOK_URL, "events": ["transaction.created"]}
    for actor in (world.member, world.viewer):
        assert_problem(await client.post(_hooks(world), json=body, headers=actor.headers), 403)
        assert_problem(await client.get(_hooks(world), headers=actor.headers), 403)
    assert_problem(await client.get(_hooks(world), headers=world.outsider.headers), 404)


async def test_bad_subscriptions_are_refused_naming_the_field(
    client: httpx.AsyncClient, world: World
) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"url": "https://169.254.169.254/", "events": ["transaction.created"]}, "url"),
        ({"url": "http://hooks.example.org/", "events": ["transaction.created"]}, "url"),
        ({"url": HOOK_URL, "events": []}, "events"),
        ({"url": HOOK_URL, "events": ["transaction.exploded"]}, "events"),
    ]
    for body, field in cases:
        problem = assert_problem(
            await client.post(_hooks(world), json=body, headers=world.owner.headers), 422
        )
        assert field in [str(part) for e in problem["errors"] for part in e["loc"]], problem
    listed = (await client.get(_hooks(world), headers=world.owner.headers)).json()
    assert [h["id"] for h in listed] == [str(world.webhook_id)]  # nothing was made


def test_the_server_delivers_on_its_own(world: World, database_url: str) -> None:
    settings = Settings(
        environment="test",
        database_url=database_url,
        webhooks_allow_private=True,
        webhooks_interval_seconds=0.05,
        webhooks_retry_base_seconds=0.01,
    )
    with receiving(fail_first=1) as receiver, in_a_thread(settings) as client:
        hooks = f"/groups/{world.group_id}/webhooks"
        body = {"url": receiver.url, "events": ["transaction.created"]}
        created = client.post(hooks, json=body, headers=world.owner.headers)
        assert created.status_code == 201, created.text
        receiver.secret = created.json()["secret"]
        tx = client.post(
            "/transactions",
            json={"group_id": str(world.group_id), "description": "Pizza", "amount": "18.00"},
            headers=world.member.headers,
        )
        assert tx.status_code == 201
        [got] = receiver.wait_for(1)
        assert got.verified
        assert got.payload["data"] == tx.json()  # the transaction as the API answered it
        assert [r.id for r in receiver.requests] == [got.id, got.id]  # failed once, then sent
