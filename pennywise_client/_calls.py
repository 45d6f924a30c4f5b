"""Every SDK method once: its arguments, checked and turned into a generated-endpoint call.

A method here returns a :class:`Call` (or a :class:`Paged` for lists across pages): which
generated endpoint module to call with which keyword arguments, and what to do with the
result. :mod:`pennywise_client._client` runs the same :class:`Call` with the endpoint's
``sync_detailed`` in :class:`~pennywise_client.Pennywise` and ``asyncio_detailed`` in
:class:`~pennywise_client.AsyncPennywise`, so the twins cannot drift apart, and the
generated code cannot drift from ``openapi.json``.

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
import io
import json
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import IO, Any, Generic, Protocol, TypeVar, cast
from urllib.parse import unquote

from pennywise_client._generated.api.activity import activity_list
from pennywise_client._generated.api.api_tokens import (
    api_tokens_create,
    api_tokens_list,
    api_tokens_revoke,
)
from pennywise_client._generated.api.auth import (
    auth_change_password,
    auth_google,
    auth_logout,
    auth_logout_all,
    auth_refresh,
    auth_register,
    auth_token,
)
from pennywise_client._generated.api.balances import balances_list, balances_verify
from pennywise_client._generated.api.exports import exports_download
from pennywise_client._generated.api.groups import (
    groups_create,
    groups_delete,
    groups_get,
    groups_list,
    groups_update,
)
from pennywise_client._generated.api.imports import imports_run
from pennywise_client._generated.api.invites import (
    invites_accept,
    invites_accept_received,
    invites_create,
    invites_decline,
    invites_received,
)
from pennywise_client._generated.api.members import (
    members_add,
    members_get,
    members_list,
    members_remove,
    members_update,
)
from pennywise_client._generated.api.settle_up import settle_up_record, settle_up_suggest
from pennywise_client._generated.api.transactions import (
    transactions_create,
    transactions_delete,
    transactions_get,
    transactions_list,
    transactions_restore,
    transactions_update,
)
from pennywise_client._generated.api.users import users_me, users_summary, users_update_me
from pennywise_client._generated.models import (
    ActivityRead,
    ApiTokenCreate,
    ApiTokenCreated,
    ApiTokenRead,
    BalanceRead,
    BankMappingIn,
    BodyAuthToken,
    BodyImportsRun,
    GoogleSignIn,
    GroupCreate,
    GroupRead,
    GroupUpdate,
    ImportReport,
    InviteAccept,
    InviteCreate,
    InviteCreated,
    InviteReceived,
    MemberCreate,
    MemberRead,
    MemberUpdate,
    PasswordChange,
    PayerIn,
    RefreshTokenIn,
    SettlementRead,
    SettleUpRecord,
    SplitIn,
    SummaryRead,
    TokenPair,
    TransactionCreate,
    TransactionRead,
    TransactionUpdate,
    UserCreate,
    UserRead,
    UserRenamed,
    UserUpdate,
    VerifyReport,
)
from pennywise_client._generated.models.api_token_create_scope import ApiTokenCreateScope
from pennywise_client._generated.models.body_imports_run_format_type_0 import (
    BodyImportsRunFormatType0,
)
from pennywise_client._generated.models.exports_download_format import ExportsDownloadFormat
from pennywise_client._generated.models.role import Role
from pennywise_client._generated.models.transaction_kind import TransactionKind
from pennywise_client._generated.models.transactions_list_deleted import TransactionsListDeleted
from pennywise_client._generated.models.users_summary_by import UsersSummaryBy
from pennywise_client._generated.types import UNSET, File, Unset
from pennywise_client._http import Credentials

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)

Id = uuid.UUID | str
Amount = str | Decimal | int
DateLike = dt.date | str
SplitArg = SplitIn | Mapping[str, Any]
PayersArg = Sequence[PayerIn | Mapping[str, Any]] | Mapping[Id, Amount | None]
Source = str | os.PathLike[str] | bytes | IO[bytes]
"""A file to upload: a path, its bytes, or a binary file (read from its start)."""
Destination = str | os.PathLike[str] | IO[bytes]
"""Where a download goes: a path (written whole or not at all) or a binary file."""
BankMappingArg = BankMappingIn | Mapping[str, Any]
ImportFormat = BodyImportsRunFormatType0
ExportFormat = ExportsDownloadFormat

DEFAULT_PAGE_SIZE = 100


def _renamed(value: T | None, old: T | None, name: str, old_name: str) -> T | None:
    """An argument given by its name or by its older one (kept as an alias), not both."""
    if old is None:
        return value
    if value is not None and value != old:
        raise TypeError(f"give {name}= or {old_name}= (its older name), not both")
    return old


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


@dataclass(frozen=True)
class Download:
    """A streamed GET written to ``to`` chunk by chunk, never held whole in memory.

    ``request`` comes from the generated endpoint (its ``_get_kwargs``), so the path and
    the parameters still follow ``openapi.json``; the client sends it through its retrying
    httpx client (typed errors, retries of the GET) but reads the body as a stream, which
    the generated function (it parses the whole body) cannot do.
    """

    request: dict[str, Any]
    to: Destination


@dataclass(frozen=True)
class Downloaded:
    """What a download wrote: ``size`` bytes of ``media_type``, to ``path`` (when the
    destination was a path); ``filename`` is the name the server suggests."""

    size: int
    media_type: str
    filename: str | None
    path: Path | None


# --- argument conversions -------------------------------------------------------------------


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


# --- the resources --------------------------------------------------------------------------


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


class UserCalls:
    @staticmethod
    def me() -> Call[UserRead]:
        """The account the token belongs to."""
        return Call(users_me)

    @staticmethod
    def update_me(*, display_name: str) -> Call[UserRenamed]:
        """Rename yourself: your account, and your member in each of your groups where it
        still has the old name (``unchanged_in``: the groups where it was kept)."""
        return Call(users_update_me, {"body": UserUpdate(display_name=display_name)})

    @staticmethod
    def summary(
        by: UsersSummaryBy = "month",
        *,
        date_from: DateLike | None = None,
        date_to: DateLike | None = None,
        group_id: Id | None = None,
    ) -> Call[SummaryRead]:
        """Your share of spending and of money received per currency (``spent``,
        ``received``, ``net``), ``by`` ``"month"`` or ``"category"``; ``date_from`` and
        ``date_to`` (inclusive) and ``group_id`` narrow it."""
        return Call(
            users_summary,
            {
                "by": by,
                "date_from": UNSET if date_from is None else _date(date_from),
                "date_to": UNSET if date_to is None else _date(date_to),
                "group_id": _opt_id(group_id),
            },
        )


class GroupCalls:
    @staticmethod
    def create(
        name: str,
        *,
        default_currency: str | Unset = UNSET,
        idempotency_key: str | None = None,
    ) -> Call[GroupRead]:
        """Create a group; you become its owner."""
        body = GroupCreate(name=name, default_currency=default_currency)
        return Call(groups_create, {"body": body, "idempotency_key": idempotency_key})

    @staticmethod
    def list(*, include_archived: bool = True) -> Call[list[GroupRead]]:
        """Every group you belong to, by name."""
        return Call(groups_list, {"include_archived": include_archived})

    @staticmethod
    def get(group_id: Id) -> Call[GroupRead]:
        return Call(groups_get, {"group_id": _id(group_id)})

    @staticmethod
    def update(
        group_id: Id,
        *,
        name: str | Unset = UNSET,
        default_currency: str | Unset = UNSET,
        archived: bool | Unset = UNSET,
        if_match: int | str | None = None,
    ) -> Call[GroupRead]:
        """Change what is given; ``if_match`` (a version or ETag): only if still current."""
        body = GroupUpdate(name=name, default_currency=default_currency, archived=archived)
        return Call(
            groups_update,
            {"group_id": _id(group_id), "body": body, "if_match": etag(if_match)},
        )

    @staticmethod
    def archive(group_id: Id, *, if_match: int | str | None = None) -> Call[GroupRead]:
        """Archive the group (read-only history; it stays listed)."""
        return GroupCalls.update(group_id, archived=True, if_match=if_match)

    @staticmethod
    def unarchive(group_id: Id, *, if_match: int | str | None = None) -> Call[GroupRead]:
        return GroupCalls.update(group_id, archived=False, if_match=if_match)

    @staticmethod
    def delete(group_id: Id, *, if_match: int | str | None = None) -> Call[None]:
        """Delete the group (owners only)."""
        return Call(groups_delete, {"group_id": _id(group_id), "if_match": etag(if_match)})


class MemberCalls:
    @staticmethod
    def add(
        group_id: Id,
        *,
        display_name: str | Unset = UNSET,
        email: str | Unset = UNSET,
        role: Role | Unset = UNSET,
        weight: Amount | Unset = UNSET,
        idempotency_key: str | None = None,
    ) -> Call[MemberRead]:
        """Add a placeholder (``display_name``), or invite ``email`` to claim it: they join
        when they accept (``invites.received()``); the answer is the placeholder either way."""
        body = MemberCreate(
            display_name=display_name,
            email=email,
            role=role,
            weight=UNSET if isinstance(weight, Unset) else decimal_string(weight, "weight"),
        )
        return Call(
            members_add,
            {"group_id": _id(group_id), "body": body, "idempotency_key": idempotency_key},
        )

    @staticmethod
    def list(group_id: Id) -> Call[list[MemberRead]]:
        """The group's current members, in the order they joined."""
        return Call(members_list, {"group_id": _id(group_id)})

    @staticmethod
    def get(group_id: Id, member_id: Id) -> Call[MemberRead]:
        return Call(members_get, {"group_id": _id(group_id), "member_id": _id(member_id)})

    @staticmethod
    def update(
        group_id: Id,
        member_id: Id,
        *,
        display_name: str | Unset = UNSET,
        role: Role | Unset = UNSET,
        weight: Amount | Unset = UNSET,
    ) -> Call[MemberRead]:
        """Rename, reweight or change the role of a member."""
        body = MemberUpdate(
            display_name=display_name, role=role, weight=_opt_decimal(weight, "weight")
        )
        return Call(
            members_update,
            {"group_id": _id(group_id), "member_id": _id(member_id), "body": body},
        )

    @staticmethod
    def remove(group_id: Id, member_id: Id) -> Call[None]:
        """Remove a member (yourself: leave). Refused (409) while their balance is not zero."""
        return Call(members_remove, {"group_id": _id(group_id), "member_id": _id(member_id)})


