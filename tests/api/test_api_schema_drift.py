"""The schema says exactly what the server accepts (found by schemathesis): a whole number
written as a float is an integer, a weight's pattern refuses zero; and a currency is money
(ISO 4217's "no currency" XXX, the test code XTS and the metals are refused)."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from apitools import API, World, assert_problem
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine
from test_api_text import row_counts, tx_body


def _property(app: FastAPI, schema: str, name: str) -> dict[str, Any]:
    found: dict[str, Any] = app.openapi()["components"]["schemas"][schema]["properties"][name]
    return found


class TestSchemaDrift:
    async def test_a_whole_number_written_as_a_float_is_an_integer(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        h = world.owner.headers
        made = await client.post(
            f"{API}/auth/api-tokens", headers=h, json={"name": "cron", "expires_in_days": 250.0}
        )
        assert made.status_code == 201, made.text
        invite = await client.post(
            f"{API}/groups/{world.group_id}/invites",
            headers=h,
            json={"member_id": str(world.placeholder_id), "expires_in_hours": 373.0},
        )
        assert invite.status_code == 201, invite.text

    @pytest.mark.parametrize("days", [250.5, "250", True])
    async def test_other_non_integers_stay_refused(
        self, client: httpx.AsyncClient, world: World, days: Any
    ) -> None:
        response = await client.post(
            f"{API}/auth/api-tokens",
            headers=world.owner.headers,
            json={"name": "cron", "expires_in_days": days},
        )
        body = assert_problem(response, 422)
        assert [e["loc"] for e in body["errors"]] == [["expires_in_days"]]

    @pytest.mark.parametrize(
        ("weight", "accepted"),
        [
            ("0", False),
            ("0.0", False),
            ("000.000000", False),
            ("0.000001", True),
            ("1", True),
            ("01", True),
            ("2.5", True),
            ("999999999.999999", True),
            ("1234567890", False),
            ("1.1234567", False),
            ("-1", False),
        ],
    )
    async def test_the_weight_pattern_is_what_the_server_takes(
        self, app: FastAPI, client: httpx.AsyncClient, world: World, weight: str, accepted: bool
    ) -> None:
        pattern = _property(app, "MemberUpdate", "weight")["anyOf"][0]["pattern"]
        assert bool(re.fullmatch(pattern, weight)) is accepted
        response = await client.patch(
            f"{API}/groups/{world.group_id}/members/{world.spare_placeholder_id}",
            headers=world.owner.headers,
            json={"weight": weight},
        )
        assert (response.status_code == 200) is accepted, response.text

    @pytest.mark.parametrize(
        ("schema", "name"), [("GroupCreate", "name"), ("ApiTokenCreate", "name")]
    )
    def test_text_fields_state_the_rule(self, app: FastAPI, schema: str, name: str) -> None:
        pattern = _property(app, schema, name)["pattern"]
        assert re.fullmatch(pattern, "Zoë’s trip")
        assert not re.search(pattern, "a\x00b")
        assert not re.search(pattern, "a\x1bb")


class TestMoneyCurrencies:
    @pytest.mark.parametrize("code", ["XXX", "XTS", "XAU"])
    async def test_a_code_that_is_not_money_is_refused(
        self, client: httpx.AsyncClient, world: World, engine: AsyncEngine, code: str
    ) -> None:
        counts = await row_counts(engine)
        response = await client.post(
            f"{API}/transactions", headers=world.owner.headers, json=tx_body(world, currency=code)
        )
        body = assert_problem(response, 422)
        assert [e["loc"] for e in body["errors"]] == [["currency"]]
        assert f"currency {code!r} is not supported" in body["errors"][0]["msg"]
        assert await row_counts(engine) == counts

    async def test_nor_as_a_group_currency(self, client: httpx.AsyncClient, world: World) -> None:
        response = await client.post(
            f"{API}/groups",
            headers=world.owner.headers,
            json={"name": "Points", "default_currency": "XXX"},
        )
        body = assert_problem(response, 422)
        assert [e["loc"] for e in body["errors"]] == [["default_currency"]]


class TestSummaryDates:
    """`date_from`/`date_to` of the summary are ISO dates, as on `GET /transactions`
    (schemathesis found `?date_to=0` answered 200: pydantic's date read 0 as 1970-01-01)."""

    @pytest.mark.parametrize("value", ["0", "1700000000", "2026-13-01"])
    async def test_a_number_or_a_bad_date_is_a_422_naming_it(
        self, client: httpx.AsyncClient, world: World, value: str
    ) -> None:
        got = await client.get(
            f"{API}/users/me/summary", headers=world.owner.headers, params={"date_to": value}
        )
        assert_problem(got, 422)
        assert "date_to" in got.text

    async def test_an_iso_date_is_taken(self, client: httpx.AsyncClient, world: World) -> None:
        got = await client.get(
            f"{API}/users/me/summary",
            headers=world.owner.headers,
            params={"date_from": "2026-01-01", "date_to": "2026-12-31"},
        )
        assert got.status_code == 200, got.text
