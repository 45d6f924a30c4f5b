from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.rate_used import RateUsed


T = TypeVar("T", bound="ExchangeRead")


@_attrs_define
class ExchangeRead:
    """A conversion's batch: the transactions (one per currency) that moved every balance
    into ``into`` at ``rates`` on ``date``, recorded together and deleted together.

        Attributes:
            batch_id (UUID):
            into (str):
            date (datetime.date):
            rates (list[RateUsed]):
    """

    batch_id: UUID
    into: str
    date: datetime.date
    rates: list[RateUsed]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        batch_id = str(self.batch_id)

        into = self.into

        date = self.date.isoformat()

        rates = []
        for rates_item_data in self.rates:
            rates_item = rates_item_data.to_dict()
            rates.append(rates_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "batch_id": batch_id,
                "into": into,
                "date": date,
                "rates": rates,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.rate_used import RateUsed

        d = dict(src_dict)
        batch_id = UUID(d.pop("batch_id"))

        into = d.pop("into")

        date = datetime.date.fromisoformat(d.pop("date"))

        rates = []
        _rates = d.pop("rates")
        for rates_item_data in _rates:
            rates_item = RateUsed.from_dict(rates_item_data)

            rates.append(rates_item)

        exchange_read = cls(
            batch_id=batch_id,
            into=into,
            date=date,
            rates=rates,
        )

        exchange_read.additional_properties = d
        return exchange_read

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
