"""The SDK's rates, conversion at entry, and balances and settle-up in one currency,
against the real app (ASGI transport), on SQLite and on PostgreSQL."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from decimal import Decimal

import pytest

from pennywise_client import AsyncPennywise, NotFoundError


async def test_a_trip_in_two_currencies_settled_in_one(
    async_client: Callable[..., AsyncPennywise],
) -> None:
    pw = async_client()
    address = f"ann-{secrets.token_hex(4)}@example.org"
    await pw.auth.register(address, "a sturdy passphrase 42", "Ann")
    await pw.auth.login(address, "a sturdy passphrase 42")
    group = await pw.groups.create("Boston", default_currency="EUR")
    ann = group.my_member_id
    bob = (await pw.members.add(group.id, display_name="Bob")).id

    rate = await pw.rates.set(group.id, "USD", Decimal("0.9"), valid_from="2026-01-01")
    assert (rate.currency, rate.base, rate.rate) == ("USD", "EUR", "0.9")
    assert [r.id for r in await pw.rates.list(group.id)] == [rate.id]
    with pytest.raises(TypeError, match="float"):
        await pw.rates.set(group.id, "USD", 0.9)  # type: ignore[arg-type]

    taxi = await pw.transactions.create(
        group.id, "Taxi", "20.00", currency="USD", convert=True, date="2026-06-01"
    )
    assert (taxi.amount, taxi.currency) == ("18.00", "EUR")  # Bob owes Ann 9.00
    assert taxi.conversion is not None
    assert (taxi.conversion.amount, taxi.conversion.rate) == ("20.00", "0.9")
    await pw.transactions.create(
        group.id, "Ferry", "10.00", currency="USD", date="2026-06-01", paid_by={bob: "10.00"}
    )  # Ann owes Bob 5.00 USD = 4.50 EUR

    converted = await pw.balances.converted(group.id, "EUR", date="2026-06-02")
    assert {b.member_id: b.balance for b in converted.balances} == {ann: "4.50", bob: "-4.50"}
    assert [(r.currency, r.rate) for r in converted.rates] == [("USD", "0.9")]
    suggestion = await pw.settle_up.get(group.id, in_="EUR", date="2026-06-02")
    assert [(t.from_member_id, t.amount) for t in suggestion.transfers] == [(bob, "4.50")]

    with pytest.raises(NotFoundError, match="XAF"):
        await pw.balances.converted(group.id, "XAF")
    recorded = await pw.settle_up.record(group.id, in_="EUR", rates_date="2026-06-02")
    assert [t.kind for t in recorded] == ["conversion", "conversion", "transfer"]
    assert all(Decimal(b.balance) == 0 for b in await pw.balances.get(group.id))
    await pw.rates.delete(group.id, rate.id)
    assert await pw.rates.list(group.id) == []
