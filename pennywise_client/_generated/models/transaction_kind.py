from typing import Literal

TransactionKind = Literal["conversion", "expense", "income", "transfer"]

TRANSACTION_KIND_VALUES: set[TransactionKind] = {
    "conversion",
    "expense",
    "income",
    "transfer",
}


def check_transaction_kind(value: str) -> TransactionKind:
    if value in TRANSACTION_KIND_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {TRANSACTION_KIND_VALUES!r}")
