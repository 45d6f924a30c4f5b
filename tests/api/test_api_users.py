"""``PATCH /users/me``: renaming yourself, as the CLI's ``config set name`` does remotely."""

from __future__ import annotations

from typing import Any

import httpx
from apitools import API
from test_api_flow import sign_up


class TestRenameYourself:
    async def test_your_account_and_your_members_take_the_new_name(
        self, client: httpx.AsyncClient
    ) -> None:
        ann = await sign_up(client, "ann")
        h = {"Authorization": ann["auth"]}
        old = (await client.get(f"{API}/users/me", headers=h)).json()["display_name"]
        gid = (await client.post(f"{API}/groups", headers=h, json={"name": "Flat"})).json()["id"]
        other = (await client.post(f"{API}/groups", headers=h, json={"name": "Trip"})).json()
        # In Trip another member already has the new name: yours keeps the old one there.
        added = await client.post(
            f"{API}/groups/{other['id']}/members", headers=h, json={"display_name": "Ann Smith"}
        )
        assert added.status_code == 201, added.text

        renamed = await client.patch(
            f"{API}/users/me", headers=h, json={"display_name": "  Ann Smith "}
        )
        assert renamed.status_code == 200, renamed.text
        body = renamed.json()
        assert body["user"]["display_name"] == "Ann Smith"
        assert body["unchanged_in"] == ["Trip"]
        assert (await client.get(f"{API}/users/me", headers=h)).json()["display_name"] == (
            "Ann Smith"
        )
        names = _names(await client.get(f"{API}/groups/{gid}/members", headers=h))
        assert "Ann Smith" in names
        assert old not in names
        assert old in _names(await client.get(f"{API}/groups/{other['id']}/members", headers=h))

    async def test_a_bad_name_is_a_422_naming_the_field_and_changes_nothing(
        self, client: httpx.AsyncClient
    ) -> None:
        ann = await sign_up(client, "ann")
        h = {"Authorization": ann["auth"]}
        before = (await client.get(f"{API}/users/me", headers=h)).json()
        for body in ({"display_name": "   "}, {"display_name": "a\x1bb"}, {"email": "x@y.z"}, {}):
            answer = await client.patch(f"{API}/users/me", headers=h, json=body)
            assert answer.status_code == 422, (body, answer.text)
            assert "display_name" in answer.text or "email" in answer.text
        assert (await client.get(f"{API}/users/me", headers=h)).json() == before

    async def test_a_read_only_token_may_not_rename(
        self, client: httpx.AsyncClient, make_actor: Any, api_token_for: Any
    ) -> None:
        actor = await make_actor("Ann")
        token = await api_token_for(actor, "read")
        answer = await client.patch(
            f"{API}/users/me",
            headers={"Authorization": f"Bearer {token}"},
            json={"display_name": "Someone"},
        )
        assert answer.status_code == 403, answer.text
        assert (
            await client.patch(f"{API}/users/me", json={"display_name": "X"})
        ).status_code == 401


def _names(answer: httpx.Response) -> list[str]:
    assert answer.status_code == 200, answer.text
    return [m["display_name"] for m in answer.json()]
