from typing import Literal

TransactionsListDeleted = Literal["exclude", "include", "only"]

TRANSACTIONS_LIST_DELETED_VALUES: set[TransactionsListDeleted] = {
    "exclude",
    "include",
    "only",
}


def check_transactions_list_deleted(value: str) -> TransactionsListDeleted:
    if value in TRANSACTIONS_LIST_DELETED_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {TRANSACTIONS_LIST_DELETED_VALUES!r}"
    )
