from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.summary_read_by import SummaryReadBy, check_summary_read_by

if TYPE_CHECKING:
    from ..models.summary_row import SummaryRow


T = TypeVar("T", bound="SummaryRead")


@_attrs_define
class SummaryRead:
    """
    Attributes:
        by (SummaryReadBy):
        rows (list[SummaryRow]):
    """

    by: SummaryReadBy
    rows: list[SummaryRow]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        by: str = self.by

        rows = []
        for rows_item_data in self.rows:
            rows_item = rows_item_data.to_dict()
            rows.append(rows_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "by": by,
                "rows": rows,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.summary_row import SummaryRow

        d = dict(src_dict)
        by = check_summary_read_by(d.pop("by"))

        rows = []
        _rows = d.pop("rows")
        for rows_item_data in _rows:
            rows_item = SummaryRow.from_dict(rows_item_data)

            rows.append(rows_item)

        summary_read = cls(
            by=by,
            rows=rows,
        )

        summary_read.additional_properties = d
        return summary_read

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
