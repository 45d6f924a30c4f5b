from typing import Literal

ScheduleInWeekdaysType0Item = Literal[
    "friday", "monday", "saturday", "sunday", "thursday", "tuesday", "wednesday"
]

SCHEDULE_IN_WEEKDAYS_TYPE_0_ITEM_VALUES: set[ScheduleInWeekdaysType0Item] = {
    "friday",
    "monday",
    "saturday",
    "sunday",
    "thursday",
    "tuesday",
    "wednesday",
}


def check_schedule_in_weekdays_type_0_item(value: str) -> ScheduleInWeekdaysType0Item:
    if value in SCHEDULE_IN_WEEKDAYS_TYPE_0_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SCHEDULE_IN_WEEKDAYS_TYPE_0_ITEM_VALUES!r}"
    )
