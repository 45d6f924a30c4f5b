from typing import Literal

ApiTokenReadScope = Literal["read", "write"]

API_TOKEN_READ_SCOPE_VALUES: set[ApiTokenReadScope] = {
    "read",
    "write",
}


def check_api_token_read_scope(value: str) -> ApiTokenReadScope:
    if value in API_TOKEN_READ_SCOPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {API_TOKEN_READ_SCOPE_VALUES!r}")
