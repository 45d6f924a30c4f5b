from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="SettleUpRecord")


@_attrs_define
class SettleUpRecord:
    """Which suggestion to record: one currency or all, dated today unless given; or, with
    ``in``, every currency settled in one after a conversion at the rates of ``rates_date``.

        Attributes:
            currency (None | str | Unset):
            date (datetime.date | None | Unset):
            in_ (None | str | Unset):
            rates_date (datetime.date | None | Unset):
    """

    currency: None | str | Unset = UNSET
    date: datetime.date | None | Unset = UNSET
    in_: None | str | Unset = UNSET
    rates_date: datetime.date | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        currency: None | str | Unset
        if isinstance(self.currency, Unset):
            currency = UNSET
        else:
            currency = self.currency

        date: None | str | Unset
        if isinstance(self.date, Unset):
            date = UNSET
        elif isinstance(self.date, datetime.date):
            date = self.date.isoformat()
        else:
            date = self.date

        in_: None | str | Unset
        if isinstance(self.in_, Unset):
            in_ = UNSET
        else:
            in_ = self.in_

        rates_date: None | str | Unset
        if isinstance(self.rates_date, Unset):
            rates_date = UNSET
        elif isinstance(self.rates_date, datetime.date):
            rates_date = self.rates_date.isoformat()
        else:
            rates_date = self.rates_date

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if currency is not UNSET:
            field_dict["currency"] = currency
        if date is not UNSET:
            field_dict["date"] = date
        if in_ is not UNSET:
            field_dict["in"] = in_
        if rates_date is not UNSET:
            field_dict["rates_date"] = rates_date

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)

        def _parse_currency(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        currency = _parse_currency(d.pop("currency", UNSET))

        def _parse_date(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                date_type_0 = datetime.date.fromisoformat(data)

                return date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        date = _parse_date(d.pop("date", UNSET))

        def _parse_in_(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        in_ = _parse_in_(d.pop("in", UNSET))

        def _parse_rates_date(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                rates_date_type_0 = datetime.date.fromisoformat(data)

                return rates_date_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        rates_date = _parse_rates_date(d.pop("rates_date", UNSET))

        settle_up_record = cls(
            currency=currency,
            date=date,
            in_=in_,
            rates_date=rates_date,
        )

        return settle_up_record