class TransactionCalls:
    @staticmethod
    def create(
        group_id: Id,
        description: str,
        amount: Amount,
        *,
        kind: TransactionKind | Unset = UNSET,
        currency: str | Unset = UNSET,
        date: DateLike | Unset = UNSET,
        category: str | Unset = UNSET,
        notes: str | Unset = UNSET,
        paid_by: PayersArg | Unset = UNSET,
        split: SplitArg | Unset = UNSET,
        import_key: str | Unset = UNSET,
        idempotency_key: str | None = None,
    ) -> Call[TransactionRead]:
        """Record an expense (default), income or transfer.

        ``paid_by``: ``{member_id: amount}`` or ``[{"member_id": ..., "amount": ...}]``
        (default: you paid it all). ``split``: ``{"mode": "shares", "entries":
        [{"member_id": ..., "shares": "2"}, ...]}`` (default: equally between everyone).
        """
        body = TransactionCreate(
            group_id=_id(group_id),
            description=description,
            amount=decimal_string(amount),
            kind=kind,
            currency=currency,
            date=_date(date),
            category=category,
            notes=notes,
            paid_by=_payers(paid_by),
            split=_split(split),
            import_key=import_key,
        )
        return Call(transactions_create, {"body": body, "idempotency_key": idempotency_key})

    @staticmethod
    def list(
        *,
        group_id: Id | None = None,
        date_from: DateLike | None = None,
        date_to: DateLike | None = None,
        member_id: Id | None = None,
        category: str | None = None,
        search: str | None = None,
        kind: TransactionKind | None = None,
        deleted: TransactionsListDeleted = "exclude",
        id_prefix: str | None = None,
        limit: int | None = None,
        page_size: int | None = None,
        text: str | None = None,
    ) -> Paged[TransactionRead]:
        """Transactions across your groups (or one), newest first, every page in turn.

        ``search``: text in the description or the notes, any case. ``id_prefix``: the
        start of the id (hex digits, e.g. the 8 the CLI shows). ``limit``: items per
        request (default 100; iterating still goes through every page: stop early, or use
        ``.page()``). ``page_size`` and ``text`` are the older names of ``limit`` and
        ``search``, still accepted.
        """
        search = _renamed(search, text, "search", "text")
        limit = _renamed(limit, page_size, "limit", "page_size")
        filters: dict[str, Any] = {
            "group_id": _opt_id(group_id),
            "date_from": UNSET if date_from is None else _date(date_from),
            "date_to": UNSET if date_to is None else _date(date_to),
            "member_id": _opt_id(member_id),
            "category": UNSET if category is None else category,
            "search": UNSET if search is None else search,
            "kind": UNSET if kind is None else kind,
            "deleted": deleted,
            "id_prefix": UNSET if id_prefix is None else id_prefix,
            "limit": DEFAULT_PAGE_SIZE if limit is None else limit,
        }
        return Paged(lambda cursor: Call(transactions_list, {**filters, "cursor": _or(cursor)}))

    @staticmethod
    def get(transaction_id: Id) -> Call[TransactionRead]:
        return Call(transactions_get, {"transaction_id": _id(transaction_id)})

    @staticmethod
    def update(
        transaction_id: Id,
        *,
        if_match: int | str | None = None,
        kind: TransactionKind | Unset = UNSET,
        description: str | Unset = UNSET,
        amount: Amount | Unset = UNSET,
        currency: str | Unset = UNSET,
        date: DateLike | Unset | None = UNSET,
        category: str | Unset | None = UNSET,
        notes: str | Unset | None = UNSET,
        paid_by: PayersArg | Unset = UNSET,
        split: SplitArg | Unset = UNSET,
    ) -> Call[TransactionRead]:
        """Edit what is given (``None`` clears an optional field). ``if_match``: the version
        you read (``tx.version``); a stale one is a :class:`PreconditionFailedError`."""
        body = TransactionUpdate(
            kind=kind,
            description=description,
            amount=_opt_decimal(amount, "amount"),
            currency=currency,
            date=_date(date),
            category=category,
            notes=notes,
            paid_by=_payers(paid_by),
            split=_split(split),
        )
        return Call(
            transactions_update,
            {
                "transaction_id": _id(transaction_id),
                "body": body,
                "if_match": etag(if_match),
            },
        )

    @staticmethod
    def delete(transaction_id: Id, *, if_match: int | str | None = None) -> Call[TransactionRead]:
        """Delete softly (it stops counting; :meth:`restore` brings it back)."""
        return Call(
            transactions_delete,
            {"transaction_id": _id(transaction_id), "if_match": etag(if_match)},
        )

    @staticmethod
    def restore(transaction_id: Id, *, if_match: int | str | None = None) -> Call[TransactionRead]:
        """Bring a deleted transaction back."""
        return Call(
            transactions_restore,
            {"transaction_id": _id(transaction_id), "if_match": etag(if_match)},
        )


