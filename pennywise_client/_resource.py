"""What every resource module shares: the call descriptions, the argument conversions, the
namespace bases and the wrappers that turn one call into a sync and an async method.

A resource (``pennywise_client/resources/<noun>.py``) writes each of its methods once, as a
function that checks and converts its arguments and returns a :class:`Call` (or a
:class:`Paged` for lists across pages, a :class:`~pennywise_client._files.Download` for a
streamed download): which generated endpoint module to call with which keyword arguments,
and what to do with the result. Its two namespaces wrap the same functions with
:func:`_sync` and :func:`_async` (:func:`_sync_list`/:func:`_async_list`,
:func:`_sync_download`/:func:`_async_download`): the signature and docstring are the
function's, the body runs it through the client, the endpoint's ``sync_detailed`` in
:class:`~pennywise_client.Pennywise` and ``asyncio_detailed`` in
:class:`~pennywise_client.AsyncPennywise`. So the twins are two lists of the same names and
cannot disagree, and the generated code cannot drift from ``openapi.json``.

Arguments are plain Python values: ids as ``UUID`` or ``str``; amounts, shares, percents
and weights as decimal strings (``"12.50"``), ``Decimal`` or ``int``, never ``float``
(refused with ``TypeError``: a float cannot say 0.10); dates as ``datetime.date`` or ISO
strings; nested inputs (``split``, ``paid_by``) as the generated models or as dicts of the
API's JSON shape. Optional fields left out are not sent (the generated ``UNSET``); passing
``None`` sends ``null`` (on an update: clear that field).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import inspect
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from types import ModuleType
from typing import TYPE_CHECKING, Any, Concatenate, Generic, ParamSpec, Protocol, TypeVar, cast

from pennywise_client._files import Download, Downloaded
from pennywise_client._generated.models import PayerIn, SplitIn
from pennywise_client._generated.types import UNSET, Unset
from pennywise_client._http import Credentials

if TYPE_CHECKING:
    from pennywise_client._client import AsyncPennywise, Pennywise

P = ParamSpec("P")
T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
F = TypeVar("F", bound=Callable[..., Any])

Id = uuid.UUID | str
Amount = str | Decimal | int
DateLike = dt.date | str
SplitArg = SplitIn | Mapping[str, Any]
PayersArg = Sequence[PayerIn | Mapping[str, Any]] | Mapping[Id, Amount | None]

DEFAULT_PAGE_SIZE = 100


# --- what a method returns ------------------------------------------------------------------


def _parsed(response: Any) -> Any:
    return response.parsed


@dataclass(frozen=True)
class Call(Generic[T]):
    """One request: ``endpoint.sync_detailed(client=..., **kwargs)`` (or ``asyncio_detailed``).

    ``from_credentials`` adds arguments read when the call runs (the stored refresh token);
    ``after`` sees the result first (``login`` stores the tokens). An endpoint that takes
    ``idempotency_key`` gets a fresh one unless the caller gave one: one key per call,
    reused by every retry of it.
    """

    endpoint: ModuleType
    kwargs: dict[str, Any] = field(default_factory=dict)
    from_credentials: Callable[[Credentials], dict[str, Any]] | None = None
    after: Callable[[Credentials, T], None] | None = None
    opens: Callable[[], contextlib.AbstractContextManager[dict[str, Any]]] | None = None
    """Arguments that hold something open while the call runs (a file to upload): entered
    by the client around the request, and closed after it, whatever happens."""

    def arguments(self, credentials: Credentials) -> dict[str, Any]:
        kwargs = dict(self.kwargs)
        if self.from_credentials is not None:
            kwargs.update(self.from_credentials(credentials))
        key = kwargs.pop("idempotency_key", None)
        if _takes_idempotency_key(self.endpoint):
            kwargs["idempotency_key"] = key or str(uuid.uuid4())
        elif key is not None:
            raise TypeError(f"{self.endpoint.__name__} takes no Idempotency-Key")
        return kwargs

    def result(self, response: Any, credentials: Credentials) -> T:
        value = cast(T, _parsed(response))
        if self.after is not None:
            self.after(credentials, value)
        return value


@functools.cache
def _takes_idempotency_key(endpoint: ModuleType) -> bool:
    """Whether the API declares ``Idempotency-Key`` on this operation (per openapi.json)."""
    return "idempotency_key" in inspect.signature(endpoint.sync_detailed).parameters


@contextlib.contextmanager
def _nothing_opened() -> Iterator[dict[str, Any]]:
    yield {}


def opened(call: Call[Any]) -> contextlib.AbstractContextManager[dict[str, Any]]:
    """What ``call.opens`` opens, or nothing."""
    return call.opens() if call.opens is not None else _nothing_opened()


class Page(Protocol[T_co]):
    """A generated page model: ``items`` and the ``next_cursor`` to ask for the next one."""

    @property
    def items(self) -> Sequence[T_co]: ...

    @property
    def next_cursor(self) -> str | None: ...


@dataclass(frozen=True)
class Paged(Generic[T]):
    """A list the API serves a page at a time: ``page(cursor)`` is the call for one page."""

    page: Callable[[str | None], Call[Page[T]]]


# --- argument conversions -------------------------------------------------------------------


def _renamed(value: T | None, old: T | None, name: str, old_name: str) -> T | None:
    """An argument given by its name or by its older one (kept as an alias), not both."""
    if old is None:
        return value
    if value is not None and value != old:
        raise TypeError(f"give {name}= or {old_name}= (its older name), not both")
    return old


def _or(value: T | None) -> T | Unset:
    """``None`` (not given) as the generated ``UNSET`` (not sent)."""
    return UNSET if value is None else value


def _id(value: Id) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _opt_id(value: Id | None) -> uuid.UUID | Unset:
    return UNSET if value is None else _id(value)


def decimal_string(value: Amount, name: str = "amount") -> str:
    """A decimal string for the API: ``"12.50"``; floats are refused."""
    if isinstance(value, bool | float):
        raise TypeError(
            f"{name} must be a decimal string, a Decimal or an int, not {type(value).__name__} "
            f"(a float cannot hold 0.10 exactly): pass '{value}' or Decimal('{value}')"
        )
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int | str):
        return str(value)
    raise TypeError(f"{name} must be a decimal string, not {type(value).__name__}")


def _opt_decimal(value: Amount | Unset | None, name: str) -> str | Unset | None:
    if value is None or isinstance(value, Unset):
        return value
    return decimal_string(value, name)


def _date(value: DateLike | Unset | None) -> dt.date | Unset | None:
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


def _json(value: Any, name: str) -> Any:
    """A dict/list input as JSON: ids and dates as strings, numbers as decimal strings."""
    if isinstance(value, Mapping):
        return {str(k): _json(v, f"{name}.{k}") for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v, f"{name}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, uuid.UUID | dt.date):
        return str(value) if isinstance(value, uuid.UUID) else value.isoformat()
    if isinstance(value, float):
        raise TypeError(f"{name} must be a decimal string, not a float: pass '{value}'")
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return decimal_string(value, name)
    return value


def _split(value: SplitArg | Unset | None) -> SplitIn | Unset | None:
    if value is None or isinstance(value, SplitIn | Unset):
        return value
    return SplitIn.from_dict(_json(value, "split"))


def _payers(value: PayersArg | Unset | None) -> list[PayerIn] | Unset | None:
    """``[{"member_id": ..., "amount": ...}, ...]`` or ``{member_id: amount}``."""
    if value is None or isinstance(value, Unset):
        return value
    if isinstance(value, Mapping):
        return [
            PayerIn(
                member_id=_id(member),
                amount=UNSET if amount is None else decimal_string(amount, "paid_by"),
            )
            for member, amount in value.items()
        ]
    return [
        payer if isinstance(payer, PayerIn) else PayerIn.from_dict(_json(payer, "paid_by"))
        for payer in value
    ]


def etag(version: int | str | None) -> str | Unset:
    """``If-Match`` from a version (``3`` → ``"3"``) or an ETag as the API sent it."""
    if version is None:
        return UNSET
    if isinstance(version, int) and not isinstance(version, bool):
        return f'"{version}"'
    text = str(version).strip()
    return f'"{text}"' if text.isdigit() else text


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
    """A namespace of :class:`~pennywise_client.Pennywise` (``pw.groups``…)."""

    def __init__(self, client: Pennywise) -> None:
        self._client = client


class _AsyncResource:
    """A namespace of :class:`~pennywise_client.AsyncPennywise`."""

    def __init__(self, client: AsyncPennywise) -> None:
        self._client = client


def _as_method(method: F, spec: Callable[..., Any]) -> F:
    """``method`` with ``spec``'s signature behind a ``self``, so ``help()`` and
    ``inspect.signature`` show the arguments callers give (``functools.wraps`` alone points
    ``inspect`` at ``spec``, which has no ``self``, and a bound method then loses an argument).
    The return annotation is left out: the method returns what ``spec``'s call gives."""
    described = inspect.signature(spec)
    self_ = inspect.Parameter("self", inspect.Parameter.POSITIONAL_ONLY)
    method.__signature__ = described.replace(  # type: ignore[attr-defined]
        parameters=[self_, *described.parameters.values()],
        return_annotation=inspect.Signature.empty,
    )
    return method


