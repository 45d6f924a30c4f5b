"""Remote mode: the HTTP API under ``/api/v1``.

The seam: :class:`RemoteBackend` implements :class:`~pennywise_cli.backends.Backend` with
one method per API route, each a single call through :class:`Http`. Today ``Http`` is raw
httpx; when ``pennywise_client`` (generated from ``openapi.json``, with its facade) lands,
each method body becomes one facade call (``pw.groups.create(...)``) and ``Http`` goes
away; nothing above this module changes. Error translation (problem+json to
:class:`~pennywise_cli.errors.ApiError`), the bearer token and its refresh live here too.

Credentials, in order: ``PENNYWISE_TOKEN`` (an access token or a personal API token), then
what ``pennywise login`` stored for this server in ``$PENNYWISE_HOME/credentials.json``; an
expired access token is refreshed with the stored refresh token, and the new pair stored.

Tests serve the API in-process by replacing :func:`make_transport`.
"""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from types import TracebackType
from typing import Any, Literal

import httpx

from pennywise_cli import config
from pennywise_cli.errors import ApiError, NotSignedInError, UnreachableError

JSON = dict[str, Any]
API_PREFIX = "/api/v1"
TIMEOUT_SECONDS = 30.0
_EXPIRY_MARGIN_SECONDS = 30


def make_transport() -> httpx.AsyncBaseTransport | None:
    """The transport under every HTTP client of the CLI; None is httpx's own (the network).

    The one hook for tests: return ``httpx.ASGITransport(app=...)`` to run the API
    in-process.
    """
    return None


def _problem(response: httpx.Response) -> ApiError:
    """An RFC 9457 problem response (or any error response) as an :class:`ApiError`."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        body = {}
    errors = [
        (e.get("loc") or [], str(e.get("msg", "")))
        for e in body.get("errors") or []
        if isinstance(e, dict)
    ]
    return ApiError(
        status=response.status_code,
        slug=str(body.get("type", "")).rsplit("/", 1)[-1],
        detail=str(body.get("detail") or f"{response.status_code} {response.reason_phrase}"),
        errors=errors,
        request_id=body.get("request_id") or response.headers.get("X-Request-ID"),
        current_version=body.get("current_version"),
    )


class Http:
    """httpx with the API's conventions: base URL, bearer token and refresh, problems."""

    def __init__(self, api_url: str) -> None:
        from pennywise_cli import __version__

        self.api_url = config.normalize_api_url(api_url)
        self._client = httpx.AsyncClient(
            base_url=self.api_url + API_PREFIX,
            transport=make_transport(),
            timeout=TIMEOUT_SECONDS,
            headers={"User-Agent": f"pennywise-cli/{__version__}"},
        )
        self._env_token = os.environ.get("PENNYWISE_TOKEN") or None
        self._stored: dict[str, Any] | None = None

    async def aclose(self) -> None:
        await self._client.aclose()

    # --- credentials ----------------------------------------------------------------------

    def _not_signed_in(self, why: str = "not signed in to") -> NotSignedInError:
        return NotSignedInError(
            f"{why} {self.api_url}: run `pennywise login` (or set PENNYWISE_TOKEN)"
        )

    async def _bearer(self) -> str:
        if self._env_token:
            return self._env_token
        if self._stored is None:
            self._stored = config.load_credentials(self.api_url)
        if not self._stored or not self._stored.get("access_token"):
            raise self._not_signed_in()
        expires_at = self._stored.get("expires_at")
        if expires_at is not None and time.time() > float(expires_at) - _EXPIRY_MARGIN_SECONDS:
            await self._refresh()
        return str(self._stored["access_token"])

    async def _refresh(self) -> None:
        refresh_token = (self._stored or {}).get("refresh_token")
        if not refresh_token:
            raise self._not_signed_in("your session has ended at")
        pair = await self.send(
            "POST", "/auth/refresh", json={"refresh_token": refresh_token}, auth=False
        )
        self.store_session(pair, user=(self._stored or {}).get("user"))

    def store_session(self, pair: JSON, *, user: JSON | None) -> None:
        """Keep a token pair (from sign-in or refresh) in the credentials file, mode 0600."""
        self._stored = {
            "access_token": pair["access_token"],
            "refresh_token": pair["refresh_token"],
            "expires_at": int(time.time()) + int(pair.get("expires_in", 0)),
            "user": user,
        }
        config.save_credentials(self.api_url, self._stored)

    @property
    def stored(self) -> dict[str, Any] | None:
        if self._stored is None:
            self._stored = config.load_credentials(self.api_url)
        return self._stored

    # --- requests -------------------------------------------------------------------------

    async def send(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: dict[str, Any] | None = None,
        data: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        auth: bool = True,
        bearer: str | None = None,
    ) -> Any:
        """One request; the decoded JSON body (None for 204), or :class:`ApiError`."""
        params = {k: v for k, v in (params or {}).items() if v is not None}
        response = await self._send_once(method, path, json, params, data, headers, auth, bearer)
        if (
            response.status_code == 401
            and auth
            and bearer is None
            and not self._env_token
            and (self.stored or {}).get("refresh_token")
        ):
            await self._refresh()  # the access token expired early or was revoked
            response = await self._send_once(
                method, path, json, params, data, headers, auth, bearer
            )
        if response.status_code >= 400:
            error = _problem(response)
            if error.status == 401 and auth and not self._env_token:
                raise self._not_signed_in("your session has ended at") from None
            raise error
        if response.status_code == 204 or not response.content:
            return None
        return response.json()

    async def _send_once(
        self,
        method: str,
        path: str,
        json: Any,
        params: dict[str, Any],
        data: dict[str, str] | None,
        headers: dict[str, str] | None,
        auth: bool,
        bearer: str | None,
    ) -> httpx.Response:
        all_headers = dict(headers or {})
        if auth:
            all_headers["Authorization"] = f"Bearer {bearer or await self._bearer()}"
        if method == "POST" and json is not None:
            # Creating POSTs are safe to retry with the same key (the API replays).
            all_headers.setdefault("Idempotency-Key", str(uuid.uuid4()))
        try:
            return await self._client.request(
                method, path, json=json, params=params, data=data, headers=all_headers
            )
        except httpx.TransportError as exc:
            raise UnreachableError(
                f"cannot reach the Pennywise API at {self.api_url}: {exc or type(exc).__name__}"
            ) from exc


