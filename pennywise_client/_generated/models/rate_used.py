from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="RateUsed")


@_attrs_define
class RateUsed:
    """The rate an answer converted with: which, from where, for which day.

    Attributes:
        currency (str):
        base (str):
        rate (str):
        source (str):
        valid_from (datetime.date):
    """

    currency: str
    base: str
    rate: str
    source: str
    valid_from: datetime.date
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        currency = self.currency

        base = self.base

        rate = self.rate

        source = self.source

        valid_from = self.valid_from.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "currency": currency,
                "base": base,
                "rate": rate,
                "source": source,
                "valid_from": valid_from,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        currency = d.pop("currency")

        base = d.pop("base")

        rate = d.pop("rate")

        source = d.pop("source")

        valid_from = datetime.date.fromisoformat(d.pop("valid_from"))

        rate_used = cls(
            currency=currency,
            base=base,
            rate=rate,
            source=source,
            valid_from=valid_from,
        )

        rate_used.additional_properties = d
        return rate_used

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
