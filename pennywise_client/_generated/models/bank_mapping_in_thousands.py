from typing import Literal

BankMappingInThousands = Literal["", " ", "'", ",", "."]

BANK_MAPPING_IN_THOUSANDS_VALUES: set[BankMappingInThousands] = {
    "",
    " ",
    "'",
    ",",
    ".",
}


def check_bank_mapping_in_thousands(value: str) -> BankMappingInThousands:
    if value in BANK_MAPPING_IN_THOUSANDS_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {BANK_MAPPING_IN_THOUSANDS_VALUES!r}"
    )
