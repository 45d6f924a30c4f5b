from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.currency_total import CurrencyTotal
    from ..models.import_balance import ImportBalance
    from ..models.imported_member import ImportedMember
    from ..models.invalid_row import InvalidRow
    from ..models.kept_in_notes import KeptInNotes


T = TypeVar("T", bound="ImportReport")


@_attrs_define
class ImportReport:
    """What an import did, or (``dry_run``) would do.

    Attributes:
        format_ (str):
        dry_run (bool):
        rows (int):
        created (int):
        already_imported (int):
        skipped (int):
        new_members (list[ImportedMember]):
        totals (list[CurrencyTotal]):
        balances (list[ImportBalance]):
        warnings (list[str]):
        invalid (int | Unset):  Default: 0.
        invalid_rows (list[InvalidRow] | Unset):
        kept_in_notes (list[KeptInNotes] | Unset):
        recurring_rules_created (int | Unset):  Default: 0.
    """

    format_: str
    dry_run: bool
    rows: int
    created: int
    already_imported: int
    skipped: int
    new_members: list[ImportedMember]
    totals: list[CurrencyTotal]
    balances: list[ImportBalance]
    warnings: list[str]
    invalid: int | Unset = 0
    invalid_rows: list[InvalidRow] | Unset = UNSET
    kept_in_notes: list[KeptInNotes] | Unset = UNSET
    recurring_rules_created: int | Unset = 0
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        format_ = self.format_

        dry_run = self.dry_run

        rows = self.rows

        created = self.created

        already_imported = self.already_imported

        skipped = self.skipped

        new_members = []
        for new_members_item_data in self.new_members:
            new_members_item = new_members_item_data.to_dict()
            new_members.append(new_members_item)

        totals = []
        for totals_item_data in self.totals:
            totals_item = totals_item_data.to_dict()
            totals.append(totals_item)

        balances = []
        for balances_item_data in self.balances:
            balances_item = balances_item_data.to_dict()
            balances.append(balances_item)

        warnings = self.warnings

        invalid = self.invalid

        invalid_rows: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.invalid_rows, Unset):
            invalid_rows = []
            for invalid_rows_item_data in self.invalid_rows:
                invalid_rows_item = invalid_rows_item_data.to_dict()
                invalid_rows.append(invalid_rows_item)

        kept_in_notes: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.kept_in_notes, Unset):
            kept_in_notes = []
            for kept_in_notes_item_data in self.kept_in_notes:
                kept_in_notes_item = kept_in_notes_item_data.to_dict()
                kept_in_notes.append(kept_in_notes_item)

        recurring_rules_created = self.recurring_rules_created

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "format": format_,
                "dry_run": dry_run,
                "rows": rows,
                "created": created,
                "already_imported": already_imported,
                "skipped": skipped,
                "new_members": new_members,
                "totals": totals,
                "balances": balances,
                "warnings": warnings,
            }
        )
        if invalid is not UNSET:
            field_dict["invalid"] = invalid
        if invalid_rows is not UNSET:
            field_dict["invalid_rows"] = invalid_rows
        if kept_in_notes is not UNSET:
            field_dict["kept_in_notes"] = kept_in_notes
        if recurring_rules_created is not UNSET:
            field_dict["recurring_rules_created"] = recurring_rules_created

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.currency_total import CurrencyTotal
        from ..models.import_balance import ImportBalance
        from ..models.imported_member import ImportedMember
        from ..models.invalid_row import InvalidRow
        from ..models.kept_in_notes import KeptInNotes

        d = dict(src_dict)
        format_ = d.pop("format")

        dry_run = d.pop("dry_run")

        rows = d.pop("rows")

        created = d.pop("created")

        already_imported = d.pop("already_imported")

        skipped = d.pop("skipped")

        new_members = []
        _new_members = d.pop("new_members")
        for new_members_item_data in _new_members:
            new_members_item = ImportedMember.from_dict(new_members_item_data)

            new_members.append(new_members_item)

        totals = []
        _totals = d.pop("totals")
        for totals_item_data in _totals:
            totals_item = CurrencyTotal.from_dict(totals_item_data)

            totals.append(totals_item)

        balances = []
        _balances = d.pop("balances")
        for balances_item_data in _balances:
            balances_item = ImportBalance.from_dict(balances_item_data)

            balances.append(balances_item)

        warnings = cast(list[str], d.pop("warnings"))

        invalid = d.pop("invalid", UNSET)

        _invalid_rows = d.pop("invalid_rows", UNSET)
        invalid_rows: list[InvalidRow] | Unset = UNSET
        if _invalid_rows is not UNSET:
            invalid_rows = []
            for invalid_rows_item_data in _invalid_rows:
                invalid_rows_item = InvalidRow.from_dict(invalid_rows_item_data)

                invalid_rows.append(invalid_rows_item)

        _kept_in_notes = d.pop("kept_in_notes", UNSET)
        kept_in_notes: list[KeptInNotes] | Unset = UNSET
        if _kept_in_notes is not UNSET:
            kept_in_notes = []
            for kept_in_notes_item_data in _kept_in_notes:
                kept_in_notes_item = KeptInNotes.from_dict(kept_in_notes_item_data)

                kept_in_notes.append(kept_in_notes_item)

        recurring_rules_created = d.pop("recurring_rules_created", UNSET)

        import_report = cls(
            format_=format_,
            dry_run=dry_run,
            rows=rows,
            created=created,
            already_imported=already_imported,
            skipped=skipped,
            new_members=new_members,
            totals=totals,
            balances=balances,
            warnings=warnings,
            invalid=invalid,
            invalid_rows=invalid_rows,
            kept_in_notes=kept_in_notes,
            recurring_rules_created=recurring_rules_created,
        )

        import_report.additional_properties = d
        return import_report

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
