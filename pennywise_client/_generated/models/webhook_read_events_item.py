from typing import Literal

WebhookReadEventsItem = Literal[
    "group.archived",
    "group.unarchived",
    "group.updated",
    "import.completed",
    "member.added",
    "member.removed",
    "member.updated",
    "rate.deleted",
    "rate.set",
    "recurring.created",
    "recurring.deleted",
    "recurring.ended",
    "recurring.paused",
    "recurring.resumed",
    "recurring.updated",
    "settlement.recorded",
    "transaction.created",
    "transaction.deleted",
    "transaction.restored",
    "transaction.updated",
]

WEBHOOK_READ_EVENTS_ITEM_VALUES: set[WebhookReadEventsItem] = {
    "group.archived",
    "group.unarchived",
    "group.updated",
    "import.completed",
    "member.added",
    "member.removed",
    "member.updated",
    "rate.deleted",
    "rate.set",
    "recurring.created",
    "recurring.deleted",
    "recurring.ended",
    "recurring.paused",
    "recurring.resumed",
    "recurring.updated",
    "settlement.recorded",
    "transaction.created",
    "transaction.deleted",
    "transaction.restored",
    "transaction.updated",
}


def check_webhook_read_events_item(value: str) -> WebhookReadEventsItem:
    if value in WEBHOOK_READ_EVENTS_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {WEBHOOK_READ_EVENTS_ITEM_VALUES!r}"
    )
