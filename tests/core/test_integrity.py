"""``integrity.check_database``: every group of the database against the ledger's promises.

Each test corrupts a database of its own with plain SQL (as a bad migration, a manual fix
or a bug would) and asserts the check names the group, member, currency and amounts.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Uuid, bindparam, text
from sqlalchemy.ext.asyncio import AsyncEngine

from pennywise_core import db, integrity
from pennywise_core.integrity import IntegrityReport, Problem
from pennywise_core.schemas import RateSet
from pennywise_core.services import balances, rates, settle_up
from tests.ledger import World, make_world


@dataclass
class Two:
    """Two groups of different owners: Ann's Trip (Ann, Bob) and Zoe's Flat (Zoe, Yan)."""

    engine: AsyncEngine
    trip: World
    flat: World
    coffee: uuid.UUID
    """Trip's 10.00 EUR expense, paid by Ann, split equally with Bob."""

    async def sql(self, statement: str, **params: object) -> None:
        """Plain SQL; ids bound as the schema stores them (SQLite: 32 hex digits)."""
        ids = [bindparam(k, type_=Uuid()) for k, v in params.items() if isinstance(v, uuid.UUID)]
        async with self.engine.begin() as connection:
            await connection.execute(text(statement).bindparams(*ids), params)

    async def check(self, *, repair: bool = False) -> IntegrityReport:
        async with db.session_factory(self.engine)() as session:
            await db.begin_snapshot(session)
            report = await integrity.check_database(session, repair=repair)
            await session.commit()
        return report


@pytest.fixture
async def two(fresh_database_url: str) -> AsyncIterator[Two]:
    engine = db.create_engine(fresh_database_url)
    await db.upgrade(engine)
    try:
        async with db.session_factory(engine)() as session, session.begin():
            trip = await make_world(session, owner="Ann")
            await trip.add_placeholder("Bob")
            coffee = await trip.expense("10.00", description="Coffee")
            flat = await make_world(session, owner="Zoe")
            await flat.add_placeholder("Yan")
            await flat.expense("30.00", by="Yan", description="Rent")
            await flat.expense("500", currency="JPY", description="Tea")
        yield Two(engine, trip, flat, coffee.id)
    finally:
        await engine.dispose()


def _by_check(report: IntegrityReport) -> dict[str, list[Problem]]:
    found: dict[str, list[Problem]] = {}
    for problem in report.problems:
        found.setdefault(problem.check, []).append(problem)
    return found


async def test_a_clean_database_passes_and_says_what_it_checked(two: Two) -> None:
    report = await two.check()
    assert report.ok
    assert report.problems == []
    assert (report.groups_checked, report.transactions_checked) == (2, 3)
    assert report.balances_checked == 6  # Trip 2 EUR; Flat 2 EUR + 2 JPY
    assert report.checks == list(integrity.CHECKS)
    assert {"balance_drift", "zero_sum", "entry_sums", "entry_members"} <= set(report.checks)


async def test_a_balance_changed_by_sql_is_drift_and_breaks_the_zero_sum(two: Two) -> None:
    yan = two.flat.member_ids["Yan"]
    await two.sql(
        "UPDATE balances SET amount = amount + 7 WHERE member_id = :m AND currency = 'EUR'",
        m=yan,
    )
    report = await two.check()
    assert not report.ok
    problems = _by_check(report)
    assert set(problems) == {"balance_drift", "zero_sum"}
    [drift] = problems["balance_drift"]
    assert (drift.group_id, drift.group, drift.member_id, drift.member) == (
        two.flat.group_id,
        "Trip",  # make_world names every group Trip; the id tells them apart
        yan,
        "Yan",
    )
    assert (drift.currency, drift.stored, drift.recomputed) == ("EUR", "15.07", "15.00")
    [zero] = problems["zero_sum"]
    assert (zero.group_id, zero.currency, zero.stored, zero.recomputed) == (
        two.flat.group_id,
        "EUR",
        "0.07",
        "0.00",
    )


async def test_a_missing_balance_row_is_drift(two: Two) -> None:
    await two.sql("DELETE FROM balances WHERE member_id = :m", m=two.trip.member_ids["Bob"])
    [drift] = _by_check(await two.check())["balance_drift"]
    assert (drift.member, drift.stored, drift.recomputed) == ("Bob", "0.00", "-5.00")


async def test_entries_that_do_not_sum_to_the_amount_are_reported(two: Two) -> None:
    await two.sql(
        "UPDATE entries SET owed = owed + 1 WHERE transaction_id = :t AND member_id = :m",
        t=two.coffee,
        m=two.trip.member_ids["Bob"],
    )
    problems = _by_check(await two.check())
    [broken] = problems["entry_sums"]
    assert (broken.group_id, broken.transaction_id, broken.currency) == (
        two.trip.group_id,
        two.coffee,
        "EUR",
    )
    assert "amount 10.00" in broken.message
    assert "Σowed 10.01" in broken.message
    # The balances table still holds what the entries said before: drift, zero sum intact.
    assert [(p.member, p.stored, p.recomputed) for p in problems["balance_drift"]] == [
        ("Bob", "-5.00", "-5.01")
    ]
    assert "zero_sum" not in problems


