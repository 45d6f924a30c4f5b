"""The one interface every command is written against, and how to get one.

:class:`Backend` has two implementations: :class:`~pennywise_cli.backends.local.LocalBackend`
(the core's services on a database this machine opens, by default the embedded SQLite file)
and :class:`~pennywise_cli.backends.remote.RemoteBackend` (the HTTP API under ``/api/v1``).

Records travel as the API's JSON: plain dicts with ids and amounts as strings, exactly what
``GET /api/v1/...`` returns. The local backend dumps the core's read schemas in JSON mode, so
a command cannot tell the two apart and ``--format json`` prints the same in both modes.
Inputs are the API's request bodies (``TransactionCreate`` and friends, as dicts).

A backend is an async context manager that lives for one command: the local one wraps the
whole command in one database transaction (committed when the command succeeds, rolled
back when it fails); the remote one holds one HTTP connection pool.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AbstractAsyncContextManager
from typing import IO, Any, Literal, Protocol

JSON = dict[str, Any]
"""A record in the API's JSON shape (GroupRead, MemberRead, TransactionRead, …)."""

Mode = Literal["local", "remote"]

ImportProgress = Callable[[str, int, int], None]
"""Called as an import goes: ``(phase, rows, bytes_read)``. ``phase`` is ``validate`` (reading
and checking the file; ``rows`` read so far), ``write`` (``rows`` written so far) or, in
remote mode, ``upload`` (``rows`` 0). ``bytes_read``: how much of the file was consumed."""


