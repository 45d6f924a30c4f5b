"""The security sweeps: every route, not a sample.

* Every route but the few public ones answers 401 problem+json without a token (and with a
  garbage one), with ``WWW-Authenticate: Bearer``.
* Every route that takes an id answers 404 to a user outside the group, exactly like a
  random id.
* Every mutating route is in the role matrix (the test fails when a new one is not): below
  its minimum role a member gets 403, at or above it the operation succeeds.
* A read-scope API token gets 403 from every mutating route.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from apitools import API, World, api_routes, assert_problem, fill_path, route_key, valid_request
from fastapi import FastAPI

from pennywise_core.models import Role

PUBLIC = {
    f"POST {API}/auth/register",
    f"POST {API}/auth/token",
    f"POST {API}/auth/refresh",
    f"POST {API}/auth/logout",
    f"POST {API}/auth/google",
}

MUTATING = {"POST", "PATCH", "DELETE", "PUT"}

# The least role that may call each group-scoped mutating route (on the world's group, and
# on a transaction the owner created). None: not about a group role (any signed-in user).
ROLE_MATRIX: dict[str, Role | None] = {
    f"POST {API}/groups": None,
    f"PATCH {API}/groups/{{group_id}}": Role.ADMIN,
    f"DELETE {API}/groups/{{group_id}}": Role.OWNER,
    f"POST {API}/groups/{{group_id}}/members": Role.ADMIN,
    f"PATCH {API}/groups/{{group_id}}/members/{{member_id}}": Role.ADMIN,
    f"DELETE {API}/groups/{{group_id}}/members/{{member_id}}": Role.ADMIN,
    f"POST {API}/groups/{{group_id}}/invites": Role.ADMIN,
    f"POST {API}/groups/{{group_id}}/settle-up": Role.MEMBER,
    f"POST {API}/groups/{{group_id}}/rates": Role.ADMIN,
    f"DELETE {API}/groups/{{group_id}}/rates/{{rate_id}}": Role.ADMIN,
    f"POST {API}/groups/{{group_id}}/imports": Role.MEMBER,
    f"POST {API}/groups/{{group_id}}/recurring": Role.MEMBER,
    # The world's rule is the owner's: others change it as admins (their own as members).
    f"PATCH {API}/groups/{{group_id}}/recurring/{{rule_id}}": Role.ADMIN,
    f"DELETE {API}/groups/{{group_id}}/recurring/{{rule_id}}": Role.ADMIN,
    f"POST {API}/groups/{{group_id}}/recurring/{{rule_id}}/pause": Role.ADMIN,
    f"POST {API}/groups/{{group_id}}/recurring/{{rule_id}}/resume": Role.ADMIN,
    f"POST {API}/groups/{{group_id}}/recurring/{{rule_id}}/end": Role.ADMIN,
    f"POST {API}/groups/{{group_id}}/webhooks": Role.ADMIN,
    f"PATCH {API}/groups/{{group_id}}/webhooks/{{webhook_id}}": Role.ADMIN,
    f"DELETE {API}/groups/{{group_id}}/webhooks/{{webhook_id}}": Role.ADMIN,
    f"POST {API}/groups/{{group_id}}/webhooks/{{webhook_id}}/rotate-secret": Role.ADMIN,
    f"POST {API}/groups/{{group_id}}/webhooks/{{webhook_id}}/deliveries/{{delivery_id}}"
    "/redeliver": Role.ADMIN,
    f"POST {API}/transactions": Role.MEMBER,
    f"PATCH {API}/transactions/{{transaction_id}}": Role.ADMIN,
    f"DELETE {API}/transactions/{{transaction_id}}": Role.ADMIN,
    f"POST {API}/transactions/{{transaction_id}}/restore": Role.ADMIN,
    f"POST {API}/invites/accept": None,
    f"POST {API}/invites/{{invite_id}}/accept": None,
    f"POST {API}/invites/{{invite_id}}/decline": None,
    f"PATCH {API}/users/me": None,
    f"POST {API}/auth/logout-all": None,
    f"POST {API}/auth/password": None,
    f"POST {API}/auth/api-tokens": None,
    f"DELETE {API}/auth/api-tokens/{{token_id}}": None,
}


def _mutating_keys(app: FastAPI) -> set[str]:
    return {
        route_key(method, route)
        for method, route in api_routes(app)
        if method in MUTATING and route_key(method, route) not in PUBLIC
    }


class TestAnonymous:
    async def test_every_route_needs_a_token(self, app: FastAPI, client: httpx.AsyncClient):
        checked = 0
        for method, route in api_routes(app):
            key = route_key(method, route)
            if key in PUBLIC:
                continue
            for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "x"}):
                response = await client.request(
                    method, fill_path(route.path or ""), headers=headers, json=None
                )
                body = assert_problem(response, 401)
                assert response.headers["www-authenticate"] == "Bearer", key
                assert body["type"].endswith("/authentication-failed"), key
            checked += 1
        assert checked >= 25

    def test_public_routes_exist(self, app: FastAPI):
        keys = {route_key(method, route) for method, route in api_routes(app)}
        assert keys >= PUBLIC


class TestOutsider:
    async def test_every_id_taking_route_is_404(
        self, app: FastAPI, client: httpx.AsyncClient, world: World
    ):
        checked = []
        for method, route in api_routes(app):
            key = route_key(method, route)
            if "{" not in (route.path or ""):
                continue
            response = await client.request(
                method,
                fill_path(route.path or "", world),
                headers=world.outsider.headers,
                **valid_request(key, world),
            )
            body = assert_problem(response, 404)
            assert body["type"].endswith("/not-found"), key
            checked.append(key)
        assert len(checked) >= 15

    async def test_a_random_id_looks_the_same(self, client: httpx.AsyncClient, world: World):
        mine = await client.get(f"{API}/groups/{world.group_id}", headers=world.outsider.headers)
        random = await client.get(f"{API}/groups/{uuid.uuid4()}", headers=world.outsider.headers)
        assert mine.status_code == random.status_code == 404
        assert mine.json()["title"] == random.json()["title"]

    async def test_group_id_in_body_or_query(self, client: httpx.AsyncClient, world: World):
        headers = world.outsider.headers
        created = await client.post(
            f"{API}/transactions",
            headers=headers,
            json={"group_id": str(world.group_id), "description": "x", "amount": "1.00"},
        )
        assert_problem(created, 404)
        listed = await client.get(
            f"{API}/transactions", params={"group_id": str(world.group_id)}, headers=headers
        )
        assert_problem(listed, 404)

    async def test_outsider_lists_see_nothing(self, client: httpx.AsyncClient, world: World):
        headers = world.outsider.headers
        assert (await client.get(f"{API}/groups", headers=headers)).json() == []
        page = (await client.get(f"{API}/transactions", headers=headers)).json()
        assert page == {"items": [], "next_cursor": None}


class TestRoleMatrix:
    def test_every_mutating_route_is_in_the_matrix(self, app: FastAPI):
        missing = _mutating_keys(app) - ROLE_MATRIX.keys()
        assert not missing, f"add these routes to ROLE_MATRIX: {sorted(missing)}"
        stale = ROLE_MATRIX.keys() - _mutating_keys(app)
        assert not stale, f"ROLE_MATRIX names routes that do not exist: {sorted(stale)}"

    @pytest.mark.parametrize(
        "key", sorted(k for k, role in ROLE_MATRIX.items() if role is not None)
    )
    async def test_roles(self, key: str, client: httpx.AsyncClient, make_world: Any):
        method, path = key.split(" ", 1)
        least = ROLE_MATRIX[key]
        assert least is not None
        for role in Role:
            world = await make_world()  # fresh: the allowed call changes things
            actor = world.by_role[role]
            response = await client.request(
                method,
                fill_path(path, world),
                headers=actor.headers,
                **valid_request(key, world),
            )
            if role.rank >= least.rank:
                assert response.status_code < 300, f"{role} on {key}: {response.text}"
            else:
                body = assert_problem(response, 403)
                assert body["type"].endswith("/permission-denied"), f"{role} on {key}"


class TestReadOnlyApiToken:
    async def test_every_mutating_route_is_403(
        self, app: FastAPI, client: httpx.AsyncClient, world: World, api_token_for: Any
    ):
        token = await api_token_for(world.owner, "read")
        headers = {"Authorization": f"Bearer {token}"}
        for key in sorted(_mutating_keys(app)):
            method, path = key.split(" ", 1)
            response = await client.request(
                method, fill_path(path, world), headers=headers, **valid_request(key, world)
            )
            body = assert_problem(response, 403)
            assert "read-only" in body["detail"] or "API token" in body["detail"], key

    async def test_it_reads(self, client: httpx.AsyncClient, world: World, api_token_for: Any):
        token = await api_token_for(world.owner, "read")
        response = await client.get(
            f"{API}/groups/{world.group_id}", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 200

    async def test_an_api_token_cannot_mint_api_tokens(
        self, client: httpx.AsyncClient, world: World, api_token_for: Any
    ):
        token = await api_token_for(world.owner, "write")
        response = await client.post(
            f"{API}/auth/api-tokens",
            headers={"Authorization": f"Bearer {token}"},
            json={"name": "more", "scope": "write"},
        )
        assert_problem(response, 403)
