from typing import Literal

WebhookCreateEventsItem = Literal[
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

WEBHOOK_CREATE_EVENTS_ITEM_VALUES: set[WebhookCreateEventsItem] = {
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


def check_webhook_create_events_item(value: str) -> WebhookCreateEventsItem:
    if value in WEBHOOK_CREATE_EVENTS_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {WEBHOOK_CREATE_EVENTS_ITEM_VALUES!r}"
    )