class BalanceCalls:
    @staticmethod
    def get(group_id: Id, *, currency: str | None = None) -> Call[list[BalanceRead]]:
        """Every member's balance per currency; positive: the group owes them."""
        return Call(balances_list, {"group_id": _id(group_id), "currency": _or(currency)})

    @staticmethod
    def verify(group_id: Id) -> Call[VerifyReport]:
        """Recompute the balances from the transactions and report any drift."""
        return Call(balances_verify, {"group_id": _id(group_id)})


class SettleUpCalls:
    @staticmethod
    def get(group_id: Id, *, currency: str | None = None) -> Call[SettlementRead]:
        """The fewest transfers that zero every balance, per currency (``proven_minimal``
        says whether that is proven). ``suggest`` is its older name."""
        return Call(settle_up_suggest, {"group_id": _id(group_id), "currency": _or(currency)})

    suggest = get

    @staticmethod
    def record(
        group_id: Id,
        *,
        currency: str | None = None,
        date: DateLike | None = None,
        idempotency_key: str | None = None,
    ) -> Call[list[TransactionRead]]:
        """Record the current suggestion as transfer transactions."""
        body = SettleUpRecord(currency=_or(currency), date=UNSET if date is None else _date(date))
        return Call(
            settle_up_record,
            {"group_id": _id(group_id), "body": body, "idempotency_key": idempotency_key},
        )


