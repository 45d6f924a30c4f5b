from typing import Literal

ScheduleReadWeekdaysType0Item = Literal[
    "friday", "monday", "saturday", "sunday", "thursday", "tuesday", "wednesday"
]

SCHEDULE_READ_WEEKDAYS_TYPE_0_ITEM_VALUES: set[ScheduleReadWeekdaysType0Item] = {
    "friday",
    "monday",
    "saturday",
    "sunday",
    "thursday",
    "tuesday",
    "wednesday",
}


def check_schedule_read_weekdays_type_0_item(value: str) -> ScheduleReadWeekdaysType0Item:
    if value in SCHEDULE_READ_WEEKDAYS_TYPE_0_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SCHEDULE_READ_WEEKDAYS_TYPE_0_ITEM_VALUES!r}"
    )
