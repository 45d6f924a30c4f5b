from typing import Literal

DeliveryReadStatus = Literal["delivered", "failed", "pending"]

DELIVERY_READ_STATUS_VALUES: set[DeliveryReadStatus] = {
    "delivered",
    "failed",
    "pending",
}


def check_delivery_read_status(value: str) -> DeliveryReadStatus:
    if value in DELIVERY_READ_STATUS_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {DELIVERY_READ_STATUS_VALUES!r}")
