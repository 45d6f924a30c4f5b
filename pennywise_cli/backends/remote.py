"""Remote mode: the HTTP API under ``/api/v1``, through the SDK.

:class:`RemoteBackend` implements :class:`~pennywise_cli.backends.Backend` with one call of
:class:`pennywise_client.AsyncPennywise` per method (``pw.groups.create(...)``), so the CLI
talks to the server exactly as any SDK user does: the generated client (it cannot drift
from ``openapi.json``), retries with backoff, idempotency keys, typed errors. Here is what
the CLI adds:

* **Records as the API's JSON.** The facade returns the generated models; ``to_dict()``
  turns them back into the API's JSON, with timestamps written as the API (pydantic) writes
  them (UTC as ``Z``), so ``--format json`` prints the same as in local mode.
* **Errors as the CLI's.** The client's exceptions become
  :class:`~pennywise_cli.errors.ApiError` (the problem's detail, field errors, request id,
  ``current_version``), :class:`~pennywise_cli.errors.NotSignedInError` or
  :class:`~pennywise_cli.errors.UnreachableError`, which the error boundary turns into the
  documented exit codes.
* **Credentials**, in order: ``PENNYWISE_TOKEN`` (an access token or a personal API token),
  then what ``pennywise login`` stored for this server in
  ``$PENNYWISE_HOME/credentials.json``. An expired access token (or one the server refuses)
  is refreshed with the stored refresh token, and the new pair stored.

Tests serve the API in-process by replacing :func:`make_transport`, and make retries
instant by replacing :func:`make_backoff`. This module loads only in remote mode: local
commands never import the client or httpx.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, Literal, TypeVar, cast

import attrs
import httpx

from pennywise_cli import config
from pennywise_cli.errors import (
    NameNotFoundError,
    NotSignedInError,
    WrongModeError,
    from_client_error,
)
from pennywise_client import (
    AsyncPager,
    AsyncPennywise,
    AuthenticationError,
    Backoff,
    PennywiseError,
)

if TYPE_CHECKING:
    from pennywise_cli.backends import ImportProgress

JSON = dict[str, Any]
T = TypeVar("T")

TIMEOUT_SECONDS = 30.0
_EXPIRY_MARGIN_SECONDS = 30
_SPOOL_IN_MEMORY = 8 << 20


def make_transport() -> httpx.AsyncBaseTransport | None:
    """The transport under the CLI's client; None is httpx's own (the network).

    The hook for tests: return ``httpx.ASGITransport(app=...)`` to run the API in-process,
    or an ``httpx.MockTransport``.
    """
    return None


def make_backoff() -> Backoff | None:
    """How long the client waits between retries; None is the client's default.

    The client retries connection failures, 429 and (replayable requests only) 5xx, twice,
    waiting 0.5 s then 1 s (or what ``Retry-After`` says). Tests return
    ``Backoff(initial=0, maximum=0, max_retry_after=0)``: the same retries, no waiting.
    """
    return None


# --- the API's JSON -------------------------------------------------------------------------


class _ApiDateTime(dt.datetime):
    """A datetime whose ``isoformat()`` is the API's: UTC as ``Z``, as pydantic writes it."""

    def isoformat(self, sep: str = "T", timespec: str = "auto") -> str:
        text = super().isoformat(sep, timespec)
        return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text


def _api_datetimes(model: Any) -> None:
    """Make every datetime in a generated model (nested ones too) an :class:`_ApiDateTime`.

    The generated ``to_dict()`` writes datetimes with ``isoformat()`` (``+00:00``); the API
    and local mode write ``Z``. Walking the model, not the dict, touches datetimes only:
    never a description that happens to look like one.
    """
    for field in attrs.fields(type(model)):
        value = getattr(model, field.name)
        if isinstance(value, dt.datetime):
            if not isinstance(value, _ApiDateTime):
                setattr(model, field.name, _ApiDateTime.combine(value.date(), value.timetz()))
        elif isinstance(value, list):
            for item in value:
                if attrs.has(type(item)):
                    _api_datetimes(item)
        elif attrs.has(type(value)):
            _api_datetimes(value)


