"""The facade: :class:`Pennywise` and :class:`AsyncPennywise`, and their resource namespaces.

Each namespace method is a :mod:`pennywise_client._calls` function wrapped by
:func:`_sync` / :func:`_async` (or :func:`_sync_list` / :func:`_async_list`): the signature
and docstring are the call's, the body runs it through the client. So the sync and async
namespaces are two lists of the same names and cannot disagree.
"""

from __future__ import annotations

import functools
import os
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from typing import Any, Concatenate, Generic, ParamSpec, Self, TypeVar

import httpx

from pennywise_client._calls import (
    ActivityCalls,
    AuthCalls,
    BalanceCalls,
    Call,
    Download,
    Downloaded,
    ExportCalls,
    GroupCalls,
    ImportCalls,
    InviteCalls,
    MemberCalls,
    Page,
    Paged,
    SettleUpCalls,
    TokenCalls,
    TransactionCalls,
    UserCalls,
    destination,
    opened,
    suggested_filename,
)
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
from pennywise_client.errors import error_for_status

P = ParamSpec("P")
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


# --- lists across pages ---------------------------------------------------------------------


class Pager(Generic[T]):
    """Every item of a paginated list, fetching the next page when the last is used up.

    Lazy: nothing is requested before iterating. ``pages()`` yields the page objects;
    ``page(cursor)`` fetches one, for a caller that keeps the cursor itself (a UI's "more").
    """

    def __init__(self, client: Pennywise, paged: Paged[T]) -> None:
        self._client = client
        self._paged = paged

    def page(self, cursor: str | None = None) -> Page[T]:
        """The page at ``cursor`` (a page's ``next_cursor``; None for the first)."""
        return self._client._run(self._paged.page(cursor))

    def pages(self) -> Iterator[Page[T]]:
        cursor: str | None = None
        while True:
            page = self.page(cursor)
            yield page
            cursor = page.next_cursor
            if not cursor:
                return

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from page.items


class AsyncPager(Generic[T]):
    """The ``async for`` twin of :class:`Pager`."""

    def __init__(self, client: AsyncPennywise, paged: Paged[T]) -> None:
        self._client = client
        self._paged = paged

    async def page(self, cursor: str | None = None) -> Page[T]:
        """The page at ``cursor`` (a page's ``next_cursor``; None for the first)."""
        return await self._client._run(self._paged.page(cursor))

    async def pages(self) -> AsyncIterator[Page[T]]:
        cursor: str | None = None
        while True:
            page = await self.page(cursor)
            yield page
            cursor = page.next_cursor
            if not cursor:
                return

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page.items:
                yield item


# --- turning calls into methods -------------------------------------------------------------


class _Resource:
    def __init__(self, client: Pennywise) -> None:
        self._client = client


class _AsyncResource:
    def __init__(self, client: AsyncPennywise) -> None:
        self._client = client


