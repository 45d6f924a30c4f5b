from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Literal, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.frequency import Frequency, check_frequency
from ..models.schedule_in_weekdays_type_0_item import (
    ScheduleInWeekdaysType0Item,
    check_schedule_in_weekdays_type_0_item,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="ScheduleIn")


@_attrs_define
class ScheduleIn:
    """
    Attributes:
        every (Frequency): How often a recurring transaction repeats (times its interval):
            :class:`pennywise_core.schedule.Schedule`.
        start (datetime.date):
        interval (int | Unset):  Default: 1.
        weekdays (list[ScheduleInWeekdaysType0Item] | None | Unset):
        day_of_month (int | Literal['last'] | None | Unset):
        until (datetime.date | None | Unset):
        count (int | None | Unset):
    """

    every: Frequency
    start: datetime.date
    interval: int | Unset = 1
    weekdays: list[ScheduleInWeekdaysType0Item] | None | Unset = UNSET
    day_of_month: int | Literal["last"] | None | Unset = UNSET
    until: datetime.date | None | Unset = UNSET
    count: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        every: str = self.every

        start = self.start.isoformat()

        interval = self.interval

        weekdays: list[str] | None | Unset
        if isinstance(self.weekdays, Unset):
            weekdays = UNSET
        elif isinstance(self.weekdays, list):
            weekdays = []
            for weekdays_type_0_item_data in self.weekdays:
                weekdays_type_0_item: str = weekdays_type_0_item_data
                weekdays.append(weekdays_type_0_item)

        else:
            weekdays = self.weekdays

        day_of_month: int | Literal["last"] | None | Unset
        if isinstance(self.day_of_month, Unset):
            day_of_month = UNSET
        else:
            day_of_month = self.day_of_month

        until: None | str | Unset
        if isinstance(self.until, Unset):
            until = UNSET
        elif isinstance(self.until, datetime.date):
            until = self.until.isoformat()
        else:
            until = self.until

        count: int | None | Unset
        if isinstance(self.count, Unset):
            count = UNSET
        else:
            count = self.count

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "every": every,
                "start": start,
            }
        )
        if interval is not UNSET:
            field_dict["interval"] = interval
        if weekdays is not UNSET:
            field_dict["weekdays"] = weekdays
        if day_of_month is not UNSET:
            field_dict["day_of_month"] = day_of_month
        if until is not UNSET:
            field_dict["until"] = until
        if count is not UNSET:
            field_dict["count"] = count

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        every = check_frequency(d.pop("every"))

        start = datetime.date.fromisoformat(d.pop("start"))

        interval = d.pop("interval", UNSET)

        def _parse_weekdays(data: object) -> list[ScheduleInWeekdaysType0Item] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                weekdays_type_0 = []
                _weekdays_type_0 = data
                for weekdays_type_0_item_data in _weekdays_type_0:
                    weekdays_type_0_item = check_schedule_in_weekdays_type_0_item(
                        weekdays_type_0_item_data
                    )

                    weekdays_type_0.append(weekdays_type_0_item)

                return weekdays_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[ScheduleInWeekdaysType0Item] | None | Unset, data)

        weekdays = _parse_weekdays(d.pop("weekdays", UNSET))

        def _parse_day_of_month(data: object) -> int | Literal["last"] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            day_of_month_type_1 = cast(Literal["last"], data)
            if day_of_month_type_1 != "last":
                raise ValueError(
                    f"day_of_month_type_1 must match const 'last', got '{day_of_month_type_1}'"
                )
            return day_of_month_type_1
            return cast(int | Literal["last"] | None | Unset, data)

        day_of_month = _parse_day_of_month(d.pop("day_of_month", UNSET))

        def _parse_until(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                until_type_0 = datetime.date.fromisoformat(data)

                return until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        until = _parse_until(d.pop("until", UNSET))

        def _parse_count(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        count = _parse_count(d.pop("count", UNSET))

        schedule_in = cls(
            every=every,
            start=start,
            interval=interval,
            weekdays=weekdays,
            day_of_month=day_of_month,
            until=until,
            count=count,
        )

        return schedule_in
