from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.balance_drift import BalanceDrift


T = TypeVar("T", bound="VerifyReport")


@_attrs_define
class VerifyReport:
    """
    Attributes:
        ok (bool):
        drift (list[BalanceDrift]):
        repaired (bool):
    """

    ok: bool
    drift: list[BalanceDrift]
    repaired: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ok = self.ok

        drift = []
        for drift_item_data in self.drift:
            drift_item = drift_item_data.to_dict()
            drift.append(drift_item)

        repaired = self.repaired

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "ok": ok,
                "drift": drift,
                "repaired": repaired,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.balance_drift import BalanceDrift

        d = dict(src_dict)
        ok = d.pop("ok")

        drift = []
        _drift = d.pop("drift")
        for drift_item_data in _drift:
            drift_item = BalanceDrift.from_dict(drift_item_data)

            drift.append(drift_item)

        repaired = d.pop("repaired")

        verify_report = cls(
            ok=ok,
            drift=drift,
            repaired=repaired,
        )

        verify_report.additional_properties = d
        return verify_report

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
