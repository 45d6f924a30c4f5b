"""Typed exceptions: the class per status, the problem details and the request id kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from clienttools import SyncServer

from pennywise_client import (
    APIStatusError,
    AsyncPennywise,
    AuthenticationError,
    ConflictError,
    NotFoundError,
    PennywiseError,
    PermissionDeniedError,
    PreconditionFailedError,
    ValidationError,
)

PROBLEMS = "https://pennywise.dev/problems/"
MISSING = "00000000-0000-4000-8000-000000000000"


class TestAsyncErrors:
    async def test_404_keeps_problem_and_request_id(
        self, async_client: Callable[..., AsyncPennywise], new_user: Any
    ):
        pw = async_client((await new_user("ann")).token)
        with pytest.raises(NotFoundError) as caught:
            await pw.groups.get(MISSING)
        error = caught.value
        assert isinstance(error, APIStatusError)
        assert isinstance(error, PennywiseError)
        assert error.status == 404
        assert error.type == PROBLEMS + "not-found"
        assert error.slug == "not-found"
        assert error.problem["status"] == 404
        assert MISSING in (error.detail or "")
        assert error.request_id
        assert error.request_id == error.problem["request_id"]
        assert error.request_id == error.headers["X-Request-ID"]
        assert error.request_id in str(error)
        assert str(error).startswith("404 ")

    async def test_422_lists_field_errors(
        self, async_client: Callable[..., AsyncPennywise], new_user: Any
    ):
        pw = async_client((await new_user("ann")).token)
        group = await pw.groups.create("Trip")
        with pytest.raises(ValidationError) as caught:
            await pw.transactions.create(group.id, "", "12.50", currency="EURO")
        error = caught.value
        assert error.status == 422
        assert error.slug == "validation-error"
        locations = {tuple(e["loc"]) for e in error.errors}
        assert locations == {("description",), ("currency",)}, error.errors
        assert all(e["msg"] for e in error.errors)
        assert "currency" in str(error)  # every bad value is named in the message
        assert error.request_id

    async def test_412_stale_if_match(
        self, async_client: Callable[..., AsyncPennywise], new_user: Any
    ):
        pw = async_client((await new_user("ann")).token)
        group = await pw.groups.create("Trip")
        tx = await pw.transactions.create(group.id, "Bread", "3.10")
        first = await pw.transactions.update(tx.id, if_match=tx.version, amount="3.20")
        with pytest.raises(PreconditionFailedError) as caught:
            await pw.transactions.update(tx.id, if_match=tx.version, amount="9.99")
        error = caught.value
        assert error.status == 412
        assert error.slug == "stale-version"
        assert error.current_version == first.version
        assert error.request_id
        # The ETag form works as well as the version.
        again = await pw.transactions.update(tx.id, if_match=f'"{first.version}"', notes="ok")
        assert again.version == first.version + 1
        assert (await pw.transactions.get(tx.id)).amount == "3.20"

    async def test_401_403_409(self, async_client: Callable[..., AsyncPennywise], new_user: Any):
        ann = await new_user("ann")
        with pytest.raises(AuthenticationError) as unauthenticated:
            await async_client().users.me()
        assert unauthenticated.value.status == 401
        assert unauthenticated.value.headers["WWW-Authenticate"] == "Bearer"

        pw = async_client(ann.token)
        group = await pw.groups.create("Trip")
        read_only = (await pw.tokens.create("reader", scope="read")).token
        with pytest.raises(PermissionDeniedError) as denied:
            await async_client(read_only).groups.create("Nope")
        assert denied.value.status == 403

        bob = await pw.members.add(group.id, display_name="Bob")
        await pw.transactions.create(group.id, "Dinner", "20.00")  # Bob owes 10.00
        with pytest.raises(ConflictError) as conflict:
            await pw.members.remove(group.id, bob.id)
        assert conflict.value.status == 409
        assert conflict.value.request_id

    async def test_floats_are_refused_before_any_request(
        self, async_client: Callable[..., AsyncPennywise], new_user: Any
    ):
        pw = async_client((await new_user("ann")).token)
        group = await pw.groups.create("Trip")
        sent = len(pw.spy.seen.requests)  # type: ignore[attr-defined]
        with pytest.raises(TypeError, match="float"):
            await pw.transactions.create(group.id, "Dinner", 12.5)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="float"):
            await pw.transactions.create(
                group.id,
                "Dinner",
                "12.50",
                paid_by={group.my_member_id: 12.5},  # type: ignore[dict-item]
            )
        assert len(pw.spy.seen.requests) == sent  # type: ignore[attr-defined]


class TestSyncErrors:
    def test_404_and_422(self, sync_server: SyncServer):
        with sync_server.client(sync_server.new_user("ann").token) as pw:
            with pytest.raises(NotFoundError) as missing:
                pw.transactions.get(MISSING)
            assert missing.value.status == 404
            assert missing.value.request_id
            with pytest.raises(ValidationError) as invalid:
                pw.groups.create("Trip", default_currency="euro")
            assert [e["loc"] for e in invalid.value.errors] == [["default_currency"]]
