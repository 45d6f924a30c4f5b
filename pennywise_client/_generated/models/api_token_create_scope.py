from typing import Literal

ApiTokenCreateScope = Literal["read", "write"]

API_TOKEN_CREATE_SCOPE_VALUES: set[ApiTokenCreateScope] = {
    "read",
    "write",
}


def check_api_token_create_scope(value: str) -> ApiTokenCreateScope:
    if value in API_TOKEN_CREATE_SCOPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {API_TOKEN_CREATE_SCOPE_VALUES!r}"
    )
