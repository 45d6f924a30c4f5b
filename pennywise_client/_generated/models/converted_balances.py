from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.balance_read import BalanceRead
    from ..models.rate_used import RateUsed


T = TypeVar("T", bound="ConvertedBalances")


@_attrs_define
class ConvertedBalances:
    """Every member's balance over all currencies, converted to one (``in=``); the
    converted balances sum to exactly zero.

        Attributes:
            currency (str):
            date (datetime.date):
            balances (list[BalanceRead]):
            rates (list[RateUsed]):
    """

    currency: str
    date: datetime.date
    balances: list[BalanceRead]
    rates: list[RateUsed]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        currency = self.currency

        date = self.date.isoformat()

        balances = []
        for balances_item_data in self.balances:
            balances_item = balances_item_data.to_dict()
            balances.append(balances_item)

        rates = []
        for rates_item_data in self.rates:
            rates_item = rates_item_data.to_dict()
            rates.append(rates_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "currency": currency,
                "date": date,
                "balances": balances,
                "rates": rates,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.balance_read import BalanceRead
        from ..models.rate_used import RateUsed

        d = dict(src_dict)
        currency = d.pop("currency")

        date = datetime.date.fromisoformat(d.pop("date"))

        balances = []
        _balances = d.pop("balances")
        for balances_item_data in _balances:
            balances_item = BalanceRead.from_dict(balances_item_data)

            balances.append(balances_item)

        rates = []
        _rates = d.pop("rates")
        for rates_item_data in _rates:
            rates_item = RateUsed.from_dict(rates_item_data)

            rates.append(rates_item)

        converted_balances = cls(
            currency=currency,
            date=date,
            balances=balances,
            rates=rates,
        )

        converted_balances.additional_properties = d
        return converted_balances

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
