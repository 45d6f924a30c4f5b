from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.activity_read_after_type_0 import ActivityReadAfterType0
    from ..models.activity_read_before_type_0 import ActivityReadBeforeType0


T = TypeVar("T", bound="ActivityRead")


@_attrs_define
class ActivityRead:
    """
    Attributes:
        id (UUID):
        group_id (UUID):
        actor_id (None | UUID):
        action (str):
        target_type (str):
        target_id (UUID):
        before (ActivityReadBeforeType0 | None):
        after (ActivityReadAfterType0 | None):
        created_at (datetime.datetime):
    """

    id: UUID
    group_id: UUID
    actor_id: None | UUID
    action: str
    target_type: str
    target_id: UUID
    before: ActivityReadBeforeType0 | None
    after: ActivityReadAfterType0 | None
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.activity_read_after_type_0 import ActivityReadAfterType0
        from ..models.activity_read_before_type_0 import ActivityReadBeforeType0

        id = str(self.id)

        group_id = str(self.group_id)

        actor_id: None | str
        if isinstance(self.actor_id, UUID):
            actor_id = str(self.actor_id)
        else:
            actor_id = self.actor_id

        action = self.action

        target_type = self.target_type

        target_id = str(self.target_id)

        before: dict[str, Any] | None
        if isinstance(self.before, ActivityReadBeforeType0):
            before = self.before.to_dict()
        else:
            before = self.before

        after: dict[str, Any] | None
        if isinstance(self.after, ActivityReadAfterType0):
            after = self.after.to_dict()
        else:
            after = self.after

        created_at = self.created_at.isoformat().replace("+00:00", "Z")

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "group_id": group_id,
                "actor_id": actor_id,
                "action": action,
                "target_type": target_type,
                "target_id": target_id,
                "before": before,
                "after": after,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.activity_read_after_type_0 import ActivityReadAfterType0
        from ..models.activity_read_before_type_0 import ActivityReadBeforeType0

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        group_id = UUID(d.pop("group_id"))

        def _parse_actor_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                actor_id_type_0 = UUID(data)

                return actor_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        actor_id = _parse_actor_id(d.pop("actor_id"))

        action = d.pop("action")

        target_type = d.pop("target_type")

        target_id = UUID(d.pop("target_id"))

        def _parse_before(data: object) -> ActivityReadBeforeType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                before_type_0 = ActivityReadBeforeType0.from_dict(data)

                return before_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ActivityReadBeforeType0 | None, data)

        before = _parse_before(d.pop("before"))

        def _parse_after(data: object) -> ActivityReadAfterType0 | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                after_type_0 = ActivityReadAfterType0.from_dict(data)

                return after_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ActivityReadAfterType0 | None, data)

        after = _parse_after(d.pop("after"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        activity_read = cls(
            id=id,
            group_id=group_id,
            actor_id=actor_id,
            action=action,
            target_type=target_type,
            target_id=target_id,
            before=before,
            after=after,
            created_at=created_at,
        )

        activity_read.additional_properties = d
        return activity_read

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