class Backend(Protocol):
    """Everything the commands do, once, for both modes.

    Ids are strings (UUIDs). Errors are the core's ``PennywiseError`` subclasses (local) or
    :class:`~pennywise_cli.errors.ApiError` (remote); the error boundary treats both alike.
    """

    @property
    def mode(self) -> Mode:
        """``local`` or ``remote``."""
        ...

    async def whoami(self) -> JSON: ...
    async def set_display_name(self, name: str) -> JSON:
        """Rename yourself: ``{"user": UserRead, "unchanged_in": [group names]}``,
        the groups where your member keeps the old name (see ``users.rename``)."""
        ...

    # groups
    async def list_groups(self, *, include_archived: bool = True) -> list[JSON]: ...
    async def get_group(self, group_id: str) -> JSON: ...
    async def create_group(self, body: JSON) -> JSON: ...
    async def update_group(
        self, group_id: str, changes: JSON, *, expected_version: int | None = None
    ) -> JSON: ...
    async def delete_group(self, group_id: str, *, expected_version: int | None = None) -> None:
        """Delete the group (owners only; soft, as the API's ``DELETE /groups/{id}``)."""
        ...

    # members
    async def list_members(self, group_id: str) -> list[JSON]: ...
    async def add_member(self, group_id: str, body: JSON) -> JSON: ...
    async def update_member(self, group_id: str, member_id: str, changes: JSON) -> JSON: ...
    async def remove_member(self, group_id: str, member_id: str) -> None: ...

    # invites
    async def create_invite(
        self, group_id: str, member_id: str, *, expires_in_hours: int | None = None
    ) -> JSON:
        """An invite to claim placeholder ``member_id``: the API's ``InviteCreated``, with
        its ``token`` (``pwi_…``), shown this once."""
        ...

    async def accept_invite_token(self, token: str) -> JSON:
        """Claim the placeholder an invite token names; the member you became."""
        ...

    # invites addressed to the signed-in user
    async def received_invites(self) -> list[JSON]: ...
    async def accept_invite(self, invite_id: str) -> JSON: ...
    async def decline_invite(self, invite_id: str) -> None: ...

    # transactions
    async def create_transaction(self, body: JSON) -> JSON: ...
    async def get_transaction(self, transaction_id: str) -> JSON: ...
    async def list_transactions(
        self, filters: JSON, *, limit: int = 50, cursor: str | None = None
    ) -> JSON:
        """A page: ``{"items": [...], "next_cursor": str | None}``."""
        ...

    async def update_transaction(
        self, transaction_id: str, changes: JSON, *, expected_version: int | None = None
    ) -> JSON: ...
    async def delete_transaction(
        self, transaction_id: str, *, expected_version: int | None = None
    ) -> JSON: ...
    async def restore_transaction(
        self, transaction_id: str, *, expected_version: int | None = None
    ) -> JSON: ...

    # balances, settle-up, activity, report
    async def balances(self, group_id: str, *, currency: str | None = None) -> list[JSON]: ...
    async def verify_balances(self, group_id: str, *, repair: bool = False) -> JSON: ...
    async def converted_balances(
        self, group_id: str, *, currency: str, date: str | None = None
    ) -> JSON:
        """``ConvertedBalances``: every balance in ``currency`` at the rates of ``date``."""
        ...

    async def suggest_settlement(
        self,
        group_id: str,
        *,
        currency: str | None = None,
        in_currency: str | None = None,
        date: str | None = None,
    ) -> JSON: ...
    async def record_settlement(
        self,
        group_id: str,
        *,
        currency: str | None = None,
        date: str | None = None,
        in_currency: str | None = None,
    ) -> list[JSON]: ...

    # exchange rates
    async def list_rates(self, group_id: str, *, currency: str | None = None) -> list[JSON]: ...
    async def set_rate(
        self, group_id: str, currency: str, rate: str, *, valid_from: str | None = None
    ) -> JSON: ...
    async def delete_rate(self, group_id: str, rate_id: str) -> None: ...
    def watch(self, group_id: str, *, after: str | None = None) -> AsyncIterator[JSON]:
        """The group's events as they are committed (the API's ``EventRead``), from now
        on or after the event id ``after``, until the caller stops iterating. Local mode
        ends the command's own transaction first and looks every
        ``PENNYWISE_EVENTS_POLL_SECONDS`` in a short one of its own
        (:func:`pennywise_core.services.events.follow`), so nothing stays locked."""
        ...

    async def activity(
        self, group_id: str, *, limit: int = 50, cursor: str | None = None
    ) -> JSON: ...
    async def spending(
        self,
        *,
        by: Literal["month", "category"],
        date_from: str | None = None,
        date_to: str | None = None,
        group_id: str | None = None,
    ) -> JSON:
        """The caller's ``SummaryRead``: spent, received and net per period or category."""
        ...

    # webhooks (owners and admins; the deliveries themselves: ``pennywise webhooks deliver``
    # on the database, or the API server's worker)
    async def create_webhook(self, group_id: str, body: JSON) -> JSON:
        """Subscribe (``body``: the API's ``WebhookCreate``): the API's ``WebhookCreated``,
        with its ``secret`` (``whsec_…``), shown this once."""
        ...

    async def list_webhooks(self, group_id: str) -> list[JSON]: ...
    async def get_webhook(self, group_id: str, webhook_id: str) -> JSON: ...
    async def update_webhook(self, group_id: str, webhook_id: str, changes: JSON) -> JSON:
        """Change what ``changes`` gives (the API's ``WebhookUpdate``: ``url``, ``events``,
        ``description``, ``enabled``)."""
        ...

    async def delete_webhook(self, group_id: str, webhook_id: str) -> None: ...
    async def rotate_webhook_secret(self, group_id: str, webhook_id: str) -> JSON:
        """The API's ``WebhookSecret``: the new ``secret``, shown this once."""
        ...

    async def webhook_deliveries(
        self, group_id: str, webhook_id: str, *, status: str | None = None, limit: int = 50
    ) -> list[JSON]:
        """The delivery log (``DeliveryRead``), newest first."""
        ...

    async def redeliver_webhook(self, group_id: str, webhook_id: str, delivery_id: str) -> JSON:
        """Queue a past delivery to be sent again soon: its ``DeliveryRead``."""
        ...

    # imports and exports
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
        """Import a file (a path, or a binary file such as stdin) into the group.

        All or nothing: any bad row raises a validation error that lists each bad cell at
        ``("row", <row>, <column>)``, and nothing is written; ``skip_invalid``: the good
        rows are imported, and the report's ``invalid_rows`` lists each bad one. ``format``: one of
        ``pennywise_core.imports.FORMATS`` (detected when None; ``bank-csv`` when
        ``bank_mapping`` is given). ``member_map``: ``{name in the file: member id}``.
        ``bank_mapping``: the API's ``BankMappingIn`` as a dict (members in ``paid_by`` and
        ``split`` as ids). ``currency``: for files that do not say it. ``convert``: book
        every row in another currency in the group's (``ImportOptions.convert``). Returns the
        ``ImportReport`` as the API's JSON (``dry_run``: what would be created, nothing
        written).
        """
        ...

    async def export(self, group_id: str, out: IO[bytes], *, format: str) -> None:
        """Write the group's export in ``format`` (``pennywise-json``, ``pennywise-csv``,
        ``splitwise-csv``) to the binary file ``out``, streamed."""
        ...


def open_backend(
    *, api_url: str | None, database_url: str | None
) -> AbstractAsyncContextManager[Backend]:
    """Remote mode when an API URL is configured, local mode otherwise."""
    if api_url:
        from pennywise_cli.backends.remote import RemoteBackend

        return RemoteBackend(api_url)
    from pennywise_cli.backends.local import LocalBackend

    return LocalBackend(database_url)
