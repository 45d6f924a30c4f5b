from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="PayerIn")


@_attrs_define
class PayerIn:
    """
    Attributes:
        member_id (UUID):
        amount (None | str | Unset):
    """

    member_id: UUID
    amount: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        member_id = str(self.member_id)

        amount: None | str | Unset
        if isinstance(self.amount, Unset):
            amount = UNSET
        else:
            amount = self.amount

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "member_id": member_id,
            }
        )
        if amount is not UNSET:
            field_dict["amount"] = amount

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        member_id = UUID(d.pop("member_id"))

        def _parse_amount(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        amount = _parse_amount(d.pop("amount", UNSET))

        payer_in = cls(
            member_id=member_id,
            amount=amount,
        )

        return payer_in
