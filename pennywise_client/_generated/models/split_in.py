from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.split_mode import SplitMode, check_split_mode
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.split_entry_in import SplitEntryIn


T = TypeVar("T", bound="SplitIn")


@_attrs_define
class SplitIn:
    """
    Attributes:
        mode (SplitMode | Unset):
        entries (list[SplitEntryIn] | None | Unset):
    """

    mode: SplitMode | Unset = UNSET
    entries: list[SplitEntryIn] | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        mode: str | Unset = UNSET
        if not isinstance(self.mode, Unset):
            mode = self.mode

        entries: list[dict[str, Any]] | None | Unset
        if isinstance(self.entries, Unset):
            entries = UNSET
        elif isinstance(self.entries, list):
            entries = []
            for entries_type_0_item_data in self.entries:
                entries_type_0_item = entries_type_0_item_data.to_dict()
                entries.append(entries_type_0_item)

        else:
            entries = self.entries

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if mode is not UNSET:
            field_dict["mode"] = mode
        if entries is not UNSET:
            field_dict["entries"] = entries

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.split_entry_in import SplitEntryIn

        d = dict(src_dict)
        _mode = d.pop("mode", UNSET)
        mode: SplitMode | Unset
        if isinstance(_mode, Unset):
            mode = UNSET
        else:
            mode = check_split_mode(_mode)

        def _parse_entries(data: object) -> list[SplitEntryIn] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                entries_type_0 = []
                _entries_type_0 = data
                for entries_type_0_item_data in _entries_type_0:
                    entries_type_0_item = SplitEntryIn.from_dict(entries_type_0_item_data)

                    entries_type_0.append(entries_type_0_item)

                return entries_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[SplitEntryIn] | None | Unset, data)

        entries = _parse_entries(d.pop("entries", UNSET))

        split_in = cls(
            mode=mode,
            entries=entries,
        )

        return split_in
