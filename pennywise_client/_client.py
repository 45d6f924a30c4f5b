"""The clients: :class:`Pennywise` and :class:`AsyncPennywise`, wiring the namespaces.

Each client holds the settings, the credentials, the retrying httpx client and the
generated client over it, and one namespace per noun (``pw.groups``…, from
:mod:`pennywise_client.resources`). A namespace method hands its call description back to
the client: :meth:`Pennywise._run` runs a :class:`~pennywise_client._resource.Call` with the
generated endpoint's ``sync_detailed`` (``asyncio_detailed`` in :class:`AsyncPennywise`),
:meth:`Pennywise._download` streams a :class:`~pennywise_client._files.Download` to disk.
"""

from __future__ import annotations

import os
from typing import Any, Self, TypeVar

import httpx

from pennywise_client._files import Download, Downloaded, _downloaded, destination
from pennywise_client._generated.client import AuthenticatedClient
from pennywise_client._generated.errors import UnexpectedStatus
from pennywise_client._http import (
    AsyncRetryingClient,
    Backoff,
    BearerAuth,
    Credentials,
    RetryingClient,
    RetryPolicy,
    connection_error,
)
from pennywise_client._resource import Call, opened
from pennywise_client.errors import error_for_status
from pennywise_client.resources import (
    Activity,
    AsyncActivity,
    AsyncAuth,
    AsyncBalances,
    AsyncEvents,
    AsyncExports,
    AsyncGroups,
    AsyncImports,
    AsyncInvites,
    AsyncMembers,
    AsyncRates,
    AsyncSettleUp,
    AsyncTokens,
    AsyncTransactions,
    AsyncUsers,
    AsyncWebhooks,
    Auth,
    Balances,
    Events,
    Exports,
    Groups,
    Imports,
    Invites,
    Members,
    Rates,
    SettleUp,
    Tokens,
    Transactions,
    Users,
    Webhooks,
)

T = TypeVar("T")

API_URL_ENV = "PENNYWISE_API_URL"
TOKEN_ENV = "PENNYWISE_TOKEN"  # noqa: S105 - the name of a variable, not a secret
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RETRIES = 2
_API_PREFIX = "/api/v1"


