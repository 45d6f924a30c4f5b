from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, Self, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..models.body_imports_run_format_type_0 import (
    BodyImportsRunFormatType0,
    check_body_imports_run_format_type_0,
)
from ..types import UNSET, File, Unset

T = TypeVar("T", bound="BodyImportsRun")


@_attrs_define
class BodyImportsRun:
    """
    Attributes:
        file (File): The file to import, as the other app (or your bank) wrote it.
        format_ (BodyImportsRunFormatType0 | None | Unset): The file's format; detected from its content when left out.
        dry_run (bool | Unset): Report what the import would do, and write nothing. Default: False.
        skip_invalid (bool | Unset): Import the good rows and leave out the bad ones, each listed in the report's
            `invalid_rows` (row, column, message), rather than refuse the file. Default: False.
        convert (bool | Unset): Book every row in another currency in the group's, at the group's rate for the row's day
            (else the ECB reference rate), rounded per row; each keeps what the file says as its `conversion`. Default:
            False.
        member_map (None | str | Unset): JSON `{"name in the file": "member id"}` for people whose name differs between
            the apps; everyone else is matched by name (case-insensitive) or becomes a placeholder (admins only).
        currency (None | str | Unset): For files that do not say the currency (default: the group's).
        bank_mapping (None | str | Unset): JSON: the column mapping of a bank's CSV (`BankMappingIn`); with it the
            format is `bank-csv`.
    """

    file: File
    format_: BodyImportsRunFormatType0 | None | Unset = UNSET
    dry_run: bool | Unset = False
    skip_invalid: bool | Unset = False
    convert: bool | Unset = False
    member_map: None | str | Unset = UNSET
    currency: None | str | Unset = UNSET
    bank_mapping: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        file = self.file.to_tuple()

        format_: None | str | Unset
        if isinstance(self.format_, Unset):
            format_ = UNSET
        elif isinstance(self.format_, str):
            format_ = self.format_
        else:
            format_ = self.format_

        dry_run = self.dry_run

        skip_invalid = self.skip_invalid

        convert = self.convert

        member_map: None | str | Unset
        if isinstance(self.member_map, Unset):
            member_map = UNSET
        else:
            member_map = self.member_map

        currency: None | str | Unset
        if isinstance(self.currency, Unset):
            currency = UNSET
        else:
            currency = self.currency

        bank_mapping: None | str | Unset
        if isinstance(self.bank_mapping, Unset):
            bank_mapping = UNSET
        else:
            bank_mapping = self.bank_mapping

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "file": file,
            }
        )
        if format_ is not UNSET:
            field_dict["format"] = format_
        if dry_run is not UNSET:
            field_dict["dry_run"] = dry_run
        if skip_invalid is not UNSET:
            field_dict["skip_invalid"] = skip_invalid
        if convert is not UNSET:
            field_dict["convert"] = convert
        if member_map is not UNSET:
            field_dict["member_map"] = member_map
        if currency is not UNSET:
            field_dict["currency"] = currency
        if bank_mapping is not UNSET:
            field_dict["bank_mapping"] = bank_mapping

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("file", self.file.to_tuple()))

        if not isinstance(self.format_, Unset):
            if isinstance(self.format_, str):
                files.append(("format", (None, str(self.format_).encode(), "text/plain")))
            else:
                files.append(("format", (None, str(self.format_).encode(), "text/plain")))

        if not isinstance(self.dry_run, Unset):
            files.append(("dry_run", (None, str(self.dry_run).encode(), "text/plain")))

        if not isinstance(self.skip_invalid, Unset):
            files.append(("skip_invalid", (None, str(self.skip_invalid).encode(), "text/plain")))

        if not isinstance(self.convert, Unset):
            files.append(("convert", (None, str(self.convert).encode(), "text/plain")))

        if not isinstance(self.member_map, Unset):
            if isinstance(self.member_map, str):
                files.append(("member_map", (None, str(self.member_map).encode(), "text/plain")))
            else:
                files.append(("member_map", (None, str(self.member_map).encode(), "text/plain")))

        if not isinstance(self.currency, Unset):
            if isinstance(self.currency, str):
                files.append(("currency", (None, str(self.currency).encode(), "text/plain")))
            else:
                files.append(("currency", (None, str(self.currency).encode(), "text/plain")))

        if not isinstance(self.bank_mapping, Unset):
            if isinstance(self.bank_mapping, str):
                files.append(
                    ("bank_mapping", (None, str(self.bank_mapping).encode(), "text/plain"))
                )
            else:
                files.append(
                    ("bank_mapping", (None, str(self.bank_mapping).encode(), "text/plain"))
                )

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        d = dict(src_dict)
        file = File(payload=BytesIO(d.pop("file")))

        def _parse_format_(data: object) -> BodyImportsRunFormatType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                format_type_0 = check_body_imports_run_format_type_0(data)

                return format_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BodyImportsRunFormatType0 | None | Unset, data)

        format_ = _parse_format_(d.pop("format", UNSET))

        dry_run = d.pop("dry_run", UNSET)

        skip_invalid = d.pop("skip_invalid", UNSET)

        convert = d.pop("convert", UNSET)

        def _parse_member_map(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        member_map = _parse_member_map(d.pop("member_map", UNSET))

        def _parse_currency(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        currency = _parse_currency(d.pop("currency", UNSET))

        def _parse_bank_mapping(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        bank_mapping = _parse_bank_mapping(d.pop("bank_mapping", UNSET))

        body_imports_run = cls(
            file=file,
            format_=format_,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            convert=convert,
            member_map=member_map,
            currency=currency,
            bank_mapping=bank_mapping,
        )

        body_imports_run.additional_properties = d
        return body_imports_run

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
