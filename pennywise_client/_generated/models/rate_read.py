from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="RateRead")


@_attrs_define
class RateRead:
    """
    Attributes:
        id (UUID):
        group_id (UUID):
        currency (str):
        base (str):
        rate (str):
        valid_from (datetime.date):
        created_by (None | UUID):
        created_at (datetime.datetime):
    """

    id: UUID
    group_id: UUID
    currency: str
    base: str
    rate: str
    valid_from: datetime.date
    created_by: None | UUID
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        group_id = str(self.group_id)

        currency = self.currency

        base = self.base

        rate = self.rate

        valid_from = self.valid_from.isoformat()

        created_by: None | str
        if isinstance(self.created_by, UUID):
            created_by = str(self.created_by)
        else:
            created_by = self.created_by

        created_at = self.created_at.isoformat().replace("+00:00", "Z")

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "group_id": group_id,
                "currency": currency,
                "base": base,
                "rate": rate,
                "valid_from": valid_from,
                "created_by": created_by,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        id = UUID(d.pop("id"))

        group_id = UUID(d.pop("group_id"))

        currency = d.pop("currency")

        base = d.pop("base")

        rate = d.pop("rate")

        valid_from = datetime.date.fromisoformat(d.pop("valid_from"))

        def _parse_created_by(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                created_by_type_0 = UUID(data)

                return created_by_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        created_by = _parse_created_by(d.pop("created_by"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        rate_read = cls(
            id=id,
            group_id=group_id,
            currency=currency,
            base=base,
            rate=rate,
            valid_from=valid_from,
            created_by=created_by,
            created_at=created_at,
        )

        rate_read.additional_properties = d
        return rate_read

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