def _sync(spec: Callable[P, Call[T]]) -> Callable[Concatenate[_Resource, P], T]:
    @functools.wraps(spec)
    def method(self: _Resource, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return self._client._run(spec(*args, **kwargs))

    return _as_method(method, spec)


def _async(
    spec: Callable[P, Call[T]],
) -> Callable[Concatenate[_AsyncResource, P], Coroutine[Any, Any, T]]:
    @functools.wraps(spec)
    async def method(self: _AsyncResource, /, *args: P.args, **kwargs: P.kwargs) -> T:
        return await self._client._run(spec(*args, **kwargs))

    return _as_method(method, spec)


def _sync_list(spec: Callable[P, Paged[T]]) -> Callable[Concatenate[_Resource, P], Pager[T]]:
    @functools.wraps(spec)
    def method(self: _Resource, /, *args: P.args, **kwargs: P.kwargs) -> Pager[T]:
        return Pager(self._client, spec(*args, **kwargs))

    return _as_method(method, spec)


def _async_list(
    spec: Callable[P, Paged[T]],
) -> Callable[Concatenate[_AsyncResource, P], AsyncPager[T]]:
    @functools.wraps(spec)
    def method(self: _AsyncResource, /, *args: P.args, **kwargs: P.kwargs) -> AsyncPager[T]:
        return AsyncPager(self._client, spec(*args, **kwargs))

    return _as_method(method, spec)


def _sync_download(spec: Callable[P, Download]) -> Callable[Concatenate[_Resource, P], Downloaded]:
    @functools.wraps(spec)
    def method(self: _Resource, /, *args: P.args, **kwargs: P.kwargs) -> Downloaded:
        return self._client._download(spec(*args, **kwargs))

    return _as_method(method, spec)


def _async_download(
    spec: Callable[P, Download],
) -> Callable[Concatenate[_AsyncResource, P], Coroutine[Any, Any, Downloaded]]:
    @functools.wraps(spec)
    async def method(self: _AsyncResource, /, *args: P.args, **kwargs: P.kwargs) -> Downloaded:
        return await self._client._download(spec(*args, **kwargs))

    return _as_method(method, spec)
