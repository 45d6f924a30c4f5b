"""Transactions through the service: every split mode, payers, kinds, edits, validation."""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from decimal import Decimal

import pytest
from pydantic import ValidationError as PydanticValidationError

from pennywise_core.errors import ConflictError, StaleVersionError, ValidationError
from pennywise_core.models import TransactionKind
from pennywise_core.schemas import (
    PayerIn,
    SplitEntryIn,
    SplitIn,
    TransactionCreate,
    TransactionFilter,
    TransactionRead,
    TransactionUpdate,
)
from pennywise_core.services import transactions
from tests.ledger import World, make_world


def owed(tx: TransactionRead) -> dict[uuid.UUID, str]:
    """Who owes what (members who owe nothing left out)."""
    return {e.member_id: e.owed for e in tx.entries if Decimal(e.owed)}


def paid(tx: TransactionRead) -> dict[uuid.UUID, str]:
    return {e.member_id: e.paid for e in tx.entries if Decimal(e.paid)}


@pytest.fixture
async def world(session) -> World:
    return await make_world(session, "Bob", "Carol")


class TestSplitModes:
    async def test_default_is_equal_over_everyone_paid_by_the_actor(self, world: World) -> None:
        tx = await world.expense("100.00")
        m = world.member_ids
        # 100.00 / 3 = 33.333…: one cent is left over and goes to the first member.
        assert owed(tx) == {m["Ann"]: "33.34", m["Bob"]: "33.33", m["Carol"]: "33.33"}
        assert paid(tx) == {m["Ann"]: "100.00"}
        assert await world.balances() == {
            ("Ann", "EUR"): 6666,
            ("Bob", "EUR"): -3333,
            ("Carol", "EUR"): -3333,
        }

    async def test_equal_among_some(self, world: World) -> None:
        tx = await world.expense("10.00", by="Bob", split=world.among("Bob", "Carol"))
        m = world.member_ids
        assert owed(tx) == {m["Bob"]: "5.00", m["Carol"]: "5.00"}
        assert await world.balances() == {("Bob", "EUR"): 500, ("Carol", "EUR"): -500}

    async def test_shares(self, world: World) -> None:
        tx = await world.expense("90.00", split=world.shares(Bob="2", Carol="1"))
        m = world.member_ids
        assert owed(tx)[m["Bob"]] == "60.00"
        assert owed(tx)[m["Carol"]] == "30.00"
        assert tx.split.mode == "shares"
        assert [e.shares for e in tx.split.entries] == ["2", "1"]

    async def test_percent(self, world: World) -> None:
        m = world.member_ids
        split = SplitIn(
            mode="percent",
            entries=[
                SplitEntryIn(member_id=m["Ann"], percent="50"),
                SplitEntryIn(member_id=m["Bob"], percent="25.5"),
                SplitEntryIn(member_id=m["Carol"], percent="24.5"),
            ],
        )
        tx = await world.expense("200.00", split=split)
        assert owed(tx) == {m["Ann"]: "100.00", m["Bob"]: "51.00", m["Carol"]: "49.00"}

    async def test_exact(self, world: World) -> None:
        m = world.member_ids
        split = SplitIn(
            mode="exact",
            entries=[
                SplitEntryIn(member_id=m["Bob"], amount="12.50"),
                SplitEntryIn(member_id=m["Carol"], amount="7.50"),
            ],
        )
        tx = await world.expense("20.00", split=split)
        assert owed(tx) == {m["Bob"]: "12.50", m["Carol"]: "7.50"}

    async def test_adjustment_adds_extras_to_an_equal_split(self, world: World) -> None:
        m = world.member_ids
        split = SplitIn(
            mode="adjustment",
            entries=[
                SplitEntryIn(member_id=m["Ann"]),
                SplitEntryIn(member_id=m["Bob"], amount="6.00"),
                SplitEntryIn(member_id=m["Carol"]),
            ],
        )
        # 36.00 - 6.00 extra = 30.00 shared equally; Bob also carries his 6.00.
        tx = await world.expense("36.00", split=split)
        assert owed(tx) == {m["Ann"]: "10.00", m["Bob"]: "16.00", m["Carol"]: "10.00"}

    async def test_several_payers(self, world: World) -> None:
        m = world.member_ids
        data = TransactionCreate(
            group_id=world.group_id,
            description="Hotel",
            amount="300.00",
            paid_by=[
                PayerIn(member_id=m["Ann"], amount="200.00"),
                PayerIn(member_id=m["Bob"], amount="100.00"),
            ],
        )
        tx = await transactions.create(world.session, world.owner, data)
        assert paid(tx) == {m["Ann"]: "200.00", m["Bob"]: "100.00"}
        assert await world.balances() == {
            ("Ann", "EUR"): 10000,
            ("Carol", "EUR"): -10000,
        }

    async def test_income_received_by_one_is_owed_to_all(self, world: World) -> None:
        # DESIGN.md: 90.00 received by A, split equally among A, B, C gives A -60, B +30, C +30.
        await world.expense("90.00", kind=TransactionKind.INCOME, description="Refund")
        assert await world.balances() == {
            ("Ann", "EUR"): -6000,
            ("Bob", "EUR"): 3000,
            ("Carol", "EUR"): 3000,
        }

    async def test_transfer(self, world: World) -> None:
        # A pays B 20.00 gives A +20.00, B -20.00.
        await world.expense(
            "20.00", kind=TransactionKind.TRANSFER, split=world.among("Bob"), description="Pay"
        )
        assert await world.balances() == {("Ann", "EUR"): 2000, ("Bob", "EUR"): -2000}

    async def test_zero_decimal_currency(self, session) -> None:
        world = await make_world(session, "Bob", "Carol", currency="JPY")
        tx = await world.expense("1000")
        assert tx.amount == "1000"
        assert sorted(owed(tx).values()) == ["333", "333", "334"]

    async def test_three_decimal_currency(self, world: World) -> None:
        tx = await world.expense("1.005", currency="BHD", split=world.among("Bob", "Carol"))
        assert tx.currency == "BHD"
        assert sorted(owed(tx).values()) == ["0.502", "0.503"]
        assert ("Bob", "BHD") in await world.balances()


