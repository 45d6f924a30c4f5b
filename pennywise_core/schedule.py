"""When a recurring expense falls due: the schedule of a rule, as dates.

A :class:`Schedule` says how often (daily, weekly on given weekdays, monthly on a day of
the month, yearly), every how many periods, from which date, and until a date, for a
number of occurrences, or forever. :meth:`Schedule.dates` lists its occurrences in a range
of dates, which is all a scheduler needs: the occurrences after the last one created, up to
today, are what is due (after downtime, every missed one, each on its own date).

The calendar is python-dateutil's ``rrule`` (RFC 5545 recurrence rules), not arithmetic by
hand. Two rules of ours on top of it, both what people mean by "monthly on the 31st":

- a day of the month that a month does not have falls on that month's last day (the 31st
  is 30 April and 28 or 29 February), and :data:`LAST_DAY` means the last day of every
  month; ``rrule`` alone would skip those months;
- yearly on 29 February falls on 28 February in the years without one.

Occurrences are dates, without a time of day or a time zone, so daylight saving time
changes cannot move or double one. ``count`` counts occurrences (the shortened ones
included), as RFC 5545's COUNT does.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Final, Literal

from dateutil import rrule

from pennywise_core.vocabulary import Frequency

__all__ = ["LAST_DAY", "Frequency", "Schedule", "ScheduleError"]

LAST_DAY: Final = -1
"""``day_of_month`` for the last day of every month."""

_WEEKDAYS: Final = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)


_RRULE_FREQUENCY: Final[dict[Frequency, Literal[0, 1, 2, 3]]] = {
    Frequency.DAILY: rrule.DAILY,
    Frequency.WEEKLY: rrule.WEEKLY,
    Frequency.MONTHLY: rrule.MONTHLY,
    Frequency.YEARLY: rrule.YEARLY,
}


class ScheduleError(ValueError):
    """A schedule that cannot be: ``field`` names what is wrong (as the API names it)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


@dataclass(frozen=True)
class Schedule:
    """A recurrence: ``every`` ``interval`` periods from ``start``, bounded by ``until``
    (inclusive) or ``count``, or by neither (forever).

    ``weekdays`` (weekly only; 0 = Monday … 6 = Sunday) defaults to ``start``'s weekday;
    ``day_of_month`` (monthly only; 1–31 or :data:`LAST_DAY`) defaults to ``start``'s day.
    Yearly falls on ``start``'s month and day. The first occurrence is the first date on
    or after ``start`` that the schedule names.
    """

    every: Frequency
    start: dt.date
    interval: int = 1
    weekdays: tuple[int, ...] = ()
    day_of_month: int | None = None
    until: dt.date | None = None
    count: int | None = None
    _rule: rrule.rrule = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._check()
        object.__setattr__(self, "_rule", self._build())

    def _check(self) -> None:
        if not isinstance(self.every, Frequency):
            object.__setattr__(self, "every", _frequency(self.every))
        if self.interval < 1:
            raise ScheduleError("interval", "must be at least 1")
        if self.until is not None and self.count is not None:
            raise ScheduleError("count", "give an end date (until) or a count, not both")
        if self.until is not None and self.until < self.start:
            raise ScheduleError("until", f"must not be before the start ({self.start})")
        if self.count is not None and self.count < 1:
            raise ScheduleError("count", "must be at least 1")
        if self.weekdays and self.every is not Frequency.WEEKLY:
            raise ScheduleError("weekdays", "only a weekly schedule takes weekdays")
        if any(not 0 <= day <= 6 for day in self.weekdays):
            raise ScheduleError("weekdays", "each must be 0 (Monday) to 6 (Sunday)")
        if len(set(self.weekdays)) != len(self.weekdays):
            raise ScheduleError("weekdays", "must not repeat a day")
        if self.day_of_month is not None:
            if self.every is not Frequency.MONTHLY:
                raise ScheduleError("day_of_month", "only a monthly schedule takes a day")
            if self.day_of_month != LAST_DAY and not 1 <= self.day_of_month <= 31:
                raise ScheduleError("day_of_month", f"must be 1 to 31, or {LAST_DAY} (last)")

    def _build(self) -> rrule.rrule:
        options: dict[str, object] = {}
        if self.every is Frequency.WEEKLY:
            days = self.weekdays or (self.start.weekday(),)
            options["byweekday"] = tuple(_WEEKDAYS[day] for day in sorted(days))
        elif self.every is Frequency.MONTHLY:
            day = self.start.day if self.day_of_month is None else self.day_of_month
            if day == LAST_DAY:
                options["bymonthday"] = -1
            elif day > 28:  # the day, or the last day of a month without it
                options.update(bymonthday=tuple(range(28, day + 1)), bysetpos=-1)
            else:
                options["bymonthday"] = day
        elif self.every is Frequency.YEARLY:
            options["bymonth"] = self.start.month
            if (self.start.month, self.start.day) == (2, 29):
                options.update(bymonthday=(28, 29), bysetpos=-1)
            else:
                options["bymonthday"] = self.start.day
        return rrule.rrule(
            _RRULE_FREQUENCY[self.every],
            dtstart=_midnight(self.start),
            interval=self.interval,
            until=_midnight(self.until) if self.until is not None else None,
            count=self.count,
            cache=False,
            **options,  # type: ignore[arg-type]  # dateutil's stubs spell each option
        )

    def dates(self, *, after: dt.date | None = None, through: dt.date) -> Iterator[dt.date]:
        """The occurrences after ``after`` (all of them when None) up to ``through``, both
        bounds by date, in order."""
        start = _midnight(after + dt.timedelta(days=1)) if after is not None else None
        end = _midnight(through)
        for moment in self._rule.xafter(start, inc=True) if start else iter(self._rule):
            if moment > end:
                return
            yield moment.date()

    def next_date(self, after: dt.date | None = None) -> dt.date | None:
        """The first occurrence after ``after`` (the first of all when None), or None when
        the schedule has ended."""
        if after is None:
            first = next(iter(self._rule), None)
        else:
            first = self._rule.after(_midnight(after), inc=False)
        return first.date() if first is not None else None

    def first(self, n: int) -> list[dt.date]:
        """The first ``n`` occurrences (fewer when the schedule ends sooner)."""
        return [moment.date() for moment in itertools.islice(self._rule, n)]


def _frequency(value: object) -> Frequency:
    try:
        return Frequency(str(value))
    except ValueError:
        names = ", ".join(f.value for f in Frequency)
        raise ScheduleError("every", f"{value!r} is not one of {names}") from None
