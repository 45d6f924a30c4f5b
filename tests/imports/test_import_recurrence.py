"""Imports keep recurrence: a series the file says repeats becomes one recurring rule.

The fixtures follow how the apps write these series (read from their code):

* spliit_2025_series.json — a Spliit JSON export of today (expense ids, ``createdAt``,
  notes, activities; no ``recurringExpenseLink``: the export leaves the links out). Spliit
  creates each next occurrence of a recurring expense as a copy of the latest one (new id,
  own date, the same ``createdAt``; ``createRecurringExpenses`` in ``src/lib/api.ts``), its
  monthly step keeping the day if the next month has it, else the month's last day, and
  going on from there::

      Rent 1200.00 by Ana, EVENLY, MONTHLY: 31 Jan, 28 Feb, 28 Mar 2025      → a rule
      Groceries 54.00 by Ben, NONE
      Gym 30.00 by Cleo, 50/50 Ben/Cleo, WEEKLY: 3, 10 Mar; 17 Mar switched off → ended
      Swiss phone plan 31.80 EUR (30.00 CHF at 1.06) by Ben, shares 2/1 Ben/Cleo,
          MONTHLY: 5 Mar                                                      → a rule

* cospend_repeating.csv — a Cospend project export (members, bills, categories, payment
  modes, currencies). Cospend keeps the repeat fields on the latest bill only: when it
  creates the next bill it takes them off the one before (``repeatLocalBill`` in
  ``lib/Service/LocalProjectService.php``)::

      Rent 900 by Ines, owers Ines(1) Jonas(2): 1 Jan, 1 Feb (repeat n), 1 Mar repeat m
          until 2024-06-30                                                     → a rule
      Magazine 5 by Kaia: 10 Feb repeat m until 2024-03-01 (next: 10 Mar)     → ended
      Cleaning 40 by Jonas, 4 Mar repeat b (every two weeks)                  → a rule
      Internet 30 by Kaia, 5 Mar repeat s (the 1st and the 15th)              → notes
"""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pennywise_core.errors import ValidationError
from pennywise_core.models import Activity, RecurringOccurrence, RecurringRule, Transaction, User
from pennywise_core.recurring_schemas import RecurringRuleRead
from pennywise_core.services import recurring
from tests.imports.helpers import counts, fixture, member_ids, run_bytes, run_file
from tests.ledger import World, make_world

D = dt.date
SPLIIT = "spliit_2025_series.json"
COSPEND = "cospend_repeating.csv"


def spliit_document() -> dict[str, object]:
    document: dict[str, object] = json.loads(fixture(SPLIIT))
    return document


def cospend_with(old: bytes, new: bytes) -> bytes:
    data = fixture(COSPEND)
    assert data.count(old) == 1
    return data.replace(old, new)


async def rules_by_description(
    session: AsyncSession, actor: User, group_id: uuid.UUID
) -> dict[str, RecurringRuleRead]:
    return {
        r.transaction["description"]: r
        for r in await recurring.list_rules(session, actor, group_id)
    }


async def rule_count(session: AsyncSession, group_id: uuid.UUID) -> int:
    return int(
        await session.scalar(
            select(func.count())
            .select_from(RecurringRule)
            .where(RecurringRule.group_id == group_id)
        )
        or 0
    )


async def dated(session: AsyncSession, group_id: uuid.UUID, description: str) -> list[dt.date]:
    rows = await session.scalars(
        select(Transaction.date)
        .where(Transaction.group_id == group_id, Transaction.description == description)
        .order_by(Transaction.date)
    )
    return list(rows)


@pytest.fixture
async def ana(session: AsyncSession) -> World:
    return await make_world(session, owner="Ana")


@pytest.fixture
async def ines(session: AsyncSession) -> World:
    return await make_world(session, owner="Ines")


