from typing import Literal

BodyImportsRunFormatType0 = Literal[
    "bank-csv",
    "cospend-csv",
    "ihatemoney-csv",
    "ihatemoney-json",
    "pennywise-csv",
    "pennywise-json",
    "spliit-csv",
    "spliit-json",
    "splitwise-csv",
]

BODY_IMPORTS_RUN_FORMAT_TYPE_0_VALUES: set[BodyImportsRunFormatType0] = {
    "bank-csv",
    "cospend-csv",
    "ihatemoney-csv",
    "ihatemoney-json",
    "pennywise-csv",
    "pennywise-json",
    "spliit-csv",
    "spliit-json",
    "splitwise-csv",
}


def check_body_imports_run_format_type_0(value: str) -> BodyImportsRunFormatType0:
    if value in BODY_IMPORTS_RUN_FORMAT_TYPE_0_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {BODY_IMPORTS_RUN_FORMAT_TYPE_0_VALUES!r}"
    )
