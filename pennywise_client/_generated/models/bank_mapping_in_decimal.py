from typing import Literal

BankMappingInDecimal = Literal[",", "."]

BANK_MAPPING_IN_DECIMAL_VALUES: set[BankMappingInDecimal] = {
    ",",
    ".",
}


def check_bank_mapping_in_decimal(value: str) -> BankMappingInDecimal:
    if value in BANK_MAPPING_IN_DECIMAL_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {BANK_MAPPING_IN_DECIMAL_VALUES!r}"
    )
