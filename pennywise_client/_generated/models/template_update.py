from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.transaction_kind import TransactionKind, check_transaction_kind
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.payer_in import PayerIn
    from ..models.split_in import SplitIn


T = TypeVar("T", bound="TemplateUpdate")


@_attrs_define
class TemplateUpdate:
    """Fields of a recurring rule's transaction to replace, as `PATCH /transactions/{id}` takes them, without `date`.

    Attributes:
        kind (None | TransactionKind | Unset):
        description (None | str | Unset):
        amount (None | str | Unset):
        currency (None | str | Unset):
        category (None | str | Unset):
        notes (None | str | Unset):
        paid_by (list[PayerIn] | None | Unset):
        split (None | SplitIn | Unset):
        rate (None | str | Unset):
    """

    kind: None | TransactionKind | Unset = UNSET
    description: None | str | Unset = UNSET
    amount: None | str | Unset = UNSET
    currency: None | str | Unset = UNSET
    category: None | str | Unset = UNSET
    notes: None | str | Unset = UNSET
    paid_by: list[PayerIn] | None | Unset = UNSET
    split: None | SplitIn | Unset = UNSET
    rate: None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.split_in import SplitIn

        kind: None | str | Unset
        if isinstance(self.kind, Unset):
            kind = UNSET
        elif isinstance(self.kind, str):
            kind = self.kind
        else:
            kind = self.kind

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        amount: None | str | Unset
        if isinstance(self.amount, Unset):
            amount = UNSET
        else:
            amount = self.amount

        currency: None | str | Unset
        if isinstance(self.currency, Unset):
            currency = UNSET
        else:
            currency = self.currency

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

        rate: None | str | Unset
        if isinstance(self.rate, Unset):
            rate = UNSET
        else:
            rate = self.rate

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if kind is not UNSET:
            field_dict["kind"] = kind
        if description is not UNSET:
            field_dict["description"] = description
        if amount is not UNSET:
            field_dict["amount"] = amount
        if currency is not UNSET:
            field_dict["currency"] = currency
        if category is not UNSET:
            field_dict["category"] = category
        if notes is not UNSET:
            field_dict["notes"] = notes
        if paid_by is not UNSET:
            field_dict["paid_by"] = paid_by
        if split is not UNSET:
            field_dict["split"] = split
        if rate is not UNSET:
            field_dict["rate"] = rate

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.payer_in import PayerIn
        from ..models.split_in import SplitIn

        d = dict(src_dict)

        def _parse_kind(data: object) -> None | TransactionKind | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                kind_type_0 = check_transaction_kind(data)

                return kind_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TransactionKind | Unset, data)

        kind = _parse_kind(d.pop("kind", UNSET))

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_amount(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        amount = _parse_amount(d.pop("amount", UNSET))

        def _parse_currency(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        currency = _parse_currency(d.pop("currency", UNSET))

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

        def _parse_rate(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        rate = _parse_rate(d.pop("rate", UNSET))

        template_update = cls(
            kind=kind,
            description=description,
            amount=amount,
            currency=currency,
            category=category,
            notes=notes,
            paid_by=paid_by,
            split=split,
            rate=rate,
        )

        return template_update
