"""Recurring transactions: rules, and the scheduler that creates their occurrences.

A rule (:class:`~pennywise_core.models.RecurringRule`) is a template transaction and a
schedule. Its occurrences are ordinary transactions created by :func:`run_rule` with the
template dated on the occurrence's day, written by :func:`transactions.create
<pennywise_core.services.transactions.create>` like any other (so balances, activity and
every rule of the ledger apply), on behalf of the rule's creator.

Nothing twice, nothing lost:

* each occurrence is *claimed* first, by inserting its (rule, date) row with ``ON CONFLICT
  DO NOTHING``: the primary key admits one, and a second scheduler's insert waits for the
  first one's commit and then finds the row taken;
* on PostgreSQL :func:`run_rule` also locks the rule ``FOR UPDATE SKIP LOCKED``, so two
  schedulers share the rules between them instead of queueing on each other; SQLite runs
  one writer at a time;
* ``done_through`` moves past a date only when its occurrence was created, so after
  downtime the next run creates every missed one, each on its own date, and a rule whose
  occurrence failed (a member it names left) is tried again on the next run.

Pausing skips: the dates a rule was paused on are done (``done_through`` moves to the day
before it resumes); editing applies to the occurrences still to come.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pennywise_core.db import conflict_insert, session_factory
from pennywise_core.errors import FieldError, NotFoundError, PennywiseError, ValidationError
from pennywise_core.models import RecurringOccurrence, RecurringRule, User, utcnow, utctoday
from pennywise_core.recurring_schemas import (
    WEEKDAYS,
    CreatedOccurrence,
    FailedRule,
    OccurrenceRead,
    RecurringRuleCreate,
    RecurringRuleDetail,
    RecurringRuleRead,
    RecurringRuleUpdate,
    RuleStatus,
    RunResult,
    ScheduleIn,
    ScheduleRead,
    TransactionTemplate,
)
from pennywise_core.schedule import LAST_DAY, Schedule, ScheduleError
from pennywise_core.schemas import TransactionCreate
from pennywise_core.services import activity, transactions
from pennywise_core.services.access import membership, require_role
from pennywise_core.services.versions import check_version
from pennywise_core.vocabulary import Role

# --- the schedule, stored one column per field ----------------------------------------------


def schedule_of(rule: RecurringRule) -> Schedule:
    return Schedule(
        every=rule.every,
        start=rule.starts_on,
        interval=rule.repeat_interval,
        weekdays=tuple(rule.weekdays or ()),
        day_of_month=rule.day_of_month,
        until=rule.until,
        count=rule.max_count,
    )


def _checked(data: ScheduleIn) -> Schedule:
    """The schedule ``data`` describes; a :class:`ValidationError` naming the field if none."""
    day = LAST_DAY if data.day_of_month == "last" else data.day_of_month
    try:
        return Schedule(
            every=data.every,
            start=data.start,
            interval=data.interval,
            weekdays=tuple(WEEKDAYS.index(name) for name in data.weekdays or ()),
            day_of_month=day,
            until=data.until,
            count=data.count,
        )
    except ScheduleError as exc:
        public = {"day_of_month": "day_of_month", "every": "every"}.get(exc.field, exc.field)
        raise ValidationError.at(("schedule", public), exc.message) from None


def _store_schedule(rule: RecurringRule, schedule: Schedule) -> None:
    rule.every = schedule.every
    rule.starts_on = schedule.start
    rule.repeat_interval = schedule.interval
    rule.weekdays = list(schedule.weekdays) or None
    rule.day_of_month = schedule.day_of_month
    rule.until = schedule.until
    rule.max_count = schedule.count


def _status(rule: RecurringRule, schedule: Schedule) -> RuleStatus:
    if schedule.next_date(rule.done_through) is None:
        return "ended"
    return "paused" if rule.paused_at is not None else "active"


def to_read(rule: RecurringRule) -> RecurringRuleRead:
    schedule = schedule_of(rule)
    status = _status(rule, schedule)
    day = "last" if rule.day_of_month == LAST_DAY else rule.day_of_month
    return RecurringRuleRead(
        id=rule.id,
        group_id=rule.group_id,
        transaction=dict(rule.template),
        schedule=ScheduleRead(
            every=rule.every,
            interval=rule.repeat_interval,
            weekdays=[WEEKDAYS[d] for d in rule.weekdays] if rule.weekdays else None,
            day_of_month=day,
            start=rule.starts_on,
            until=rule.until,
            count=rule.max_count,
        ),
        status=status,
        next_date=schedule.next_date(rule.done_through) if status == "active" else None,
        done_through=rule.done_through,
        created_by=rule.created_by,
        version=rule.version,
        created_at=rule.created_at,
        updated_at=rule.updated_at,
    )


def _snapshot(rule: RecurringRule) -> dict[str, Any]:
    return to_read(rule).model_dump(mode="json", exclude={"created_at", "updated_at"})


def _template(data: BaseModel) -> dict[str, Any]:
    return data.model_dump(mode="json", exclude_none=True)


def _field_errors(exc: PydanticValidationError, prefix: tuple[str, ...]) -> ValidationError:
    errors = [FieldError((*prefix, *e["loc"]), e["msg"]) for e in exc.errors()]
    return ValidationError(str(errors[0]), errors)


def _occurrence(rule: RecurringRule, on: dt.date) -> TransactionCreate:
    return TransactionCreate.model_validate(
        {**rule.template, "group_id": rule.group_id, "date": on}
    )


async def _try_template(session: AsyncSession, actor: User, rule: RecurringRule) -> None:
    """Check the template as its first occurrence would be written (members, split, amount),
    in a savepoint that is rolled back: a rule that could never run is refused now."""
    first = schedule_of(rule).next_date(rule.done_through) or rule.starts_on
    savepoint = await session.begin_nested()
    try:
        await transactions.create(session, actor, _occurrence(rule, first))
    except ValidationError as exc:
        raise ValidationError(
            exc.detail, [FieldError(("transaction", *e.loc), e.msg) for e in exc.errors]
        ) from None
    finally:
        await savepoint.rollback()


# --- rules ------------------------------------------------------------------------------------


async def create(
    session: AsyncSession,
    actor: User,
    group_id: uuid.UUID,
    data: RecurringRuleCreate,
    *,
    done_through: dt.date | None = None,
    occurrences: Sequence[tuple[dt.date, uuid.UUID]] = (),
) -> RecurringRuleRead:
    """A new rule in the group (members and up). Its first occurrence is created by the
    next scheduler run on or after its date.

    ``done_through`` and ``occurrences`` are for a series whose occurrences so far exist
    already (an import of another app's recurring expense): every date up to
    ``done_through`` is done, so the scheduler creates only what comes after, and each
    ``(date, transaction id)`` is recorded as one of the rule's occurrences (the first one
    of a date, as the (rule, date) key admits one), so the rule lists its history."""
    await membership(session, actor, group_id, min_role=Role.MEMBER, writable=True)
    rule = RecurringRule(
        id=uuid.uuid4(),
        group_id=group_id,
        created_by=actor.id,
        template=_template(data.transaction),
        done_through=done_through,
    )
    _store_schedule(rule, _checked(data.schedule))
    await _try_template(session, actor, rule)
    session.add(rule)
    await session.flush()
    if occurrences:
        by_date: dict[dt.date, uuid.UUID] = {}
        for on, transaction_id in occurrences:
            by_date.setdefault(on, transaction_id)
        session.add_all(
            RecurringOccurrence(rule_id=rule.id, occurs_on=on, transaction_id=transaction_id)
            for on, transaction_id in sorted(by_date.items())
        )
        await session.flush()
    activity.record(
        session,
        actor,
        group_id=group_id,
        action="recurring.create",
        target_type="recurring_rule",
        target_id=rule.id,
        after=_snapshot(rule),
    )
    return to_read(rule)


async def _load(
    session: AsyncSession, actor: User, rule_id: uuid.UUID, group_id: uuid.UUID | None = None
) -> RecurringRule:
    """The rule, if ``actor`` may read its group (and it is in ``group_id``, when given)."""
    rule = await session.get(RecurringRule, rule_id)
    if rule is None or (group_id is not None and rule.group_id != group_id):
        raise NotFoundError(f"recurring rule {rule_id} not found")
    try:
        await membership(session, actor, rule.group_id)
    except NotFoundError:
        raise NotFoundError(f"recurring rule {rule_id} not found") from None
    return rule


async def _load_for_write(
    session: AsyncSession,
    actor: User,
    rule_id: uuid.UUID,
    expected_version: int | None,
    group_id: uuid.UUID | None,
) -> RecurringRule:
    rule = await _load(session, actor, rule_id, group_id)
    found = await membership(session, actor, rule.group_id, min_role=Role.MEMBER, writable=True)
    if rule.created_by != actor.id:  # as with transactions: your own, or an admin's say
        require_role(found, Role.ADMIN)
    check_version("recurring rule", rule.version, expected_version)
    return rule


async def list_rules(
    session: AsyncSession, actor: User, group_id: uuid.UUID
) -> list[RecurringRuleRead]:
    """The group's rules: active ones first by their next date, then paused, then ended."""
    await membership(session, actor, group_id)
    rules = (
        await session.scalars(select(RecurringRule).where(RecurringRule.group_id == group_id))
    ).all()
    order = {"active": 0, "paused": 1, "ended": 2}
    reads = [to_read(rule) for rule in rules]
    return sorted(
        reads,
        key=lambda r: (order[r.status], r.next_date or dt.date.max, r.created_at, r.id),
    )


