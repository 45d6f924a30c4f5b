"""Recurring rules and the scheduler, with real commits on both databases."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

import pytest
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pennywise_core.errors import PermissionDeniedError, ValidationError
from pennywise_core.models import Activity, Transaction, User
from pennywise_core.recurring_schemas import RecurringRuleCreate, RecurringRuleUpdate, ScheduleIn
from pennywise_core.schemas import SplitEntryIn, SplitIn
from pennywise_core.services import balances, members, recurring
from pennywise_core.vocabulary import Frequency, Role
from tests.ledger import World, make_world

D = dt.date


@pytest.fixture
async def world(session_maker: async_sessionmaker[AsyncSession]) -> World:
    async with session_maker() as session, session.begin():
        world = await make_world(session, "Bob")
        await world.add_placeholder("Carol")
    return world


def rent(
    world: World, *, amount: str = "1200.00", split: SplitIn | None = None
) -> dict[str, object]:
    template: dict[str, object] = {"description": "Rent", "amount": amount}
    if split is not None:
        template["split"] = split.model_dump(mode="json", exclude_none=True)
    return template


def monthly(start: dt.date, **kwargs: object) -> ScheduleIn:
    return ScheduleIn(every=Frequency.MONTHLY, start=start, **kwargs)


async def add_rule(
    maker: async_sessionmaker[AsyncSession],
    world: World,
    schedule: ScheduleIn,
    template: dict[str, object] | None = None,
    actor: User | None = None,
) -> uuid.UUID:
    async with maker() as session, session.begin():
        data = RecurringRuleCreate.model_validate(
            {"transaction": template or rent(world), "schedule": schedule.model_dump()}
        )
        rule = await recurring.create(session, actor or world.owner, world.group_id, data)
    return rule.id


async def occurrences(
    maker: async_sessionmaker[AsyncSession], world: World
) -> list[tuple[dt.date, int]]:
    async with maker() as session:
        rows = await session.execute(
            select(Transaction.date, Transaction.amount)
            .where(Transaction.group_id == world.group_id, Transaction.deleted_at.is_(None))
            .order_by(Transaction.date)
        )
        return [(d, a) for d, a in rows]


MONTH_ENDS = [
    D(2024, 1, 31),
    D(2024, 2, 29),
    D(2024, 3, 31),
    D(2024, 4, 30),
    D(2024, 5, 31),
    D(2024, 6, 30),
]


async def test_each_occurrence_once_on_its_own_date(
    session_maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    await add_rule(session_maker, world, monthly(D(2024, 1, 31), count=6))
    first = await recurring.run_due(
        session_maker, group_ids=[world.group_id], through=D(2030, 1, 1)
    )
    assert [c.date for c in first.created] == MONTH_ENDS
    assert first.failed == []
    assert await occurrences(session_maker, world) == [(d, 120000) for d in MONTH_ENDS]
    again = await recurring.run_due(
        session_maker, group_ids=[world.group_id], through=D(2030, 1, 1)
    )
    assert again.created == []
    assert again.failed == []
    assert len(await occurrences(session_maker, world)) == 6


async def test_catch_up_after_downtime_creates_every_missed_one(
    session_maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    await add_rule(session_maker, world, monthly(D(2024, 1, 31)))
    assert (
        len(
            (
                await recurring.run_due(
                    session_maker, group_ids=[world.group_id], through=D(2024, 3, 15)
                )
            ).created
        )
        == 2
    )
    later = await recurring.run_due(
        session_maker, group_ids=[world.group_id], through=D(2024, 6, 30)
    )
    assert [c.date for c in later.created] == MONTH_ENDS[2:]


async def test_two_schedulers_at_once_create_each_occurrence_once(
    session_maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    for day in (1, 10, 20):
        await add_rule(session_maker, world, monthly(D(2024, 1, day), count=4))
    runs = await asyncio.gather(
        *(
            recurring.run_due(session_maker, group_ids=[world.group_id], through=D(2024, 12, 31))
            for _ in range(3)
        )
    )
    created = [(c.rule_id, c.date) for run in runs for c in run.created]
    assert len(created) == len(set(created)) == 12
    assert len(await occurrences(session_maker, world)) == 12
    async with session_maker() as session, session.begin():
        report = await balances.verify(session, world.owner, world.group_id)
    assert report.ok


async def test_paused_days_are_skipped_and_resuming_goes_on(
    session_maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    rule_id = await add_rule(session_maker, world, monthly(D(2024, 1, 1)))
    await recurring.run_due(session_maker, group_ids=[world.group_id], through=D(2024, 1, 15))
    async with session_maker() as session, session.begin():
        paused = await recurring.pause(session, world.owner, rule_id)
    assert paused.status == "paused"
    assert paused.next_date is None
    assert (
        await recurring.run_due(session_maker, group_ids=[world.group_id], through=D(2024, 4, 15))
    ).created == []
    async with session_maker() as session, session.begin():
        resumed = await recurring.resume(session, world.owner, rule_id, on=D(2024, 4, 15))
    assert resumed.next_date == D(2024, 5, 1)
    later = await recurring.run_due(
        session_maker, group_ids=[world.group_id], through=D(2024, 6, 1)
    )
    assert [c.date for c in later.created] == [D(2024, 5, 1), D(2024, 6, 1)]


async def test_ending_keeps_the_past_and_stops_the_future(
    session_maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    rule_id = await add_rule(session_maker, world, monthly(D(2024, 1, 1)))
    await recurring.run_due(session_maker, group_ids=[world.group_id], through=D(2024, 2, 10))
    async with session_maker() as session, session.begin():
        ended = await recurring.end(session, world.owner, rule_id, on=D(2024, 2, 10))
    assert ended.status == "ended"
    assert ended.schedule.until == D(2024, 2, 10)
    assert (
        await recurring.run_due(session_maker, group_ids=[world.group_id], through=D(2025, 1, 1))
    ).created == []
    assert [d for d, _ in await occurrences(session_maker, world)] == [D(2024, 1, 1), D(2024, 2, 1)]


async def test_an_edit_applies_to_the_occurrences_still_to_come(
    session_maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    rule_id = await add_rule(session_maker, world, monthly(D(2024, 1, 1)))
    await recurring.run_due(session_maker, group_ids=[world.group_id], through=D(2024, 2, 1))
    async with session_maker() as session, session.begin():
        await recurring.update(
            session,
            world.owner,
            rule_id,
            RecurringRuleUpdate.model_validate({"transaction": {"amount": "1250.00"}}),
        )
    await recurring.run_due(session_maker, group_ids=[world.group_id], through=D(2024, 3, 1))
    assert await occurrences(session_maker, world) == [
        (D(2024, 1, 1), 120000),
        (D(2024, 2, 1), 120000),
        (D(2024, 3, 1), 125000),
    ]


async def test_a_rule_that_cannot_run_is_reported_and_tried_again(
    session_maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    carol = world.member_ids["Carol"]
    split = SplitIn(
        entries=[SplitEntryIn(member_id=carol), SplitEntryIn(member_id=world.member_ids["Ann"])]
    )
    rule_id = await add_rule(session_maker, world, monthly(D(2024, 1, 1)), rent(world, split=split))
    async with session_maker() as session, session.begin():
        await members.remove(session, world.owner, world.group_id, carol)
    run = await recurring.run_due(session_maker, group_ids=[world.group_id], through=D(2024, 2, 1))
    assert run.created == []
    (failed,) = run.failed
    assert (failed.rule_id, failed.date) == (rule_id, D(2024, 1, 1))
    assert str(carol) in failed.error
    async with session_maker() as session, session.begin():
        detail = await recurring.get(session, world.owner, rule_id)
    assert detail.occurrences == []
    assert detail.next_date == D(2024, 1, 1)
    async with session_maker() as session, session.begin():
        await recurring.update(
            session,
            world.owner,
            rule_id,
            RecurringRuleUpdate.model_validate({"transaction": {"split": {"mode": "equal"}}}),
        )
    assert [
        c.date
        for c in (
            await recurring.run_due(
                session_maker, group_ids=[world.group_id], through=D(2024, 2, 1)
            )
        ).created
    ] == [
        D(2024, 1, 1),
        D(2024, 2, 1),
    ]


async def test_every_occurrence_and_change_is_in_the_activity(
    session_maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    rule_id = await add_rule(session_maker, world, monthly(D(2024, 1, 1), count=2))
    run = await recurring.run_due(session_maker, group_ids=[world.group_id], through=D(2024, 12, 1))
    async with session_maker() as session:
        rows = (
            await session.execute(
                select(Activity.action, Activity.target_id, Activity.after).where(
                    Activity.group_id == world.group_id, Activity.action.like("recurring.%")
                )
            )
        ).all()
        creates = await session.scalar(
            select(func.count()).where(
                Activity.group_id == world.group_id, Activity.action == "transaction.create"
            )
        )
    occurred = sorted(r.after["transaction_id"] for r in rows if r.action == "recurring.occur")
    assert occurred == sorted(str(c.transaction_id) for c in run.created)
    assert [r.action for r in rows if r.target_id == rule_id].count("recurring.create") == 1
    assert creates == 2


async def test_rules_list_active_first_by_next_date(
    session_maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    late = await add_rule(session_maker, world, monthly(D(2024, 1, 20)))
    early = await add_rule(session_maker, world, monthly(D(2024, 1, 5)))
    done = await add_rule(session_maker, world, monthly(D(2024, 1, 1), count=1))
    paused = await add_rule(session_maker, world, monthly(D(2024, 1, 2)))
    await recurring.run_due(session_maker, group_ids=[world.group_id], through=D(2024, 1, 3))
    async with session_maker() as session, session.begin():
        await recurring.pause(session, world.owner, paused)
        listed = await recurring.list_rules(session, world.owner, world.group_id)
    assert [(r.id, r.status) for r in listed] == [
        (early, "active"),
        (late, "active"),
        (paused, "paused"),
        (done, "ended"),
    ]


async def test_deleting_a_rule_keeps_its_transactions(
    session_maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    rule_id = await add_rule(session_maker, world, monthly(D(2024, 1, 1), count=2))
    await recurring.run_due(session_maker, group_ids=[world.group_id], through=D(2024, 12, 1))
    async with session_maker() as session, session.begin():
        await recurring.delete_rule(session, world.owner, rule_id)
    assert len(await occurrences(session_maker, world)) == 2


@pytest.mark.parametrize(
    ("template", "schedule", "loc"),
    [
        pytest.param(
            {}, {"until": D(2024, 5, 1), "count": 3}, ("schedule", "count"), id="until+count"
        ),
        pytest.param({}, {"weekdays": ["monday"]}, ("schedule", "weekdays"), id="weekdays monthly"),
        pytest.param({"amount": "12.345"}, {}, ("transaction", "amount"), id="amount"),
    ],
)
async def test_a_bad_rule_names_the_field_and_changes_nothing(
    session_maker: async_sessionmaker[AsyncSession],
    world: World,
    template: dict[str, object],
    schedule: dict[str, object],
    loc: tuple[str, ...],
) -> None:
    data = {**rent(world), **template}
    with pytest.raises(ValidationError) as raised:
        await add_rule(session_maker, world, monthly(D(2024, 1, 1), **schedule), data)
    assert raised.value.errors[0].loc[: len(loc)] == loc
    async with session_maker() as session:
        assert await recurring.list_rules(session, world.owner, world.group_id) == []
        assert await session.scalar(select(func.count()).select_from(Transaction)) == 0


async def test_a_viewer_cannot_add_a_rule(
    session_maker: async_sessionmaker[AsyncSession], world: World
) -> None:
    async with session_maker() as session, session.begin():
        world.session = session
        viewer = await world.add_user("Vic", role=Role.VIEWER)
    with pytest.raises(PermissionDeniedError):
        await add_rule(session_maker, world, monthly(D(2024, 1, 1)), actor=viewer)


@pytest.mark.parametrize("field", ["date", "group_id", "import_key"])
def test_a_template_takes_what_each_occurrence_decides_from_nobody(field: str) -> None:
    """The date is each occurrence's, the group the rule's, and an import key nobody's."""
    with pytest.raises(PydanticValidationError) as raised:
        RecurringRuleCreate.model_validate(
            {
                "transaction": {"description": "Rent", "amount": "1.00", field: "2024-01-01"},
                "schedule": {"every": "monthly", "start": "2024-01-01"},
            }
        )
    assert [e["loc"] for e in raised.value.errors()] == [("transaction", field)]