def _sync(spec: Callable[P, Call[T]]) -> Callable[Concatenate[_Resource, P], T]:
    @functools.wraps(spec)
    def method(self: _Resource, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return self._client._run(spec(*args, **kwargs))

    return method


def _async(
    spec: Callable[P, Call[T]],
) -> Callable[Concatenate[_AsyncResource, P], Coroutine[Any, Any, T]]:
    @functools.wraps(spec)
    async def method(self: _AsyncResource, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return await self._client._run(spec(*args, **kwargs))

    return method


def _sync_list(spec: Callable[P, Paged[T]]) -> Callable[Concatenate[_Resource, P], Pager[T]]:
    @functools.wraps(spec)
    def method(self: _Resource, /, *args: P.args, **kwargs: P.kwargs) -> Pager[T]:
        return Pager(self._client, spec(*args, **kwargs))

    return method


def _async_list(
    spec: Callable[P, Paged[T]],
) -> Callable[Concatenate[_AsyncResource, P], AsyncPager[T]]:
    @functools.wraps(spec)
    def method(self: _AsyncResource, /, *args: P.args, **kwargs: P.kwargs) -> AsyncPager[T]:
        return AsyncPager(self._client, spec(*args, **kwargs))

    return method


def _sync_download(spec: Callable[P, Download]) -> Callable[Concatenate[_Resource, P], Downloaded]:
    @functools.wraps(spec)
    def method(self: _Resource, /, *args: P.args, **kwargs: P.kwargs) -> Downloaded:
        return self._client._download(spec(*args, **kwargs))

    return method


def _async_download(
    spec: Callable[P, Download],
) -> Callable[Concatenate[_AsyncResource, P], Coroutine[Any, Any, Downloaded]]:
    @functools.wraps(spec)
    async def method(self: _AsyncResource, /, *args: P.args, **kwargs: P.kwargs) -> Downloaded:
        return await self._client._download(spec(*args, **kwargs))

    return method


def _downloaded(response: httpx.Response, size: int, path: Any) -> Downloaded:
    return Downloaded(
        size=size,
        media_type=response.headers.get("content-type", ""),
        filename=suggested_filename(response.headers.get("content-disposition")),
        path=path,
    )


# --- the namespaces -------------------------------------------------------------------------


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


class Users(_Resource):
    me = _sync(UserCalls.me)
    update_me = _sync(UserCalls.update_me)
    summary = _sync(UserCalls.summary)


class AsyncUsers(_AsyncResource):
    me = _async(UserCalls.me)
    update_me = _async(UserCalls.update_me)
    summary = _async(UserCalls.summary)


class Groups(_Resource):
    create = _sync(GroupCalls.create)
    list = _sync(GroupCalls.list)
    get = _sync(GroupCalls.get)
    update = _sync(GroupCalls.update)
    archive = _sync(GroupCalls.archive)
    unarchive = _sync(GroupCalls.unarchive)
    delete = _sync(GroupCalls.delete)


class AsyncGroups(_AsyncResource):
    create = _async(GroupCalls.create)
    list = _async(GroupCalls.list)
    get = _async(GroupCalls.get)
    update = _async(GroupCalls.update)
    archive = _async(GroupCalls.archive)
    unarchive = _async(GroupCalls.unarchive)
    delete = _async(GroupCalls.delete)


class Members(_Resource):
    add = _sync(MemberCalls.add)
    list = _sync(MemberCalls.list)
    get = _sync(MemberCalls.get)
    update = _sync(MemberCalls.update)
    remove = _sync(MemberCalls.remove)


class AsyncMembers(_AsyncResource):
    add = _async(MemberCalls.add)
    list = _async(MemberCalls.list)
    get = _async(MemberCalls.get)
    update = _async(MemberCalls.update)
    remove = _async(MemberCalls.remove)


class Transactions(_Resource):
    create = _sync(TransactionCalls.create)
    list = _sync_list(TransactionCalls.list)
    get = _sync(TransactionCalls.get)
    update = _sync(TransactionCalls.update)
    delete = _sync(TransactionCalls.delete)
    restore = _sync(TransactionCalls.restore)


class AsyncTransactions(_AsyncResource):
    create = _async(TransactionCalls.create)
    list = _async_list(TransactionCalls.list)
    get = _async(TransactionCalls.get)
    update = _async(TransactionCalls.update)
    delete = _async(TransactionCalls.delete)
    restore = _async(TransactionCalls.restore)


class Balances(_Resource):
    get = _sync(BalanceCalls.get)
    verify = _sync(BalanceCalls.verify)


class AsyncBalances(_AsyncResource):
    get = _async(BalanceCalls.get)
    verify = _async(BalanceCalls.verify)


class SettleUp(_Resource):
    get = _sync(SettleUpCalls.get)
    suggest = get  # the older name
    record = _sync(SettleUpCalls.record)


class AsyncSettleUp(_AsyncResource):
    get = _async(SettleUpCalls.get)
    suggest = get  # the older name
    record = _async(SettleUpCalls.record)


class Activity(_Resource):
    list = _sync_list(ActivityCalls.list)


class AsyncActivity(_AsyncResource):
    list = _async_list(ActivityCalls.list)


class Tokens(_Resource):
    create = _sync(TokenCalls.create)
    list = _sync(TokenCalls.list)
    revoke = _sync(TokenCalls.revoke)


class AsyncTokens(_AsyncResource):
    create = _async(TokenCalls.create)
    list = _async(TokenCalls.list)
    revoke = _async(TokenCalls.revoke)


class Invites(_Resource):
    create = _sync(InviteCalls.create)
    accept = _sync(InviteCalls.accept)
    received = _sync(InviteCalls.received)
    accept_received = _sync(InviteCalls.accept_received)
    decline = _sync(InviteCalls.decline)


class AsyncInvites(_AsyncResource):
    create = _async(InviteCalls.create)
    accept = _async(InviteCalls.accept)
    received = _async(InviteCalls.received)
    accept_received = _async(InviteCalls.accept_received)
    decline = _async(InviteCalls.decline)


class Imports(_Resource):
    run = _sync(ImportCalls.run)


class AsyncImports(_AsyncResource):
    run = _async(ImportCalls.run)


class Exports(_Resource):
    download = _sync_download(ExportCalls.download)


class AsyncExports(_AsyncResource):
    download = _async_download(ExportCalls.download)


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
        self.settle_up = SettleUp(self)
        self.activity = Activity(self)
        self.tokens = Tokens(self)
        self.invites = Invites(self)
        self.imports = Imports(self)
        self.exports = Exports(self)

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
        with self._http.stream(**download.request) as response:
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
        self.settle_up = AsyncSettleUp(self)
        self.activity = AsyncActivity(self)
        self.tokens = AsyncTokens(self)
        self.invites = AsyncInvites(self)
        self.imports = AsyncImports(self)
        self.exports = AsyncExports(self)

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
        async with self._http.stream(**download.request) as response:
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
