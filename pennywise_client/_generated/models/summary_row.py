from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SummaryRow")


@_attrs_define
class SummaryRow:
    """
    Attributes:
        period (None | str):
        category (None | str):
        currency (str):
        spent (str):
        received (str):
        net (str):
    """

    period: None | str
    category: None | str
    currency: str
    spent: str
    received: str
    net: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        period: None | str
        period = self.period

        category: None | str
        category = self.category

        currency = self.currency

        spent = self.spent

        received = self.received

        net = self.net

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "period": period,
                "category": category,
                "currency": currency,
                "spent": spent,
                "received": received,
                "net": net,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_period(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        period = _parse_period(d.pop("period"))

        def _parse_category(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        category = _parse_category(d.pop("category"))

        currency = d.pop("currency")

        spent = d.pop("spent")

        received = d.pop("received")

        net = d.pop("net")

        summary_row = cls(
            period=period,
            category=category,
            currency=currency,
            spent=spent,
            received=received,
            net=net,
        )

        summary_row.additional_properties = d
        return summary_row

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
