"""A group's exchange rates, conversion at entry, and balances and settle-up in one
currency, through the services on the real databases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from pennywise_core.errors import NotFoundError, PermissionDeniedError, ValidationError
from pennywise_core.models import Activity, Role
from pennywise_core.schemas import (
    PayerIn,
    RateSet,
    TransactionCreate,
    TransactionUpdate,
)
from pennywise_core.services import balances, rates, settle_up, transactions
from tests.ledger import make_world

# The bundled ECB history: 30 October 2026, a Friday, 1 EUR = 1.1172 USD.
FRIDAY = dt.date(2026, 10, 30)
SUNDAY = dt.date(2026, 11, 1)


class TestRates:
    async def test_admins_set_every_member_reads_and_the_log_says_so(self, session) -> None:
        world = await make_world(session, "Bob")
        set_ = await rates.set_rate(
            session,
            world.owner,
            world.group_id,
            RateSet(currency="usd", rate="0.9", valid_from=dt.date(2026, 1, 1)),
        )
        assert (set_.currency, set_.base, set_.rate) == ("USD", "EUR", "0.9")
        listed = await rates.list_rates(session, world.people["Bob"], world.group_id)
        assert [(r.currency, r.rate, r.valid_from) for r in listed] == [
            ("USD", "0.9", dt.date(2026, 1, 1))
        ]
        with pytest.raises(PermissionDeniedError, match="admin"):
            await rates.set_rate(
                session, world.people["Bob"], world.group_id, RateSet(currency="USD", rate="1")
            )
        actions = await session.scalars(
            select(Activity.action).where(Activity.group_id == world.group_id)
        )
        assert "rate.set" in list(actions)

    async def test_the_same_day_replaces_and_bad_rates_change_nothing(self, session) -> None:
        world = await make_world(session)
        day = dt.date(2026, 1, 1)
        await rates.set_rate(
            session,
            world.owner,
            world.group_id,
            RateSet(currency="USD", rate="0.9", valid_from=day),
        )
        await rates.set_rate(
            session,
            world.owner,
            world.group_id,
            RateSet(currency="USD", rate="0.8", valid_from=day),
        )
        for bad, field_message in [("0.9e1", "rate"), ("1.23456789012", "rate")]:
            with pytest.raises(ValidationError) as caught:
                await rates.set_rate(
                    session, world.owner, world.group_id, RateSet(currency="USD", rate=bad)
                )
            assert caught.value.errors[0].loc == (field_message,)
        with pytest.raises(ValidationError, match="group's own currency"):
            await rates.set_rate(
                session, world.owner, world.group_id, RateSet(currency="EUR", rate="1")
            )
        listed = await rates.list_rates(session, world.owner, world.group_id)
        assert [(r.rate, r.valid_from) for r in listed] == [("0.8", day)]

    async def test_the_groups_rate_from_its_day_on_else_the_reference(self, session) -> None:
        world = await make_world(session)
        await rates.set_rate(
            session,
            world.owner,
            world.group_id,
            RateSet(currency="USD", rate="0.5", valid_from=dt.date(2026, 11, 1)),
        )
        group = (await transactions.membership(session, world.owner, world.group_id)).group
        own = await rates.quote(session, group, "USD", dt.date(2026, 11, 20))
        assert (own.rate, own.source, own.valid_from) == (
            Decimal("0.5"),
            "manual",
            dt.date(2026, 11, 1),
        )
        before = await rates.quote(session, group, "USD", FRIDAY)
        assert (before.source, before.valid_from) == ("ECB", FRIDAY)
        assert abs(before.rate * Decimal("1.1172") - 1) < Decimal("1e-9")
        with pytest.raises(NotFoundError, match="no rate for XAF in EUR on 2026-10-30"):
            await rates.quote(session, group, "XAF", FRIDAY)

    async def test_deleting_a_rate_is_for_admins_and_logged(self, session) -> None:
        world = await make_world(session, "Bob")
        rate = await rates.set_rate(
            session, world.owner, world.group_id, RateSet(currency="USD", rate="0.9")
        )
        with pytest.raises(PermissionDeniedError):
            await rates.delete_rate(session, world.people["Bob"], world.group_id, rate.id)
        await rates.delete_rate(session, world.owner, world.group_id, rate.id)
        assert await rates.list_rates(session, world.owner, world.group_id) == []
        with pytest.raises(NotFoundError):
            await rates.delete_rate(session, world.owner, world.group_id, rate.id)


class TestConversionAtEntry:
    async def test_booked_in_the_group_currency_keeping_what_was_entered(self, session) -> None:
        world = await make_world(session, "Bob")
        tx = await world.expense("20.00", currency="USD", convert=True, rate="0.9")
        assert (tx.amount, tx.currency) == ("18.00", "EUR")
        assert tx.conversion is not None
        assert (tx.conversion.amount, tx.conversion.currency, tx.conversion.rate) == (
            "20.00",
            "USD",
            "0.9",
        )
        assert tx.conversion.rate_source == "manual"
        assert [(e.paid, e.owed) for e in tx.entries] == [("18.00", "9.00"), ("0.00", "9.00")]
        assert await world.balances() == {("Ann", "EUR"): 900, ("Bob", "EUR"): -900}
        again = await transactions.get(session, world.owner, tx.id)
        assert again.conversion == tx.conversion

    async def test_without_a_rate_the_reference_rate_of_the_day_is_used(self, session) -> None:
        world = await make_world(session)
        tx = await world.expense("20.00", currency="USD", convert=True, date=SUNDAY)
        assert tx.conversion is not None
        assert (tx.conversion.rate_source, tx.conversion.rate_date) == ("ECB", FRIDAY)
        assert tx.amount == "17.90"  # 20 / 1.1172 = 17.9019…

    async def test_edits_recompute_at_the_stored_rate_or_a_new_one(self, session) -> None:
        world = await make_world(session, "Bob")
        tx = await world.expense("20.00", currency="USD", convert=True, rate="0.9")
        tx = await transactions.update(
            session, world.owner, tx.id, TransactionUpdate(amount="30.00")
        )
        assert (tx.amount, tx.conversion and tx.conversion.amount) == ("27.00", "30.00")
        tx = await transactions.update(session, world.owner, tx.id, TransactionUpdate(rate="0.8"))
        assert (tx.amount, tx.conversion and tx.conversion.rate) == ("24.00", "0.8")
        tx = await transactions.update(
            session, world.owner, tx.id, TransactionUpdate(date=dt.date(2020, 1, 1))
        )
        assert tx.amount == "24.00"  # a new date keeps the rate it was booked at
        tx = await transactions.update(
            session, world.owner, tx.id, TransactionUpdate(currency="EUR")
        )
        assert (tx.amount, tx.currency, tx.conversion) == ("30.00", "EUR", None)
        assert await world.balances() == {("Ann", "EUR"): 1500, ("Bob", "EUR"): -1500}

    async def test_what_cannot_be_converted_is_refused_and_changes_nothing(self, session) -> None:
        world = await make_world(session, "Bob")
        with pytest.raises(ValidationError, match="paid_by"):
            await transactions.create(
                session,
                world.owner,
                TransactionCreate(
                    group_id=world.group_id,
                    description="Taxi",
                    amount="20.00",
                    currency="USD",
                    convert=True,
                    paid_by=[PayerIn(member_id=world.member_ids["Ann"], amount="20.00")],
                ),
            )
        with pytest.raises(ValidationError, match="group's currency"):
            await world.expense("20.00", currency="EUR", rate="0.9")
        with pytest.raises(NotFoundError, match="XAF"):
            await world.expense("2000", currency="XAF", convert=True, date=FRIDAY)
        assert await world.transaction_count() == 0


class TestInOneCurrency:
    async def test_balances_convert_to_exactly_zero_naming_the_rates(self, session) -> None:
        world = await make_world(session, "Bob", "Carol")
        await rates.set_rate(
            session,
            world.owner,
            world.group_id,
            RateSet(currency="USD", rate="0.334", valid_from=dt.date(2026, 1, 1)),
        )
        await world.expense("30.00", split=world.among("Bob"))  # Bob owes Ann 30 EUR
        await world.expense("1.00", currency="USD", by="Bob", split=world.among("Ann", "Carol"))
        got = await balances.read_converted(
            session, world.owner, world.group_id, currency="EUR", on=dt.date(2026, 6, 1)
        )
        by_name = {b.display_name: b.balance for b in got.balances}
        # EUR: Ann +30, Bob −30. USD ×0.334: Bob +0.334, Ann −0.167, Carol −0.167. Exactly
        # 29.833, −29.666, −0.167: floors 29.83, −29.67, −0.17 leave a cent, and Bob's
        # remainder (0.004) is the largest.
        assert by_name == {"Ann": "29.83", "Bob": "-29.66", "Carol": "-0.17"}
        assert sum(Decimal(v) for v in by_name.values()) == 0
        assert [(r.currency, r.rate, r.source) for r in got.rates] == [("USD", "0.334", "manual")]
        # The per-currency ledgers are untouched.
        assert await world.balances() == {
            ("Ann", "EUR"): 3000,
            ("Bob", "EUR"): -3000,
            ("Bob", "USD"): 100,
            ("Ann", "USD"): -50,
            ("Carol", "USD"): -50,
        }

    async def test_settle_up_in_one_currency_needs_fewer_transfers(self, session) -> None:
        world = await make_world(session, "Bob")
        await rates.set_rate(
            session,
            world.owner,
            world.group_id,
            RateSet(currency="USD", rate="0.5", valid_from=dt.date(2026, 1, 1)),
        )
        await world.expense("10.00", split=world.among("Bob"))  # Bob owes Ann 10 EUR
        await world.expense("4.00", currency="USD", by="Bob", split=world.among("Ann"))
        per_currency = await settle_up.suggest(session, world.owner, world.group_id)
        assert len(per_currency.transfers) == 2
        one = await settle_up.suggest(
            session, world.owner, world.group_id, in_currency="EUR", on=dt.date(2026, 6, 1)
        )
        m = world.member_ids
        assert [
            (t.from_member_id, t.to_member_id, t.amount, t.currency) for t in one.transfers
        ] == [(m["Bob"], m["Ann"], "8.00", "EUR")]
        assert (one.converted_to, [r.rate for r in one.rates]) == ("EUR", ["0.5"])

    async def test_in_a_third_currency_goes_through_the_groups(self, session) -> None:
        world = await make_world(session, "Bob")
        for code, rate in (("USD", "0.5"), ("GBP", "1.25")):
            await rates.set_rate(
                session,
                world.owner,
                world.group_id,
                RateSet(currency=code, rate=rate, valid_from=dt.date(2026, 1, 1)),
            )
        await world.expense("10.00", split=world.among("Bob"))
        got = await balances.read_converted(
            session, world.owner, world.group_id, currency="GBP", on=dt.date(2026, 6, 1)
        )
        assert {b.display_name: b.balance for b in got.balances} == {"Ann": "8.00", "Bob": "-8.00"}
        assert [(r.currency, r.base, r.rate) for r in got.rates] == [("EUR", "GBP", "0.8")]

    async def test_viewers_read_them_too(self, session) -> None:
        world = await make_world(session)
        viewer = await world.add_user("Vic", role=Role.VIEWER)
        got = await balances.read_converted(session, viewer, world.group_id, currency="EUR")
        assert got.currency == "EUR"
