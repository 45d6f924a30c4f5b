"""The recurring series of an imported file, and the recurring rules they become.

A parser marks each record that the file says repeats with a
:class:`~._common.Recurrence`: the series it belongs to and how that series goes on. The
apps that export such files create each next occurrence themselves, as a copy of the
latest one (Spliit keeps every occurrence as an expense of the series; Cospend moves the
repeat fields to the newest bill), so a series goes on from its *latest* record, and every
record of it is an occurrence that already happened. Hence one rule per series
(:func:`pennywise_core.services.recurring.create`, the one place rules are made):

* its template is the latest record as the file says it (members resolved as the import
  resolved them), and its schedule the file's, starting on that record's date;
* ``done_through`` is that date, so the scheduler creates only the occurrences after it,
  never one the file holds; and each record of the series is recorded as one of the rule's
  occurrences (``RecurringOccurrence``), so the rule lists its history;
* a series whose latest record says it no longer repeats, or whose end date comes before
  its next occurrence, has ended: no rule; nor one whose latest record is a bad row that
  ``skip_invalid`` leaves out (a rule from an earlier record would create that one again);
* a series with a record that is already some rule's occurrence has its rule (an earlier
  import of the file made it): no second one. Records are matched by import key, as the
  engine matches rows, so this is idempotent exactly as the import is.

The rules are created in the import's database transaction (its SAVEPOINT), after its
rows: all of it, or none of it. A dry run plans them (and counts them) but creates none.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pydantic
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pennywise_core.errors import FieldError, ValidationError
from pennywise_core.models import RecurringOccurrence, SplitMode, User
from pennywise_core.money import format_amount
from pennywise_core.recurring_schemas import RecurringRuleCreate
from pennywise_core.schedule import Schedule, ScheduleError
from pennywise_core.services import recurring
from pennywise_core.vocabulary import SPLIT_VALUE_FIELD

from ._common import Columns, Record
from ._directory import Directory

_CHUNK = 500
"""Transaction ids per look-up of the occurrences they already are."""


@dataclass(slots=True)
class _Series:
    latest: Record
    """The record with the latest date (the later row on a tie): how the series goes on."""
    latest_valid: bool
    occurrences: list[tuple[dt.date, str]] = field(default_factory=list)
    """``(date, import key)`` of each of its records that the group has or gets now."""


@dataclass(frozen=True, slots=True)
class PlannedRule:
    """A rule to create: what :func:`recurring.create` takes, and its occurrences so far."""

    row: int
    """The file's row of the series' latest record (where an error points)."""
    data: RecurringRuleCreate
    done_through: dt.date
    occurrences: tuple[tuple[dt.date, str], ...]


class SeriesBook:
    """The series of one import, gathered as its valid records go by (memory: the
    recurring records only)."""

    def __init__(self, columns: Columns, *, group_currency: str, convert: bool) -> None:
        self._columns = columns
        self._group_currency = group_currency
        self._convert = convert
        self._series: dict[str, _Series] = {}
        self._ids: dict[str, uuid.UUID] = {}
        """Import key → transaction, of the records of a series: those the group had
        before (:meth:`add`) and those this import wrote (:meth:`written`)."""

    def __bool__(self) -> bool:
        return bool(self._series)

    def add(
        self, record: Record, transaction_id: uuid.UUID | None = None, *, valid: bool = True
    ) -> None:
        """A record of a series (``record.recurrence``), as the file says it (before any
        conversion by the import); ``transaction_id``: the group had it already; not
        ``valid``: a bad row, left out."""
        recurrence = record.recurrence
        assert recurrence is not None
        series = self._series.get(recurrence.series)
        if series is None:
            series = self._series[recurrence.series] = _Series(record, valid)
        elif (record.date, record.row) > (series.latest.date, series.latest.row):
            series.latest, series.latest_valid = record, valid
        if valid:
            series.occurrences.append((record.date, record.key))
        if transaction_id is not None:
            self._ids[record.key] = transaction_id

    def written(self, key: str, transaction_id: uuid.UUID) -> None:
        """The transaction this import wrote for the record of ``key``."""
        self._ids[key] = transaction_id

    async def plan(
        self, session: AsyncSession, directory: Directory
    ) -> tuple[list[PlannedRule], list[FieldError]]:
        """The rules to create (see the module docstring), and an error for each series
        whose latest record cannot be a rule's template (pointing at its row)."""
        going_on: list[tuple[_Series, Schedule]] = []
        for series in self._series.values():
            latest = series.latest
            recurrence = latest.recurrence
            assert recurrence is not None
            if not series.latest_valid:
                continue  # left out: its row says why
            if recurrence.every is None:
                continue  # switched off: the series has ended
            if recurrence.until is not None and recurrence.until < latest.date:
                continue  # ended before its latest record (the app has not noticed yet)
            schedule = Schedule(
                every=recurrence.every,
                start=latest.date,
                interval=recurrence.interval,
                until=recurrence.until,
            )
            if schedule.next_date(latest.date) is not None:
                going_on.append((series, schedule))
        made = await self._with_rules(
            session,
            [self._ids[key] for s, _ in going_on for _, key in s.occurrences if key in self._ids],
        )
        plans: list[PlannedRule] = []
        errors: list[FieldError] = []
        for series, schedule in going_on:
            if any(self._ids.get(key) in made for _, key in series.occurrences):
                continue  # an earlier import made its rule
            latest = series.latest
            try:
                data = RecurringRuleCreate.model_validate(
                    {
                        "transaction": self._template(latest, directory),
                        "schedule": {
                            "every": schedule.every,
                            "interval": schedule.interval,
                            "start": schedule.start,
                            "until": schedule.until,
                        },
                    }
                )
            except (pydantic.ValidationError, ValidationError, ScheduleError) as exc:
                errors.append(self._error(latest.row, exc))
                continue
            plans.append(
                PlannedRule(latest.row, data, latest.date, tuple(sorted(series.occurrences)))
            )
        return plans, errors

    async def create(
        self, session: AsyncSession, actor: User, group_id: uuid.UUID, plans: list[PlannedRule]
    ) -> None:
        """Create the planned rules, each linked to the transactions of its series (which
        must have been written by now). A rule that the recurring service refuses fails the
        import, with the file's row."""
        for plan in plans:
            occurrences = [(on, self._ids[key]) for on, key in plan.occurrences if key in self._ids]
            try:
                await recurring.create(
                    session,
                    actor,
                    group_id,
                    plan.data,
                    done_through=plan.done_through,
                    occurrences=occurrences,
                )
            except ValidationError as exc:
                error = self._error(plan.row, exc)
                raise ValidationError(
                    f"the recurring rule of row {plan.row} cannot be made; nothing was "
                    f"imported. {error}",
                    [error],
                ) from None

    @staticmethod
    async def _with_rules(session: AsyncSession, ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
        """Which of the transactions ``ids`` are some rule's occurrence already."""
        listed = list(ids)
        found: set[uuid.UUID] = set()
        for start in range(0, len(listed), _CHUNK):
            rows = await session.scalars(
                select(RecurringOccurrence.transaction_id).where(
                    RecurringOccurrence.transaction_id.in_(listed[start : start + _CHUNK])
                )
            )
            found.update(i for i in rows if i is not None)
        return found

    def _template(self, record: Record, directory: Directory) -> dict[str, Any]:
        """The rule's transaction: ``record`` as ``POST /transactions`` takes it.

        A record the file says was entered in another currency (Spliit's original amount
        and rate, which Spliit copies onto each next expense) stays so: each occurrence is
        converted at the file's rate. A record the import converts (``ImportOptions.convert``)
        gives occurrences converted at their own day's rate, as the import did its rows.
        Neither where the record names amounts (Pennywise converts no such transaction):
        then it is what the file booked."""
        resolve = directory.resolve
        names_amounts = any(a is not None for _, a in record.paid_by) or (
            record.split_mode in (SplitMode.EXACT, SplitMode.ADJUSTMENT)
            and any(v is not None for _, v in record.split)
        )
        value_field = SPLIT_VALUE_FIELD[record.split_mode]
        template: dict[str, Any] = {
            "kind": record.kind.value,
            "description": record.description,
            "amount": format_amount(record.amount, record.currency),
            "currency": record.currency.code,
            "paid_by": [
                {"member_id": str(resolve(ref))} | ({} if amount is None else {"amount": amount})
                for ref, amount in record.paid_by
            ],
            "split": {
                "mode": record.split_mode.value,
                "entries": [
                    {"member_id": str(resolve(ref))}
                    | ({} if value is None or value_field is None else {value_field: value})
                    for ref, value in record.split
                ],
            },
        }
        if record.category is not None:
            template["category"] = record.category
        if record.notes is not None:
            template["notes"] = record.notes
        conversion = record.conversion
        if names_amounts:
            return template
        if conversion is not None:
            template["amount"] = format_amount(int(conversion["amount"]), conversion["currency"])
            template["currency"] = conversion["currency"]
            template["rate"] = conversion["rate"]
        elif self._convert and record.currency.code != self._group_currency:
            template["convert"] = True
        return template

    def _error(self, row: int, exc: Exception) -> FieldError:
        where = ("row", row, self._columns.recurrence)
        if isinstance(exc, pydantic.ValidationError):
            first = exc.errors()[0]
            path = ".".join(str(part) for part in first.get("loc", ()))
            return FieldError(where, f"the recurring rule's {path}: {first.get('msg')}")
        if isinstance(exc, ValidationError) and exc.errors:
            first_error = exc.errors[0]
            path = ".".join(str(part) for part in first_error.loc)
            return FieldError(where, f"the recurring rule's {path}: {first_error.msg}")
        return FieldError(where, f"the recurring rule: {exc}")


__all__ = ["PlannedRule", "SeriesBook"]
