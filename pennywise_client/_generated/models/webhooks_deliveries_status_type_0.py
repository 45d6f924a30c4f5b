from typing import Literal

WebhooksDeliveriesStatusType0 = Literal["delivered", "failed", "pending"]

WEBHOOKS_DELIVERIES_STATUS_TYPE_0_VALUES: set[WebhooksDeliveriesStatusType0] = {
    "delivered",
    "failed",
    "pending",
}


def check_webhooks_deliveries_status_type_0(value: str) -> WebhooksDeliveriesStatusType0:
    if value in WEBHOOKS_DELIVERIES_STATUS_TYPE_0_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {WEBHOOKS_DELIVERIES_STATUS_TYPE_0_VALUES!r}"
    )
