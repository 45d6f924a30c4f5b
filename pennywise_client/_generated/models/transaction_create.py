from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define

from ..models.transaction_kind import TransactionKind, check_transaction_kind
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.payer_in import PayerIn
    from ..models.split_in import SplitIn


T = TypeVar("T", bound="TransactionCreate")


@_attrs_define
class TransactionCreate:
    """
    Attributes:
        group_id (UUID):
        description (str):
        amount (str):
        kind (TransactionKind | Unset):
        currency (None | str | Unset):
        date (datetime.date | None | Unset):
        category (None | str | Unset):
        notes (None | str | Unset):
        paid_by (list[PayerIn] | None | Unset):
        split (None | SplitIn | Unset):
        import_key (None | str | Unset):
        convert (bool | Unset):  Default: False.
        rate (None | str | Unset):
    """

    group_id: UUID
    description: str
    amount: str
    kind: TransactionKind | Unset = UNSET
    currency: None | str | Unset = UNSET
    date: datetime.date | None | Unset = UNSET
    category: None | str | Unset = UNSET
    notes: None | str | Unset = UNSET
    paid_by: list[PayerIn] | None | Unset = UNSET
    split: None | SplitIn | Unset = UNSET
    import_key: None | str | Unset = UNSET
    convert: bool | Unset = False
    rate: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.split_in import SplitIn

        group_id = str(self.group_id)

        description = self.description

        amount = self.amount

        kind: str | Unset = UNSET
        if not isinstance(self.kind, Unset):
            kind = self.kind

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

        category: None | str | Unset
        if isinstance(self.category, Unset):
            category = UNSET
        else:
            category = self.category

        notes: None | str | Unset
        if isinstance(self.notes, Unset):
            notes = UNSET
        else:
            notes = self.notes

        paid_by: list[dict[str, Any]] | None | Unset
        if isinstance(self.paid_by, Unset):
            paid_by = UNSET
        elif isinstance(self.paid_by, list):
            paid_by = []
            for paid_by_type_0_item_data in self.paid_by:
                paid_by_type_0_item = paid_by_type_0_item_data.to_dict()
                paid_by.append(paid_by_type_0_item)

        else:
            paid_by = self.paid_by

        split: dict[str, Any] | None | Unset
        if isinstance(self.split, Unset):
            split = UNSET
        elif isinstance(self.split, SplitIn):
            split = self.split.to_dict()
        else:
            split = self.split

        import_key: None | str | Unset
        if isinstance(self.import_key, Unset):
            import_key = UNSET
        else:
            import_key = self.import_key

        convert = self.convert

        rate: None | str | Unset
        if isinstance(self.rate, Unset):
            rate = UNSET
        else:
            rate = self.rate

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "group_id": group_id,
                "description": description,
                "amount": amount,
            }
        )
        if kind is not UNSET:
            field_dict["kind"] = kind
        if currency is not UNSET:
            field_dict["currency"] = currency
        if date is not UNSET:
            field_dict["date"] = date
        if category is not UNSET:
            field_dict["category"] = category
        if notes is not UNSET:
            field_dict["notes"] = notes
        if paid_by is not UNSET:
            field_dict["paid_by"] = paid_by
        if split is not UNSET:
            field_dict["split"] = split
        if import_key is not UNSET:
            field_dict["import_key"] = import_key
        if convert is not UNSET:
            field_dict["convert"] = convert
        if rate is not UNSET:
            field_dict["rate"] = rate

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.payer_in import PayerIn
        from ..models.split_in import SplitIn

        d = dict(src_dict)
        group_id = UUID(d.pop("group_id"))

        description = d.pop("description")

        amount = d.pop("amount")

        _kind = d.pop("kind", UNSET)
        kind: TransactionKind | Unset
        if isinstance(_kind, Unset):
            kind = UNSET
        else:
            kind = check_transaction_kind(_kind)

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

        def _parse_category(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        category = _parse_category(d.pop("category", UNSET))

        def _parse_notes(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        notes = _parse_notes(d.pop("notes", UNSET))

        def _parse_paid_by(data: object) -> list[PayerIn] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                paid_by_type_0 = []
                _paid_by_type_0 = data
                for paid_by_type_0_item_data in _paid_by_type_0:
                    paid_by_type_0_item = PayerIn.from_dict(paid_by_type_0_item_data)

                    paid_by_type_0.append(paid_by_type_0_item)

                return paid_by_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[PayerIn] | None | Unset, data)

        paid_by = _parse_paid_by(d.pop("paid_by", UNSET))

        def _parse_split(data: object) -> None | SplitIn | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                split_type_0 = SplitIn.from_dict(data)

                return split_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SplitIn | Unset, data)

        split = _parse_split(d.pop("split", UNSET))

        def _parse_import_key(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        import_key = _parse_import_key(d.pop("import_key", UNSET))

        convert = d.pop("convert", UNSET)

        def _parse_rate(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        rate = _parse_rate(d.pop("rate", UNSET))

        transaction_create = cls(
            group_id=group_id,
            description=description,
            amount=amount,
            kind=kind,
            currency=currency,
            date=date,
            category=category,
            notes=notes,
            paid_by=paid_by,
            split=split,
            import_key=import_key,
            convert=convert,
            rate=rate,
        )

        return transaction_create
