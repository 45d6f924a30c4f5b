"""``/auth/api-tokens``: personal tokens for scripts, read or write, expiring, revocable."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from pennywise_api.deps import CurrentPrincipal, ReadUser, SessionDep, WriteUser
from pennywise_api.responses import headers, problem_responses
from pennywise_core.auth_schemas import ApiTokenCreate, ApiTokenCreated, ApiTokenRead
from pennywise_core.services import auth

router = APIRouter(prefix="/auth/api-tokens", tags=["api-tokens"])


@router.post(
    "",
    status_code=201,
    responses={201: headers("Cache-Control"), **problem_responses(401, 403, 409, 413, 422)},
)
async def create(
    data: ApiTokenCreate, session: SessionDep, principal: CurrentPrincipal, response: Response
) -> ApiTokenCreated:
    """Create a token; `token` is shown in this response only. Needs a signed-in session
    (an access token): an API token cannot create more (403).

    `Idempotency-Key` is ignored here: replaying the response would mean storing the token
    in clear. A retried request makes another token; list your tokens and revoke the one
    you did not receive.
    """
    response.headers["Cache-Control"] = "no-store"
    return await auth.create_api_token(session, principal, data)


@router.get("", name="list", responses=problem_responses(401))
async def list_tokens(session: SessionDep, user: ReadUser) -> list[ApiTokenRead]:
    """Your API tokens (never the tokens themselves)."""
    return await auth.list_api_tokens(session, user)


@router.delete(
    "/{token_id}", name="revoke", status_code=204, responses=problem_responses(401, 403, 404, 422)
)
async def revoke(token_id: uuid.UUID, session: SessionDep, user: WriteUser) -> None:
    """Revoke a token: it stops working at once."""
    await auth.revoke_api_token(session, user, token_id)
