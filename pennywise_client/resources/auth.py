"""``pw.auth``: accounts and sessions; ``login`` keeps the tokens on the client."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pennywise_client._generated.api.auth import (
    auth_change_password,
    auth_google,
    auth_logout,
    auth_logout_all,
    auth_refresh,
    auth_register,
    auth_token,
)
from pennywise_client._generated.models import (
    BodyAuthToken,
    GoogleSignIn,
    PasswordChange,
    RefreshTokenIn,
    TokenPair,
    UserCreate,
    UserRead,
)
from pennywise_client._http import Credentials
from pennywise_client._resource import Call, _async, _AsyncResource, _Resource, _sync


def _store_tokens(credentials: Credentials, pair: TokenPair) -> None:
    credentials.token = pair.access_token
    credentials.refresh_token = pair.refresh_token


def _forget_tokens(credentials: Credentials, _result: None) -> None:
    credentials.token = None
    credentials.refresh_token = None


def _refresh_token(given: str | None) -> Callable[[Credentials], dict[str, Any]]:
    def body(credentials: Credentials) -> dict[str, Any]:
        token = given or credentials.refresh_token
        if not token:
            raise ValueError("no refresh token: sign in with auth.login() or pass one")
        return {"body": RefreshTokenIn(refresh_token=token)}

    return body


class AuthCalls:
    @staticmethod
    def register(email: str, password: str, display_name: str) -> Call[UserRead]:
        """Create an account. Does not sign in: call :meth:`login` next."""
        body = UserCreate(email=email, password=password, display_name=display_name)
        return Call(auth_register, {"body": body})

    @staticmethod
    def login(email: str, password: str) -> Call[TokenPair]:
        """Sign in; the client keeps the access and refresh tokens for what follows."""
        body = BodyAuthToken(username=email, password=password, grant_type="password")
        return Call(auth_token, {"body": body}, after=_store_tokens)

    @staticmethod
    def google(id_token: str) -> Call[TokenPair]:
        """Sign in with a Google ID token; the client keeps the tokens."""
        return Call(auth_google, {"body": GoogleSignIn(id_token=id_token)}, after=_store_tokens)

    @staticmethod
    def refresh(refresh_token: str | None = None) -> Call[TokenPair]:
        """Trade the (stored, or given) refresh token for a new pair, and keep it.

        Each refresh token works once: this is never retried after a lost answer.
        """
        return Call(
            auth_refresh, from_credentials=_refresh_token(refresh_token), after=_store_tokens
        )

    @staticmethod
    def logout(refresh_token: str | None = None) -> Call[None]:
        """End this session (the stored, or given, refresh token); the client forgets both."""
        return Call(
            auth_logout, from_credentials=_refresh_token(refresh_token), after=_forget_tokens
        )

    @staticmethod
    def logout_all() -> Call[None]:
        """End every session of the account, on every device (API tokens are kept)."""
        return Call(auth_logout_all, after=_forget_tokens)

    @staticmethod
    def change_password(current_password: str, new_password: str) -> Call[None]:
        """Change the password; every other session ends."""
        body = PasswordChange(current_password=current_password, new_password=new_password)
        return Call(auth_change_password, {"body": body})


class Auth(_Resource):
    """Accounts and sessions: ``login`` keeps the tokens on the client."""

    register = _sync(AuthCalls.register)
    login = _sync(AuthCalls.login)
    google = _sync(AuthCalls.google)
    refresh = _sync(AuthCalls.refresh)
    logout = _sync(AuthCalls.logout)
    logout_all = _sync(AuthCalls.logout_all)
    change_password = _sync(AuthCalls.change_password)


class AsyncAuth(_AsyncResource):
    """Accounts and sessions: ``login`` keeps the tokens on the client."""

    register = _async(AuthCalls.register)
    login = _async(AuthCalls.login)
    google = _async(AuthCalls.google)
    refresh = _async(AuthCalls.refresh)
    logout = _async(AuthCalls.logout)
    logout_all = _async(AuthCalls.logout_all)
    change_password = _async(AuthCalls.change_password)
