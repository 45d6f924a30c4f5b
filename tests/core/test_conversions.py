"""Settling up in one currency: a conversion batch moves every balance into it, then the
transfers settle it there, and every currency's ledger ends at exactly zero."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pennywise_core.errors import ConflictError, ValidationError
from pennywise_core.models import TransactionKind
from pennywise_core.schemas import (
    PayerIn,
    RateSet,
    SplitEntryIn,
    SplitIn,
    TransactionCreate,
    TransactionUpdate,
)
from pennywise_core.services import balances, rates, settle_up, summary, transactions
from tests.ledger import World, make_world

DAY = dt.date(2026, 6, 1)


async def _rates(world: World, **by_code: str) -> None:
    for code, rate in by_code.items():
        await rates.set_rate(
            world.session,
            world.owner,
            world.group_id,
            RateSet(currency=code, rate=rate, valid_from=dt.date(2026, 1, 1)),
        )


class TestRecordInOneCurrency:
    async def test_every_ledger_ends_at_zero(self, session) -> None:
        world = await make_world(session, "Bob", "Carol")
        await _rates(world, USD="0.5", JPY="0.01")
        await world.expense("30.00", split=world.among("Bob"))  # Bob owes Ann 30 EUR
        await world.expense("10.00", currency="USD", by="Bob", split=world.among("Carol"))
        await world.expense("1000", currency="JPY", by="Carol", split=world.among("Ann"))
        # In EUR: Ann +30 − 10 = 20; Bob −30 + 5 = −25; Carol −5 + 10 = 5.
        recorded = await settle_up.record(
            session, world.owner, world.group_id, in_currency="EUR", on=DAY
        )
        kinds = [(t.kind, t.currency) for t in recorded]
        assert kinds == [
            (TransactionKind.CONVERSION, "EUR"),
            (TransactionKind.CONVERSION, "JPY"),
            (TransactionKind.CONVERSION, "USD"),
            (TransactionKind.TRANSFER, "EUR"),
            (TransactionKind.TRANSFER, "EUR"),
        ]
        conversions = [t for t in recorded if t.kind is TransactionKind.CONVERSION]
        assert len({t.exchange.batch_id for t in conversions if t.exchange}) == 1
        eur = conversions[0]
        assert eur.exchange is not None
        assert [(r.currency, r.rate, r.source) for r in eur.exchange.rates] == [
            ("JPY", "0.01", "manual"),
            ("USD", "0.5", "manual"),
        ]
        m = world.member_ids
        transfers = {
            (t.paid_by[0].member_id, t.split.entries[0].member_id, t.amount) for t in recorded[3:]
        }
        assert transfers == {(m["Bob"], m["Ann"], "20.00"), (m["Bob"], m["Carol"], "5.00")}
        assert await world.balances() == {}
        assert (await balances.verify(session, world.owner, world.group_id)).ok

    async def test_the_batch_is_deleted_and_restored_as_one(self, session) -> None:
        world = await make_world(session, "Bob")
        await _rates(world, USD="0.5")
        await world.expense("10.00", currency="USD", split=world.among("Bob"))
        recorded = await settle_up.record(
            session, world.owner, world.group_id, in_currency="EUR", on=DAY
        )
        usd = next(t for t in recorded if t.currency == "USD")
        await transactions.delete(session, world.owner, usd.id)
        deleted = [await transactions.get(session, world.owner, t.id) for t in recorded]
        # The conversions went together; the transfer stays (it is its own payment).
        assert [(t.kind, t.deleted) for t in deleted] == [
            (TransactionKind.CONVERSION, True),
            (TransactionKind.CONVERSION, True),
            (TransactionKind.TRANSFER, False),
        ]
        assert await world.balances() == {
            ("Ann", "USD"): 1000,
            ("Bob", "USD"): -1000,
            ("Ann", "EUR"): -500,
            ("Bob", "EUR"): 500,
        }
        await transactions.restore(session, world.owner, recorded[0].id)
        assert await world.balances() == {}

    async def test_conversions_are_recorded_never_entered_or_edited(self, session) -> None:
        world = await make_world(session, "Bob")
        m = world.member_ids
        with pytest.raises(ValidationError, match="settling up in one currency"):
            await transactions.create(
                session,
                world.owner,
                TransactionCreate(
                    group_id=world.group_id,
                    kind=TransactionKind.CONVERSION,
                    description="Sneaky",
                    amount="1.00",
                    paid_by=[PayerIn(member_id=m["Ann"])],
                    split=SplitIn(entries=[SplitEntryIn(member_id=m["Bob"])]),
                ),
            )
        await _rates(world, USD="0.5")
        expense = await world.expense("10.00", currency="USD", split=world.among("Bob"))
        with pytest.raises(ValidationError, match="cannot become a conversion"):
            await transactions.update(
                session, world.owner, expense.id, TransactionUpdate(kind="conversion")
            )
        recorded = await settle_up.record(
            session, world.owner, world.group_id, in_currency="EUR", on=DAY
        )
        with pytest.raises(ConflictError, match="not edited"):
            await transactions.update(
                session, world.owner, recorded[0].id, TransactionUpdate(description="x")
            )

    async def test_a_conversion_is_not_spending(self, session) -> None:
        world = await make_world(session, "Bob")
        await _rates(world, USD="0.5")
        await world.expense("10.00", currency="USD", split=world.among("Bob"), date=DAY)
        before = await summary.spending(session, world.people["Bob"], by="category")
        await settle_up.record(
            session, world.owner, world.group_id, in_currency="EUR", on=DAY, date=DAY
        )
        after = await summary.spending(session, world.people["Bob"], by="category")
        assert after.rows == before.rows

    async def test_in_and_currency_together_are_refused(self, session) -> None:
        world = await make_world(session)
        with pytest.raises(ValidationError, match="not both"):
            await settle_up.record(
                session, world.owner, world.group_id, currency="USD", in_currency="EUR"
            )


CODES = ["EUR", "USD", "JPY", "BHD"]


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
async def test_recording_in_one_currency_leaves_every_ledger_at_zero(
    session, data: st.DataObject
) -> None:
    world = await make_world(session, "Bob", "Carol", "Dan")
    names = ["Ann", "Bob", "Carol", "Dan"]
    await _rates(
        world,
        **{
            code: str(data.draw(st.decimals("0.001", "500", places=3), label=code))
            for code in CODES[1:]
        },
    )
    for _ in range(data.draw(st.integers(1, 6), label="expenses")):
        code = data.draw(st.sampled_from(CODES))
        exponent = {"EUR": 2, "USD": 2, "JPY": 0, "BHD": 3}[code]
        minor = data.draw(st.integers(1, 10**7))
        payer = data.draw(st.sampled_from(names))
        owers = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=4, unique=True))
        await world.expense(
            str(Decimal(minor).scaleb(-exponent)),
            currency=code,
            by=payer,
            split=world.among(*owers),
        )
    target = data.draw(st.sampled_from(CODES))
    await settle_up.record(session, world.owner, world.group_id, in_currency=target, on=DAY)
    assert await world.balances() == {}
    assert (await balances.verify(session, world.owner, world.group_id)).ok