def _if_match(expected_version: int | None) -> dict[str, str]:
    return {} if expected_version is None else {"If-Match": f'"{expected_version}"'}


class RemoteBackend:
    mode: Literal["remote"] = "remote"

    def __init__(self, api_url: str) -> None:
        self.http = Http(api_url)

    async def __aenter__(self) -> RemoteBackend:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.http.aclose()

    async def whoami(self) -> JSON:
        return await self.http.send("GET", "/users/me")

    # --- groups ---------------------------------------------------------------------------

    async def list_groups(self, *, include_archived: bool = True) -> list[JSON]:
        return await self.http.send(
            "GET", "/groups", params={"include_archived": str(include_archived).lower()}
        )

    async def get_group(self, group_id: str) -> JSON:
        return await self.http.send("GET", f"/groups/{group_id}")

    async def create_group(self, body: JSON) -> JSON:
        return await self.http.send("POST", "/groups", json=body)

    async def update_group(
        self, group_id: str, changes: JSON, *, expected_version: int | None = None
    ) -> JSON:
        return await self.http.send(
            "PATCH", f"/groups/{group_id}", json=changes, headers=_if_match(expected_version)
        )

    # --- members --------------------------------------------------------------------------

    async def list_members(self, group_id: str) -> list[JSON]:
        return await self.http.send("GET", f"/groups/{group_id}/members")

    async def add_member(self, group_id: str, body: JSON) -> JSON:
        return await self.http.send("POST", f"/groups/{group_id}/members", json=body)

    async def update_member(self, group_id: str, member_id: str, changes: JSON) -> JSON:
        return await self.http.send(
            "PATCH", f"/groups/{group_id}/members/{member_id}", json=changes
        )

    async def remove_member(self, group_id: str, member_id: str) -> None:
        await self.http.send("DELETE", f"/groups/{group_id}/members/{member_id}")

    # --- transactions ---------------------------------------------------------------------

    async def create_transaction(self, body: JSON) -> JSON:
        return await self.http.send("POST", "/transactions", json=body)

    async def get_transaction(self, transaction_id: str) -> JSON:
        return await self.http.send("GET", f"/transactions/{transaction_id}")

    async def list_transactions(
        self, filters: JSON, *, limit: int = 50, cursor: str | None = None
    ) -> JSON:
        return await self.http.send(
            "GET", "/transactions", params={**filters, "limit": limit, "cursor": cursor}
        )

    async def update_transaction(
        self, transaction_id: str, changes: JSON, *, expected_version: int | None = None
    ) -> JSON:
        return await self.http.send(
            "PATCH",
            f"/transactions/{transaction_id}",
            json=changes,
            headers=_if_match(expected_version),
        )

    async def delete_transaction(
        self, transaction_id: str, *, expected_version: int | None = None
    ) -> JSON:
        return await self.http.send(
            "DELETE", f"/transactions/{transaction_id}", headers=_if_match(expected_version)
        )

    async def restore_transaction(
        self, transaction_id: str, *, expected_version: int | None = None
    ) -> JSON:
        return await self.http.send(
            "POST",
            f"/transactions/{transaction_id}/restore",
            headers=_if_match(expected_version),
        )

    # --- balances, settle-up, activity, report --------------------------------------------

    async def balances(self, group_id: str, *, currency: str | None = None) -> list[JSON]:
        return await self.http.send(
            "GET", f"/groups/{group_id}/balances", params={"currency": currency}
        )

    async def verify_balances(self, group_id: str, *, repair: bool = False) -> JSON:
        if repair:
            from pennywise_cli.errors import WrongModeError

            raise WrongModeError(
                "the API cannot repair balances; run `pennywise db verify --repair` where the "
                "database is (local mode, PENNYWISE_DATABASE_URL pointing at it)"
            )
        return await self.http.send("GET", f"/groups/{group_id}/balances/verify")

    async def suggest_settlement(self, group_id: str, *, currency: str | None = None) -> JSON:
        return await self.http.send(
            "GET", f"/groups/{group_id}/settle-up", params={"currency": currency}
        )

    async def record_settlement(
        self, group_id: str, *, currency: str | None = None, date: str | None = None
    ) -> list[JSON]:
        body = {k: v for k, v in {"currency": currency, "date": date}.items() if v is not None}
        return await self.http.send("POST", f"/groups/{group_id}/settle-up", json=body)

    async def activity(self, group_id: str, *, limit: int = 50, cursor: str | None = None) -> JSON:
        return await self.http.send(
            "GET", f"/groups/{group_id}/activity", params={"limit": limit, "cursor": cursor}
        )

    async def spending(self, *, by: Literal["month", "category"]) -> JSON:
        return await self.http.send("GET", "/users/me/summary", params={"by": by})

    # --- remote only: sessions and API tokens ---------------------------------------------

    async def login(self, email: str, password: str) -> JSON:
        """Sign in with a password; the tokens are stored for this server. Returns the user."""
        pair = await self.http.send(
            "POST", "/auth/token", data={"username": email, "password": password}, auth=False
        )
        user = await self.http.send("GET", "/users/me", bearer=pair["access_token"])
        self.http.store_session(pair, user=user)
        return user

    async def logout(self) -> bool:
        """End the stored session on the server (best effort) and forget it here."""
        stored = self.http.stored
        if stored and stored.get("refresh_token"):
            # Best effort: the local copy goes anyway, and the refresh token expires on its own.
            with contextlib.suppress(ApiError, UnreachableError):
                await self.http.send(
                    "POST",
                    "/auth/logout",
                    json={"refresh_token": stored["refresh_token"]},
                    auth=False,
                )
        return config.delete_credentials(self.http.api_url)

    async def create_api_token(self, body: JSON) -> JSON:
        return await self.http.send("POST", "/auth/api-tokens", json=body)

    async def list_api_tokens(self) -> list[JSON]:
        return await self.http.send("GET", "/auth/api-tokens")

    async def revoke_api_token(self, token_id: str) -> None:
        await self.http.send("DELETE", f"/auth/api-tokens/{token_id}")
