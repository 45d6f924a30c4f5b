from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="InviteCreate")


@_attrs_define
class InviteCreate:
    """
    Attributes:
        member_id (UUID):
        expires_in_hours (int | Unset):  Default: 168.
    """

    member_id: UUID
    expires_in_hours: int | Unset = 168

    def to_dict(self) -> dict[str, Any]:
        member_id = str(self.member_id)

        expires_in_hours = self.expires_in_hours

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "member_id": member_id,
            }
        )
        if expires_in_hours is not UNSET:
            field_dict["expires_in_hours"] = expires_in_hours

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        member_id = UUID(d.pop("member_id"))

        expires_in_hours = d.pop("expires_in_hours", UNSET)

        invite_create = cls(
            member_id=member_id,
            expires_in_hours=expires_in_hours,
        )

        return invite_create
