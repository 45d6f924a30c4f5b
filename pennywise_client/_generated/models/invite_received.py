from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.role import Role, check_role

T = TypeVar("T", bound="InviteReceived")


@_attrs_define
class InviteReceived:
    """An invite addressed to your email: accept it to join the group as that member.

    Attributes:
        id (UUID):
        group_id (UUID):
        group_name (str):
        member_id (UUID):
        display_name (str):
        role (Role): A member's role in a group, from most to least powerful.
        invited_by (None | str):
        expires_at (datetime.datetime):
    """

    id: UUID
    group_id: UUID
    group_name: str
    member_id: UUID
    display_name: str
    role: Role
    invited_by: None | str
    expires_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        group_id = str(self.group_id)

        group_name = self.group_name

        member_id = str(self.member_id)

        display_name = self.display_name

        role: str = self.role

        invited_by: None | str
        invited_by = self.invited_by

        expires_at = self.expires_at.isoformat().replace("+00:00", "Z")

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "group_id": group_id,
                "group_name": group_name,
                "member_id": member_id,
                "display_name": display_name,
                "role": role,
                "invited_by": invited_by,
                "expires_at": expires_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        group_id = UUID(d.pop("group_id"))

        group_name = d.pop("group_name")

        member_id = UUID(d.pop("member_id"))

        display_name = d.pop("display_name")

        role = check_role(d.pop("role"))

        def _parse_invited_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        invited_by = _parse_invited_by(d.pop("invited_by"))

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))

        invite_received = cls(
            id=id,
            group_id=group_id,
            group_name=group_name,
            member_id=member_id,
            display_name=display_name,
            role=role,
            invited_by=invited_by,
            expires_at=expires_at,
        )

        invite_received.additional_properties = d
        return invite_received

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
