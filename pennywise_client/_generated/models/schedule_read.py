from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Literal, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.frequency import Frequency, check_frequency
from ..models.schedule_read_weekdays_type_0_item import (
    ScheduleReadWeekdaysType0Item,
    check_schedule_read_weekdays_type_0_item,
)

T = TypeVar("T", bound="ScheduleRead")


@_attrs_define
class ScheduleRead:
    """
    Attributes:
        every (Frequency): How often a recurring transaction repeats (times its interval):
            :class:`pennywise_core.schedule.Schedule`.
        interval (int):
        weekdays (list[ScheduleReadWeekdaysType0Item] | None):
        day_of_month (int | Literal['last'] | None):
        start (datetime.date):
        until (datetime.date | None):
        count (int | None):
    """

    every: Frequency
    interval: int
    weekdays: list[ScheduleReadWeekdaysType0Item] | None
    day_of_month: int | Literal["last"] | None
    start: datetime.date
    until: datetime.date | None
    count: int | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        every: str = self.every

        interval = self.interval

        weekdays: list[str] | None
        if isinstance(self.weekdays, list):
            weekdays = []
            for weekdays_type_0_item_data in self.weekdays:
                weekdays_type_0_item: str = weekdays_type_0_item_data
                weekdays.append(weekdays_type_0_item)

        else:
            weekdays = self.weekdays

        day_of_month: int | Literal["last"] | None
        day_of_month = self.day_of_month

        start = self.start.isoformat()

        until: None | str
        if isinstance(self.until, datetime.date):
            until = self.until.isoformat()
        else:
            until = self.until

        count: int | None
        count = self.count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "every": every,
                "interval": interval,
                "weekdays": weekdays,
                "day_of_month": day_of_month,
                "start": start,
                "until": until,
                "count": count,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        every = check_frequency(d.pop("every"))

        interval = d.pop("interval")

        def _parse_weekdays(data: object) -> list[ScheduleReadWeekdaysType0Item] | None:
            if data is None:
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                weekdays_type_0 = []
                _weekdays_type_0 = data
                for weekdays_type_0_item_data in _weekdays_type_0:
                    weekdays_type_0_item = check_schedule_read_weekdays_type_0_item(
                        weekdays_type_0_item_data
                    )

                    weekdays_type_0.append(weekdays_type_0_item)

                return weekdays_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[ScheduleReadWeekdaysType0Item] | None, data)

        weekdays = _parse_weekdays(d.pop("weekdays"))

        def _parse_day_of_month(data: object) -> int | Literal["last"] | None:
            if data is None:
                return data
            day_of_month_type_1 = cast(Literal["last"], data)
            if day_of_month_type_1 != "last":
                raise ValueError(
                    f"day_of_month_type_1 must match const 'last', got '{day_of_month_type_1}'"
                )
            return day_of_month_type_1
            return cast(int | Literal["last"] | None, data)

        day_of_month = _parse_day_of_month(d.pop("day_of_month"))

        start = datetime.date.fromisoformat(d.pop("start"))

        def _parse_until(data: object) -> datetime.date | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                until_type_0 = datetime.date.fromisoformat(data)

                return until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None, data)

        until = _parse_until(d.pop("until"))

        def _parse_count(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        count = _parse_count(d.pop("count"))

        schedule_read = cls(
            every=every,
            interval=interval,
            weekdays=weekdays,
            day_of_month=day_of_month,
            start=start,
            until=until,
            count=count,
        )

        schedule_read.additional_properties = d
        return schedule_read

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