class TestSpliitSeries:
    async def test_one_rule_per_series_that_goes_on(self, session, ana: World) -> None:
        report = await run_file(session, ana.owner, ana.group_id, SPLIIT)
        assert (report.created, report.recurring_rules_created, report.kept_in_notes) == (8, 2, [])
        rules = await rules_by_description(session, ana.owner, ana.group_id)
        assert sorted(rules) == ["Rent", "Swiss phone plan"]  # Gym was switched off
        rent = rules["Rent"]
        assert (rent.schedule.every, rent.schedule.interval) == ("monthly", 1)
        assert (rent.schedule.start, rent.schedule.until, rent.schedule.count) == (
            D(2025, 3, 28),
            None,
            None,
        )
        # Done through the latest occurrence in the file: the next is the month after it.
        assert (rent.status, rent.done_through, rent.next_date) == (
            "active",
            D(2025, 3, 28),
            D(2025, 4, 28),
        )
        phone = rules["Swiss phone plan"]
        assert (phone.done_through, phone.next_date) == (D(2025, 3, 5), D(2025, 4, 5))

    async def test_the_template_is_the_latest_expense(self, session, ana: World) -> None:
        await run_file(session, ana.owner, ana.group_id, SPLIIT)
        ids = await member_ids(session, ana.group_id)
        rules = await rules_by_description(session, ana.owner, ana.group_id)
        assert rules["Rent"].transaction == {
            "kind": "expense",
            "description": "Rent",
            "amount": "1200.00",
            "currency": "EUR",
            "category": "Rent",
            "notes": "Flat 3B",  # Spliit's own notes; the recurrence is the rule, not a note
            "paid_by": [{"member_id": str(ids["Ana"])}],
            "split": {
                "mode": "equal",
                "entries": [{"member_id": str(ids[n])} for n in ("Ana", "Ben", "Cleo")],
            },
            "convert": False,
        }
        # Entered in CHF at Spliit's rate, which Spliit copies onto each next expense.
        phone = rules["Swiss phone plan"].transaction
        assert (phone["amount"], phone["currency"], phone["rate"]) == ("30.00", "CHF", "1.06")
        assert phone["split"] == {
            "mode": "shares",
            "entries": [
                {"member_id": str(ids["Ben"]), "shares": "2"},
                {"member_id": str(ids["Cleo"]), "shares": "1"},
            ],
        }

    async def test_the_series_expenses_are_the_rules_occurrences(self, session, ana: World) -> None:
        await run_file(session, ana.owner, ana.group_id, SPLIIT)
        rule = (await rules_by_description(session, ana.owner, ana.group_id))["Rent"]
        detail = await recurring.get(session, ana.owner, rule.id)
        assert [o.date for o in detail.occurrences] == [
            D(2025, 3, 28),
            D(2025, 2, 28),
            D(2025, 1, 31),
        ]
        rents = dict(
            (
                await session.execute(
                    select(Transaction.id, Transaction.date).where(
                        Transaction.group_id == ana.group_id, Transaction.description == "Rent"
                    )
                )
            ).all()
        )
        assert {o.transaction_id: o.date for o in detail.occurrences} == rents

    async def test_the_import_and_each_rule_are_in_the_activity(self, session, ana: World) -> None:
        await run_file(session, ana.owner, ana.group_id, SPLIIT)
        rows = (
            await session.scalars(
                select(Activity).where(
                    Activity.group_id == ana.group_id,
                    Activity.action.in_(["import", "recurring.create"]),
                )
            )
        ).all()
        actions = sorted(a.action for a in rows)
        assert actions == ["import", "recurring.create", "recurring.create"]
        (done,) = [a for a in rows if a.action == "import"]
        assert done.after is not None
        assert done.after["recurring_rules_created"] == 2

    async def test_reimport_adds_no_second_rule(self, session, ana: World) -> None:
        await run_file(session, ana.owner, ana.group_id, SPLIIT)
        again = await run_file(session, ana.owner, ana.group_id, SPLIIT)
        assert (again.created, again.already_imported, again.recurring_rules_created) == (
            0,
            8,
            0,
        )
        assert await rule_count(session, ana.group_id) == 2

    async def test_a_newer_export_adds_its_expenses_but_no_second_rule(
        self, session, ana: World
    ) -> None:
        await run_file(session, ana.owner, ana.group_id, SPLIIT)
        document = spliit_document()
        expenses = document["expenses"]
        assert isinstance(expenses, list)
        april = dict(
            expenses[-1], id="Qe3rT6yU9iO2pA5sD8fGh", expenseDate="2025-04-28T00:00:00.000Z"
        )
        document["expenses"] = [*expenses, april]
        report = await run_bytes(session, ana.owner, ana.group_id, json.dumps(document).encode())
        assert (report.created, report.recurring_rules_created) == (1, 0)
        assert await rule_count(session, ana.group_id) == 2

    async def test_a_series_still_repeating_after_a_switched_off_one_goes_on(
        self, session, ana: World
    ) -> None:
        # Only the latest expense of a series says how it goes on.
        document = spliit_document()
        expenses = document["expenses"]
        assert isinstance(expenses, list)
        expenses[5]["recurrenceRule"] = "NONE"  # 10 Mar off, 17 Mar back on
        expenses[6]["recurrenceRule"] = "WEEKLY"
        report = await run_bytes(session, ana.owner, ana.group_id, json.dumps(document).encode())
        assert report.recurring_rules_created == 3
        gym = (await rules_by_description(session, ana.owner, ana.group_id))["Gym"]
        assert (gym.schedule.every, gym.next_date) == ("weekly", D(2025, 3, 24))
        detail = await recurring.get(session, ana.owner, gym.id)
        assert [o.date for o in detail.occurrences] == [
            D(2025, 3, 17),
            D(2025, 3, 10),
            D(2025, 3, 3),
        ]

    async def test_dry_run_counts_the_rules_and_creates_nothing(self, session, ana: World) -> None:
        before = await counts(session, ana.group_id)
        report = await run_file(session, ana.owner, ana.group_id, SPLIIT, dry_run=True)
        assert (report.dry_run, report.created, report.recurring_rules_created) == (True, 8, 2)
        assert await counts(session, ana.group_id) == before
        assert await rule_count(session, ana.group_id) == 0
        assert await session.scalar(select(func.count()).select_from(RecurringOccurrence)) == 0

    async def test_a_bad_row_elsewhere_makes_no_rule(self, session, ana: World) -> None:
        document = spliit_document()
        expenses = document["expenses"]
        assert isinstance(expenses, list)
        expenses[1]["amount"] = "12.5"
        before = await counts(session, ana.group_id)
        with pytest.raises(ValidationError) as caught:
            await run_bytes(session, ana.owner, ana.group_id, json.dumps(document).encode())
        assert caught.value.errors[0].loc == ("row", 2, "amount")
        assert await counts(session, ana.group_id) == before
        assert await rule_count(session, ana.group_id) == 0

    async def test_a_latest_expense_left_out_makes_no_rule(self, session, ana: World) -> None:
        # skip_invalid leaves the bad row out; a rule from the expense before it would
        # create it again, so its series makes none. A bad earlier expense does not matter.
        document = spliit_document()
        expenses = document["expenses"]
        assert isinstance(expenses, list)
        expenses[7]["splitMode"] = "BY_AMOUNT"  # shares 1/1/1 do not add up to 1200.00
        expenses[3]["splitMode"] = "BY_AMOUNT"  # the first Gym
        expenses[5]["recurrenceRule"] = "NONE"
        expenses[6]["recurrenceRule"] = "WEEKLY"
        report = await run_bytes(
            session, ana.owner, ana.group_id, json.dumps(document).encode(), skip_invalid=True
        )
        assert sorted(r.row for r in report.invalid_rows) == [4, 8]
        assert report.recurring_rules_created == 2
        rules = await rules_by_description(session, ana.owner, ana.group_id)
        assert sorted(rules) == ["Gym", "Swiss phone plan"]
        detail = await recurring.get(session, ana.owner, rules["Gym"].id)
        assert [o.date for o in detail.occurrences] == [D(2025, 3, 17), D(2025, 3, 10)]

    async def test_an_unknown_recurrence_rule_names_the_row_and_field(
        self, session, ana: World
    ) -> None:
        document = spliit_document()
        expenses = document["expenses"]
        assert isinstance(expenses, list)
        expenses[7]["recurrenceRule"] = "YEARLY"
        before = await counts(session, ana.group_id)
        with pytest.raises(ValidationError) as caught:
            await run_bytes(session, ana.owner, ana.group_id, json.dumps(document).encode())
        (error,) = caught.value.errors
        assert error.loc == ("row", 8, "recurrenceRule")
        assert "'YEARLY'" in error.msg
        assert "must be NONE or one of DAILY, WEEKLY, MONTHLY" in error.msg
        assert await counts(session, ana.group_id) == before
        assert await rule_count(session, ana.group_id) == 0

    async def test_without_created_at_the_recurrence_stays_in_the_notes(
        self, session, ana: World
    ) -> None:
        # Which expenses are one series cannot be told then: nothing is made up.
        document = spliit_document()
        expenses = document["expenses"]
        assert isinstance(expenses, list)
        for expense in expenses:
            del expense["createdAt"]
        report = await run_bytes(session, ana.owner, ana.group_id, json.dumps(document).encode())
        assert report.recurring_rules_created == 0
        assert [(k.field, k.transactions) for k in report.kept_in_notes] == [("recurrenceRule", 6)]


