"""The SDK end to end against the real app: sign up, a group, expenses, balances, settle-up.

The same journey twice: ``AsyncPennywise`` (ASGI transport on the test loop) and
``Pennywise`` (the app in a thread of its own), on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from clienttools import SyncServer

from pennywise_client import AsyncPager, AsyncPennywise, NotFoundError, Pager
from pennywise_client.models import SplitEntryIn, SplitIn, TransactionRead

PASSWORD = "a sturdy passphrase 42"
TRANSACTIONS = "/api/v1/transactions"


def email(name: str) -> str:
    return f"{name}-{secrets.token_hex(4)}@example.org"


def entries(tx: TransactionRead) -> dict[Any, tuple[str, str]]:
    return {e.member_id: (e.paid, e.owed) for e in tx.entries}


class TestAsyncJourney:
    async def test_sign_up_to_settle_up(self, async_client: Callable[..., AsyncPennywise]):
        pw = async_client()
        address = email("ann")
        user = await pw.auth.register(address, PASSWORD, "Ann")
        assert pw.token is None  # registering does not sign in
        pair = await pw.auth.login(address, PASSWORD)
        assert (pw.token, pw.refresh_token) == (pair.access_token, pair.refresh_token)
        assert (await pw.users.me()).id == user.id

        group = await pw.groups.create("Lisbon", default_currency="EUR")
        assert group.my_role == "owner"
        ann = group.my_member_id
        bob = (await pw.members.add(group.id, display_name="Bob")).id
        cleo = (await pw.members.add(group.id, display_name="Cleo", weight=Decimal(2))).id
        assert [m.id for m in await pw.members.list(group.id)] == [ann, bob, cleo]
        assert (await pw.members.get(group.id, cleo)).weight in {"2", "2.00", "2.0000"}

        # Shares, several payers: 90.00 paid 50/40 by Ann and Bob, split 1:1:1.
        dinner = await pw.transactions.create(
            group.id,
            "Dinner",
            "90.00",
            category="food",
            paid_by={ann: "50.00", bob: Decimal("40.00")},
            split={
                "mode": "shares",
                "entries": [
                    {"member_id": ann, "shares": 1},
                    {"member_id": str(bob), "shares": "1"},
                    {"member_id": cleo, "shares": Decimal(1)},
                ],
            },
        )
        assert dinner.amount == "90.00"
        assert dinner.split.mode == "shares"
        assert entries(dinner) == {
            ann: ("50.00", "30.00"),
            bob: ("40.00", "30.00"),
            cleo: ("0.00", "30.00"),
        }
        # Generated models work as inputs too.
        taxi = await pw.transactions.create(
            group.id,
            "Taxi",
            "30.00",
            date="2024-05-01",
            split=SplitIn(
                mode="exact",
                entries=[
                    SplitEntryIn(member_id=bob, amount="10.00"),
                    SplitEntryIn(member_id=cleo, amount="20.00"),
                ],
            ),
        )
        assert str(taxi.date) == "2024-05-01"

        balances = {b.member_id: b.balance for b in await pw.balances.get(group.id)}
        assert balances == {ann: "50.00", bob: "0.00", cleo: "-50.00"}
        assert (await pw.balances.verify(group.id)).ok is True

        suggestion = await pw.settle_up.suggest(group.id)
        assert [(t.from_member_id, t.to_member_id, t.amount) for t in suggestion.transfers] == [
            (cleo, ann, "50.00")
        ]
        recorded = await pw.settle_up.record(group.id)
        assert [t.kind for t in recorded] == ["transfer"]
        assert all(Decimal(b.balance) == 0 for b in await pw.balances.get(group.id))
        assert (await pw.settle_up.suggest(group.id)).transfers == []

        # Update with If-Match, delete and restore.
        edited = await pw.transactions.update(
            dinner.id, if_match=dinner.version, description="Dinner by the river"
        )
        assert (edited.description, edited.version) == ("Dinner by the river", dinner.version + 1)
        deleted = await pw.transactions.delete(edited.id, if_match=edited.version)
        assert deleted.deleted is True
        restored = await pw.transactions.restore(deleted.id, if_match=deleted.version)
        assert restored.deleted is False

        # Lists across pages: more transactions than a page holds (newest date first).
        for n in range(5):
            await pw.transactions.create(
                group.id, f"Coffee {n}", "2.50", category="coffee", date=f"2024-03-0{n + 1}"
            )
        pager = pw.transactions.list(group_id=group.id, category="coffee", page_size=2)
        assert isinstance(pager, AsyncPager)
        coffees = [tx async for tx in pager]
        assert [tx.description for tx in coffees] == [f"Coffee {n}" for n in reversed(range(5))]
        pages = [len(page.items) async for page in pager.pages()]
        assert pages == [2, 2, 1]
        first = await pager.page()
        second = await pager.page(first.next_cursor)
        assert [tx.description for tx in first.items + second.items] == [
            f"Coffee {n}" for n in (4, 3, 2, 1)
        ]
        gets = pw.spy.seen.to("GET", TRANSACTIONS)  # type: ignore[attr-defined]
        assert [r.url.params.get("limit") for r in gets] == ["2"] * 8
        everything = [tx async for tx in pw.transactions.list(group_id=group.id, page_size=3)]
        assert len(everything) == 2 + 1 + 5
        assert len({tx.id for tx in everything}) == len(everything)

        activity = [item async for item in pw.activity.list(group.id, page_size=3)]
        assert activity[-1].action == "group.create"
        assert [a.action for a in activity].count("member.add") == 2

        summary = await pw.users.summary(by="category")
        assert summary.by == "category"

        # Groups: list, archive (with If-Match), delete.
        assert [g.id for g in await pw.groups.list()] == [group.id]
        current = await pw.groups.get(group.id)
        archived = await pw.groups.archive(group.id, if_match=current.version)
        assert archived.archived is True
        assert [g.id for g in await pw.groups.list(include_archived=False)] == []
        await pw.groups.delete(group.id, if_match=archived.version)
        with pytest.raises(NotFoundError):
            await pw.groups.get(group.id)

        # Refresh rotates the stored pair; logout forgets it.
        old_refresh = pw.refresh_token
        await pw.auth.refresh()
        assert pw.refresh_token
        assert pw.refresh_token != old_refresh
        await pw.auth.logout()
        assert (pw.token, pw.refresh_token) == (None, None)

    async def test_tokens_and_invites(
        self, async_client: Callable[..., AsyncPennywise], new_user: Any
    ):
        ann, bob = await new_user("ann"), await new_user("bob")
        pw = async_client(ann.token)
        group = await pw.groups.create("Flat")
        placeholder = await pw.members.add(group.id, display_name="Bob (not yet here)")

        invite = await pw.invites.create(group.id, placeholder.id, expires_in_hours=2)
        async with async_client(bob.token) as bob_pw:
            claimed = await bob_pw.invites.accept(invite.token)
            assert claimed.id == placeholder.id
            assert claimed.is_placeholder is False
            assert [g.id for g in await bob_pw.groups.list()] == [group.id]

        created = await pw.tokens.create("script", scope="read", expires_in_days=7)
        assert created.token
        assert created.scope == "read"
        async with async_client(created.token) as script:
            assert (await script.users.me()).email == ann.email
        assert [t.id for t in await pw.tokens.list()] == [created.id]
        await pw.tokens.revoke(created.id)
        assert [t.revoked for t in await pw.tokens.list()] == [True]


class TestSyncJourney:
    def test_sign_up_to_settle_up(self, sync_server: SyncServer):
        with sync_server.client() as pw:
            address = email("ann")
            pw.auth.register(address, PASSWORD, "Ann")
            pw.auth.login(address, PASSWORD)
            me = pw.users.me()
            assert me.email == address

            group = pw.groups.create("Porto", default_currency="EUR")
            ann = group.my_member_id
            bob = pw.members.add(group.id, display_name="Bob").id
            cleo = pw.members.add(group.id, display_name="Cleo").id

            dinner = pw.transactions.create(
                group.id,
                "Dinner",
                "90.00",
                paid_by=[{"member_id": ann, "amount": "60.00"}, {"member_id": bob, "amount": 30}],
                split={
                    "mode": "shares",
                    "entries": [
                        {"member_id": ann, "shares": "1"},
                        {"member_id": bob, "shares": "1"},
                        {"member_id": cleo, "shares": "1"},
                    ],
                },
            )
            assert entries(dinner) == {
                ann: ("60.00", "30.00"),
                bob: ("30.00", "30.00"),
                cleo: ("0.00", "30.00"),
            }
            balances = {b.member_id: b.balance for b in pw.balances.get(group.id)}
            assert balances == {ann: "30.00", bob: "0.00", cleo: "-30.00"}
            transfers = pw.settle_up.suggest(group.id).transfers
            assert [(t.from_member_id, t.to_member_id, t.amount) for t in transfers] == [
                (cleo, ann, "30.00")
            ]
            pw.settle_up.record(group.id, date="2024-06-01")
            assert all(Decimal(b.balance) == 0 for b in pw.balances.get(group.id))

            for n in range(5):
                pw.transactions.create(
                    group.id, f"Snack {n}", "1.20", category="snacks", date=dt.date(2024, 3, n + 1)
                )
            pager = pw.transactions.list(group_id=group.id, category="snacks", page_size=2)
            assert isinstance(pager, Pager)
            assert [tx.description for tx in pager] == [f"Snack {n}" for n in reversed(range(5))]
            assert [len(page.items) for page in pager.pages()] == [2, 2, 1]
            last = pager.page(pager.page(pager.page().next_cursor).next_cursor)
            assert ([tx.description for tx in last.items], last.next_cursor) == (["Snack 0"], None)
            assert len(list(pw.activity.list(group.id, page_size=2))) >= 9

            pw.auth.logout()
            assert pw.token is None
        assert pw._http.is_closed
