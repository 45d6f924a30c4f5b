from typing import Literal

WebhookUpdateEventsType0Item = Literal[
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

WEBHOOK_UPDATE_EVENTS_TYPE_0_ITEM_VALUES: set[WebhookUpdateEventsType0Item] = {
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


def check_webhook_update_events_type_0_item(value: str) -> WebhookUpdateEventsType0Item:
    if value in WEBHOOK_UPDATE_EVENTS_TYPE_0_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {WEBHOOK_UPDATE_EVENTS_TYPE_0_ITEM_VALUES!r}"
    )