class TestSpliitScheduler:
    """The import committed, then the scheduler: it creates only what follows the file."""

    async def test_the_scheduler_creates_only_the_later_occurrences(
        self, session_maker: async_sessionmaker[AsyncSession]
    ) -> None:
        async with session_maker() as session, session.begin():
            world = await make_world(session, owner="Ana")
        async with session_maker() as session, session.begin():
            await run_file(session, world.owner, world.group_id, SPLIIT)
        run = await recurring.run_due(
            session_maker, group_ids=[world.group_id], through=D(2025, 6, 30)
        )
        assert run.failed == []
        assert sorted((c.date, c.transaction_id is not None) for c in run.created) == [
            (D(2025, 4, 5), True),
            (D(2025, 4, 28), True),
            (D(2025, 5, 5), True),
            (D(2025, 5, 28), True),
            (D(2025, 6, 5), True),
            (D(2025, 6, 28), True),
        ]
        async with session_maker() as session:
            assert await dated(session, world.group_id, "Rent") == [
                D(2025, 1, 31),
                D(2025, 2, 28),
                D(2025, 3, 28),
                D(2025, 4, 28),
                D(2025, 5, 28),
                D(2025, 6, 28),
            ]
            assert await dated(session, world.group_id, "Gym") == [
                D(2025, 3, 3),
                D(2025, 3, 10),
                D(2025, 3, 17),
            ]
            # Each converted at the file's rate: 30.00 CHF × 1.06 = 31.80 EUR, as Spliit.
            phones = (
                await session.execute(
                    select(Transaction.amount, Transaction.currency).where(
                        Transaction.group_id == world.group_id,
                        Transaction.description == "Swiss phone plan",
                    )
                )
            ).all()
            assert sorted(phones) == [(3180, "EUR")] * 4
        again = await recurring.run_due(
            session_maker, group_ids=[world.group_id], through=D(2025, 6, 30)
        )
        assert (again.created, again.failed) == ([], [])