async def get(
    session: AsyncSession, actor: User, rule_id: uuid.UUID, *, group_id: uuid.UUID | None = None
) -> RecurringRuleDetail:
    """A rule with its occurrences, newest first."""
    rule = await _load(session, actor, rule_id, group_id)
    rows = (
        await session.scalars(
            select(RecurringOccurrence)
            .where(RecurringOccurrence.rule_id == rule.id)
            .order_by(RecurringOccurrence.occurs_on.desc())
        )
    ).all()
    occurrences = [OccurrenceRead(date=r.occurs_on, transaction_id=r.transaction_id) for r in rows]
    return RecurringRuleDetail(**to_read(rule).model_dump(), occurrences=occurrences)


async def update(
    session: AsyncSession,
    actor: User,
    rule_id: uuid.UUID,
    data: RecurringRuleUpdate,
    *,
    expected_version: int | None = None,
    group_id: uuid.UUID | None = None,
) -> RecurringRuleRead:
    """Change the template or the schedule of the occurrences still to come."""
    rule = await _load_for_write(session, actor, rule_id, expected_version, group_id)
    before = _snapshot(rule)
    if data.transaction is not None:
        changes = data.transaction.model_dump(mode="json", exclude_unset=True)
        try:
            template = TransactionTemplate.model_validate({**rule.template, **changes})
        except PydanticValidationError as exc:
            raise _field_errors(exc, ("transaction",)) from None
        rule.template = _template(template)
    if data.schedule is not None:
        _store_schedule(rule, _checked(data.schedule))
    await _try_template(session, actor, rule)
    await session.flush()
    activity.record(
        session,
        actor,
        group_id=rule.group_id,
        action="recurring.update",
        target_type="recurring_rule",
        target_id=rule.id,
        before=before,
        after=_snapshot(rule),
    )
    return to_read(rule)


