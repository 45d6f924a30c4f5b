from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..models.api_token_create_scope import ApiTokenCreateScope, check_api_token_create_scope
from ..types import UNSET, Unset

T = TypeVar("T", bound="ApiTokenCreate")


@_attrs_define
class ApiTokenCreate:
    """
    Attributes:
        name (str):
        scope (ApiTokenCreateScope | Unset):  Default: 'read'.
        expires_in_days (int | Unset):  Default: 90.
    """

    name: str
    scope: ApiTokenCreateScope | Unset = "read"
    expires_in_days: int | Unset = 90

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        scope: str | Unset = UNSET
        if not isinstance(self.scope, Unset):
            scope = self.scope

        expires_in_days = self.expires_in_days

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
            }
        )
        if scope is not UNSET:
            field_dict["scope"] = scope
        if expires_in_days is not UNSET:
            field_dict["expires_in_days"] = expires_in_days

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name")

        _scope = d.pop("scope", UNSET)
        scope: ApiTokenCreateScope | Unset
        if isinstance(_scope, Unset):
            scope = UNSET
        else:
            scope = check_api_token_create_scope(_scope)

        expires_in_days = d.pop("expires_in_days", UNSET)

        api_token_create = cls(
            name=name,
            scope=scope,
            expires_in_days=expires_in_days,
        )

        return api_token_create
