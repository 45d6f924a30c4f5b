"""``/groups/{id}/recurring`` over HTTP: what the core's rules look like to a client."""

from __future__ import annotations

from typing import Any

import httpx
from apitools import API, assert_problem

RENT = {
    "transaction": {"description": "Rent", "amount": "1200.00", "category": "home"},
    "schedule": {"every": "monthly", "start": "2099-01-31", "count": 6},
}


async def test_a_rule_from_creation_to_end(client: httpx.AsyncClient, world: Any) -> None:
    base = f"{API}/groups/{world.group_id}/recurring"
    created = await client.post(base, headers=world.member.headers, json=RENT)
    assert created.status_code == 201, created.text
    rule = created.json()
    assert created.headers["location"] == f"{base}/{rule['id']}"
    assert (rule["status"], rule["next_date"]) == ("active", "2099-01-31")
    assert rule["schedule"] == {
        "every": "monthly",
        "interval": 1,
        "weekdays": None,
        "day_of_month": None,
        "start": "2099-01-31",
        "until": None,
        "count": 6,
    }
    assert rule["transaction"] == {"kind": "expense", "convert": False, **RENT["transaction"]}

    listed = (await client.get(base, headers=world.viewer.headers)).json()
    assert rule["id"] in [r["id"] for r in listed]

    changed = await client.patch(
        f"{base}/{rule['id']}",
        headers={**world.member.headers, "If-Match": created.headers["etag"]},
        json={"transaction": {"amount": "1250.00"}},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["transaction"]["amount"] == "1250.00"
    stale = await client.patch(
        f"{base}/{rule['id']}",
        headers={**world.member.headers, "If-Match": created.headers["etag"]},
        json={"transaction": {"amount": "1300.00"}},
    )
    assert_problem(stale, 412)

    paused = await client.post(f"{base}/{rule['id']}/pause", headers=world.member.headers)
    assert (paused.json()["status"], paused.json()["next_date"]) == ("paused", None)
    ended = await client.post(
        f"{base}/{rule['id']}/end", headers=world.member.headers, params={"on": "2099-03-01"}
    )
    assert ended.json()["schedule"]["until"] == "2099-03-01"

    shown = await client.get(f"{base}/{rule['id']}", headers=world.viewer.headers)
    assert shown.json()["occurrences"] == []
    deleted = await client.delete(f"{base}/{rule['id']}", headers=world.member.headers)
    assert deleted.status_code == 204
    assert_problem(await client.get(f"{base}/{rule['id']}", headers=world.member.headers), 404)


async def test_a_bad_schedule_is_a_422_naming_the_field(
    client: httpx.AsyncClient, world: Any
) -> None:
    body = {**RENT, "schedule": {**RENT["schedule"], "until": "2099-06-30"}}
    refused = await client.post(
        f"{API}/groups/{world.group_id}/recurring", headers=world.member.headers, json=body
    )
    problem = assert_problem(refused, 422)
    assert [e["loc"] for e in problem["errors"]] == [["schedule", "count"]]


async def test_a_rule_is_found_only_in_its_own_group(
    client: httpx.AsyncClient, world: Any, make_world: Any
) -> None:
    other = await make_world()  # its owner may read their group, not this rule through it
    response = await client.get(
        f"{API}/groups/{other.group_id}/recurring/{world.rule_id}", headers=other.owner.headers
    )
    assert_problem(response, 404)
    mine = await client.get(
        f"{API}/groups/{world.group_id}/recurring/{world.rule_id}", headers=world.owner.headers
    )
    assert mine.status_code == 200
