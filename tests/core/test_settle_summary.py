"""Settle-up through the service, the user summary, and concurrent writers."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal

import pytest

from pennywise_core.errors import NotFoundError, StaleVersionError, ValidationError
from pennywise_core.models import TransactionKind
from pennywise_core.schemas import TransactionCreate, TransactionUpdate
from pennywise_core.services import balances, settle_up, summary, transactions
from tests.ledger import make_world


class TestSettleUp:
    async def test_suggestion_per_currency_and_recording_zeroes_everything(self, session) -> None:
        world = await make_world(session, "Bob", "Carol", "Dan")
        await world.expense("40.00", by="Ann", split=world.among("Bob"))  # Bob owes Ann 40
        await world.expense("25.00", by="Carol", split=world.among("Dan"))  # Dan owes Carol 25
        await world.expense("1000", by="Bob", currency="JPY", split=world.among("Ann"))
        suggestion = await settle_up.suggest(session, world.owner, world.group_id)
        assert suggestion.proven_minimal
        m = world.member_ids
        got = {
            (t.from_member_id, t.to_member_id, t.amount, t.currency) for t in suggestion.transfers
        }
        assert got == {
            (m["Bob"], m["Ann"], "40.00", "EUR"),
            (m["Dan"], m["Carol"], "25.00", "EUR"),
            (m["Ann"], m["Bob"], "1000", "JPY"),
        }
        recorded = await settle_up.record(session, world.owner, world.group_id)
        assert {t.kind for t in recorded} == {TransactionKind.TRANSFER}
        assert len(recorded) == 3
        assert await world.balances() == {}
        assert (await settle_up.suggest(session, world.owner, world.group_id)).transfers == []

    async def test_only_one_currency(self, session) -> None:
        world = await make_world(session, "Bob")
        await world.expense("10.00", split=world.among("Bob"))
        await world.expense("500", currency="JPY", split=world.among("Bob"))
        await settle_up.record(session, world.owner, world.group_id, currency="JPY")
        assert await world.balances() == {("Ann", "EUR"): 1000, ("Bob", "EUR"): -1000}


class TestSummary:
    async def test_own_share_by_month_and_category(self, session) -> None:
        world = await make_world(session, "Bob")
        bob = world.people["Bob"]
        await world.expense("30.00", date=dt.date(2026, 1, 5), category="food")  # Bob owes 15
        await world.expense(
            "10.00", date=dt.date(2026, 2, 5), category="food", split=world.among("Bob")
        )
        await world.expense(
            "8.00", date=dt.date(2026, 2, 6), category="taxi", split=world.among("Ann")
        )
        await world.expense(  # a refund Bob gets half of lowers his spending
            "4.00", date=dt.date(2026, 2, 7), kind=TransactionKind.INCOME, category="food"
        )
        await world.expense(  # a settlement is not spending
            "5.00", kind=TransactionKind.TRANSFER, split=world.among("Bob")
        )
        by_month = await summary.spending(session, bob, by="month")
        assert [(r.period, r.currency, r.spent, r.received, r.net) for r in by_month.rows] == [
            ("2026-01", "EUR", "15.00", "0.00", "-15.00"),
            ("2026-02", "EUR", "10.00", "2.00", "-8.00"),
        ]
        by_category = await summary.spending(session, bob, by="category")
        assert {r.category: Decimal(r.net) for r in by_category.rows} == {"food": Decimal("-23.00")}
        february = await summary.spending(
            session, bob, date_from=dt.date(2026, 2, 1), date_to=dt.date(2026, 2, 28)
        )
        assert [(r.period, r.spent, r.received) for r in february.rows] == [
            ("2026-02", "10.00", "2.00")
        ]

    async def test_one_group_of_yours_only(self, session) -> None:
        world = await make_world(session, "Bob")
        other = await make_world(session, owner="Eve")
        await world.expense("30.00")
        one = await summary.spending(session, world.owner, group_id=world.group_id)
        assert [r.spent for r in one.rows] == ["15.00"]
        with pytest.raises(NotFoundError):
            await summary.spending(session, world.owner, group_id=other.group_id)
        with pytest.raises(ValidationError):
            await summary.spending(
                session, world.owner, date_from=dt.date(2026, 2, 1), date_to=dt.date(2026, 1, 1)
            )


class TestConcurrency:
    async def test_two_editors_of_one_version_one_wins(self, session_maker) -> None:
        async with session_maker() as s, s.begin():
            world = await make_world(s, "Bob")
            tx = await world.expense("10.00")

        async def edit(description: str) -> str:
            async with session_maker() as s, s.begin():
                await transactions.update(
                    s,
                    world.owner,
                    tx.id,
                    TransactionUpdate(description=description),
                    expected_version=tx.version,
                )
            return description

        results = await asyncio.gather(edit("first"), edit("second"), return_exceptions=True)
        winners = [r for r in results if isinstance(r, str)]
        losers = [r for r in results if isinstance(r, BaseException)]
        assert len(winners) == 1, results
        assert len(losers) == 1
        # SQLite serialises the two writers, so the loser sees the new version up front;
        # PostgreSQL lets both read version 1 and the versioned UPDATE catches the loser.
        assert isinstance(losers[0], StaleVersionError), losers[0]
        async with session_maker() as s:
            assert (await transactions.get(s, world.owner, tx.id)).description == winners[0]

    async def test_concurrent_creates_all_count(self, session_maker) -> None:
        async with session_maker() as s, s.begin():
            world = await make_world(s, "Bob")

        async def add() -> None:
            async with session_maker() as s, s.begin():
                data = TransactionCreate(group_id=world.group_id, description="x", amount="10.00")
                await transactions.create(s, world.owner, data)

        await asyncio.gather(*(add() for _ in range(8)))
        async with session_maker() as s:
            report = await balances.verify(s, world.owner, world.group_id)
            assert report.ok, report.drift
            amounts = await balances.amounts(s, world.group_id)
        assert amounts["EUR"][world.member_ids["Ann"]] == 8 * 500
