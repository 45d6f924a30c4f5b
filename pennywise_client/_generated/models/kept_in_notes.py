from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="KeptInNotes")


@_attrs_define
class KeptInNotes:
    """A field of the source that Pennywise cannot act on yet (the original amount of an
    expense converted at a rate that does not give its amount, a repetition that no
    schedule says), kept in the transactions' notes.

        Attributes:
            field (str):
            transactions (int):
            rows (list[int]):
    """

    field: str
    transactions: int
    rows: list[int]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field = self.field

        transactions = self.transactions

        rows = self.rows

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "field": field,
                "transactions": transactions,
                "rows": rows,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        field = d.pop("field")

        transactions = d.pop("transactions")

        rows = cast(list[int], d.pop("rows"))

        kept_in_notes = cls(
            field=field,
            transactions=transactions,
            rows=rows,
        )

        kept_in_notes.additional_properties = d
        return kept_in_notes

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
