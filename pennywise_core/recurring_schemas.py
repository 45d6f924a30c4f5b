"""What a recurring rule takes and shows: a transaction as ``POST /transactions`` takes it,
and a schedule (:class:`pennywise_core.schedule.Schedule`, named the way people say it).

A rule's ``transaction`` is a :class:`~pennywise_core.schemas.TransactionCreate` without
``group_id`` (the rule's group), ``date`` (each occurrence is dated on its own day) and
``import_key``: :data:`TransactionTemplate` is made from its fields, so the two never
differ; an edit's is :class:`~pennywise_core.schemas.TransactionUpdate` without ``date``.
The schedule's fields are checked together by the service, which names the field at fault
(``schedule.until``, ``schedule.count``, …).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Final, Literal

from pydantic import BaseModel, Field, create_model

from pennywise_core.schemas import Input, IsoDate, Output, TransactionCreate, TransactionUpdate
from pennywise_core.vocabulary import Frequency

Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: Final[tuple[Weekday, ...]] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
"""Weekday names in :class:`~pennywise_core.schedule.Schedule`'s order (0 = Monday)."""

RuleStatus = Literal["active", "paused", "ended"]

MAX_INTERVAL: Final = 1000
"""The most periods between two occurrences (``ScheduleIn.interval``); imports check a
file's own "every N periods" against it, to name the file's cell."""


def _without(model: type[BaseModel], name: str, doc: str, *left_out: str) -> type[Input]:
    """An input model with ``model``'s fields (types, limits, defaults) but ``left_out``."""
    fields: dict[str, Any] = {
        key: (info.annotation, info)
        for key, info in model.model_fields.items()
        if key not in left_out
    }
    return create_model(name, __base__=Input, __doc__=doc, **fields)


TransactionTemplate = _without(
    TransactionCreate,
    "TransactionTemplate",
    "A transaction as `POST /transactions` takes it, without `group_id`, `date` and "
    "`import_key`: what every occurrence of a recurring rule is.",
    "group_id",
    "date",
    "import_key",
)
TemplateUpdate = _without(
    TransactionUpdate,
    "TemplateUpdate",
    "Fields of a recurring rule's transaction to replace, as `PATCH /transactions/{id}` "
    "takes them, without `date`.",
    "date",
)


class ScheduleIn(Input):
    every: Frequency
    interval: int = Field(default=1, ge=1, le=MAX_INTERVAL)
    """Every how many periods: ``every=weekly, interval=2`` is every other week."""
    weekdays: list[Weekday] | None = Field(default=None, min_length=1, max_length=7)
    """Weekly only; default: the start date's weekday."""
    day_of_month: int | Literal["last"] | None = None
    """Monthly only: 1–31 (a month without that day uses its last) or ``"last"``; default:
    the start date's day."""
    start: IsoDate
    """The first date the schedule may fall on."""
    until: IsoDate | None = None
    """The last date it may fall on (inclusive); or give ``count``, or neither (no end)."""
    count: int | None = Field(default=None, ge=1, le=100_000)
    """How many occurrences in all, counted from ``start``."""


class ScheduleRead(Output):
    every: Frequency
    interval: int
    weekdays: list[Weekday] | None
    day_of_month: int | Literal["last"] | None
    start: dt.date
    until: dt.date | None
    count: int | None


class RecurringRuleCreate(Input):
    transaction: TransactionTemplate  # type: ignore[valid-type]  # made by create_model
    """The template: every occurrence is this transaction, dated on its own day."""
    schedule: ScheduleIn


class RecurringRuleUpdate(Input):
    """What to change; applies to the occurrences still to come (past ones stay)."""

    transaction: TemplateUpdate | None = None  # type: ignore[valid-type]  # create_model
    """Fields of the template to replace (the occurrences still to come)."""
    schedule: ScheduleIn | None = None


class OccurrenceRead(Output):
    date: dt.date
    transaction_id: uuid.UUID | None
    """None once the transaction was deleted for good (its group's data purged)."""


class RecurringRuleRead(Output):
    id: uuid.UUID
    group_id: uuid.UUID
    transaction: dict[str, Any]
    """The template, as ``POST /transactions`` takes it (without ``date``)."""
    schedule: ScheduleRead
    status: RuleStatus
    next_date: dt.date | None
    """The next occurrence still to be created; None when paused or ended."""
    done_through: dt.date | None
    created_by: uuid.UUID | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class RecurringRuleDetail(RecurringRuleRead):
    occurrences: list[OccurrenceRead]
    """Newest first."""


class RunResult(Output):
    """What one scheduler run did."""

    created: list[CreatedOccurrence]
    failed: list[FailedRule]


class CreatedOccurrence(Output):
    rule_id: uuid.UUID
    group_id: uuid.UUID
    date: dt.date
    transaction_id: uuid.UUID


class FailedRule(Output):
    rule_id: uuid.UUID
    group_id: uuid.UUID
    date: dt.date
    error: str
    """Why its occurrence could not be created (e.g. a member it names left); the rule is
    tried again on the next run."""


RunResult.model_rebuild()
