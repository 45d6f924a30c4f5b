"""``GET /groups/{id}/events``: a real uvicorn on loopback streams what is committed, and a
listener that comes back with ``Last-Event-ID`` gets what it missed, once."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx

from pennywise_core.settings import Settings
from tests.api.apitools import API, Actor, World, assert_problem, in_a_thread


def _settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"events_poll_seconds": 0.05, "events_stream_seconds": 60}
    return Settings(environment="test", database_url=database_url, **{**values, **overrides})


def _frames(lines: Iterator[str], count: int) -> list[dict[str, str]]:
    """The next ``count`` events of a text/event-stream (fields as sent; comments and the
    ``retry`` line skipped)."""
    out: list[dict[str, str]] = []
    fields: dict[str, str] = {}
    for line in lines:
        if line == "":
            if "data" in fields:
                out.append(fields)
                if len(out) == count:
                    return out
            fields = {}
        elif not line.startswith(":"):
            name, _, value = line.partition(":")
            fields[name] = value.removeprefix(" ")
    raise AssertionError(f"the stream ended after {len(out)} of {count} events")


def _expense(client: httpx.Client, world: World, actor: Actor, description: str) -> dict[str, Any]:
    body = {"group_id": str(world.group_id), "description": description, "amount": "4.20"}
    response = client.post("/transactions", json=body, headers=actor.headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _stream(client: httpx.Client, world: World, actor: Actor, **headers: str) -> Any:
    return client.stream(
        "GET", f"/groups/{world.group_id}/events", headers={**actor.headers, **headers}
    )


def test_a_listener_hears_each_commit_and_resumes_where_it_left(
    world: World, database_url: str
) -> None:
    with in_a_thread(_settings(database_url)) as client:
        with _stream(client, world, world.viewer) as stream:  # viewers listen too
            assert stream.status_code == 200
            assert stream.headers["content-type"].startswith("text/event-stream")
            lines = stream.iter_lines()
            coffee = _expense(client, world, world.member, "Coffee")
            [first] = _frames(lines, 1)
        event = json.loads(first["data"])
        assert (first["event"], event["type"]) == ("transaction.created", "transaction.created")
        assert first["id"] == event["id"]
        assert event["data"] == coffee  # as POST /transactions answered
        assert (event["group_id"], event["actor_id"]) == (
            str(world.group_id),
            str(world.member.user_id),
        )

        _expense(client, world, world.member, "Bread")  # while no one listens
        _expense(client, world, world.owner, "Milk")
        with _stream(client, world, world.viewer, **{"Last-Event-ID": first["id"]}) as stream:
            missed = _frames(stream.iter_lines(), 2)
        assert [json.loads(f["data"])["data"]["description"] for f in missed] == ["Bread", "Milk"]


def test_a_stream_ends_after_its_time_and_says_when_to_come_back(
    world: World, database_url: str
) -> None:
    with in_a_thread(_settings(database_url, events_stream_seconds=0.3)) as client:
        response = client.get(f"/groups/{world.group_id}/events", headers=world.member.headers)
    assert response.status_code == 200
    # The position is sent first (an id and no event): a reconnect resumes from there.
    retry, position, blank = response.text.splitlines()[:3]
    assert (retry, blank) == ("retry: 2000", "")
    assert re.fullmatch(r"id: [0-9]+-[0-9]+", position)


async def test_refusals_come_before_the_stream(client: httpx.AsyncClient, world: World) -> None:
    url = f"{API}/groups/{world.group_id}/events"
    assert_problem(await client.get(url), 401)
    assert_problem(await client.get(url, headers=world.outsider.headers), 404)
    bad = await client.get(url, headers={**world.member.headers, "Last-Event-ID": "12"})
    assert "Last-Event-ID" in json.dumps(assert_problem(bad, 422))
    bad = await client.get(url, params={"after": "x"}, headers=world.member.headers)
    assert "after" in json.dumps(assert_problem(bad, 422))


async def test_after_0_0_replays_the_history_kept(client: httpx.AsyncClient, world: World) -> None:
    response = await client.get(
        f"{API}/groups/{world.group_id}/events",
        params={"after": "0-0"},
        headers=world.member.headers,
    )
    assert response.status_code == 200
    kinds = [line.removeprefix("event: ") for line in response.text.splitlines()]
    assert "transaction.created" in kinds  # the world's own transaction
    assert "member.added" in kinds
