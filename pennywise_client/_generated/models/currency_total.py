from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="CurrencyTotal")


@_attrs_define
class CurrencyTotal:
    """
    Attributes:
        currency (str):
        transactions (int):
        expenses (str):
        income (str):
        transfers (str):
    """

    currency: str
    transactions: int
    expenses: str
    income: str
    transfers: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        currency = self.currency

        transactions = self.transactions

        expenses = self.expenses

        income = self.income

        transfers = self.transfers

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "currency": currency,
                "transactions": transactions,
                "expenses": expenses,
                "income": income,
                "transfers": transfers,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        currency = d.pop("currency")

        transactions = d.pop("transactions")

        expenses = d.pop("expenses")

        income = d.pop("income")

        transfers = d.pop("transfers")

        currency_total = cls(
            currency=currency,
            transactions=transactions,
            expenses=expenses,
            income=income,
            transfers=transfers,
        )

        currency_total.additional_properties = d
        return currency_total

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
