from typing import Literal

SplitMode = Literal["adjustment", "equal", "exact", "percent", "shares"]

SPLIT_MODE_VALUES: set[SplitMode] = {
    "adjustment",
    "equal",
    "exact",
    "percent",
    "shares",
}


def check_split_mode(value: str) -> SplitMode:
    if value in SPLIT_MODE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SPLIT_MODE_VALUES!r}")
