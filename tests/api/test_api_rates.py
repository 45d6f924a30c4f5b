"""Exchange rates, conversion at entry, balances and settle-up in one currency, over HTTP.

The world's group is in EUR with a USD rate of 0.9 from today, and one 60.00 EUR dinner
paid by the owner and split with the member (the member owes the owner 30.00).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
from apitools import API, assert_problem


async def test_rates_are_set_by_admins_and_read_by_everyone(
    client: httpx.AsyncClient, world: Any
) -> None:
    base = f"{API}/groups/{world.group_id}/rates"
    created = await client.post(
        base,
        headers=world.admin.headers,
        json={"currency": "gbp", "rate": "1.15", "valid_from": "2026-01-01"},
    )
    assert created.status_code == 201, created.text
    assert {k: created.json()[k] for k in ("currency", "base", "rate", "valid_from")} == {
        "currency": "GBP",
        "base": "EUR",
        "rate": "1.15",
        "valid_from": "2026-01-01",
    }
    listed = (await client.get(base, headers=world.viewer.headers)).json()
    assert [(r["currency"], r["rate"]) for r in listed] == [("GBP", "1.15"), ("USD", "0.9")]
    only = (await client.get(base, params={"currency": "usd"}, headers=world.viewer.headers)).json()
    assert [r["currency"] for r in only] == ["USD"]

    body = assert_problem(
        await client.post(
            base, headers=world.member.headers, json={"currency": "USD", "rate": "1"}
        ),
        403,
    )
    assert "admin" in body["detail"]
    body = assert_problem(
        await client.post(
            base, headers=world.admin.headers, json={"currency": "USD", "rate": "1e3"}
        ),
        422,
    )
    assert body["errors"][0]["loc"] == ["rate"]
    body = assert_problem(
        await client.post(base, headers=world.admin.headers, json={"currency": "USD", "rate": 0.9}),
        422,
    )
    assert body["errors"][0]["loc"] == ["rate"]

    gone = await client.delete(f"{base}/{created.json()['id']}", headers=world.admin.headers)
    assert gone.status_code == 204
    listed = (await client.get(base, headers=world.viewer.headers)).json()
    assert [r["currency"] for r in listed] == ["USD"]


async def test_converted_at_entry_and_shown_in_one_currency(
    client: httpx.AsyncClient, world: Any
) -> None:
    created = await client.post(
        f"{API}/transactions",
        headers=world.member.headers,
        json={
            "group_id": str(world.group_id),
            "description": "Taxi",
            "amount": "20.00",
            "currency": "USD",
            "convert": True,
            "split": {
                "entries": [
                    {"member_id": str(world.owner.member_id)},
                    {"member_id": str(world.member.member_id)},
                ]
            },
        },
    )
    assert created.status_code == 201, created.text
    tx = created.json()
    assert (tx["amount"], tx["currency"]) == ("18.00", "EUR")
    assert {k: tx["conversion"][k] for k in ("amount", "currency", "rate", "rate_source")} == {
        "amount": "20.00",
        "currency": "USD",
        "rate": "0.9",
        "rate_source": "manual",
    }
    # And one kept in USD: the owner paid 10.00 USD for the owner and the member.
    await client.post(
        f"{API}/transactions",
        headers=world.owner.headers,
        json={
            "group_id": str(world.group_id),
            "description": "Snacks",
            "amount": "10.00",
            "currency": "USD",
            "split": {
                "entries": [
                    {"member_id": str(world.owner.member_id)},
                    {"member_id": str(world.member.member_id)},
                ]
            },
        },
    )
    converted = await client.get(
        f"{API}/groups/{world.group_id}/balances/converted",
        params={"in": "EUR"},
        headers=world.viewer.headers,
    )
    assert converted.status_code == 200, converted.text
    answer = converted.json()
    by_member = {b["member_id"]: b["balance"] for b in answer["balances"]}
    # EUR: owner +30 − 9 (half the taxi) = 21, member −30 + 18 − 9 = −21; and the owner is
    # owed 5.00 USD by the member: 5 × 0.9 = 4.50 EUR.
    assert by_member[str(world.owner.member_id)] == "25.50"
    assert by_member[str(world.member.member_id)] == "-25.50"
    assert sum(Decimal(v) for v in by_member.values()) == 0
    assert [(r["currency"], r["rate"], r["source"]) for r in answer["rates"]] == [
        ("USD", "0.9", "manual")
    ]

    suggestion = await client.get(
        f"{API}/groups/{world.group_id}/settle-up",
        params={"in": "EUR"},
        headers=world.viewer.headers,
    )
    assert [(t["amount"], t["currency"]) for t in suggestion.json()["transfers"]] == [
        ("25.50", "EUR")
    ]
    recorded = await client.post(
        f"{API}/groups/{world.group_id}/settle-up", headers=world.member.headers, json={"in": "EUR"}
    )
    assert recorded.status_code == 201, recorded.text
    assert [(t["kind"], t["currency"]) for t in recorded.json()] == [
        ("conversion", "EUR"),
        ("conversion", "USD"),
        ("transfer", "EUR"),
    ]
    left = (
        await client.get(f"{API}/groups/{world.group_id}/balances", headers=world.viewer.headers)
    ).json()
    assert all(Decimal(b["balance"]) == 0 for b in left)


async def test_a_currency_without_a_rate_is_a_404_naming_it(
    client: httpx.AsyncClient, world: Any
) -> None:
    answer = await client.get(
        f"{API}/groups/{world.group_id}/balances/converted",
        params={"in": "XAF", "date": "2026-06-01"},
        headers=world.viewer.headers,
    )
    body = assert_problem(answer, 404)
    assert "XAF" in body["detail"]
    assert "2026-06-01" in body["detail"]
    conversion_by_hand = await client.post(
        f"{API}/transactions",
        headers=world.owner.headers,
        json={
            "group_id": str(world.group_id),
            "kind": "conversion",
            "description": "x",
            "amount": "1.00",
        },
    )
    body = assert_problem(conversion_by_hand, 422)
    assert body["errors"][0]["loc"] == ["kind"]


async def test_balances_in_a_currency_redirect_to_the_converted_route(
    client: httpx.AsyncClient, world: Any
) -> None:
    base = f"{API}/groups/{world.group_id}/balances"
    query = {"in": "EUR", "date": "2026-06-01"}
    redirected = await client.get(base, params=query, headers=world.viewer.headers)
    assert redirected.status_code == 307
    assert redirected.headers["location"] == f"{base}/converted?in=EUR&date=2026-06-01"
    followed = await client.get(
        base, params=query, headers=world.viewer.headers, follow_redirects=True
    )
    assert followed.status_code == 200, followed.text
    owed = {b["member_id"]: b["balance"] for b in followed.json()["balances"]}
    assert owed[str(world.owner.member_id)] == "30.00"
    assert owed[str(world.member.member_id)] == "-30.00"
    direct = await client.get(f"{base}/converted", params=query, headers=world.viewer.headers)
    assert followed.json() == direct.json()


async def test_balances_refuse_a_currency_with_in_and_a_date_without_it(
    client: httpx.AsyncClient, world: Any
) -> None:
    base = f"{API}/groups/{world.group_id}/balances"
    body = assert_problem(
        await client.get(
            base, params={"in": "EUR", "currency": "USD"}, headers=world.viewer.headers
        ),
        422,
    )
    assert body["errors"][0]["loc"] == ["currency"]
    body = assert_problem(
        await client.get(base, params={"date": "2026-06-01"}, headers=world.viewer.headers), 422
    )
    assert body["errors"][0]["loc"] == ["date"]
    assert "in" in body["errors"][0]["msg"]
