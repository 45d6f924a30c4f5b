"""Recurring schedules as dates: month ends, leap years, weekdays, intervals, bounds."""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pennywise_core.schedule import LAST_DAY, Frequency, Schedule, ScheduleError

D = dt.date


class TestMonthEnds:
    def test_the_31st_falls_on_each_months_last_day_when_shorter(self) -> None:
        rent = Schedule(Frequency.MONTHLY, D(2024, 1, 31), count=6)
        assert rent.first(10) == [
            D(2024, 1, 31),
            D(2024, 2, 29),
            D(2024, 3, 31),
            D(2024, 4, 30),
            D(2024, 5, 31),
            D(2024, 6, 30),
        ]

    def test_the_30th_in_february_of_a_common_year(self) -> None:
        assert Schedule(Frequency.MONTHLY, D(2023, 1, 30)).first(3) == [
            D(2023, 1, 30),
            D(2023, 2, 28),
            D(2023, 3, 30),
        ]

    def test_last_day_of_every_month(self) -> None:
        schedule = Schedule(Frequency.MONTHLY, D(2024, 1, 15), day_of_month=LAST_DAY)
        assert schedule.first(3) == [D(2024, 1, 31), D(2024, 2, 29), D(2024, 3, 31)]

    def test_a_day_after_the_start_day_begins_this_month(self) -> None:
        schedule = Schedule(Frequency.MONTHLY, D(2024, 1, 15), day_of_month=20)
        assert schedule.first(2) == [D(2024, 1, 20), D(2024, 2, 20)]

    @given(
        start=st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 12, 31)),
        months=st.integers(min_value=1, max_value=40),
    )
    def test_every_month_once_on_the_day_or_the_months_last(
        self, start: dt.date, months: int
    ) -> None:
        got = Schedule(Frequency.MONTHLY, start, count=months).first(months + 1)
        assert len(got) == months
        for n, day in enumerate(got):
            year, month = divmod(start.month - 1 + n, 12)
            year, month = start.year + year, month + 1
            last = calendar.monthrange(year, month)[1]
            assert day == D(year, month, min(start.day, last))


class TestLeapYears:
    def test_yearly_on_29_february_is_the_28th_in_common_years(self) -> None:
        assert Schedule(Frequency.YEARLY, D(2024, 2, 29)).first(5) == [
            D(2024, 2, 29),
            D(2025, 2, 28),
            D(2026, 2, 28),
            D(2027, 2, 28),
            D(2028, 2, 29),
        ]

    def test_every_second_year(self) -> None:
        assert Schedule(Frequency.YEARLY, D(2023, 7, 14), interval=2).first(3) == [
            D(2023, 7, 14),
            D(2025, 7, 14),
            D(2027, 7, 14),
        ]


class TestWeeklyAndDaily:
    def test_every_other_week_on_monday_and_thursday(self) -> None:
        # 1 March 2024 is a Friday: its own week's Monday and Thursday are before it.
        schedule = Schedule(Frequency.WEEKLY, D(2024, 3, 1), interval=2, weekdays=(3, 0))
        assert schedule.first(4) == [D(2024, 3, 11), D(2024, 3, 14), D(2024, 3, 25), D(2024, 3, 28)]

    def test_weekly_defaults_to_the_start_weekday(self) -> None:
        assert Schedule(Frequency.WEEKLY, D(2024, 12, 31)).first(2) == [
            D(2024, 12, 31),
            D(2025, 1, 7),
        ]

    def test_every_third_day_until_an_end_date_across_29_february(self) -> None:
        schedule = Schedule(Frequency.DAILY, D(2024, 2, 27), interval=3, until=D(2024, 3, 6))
        assert schedule.first(10) == [D(2024, 2, 27), D(2024, 3, 1), D(2024, 3, 4)]

    def test_a_daylight_saving_change_neither_skips_nor_doubles_a_day(self) -> None:
        # Europe moved its clocks on 31 March 2024 and 27 October 2024.
        for start in (D(2024, 3, 30), D(2024, 10, 26)):
            got = Schedule(Frequency.DAILY, start, count=3).first(3)
            assert got == [start + dt.timedelta(days=n) for n in range(3)]


class TestDue:
    def test_catch_up_lists_every_missed_occurrence_on_its_own_date(self) -> None:
        schedule = Schedule(Frequency.MONTHLY, D(2024, 1, 1))
        due = schedule.dates(after=D(2024, 3, 1), through=D(2024, 6, 15))
        assert list(due) == [D(2024, 4, 1), D(2024, 5, 1), D(2024, 6, 1)]

    def test_the_bounds_are_dates_and_inclusive_at_the_end(self) -> None:
        schedule = Schedule(Frequency.DAILY, D(2024, 1, 1))
        assert list(schedule.dates(through=D(2024, 1, 3))) == [
            D(2024, 1, 1),
            D(2024, 1, 2),
            D(2024, 1, 3),
        ]
        assert list(schedule.dates(after=D(2024, 1, 3), through=D(2024, 1, 3))) == []

    def test_next_date_and_the_end_of_a_counted_schedule(self) -> None:
        schedule = Schedule(Frequency.MONTHLY, D(2024, 1, 31), count=2)
        assert schedule.next_date() == D(2024, 1, 31)
        assert schedule.next_date(D(2024, 1, 31)) == D(2024, 2, 29)
        assert schedule.next_date(D(2024, 2, 29)) is None
        assert list(schedule.dates(after=D(2024, 2, 29), through=D(2030, 1, 1))) == []

    def test_a_schedule_without_end_goes_on(self) -> None:
        schedule = Schedule(Frequency.YEARLY, D(2024, 1, 1))
        assert schedule.next_date(D(2999, 6, 1)) == D(3000, 1, 1)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        pytest.param({"interval": 0}, "interval", id="interval 0"),
        pytest.param({"until": D(2024, 1, 1), "count": 3}, "count", id="until and count"),
        pytest.param({"until": D(2023, 12, 31)}, "until", id="until before start"),
        pytest.param({"count": 0}, "count", id="count 0"),
        pytest.param({"weekdays": (1,)}, "weekdays", id="weekdays on monthly"),
        pytest.param({"day_of_month": 32}, "day_of_month", id="day 32"),
        pytest.param({"day_of_month": 0}, "day_of_month", id="day 0"),
        pytest.param({"every": "fortnightly"}, "every", id="unknown frequency"),
    ],
)
def test_an_impossible_schedule_is_refused_naming_the_field(
    kwargs: dict[str, object], field: str
) -> None:
    options: dict[str, object] = {"every": Frequency.MONTHLY, "start": D(2024, 1, 1), **kwargs}
    with pytest.raises(ScheduleError) as raised:
        Schedule(**options)  # type: ignore[arg-type]
    assert raised.value.field == field


def test_weekdays_are_checked_on_a_weekly_schedule() -> None:
    with pytest.raises(ScheduleError, match="weekdays"):
        Schedule(Frequency.WEEKLY, D(2024, 1, 1), weekdays=(7,))
    with pytest.raises(ScheduleError, match="repeat"):
        Schedule(Frequency.WEEKLY, D(2024, 1, 1), weekdays=(1, 1))


def test_a_frequency_may_be_given_by_name() -> None:
    assert Schedule("weekly", D(2024, 1, 1)).every is Frequency.WEEKLY  # type: ignore[arg-type]
