from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="TransferRead")


@_attrs_define
class TransferRead:
    """
    Attributes:
        from_member_id (UUID):
        to_member_id (UUID):
        amount (str):
        currency (str):
    """

    from_member_id: UUID
    to_member_id: UUID
    amount: str
    currency: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from_member_id = str(self.from_member_id)

        to_member_id = str(self.to_member_id)

        amount = self.amount

        currency = self.currency

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "from_member_id": from_member_id,
                "to_member_id": to_member_id,
                "amount": amount,
                "currency": currency,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        from_member_id = UUID(d.pop("from_member_id"))

        to_member_id = UUID(d.pop("to_member_id"))

        amount = d.pop("amount")

        currency = d.pop("currency")

        transfer_read = cls(
            from_member_id=from_member_id,
            to_member_id=to_member_id,
            amount=amount,
            currency=currency,
        )

        transfer_read.additional_properties = d
        return transfer_read

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
