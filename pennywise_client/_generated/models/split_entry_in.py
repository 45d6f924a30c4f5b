from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="SplitEntryIn")


@_attrs_define
class SplitEntryIn:
    """
    Attributes:
        member_id (UUID):
        shares (None | str | Unset):
        percent (None | str | Unset):
        amount (None | str | Unset):
    """

    member_id: UUID
    shares: None | str | Unset = UNSET
    percent: None | str | Unset = UNSET
    amount: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        member_id = str(self.member_id)

        shares: None | str | Unset
        if isinstance(self.shares, Unset):
            shares = UNSET
        else:
            shares = self.shares

        percent: None | str | Unset
        if isinstance(self.percent, Unset):
            percent = UNSET
        else:
            percent = self.percent

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
        if shares is not UNSET:
            field_dict["shares"] = shares
        if percent is not UNSET:
            field_dict["percent"] = percent
        if amount is not UNSET:
            field_dict["amount"] = amount

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        member_id = UUID(d.pop("member_id"))

        def _parse_shares(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        shares = _parse_shares(d.pop("shares", UNSET))

        def _parse_percent(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        percent = _parse_percent(d.pop("percent", UNSET))

        def _parse_amount(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        amount = _parse_amount(d.pop("amount", UNSET))

        split_entry_in = cls(
            member_id=member_id,
            shares=shares,
            percent=percent,
            amount=amount,
        )

        return split_entry_in
