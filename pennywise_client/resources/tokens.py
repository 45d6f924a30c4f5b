"""``pw.tokens``: your personal API tokens."""

from __future__ import annotations

from pennywise_client._generated.api.api_tokens import (
    api_tokens_create,
    api_tokens_list,
    api_tokens_revoke,
)
from pennywise_client._generated.models import ApiTokenCreate, ApiTokenCreated, ApiTokenRead
from pennywise_client._generated.models.api_token_create_scope import ApiTokenCreateScope
from pennywise_client._generated.types import UNSET, Unset
from pennywise_client._resource import Call, Id, _async, _AsyncResource, _id, _Resource, _sync


class TokenCalls:
    @staticmethod
    def create(
        name: str, *, scope: ApiTokenCreateScope = "read", expires_in_days: int | Unset = UNSET
    ) -> Call[ApiTokenCreated]:
        """A personal API token (``scope`` ``"read"`` or ``"write"``); ``token`` is shown once.

        Not idempotent on the server (it would have to store the secret): never retried
        after a lost answer; list the tokens to find one you did not receive.
        """
        body = ApiTokenCreate(name=name, scope=scope, expires_in_days=expires_in_days)
        return Call(api_tokens_create, {"body": body})

    @staticmethod
    def list() -> Call[list[ApiTokenRead]]:
        """Your API tokens (never the secrets)."""
        return Call(api_tokens_list)

    @staticmethod
    def revoke(token_id: Id) -> Call[None]:
        return Call(api_tokens_revoke, {"token_id": _id(token_id)})


class Tokens(_Resource):
    create = _sync(TokenCalls.create)
    list = _sync(TokenCalls.list)
    revoke = _sync(TokenCalls.revoke)


class AsyncTokens(_AsyncResource):
    create = _async(TokenCalls.create)
    list = _async(TokenCalls.list)
    revoke = _async(TokenCalls.revoke)
