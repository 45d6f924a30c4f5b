from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.role import Role, check_role

T = TypeVar("T", bound="MemberRead")


@_attrs_define
class MemberRead:
    """
    Attributes:
        id (UUID):
        group_id (UUID):
        user_id (None | UUID):
        display_name (str):
        role (Role): A member's role in a group, from most to least powerful.
        weight (str):
        is_placeholder (bool):
        created_at (datetime.datetime):
    """

    id: UUID
    group_id: UUID
    user_id: None | UUID
    display_name: str
    role: Role
    weight: str
    is_placeholder: bool
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        group_id = str(self.group_id)

        user_id: None | str
        if isinstance(self.user_id, UUID):
            user_id = str(self.user_id)
        else:
            user_id = self.user_id

        display_name = self.display_name

        role: str = self.role

        weight = self.weight

        is_placeholder = self.is_placeholder

        created_at = self.created_at.isoformat().replace("+00:00", "Z")

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "group_id": group_id,
                "user_id": user_id,
                "display_name": display_name,
                "role": role,
                "weight": weight,
                "is_placeholder": is_placeholder,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        group_id = UUID(d.pop("group_id"))

        def _parse_user_id(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                user_id_type_0 = UUID(data)

                return user_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        user_id = _parse_user_id(d.pop("user_id"))

        display_name = d.pop("display_name")

        role = check_role(d.pop("role"))

        weight = d.pop("weight")

        is_placeholder = d.pop("is_placeholder")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        member_read = cls(
            id=id,
            group_id=group_id,
            user_id=user_id,
            display_name=display_name,
            role=role,
            weight=weight,
            is_placeholder=is_placeholder,
            created_at=created_at,
        )

        member_read.additional_properties = d
        return member_read

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