class TestValidation:
    """Each bad input is refused with an error naming the field, and nothing is written."""

    async def refused(self, world: World, data: TransactionCreate, where: str) -> ValidationError:
        before_count, before_balances = await world.transaction_count(), await world.balances()
        with pytest.raises(ValidationError) as caught:
            await transactions.create(world.session, world.owner, data)
        assert any(where in str(e) for e in caught.value.errors), caught.value.errors
        assert await world.transaction_count() == before_count
        assert await world.balances() == before_balances
        return caught.value

    def tx(self, world: World, **kwargs: object) -> TransactionCreate:
        values: dict[str, object] = {
            "group_id": world.group_id,
            "description": "X",
            "amount": "10.00",
        }
        values.update(kwargs)
        return TransactionCreate.model_validate(values)

    async def test_percent_must_add_up_to_100(self, world: World) -> None:
        m = world.member_ids
        split = SplitIn(
            mode="percent",
            entries=[
                SplitEntryIn(member_id=m["Bob"], percent="60"),
                SplitEntryIn(member_id=m["Carol"], percent="30"),
            ],
        )
        error = await self.refused(world, self.tx(world, split=split), "split.entries")
        assert "90" in str(error)

    async def test_exact_must_add_up_to_the_amount(self, world: World) -> None:
        m = world.member_ids
        split = SplitIn(mode="exact", entries=[SplitEntryIn(member_id=m["Bob"], amount="9.99")])
        error = await self.refused(world, self.tx(world, split=split), "split.entries")
        assert "9.99" in str(error)

    async def test_member_from_elsewhere(self, world: World) -> None:
        stranger = uuid.uuid4()
        split = SplitIn(entries=[SplitEntryIn(member_id=stranger)])
        await self.refused(world, self.tx(world, split=split), "split.entries.0.member_id")

    async def test_payer_from_elsewhere(self, world: World) -> None:
        payers = [PayerIn(member_id=uuid.uuid4())]
        await self.refused(world, self.tx(world, paid_by=payers), "paid_by.0.member_id")

    async def test_member_listed_twice(self, world: World) -> None:
        bob = world.member_ids["Bob"]
        split = SplitIn(entries=[SplitEntryIn(member_id=bob), SplitEntryIn(member_id=bob)])
        await self.refused(world, self.tx(world, split=split), "split.entries.1.member_id")

    async def test_payers_must_add_up(self, world: World) -> None:
        m = world.member_ids
        payers = [
            PayerIn(member_id=m["Ann"], amount="5.00"),
            PayerIn(member_id=m["Bob"], amount="4.00"),
        ]
        await self.refused(world, self.tx(world, paid_by=payers), "paid_by")

    async def test_value_the_mode_does_not_use(self, world: World) -> None:
        split = SplitIn(
            mode="shares",
            entries=[SplitEntryIn(member_id=world.member_ids["Bob"], shares="1", percent="5")],
        )
        await self.refused(world, self.tx(world, split=split), "split.entries.0.percent")

    async def test_too_many_decimals(self, world: World) -> None:
        error = await self.refused(world, self.tx(world, amount="10.001"), "amount")
        assert "2" in str(error)

    async def test_zero_amount(self, world: World) -> None:
        await self.refused(world, self.tx(world, amount="0.00"), "amount")

    async def test_unknown_currency(self, world: World) -> None:
        await self.refused(world, self.tx(world, currency="ABC"), "currency")

    async def test_transfer_needs_one_recipient(self, world: World) -> None:
        await self.refused(world, self.tx(world, kind="transfer"), "split.entries")

    def test_a_json_number_is_not_an_amount(self, world: World) -> None:
        with pytest.raises(PydanticValidationError) as caught:
            self.tx(world, amount=12.34)
        assert caught.value.errors()[0]["loc"] == ("amount",)
        assert "decimal string" in str(caught.value)


