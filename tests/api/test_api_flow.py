"""The whole journey through the API, as a client would make it, on both databases.

Sign up, sign in, make a group, add people, record an expense in every split mode (and an
income, a transfer, several payers), read balances, settle up, read the activity log.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from decimal import Decimal
from typing import Any

import httpx
from apitools import API

PASSWORD = "correct horse battery staple"


async def sign_up(client: httpx.AsyncClient, name: str) -> dict[str, str]:
    email = f"{name}-{secrets.token_hex(4)}@example.org"
    registered = await client.post(
        f"{API}/auth/register",
        json={"email": email, "password": PASSWORD, "display_name": name.title()},
    )
    assert registered.status_code == 201, registered.text
    assert "password" not in registered.text
    token = await client.post(f"{API}/auth/token", data={"username": email, "password": PASSWORD})
    assert token.status_code == 200, token.text
    assert token.headers["cache-control"] == "no-store"
    pair = token.json()
    assert pair["token_type"] == "bearer"
    return {
        "email": email,
        "access": pair["access_token"],
        "refresh": pair["refresh_token"],
        "auth": f"Bearer {pair['access_token']}",
    }


def entries_by_member(tx: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {e["member_id"]: (e["paid"], e["owed"]) for e in tx["entries"]}


class TestJourney:
    async def test_sign_up_to_settle_up(self, client: httpx.AsyncClient):
        ann = await sign_up(client, "ann")
        bob = await sign_up(client, "bob")
        h = {"Authorization": ann["auth"]}

        me = (await client.get(f"{API}/users/me", headers=h)).json()
        assert me["email"] == ann["email"]

        created = await client.post(
            f"{API}/groups", headers=h, json={"name": "Lisbon", "default_currency": "EUR"}
        )
        assert created.status_code == 201, created.text
        group = created.json()
        gid = group["id"]
        assert group["my_role"] == "owner"
        assert created.headers["etag"] == f'"{group["version"]}"'
        assert created.headers["location"] == f"{API}/groups/{gid}"
        a = group["my_member_id"]

        added = await client.post(
            f"{API}/groups/{gid}/members", headers=h, json={"email": bob["email"]}
        )
        assert added.status_code == 201, added.text
        b = added.json()["id"]
        assert added.json()["is_placeholder"] is True  # Bob is not in the group until he says yes
        hb = {"Authorization": bob["auth"]}
        (invite,) = (await client.get(f"{API}/invites", headers=hb)).json()
        assert (invite["group_id"], invite["member_id"]) == (gid, b)
        accepted = await client.post(f"{API}/invites/{invite['id']}/accept", headers=hb)
        assert accepted.status_code == 200, accepted.text
        assert (accepted.json()["id"], accepted.json()["is_placeholder"]) == (b, False)
        placeholder = await client.post(
            f"{API}/groups/{gid}/members", headers=h, json={"display_name": "Cleo"}
        )
        assert placeholder.status_code == 201
        c = placeholder.json()["id"]
        assert placeholder.json()["is_placeholder"] is True
        listed = (await client.get(f"{API}/groups/{gid}/members", headers=h)).json()
        assert [m["id"] for m in listed] == [a, b, c]

        async def add(body: dict[str, Any]) -> dict[str, Any]:
            response = await client.post(
                f"{API}/transactions", headers=h, json={"group_id": gid, **body}
            )
            assert response.status_code == 201, response.text
            assert response.headers["etag"] == '"1"'
            return response.json()

        equal = await add({"description": "Dinner", "amount": "90.00", "category": "food"})
        assert equal["split"]["mode"] == "equal"
        assert entries_by_member(equal) == {
            a: ("90.00", "30.00"),
            b: ("0.00", "30.00"),
            c: ("0.00", "30.00"),
        }
        shares = await add(
            {
                "description": "Taxi",
                "amount": "30.00",
                "split": {
                    "mode": "shares",
                    "entries": [{"member_id": a, "shares": "2"}, {"member_id": b, "shares": "1"}],
                },
            }
        )
        assert entries_by_member(shares)[b] == ("0.00", "10.00")
        percent = await add(
            {
                "description": "Museum",
                "amount": "10.00",
                "split": {
                    "mode": "percent",
                    "entries": [
                        {"member_id": a, "percent": "50"},
                        {"member_id": b, "percent": "25"},
                        {"member_id": c, "percent": "25"},
                    ],
                },
            }
        )
        assert entries_by_member(percent)[c] == ("0.00", "2.50")
        exact = await add(
            {
                "description": "Tickets",
                "amount": "12.00",
                "paid_by": [{"member_id": b}],
                "split": {
                    "mode": "exact",
                    "entries": [
                        {"member_id": a, "amount": "2.00"},
                        {"member_id": b, "amount": "10.00"},
                    ],
                },
            }
        )
        assert entries_by_member(exact)[b] == ("12.00", "10.00")
        adjustment = await add(
            {
                "description": "Wine",
                "amount": "9.00",
                "split": {
                    "mode": "adjustment",
                    "entries": [
                        {"member_id": a},
                        {"member_id": b, "amount": "3.00"},
                        {"member_id": c},
                    ],
                },
            }
        )
        assert entries_by_member(adjustment)[b] == ("0.00", "5.00")
        two_payers = await add(
            {
                "description": "Groceries",
                "amount": "40.00",
                "paid_by": [
                    {"member_id": a, "amount": "25.00"},
                    {"member_id": b, "amount": "15.00"},
                ],
            }
        )
        assert sum(Decimal(e["paid"]) for e in two_payers["entries"]) == Decimal("40.00")
        income = await add({"kind": "income", "description": "Deposit back", "amount": "30.00"})
        assert entries_by_member(income)[a] == ("10.00", "30.00")
        transfer = await add(
            {
                "kind": "transfer",
                "description": "Cash",
                "amount": "5.00",
                "currency": "USD",
                "paid_by": [{"member_id": b}],
                "split": {"mode": "equal", "entries": [{"member_id": a}]},
            }
        )
        assert transfer["currency"] == "USD"

        balances = (await client.get(f"{API}/groups/{gid}/balances", headers=h)).json()
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for row in balances:
            totals[row["currency"]] += Decimal(row["balance"])
            assert {"member_id", "display_name", "currency", "balance"} <= row.keys()
        assert totals == {"EUR": Decimal(0), "USD": Decimal(0)}
        verify = (await client.get(f"{API}/groups/{gid}/balances/verify", headers=h)).json()
        assert verify["ok"] is True

        suggestion = (await client.get(f"{API}/groups/{gid}/settle-up", headers=h)).json()
        assert suggestion["proven_minimal"] is True
        assert suggestion["transfers"]
        assert all(Decimal(t["amount"]) > 0 for t in suggestion["transfers"])
        recorded = await client.post(f"{API}/groups/{gid}/settle-up", headers=h, json={})
        assert recorded.status_code == 201, recorded.text
        assert len(recorded.json()) == len(suggestion["transfers"])
        after = (await client.get(f"{API}/groups/{gid}/balances", headers=h)).json()
        assert all(Decimal(row["balance"]) == 0 for row in after)
        again = (await client.get(f"{API}/groups/{gid}/settle-up", headers=h)).json()
        assert again["transfers"] == []

        # The activity log, two at a time, newest first, until the end.
        seen: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"limit": 2}
            if cursor:
                params["cursor"] = cursor
            page = (
                await client.get(f"{API}/groups/{gid}/activity", headers=h, params=params)
            ).json()
            seen.extend(page["items"])
            cursor = page["next_cursor"]
            if cursor is None:
                break
        actions = [item["action"] for item in seen]
        assert actions[-1] == "group.create"
        assert actions.count("transaction.create") == 8 + len(suggestion["transfers"])
        assert actions.count("member.add") == 2
        assert len({item["id"] for item in seen}) == len(seen)

        # Bob sees the group and his share of spending.
        hb = {"Authorization": bob["auth"]}
        assert [g["id"] for g in (await client.get(f"{API}/groups", headers=hb)).json()] == [gid]
        summary = await client.get(f"{API}/users/me/summary", headers=hb, params={"by": "category"})
        assert summary.status_code == 200
        assert summary.json()["by"] == "category"

        # Transactions across groups, filtered, a page at a time.
        page = (
            await client.get(f"{API}/transactions", headers=h, params={"group_id": gid, "limit": 3})
        ).json()
        assert len(page["items"]) == 3
        assert page["next_cursor"]
        food = (
            await client.get(f"{API}/transactions", headers=h, params={"category": "food"})
        ).json()
        assert [t["id"] for t in food["items"]] == [equal["id"]]

    async def test_refresh_and_logout(self, client: httpx.AsyncClient):
        ann = await sign_up(client, "ann")
        refreshed = await client.post(f"{API}/auth/refresh", json={"refresh_token": ann["refresh"]})
        assert refreshed.status_code == 200, refreshed.text
        assert refreshed.headers["cache-control"] == "no-store"
        pair = refreshed.json()
        # The old refresh token is spent: using it again ends the family (and is kept so).
        reused = await client.post(f"{API}/auth/refresh", json={"refresh_token": ann["refresh"]})
        assert reused.status_code == 401
        revoked = await client.post(
            f"{API}/auth/refresh", json={"refresh_token": pair["refresh_token"]}
        )
        assert revoked.status_code == 401

        other = await sign_up(client, "ann2")
        out = await client.post(f"{API}/auth/logout", json={"refresh_token": other["refresh"]})
        assert out.status_code == 204
        after = await client.post(f"{API}/auth/refresh", json={"refresh_token": other["refresh"]})
        assert after.status_code == 401

    async def test_wrong_password_is_401_and_counted(self, client: httpx.AsyncClient):
        ann = await sign_up(client, "ann")
        wrong = await client.post(
            f"{API}/auth/token", data={"username": ann["email"], "password": "not it at all"}
        )
        assert wrong.status_code == 401
        unknown = await client.post(
            f"{API}/auth/token", data={"username": "nobody@example.org", "password": "whatever1"}
        )
        assert unknown.status_code == 401
        assert wrong.json()["detail"] == unknown.json()["detail"]

    async def test_api_tokens(self, client: httpx.AsyncClient):
        ann = await sign_up(client, "ann")
        h = {"Authorization": ann["auth"]}
        created = await client.post(
            f"{API}/auth/api-tokens", headers=h, json={"name": "backup", "scope": "read"}
        )
        assert created.status_code == 201, created.text
        assert created.headers["cache-control"] == "no-store"
        token = created.json()
        listed = (await client.get(f"{API}/auth/api-tokens", headers=h)).json()
        assert [t["id"] for t in listed] == [token["id"]]
        assert "token" not in listed[0]
        script = {"Authorization": f"Bearer {token['token']}"}
        assert (await client.get(f"{API}/users/me", headers=script)).status_code == 200
        revoked = await client.delete(f"{API}/auth/api-tokens/{token['id']}", headers=h)
        assert revoked.status_code == 204
        assert (await client.get(f"{API}/users/me", headers=script)).status_code == 401

    async def test_invite_claims_a_placeholder(self, client: httpx.AsyncClient):
        ann = await sign_up(client, "ann")
        cleo = await sign_up(client, "cleo")
        h = {"Authorization": ann["auth"]}
        gid = (await client.post(f"{API}/groups", headers=h, json={"name": "Flat"})).json()["id"]
        placeholder = (
            await client.post(f"{API}/groups/{gid}/members", headers=h, json={"display_name": "C"})
        ).json()
        invite = await client.post(
            f"{API}/groups/{gid}/invites", headers=h, json={"member_id": placeholder["id"]}
        )
        assert invite.status_code == 201, invite.text
        token = invite.json()["token"]
        hc = {"Authorization": cleo["auth"]}
        accepted = await client.post(f"{API}/invites/accept", headers=hc, json={"token": token})
        assert accepted.status_code == 200, accepted.text
        assert accepted.json()["id"] == placeholder["id"]
        assert accepted.json()["is_placeholder"] is False
        assert (await client.get(f"{API}/groups/{gid}", headers=hc)).status_code == 200
        twice = await client.post(f"{API}/invites/accept", headers=hc, json={"token": token})
        assert twice.status_code == 409

    async def test_password_change_ends_sessions(self, client: httpx.AsyncClient):
        ann = await sign_up(client, "ann")
        h = {"Authorization": ann["auth"]}
        wrong = await client.post(
            f"{API}/auth/password",
            headers=h,
            json={"current_password": "nope", "new_password": "another long passphrase"},
        )
        assert wrong.status_code == 422
        assert wrong.json()["errors"][0]["loc"] == ["current_password"]
        changed = await client.post(
            f"{API}/auth/password",
            headers=h,
            json={"current_password": PASSWORD, "new_password": "another long passphrase"},
        )
        assert changed.status_code == 204, changed.text
        assert (await client.get(f"{API}/users/me", headers=h)).status_code == 401
        relogin = await client.post(
            f"{API}/auth/token",
            data={"username": ann["email"], "password": "another long passphrase"},
        )
        assert relogin.status_code == 200

    async def test_failed_logins_are_throttled(self, client: httpx.AsyncClient):
        ann = await sign_up(client, "ann")
        statuses = []
        for _ in range(12):
            response = await client.post(
                f"{API}/auth/token", data={"username": ann["email"], "password": "wrong guess"}
            )
            statuses.append(response.status_code)
        assert statuses[0] == 401
        assert statuses[-1] == 429
        assert int(response.headers["retry-after"]) >= 1
        assert response.json()["type"].endswith("/rate-limited")
        # Even the right password waits now.
        right = await client.post(
            f"{API}/auth/token", data={"username": ann["email"], "password": PASSWORD}
        )
        assert right.status_code == 429