def _user_agent(product: str | None = None) -> str:
    """``pennywise-python/<version>``, after the caller's own ``product/version`` if given."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        ours = f"pennywise-python/{version('pennywise')}"
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        ours = "pennywise-python"
    if product is None:
        return ours
    product = product.strip()
    if not product or not product.isascii() or not product.isprintable():
        raise ValueError(
            "user_agent must be printable ASCII on one line, like 'nightly-sync/1.2', "
            f"not {product!r}"
        )
    return f"{product} {ours}"


def _settings(base_url: str | None, token: str | None) -> tuple[str, str | None]:
    url = base_url or os.environ.get(API_URL_ENV)
    if not url:
        raise ValueError(
            f"no API URL: pass base_url=... or set {API_URL_ENV} (e.g. https://pennywise.example)"
        )
    url = url.rstrip("/")
    # The generated paths start with /api/v1: accept the server root or the API root.
    url = url.removesuffix(_API_PREFIX)
    return url, token or os.environ.get(TOKEN_ENV) or None


# --- the clients ----------------------------------------------------------------------------


class _Base:
    """What both clients share: settings, credentials and the generated client."""

    _credentials: Credentials
    _api: AuthenticatedClient
    base_url: str

    def _setup(
        self, base_url: str | None, token: str | None, user_agent: str | None
    ) -> dict[str, Any]:
        self.base_url, initial_token = _settings(base_url, token)
        self._credentials = Credentials(token=initial_token)
        # The generated client only carries settings (raise_on_unexpected_status) and our
        # httpx client; its own token is unused: BearerAuth sends ours, read at each request.
        self._api = AuthenticatedClient(
            base_url=self.base_url, token="", raise_on_unexpected_status=True
        )
        return {
            "base_url": self.base_url,
            "auth": BearerAuth(self._credentials),
            "headers": {"User-Agent": _user_agent(user_agent), "Accept": "application/json"},
        }

    @property
    def token(self) -> str | None:
        """The bearer token sent with each request (an access token or a personal API token)."""
        return self._credentials.token

    @token.setter
    def token(self, value: str | None) -> None:
        self._credentials.token = value

    @property
    def refresh_token(self) -> str | None:
        """The refresh token from the last ``auth.login()``/``auth.refresh()``, if any."""
        return self._credentials.refresh_token

    @refresh_token.setter
    def refresh_token(self, value: str | None) -> None:
        self._credentials.refresh_token = value

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"


def _unexpected(exc: UnexpectedStatus) -> Exception:
    """A status the OpenAPI document does not list for the operation (e.g. a 200 for a 201)."""
    return error_for_status(exc.status_code, exc.content)


class Pennywise(_Base):
    """The Pennywise API, synchronously: ``pw.groups.create("Trip")``.

    ``base_url``: the server (``PENNYWISE_API_URL`` when not given); ``token``: an access
    token or a personal API token (``PENNYWISE_TOKEN``), or sign in with
    ``pw.auth.login(email, password)``. ``timeout`` in seconds (or an ``httpx.Timeout``);
    ``max_retries`` for connection errors, 429 and 5xx, with ``backoff``; ``transport``: an
    ``httpx`` transport to use instead of the network (tests); ``user_agent``: your
    script's ``name/version``, sent before the SDK's own in ``User-Agent`` so the server's
    logs tell your traffic apart. Close it, or use ``with``.
    """

    def __init__(
        self,
        base_url: str | None = None,
        token: str | None = None,
        *,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        backoff: Backoff | None = None,
        transport: httpx.BaseTransport | None = None,
        user_agent: str | None = None,
    ) -> None:
        options = self._setup(base_url, token, user_agent)
        self._http = RetryingClient(
            policy=RetryPolicy(max_retries=max_retries, backoff=backoff or Backoff()),
            timeout=timeout,
            transport=transport,
            **options,
        )
        self._api.set_httpx_client(self._http)
        self.auth = Auth(self)
        self.users = Users(self)
        self.groups = Groups(self)
        self.members = Members(self)
        self.transactions = Transactions(self)
        self.balances = Balances(self)
        self.rates = Rates(self)
        self.settle_up = SettleUp(self)
        self.activity = Activity(self)
        self.tokens = Tokens(self)
        self.invites = Invites(self)
        self.imports = Imports(self)
        self.exports = Exports(self)
        self.events = Events(self)
        self.webhooks = Webhooks(self)

    def _run(self, call: Call[T]) -> T:
        kwargs = call.arguments(self._credentials)
        try:
            with opened(call) as more:
                response = call.endpoint.sync_detailed(client=self._api, **kwargs, **more)
        except UnexpectedStatus as exc:
            raise _unexpected(exc) from None
        return call.result(response, self._credentials)

    def _download(self, download: Download) -> Downloaded:
        size = 0
        with self._http.stream("GET", download.path, params=download.params) as response:
            with destination(download.to) as (out, path):
                try:
                    for chunk in response.iter_bytes():
                        out.write(chunk)
                        size += len(chunk)
                except httpx.TransportError as exc:
                    raise connection_error(exc) from exc
            return _downloaded(response, size, path)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncPennywise(_Base):
    """The Pennywise API for asyncio: ``await pw.groups.create("Trip")``.

    The same namespaces and methods as :class:`Pennywise`; lists are ``async for``.
    ``transport`` is an ``httpx.AsyncBaseTransport`` (e.g. ``httpx.ASGITransport(app)``).
    Close it with ``await pw.close()``, or use ``async with``.
    """

    def __init__(
        self,
        base_url: str | None = None,
        token: str | None = None,
        *,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        backoff: Backoff | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        user_agent: str | None = None,
    ) -> None:
        options = self._setup(base_url, token, user_agent)
        self._http = AsyncRetryingClient(
            policy=RetryPolicy(max_retries=max_retries, backoff=backoff or Backoff()),
            timeout=timeout,
            transport=transport,
            **options,
        )
        self._api.set_async_httpx_client(self._http)
        self.auth = AsyncAuth(self)
        self.users = AsyncUsers(self)
        self.groups = AsyncGroups(self)
        self.members = AsyncMembers(self)
        self.transactions = AsyncTransactions(self)
        self.balances = AsyncBalances(self)
        self.rates = AsyncRates(self)
        self.settle_up = AsyncSettleUp(self)
        self.activity = AsyncActivity(self)
        self.tokens = AsyncTokens(self)
        self.invites = AsyncInvites(self)
        self.imports = AsyncImports(self)
        self.exports = AsyncExports(self)
        self.events = AsyncEvents(self)
        self.webhooks = AsyncWebhooks(self)

    async def _run(self, call: Call[T]) -> T:
        kwargs = call.arguments(self._credentials)
        try:
            with opened(call) as more:
                response = await call.endpoint.asyncio_detailed(client=self._api, **kwargs, **more)
        except UnexpectedStatus as exc:
            raise _unexpected(exc) from None
        return call.result(response, self._credentials)

    async def _download(self, download: Download) -> Downloaded:
        size = 0
        async with self._http.stream("GET", download.path, params=download.params) as response:
            with destination(download.to) as (out, path):
                try:
                    async for chunk in response.aiter_bytes():
                        out.write(chunk)
                        size += len(chunk)
                except httpx.TransportError as exc:
                    raise connection_error(exc) from exc
            return _downloaded(response, size, path)

    async def close(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
