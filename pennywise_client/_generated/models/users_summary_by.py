from typing import Literal

UsersSummaryBy = Literal["category", "month"]

USERS_SUMMARY_BY_VALUES: set[UsersSummaryBy] = {
    "category",
    "month",
}


def check_users_summary_by(value: str) -> UsersSummaryBy:
    if value in USERS_SUMMARY_BY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {USERS_SUMMARY_BY_VALUES!r}")
