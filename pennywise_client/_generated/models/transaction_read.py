from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.transaction_kind import TransactionKind, check_transaction_kind
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.conversion_read import ConversionRead
    from ..models.entry_read import EntryRead
    from ..models.exchange_read import ExchangeRead
    from ..models.payer_read import PayerRead
    from ..models.split_read import SplitRead


T = TypeVar("T", bound="TransactionRead")


@_attrs_define
class TransactionRead:
    """
    Attributes:
        id (UUID):
        group_id (UUID):
        kind (TransactionKind):
        description (str):
        amount (str):
        currency (str):
        date (datetime.date):
        category (None | str):
        notes (None | str):
        paid_by (list[PayerRead]):
        split (SplitRead):
        entries (list[EntryRead]):
        version (int):
        created_by (None | UUID):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
        deleted (bool):
        conversion (ConversionRead | None | Unset):
        exchange (ExchangeRead | None | Unset):
    """

    id: UUID
    group_id: UUID
    kind: TransactionKind
    description: str
    amount: str
    currency: str
    date: datetime.date
    category: None | str
    notes: None | str
    paid_by: list[PayerRead]
    split: SplitRead
    entries: list[EntryRead]
    version: int
    created_by: None | UUID
    created_at: datetime.datetime
    updated_at: datetime.datetime
    deleted: bool
    conversion: ConversionRead | None | Unset = UNSET
    exchange: ExchangeRead | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.conversion_read import ConversionRead
        from ..models.exchange_read import ExchangeRead

        id = str(self.id)

        group_id = str(self.group_id)

        kind: str = self.kind

        description = self.description

        amount = self.amount

        currency = self.currency

        date = self.date.isoformat()

        category: None | str
        category = self.category

        notes: None | str
        notes = self.notes

        paid_by = []
        for paid_by_item_data in self.paid_by:
            paid_by_item = paid_by_item_data.to_dict()
            paid_by.append(paid_by_item)

        split = self.split.to_dict()

        entries = []
        for entries_item_data in self.entries:
            entries_item = entries_item_data.to_dict()
            entries.append(entries_item)

        version = self.version

        created_by: None | str
        if isinstance(self.created_by, UUID):
            created_by = str(self.created_by)
        else:
            created_by = self.created_by

        created_at = self.created_at.isoformat().replace("+00:00", "Z")

        updated_at = self.updated_at.isoformat().replace("+00:00", "Z")

        deleted = self.deleted

        conversion: dict[str, Any] | None | Unset
        if isinstance(self.conversion, Unset):
            conversion = UNSET
        elif isinstance(self.conversion, ConversionRead):
            conversion = self.conversion.to_dict()
        else:
            conversion = self.conversion

        exchange: dict[str, Any] | None | Unset
        if isinstance(self.exchange, Unset):
            exchange = UNSET
        elif isinstance(self.exchange, ExchangeRead):
            exchange = self.exchange.to_dict()
        else:
            exchange = self.exchange

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "group_id": group_id,
                "kind": kind,
                "description": description,
                "amount": amount,
                "currency": currency,
                "date": date,
                "category": category,
                "notes": notes,
                "paid_by": paid_by,
                "split": split,
                "entries": entries,
                "version": version,
                "created_by": created_by,
                "created_at": created_at,
                "updated_at": updated_at,
                "deleted": deleted,
            }
        )
        if conversion is not UNSET:
            field_dict["conversion"] = conversion
        if exchange is not UNSET:
            field_dict["exchange"] = exchange

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.conversion_read import ConversionRead
        from ..models.entry_read import EntryRead
        from ..models.exchange_read import ExchangeRead
        from ..models.payer_read import PayerRead
        from ..models.split_read import SplitRead

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        group_id = UUID(d.pop("group_id"))

        kind = check_transaction_kind(d.pop("kind"))

        description = d.pop("description")

        amount = d.pop("amount")

        currency = d.pop("currency")

        date = datetime.date.fromisoformat(d.pop("date"))

        def _parse_category(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        category = _parse_category(d.pop("category"))

        def _parse_notes(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        notes = _parse_notes(d.pop("notes"))

        paid_by = []
        _paid_by = d.pop("paid_by")
        for paid_by_item_data in _paid_by:
            paid_by_item = PayerRead.from_dict(paid_by_item_data)

            paid_by.append(paid_by_item)

        split = SplitRead.from_dict(d.pop("split"))

        entries = []
        _entries = d.pop("entries")
        for entries_item_data in _entries:
            entries_item = EntryRead.from_dict(entries_item_data)

            entries.append(entries_item)

        version = d.pop("version")

        def _parse_created_by(data: object) -> None | UUID:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                created_by_type_0 = UUID(data)

                return created_by_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | UUID, data)

        created_by = _parse_created_by(d.pop("created_by"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        deleted = d.pop("deleted")

        def _parse_conversion(data: object) -> ConversionRead | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                conversion_type_0 = ConversionRead.from_dict(data)

                return conversion_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ConversionRead | None | Unset, data)

        conversion = _parse_conversion(d.pop("conversion", UNSET))

        def _parse_exchange(data: object) -> ExchangeRead | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                exchange_type_0 = ExchangeRead.from_dict(data)

                return exchange_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ExchangeRead | None | Unset, data)

        exchange = _parse_exchange(d.pop("exchange", UNSET))

        transaction_read = cls(
            id=id,
            group_id=group_id,
            kind=kind,
            description=description,
            amount=amount,
            currency=currency,
            date=date,
            category=category,
            notes=notes,
            paid_by=paid_by,
            split=split,
            entries=entries,
            version=version,
            created_by=created_by,
            created_at=created_at,
            updated_at=updated_at,
            deleted=deleted,
            conversion=conversion,
            exchange=exchange,
        )

        transaction_read.additional_properties = d
        return transaction_read

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
