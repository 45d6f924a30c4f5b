"""Local mode: the core's services on a database this machine opens.

By default that is the embedded SQLite file in ``$PENNYWISE_HOME`` (created at the latest
schema on first use); ``--database-url`` / ``PENNYWISE_DATABASE_URL`` may name another,
PostgreSQL included. A database whose schema is behind is refused with the command that
fixes it (exit code 6).

The acting user is the machine's local user: the account with the fixed email
:data:`LOCAL_EMAIL`, created on first use with the login name (``$USER``) as display name.
It has no password and never signs in; everything it owns is in the groups it creates.

One backend serves one command, inside one database transaction: everything the command
does is committed together when it succeeds, or not at all.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from contextlib import AsyncExitStack, aclosing
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, Literal, TypeVar, cast

from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from pennywise_core import db
from pennywise_core.auth_schemas import InviteCreate
from pennywise_core.errors import FieldError, NotFoundError, ValidationError
from pennywise_core.models import User
from pennywise_core.schemas import (
    GroupCreate,
    GroupUpdate,
    MemberCreate,
    MemberUpdate,
    RateSet,
    TransactionCreate,
    TransactionFilter,
    TransactionUpdate,
    UserRead,
    UserUpdate,
)
from pennywise_core.services import (
    activity,
    balances,
    events,
    groups,
    invites,
    members,
    rates,
    settle_up,
    summary,
    transactions,
    users,
    webhooks,
)
from pennywise_core.settings import get_settings
from pennywise_core.webhook_schemas import DeliveryStatus, WebhookCreate, WebhookUpdate

if TYPE_CHECKING:
    from pennywise_cli.backends import ImportProgress

LOCAL_EMAIL = "local@pennywise.invalid"
"""The local user's email: ``.invalid`` is reserved (RFC 2606), so it is nobody's address."""

JSON = dict[str, Any]
M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


def local_display_name() -> str:
    try:
        name = getpass.getuser().strip()
    except (OSError, KeyError):  # no login name (some containers)
        name = ""
    return name[:100] or "me"


def _dump(model: BaseModel) -> JSON:
    return model.model_dump(mode="json")


def _input(schema: type[M], data: Any) -> M:
    """Validate a request body as the API would: pydantic's errors become the core's."""
    try:
        return schema.model_validate(data)
    except PydanticValidationError as exc:
        errors = [
            FieldError(
                tuple(p for p in e["loc"] if isinstance(p, str | int)),
                e["msg"].removeprefix("Value error, "),
            )
            for e in exc.errors(include_url=False)
        ]
        detail = str(errors[0]) if len(errors) == 1 else f"{len(errors)} input values are invalid"
        raise ValidationError(detail, errors) from None


def _id(value: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise NotFoundError(f"{what} {value} not found") from None


@contextlib.contextmanager
def _opened(source: str | os.PathLike[str] | IO[bytes]) -> Iterator[IO[bytes]]:
    """A binary file for ``source``: a path is opened (and closed), a file passed through."""
    if isinstance(source, str | os.PathLike):
        with Path(source).open("rb") as file:
            yield file
    else:
        yield source


class LocalBackend:
    mode: Literal["local"] = "local"

    def __init__(self, database_url: str | None = None) -> None:
        self._url = database_url
        self._stack = AsyncExitStack()
        self._engine: AsyncEngine | None = None
        self._session: AsyncSession | None = None
        self._user: User | None = None
        self.first_run = False
        """Whether this command created the local user (the first run on this database)."""
        self.replayable = True
        """Whether running the command's work again would do the same: not once it read a
        stream that cannot be read again (stdin) or wrote output (an export)."""

    async def __aenter__(self) -> LocalBackend:
        try:
            engine = await db.open_database(self._url)
            self._stack.push_async_callback(engine.dispose)
            session = await self._stack.enter_async_context(db.session_factory(engine)())
            await self._stack.enter_async_context(session.begin())
            self._engine, self._session = engine, session
            self._user = await self._local_user(session)
        except BaseException:
            await self._stack.aclose()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # The transaction's context manager commits on success and rolls back on error.
        await self._stack.__aexit__(exc_type, exc, tb)

    async def _local_user(self, session: AsyncSession) -> User:
        user = await users.get_by_email(session, LOCAL_EMAIL)
        if user is None:
            user = await users.create_local(
                session, display_name=local_display_name(), email=LOCAL_EMAIL
            )
            self.first_run = True
        return user

    @property
    def session(self) -> AsyncSession:
        assert self._session is not None, "use the backend as `async with`"
        return self._session

    @property
    def user(self) -> User:
        assert self._user is not None, "use the backend as `async with`"
        return self._user

    async def whoami(self) -> JSON:
        return _dump(UserRead.model_validate(self.user))

    async def set_display_name(self, name: str) -> JSON:
        valid = _input(UserUpdate, {"display_name": name}).display_name
        kept = await users.rename(self.session, self.user, valid)
        return {"user": await self.whoami(), "unchanged_in": kept}

    # --- groups ---------------------------------------------------------------------------

    async def list_groups(self, *, include_archived: bool = True) -> list[JSON]:
        found = await groups.list_groups(self.session, self.user, include_archived=include_archived)
        return [_dump(g) for g in found]

    async def get_group(self, group_id: str) -> JSON:
        return _dump(await groups.get(self.session, self.user, _id(group_id, "group")))

    async def create_group(self, body: JSON) -> JSON:
        return _dump(await groups.create(self.session, self.user, _input(GroupCreate, body)))

    async def update_group(
        self, group_id: str, changes: JSON, *, expected_version: int | None = None
    ) -> JSON:
        updated = await groups.update_group(
            self.session,
            self.user,
            _id(group_id, "group"),
            _input(GroupUpdate, changes),
            expected_version=expected_version,
        )
        return _dump(updated)

    async def delete_group(self, group_id: str, *, expected_version: int | None = None) -> None:
        await groups.delete(
            self.session, self.user, _id(group_id, "group"), expected_version=expected_version
        )

    # --- members --------------------------------------------------------------------------

    async def list_members(self, group_id: str) -> list[JSON]:
        found = await members.list_members(self.session, self.user, _id(group_id, "group"))
        return [_dump(m) for m in found]

    async def add_member(self, group_id: str, body: JSON) -> JSON:
        added = await members.add(
            self.session, self.user, _id(group_id, "group"), _input(MemberCreate, body)
        )
        return _dump(added)

    async def update_member(self, group_id: str, member_id: str, changes: JSON) -> JSON:
        updated = await members.update(
            self.session,
            self.user,
            _id(group_id, "group"),
            _id(member_id, "member"),
            _input(MemberUpdate, changes),
        )
        return _dump(updated)

    async def remove_member(self, group_id: str, member_id: str) -> None:
        await members.remove(
            self.session, self.user, _id(group_id, "group"), _id(member_id, "member")
        )

    # --- invites --------------------------------------------------------------------------

    async def create_invite(
        self, group_id: str, member_id: str, *, expires_in_hours: int | None = None
    ) -> JSON:
        body: JSON = {"member_id": member_id}
        if expires_in_hours is not None:
            body["expires_in_hours"] = expires_in_hours
        created = await invites.create_invite(
            self.session, self.user, _id(group_id, "group"), _input(InviteCreate, body)
        )
        return _dump(created)

    async def accept_invite_token(self, token: str) -> JSON:
        return _dump(await invites.accept_invite(self.session, self.user, token))

    # --- invites addressed to the local user ----------------------------------------------

    async def received_invites(self) -> list[JSON]:
        return [_dump(i) for i in await invites.received(self.session, self.user)]

    async def accept_invite(self, invite_id: str) -> JSON:
        joined = await invites.accept_received(self.session, self.user, _id(invite_id, "invite"))
        return _dump(joined)

    async def decline_invite(self, invite_id: str) -> None:
        await invites.decline_received(self.session, self.user, _id(invite_id, "invite"))

    # --- transactions ---------------------------------------------------------------------

    async def create_transaction(self, body: JSON) -> JSON:
        created = await transactions.create(
            self.session, self.user, _input(TransactionCreate, body)
        )
        return _dump(created)

    async def get_transaction(self, transaction_id: str) -> JSON:
        found = await transactions.get(self.session, self.user, _id(transaction_id, "transaction"))
        return _dump(found)

    async def list_transactions(
        self, filters: JSON, *, limit: int = 50, cursor: str | None = None
    ) -> JSON:
        page = await transactions.list_transactions(
            self.session,
            self.user,
            _input(TransactionFilter, filters),
            limit=limit,
            cursor=cursor,
        )
        return _dump(page)

    async def update_transaction(
        self, transaction_id: str, changes: JSON, *, expected_version: int | None = None
    ) -> JSON:
        updated = await transactions.update(
            self.session,
            self.user,
            _id(transaction_id, "transaction"),
            _input(TransactionUpdate, changes),
            expected_version=expected_version,
        )
        return _dump(updated)

    async def delete_transaction(
        self, transaction_id: str, *, expected_version: int | None = None
    ) -> JSON:
        deleted = await transactions.delete(
            self.session,
            self.user,
            _id(transaction_id, "transaction"),
            expected_version=expected_version,
        )
        return _dump(deleted)

    async def restore_transaction(
        self, transaction_id: str, *, expected_version: int | None = None
    ) -> JSON:
        restored = await transactions.restore(
            self.session,
            self.user,
            _id(transaction_id, "transaction"),
            expected_version=expected_version,
        )
        return _dump(restored)

    # --- balances, settle-up, activity, report --------------------------------------------

    async def balances(self, group_id: str, *, currency: str | None = None) -> list[JSON]:
        rows = await balances.read(
            self.session, self.user, _id(group_id, "group"), currency=currency
        )
        return [_dump(r) for r in rows]

    async def verify_balances(self, group_id: str, *, repair: bool = False) -> JSON:
        report = await balances.verify(
            self.session, self.user, _id(group_id, "group"), repair=repair
        )
        return _dump(report)

    async def converted_balances(
        self, group_id: str, *, currency: str, date: str | None = None
    ) -> JSON:
        converted = await balances.read_converted(
            self.session, self.user, _id(group_id, "group"), currency=currency, on=_day(date)
        )
        return _dump(converted)

    async def suggest_settlement(
        self,
        group_id: str,
        *,
        currency: str | None = None,
        in_currency: str | None = None,
        date: str | None = None,
    ) -> JSON:
        suggestion = await settle_up.suggest(
            self.session,
            self.user,
            _id(group_id, "group"),
            currency=currency,
            in_currency=in_currency,
            on=_day(date),
        )
        return _dump(suggestion)

    async def record_settlement(
        self,
        group_id: str,
        *,
        currency: str | None = None,
        date: str | None = None,
        in_currency: str | None = None,
    ) -> list[JSON]:
        recorded = await settle_up.record(
            self.session,
            self.user,
            _id(group_id, "group"),
            currency=currency,
            date=_day(date),
            in_currency=in_currency,
        )
        return [_dump(t) for t in recorded]

    # --- exchange rates ---------------------------------------------------------------------

    async def list_rates(self, group_id: str, *, currency: str | None = None) -> list[JSON]:
        found = await rates.list_rates(
            self.session, self.user, _id(group_id, "group"), currency=currency
        )
        return [_dump(r) for r in found]

    async def set_rate(
        self, group_id: str, currency: str, rate: str, *, valid_from: str | None = None
    ) -> JSON:
        body = {"currency": currency, "rate": rate, "valid_from": valid_from}
        data = _input(RateSet, {k: v for k, v in body.items() if v is not None})
        return _dump(await rates.set_rate(self.session, self.user, _id(group_id, "group"), data))

    async def delete_rate(self, group_id: str, rate_id: str) -> None:
        await rates.delete_rate(
            self.session, self.user, _id(group_id, "group"), _id(rate_id, "rate")
        )

    async def watch(self, group_id: str, *, after: str | None = None) -> AsyncIterator[JSON]:
        gid = _id(group_id, "group")
        position = await events.start(self.session, self.user, gid, after, field="--after")
        await self.session.commit()  # the command's transaction ends: nothing stays locked
        self.replayable = False
        assert self._engine is not None
        poll = get_settings().events_poll_seconds
        looks = events.follow(db.session_factory(self._engine), self.user, gid, position, poll=poll)
        async with aclosing(looks):
            async for batch in looks:
                for event in batch:
                    yield _dump(event)

    async def activity(self, group_id: str, *, limit: int = 50, cursor: str | None = None) -> JSON:
        page = await activity.list_activity(
            self.session, self.user, _id(group_id, "group"), limit=limit, cursor=cursor
        )
        return _dump(page)

    async def spending(
        self,
        *,
        by: Literal["month", "category"],
        date_from: str | None = None,
        date_to: str | None = None,
        group_id: str | None = None,
    ) -> JSON:
        found = await summary.spending(
            self.session,
            self.user,
            by=by,
            date_from=dt.date.fromisoformat(date_from) if date_from else None,
            date_to=dt.date.fromisoformat(date_to) if date_to else None,
            group_id=_id(group_id, "group") if group_id else None,
        )
        return _dump(found)

    # --- webhooks ---------------------------------------------------------------------------

    async def create_webhook(self, group_id: str, body: JSON) -> JSON:
        created = await webhooks.subscribe(
            self.session,
            self.user,
            _id(group_id, "group"),
            _input(WebhookCreate, body),
            settings=get_settings(),
        )
        return _dump(created)

    async def list_webhooks(self, group_id: str) -> list[JSON]:
        found = await webhooks.list_subscriptions(self.session, self.user, _id(group_id, "group"))
        return [_dump(w) for w in found]

    async def get_webhook(self, group_id: str, webhook_id: str) -> JSON:
        found = await webhooks.get(
            self.session, self.user, _id(group_id, "group"), _id(webhook_id, "webhook")
        )
        return _dump(found)

    async def update_webhook(self, group_id: str, webhook_id: str, changes: JSON) -> JSON:
        updated = await webhooks.update_subscription(
            self.session,
            self.user,
            _id(group_id, "group"),
            _id(webhook_id, "webhook"),
            _input(WebhookUpdate, changes),
            settings=get_settings(),
        )
        return _dump(updated)

    async def delete_webhook(self, group_id: str, webhook_id: str) -> None:
        await webhooks.delete_subscription(
            self.session, self.user, _id(group_id, "group"), _id(webhook_id, "webhook")
        )

    async def rotate_webhook_secret(self, group_id: str, webhook_id: str) -> JSON:
        rotated = await webhooks.rotate_secret(
            self.session,
            self.user,
            _id(group_id, "group"),
            _id(webhook_id, "webhook"),
            settings=get_settings(),
        )
        return _dump(rotated)

    async def webhook_deliveries(
        self, group_id: str, webhook_id: str, *, status: str | None = None, limit: int = 50
    ) -> list[JSON]:
        if status not in (None, "pending", "delivered", "failed"):
            raise ValidationError.at("status", "must be pending, delivered or failed")
        found = await webhooks.deliveries(
            self.session,
            self.user,
            _id(group_id, "group"),
            _id(webhook_id, "webhook"),
            status=cast(DeliveryStatus | None, status),  # checked above
            limit=limit,
        )
        return [_dump(d) for d in found]

    async def redeliver_webhook(self, group_id: str, webhook_id: str, delivery_id: str) -> JSON:
        queued = await webhooks.redeliver(
            self.session,
            self.user,
            _id(group_id, "group"),
            _id(webhook_id, "webhook"),
            _id(delivery_id, "delivery"),
        )
        return _dump(queued)

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
        # Inside this command's one transaction: the commit on success makes all of it true.
        # The core streams (pass 1 spools to disk), so a file of any size is fine here.
        from pennywise_core import imports
        from pennywise_core.bank_mapping import BankMapping

        options = imports.ImportOptions(
            member_map={name: _id(mid, "member") for name, mid in (member_map or {}).items()},
            currency=currency,
            bank=BankMapping.parse(bank_mapping) if bank_mapping is not None else None,
            convert=convert,
        )

        def report(step: imports.Progress) -> None:
            assert progress is not None
            progress(step.phase, step.rows, step.bytes_read)

        if not isinstance(source, str | os.PathLike):
            self.replayable = False
        with _opened(source) as file:
            result = await imports.run(
                self.session,
                self.user,
                _id(group_id, "group"),
                file,
                format=format,
                options=options,
                dry_run=dry_run,
                skip_invalid=skip_invalid,
                progress=report if progress is not None else None,
            )
        return _dump(result)

    async def export(self, group_id: str, out: IO[bytes], *, format: str) -> None:
        from pennywise_core import exports

        self.replayable = False
        group = _id(group_id, "group")
        if db.reads_one_snapshot(self.session):
            await exports.write(self.session, self.user, group, out, format=format)
            return
        # The command's transaction has begun, at READ COMMITTED: the export reads on a
        # session of its own that sees one snapshot from start to end.
        assert self._engine is not None
        async with db.session_factory(self._engine)() as snapshot:
            await db.begin_snapshot(snapshot)
            await exports.write(snapshot, self.user, group, out, format=format)


def _welcome(name: str) -> None:
    from pennywise_cli.output import say

    say(
        f'note: you are {name!r} in your groups here (tables say "you"); '
        '`pennywise config set name "Your Name"` changes it'
    )


async def run(database_url: str | None, work: Callable[[LocalBackend], Awaitable[T]]) -> T:
    """``work`` with a local backend: one database transaction, committed when it returns.

    On PostgreSQL, a transaction the database rolled back for a deadlock or a serialization
    failure (:func:`pennywise_core.db.is_retryable`) is run again, up to
    :data:`~pennywise_core.db.MAX_ATTEMPTS` times in all, unless the work can no longer be
    repeated (:attr:`LocalBackend.replayable`). Nothing of a rolled-back run was committed.
    """
    for attempt in range(1, db.MAX_ATTEMPTS + 1):
        backend = LocalBackend(database_url)
        try:
            async with backend:
                result = await work(backend)
            if backend.first_run:
                _welcome(backend.user.display_name)
            return result
        except DBAPIError as exc:
            if attempt == db.MAX_ATTEMPTS or not backend.replayable or not db.is_retryable(exc):
                raise
    raise AssertionError("unreachable")


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None
