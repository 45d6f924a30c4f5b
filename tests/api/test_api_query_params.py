"""Query parameters, as a new user tries them (issue 17, items 9, 11 and 15), on both databases.

* ``?search=`` filters the transactions (``?text=``, its older name, still does); an unknown
  query parameter is a 422 problem naming it, on every route of the API — not ignored.
* ``?id_prefix=`` finds a transaction by the start of its id (``tx show 3f2a9c1e``);
  a prefix that is not hex is a 422 naming ``id_prefix``.
* An expense with no split is shared by every member but the viewers; a split naming a
  viewer still counts them.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from apitools import API, World, assert_problem, fill_path
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts


async def _add(client: httpx.AsyncClient, world: World, description: str, **extra: Any) -> Any:
    body = {"group_id": str(world.group_id), "description": description, "amount": "10.00"}
    response = await client.post(
        f"{API}/transactions", headers=world.owner.headers, json={**body, **extra}
    )
    assert response.status_code == 201, response.text
    return response.json()


async def _list(client: httpx.AsyncClient, world: World, **params: str) -> httpx.Response:
    return await client.get(
        f"{API}/transactions",
        headers=world.owner.headers,
        params={"group_id": str(world.group_id), **params},
    )


class TestSearch:
    async def test_search_filters(self, client: httpx.AsyncClient, world: World):
        taxi = await _add(client, world, "Taxi to the airport")
        await _add(client, world, "Groceries")
        response = await _list(client, world, search="TAXI")
        assert response.status_code == 200, response.text
        assert [t["id"] for t in response.json()["items"]] == [taxi["id"]]

    async def test_text_is_still_accepted(self, client: httpx.AsyncClient, world: World):
        taxi = await _add(client, world, "Taxi home")
        response = await _list(client, world, text="taxi")
        assert [t["id"] for t in response.json()["items"]] == [taxi["id"]]

    async def test_the_schema_names_search(self, app: FastAPI):
        operation = app.openapi()["paths"][f"{API}/transactions"]["get"]
        names = {p["name"] for p in operation["parameters"]}
        assert {"search", "id_prefix"} <= names
        assert "text" not in names


def _schema_routes(app: FastAPI) -> list[tuple[str, str]]:
    return sorted(
        (method, context.path or "")
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute) and context.original_route.include_in_schema
        for method in context.methods or ()
    )


class TestUnknownQueryParameters:
    async def test_a_misspelt_filter_is_a_422_naming_it(
        self, client: httpx.AsyncClient, world: World
    ):
        response = await _list(client, world, serch="taxi")
        body = assert_problem(response, 422)
        assert body["errors"][0]["loc"] == ["query", "serch"]
        assert "serch" in body["detail"]
        assert "search" in body["errors"][0]["msg"]  # it says what the operation takes

    async def test_every_route_refuses_one(self, app: FastAPI, client: httpx.AsyncClient):
        routes = _schema_routes(app)
        assert len(routes) >= 40
        for method, path in routes:
            response = await client.request(
                method, fill_path(path), params={"no_such_param": "1"}, headers={}
            )
            body = assert_problem(response, 422)
            assert body["errors"] == [
                {"loc": ["query", "no_such_param"], "msg": body["errors"][0]["msg"]}
            ], f"{method} {path}"

    async def test_declared_parameters_still_pass(self, client: httpx.AsyncClient, world: World):
        response = await _list(client, world, limit="5", deleted="include", kind="expense")
        assert response.status_code == 200, response.text


class TestIdPrefix:
    async def test_finds_by_the_start_of_the_id(self, client: httpx.AsyncClient, world: World):
        made = [await _add(client, world, f"Coffee {i}") for i in range(3)]
        for tx in made:
            for prefix in (tx["id"][:8], tx["id"][:8].upper(), tx["id"][:13], tx["id"]):
                response = await _list(client, world, id_prefix=prefix, deleted="include")
                assert response.status_code == 200, response.text
                assert [t["id"] for t in response.json()["items"]] == [tx["id"]], prefix

    async def test_a_one_digit_prefix(self, client: httpx.AsyncClient, world: World):
        for i in range(6):
            await _add(client, world, f"Tea {i}")
        every = [t["id"] for t in (await _list(client, world, limit="200")).json()["items"]]
        assert len(every) == 7
        for digit in "0123456789abcdef":
            response = await _list(client, world, id_prefix=digit, limit="200")
            found = [t["id"] for t in response.json()["items"]]
            assert found == [i for i in every if i.startswith(digit)], digit

    async def test_no_match_is_an_empty_page(self, client: httpx.AsyncClient, world: World):
        tx = await _add(client, world, "Bread")
        other = "0" if tx["id"][0] != "0" else "1"
        wrong = other + tx["id"][1:8]
        response = await _list(client, world, id_prefix=wrong)
        assert all(not t["id"].startswith(wrong) for t in response.json()["items"])
        assert tx["id"] not in {t["id"] for t in response.json()["items"]}

    @pytest.mark.parametrize("bad", ["xyz", "3f2a 9c", "-", "0" * 33, "g1"])
    async def test_not_hex_is_a_422(self, client: httpx.AsyncClient, world: World, bad: str):
        body = assert_problem(await _list(client, world, id_prefix=bad), 422)
        assert body["errors"][0]["loc"] == ["query", "id_prefix"], body

    async def test_outside_your_groups_finds_nothing(self, client: httpx.AsyncClient, world: World):
        prefix = str(world.transaction_id)[:8]
        response = await client.get(
            f"{API}/transactions", headers=world.outsider.headers, params={"id_prefix": prefix}
        )
        assert response.status_code == 200
        assert response.json()["items"] == []


class TestViewersAndTheDefaultSplit:
    async def test_a_viewer_is_not_in_the_default_split(
        self, client: httpx.AsyncClient, world: World
    ):
        tx = await _add(client, world, "Hotel", amount="100.00")
        owed = {e["member_id"]: e["owed"] for e in tx["entries"] if e["owed"] != "0.00"}
        assert str(world.viewer.member_id) not in owed
        # owner, admin, member and the two placeholders: 100.00 five ways
        assert sorted(owed.values()) == ["20.00"] * 5
        assert str(world.viewer.member_id) not in {e["member_id"] for e in tx["split"]["entries"]}
        balances = await client.get(
            f"{API}/groups/{world.group_id}/balances", headers=world.owner.headers
        )
        viewer = [b for b in balances.json() if b["member_id"] == str(world.viewer.member_id)]
        assert all(b["balance"] == "0.00" for b in viewer), viewer

    async def test_a_viewer_named_in_the_split_shares(
        self, client: httpx.AsyncClient, world: World
    ):
        tx = await _add(
            client,
            world,
            "Museum",
            amount="30.00",
            split={
                "mode": "equal",
                "entries": [
                    {"member_id": str(world.owner.member_id)},
                    {"member_id": str(world.viewer.member_id)},
                ],
            },
        )
        owed = {e["member_id"]: e["owed"] for e in tx["entries"]}
        assert owed[str(world.viewer.member_id)] == "15.00"
