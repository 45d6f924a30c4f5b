from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="GroupCreate")


@_attrs_define
class GroupCreate:
    """
    Attributes:
        name (str):
        default_currency (str | Unset):  Default: 'EUR'.
    """

    name: str
    default_currency: str | Unset = "EUR"

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        default_currency = self.default_currency

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
            }
        )
        if default_currency is not UNSET:
            field_dict["default_currency"] = default_currency

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        name = d.pop("name")

        default_currency = d.pop("default_currency", UNSET)

        group_create = cls(
            name=name,
            default_currency=default_currency,
        )

        return group_create
