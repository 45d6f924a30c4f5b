from typing import Literal

RecurringRuleDetailStatus = Literal["active", "ended", "paused"]

RECURRING_RULE_DETAIL_STATUS_VALUES: set[RecurringRuleDetailStatus] = {
    "active",
    "ended",
    "paused",
}


def check_recurring_rule_detail_status(value: str) -> RecurringRuleDetailStatus:
    if value in RECURRING_RULE_DETAIL_STATUS_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {RECURRING_RULE_DETAIL_STATUS_VALUES!r}"
    )
