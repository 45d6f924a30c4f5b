from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.user_read import UserRead


T = TypeVar("T", bound="UserRenamed")


@_attrs_define
class UserRenamed:
    """Your account after a rename, and the groups where your member kept its old name
    (another member there has the new one, or your role may not rename members).

        Attributes:
            user (UserRead):
            unchanged_in (list[str]):
    """

    user: UserRead
    unchanged_in: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        user = self.user.to_dict()

        unchanged_in = self.unchanged_in

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "user": user,
                "unchanged_in": unchanged_in,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.user_read import UserRead

        d = dict(src_dict)
        user = UserRead.from_dict(d.pop("user"))

        unchanged_in = cast(list[str], d.pop("unchanged_in"))

        user_renamed = cls(
            user=user,
            unchanged_in=unchanged_in,
        )

        user_renamed.additional_properties = d
        return user_renamed

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