async def _change(
    session: AsyncSession,
    actor: User,
    rule_id: uuid.UUID,
    expected_version: int | None,
    group_id: uuid.UUID | None,
    action: str,
    apply: Callable[[RecurringRule], None],
) -> RecurringRuleRead:
    rule = await _load_for_write(session, actor, rule_id, expected_version, group_id)
    before = _snapshot(rule)
    apply(rule)
    await session.flush()
    activity.record(
        session,
        actor,
        group_id=rule.group_id,
        action=action,
        target_type="recurring_rule",
        target_id=rule.id,
        before=before,
        after=_snapshot(rule),
    )
    return to_read(rule)


async def pause(
    session: AsyncSession,
    actor: User,
    rule_id: uuid.UUID,
    *,
    expected_version: int | None = None,
    group_id: uuid.UUID | None = None,
) -> RecurringRuleRead:
    """No occurrence is created while paused, nor later for the days it was paused on."""

    def paused(rule: RecurringRule) -> None:
        if rule.paused_at is None:
            rule.paused_at = utcnow()

    return await _change(
        session, actor, rule_id, expected_version, group_id, "recurring.pause", paused
    )


async def resume(
    session: AsyncSession,
    actor: User,
    rule_id: uuid.UUID,
    *,
    on: dt.date | None = None,
    expected_version: int | None = None,
    group_id: uuid.UUID | None = None,
) -> RecurringRuleRead:
    """Occurrences start again from ``on`` (default today); the paused days are skipped."""
    start = on or utctoday()

    def resumed(rule: RecurringRule) -> None:
        if rule.paused_at is None:
            return
        rule.paused_at = None
        skipped_through = start - dt.timedelta(days=1)
        if rule.done_through is None or rule.done_through < skipped_through:
            rule.done_through = skipped_through

    return await _change(
        session, actor, rule_id, expected_version, group_id, "recurring.resume", resumed
    )


