from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.webhook_create_events_item import (
    WebhookCreateEventsItem,
    check_webhook_create_events_item,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="WebhookCreate")


@_attrs_define
class WebhookCreate:
    """
    Attributes:
        url (str):
        events (list[WebhookCreateEventsItem]):
        description (str | Unset):  Default: ''.
    """

    url: str
    events: list[WebhookCreateEventsItem]
    description: str | Unset = ""

    def to_dict(self) -> dict[str, Any]:
        url = self.url

        events = []
        for events_item_data in self.events:
            events_item: str = events_item_data
            events.append(events_item)

        description = self.description

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "url": url,
                "events": events,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        url = d.pop("url")

        events = []
        _events = d.pop("events")
        for events_item_data in _events:
            events_item = check_webhook_create_events_item(events_item_data)

            events.append(events_item)

        description = d.pop("description", UNSET)

        webhook_create = cls(
            url=url,
            events=events,
            description=description,
        )

        return webhook_create
