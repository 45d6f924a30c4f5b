from typing import Literal

SummaryReadBy = Literal["category", "month"]

SUMMARY_READ_BY_VALUES: set[SummaryReadBy] = {
    "category",
    "month",
}


def check_summary_read_by(value: str) -> SummaryReadBy:
    if value in SUMMARY_READ_BY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SUMMARY_READ_BY_VALUES!r}")
