from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.rate_used import RateUsed
    from ..models.transfer_read import TransferRead


T = TypeVar("T", bound="SettlementRead")


@_attrs_define
class SettlementRead:
    """
    Attributes:
        transfers (list[TransferRead]):
        proven_minimal (bool):
        converted_to (None | str | Unset):
        rates (list[RateUsed] | Unset):
    """

    transfers: list[TransferRead]
    proven_minimal: bool
    converted_to: None | str | Unset = UNSET
    rates: list[RateUsed] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        transfers = []
        for transfers_item_data in self.transfers:
            transfers_item = transfers_item_data.to_dict()
            transfers.append(transfers_item)

        proven_minimal = self.proven_minimal

        converted_to: None | str | Unset
        if isinstance(self.converted_to, Unset):
            converted_to = UNSET
        else:
            converted_to = self.converted_to

        rates: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.rates, Unset):
            rates = []
            for rates_item_data in self.rates:
                rates_item = rates_item_data.to_dict()
                rates.append(rates_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "transfers": transfers,
                "proven_minimal": proven_minimal,
            }
        )
        if converted_to is not UNSET:
            field_dict["converted_to"] = converted_to
        if rates is not UNSET:
            field_dict["rates"] = rates

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.rate_used import RateUsed
        from ..models.transfer_read import TransferRead

        d = dict(src_dict)
        transfers = []
        _transfers = d.pop("transfers")
        for transfers_item_data in _transfers:
            transfers_item = TransferRead.from_dict(transfers_item_data)

            transfers.append(transfers_item)

        proven_minimal = d.pop("proven_minimal")

        def _parse_converted_to(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        converted_to = _parse_converted_to(d.pop("converted_to", UNSET))

        _rates = d.pop("rates", UNSET)
        rates: list[RateUsed] | Unset = UNSET
        if _rates is not UNSET:
            rates = []
            for rates_item_data in _rates:
                rates_item = RateUsed.from_dict(rates_item_data)

                rates.append(rates_item)

        settlement_read = cls(
            transfers=transfers,
            proven_minimal=proven_minimal,
            converted_to=converted_to,
            rates=rates,
        )

        settlement_read.additional_properties = d
        return settlement_read

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
