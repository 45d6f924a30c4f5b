from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="RateSet")


@_attrs_define
class RateSet:
    """A group's own rate for a currency: ``1 currency = rate <the group's currency>``.

    Attributes:
        currency (str):
        rate (str):
        valid_from (datetime.date | None | Unset):
    """

    currency: str
    rate: str
    valid_from: datetime.date | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        currency = self.currency

        rate = self.rate

        valid_from: None | str | Unset
        if isinstance(self.valid_from, Unset):
            valid_from = UNSET
        elif isinstance(self.valid_from, datetime.date):
            valid_from = self.valid_from.isoformat()
        else:
            valid_from = self.valid_from

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "currency": currency,
                "rate": rate,
            }
        )
        if valid_from is not UNSET:
            field_dict["valid_from"] = valid_from

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        currency = d.pop("currency")

        rate = d.pop("rate")

        def _parse_valid_from(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                valid_from_type_0 = datetime.date.fromisoformat(data)

                return valid_from_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        valid_from = _parse_valid_from(d.pop("valid_from", UNSET))

        rate_set = cls(
            currency=currency,
            rate=rate,
            valid_from=valid_from,
        )

        return rate_set