class ActivityCalls:
    @staticmethod
    def list(
        group_id: Id, *, limit: int | None = None, page_size: int | None = None
    ) -> Paged[ActivityRead]:
        """The group's activity log, newest first, every page in turn. ``limit``: items per
        request (default 100); ``page_size`` is its older name."""
        gid = _id(group_id)
        size = _renamed(limit, page_size, "limit", "page_size") or DEFAULT_PAGE_SIZE
        return Paged(
            lambda cursor: Call(
                activity_list, {"group_id": gid, "limit": size, "cursor": _or(cursor)}
            )
        )


_MEDIA_TYPES = {".json": "application/json", ".csv": "text/csv"}
_SPOOL_IN_MEMORY = 8 << 20


def _bank_mapping(value: BankMappingArg) -> str:
    """The ``bank_mapping`` form field: the mapping as JSON (columns stay names or
    0-based positions; members are ids or names; shares decimal strings)."""
    if isinstance(value, BankMappingIn):
        return json.dumps(value.to_dict())
    mapping: dict[str, Any] = {}
    for name, item in value.items():
        if name == "split" and isinstance(item, Mapping):
            mapping[name] = {str(k): decimal_string(v, "split") for k, v in item.items()}
        elif name == "split" and isinstance(item, list | tuple):
            mapping[name] = [str(p) for p in item]
        elif isinstance(item, uuid.UUID):
            mapping[name] = str(item)
        elif isinstance(item, float):
            raise TypeError(f"bank_mapping.{name} must not be a float")
        else:
            mapping[name] = item
    return json.dumps(mapping)


