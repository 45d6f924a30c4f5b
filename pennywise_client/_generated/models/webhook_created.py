from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.webhook_created_events_item import (
    WebhookCreatedEventsItem,
    check_webhook_created_events_item,
)

T = TypeVar("T", bound="WebhookCreated")


@_attrs_define
class WebhookCreated:
    """
    Attributes:
        id (UUID):
        group_id (UUID):
        url (str):
        events (list[WebhookCreatedEventsItem]):
        description (str):
        enabled (bool):
        disabled_reason (None | str):
        failures_in_a_row (int):
        created_at (datetime.datetime):
        secret_rotating_until (datetime.datetime | None):
        secret (str):
    """

    id: UUID
    group_id: UUID
    url: str
    events: list[WebhookCreatedEventsItem]
    description: str
    enabled: bool
    disabled_reason: None | str
    failures_in_a_row: int
    created_at: datetime.datetime
    secret_rotating_until: datetime.datetime | None
    secret: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        group_id = str(self.group_id)

        url = self.url

        events = []
        for events_item_data in self.events:
            events_item: str = events_item_data
            events.append(events_item)

        description = self.description

        enabled = self.enabled

        disabled_reason: None | str
        disabled_reason = self.disabled_reason

        failures_in_a_row = self.failures_in_a_row

        created_at = self.created_at.isoformat().replace("+00:00", "Z")

        secret_rotating_until: None | str
        if isinstance(self.secret_rotating_until, datetime.datetime):
            secret_rotating_until = self.secret_rotating_until.isoformat().replace("+00:00", "Z")
        else:
            secret_rotating_until = self.secret_rotating_until

        secret = self.secret

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "group_id": group_id,
                "url": url,
                "events": events,
                "description": description,
                "enabled": enabled,
                "disabled_reason": disabled_reason,
                "failures_in_a_row": failures_in_a_row,
                "created_at": created_at,
                "secret_rotating_until": secret_rotating_until,
                "secret": secret,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        group_id = UUID(d.pop("group_id"))

        url = d.pop("url")

        events = []
        _events = d.pop("events")
        for events_item_data in _events:
            events_item = check_webhook_created_events_item(events_item_data)

            events.append(events_item)

        description = d.pop("description")

        enabled = d.pop("enabled")

        def _parse_disabled_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        disabled_reason = _parse_disabled_reason(d.pop("disabled_reason"))

        failures_in_a_row = d.pop("failures_in_a_row")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_secret_rotating_until(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                secret_rotating_until_type_0 = datetime.datetime.fromisoformat(data)

                return secret_rotating_until_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        secret_rotating_until = _parse_secret_rotating_until(d.pop("secret_rotating_until"))

        secret = d.pop("secret")

        webhook_created = cls(
            id=id,
            group_id=group_id,
            url=url,
            events=events,
            description=description,
            enabled=enabled,
            disabled_reason=disabled_reason,
            failures_in_a_row=failures_in_a_row,
            created_at=created_at,
            secret_rotating_until=secret_rotating_until,
            secret=secret,
        )

        webhook_created.additional_properties = d
        return webhook_created

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