async def end(
    session: AsyncSession,
    actor: User,
    rule_id: uuid.UUID,
    *,
    on: dt.date | None = None,
    expected_version: int | None = None,
    group_id: uuid.UUID | None = None,
) -> RecurringRuleRead:
    """No occurrence after ``on`` (default today); past ones stay."""
    last = on or utctoday()

    def ended(rule: RecurringRule) -> None:
        if rule.until is None or rule.until > last:
            rule.until = max(last, rule.starts_on)
            rule.max_count = None

    return await _change(
        session, actor, rule_id, expected_version, group_id, "recurring.end", ended
    )


async def delete_rule(
    session: AsyncSession,
    actor: User,
    rule_id: uuid.UUID,
    *,
    expected_version: int | None = None,
    group_id: uuid.UUID | None = None,
) -> None:
    """Delete the rule; the transactions it created stay (they are the group's history)."""
    rule = await _load_for_write(session, actor, rule_id, expected_version, group_id)
    before = _snapshot(rule)
    await session.execute(delete(RecurringRule).where(RecurringRule.id == rule.id))
    activity.record(
        session,
        actor,
        group_id=rule.group_id,
        action="recurring.delete",
        target_type="recurring_rule",
        target_id=rule.id,
        before=before,
    )


# --- the scheduler ----------------------------------------------------------------------------


RULES_PER_COMMIT = 100
"""Rules run in one database transaction: a commit per rule cost more than the rule itself
(``benchmarks/bench_recurring.py``), and a batch holds its rules' locks only briefly."""


async def due_rule_ids(
    session: AsyncSession, *, through: dt.date, group_id: uuid.UUID | None = None
) -> list[uuid.UUID]:
    """Rules that may have an occurrence on or before ``through`` (active, started)."""
    query = select(RecurringRule.id).where(
        RecurringRule.paused_at.is_(None),
        RecurringRule.starts_on <= through,
        RecurringRule.done_through.is_(None) | (RecurringRule.done_through < through),
    )
    if group_id is not None:
        query = query.where(RecurringRule.group_id == group_id)
    return list((await session.scalars(query.order_by(RecurringRule.id))).all())


async def _claim(session: AsyncSession, rule: RecurringRule, on: dt.date) -> bool:
    """Insert the occurrence's (rule, date) row; False when another run already has it."""
    claimed = await session.execute(
        conflict_insert(session, RecurringOccurrence)
        .values(rule_id=rule.id, occurs_on=on, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["rule_id", "occurs_on"])
        .returning(RecurringOccurrence.occurs_on)
    )
    return claimed.first() is not None