async def test_a_deleted_transactions_entries_are_checked_too(two: Two) -> None:
    await two.sql("UPDATE transactions SET deleted_at = created_at WHERE id = :t", t=two.coffee)
    await two.sql("UPDATE balances SET amount = 0 WHERE group_id = :g", g=two.trip.group_id)
    assert (await two.check()).ok
    await two.sql("UPDATE entries SET paid = paid + 1 WHERE transaction_id = :t", t=two.coffee)
    [broken] = _by_check(await two.check())["entry_sums"]
    assert broken.message.startswith("a deleted transaction's")


async def test_an_entry_of_another_group_is_reported(two: Two) -> None:
    # (group_id, member_id) is a member of that group, so every foreign key holds; only the
    # transaction says otherwise.
    await two.sql(
        "UPDATE entries SET group_id = :g, member_id = :m WHERE transaction_id = :t "
        "AND member_id = :bob",
        g=two.flat.group_id,
        m=two.flat.member_ids["Yan"],
        t=two.coffee,
        bob=two.trip.member_ids["Bob"],
    )
    problems = _by_check(await two.check())
    [foreign] = problems["entry_members"]
    assert (foreign.group_id, foreign.transaction_id, foreign.member) == (
        two.trip.group_id,
        two.coffee,
        "Yan",
    )


async def test_a_group_without_an_owner_is_reported(two: Two) -> None:
    await two.sql(
        "UPDATE members SET role = 'admin' WHERE group_id = :g AND role = 'owner'",
        g=two.flat.group_id,
    )
    [orphan] = _by_check(await two.check())["owners"]
    assert orphan.group_id == two.flat.group_id


async def test_repair_fixes_drift_only_where_the_entries_can_be_trusted(two: Two) -> None:
    await two.sql("UPDATE balances SET amount = amount + 1")
    await two.sql("UPDATE entries SET owed = owed + 1 WHERE transaction_id = :t", t=two.coffee)
    report = await two.check(repair=True)
    assert not report.ok
    repaired = [(p.check, p.group_id) for p in report.problems if p.repaired]
    left = {(p.check, p.group_id) for p in report.problems if not p.repaired}
    assert {g for _, g in repaired} == {two.flat.group_id}
    assert sorted(c for c, _ in repaired) == ["balance_drift"] * 4 + ["zero_sum"] * 2
    assert report.repaired == 6
    assert {g for _, g in left} == {two.trip.group_id}
    assert ("entry_sums", two.trip.group_id) in left
    after = _by_check(await two.check())
    assert {p.group_id for ps in after.values() for p in ps} == {two.trip.group_id}


async def test_the_group_verify_and_the_database_check_share_one_recomputation(
    two: Two,
) -> None:
    await two.sql(
        "UPDATE balances SET amount = amount + 1 WHERE group_id = :g", g=two.trip.group_id
    )
    async with db.session_factory(two.engine)() as session, session.begin():
        report = await balances.verify(session, two.trip.owner, two.trip.group_id)
        everything = await balances.recompute(session)
        trip = await balances.recompute(session, group_id=two.trip.group_id)
    assert {k: v for k, v in everything.items() if k[0] == two.trip.group_id} == trip
    assert {(d.member_id, d.stored, d.computed) for d in report.drift} == {
        (two.trip.member_ids["Ann"], "5.01", "5.00"),
        (two.trip.member_ids["Bob"], "-4.99", "-5.00"),
    }


async def test_a_converted_amount_that_is_not_its_rate_is_reported(fresh_database_url) -> None:
    engine = db.create_engine(fresh_database_url)
    await db.upgrade(engine)
    try:
        async with db.session_factory(engine)() as session, session.begin():
            trip = await make_world(session, owner="Ann")
            taxi = await trip.expense("20.00", currency="USD", rate="0.9", description="Taxi")
        two = Two(engine, trip, trip, taxi.id)
        assert (await two.check()).ok
        # As a bug that recomputed it from a newer rate would leave it (entries in step).
        await two.sql("UPDATE transactions SET amount = 1700 WHERE id = :t", t=taxi.id)
        await two.sql(
            "UPDATE entries SET paid = 1700, owed = 1700 WHERE transaction_id = :t", t=taxi.id
        )
        await two.sql("UPDATE balances SET amount = 0 WHERE group_id = :g", g=trip.group_id)
        [wrong] = _by_check(await two.check())["conversions"]
        assert (wrong.transaction_id, wrong.stored, wrong.recomputed) == (taxi.id, "17.00", "18.00")
    finally:
        await engine.dispose()


async def test_a_conversion_batch_deleted_in_part_is_reported(fresh_database_url) -> None:
    engine = db.create_engine(fresh_database_url)
    await db.upgrade(engine)
    try:
        async with db.session_factory(engine)() as session, session.begin():
            trip = await make_world(session, owner="Ann")
            await trip.add_placeholder("Bob")
            await rates.set_rate(
                session, trip.owner, trip.group_id, RateSet(currency="USD", rate="0.5")
            )
            await trip.expense("10.00", currency="USD", split=trip.among("Bob"))
            recorded = await settle_up.record(session, trip.owner, trip.group_id, in_currency="EUR")
        two = Two(engine, trip, trip, recorded[0].id)
        assert (await two.check()).ok
        usd = next(t for t in recorded if t.currency == "USD")
        await two.sql("UPDATE transactions SET deleted_at = created_at WHERE id = :t", t=usd.id)
        problems = _by_check(await two.check())["conversions"]
        assert {p.transaction_id for p in problems} == {t.id for t in recorded[:2]}
        assert problems[0].message == "part of a conversion batch is deleted and part is not"
    finally:
        await engine.dispose()