class TestEdit:
    async def test_amount_change_recomputes_entries_and_balances(self, world: World) -> None:
        tx = await world.expense("30.00", split=world.among("Bob", "Carol"))
        tx = await transactions.update(
            world.session, world.owner, tx.id, TransactionUpdate(amount="60.00"), expected_version=1
        )
        assert tx.version == 2
        assert set(owed(tx).values()) == {"30.00"}
        assert await world.balances() == {
            ("Ann", "EUR"): 6000,
            ("Bob", "EUR"): -3000,
            ("Carol", "EUR"): -3000,
        }

    async def test_currency_change_moves_the_balance(self, world: World) -> None:
        tx = await world.expense("30.00", split=world.among("Bob"))
        await transactions.update(
            world.session, world.owner, tx.id, TransactionUpdate(currency="USD")
        )
        assert await world.balances() == {("Ann", "USD"): 3000, ("Bob", "USD"): -3000}

    async def test_stale_version_is_refused(self, world: World) -> None:
        tx = await world.expense("30.00")
        await transactions.update(
            world.session,
            world.owner,
            tx.id,
            TransactionUpdate(description="A"),
            expected_version=1,
        )
        with pytest.raises(StaleVersionError) as caught:
            await transactions.update(
                world.session,
                world.owner,
                tx.id,
                TransactionUpdate(description="B"),
                expected_version=1,
            )
        assert caught.value.current_version == 2
        assert (await transactions.get(world.session, world.owner, tx.id)).description == "A"

    async def test_bad_edit_changes_nothing(self, world: World) -> None:
        tx = await world.expense("30.00")
        before = await world.balances()
        with pytest.raises(ValidationError):
            await transactions.update(
                world.session, world.owner, tx.id, TransactionUpdate(amount="-3")
            )
        assert await world.balances() == before
        assert (await transactions.get(world.session, world.owner, tx.id)).amount == "30.00"

    async def test_exact_split_must_be_given_again_when_the_amount_changes(
        self, world: World
    ) -> None:
        m = world.member_ids
        split = SplitIn(mode="exact", entries=[SplitEntryIn(member_id=m["Bob"], amount="5.00")])
        tx = await world.expense("5.00", split=split)
        with pytest.raises(ValidationError, match=r"5\.00"):
            await transactions.update(
                world.session, world.owner, tx.id, TransactionUpdate(amount="6.00")
            )


class TestDeleteRestore:
    async def test_delete_takes_it_out_of_balances_and_restore_puts_it_back(
        self, world: World
    ) -> None:
        tx = await world.expense("30.00")
        counted = await world.balances()
        deleted = await transactions.delete(world.session, world.owner, tx.id, expected_version=1)
        assert deleted.deleted
        assert await world.balances() == {}
        restored = await transactions.restore(world.session, world.owner, tx.id)
        assert not restored.deleted
        assert await world.balances() == counted

    async def test_deleting_twice_counts_once(self, world: World) -> None:
        tx = await world.expense("30.00")
        await transactions.delete(world.session, world.owner, tx.id)
        await transactions.delete(world.session, world.owner, tx.id)
        await transactions.restore(world.session, world.owner, tx.id)
        assert sum(await_values(await world.balances())) == 0
        assert await world.balances() != {}

    async def test_a_deleted_transaction_cannot_be_edited(self, world: World) -> None:
        tx = await world.expense("30.00")
        await transactions.delete(world.session, world.owner, tx.id)
        with pytest.raises(ConflictError, match="restore"):
            await transactions.update(
                world.session, world.owner, tx.id, TransactionUpdate(description="x")
            )


