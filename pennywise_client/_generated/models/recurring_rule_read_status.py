from typing import Literal

RecurringRuleReadStatus = Literal["active", "ended", "paused"]

RECURRING_RULE_READ_STATUS_VALUES: set[RecurringRuleReadStatus] = {
    "active",
    "ended",
    "paused",
}


def check_recurring_rule_read_status(value: str) -> RecurringRuleReadStatus:
    if value in RECURRING_RULE_READ_STATUS_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {RECURRING_RULE_READ_STATUS_VALUES!r}"
    )