def _json(model: Any) -> JSON:
    """A facade result (a generated model) as the API's JSON."""
    _api_datetimes(model)
    return cast(JSON, model.to_dict())


def _json_list(models: list[Any]) -> list[JSON]:
    return [_json(m) for m in models]


def _id(value: str, what: str) -> uuid.UUID:
    """An id for the client; not one at all is not found, as in local mode."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NameNotFoundError(f"{what} {value} not found") from None


# --- uploads --------------------------------------------------------------------------------


class _Counted(io.RawIOBase):
    """A binary file that reports how far it has been read (the ``upload`` progress)."""

    def __init__(self, raw: IO[bytes], progress: ImportProgress) -> None:
        super().__init__()
        self._raw = raw
        self._progress = progress
        self._position = 0
        self.name = getattr(raw, "name", None)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self._raw.seekable()

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        self._position = self._raw.seek(offset, whence)
        return self._position

    def tell(self) -> int:
        return self._position

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(len(buffer))
        buffer[: len(data)] = data
        self._position += len(data)
        self._progress("upload", 0, self._position)
        return len(data)


@contextlib.contextmanager
def _upload(
    source: str | os.PathLike[str] | IO[bytes], progress: ImportProgress | None
) -> Iterator[IO[bytes]]:
    """``source`` as a seekable binary file for the client: a path is opened (and closed
    after); a pipe (stdin) is copied to a temporary file first (in memory up to 8 MiB), so
    that a second attempt (after a refresh, or a retry) sends the same bytes again."""
    with contextlib.ExitStack() as stack:
        if isinstance(source, str | os.PathLike):
            file: IO[bytes] = stack.enter_context(open(source, "rb"))  # noqa: PTH123
        else:
            file = source
        if not file.seekable():
            spool = stack.enter_context(tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY))
            shutil.copyfileobj(file, spool)
            spool.seek(0)
            file = cast(IO[bytes], spool)
        if progress is not None:
            file = cast(IO[bytes], _Counted(file, progress))
        yield file


# --- the backend ----------------------------------------------------------------------------


class RemoteBackend:
    mode: Literal["remote"] = "remote"

    def __init__(self, api_url: str) -> None:
        self.api_url = config.normalize_api_url(api_url)
        self._env_token = os.environ.get("PENNYWISE_TOKEN") or None
        self._stored: dict[str, Any] | None = None
        self._loaded = False
        self._signed_out = False
        """No token at all: calls go out without one, so that an unreachable server is told
        apart (exit 7) from a server that wants a sign-in (exit 5)."""
        self.pw = AsyncPennywise(
            self.api_url,
            self._env_token,
            timeout=TIMEOUT_SECONDS,
            backoff=make_backoff(),
            transport=make_transport(),
        )

    async def __aenter__(self) -> RemoteBackend:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.pw.close()

    # --- credentials ----------------------------------------------------------------------

    @property
    def stored(self) -> dict[str, Any] | None:
        """What ``pennywise login`` stored for this server, or None."""
        if not self._loaded:
            self._stored = config.load_credentials(self.api_url)
            self._loaded = True
        return self._stored

    def _not_signed_in(self, why: str = "not signed in to") -> NotSignedInError:
        return NotSignedInError(
            f"{why} {self.api_url}: run `pennywise login` (or set PENNYWISE_TOKEN)"
        )

    def _token_refused(self, exc: Exception) -> NotSignedInError:
        """``PENNYWISE_TOKEN`` was refused: say so, and which kind of token it holds."""
        from pennywise_core.tokens import API_TOKEN_PREFIX  # the error path only

        token = self._env_token or ""
        detail = getattr(exc, "problem", None) or {}
        reason = detail.get("detail") if isinstance(detail, dict) else None
        if token.startswith(f"{API_TOKEN_PREFIX}_"):
            kind = "an API token"
        elif token.count(".") == 2:
            kind = "an access token (from a sign-in)"
        else:
            return NotSignedInError(
                f"PENNYWISE_TOKEN is not a Pennywise token: an API token starts with "
                f"{API_TOKEN_PREFIX}_ (`pennywise token create`); or unset it and run "
                "`pennywise login`"
            )
        return NotSignedInError(
            f"PENNYWISE_TOKEN holds {kind} that {self.api_url} refused"
            + (f" ({reason})" if reason else "")
            + ": make a new one with `pennywise token create`, or unset it and run "
            "`pennywise login`"
        )

    async def _sign_in(self) -> None:
        """Put the bearer token on the client: ``PENNYWISE_TOKEN``, else the stored
        session's access token (refreshed first when it has expired), else none (the call
        then goes out without one: the server's 401 says "not signed in", and a server that
        cannot be reached says that instead)."""
        if self._env_token:
            self.pw.token = self._env_token
            return
        stored = self.stored
        if not stored or not stored.get("access_token"):
            self.pw.token = None
            self._signed_out = True
            return
        expires_at = stored.get("expires_at")
        if expires_at is not None and time.time() > float(expires_at) - _EXPIRY_MARGIN_SECONDS:
            await self._refresh()
        else:
            self.pw.token = str(stored["access_token"])

    async def _refresh(self) -> None:
        """Trade the stored refresh token for a new pair (the client then sends the new
        access token), and store the pair. A refused refresh token ends the session."""
        stored = self.stored or {}
        refresh_token = stored.get("refresh_token")
        if not refresh_token:
            raise self._not_signed_in("your session has ended at")
        self.pw.token = None  # the refresh token is the credential, not the old access token
        pair = await self.pw.auth.refresh(str(refresh_token))
        self._store_session(pair, user=stored.get("user"))

    def _store_session(self, pair: Any, *, user: JSON | None) -> None:
        """Keep a token pair (from sign-in or refresh) in the credentials file, mode 0600."""
        self._stored = {
            "access_token": pair.access_token,
            "refresh_token": pair.refresh_token,
            "expires_at": int(time.time()) + int(pair.expires_in),
            "user": user,
        }
        self._loaded = True
        config.save_credentials(self.api_url, self._stored)

    # --- calls ----------------------------------------------------------------------------

    async def _call(self, make: Callable[[], Awaitable[T]], *, auth: bool = True) -> T:
        """Run one facade call (``make()`` starts it), signed in unless ``auth`` is False.

        A 401 with a stored session refreshes it and runs the call once more. The client's
        exceptions leave as the CLI's (:func:`~pennywise_cli.errors.from_client_error`).
        """
        try:
            if not auth:
                return await make()
            await self._sign_in()
            try:
                return await make()
            except AuthenticationError as exc:
                if self._env_token:
                    raise self._token_refused(exc) from exc
                if self._signed_out:
                    raise self._not_signed_in() from exc
                await self._refresh()  # the access token expired early, or was revoked
                return await make()
        except AuthenticationError as exc:
            if auth and not self._env_token:
                raise self._not_signed_in("your session has ended at") from exc
            raise from_client_error(exc, api_url=self.api_url) from exc
        except PennywiseError as exc:
            raise from_client_error(exc, api_url=self.api_url) from exc

    async def _page(self, pager: AsyncPager[Any], cursor: str | None) -> JSON:
        """One page of a list, from ``cursor`` (None: the first) as ``{items, next_cursor}``:
        the Backend's lists go a page at a time, the commands keeping the cursor."""
        return _json(await pager.page(cursor))

    async def whoami(self) -> JSON:
        return _json(await self._call(lambda: self.pw.users.me()))

    async def set_display_name(self, name: str) -> JSON:
        return _json(await self._call(lambda: self.pw.users.update_me(display_name=name)))

    # --- groups ---------------------------------------------------------------------------

    async def list_groups(self, *, include_archived: bool = True) -> list[JSON]:
        found = await self._call(lambda: self.pw.groups.list(include_archived=include_archived))
        return _json_list(found)

    async def get_group(self, group_id: str) -> JSON:
        gid = _id(group_id, "group")
        return _json(await self._call(lambda: self.pw.groups.get(gid)))

    async def create_group(self, body: JSON) -> JSON:
        return _json(await self._call(lambda: self.pw.groups.create(**body)))

    async def update_group(
        self, group_id: str, changes: JSON, *, expected_version: int | None = None
    ) -> JSON:
        gid = _id(group_id, "group")
        updated = await self._call(
            lambda: self.pw.groups.update(gid, **changes, if_match=expected_version)
        )
        return _json(updated)

    async def delete_group(self, group_id: str, *, expected_version: int | None = None) -> None:
        gid = _id(group_id, "group")
        await self._call(lambda: self.pw.groups.delete(gid, if_match=expected_version))

    # --- members --------------------------------------------------------------------------

    async def list_members(self, group_id: str) -> list[JSON]:
        gid = _id(group_id, "group")
        return _json_list(await self._call(lambda: self.pw.members.list(gid)))

    async def add_member(self, group_id: str, body: JSON) -> JSON:
        gid = _id(group_id, "group")
        return _json(await self._call(lambda: self.pw.members.add(gid, **body)))

    async def update_member(self, group_id: str, member_id: str, changes: JSON) -> JSON:
        gid, mid = _id(group_id, "group"), _id(member_id, "member")
        return _json(await self._call(lambda: self.pw.members.update(gid, mid, **changes)))

    async def remove_member(self, group_id: str, member_id: str) -> None:
        gid, mid = _id(group_id, "group"), _id(member_id, "member")
        await self._call(lambda: self.pw.members.remove(gid, mid))

    # --- invites --------------------------------------------------------------------------

    async def create_invite(
        self, group_id: str, member_id: str, *, expires_in_hours: int | None = None
    ) -> JSON:
        gid, mid = _id(group_id, "group"), _id(member_id, "member")
        if expires_in_hours is None:
            created = await self._call(lambda: self.pw.invites.create(gid, mid))
        else:
            created = await self._call(
                lambda: self.pw.invites.create(gid, mid, expires_in_hours=expires_in_hours)
            )
        return _json(created)

    async def accept_invite_token(self, token: str) -> JSON:
        return _json(await self._call(lambda: self.pw.invites.accept(token)))

    # --- invites addressed to the signed-in user ---------------------------------------------

    async def received_invites(self) -> list[JSON]:
        return _json_list(await self._call(lambda: self.pw.invites.received()))

    async def accept_invite(self, invite_id: str) -> JSON:
        iid = _id(invite_id, "invite")
        return _json(await self._call(lambda: self.pw.invites.accept_received(iid)))

    async def decline_invite(self, invite_id: str) -> None:
        iid = _id(invite_id, "invite")
        await self._call(lambda: self.pw.invites.decline(iid))

    # --- transactions ---------------------------------------------------------------------

    async def create_transaction(self, body: JSON) -> JSON:
        return _json(await self._call(lambda: self.pw.transactions.create(**body)))

    async def get_transaction(self, transaction_id: str) -> JSON:
        tid = _id(transaction_id, "transaction")
        return _json(await self._call(lambda: self.pw.transactions.get(tid)))

    async def list_transactions(
        self, filters: JSON, *, limit: int = 50, cursor: str | None = None
    ) -> JSON:
        return await self._call(
            lambda: self._page(self.pw.transactions.list(**filters, page_size=limit), cursor)
        )

    async def update_transaction(
        self, transaction_id: str, changes: JSON, *, expected_version: int | None = None
    ) -> JSON:
        tid = _id(transaction_id, "transaction")
        updated = await self._call(
            lambda: self.pw.transactions.update(tid, **changes, if_match=expected_version)
        )
        return _json(updated)

    async def delete_transaction(
        self, transaction_id: str, *, expected_version: int | None = None
    ) -> JSON:
        tid = _id(transaction_id, "transaction")
        deleted = await self._call(
            lambda: self.pw.transactions.delete(tid, if_match=expected_version)
        )
        return _json(deleted)

    async def restore_transaction(
        self, transaction_id: str, *, expected_version: int | None = None
    ) -> JSON:
        tid = _id(transaction_id, "transaction")
        restored = await self._call(
            lambda: self.pw.transactions.restore(tid, if_match=expected_version)
        )
        return _json(restored)

    # --- balances, settle-up, activity, report --------------------------------------------

    async def balances(self, group_id: str, *, currency: str | None = None) -> list[JSON]:
        gid = _id(group_id, "group")
        return _json_list(await self._call(lambda: self.pw.balances.get(gid, currency=currency)))

    async def verify_balances(self, group_id: str, *, repair: bool = False) -> JSON:
        if repair:
            raise WrongModeError(
                "the API cannot repair balances; run `pennywise db verify --repair` where the "
                "database is (local mode, PENNYWISE_DATABASE_URL pointing at it)"
            )
        gid = _id(group_id, "group")
        return _json(await self._call(lambda: self.pw.balances.verify(gid)))

    async def converted_balances(
        self, group_id: str, *, currency: str, date: str | None = None
    ) -> JSON:
        gid = _id(group_id, "group")
        return _json(await self._call(lambda: self.pw.balances.converted(gid, currency, date=date)))

    async def suggest_settlement(
        self,
        group_id: str,
        *,
        currency: str | None = None,
        in_currency: str | None = None,
        date: str | None = None,
    ) -> JSON:
        gid = _id(group_id, "group")
        suggestion = await self._call(
            lambda: self.pw.settle_up.get(gid, currency=currency, in_=in_currency, date=date)
        )
        return _json(suggestion)

    async def record_settlement(
        self,
        group_id: str,
        *,
        currency: str | None = None,
        date: str | None = None,
        in_currency: str | None = None,
    ) -> list[JSON]:
        gid = _id(group_id, "group")
        recorded = await self._call(
            lambda: self.pw.settle_up.record(gid, currency=currency, date=date, in_=in_currency)
        )
        return _json_list(recorded)

    # --- exchange rates ---------------------------------------------------------------------

    async def list_rates(self, group_id: str, *, currency: str | None = None) -> list[JSON]:
        gid = _id(group_id, "group")
        return _json_list(await self._call(lambda: self.pw.rates.list(gid, currency=currency)))

    async def set_rate(
        self, group_id: str, currency: str, rate: str, *, valid_from: str | None = None
    ) -> JSON:
        gid = _id(group_id, "group")
        return _json(
            await self._call(lambda: self.pw.rates.set(gid, currency, rate, valid_from=valid_from))
        )

    async def delete_rate(self, group_id: str, rate_id: str) -> None:
        gid, rid = _id(group_id, "group"), _id(rate_id, "rate")
        await self._call(lambda: self.pw.rates.delete(gid, rid))

    async def watch(self, group_id: str, *, after: str | None = None) -> AsyncIterator[JSON]:
        gid = _id(group_id, "group")
        await self._call(lambda: self.pw.groups.get(gid))  # signed in, and a member
        try:
            async for event in self.pw.events.stream(gid, after=after):
                yield event.to_dict()
        except PennywiseError as exc:
            raise from_client_error(exc, api_url=self.api_url) from exc

    async def activity(self, group_id: str, *, limit: int = 50, cursor: str | None = None) -> JSON:
        gid = _id(group_id, "group")
        return await self._call(
            lambda: self._page(self.pw.activity.list(gid, page_size=limit), cursor)
        )

    async def spending(
        self,
        *,
        by: Literal["month", "category"],
        date_from: str | None = None,
        date_to: str | None = None,
        group_id: str | None = None,
    ) -> JSON:
        gid = _id(group_id, "group") if group_id else None
        found = await self._call(
            lambda: self.pw.users.summary(by, date_from=date_from, date_to=date_to, group_id=gid)
        )
        return _json(found)

    # --- webhooks ---------------------------------------------------------------------------

    async def create_webhook(self, group_id: str, body: JSON) -> JSON:
        gid = _id(group_id, "group")
        return _json(await self._call(lambda: self.pw.webhooks.create(gid, **body)))

    async def list_webhooks(self, group_id: str) -> list[JSON]:
        gid = _id(group_id, "group")
        return _json_list(await self._call(lambda: self.pw.webhooks.list(gid)))

    async def get_webhook(self, group_id: str, webhook_id: str) -> JSON:
        gid, wid = _id(group_id, "group"), _id(webhook_id, "webhook")
        return _json(await self._call(lambda: self.pw.webhooks.get(gid, wid)))

    async def update_webhook(self, group_id: str, webhook_id: str, changes: JSON) -> JSON:
        gid, wid = _id(group_id, "group"), _id(webhook_id, "webhook")
        return _json(await self._call(lambda: self.pw.webhooks.update(gid, wid, **changes)))

    async def delete_webhook(self, group_id: str, webhook_id: str) -> None:
        gid, wid = _id(group_id, "group"), _id(webhook_id, "webhook")
        await self._call(lambda: self.pw.webhooks.delete(gid, wid))

    async def rotate_webhook_secret(self, group_id: str, webhook_id: str) -> JSON:
        gid, wid = _id(group_id, "group"), _id(webhook_id, "webhook")
        return _json(await self._call(lambda: self.pw.webhooks.rotate_secret(gid, wid)))

    async def webhook_deliveries(
        self, group_id: str, webhook_id: str, *, status: str | None = None, limit: int = 50
    ) -> list[JSON]:
        gid, wid = _id(group_id, "group"), _id(webhook_id, "webhook")
        found = await self._call(
            lambda: self.pw.webhooks.deliveries(gid, wid, status=cast(Any, status), limit=limit)
        )
        return _json_list(found)

    async def redeliver_webhook(self, group_id: str, webhook_id: str, delivery_id: str) -> JSON:
        gid, wid = _id(group_id, "group"), _id(webhook_id, "webhook")
        did = _id(delivery_id, "delivery")
        return _json(await self._call(lambda: self.pw.webhooks.redeliver(gid, wid, did)))

    # --- imports and exports --------------------------------------------------------------

    async def import_file(
        self,
        group_id: str,
        source: str | os.PathLike[str] | IO[bytes],
        *,
        format: str | None = None,
        dry_run: bool = False,
        skip_invalid: bool = False,
        member_map: Mapping[str, str] | None = None,
        bank_mapping: JSON | None = None,
        currency: str | None = None,
        convert: bool = False,
        progress: ImportProgress | None = None,
    ) -> JSON:
        # The server checks and writes (all or nothing); `progress` sees the upload only.
        gid = _id(group_id, "group")
        with _upload(source, progress) as file:
            report = await self._call(
                lambda: self.pw.imports.run(
                    gid,
                    file,
                    format=cast(Any, format),
                    dry_run=dry_run,
                    skip_invalid=skip_invalid,
                    member_map=member_map,
                    bank_mapping=bank_mapping,
                    currency=currency,
                    convert=convert,
                )
            )
        return _json(report)

    async def export(self, group_id: str, out: IO[bytes], *, format: str) -> None:
        gid = _id(group_id, "group")
        await self._call(lambda: self.pw.exports.download(gid, to=out, format=cast(Any, format)))

    # --- remote only: sessions and API tokens ---------------------------------------------

    async def login(self, email: str, password: str) -> JSON:
        """Sign in with a password; the tokens are stored for this server. Returns the user."""
        self.pw.token = None  # the password is the credential, not PENNYWISE_TOKEN
        pair = await self._call(lambda: self.pw.auth.login(email, password), auth=False)
        # The client now sends the new access token.
        user = _json(await self._call(lambda: self.pw.users.me(), auth=False))
        self._store_session(pair, user=user)
        return user

    async def logout(self) -> bool:
        """End the stored session on the server (best effort) and forget it here."""
        stored = self.stored
        if stored and stored.get("refresh_token"):
            self.pw.token = None
            # Best effort: the local copy goes anyway, and the refresh token expires on its own.
            with contextlib.suppress(PennywiseError):
                await self.pw.auth.logout(str(stored["refresh_token"]))
        return config.delete_credentials(self.api_url)

    async def create_api_token(self, body: JSON) -> JSON:
        return _json(await self._call(lambda: self.pw.tokens.create(**body)))

    async def list_api_tokens(self) -> list[JSON]:
        return _json_list(await self._call(lambda: self.pw.tokens.list()))

    async def revoke_api_token(self, token_id: str) -> None:
        tid = _id(token_id, "token")
        await self._call(lambda: self.pw.tokens.revoke(tid))
