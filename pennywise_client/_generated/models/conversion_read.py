from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ConversionRead")


@_attrs_define
class ConversionRead:
    """What was entered, when a transaction was booked in another currency than entered.

    Attributes:
        amount (str):
        currency (str):
        rate (str):
        rate_source (str):
        rate_date (datetime.date):
    """

    amount: str
    currency: str
    rate: str
    rate_source: str
    rate_date: datetime.date
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        currency = self.currency

        rate = self.rate

        rate_source = self.rate_source

        rate_date = self.rate_date.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "amount": amount,
                "currency": currency,
                "rate": rate,
                "rate_source": rate_source,
                "rate_date": rate_date,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        amount = d.pop("amount")

        currency = d.pop("currency")

        rate = d.pop("rate")

        rate_source = d.pop("rate_source")

        rate_date = datetime.date.fromisoformat(d.pop("rate_date"))

        conversion_read = cls(
            amount=amount,
            currency=currency,
            rate=rate,
            rate_source=rate_source,
            rate_date=rate_date,
        )

        conversion_read.additional_properties = d
        return conversion_read

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