@contextlib.contextmanager
def _upload(source: Source) -> Iterator[File]:
    """``source`` as a seekable binary file for the generated multipart body.

    A path is opened (and closed after); bytes are wrapped; a binary file is used as it is
    when it can seek (the upload, and every retry of it, reads it from its start), else
    copied to a temporary file first (in memory up to 8 MiB, then on disk), so that its
    length is known and a retry sends the same bytes.
    """
    with contextlib.ExitStack() as stack:
        name: str | None
        if isinstance(source, bytes):
            payload: IO[bytes] = io.BytesIO(source)
            name = None
        elif isinstance(source, str | os.PathLike):
            path = Path(source)
            payload = stack.enter_context(path.open("rb"))
            name = path.name
        elif isinstance(source, io.TextIOBase):
            raise TypeError("open the file to import in binary mode ('rb')")
        else:
            raw_name = getattr(source, "name", None)
            name = Path(raw_name).name if isinstance(raw_name, str) else None
            if source.seekable():
                payload = source
            else:
                payload = stack.enter_context(
                    tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)
                )
                shutil.copyfileobj(source, payload)
                payload.seek(0)
        media_type = _MEDIA_TYPES.get(Path(name).suffix.lower()) if name else None
        yield File(
            payload=cast(Any, payload),
            file_name=name or "upload",
            mime_type=media_type or "application/octet-stream",
        )


@contextlib.contextmanager
def destination(to: Destination) -> Iterator[tuple[IO[bytes], Path | None]]:
    """``to`` as a binary file to write, and its path when it is one.

    A path gets a temporary file beside it, renamed over it when the block ends without an
    error and deleted when it raises: the path holds the whole download or is untouched.
    """
    if not isinstance(to, str | os.PathLike):
        if isinstance(to, io.TextIOBase):
            raise TypeError("open the export's destination in binary mode ('wb')")
        yield to, None
        return
    path = Path(to)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            yield out, path
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def suggested_filename(content_disposition: str | None) -> str | None:
    """The file name a ``Content-Disposition`` header suggests (``filename*`` first)."""
    if not content_disposition:
        return None
    utf8 = re.search(r"filename\*=UTF-8''([^;]+)", content_disposition, re.IGNORECASE)
    if utf8:
        return unquote(utf8.group(1).strip())
    plain = re.search(r'filename="([^"]*)"', content_disposition)
    return plain.group(1) if plain else None


