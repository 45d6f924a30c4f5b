from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Self, TypeVar, cast

from attrs import define as _attrs_define

from ..models.bank_mapping_in_decimal import BankMappingInDecimal, check_bank_mapping_in_decimal
from ..models.bank_mapping_in_thousands import (
    BankMappingInThousands,
    check_bank_mapping_in_thousands,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.bank_mapping_in_split_type_1 import BankMappingInSplitType1


T = TypeVar("T", bound="BankMappingIn")


@_attrs_define
class BankMappingIn:
    """Where each value is in a bank's CSV, and who pays and shares its rows (``bank-csv``).

    Money out (a negative amount, or a debit) is an expense ``paid_by`` paid; money in is
    income they received; both are split by ``split``.

        Attributes:
            date (int | str): A column: its header text (case-insensitive) or its 0-based position.
            description (int | str): A column: its header text (case-insensitive) or its 0-based position.
            amount (int | None | str | Unset): One signed amount column; or give `debit` and/or `credit`.
            debit (int | None | str | Unset):
            credit (int | None | str | Unset):
            date_format (str | Unset): A `strptime` format. Default: '%Y-%m-%d'.
            currency (None | str | Unset): One currency for every row (default: the group's).
            currency_column (int | None | str | Unset):
            category (int | None | str | Unset):
            id_column (int | None | str | Unset): The bank's unique reference for a row, if it has one: the most stable
                import key.
            delimiter (str | Unset):  Default: ','.
            decimal (BankMappingInDecimal | Unset):  Default: '.'.
            thousands (BankMappingInThousands | Unset):  Default: ''.
            encoding (str | Unset):  Default: 'utf-8-sig'.
            skip_lines (int | Unset): Lines above the header (account details). Default: 0.
            paid_by (None | str | Unset): A member id or name (default: your member).
            split (BankMappingInSplitType1 | list[str] | None | Unset): Members sharing equally (a list of ids or names), or
                `{"id or name": "shares"}`; default: every current member, equally.
            negative_is_expense (bool | Unset): With one `amount` column: whether a negative amount is money out. Default:
                True.
    """

    date: int | str
    description: int | str
    amount: int | None | str | Unset = UNSET
    debit: int | None | str | Unset = UNSET
    credit: int | None | str | Unset = UNSET
    date_format: str | Unset = "%Y-%m-%d"
    currency: None | str | Unset = UNSET
    currency_column: int | None | str | Unset = UNSET
    category: int | None | str | Unset = UNSET
    id_column: int | None | str | Unset = UNSET
    delimiter: str | Unset = ","
    decimal: BankMappingInDecimal | Unset = "."
    thousands: BankMappingInThousands | Unset = ""
    encoding: str | Unset = "utf-8-sig"
    skip_lines: int | Unset = 0
    paid_by: None | str | Unset = UNSET
    split: BankMappingInSplitType1 | list[str] | None | Unset = UNSET
    negative_is_expense: bool | Unset = True

    def to_dict(self) -> dict[str, Any]:
        from ..models.bank_mapping_in_split_type_1 import BankMappingInSplitType1

        date: int | str
        date = self.date

        description: int | str
        description = self.description

        amount: int | None | str | Unset
        if isinstance(self.amount, Unset):
            amount = UNSET
        else:
            amount = self.amount

        debit: int | None | str | Unset
        if isinstance(self.debit, Unset):
            debit = UNSET
        else:
            debit = self.debit

        credit: int | None | str | Unset
        if isinstance(self.credit, Unset):
            credit = UNSET
        else:
            credit = self.credit

        date_format = self.date_format

        currency: None | str | Unset
        if isinstance(self.currency, Unset):
            currency = UNSET
        else:
            currency = self.currency

        currency_column: int | None | str | Unset
        if isinstance(self.currency_column, Unset):
            currency_column = UNSET
        else:
            currency_column = self.currency_column

        category: int | None | str | Unset
        if isinstance(self.category, Unset):
            category = UNSET
        else:
            category = self.category

        id_column: int | None | str | Unset
        if isinstance(self.id_column, Unset):
            id_column = UNSET
        else:
            id_column = self.id_column

        delimiter = self.delimiter

        decimal: str | Unset = UNSET
        if not isinstance(self.decimal, Unset):
            decimal = self.decimal

        thousands: str | Unset = UNSET
        if not isinstance(self.thousands, Unset):
            thousands = self.thousands

        encoding = self.encoding

        skip_lines = self.skip_lines

        paid_by: None | str | Unset
        if isinstance(self.paid_by, Unset):
            paid_by = UNSET
        else:
            paid_by = self.paid_by

        split: dict[str, Any] | list[str] | None | Unset
        if isinstance(self.split, Unset):
            split = UNSET
        elif isinstance(self.split, list):
            split = self.split

        elif isinstance(self.split, BankMappingInSplitType1):
            split = self.split.to_dict()
        else:
            split = self.split

        negative_is_expense = self.negative_is_expense

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "date": date,
                "description": description,
            }
        )
        if amount is not UNSET:
            field_dict["amount"] = amount
        if debit is not UNSET:
            field_dict["debit"] = debit
        if credit is not UNSET:
            field_dict["credit"] = credit
        if date_format is not UNSET:
            field_dict["date_format"] = date_format
        if currency is not UNSET:
            field_dict["currency"] = currency
        if currency_column is not UNSET:
            field_dict["currency_column"] = currency_column
        if category is not UNSET:
            field_dict["category"] = category
        if id_column is not UNSET:
            field_dict["id_column"] = id_column
        if delimiter is not UNSET:
            field_dict["delimiter"] = delimiter
        if decimal is not UNSET:
            field_dict["decimal"] = decimal
        if thousands is not UNSET:
            field_dict["thousands"] = thousands
        if encoding is not UNSET:
            field_dict["encoding"] = encoding
        if skip_lines is not UNSET:
            field_dict["skip_lines"] = skip_lines
        if paid_by is not UNSET:
            field_dict["paid_by"] = paid_by
        if split is not UNSET:
            field_dict["split"] = split
        if negative_is_expense is not UNSET:
            field_dict["negative_is_expense"] = negative_is_expense

        return field_dict

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any]) -> Self:
        from ..models.bank_mapping_in_split_type_1 import BankMappingInSplitType1

        d = dict(src_dict)

        def _parse_date(data: object) -> int | str:
            return cast(int | str, data)

        date = _parse_date(d.pop("date"))

        def _parse_description(data: object) -> int | str:
            return cast(int | str, data)

        description = _parse_description(d.pop("description"))

        def _parse_amount(data: object) -> int | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | str | Unset, data)

        amount = _parse_amount(d.pop("amount", UNSET))

        def _parse_debit(data: object) -> int | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | str | Unset, data)

        debit = _parse_debit(d.pop("debit", UNSET))

        def _parse_credit(data: object) -> int | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | str | Unset, data)

        credit = _parse_credit(d.pop("credit", UNSET))

        date_format = d.pop("date_format", UNSET)

        def _parse_currency(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        currency = _parse_currency(d.pop("currency", UNSET))

        def _parse_currency_column(data: object) -> int | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | str | Unset, data)

        currency_column = _parse_currency_column(d.pop("currency_column", UNSET))

        def _parse_category(data: object) -> int | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | str | Unset, data)

        category = _parse_category(d.pop("category", UNSET))

        def _parse_id_column(data: object) -> int | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | str | Unset, data)

        id_column = _parse_id_column(d.pop("id_column", UNSET))

        delimiter = d.pop("delimiter", UNSET)

        _decimal = d.pop("decimal", UNSET)
        decimal: BankMappingInDecimal | Unset
        if isinstance(_decimal, Unset):
            decimal = UNSET
        else:
            decimal = check_bank_mapping_in_decimal(_decimal)

        _thousands = d.pop("thousands", UNSET)
        thousands: BankMappingInThousands | Unset
        if isinstance(_thousands, Unset):
            thousands = UNSET
        else:
            thousands = check_bank_mapping_in_thousands(_thousands)

        encoding = d.pop("encoding", UNSET)

        skip_lines = d.pop("skip_lines", UNSET)

        def _parse_paid_by(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        paid_by = _parse_paid_by(d.pop("paid_by", UNSET))

        def _parse_split(data: object) -> BankMappingInSplitType1 | list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                split_type_0 = cast(list[str], data)

                return split_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                split_type_1 = BankMappingInSplitType1.from_dict(data)

                return split_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BankMappingInSplitType1 | list[str] | None | Unset, data)

        split = _parse_split(d.pop("split", UNSET))

        negative_is_expense = d.pop("negative_is_expense", UNSET)

        bank_mapping_in = cls(
            date=date,
            description=description,
            amount=amount,
            debit=debit,
            credit=credit,
            date_format=date_format,
            currency=currency,
            currency_column=currency_column,
            category=category,
            id_column=id_column,
            delimiter=delimiter,
            decimal=decimal,
            thousands=thousands,
            encoding=encoding,
            skip_lines=skip_lines,
            paid_by=paid_by,
            split=split,
            negative_is_expense=negative_is_expense,
        )

        return bank_mapping_in