async def run_rule(
    session: AsyncSession, rule_id: uuid.UUID, *, through: dt.date
) -> tuple[list[CreatedOccurrence], FailedRule | None]:
    """Create the rule's occurrences due up to ``through``, in date order, in the caller's
    database transaction. Stops at the first that fails (nothing of it is kept; the rule
    is tried again next time)."""
    rule = await session.scalar(
        select(RecurringRule)
        .where(RecurringRule.id == rule_id)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    )
    if rule is None or rule.paused_at is not None:
        return [], None  # deleted, paused, or another scheduler is on it (PostgreSQL)
    creator = await session.get(User, rule.created_by) if rule.created_by else None
    created: list[CreatedOccurrence] = []
    for on in schedule_of(rule).dates(after=rule.done_through, through=through):
        savepoint = await session.begin_nested()
        try:
            if await _claim(session, rule, on):
                if creator is None:
                    raise PennywiseError("its creator's account no longer exists")
                tx = await transactions.create(session, creator, _occurrence(rule, on))
                await session.execute(
                    sa.update(RecurringOccurrence)
                    .where(
                        RecurringOccurrence.rule_id == rule.id,
                        RecurringOccurrence.occurs_on == on,
                    )
                    .values(transaction_id=tx.id)
                )
                activity.record(
                    session,
                    creator,
                    group_id=rule.group_id,
                    action="recurring.occur",
                    target_type="recurring_rule",
                    target_id=rule.id,
                    after={"date": on.isoformat(), "transaction_id": str(tx.id)},
                )
                created.append(
                    CreatedOccurrence(
                        rule_id=rule.id, group_id=rule.group_id, date=on, transaction_id=tx.id
                    )
                )
            await savepoint.commit()
        except PennywiseError as exc:
            await savepoint.rollback()
            return created, FailedRule(
                rule_id=rule.id, group_id=rule.group_id, date=on, error=str(exc)
            )
        rule.done_through = on
    await session.flush()
    return created, None


async def run_due(
    maker: async_sessionmaker[AsyncSession],
    *,
    through: dt.date | None = None,
    group_ids: Sequence[uuid.UUID] | None = None,
) -> RunResult:
    """Run every due rule (of ``group_ids``, or all), :data:`RULES_PER_COMMIT` to a database
    transaction. A rule's failure is its own (each occurrence is written in a savepoint),
    and a concurrent scheduler skips the rules this one holds."""
    until = through or utctoday()
    async with maker() as session:
        if group_ids is None:
            ids = await due_rule_ids(session, through=until)
        else:
            ids = [
                i for g in group_ids for i in await due_rule_ids(session, through=until, group_id=g)
            ]
    result = RunResult(created=[], failed=[])
    for start in range(0, len(ids), RULES_PER_COMMIT):
        async with maker() as session, session.begin():
            for rule_id in ids[start : start + RULES_PER_COMMIT]:
                created, failed = await run_rule(session, rule_id, through=until)
                result.created.extend(created)
                if failed is not None:
                    result.failed.append(failed)
    return result


_SCHEDULER_LOCK = 0x70656E6E79_7265  # "penny" "re": the advisory lock key of the scheduler
"""The PostgreSQL advisory lock one scheduler round holds (any 64-bit number unique to it)."""


async def run_due_exclusively(
    engine: AsyncEngine, *, through: dt.date | None = None
) -> RunResult | None:
    """One scheduler round, if no other process is running one: on PostgreSQL a session
    advisory lock, tried without waiting (None when another process holds it); SQLite
    serves one process. The rounds of several API processes so take turns; correctness never
    depends on it (see the module's docstring), it only saves them doing the same work."""
    maker = session_factory(engine)
    if engine.dialect.name != "postgresql":
        return await run_due(maker, through=through)
    async with engine.connect() as connection:
        got = await connection.scalar(sa.select(sa.func.pg_try_advisory_lock(_SCHEDULER_LOCK)))
        await connection.commit()
        if not got:
            return None
        try:
            return await run_due(maker, through=through)
        finally:
            await connection.execute(sa.select(sa.func.pg_advisory_unlock(_SCHEDULER_LOCK)))
            await connection.commit()
