from typing import Literal

WebhookCreatedEventsItem = Literal[
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

WEBHOOK_CREATED_EVENTS_ITEM_VALUES: set[WebhookCreatedEventsItem] = {
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


def check_webhook_created_events_item(value: str) -> WebhookCreatedEventsItem:
    if value in WEBHOOK_CREATED_EVENTS_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {WEBHOOK_CREATED_EVENTS_ITEM_VALUES!r}"
    )