class TestCospendRepeat:
    async def test_each_repeating_bill_is_a_rule_from_its_date(self, session, ines: World) -> None:
        report = await run_file(session, ines.owner, ines.group_id, COSPEND)
        assert (report.created, report.recurring_rules_created) == (6, 2)
        rules = await rules_by_description(session, ines.owner, ines.group_id)
        assert sorted(rules) == ["Cleaning", "Rent"]  # the Magazine's end came first
        rent = rules["Rent"]
        assert (rent.schedule.every, rent.schedule.interval) == ("monthly", 1)
        assert (rent.schedule.start, rent.schedule.until) == (D(2024, 3, 1), D(2024, 6, 30))
        assert (rent.done_through, rent.next_date) == (D(2024, 3, 1), D(2024, 4, 1))
        ids = await member_ids(session, ines.group_id)
        assert rent.transaction["notes"] == "flat 3B"
        assert rent.transaction["split"] == {
            "mode": "shares",
            "entries": [
                {"member_id": str(ids["Ines"]), "shares": "1"},
                {"member_id": str(ids["Jonas"]), "shares": "2"},
            ],
        }
        # "b" is every two weeks, whatever repeatfreq says (as Cospend does).
        cleaning = rules["Cleaning"]
        assert (cleaning.schedule.every, cleaning.schedule.interval) == ("weekly", 2)
        assert (cleaning.next_date, cleaning.transaction["notes"]) == (
            D(2024, 3, 18),
            "Payment mode: Wire",
        )

    async def test_only_the_repeating_bill_is_the_rules_occurrence(
        self, session, ines: World
    ) -> None:
        # The bills before it had their repeat fields taken off by Cospend: they are
        # ordinary bills of the file, told apart by nothing the file says.
        await run_file(session, ines.owner, ines.group_id, COSPEND)
        rule = (await rules_by_description(session, ines.owner, ines.group_id))["Rent"]
        detail = await recurring.get(session, ines.owner, rule.id)
        assert [o.date for o in detail.occurrences] == [D(2024, 3, 1)]

    async def test_twice_a_month_stays_in_the_notes(self, session, ines: World) -> None:
        report = await run_file(session, ines.owner, ines.group_id, COSPEND)
        assert [k.model_dump() for k in report.kept_in_notes] == [
            {"field": "paymentmode", "transactions": 1, "rows": [11]},
            {"field": "repeat", "transactions": 1, "rows": [12]},
        ]
        internet = await session.scalar(
            select(Transaction.notes).where(
                Transaction.group_id == ines.group_id, Transaction.description == "Internet"
            )
        )
        assert internet == "Repeats twice a month (the 1st and the 15th) in Cospend"

    async def test_every_n_periods_is_the_rules_interval(self, session, ines: World) -> None:
        data = cospend_with(b'"Ines,Jonas",m,1,0,2024-06-30', b'"Ines,Jonas",m,3,0,')
        await run_bytes(session, ines.owner, ines.group_id, data)
        rent = (await rules_by_description(session, ines.owner, ines.group_id))["Rent"]
        assert (rent.schedule.interval, rent.schedule.until, rent.next_date) == (
            3,
            None,
            D(2024, 6, 1),
        )

    async def test_reimport_adds_no_second_rule(self, session, ines: World) -> None:
        await run_file(session, ines.owner, ines.group_id, COSPEND)
        again = await run_file(session, ines.owner, ines.group_id, COSPEND)
        assert (again.created, again.recurring_rules_created) == (0, 0)
        assert await rule_count(session, ines.group_id) == 2

    async def test_dry_run_counts_the_rules_and_creates_nothing(self, session, ines: World) -> None:
        before = await counts(session, ines.group_id)
        report = await run_file(session, ines.owner, ines.group_id, COSPEND, dry_run=True)
        assert report.recurring_rules_created == 2
        assert await counts(session, ines.group_id) == before
        assert await rule_count(session, ines.group_id) == 0

    @pytest.mark.parametrize(
        ("old", "new", "column", "reason"),
        [
            (b"m,1,0,2024-06-30", b"x,1,0,2024-06-30", "repeat", "must be n (no repetition)"),
            (b"m,1,0,2024-06-30", b"m,two,0,2024-06-30", "repeatfreq", "a whole number"),
            (b"m,1,0,2024-06-30", b"m,1001,0,2024-06-30", "repeatfreq", "at most 1000"),
            (b"m,1,0,2024-06-30", b"m,1,0,30/06/2024", "repeatuntil", "YYYY-MM-DD"),
        ],
    )
    async def test_a_bad_repeat_cell_names_the_row_and_column(
        self, session, ines: World, old: bytes, new: bytes, column: str, reason: str
    ) -> None:
        before = await counts(session, ines.group_id)
        with pytest.raises(ValidationError) as caught:
            await run_bytes(session, ines.owner, ines.group_id, cospend_with(old, new))
        (error,) = caught.value.errors
        assert error.loc == ("row", 10, column)
        assert reason in error.msg
        assert await counts(session, ines.group_id) == before
        assert await rule_count(session, ines.group_id) == 0

    async def test_the_scheduler_stops_at_repeatuntil(
        self, session_maker: async_sessionmaker[AsyncSession]
    ) -> None:
        async with session_maker() as session, session.begin():
            world = await make_world(session, owner="Ines")
        async with session_maker() as session, session.begin():
            await run_file(session, world.owner, world.group_id, COSPEND)
        await recurring.run_due(session_maker, group_ids=[world.group_id], through=D(2024, 12, 31))
        async with session_maker() as session:
            assert await dated(session, world.group_id, "Rent") == [
                D(2024, 1, 1),
                D(2024, 2, 1),
                D(2024, 3, 1),
                D(2024, 4, 1),
                D(2024, 5, 1),
                D(2024, 6, 1),
            ]
            rent = (await rules_by_description(session, world.owner, world.group_id))["Rent"]
            assert (rent.status, rent.next_date) == ("ended", None)