def await_values(balances: dict[tuple[str, str], int]) -> list[int]:
    return list(balances.values())


class TestList:
    async def test_filters(self, world: World) -> None:
        day = dt.date(2026, 1, 1)
        food = await world.expense("10.00", date=day, category="Food", description="Pizza night")
        await world.expense("20.00", date=day + dt.timedelta(days=40), category="Rent")
        bob_only = await world.expense(
            "5.00", by="Bob", split=world.among("Bob"), date=day, description="Solo 100% _x"
        )

        async def ids(**kwargs: object) -> list[uuid.UUID]:
            page = await transactions.list_transactions(
                world.session, world.owner, TransactionFilter.model_validate(kwargs)
            )
            return [t.id for t in page.items]

        assert await ids(category="food") == [food.id]
        assert await ids(text="PIZZA") == [food.id]
        assert await ids(text="100%") == [bob_only.id]  # LIKE wildcards are escaped
        assert len(await ids(date_to=day)) == 2
        assert len(await ids(date_from=day + dt.timedelta(days=1))) == 1
        assert await ids(member_id=world.member_ids["Bob"], category="Food") == [food.id]
        assert set(await ids(member_id=world.member_ids["Bob"])) >= {food.id, bob_only.id}
        await transactions.delete(world.session, world.owner, food.id)
        assert food.id not in await ids()
        assert await ids(deleted="only") == [food.id]

    async def test_pages_cover_everything_once_in_order(self, world: World) -> None:
        created = [await world.expense("1.00", date=dt.date(2026, 1, 1 + i % 5)) for i in range(11)]
        seen: list[uuid.UUID] = []
        cursor = None
        while True:
            page = await transactions.list_transactions(
                world.session, world.owner, limit=4, cursor=cursor
            )
            seen += [t.id for t in page.items]
            dates = [t.date for t in page.items]
            assert dates == sorted(dates, reverse=True)
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        assert sorted(seen) == sorted(t.id for t in created)

    async def test_pages_stay_stable_when_rows_arrive_between_them(self, world: World) -> None:
        for _ in range(4):
            await world.expense("1.00", date=dt.date(2026, 1, 10))
        first = await transactions.list_transactions(world.session, world.owner, limit=2)
        await world.expense("1.00", date=dt.date(2026, 1, 20))  # newer: sorts before page one
        second = await transactions.list_transactions(
            world.session, world.owner, limit=2, cursor=first.next_cursor
        )
        assert not {t.id for t in first.items} & {t.id for t in second.items}
        assert len(second.items) == 2

    async def test_within_a_day_the_last_entered_comes_first(self, world: World) -> None:
        day = dt.date(2026, 2, 1)
        entered = [await world.expense("1.00", date=day, description=f"#{i}") for i in range(7)]
        listed: list[uuid.UUID] = []
        cursor = None
        while True:  # pages of 3 cut through the day: the cursor keeps the order too
            page = await transactions.list_transactions(
                world.session, world.owner, limit=3, cursor=cursor
            )
            listed += [t.id for t in page.items]
            if (cursor := page.next_cursor) is None:
                break
        assert listed == [t.id for t in reversed(entered)]

    @pytest.mark.parametrize(
        "values",
        [
            ["2026-01-01", str(uuid.uuid4())],  # the shape before created_at joined the order
            ["2026-01-01", "2026-01-01T10:00:00", str(uuid.uuid4())],  # naive
            ["2026-01-01", "9999-12-31T23:59:59-14:00", str(uuid.uuid4())],  # past year 9999
        ],
    )
    async def test_a_cursor_it_did_not_hand_out_is_refused(
        self, world: World, values: list[str]
    ) -> None:
        forged = base64.urlsafe_b64encode(json.dumps(values).encode()).decode()
        with pytest.raises(ValidationError, match="start again"):
            await transactions.list_transactions(world.session, world.owner, cursor=forged)

    async def test_a_forged_cursor_is_a_clear_error(self, world: World) -> None:
        with pytest.raises(ValidationError, match="cursor"):
            await transactions.list_transactions(world.session, world.owner, cursor="nonsense!")

    async def test_limit_is_bounded(self, world: World) -> None:
        with pytest.raises(ValidationError, match="limit"):
            await transactions.list_transactions(world.session, world.owner, limit=10_000)
