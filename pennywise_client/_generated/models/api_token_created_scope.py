from typing import Literal

ApiTokenCreatedScope = Literal["read", "write"]

API_TOKEN_CREATED_SCOPE_VALUES: set[ApiTokenCreatedScope] = {
    "read",
    "write",
}


def check_api_token_created_scope(value: str) -> ApiTokenCreatedScope:
    if value in API_TOKEN_CREATED_SCOPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {API_TOKEN_CREATED_SCOPE_VALUES!r}"
    )
