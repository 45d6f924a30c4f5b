"""The SDK's names are the ones people try first (issue 17, items 9, 10 and 15), on the real app.

``transactions.list(limit=…, search=…, id_prefix=…)``, ``activity.list(limit=…)`` and
``settle_up.get(...)``; the older names (``page_size``, ``text``, ``settle_up.suggest``) stay
as aliases. The sync and async clients alike.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from clienttools import SyncServer

from pennywise_client import AsyncPennywise, Pennywise, ValidationError

TRANSACTIONS = "/api/v1/transactions"


def _seen_params(pw: Pennywise | AsyncPennywise, name: str) -> list[str | None]:
    gets = pw.spy.seen.to("GET", TRANSACTIONS)  # type: ignore[attr-defined]
    return [r.url.params.get(name) for r in gets]


class TestAsync:
    async def test_list_takes_limit_search_and_id_prefix(
        self, async_client: Callable[..., AsyncPennywise], new_user: Callable
    ):
        user = await new_user("ann")
        pw = async_client(user.token)
        group = await pw.groups.create("Lisbon", default_currency="EUR")
        made = [await pw.transactions.create(group.id, f"Coffee {n}", "2.00") for n in range(3)]
        taxi = await pw.transactions.create(group.id, "Taxi to the airport", "20.00")

        pager = pw.transactions.list(group_id=group.id, limit=2)
        assert len([tx async for tx in pager]) == 4
        assert _seen_params(pw, "limit") == ["2", "2"]

        found = [tx.id async for tx in pw.transactions.list(group_id=group.id, search="TAXI")]
        assert found == [taxi.id]
        older = [tx.id async for tx in pw.transactions.list(group_id=group.id, text="taxi")]
        assert older == [taxi.id]

        for tx in (*made, taxi):
            prefix = str(tx.id)[:8]
            assert [t.id async for t in pw.transactions.list(id_prefix=prefix)] == [tx.id]
        assert _seen_params(pw, "id_prefix")[-1] == str(taxi.id)[:8]

        with pytest.raises(ValidationError) as caught:
            await pw.transactions.list(id_prefix="nothex").page()
        assert "id_prefix" in str(caught.value)

        size = [len(p.items) async for p in pw.transactions.list(page_size=3).pages()]
        assert size == [3, 1]
        activity = pw.activity.list(group.id, limit=2)
        assert len((await activity.page()).items) == 2

    async def test_settle_up_get(
        self, async_client: Callable[..., AsyncPennywise], new_user: Callable
    ):
        user = await new_user("ann")
        pw = async_client(user.token)
        group = await pw.groups.create("Porto", default_currency="EUR")
        bob = (await pw.members.add(group.id, display_name="Bob")).id
        await pw.transactions.create(group.id, "Dinner", "30.00")
        plan = await pw.settle_up.get(group.id)
        assert [(t.from_member_id, t.amount) for t in plan.transfers] == [(bob, "15.00")]
        assert plan.proven_minimal is True
        assert (await pw.settle_up.suggest(group.id)) == plan

    async def test_both_names_at_once_is_a_type_error(
        self, async_client: Callable[..., AsyncPennywise]
    ):
        pw = async_client("unused")
        with pytest.raises(TypeError, match="page_size"):
            pw.transactions.list(limit=2, page_size=3)
        with pytest.raises(TypeError, match="text"):
            pw.transactions.list(search="a", text="b")


class TestSync:
    def test_the_same_names(self, sync_server: SyncServer):
        user = sync_server.new_user("ann")
        with sync_server.client(user.token) as pw:
            group = pw.groups.create("Lisbon", default_currency="EUR")
            bob = pw.members.add(group.id, display_name="Bob").id
            taxi = pw.transactions.create(group.id, "Taxi", "20.00")
            pw.transactions.create(group.id, "Bread", "4.00")
            assert [len(p.items) for p in pw.transactions.list(limit=1).pages()] == [1, 1]
            assert [t.id for t in pw.transactions.list(search="TAX")] == [taxi.id]
            assert [t.id for t in pw.transactions.list(id_prefix=str(taxi.id)[:8])] == [taxi.id]
            plan = pw.settle_up.get(group.id)
            assert [(t.from_member_id, t.amount) for t in plan.transfers] == [(bob, "12.00")]
            assert pw.settle_up.suggest(group.id) == plan