class ImportCalls:
    @staticmethod
    def run(
        group_id: Id,
        file: Source,
        *,
        format: ImportFormat | None = None,
        dry_run: bool = False,
        skip_invalid: bool = False,
        member_map: Mapping[str, Id] | None = None,
        currency: str | None = None,
        bank_mapping: BankMappingArg | None = None,
        idempotency_key: str | None = None,
    ) -> Call[ImportReport]:
        """Import a file into the group: all of it, or (any bad row) none of it; with
        ``skip_invalid=True`` the good rows, each bad one left out and listed.

        ``file``: a path, bytes or a binary file, streamed from disk. ``format``: one of
        ``pennywise-json``, ``pennywise-csv``, ``splitwise-csv``, ``ihatemoney-json``,
        ``ihatemoney-csv``, ``spliit-json``, ``spliit-csv``, ``cospend-csv``, ``bank-csv``;
        detected when left out. ``dry_run``: only report what would be created.
        ``skip_invalid``: import the good rows and list each bad one in the report's
        ``invalid_rows`` (``row``, ``column``, ``message``; ``invalid`` counts them), in a
        dry run too. ``member_map``: ``{name in the file: member id}``. ``bank_mapping``: a
        bank CSV's columns (a dict or :class:`~pennywise_client.models.BankMappingIn`), e.g.
        ``{"date": "Date", "description": "Text", "amount": "Amount"}``. Re-importing a file
        adds nothing. Bad rows raise :class:`~pennywise_client.ValidationError` whose
        ``errors`` are located at ``["row", <row>, <column>]``; a file over the server's
        limit raises :class:`~pennywise_client.ContentTooLargeError` (413): import it
        locally with the CLI instead.
        """
        fields: dict[str, Any] = {
            "format_": _or(format),
            "dry_run": dry_run,
            "skip_invalid": skip_invalid,
            "member_map": UNSET
            if member_map is None
            else json.dumps({str(k): str(_id(v)) for k, v in member_map.items()}),
            "currency": _or(currency),
            "bank_mapping": UNSET if bank_mapping is None else _bank_mapping(bank_mapping),
        }

        @contextlib.contextmanager
        def body() -> Iterator[dict[str, Any]]:
            with _upload(file) as upload:
                yield {"body": BodyImportsRun(file=upload, **fields)}

        return Call(
            imports_run,
            {"group_id": _id(group_id), "idempotency_key": idempotency_key},
            opens=body,
        )


class ExportCalls:
    @staticmethod
    def download(
        group_id: Id, *, to: Destination, format: ExportFormat = "pennywise-json"
    ) -> Download:
        """Download the group to ``to`` (a path, or a binary file), streamed.

        ``format``: ``pennywise-json`` (lossless: import it back with
        ``imports.run``), ``pennywise-csv`` or ``splitwise-csv``. A path is written whole
        or not at all (a temporary file beside it is renamed at the end).
        """
        request = exports_download._get_kwargs(_id(group_id), format_=format)
        return Download(request=request, to=to)


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


class InviteCalls:
    @staticmethod
    def create(
        group_id: Id, member_id: Id, *, expires_in_hours: int | Unset = UNSET
    ) -> Call[InviteCreated]:
        """An invite to claim placeholder ``member_id``; its ``token`` is shown once."""
        body = InviteCreate(member_id=_id(member_id), expires_in_hours=expires_in_hours)
        return Call(invites_create, {"group_id": _id(group_id), "body": body})

    @staticmethod
    def accept(token: str) -> Call[MemberRead]:
        """Become the placeholder member an invite names, with its history."""
        return Call(invites_accept, {"body": InviteAccept(token=token)})

    @staticmethod
    def received() -> Call[list[InviteReceived]]:
        """The invites addressed to your email (someone added you by email), newest first."""
        return Call(invites_received)

    @staticmethod
    def accept_received(invite_id: Id) -> Call[MemberRead]:
        """Join the group of an invite addressed to you, as the member it names."""
        return Call(invites_accept_received, {"invite_id": _id(invite_id)})

    @staticmethod
    def decline(invite_id: Id) -> Call[None]:
        """Decline an invite addressed to you."""
        return Call(invites_decline, {"invite_id": _id(invite_id)})


def _or(value: T | None) -> T | Unset:
    return UNSET if value is None else value
