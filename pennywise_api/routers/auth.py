"""``/auth``: accounts, sign-in (password or Google), token refresh, sign-out.

Responses that carry tokens are ``Cache-Control: no-store``. Failed sign-ins are
throttled per account and per client address (429 with ``Retry-After``); the answer to a
wrong password and to an unknown email is the same.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.security import OAuth2PasswordRequestForm

from pennywise_api.deps import GoogleCertsTransport, SessionDep, WriteUser
from pennywise_api.responses import headers, problem_responses
from pennywise_api.schemas import GoogleSignIn, RefreshTokenIn
from pennywise_core.auth_schemas import (
    PASSWORD_INPUT_MAX_LENGTH,
    PasswordChange,
    SignInName,
    TokenPair,
)
from pennywise_core.schemas import UserCreate, UserRead
from pennywise_core.services import auth

router = APIRouter(prefix="/auth", tags=["auth"])

_NO_STORE: dict[int | str, dict[str, Any]] = {200: headers("Cache-Control")}


def _no_store(response: Response) -> None:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"


class PasswordGrant(OAuth2PasswordRequestForm):
    """The OAuth2 password grant's form, with the email and the password capped in length
    and the email clean text (422 naming the field, before any lookup or hashing)."""

    def __init__(
        self,
        *,
        grant_type: Annotated[str | None, Form(pattern="^password$")] = None,
        username: Annotated[SignInName, Form()],
        password: Annotated[
            str,
            Form(
                min_length=1,
                max_length=PASSWORD_INPUT_MAX_LENGTH,
                json_schema_extra={"format": "password"},
            ),
        ],
        scope: Annotated[str, Form()] = "",
        client_id: Annotated[str | None, Form()] = None,
        client_secret: Annotated[str | None, Form(json_schema_extra={"format": "password"})] = None,
    ) -> None:
        super().__init__(
            grant_type=grant_type,
            username=username,
            password=password,
            scope=scope,
            client_id=client_id,
            client_secret=client_secret,
        )


@router.post("/register", status_code=201, responses=problem_responses(409, 413, 422))
async def register(data: UserCreate, session: SessionDep) -> UserRead:
    """Create an account with an email and a password (8 to 128 characters, not a common one)."""
    return UserRead.model_validate(await auth.register(session, data))


@router.post("/token", responses={**_NO_STORE, **problem_responses(401, 413, 422, 429)})
async def token(
    form: Annotated[PasswordGrant, Depends()],
    request: Request,
    session: SessionDep,
    response: Response,
) -> TokenPair:
    """Sign in (OAuth2 password grant; `username` is the email): an access and a refresh token."""
    _no_store(response)
    return await auth.login(
        session,
        email=form.username,
        password=form.password,
        # The peer, or the client a trusted proxy names (``pennywise serve
        # --forwarded-allow-ips``); the core parses it and counts a non-address as one client.
        client_address=request.client.host if request.client else None,
    )


@router.post("/refresh", responses={**_NO_STORE, **problem_responses(401, 413, 422)})
async def refresh(data: RefreshTokenIn, session: SessionDep, response: Response) -> TokenPair:
    """Trade a refresh token for a new pair. Each refresh token works once: reusing one ends
    every session that descends from the same sign-in."""
    _no_store(response)
    return await auth.refresh(session, data.refresh_token)


@router.post("/logout", status_code=204, responses=problem_responses(413, 422))
async def logout(data: RefreshTokenIn, session: SessionDep) -> None:
    """End the session of this refresh token (its access tokens expire on their own)."""
    await auth.logout(session, data.refresh_token)


@router.post("/logout-all", status_code=204, responses=problem_responses(401, 403))
async def logout_all(session: SessionDep, user: WriteUser) -> None:
    """End every session of your account, on every device (API tokens are kept)."""
    await auth.logout_all(session, user)


@router.post(
    "/password",
    name="change_password",
    status_code=204,
    responses=problem_responses(401, 403, 413, 422, 429),
)
async def change_password(data: PasswordChange, session: SessionDep, user: WriteUser) -> None:
    """Change your password; every other session ends."""
    await auth.change_password(
        session, user, current_password=data.current_password, new_password=data.new_password
    )


@router.post("/google", responses={**_NO_STORE, **problem_responses(401, 409, 413, 422)})
async def google(
    data: GoogleSignIn, session: SessionDep, transport: GoogleCertsTransport, response: Response
) -> TokenPair:
    """Sign in with a Google ID token; the first sign-in creates the account."""
    _no_store(response)
    return await auth.google_login(session, data.id_token, request=transport)
