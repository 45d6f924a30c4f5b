from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.role import Role, check_role

T = TypeVar("T", bound="GroupRead")


@_attrs_define
class GroupRead:
    """
    Attributes:
        id (UUID):
        name (str):
        default_currency (str):
        archived (bool):
        version (int):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        my_role (Role): A member's role in a group, from most to least powerful.
        my_member_id (UUID):
    """

    id: UUID
    name: str
    default_currency: str
    archived: bool
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
    my_role: Role
    my_member_id: UUID
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        name = self.name

        default_currency = self.default_currency

        archived = self.archived

        version = self.version

        created_at = self.created_at.isoformat().replace("+00:00", "Z")

        updated_at = self.updated_at.isoformat().replace("+00:00", "Z")

        my_role: str = self.my_role

        my_member_id = str(self.my_member_id)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "default_currency": default_currency,
                "archived": archived,
                "version": version,
                "created_at": created_at,
                "updated_at": updated_at,
                "my_role": my_role,
                "my_member_id": my_member_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        name = d.pop("name")

        default_currency = d.pop("default_currency")

        archived = d.pop("archived")

        version = d.pop("version")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        my_role = check_role(d.pop("my_role"))

        my_member_id = UUID(d.pop("my_member_id"))

        group_read = cls(
            id=id,
            name=name,
            default_currency=default_currency,
            archived=archived,
            version=version,
            created_at=created_at,
            updated_at=updated_at,
            my_role=my_role,
            my_member_id=my_member_id,
        )

        group_read.additional_properties = d
        return group_read

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
