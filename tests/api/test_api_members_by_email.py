"""``POST /groups/{id}/members {"email": …}``: an invite, never a membership, and no oracle.

A group owner used to be able to add any registered user by email and book a debt on them
that they could neither leave nor settle; the same route told whether an email had an
account. Now it makes a placeholder and an invite addressed to the email, and answers the
same whoever the email belongs to.
"""

from __future__ import annotations

import secrets
from typing import Any

import httpx
from apitools import API, unique_email


def auth(actor: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {actor.token}"}


async def make_group(client: httpx.AsyncClient, owner: Any) -> tuple[str, str]:
    created = await client.post(
        f"{API}/groups", headers=auth(owner), json={"name": "Trap", "default_currency": "EUR"}
    )
    assert created.status_code == 201, created.text
    return created.json()["id"], created.json()["my_member_id"]


async def test_a_registered_user_owes_nothing_until_they_accept(
    client: httpx.AsyncClient, make_actor: Any
) -> None:
    owner, victim = await make_actor("owner"), await make_actor("victim")
    gid, mine = await make_group(client, owner)
    added = await client.post(
        f"{API}/groups/{gid}/members", headers=auth(owner), json={"email": victim.email}
    )
    assert added.status_code == 201, added.text
    assert (added.json()["is_placeholder"], added.json()["user_id"]) == (True, None)
    them = added.json()["id"]
    debt = await client.post(
        f"{API}/transactions",
        headers=auth(owner),
        json={
            "group_id": gid,
            "description": "Nothing you ever agreed to",
            "amount": "900.00",
            "paid_by": [{"member_id": mine}],
            "split": {"mode": "exact", "entries": [{"member_id": them, "amount": "900.00"}]},
        },
    )
    assert debt.status_code == 201, debt.text

    hv = auth(victim)
    assert (await client.get(f"{API}/groups", headers=hv)).json() == []
    assert (await client.get(f"{API}/groups/{gid}", headers=hv)).status_code == 404
    assert (await client.get(f"{API}/groups/{gid}/balances", headers=hv)).status_code == 404
    assert (await client.get(f"{API}/users/me/summary", headers=hv)).json()["rows"] == []
    (invite,) = (await client.get(f"{API}/invites", headers=hv)).json()
    assert (invite["group_id"], invite["member_id"], invite["display_name"]) == (
        gid,
        them,
        victim.email.split("@")[0],
    )

    declined = await client.post(f"{API}/invites/{invite['id']}/decline", headers=hv)
    assert declined.status_code == 204, declined.text
    assert (await client.get(f"{API}/invites", headers=hv)).json() == []
    again = await client.post(f"{API}/invites/{invite['id']}/accept", headers=hv)
    assert again.status_code == 409
    assert (await client.get(f"{API}/groups", headers=hv)).json() == []


async def test_accepting_takes_the_placeholder_and_its_balance(
    client: httpx.AsyncClient, make_actor: Any
) -> None:
    owner, friend = await make_actor("owner"), await make_actor("friend")
    gid, mine = await make_group(client, owner)
    added = await client.post(
        f"{API}/groups/{gid}/members",
        headers=auth(owner),
        json={"email": friend.email.upper(), "display_name": "Fran"},
    )
    them = added.json()["id"]
    await client.post(
        f"{API}/transactions",
        headers=auth(owner),
        json={"group_id": gid, "description": "Lunch", "amount": "20.00"},
    )
    hf = auth(friend)
    (invite,) = (await client.get(f"{API}/invites", headers=hf)).json()
    someone_else = await make_actor("eve")
    stolen = await client.post(f"{API}/invites/{invite['id']}/accept", headers=auth(someone_else))
    assert stolen.status_code == 404
    accepted = await client.post(f"{API}/invites/{invite['id']}/accept", headers=hf)
    assert accepted.status_code == 200, accepted.text
    assert (accepted.json()["id"], accepted.json()["display_name"]) == (them, "Fran")
    balances = (await client.get(f"{API}/groups/{gid}/balances", headers=hf)).json()
    assert {b["member_id"]: b["balance"] for b in balances} == {mine: "10.00", them: "-10.00"}


async def test_a_registered_and_an_unknown_email_get_the_same_answer(
    client: httpx.AsyncClient, make_actor: Any
) -> None:
    owner, registered = await make_actor("owner"), await make_actor("known")
    gid, _ = await make_group(client, owner)
    emails = {
        "registered": registered.email,
        "unknown": unique_email(f"nobody{secrets.token_hex(2)}"),
        "already a member": owner.email,
    }
    answers = {
        label: await client.post(
            f"{API}/groups/{gid}/members",
            headers=auth(owner),
            json={"email": email, "display_name": f"Person {n}", "role": "viewer"},
        )
        for n, (label, email) in enumerate(emails.items())
    }

    def shape(response: httpx.Response) -> tuple[object, ...]:
        body = response.json()
        varying = {"id", "created_at", "display_name"}
        return (
            response.status_code,
            response.headers["content-type"],
            sorted(set(response.headers) - {"content-length"}),
            {k: v for k, v in body.items() if k not in varying},
            sorted(body),
        )

    shapes = {label: shape(response) for label, response in answers.items()}
    assert shapes["registered"] == shapes["unknown"] == shapes["already a member"]
    assert shapes["unknown"][0] == 201
