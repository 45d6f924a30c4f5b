"""``pennywise webhooks``: URLs told of a group's events, signed, with a delivery log.

A group's owners and admins subscribe a URL (``add``) to event types; each event of those
types is then POSTed to it as JSON, signed per Standard Webhooks with the webhook's secret
(``whsec_…``, shown once, when it is added or rotated), tried again with growing delays
when the receiver fails, and logged (``deliveries``). ``redeliver`` sends one again.

Who sends: the API server's worker, by itself, every
``PENNYWISE_WEBHOOKS_INTERVAL_SECONDS``; in local mode, ``pennywise webhooks deliver``
(from cron, or ``--forever``), which acts on the database itself, like ``recurring run``.
"""

from __future__ import annotations

import dataclasses
import enum
import time
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pennywise_cli.backends import Backend
from pennywise_cli.commands.common import GroupArg, find_group
from pennywise_cli.commands.db import UrlOption, database_url_for
from pennywise_cli.errors import CliError, WrongModeError
from pennywise_cli.output import (
    Column,
    Format,
    FormatOption,
    emit,
    emit_record,
    resolve_format,
    say,
    short_id,
    warn,
)
from pennywise_cli.resolve import is_uuid, pick
from pennywise_cli.runtime import call, options, run_async
from pennywise_core.vocabulary import DEFAULT_WEBHOOK_EVENTS, EVENT_TYPES

if TYPE_CHECKING:
    from pennywise_core.webhook_schemas import DeliveryRound

JSON = dict[str, Any]

app = typer.Typer(
    help="Send a group's events to a URL, signed; see and retry deliveries (admins).",
    no_args_is_help=True,
)


def _grouped(names: tuple[str, ...]) -> str:
    """``transaction.created, .updated; member.added``: the event types, short, for --help."""
    kinds: dict[str, list[str]] = {}
    for name in names:
        kind, _, what = name.partition(".")
        kinds.setdefault(kind, []).append(what)
    return "; ".join(f"{kind}." + ", .".join(whats) for kind, whats in kinds.items())


_EVENTS_HELP = _grouped(EVENT_TYPES)


def _when(value: str | None) -> str:
    return (value or "")[:19].replace("T", " ")


WEBHOOK_COLUMNS = [
    Column("id", lambda w: short_id(w["id"]), full=lambda w: w["id"]),
    Column("url", lambda w: w["url"], flex=True),
    Column(
        "events", lambda w: ", ".join(w["events"]), full=lambda w: " ".join(w["events"]), flex=True
    ),
    Column("enabled", lambda w: w["enabled"]),
    Column("failures", lambda w: w["failures_in_a_row"], right=True),
    Column("description", lambda w: w["description"], flex=True),
]

WEBHOOK_FIELDS = [
    Column("id", lambda w: w["id"]),
    Column("url", lambda w: w["url"]),
    Column("events", lambda w: " ".join(w["events"])),
    Column("description", lambda w: w["description"]),
    Column("enabled", lambda w: w["enabled"]),
    Column("disabled because", lambda w: w["disabled_reason"] or ""),
    Column("failures in a row", lambda w: w["failures_in_a_row"]),
    Column("created", lambda w: w["created_at"]),
    Column("old secret valid until", lambda w: w["secret_rotating_until"] or ""),
]

CREATED_FIELDS = [Column("secret", lambda w: w["secret"]), *WEBHOOK_FIELDS]

SECRET_FIELDS = [
    Column("secret", lambda s: s["secret"]),
    Column("old secret valid until", lambda s: s["previous_valid_until"]),
]

DELIVERY_COLUMNS = [
    Column("id", lambda d: short_id(d["id"]), full=lambda d: d["id"]),
    Column("event", lambda d: d["event_type"]),
    Column("status", lambda d: d["status"]),
    Column("attempts", lambda d: d["attempts"], right=True),
    Column("answer", lambda d: d["response_status"] or "", right=True),
    Column("ms", lambda d: d["latency_ms"] if d["latency_ms"] is not None else "", right=True),
    Column(
        "last attempt", lambda d: _when(d["last_attempt_at"]), full=lambda d: d["last_attempt_at"]
    ),
    Column(
        "next attempt", lambda d: _when(d["next_attempt_at"]), full=lambda d: d["next_attempt_at"]
    ),
    Column("problem", lambda d: d["error"] or "", flex=True),
    Column("event id", lambda d: d["event_id"], csv_only=True, csv_header="event_id"),
]

ROUND_FIELDS = [
    Column("rounds", lambda r: r["rounds"]),
    Column("queued", lambda r: r["queued"]),
    Column("delivered", lambda r: r["delivered"]),
    Column("retrying", lambda r: r["retrying"]),
    Column("failed", lambda r: r["failed"]),
    Column("disabled", lambda r: " ".join(r["disabled"])),
]

WebhookArg = Annotated[
    str,
    typer.Argument(
        metavar="WEBHOOK",
        help="The webhook: its id (or its start, as `list` shows it) or its URL.",
        show_default=False,
    ),
]
DeliveryArg = Annotated[
    str,
    typer.Argument(
        metavar="DELIVERY",
        help="The delivery: its id (or its start, as `deliveries` shows it), or the "
        "event id the receiver got as webhook-id.",
        show_default=False,
    ),
]


def _event_types(given: list[str] | None) -> list[str]:
    """The ``--event`` values (repeated, or comma-separated), checked; the default if none."""
    if not given:
        return list(DEFAULT_WEBHOOK_EVENTS)
    chosen = [name.strip().lower() for value in given for name in value.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in EVENT_TYPES]
    if unknown or not chosen:
        raise CliError(
            f"--event {', '.join(repr(u) for u in unknown) or '(empty)'} is not an event type; "
            f"the types are: {', '.join(EVENT_TYPES)}"
        )
    return list(dict.fromkeys(chosen))


async def find_webhook(backend: Backend, group: JSON, query: str) -> JSON:
    """The group's webhook named by ``query``: its id, the start of its id, or its URL."""
    if is_uuid(query):
        return await backend.get_webhook(group["id"], query.strip().lower())
    listed = await backend.list_webhooks(group["id"])
    return pick("webhook", query, listed, label=lambda w: str(w["url"]), where=_in(group))


def _in(group: JSON) -> str:
    return f" in {group['name']!r}"


async def _target(backend: Backend, group: str, webhook: str) -> tuple[JSON, JSON]:
    found = await find_group(backend, group)
    return found, await find_webhook(backend, found, webhook)


def _sender_note(mode: str) -> str:
    if mode == "local":
        return "`pennywise webhooks deliver` sends them (from cron, or --forever)"
    return "the server sends them"


@app.command()
def add(
    ctx: typer.Context,
    group: GroupArg,
    url: Annotated[
        str,
        typer.Argument(
            metavar="URL",
            help="Where to POST each event: an https:// URL on a public address (plain http "
            "and private addresses only where the server sets "
            "PENNYWISE_WEBHOOKS_ALLOW_PRIVATE).",
            show_default=False,
        ),
    ],
    *,
    event: Annotated[
        list[str] | None,
        typer.Option(
            "--event",
            "-e",
            metavar="TYPE",
            help=f"An event type to send: {_EVENTS_HELP}. Repeat it, or separate with "
            "commas [default: the transaction.* types and settlement.recorded].",
            show_default=False,
        ),
    ] = None,
    description: Annotated[
        str | None,
        typer.Option(
            "--description",
            "-d",
            help="What it is for (at most 200 characters).",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOption = None,
) -> None:
    """Send the group's events to URL, from now on, signed (owners and admins).

    Prints the webhook's secret (whsec_…) this once: the receiver verifies each request's
    webhook-signature with it (Standard Webhooks; `pennywise_client.verify_webhook` in
    Python). Without --event: every transaction change and settle-up.
    """
    body: JSON = {"url": url.strip(), "events": _event_types(event)}
    if description is not None:
        body["description"] = description

    async def work(backend: Backend) -> tuple[str, JSON]:
        found = await find_group(backend, group)
        created = await backend.create_webhook(found["id"], body)
        return backend.mode, {**created, "group_name": found["name"]}

    mode, created = call(ctx, work)
    created.pop("group_name")
    say(
        f"webhook {short_id(created['id'])} sends {len(created['events'])} event types to "
        f"{created['url']}; {_sender_note(mode)}"
    )
    if resolve_format(fmt) is Format.id:
        warn(
            "--format id prints the id alone, not the secret (json, ndjson, csv or table "
            "show it, once): `pennywise webhooks rotate-secret` makes one to show"
        )
    else:
        warn(
            "the secret is shown only now: keep it where the receiver verifies signatures "
            "(`pennywise webhooks rotate-secret` makes a new one)"
        )
    emit_record(created, fmt, fields=CREATED_FIELDS)


@app.command("list")
def list_(ctx: typer.Context, group: GroupArg, *, fmt: FormatOption = None) -> None:
    """The group's webhooks, oldest first (never their secrets)."""

    async def work(backend: Backend) -> list[JSON]:
        found = await find_group(backend, group)
        return await backend.list_webhooks(found["id"])

    emit(call(ctx, work), fmt, columns=WEBHOOK_COLUMNS)


@app.command()
def show(
    ctx: typer.Context, group: GroupArg, webhook: WebhookArg, *, fmt: FormatOption = None
) -> None:
    """One webhook: its URL, event types, whether it is enabled, and why not."""

    async def work(backend: Backend) -> JSON:
        return (await _target(backend, group, webhook))[1]

    emit_record(call(ctx, work), fmt, fields=WEBHOOK_FIELDS)


class Status(enum.StrEnum):
    pending = "pending"
    delivered = "delivered"
    failed = "failed"


@app.command()
def deliveries(
    ctx: typer.Context,
    group: GroupArg,
    webhook: WebhookArg,
    *,
    status: Annotated[
        Status | None,
        typer.Option(
            "--status",
            help="Only these: pending (waiting for an attempt or a retry), delivered (the "
            "receiver answered 2xx) or failed (gave up after the last attempt).",
            show_default=False,
            case_sensitive=False,
        ),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", "-n", min=1, max=200, help="At most this many, newest first.")
    ] = 50,
    fmt: FormatOption = None,
) -> None:
    """The webhook's delivery log, newest first: each event's status, attempts, the last
    answer's status and latency, or why there was none."""

    async def work(backend: Backend) -> list[JSON]:
        found, hook = await _target(backend, group, webhook)
        return await backend.webhook_deliveries(
            found["id"], hook["id"], status=status.value if status else None, limit=limit
        )

    emit(call(ctx, work), fmt, columns=DELIVERY_COLUMNS)


@app.command()
def redeliver(
    ctx: typer.Context,
    group: GroupArg,
    webhook: WebhookArg,
    delivery: DeliveryArg,
    *,
    fmt: FormatOption = None,
) -> None:
    """Send a delivery again soon, with a fresh count of attempts and the same webhook-id
    (a receiver that de-duplicates by it sees the event once)."""

    async def work(backend: Backend) -> tuple[str, JSON]:
        found, hook = await _target(backend, group, webhook)
        if is_uuid(delivery):
            delivery_id = delivery.strip().lower()
        else:
            listed = await backend.webhook_deliveries(found["id"], hook["id"], limit=200)
            delivery_id = pick(
                "delivery", delivery, listed, label=lambda d: str(d["event_id"]), where=_in(found)
            )["id"]
        return backend.mode, await backend.redeliver_webhook(found["id"], hook["id"], delivery_id)

    mode, queued = call(ctx, work)
    say(
        f"delivery {short_id(queued['id'])} ({queued['event_type']}) is due again; "
        + _sender_note(mode)
    )
    emit_record(queued, fmt, fields=DELIVERY_COLUMNS)


@app.command("rotate-secret")
def rotate_secret(
    ctx: typer.Context, group: GroupArg, webhook: WebhookArg, *, fmt: FormatOption = None
) -> None:
    """A new secret, shown this once. Until the old one's end (a day, by default) each
    delivery carries a signature with each, so the receiver can switch without refusing
    one; rotating again ends the old one's overlap at once."""

    async def work(backend: Backend) -> JSON:
        found, hook = await _target(backend, group, webhook)
        return await backend.rotate_webhook_secret(found["id"], hook["id"])

    rotated = call(ctx, work)
    warn(
        "the new secret is shown only now; the old one keeps working until "
        f"{_when(rotated['previous_valid_until'])} UTC"
    )
    emit_record(rotated, fmt, fields=SECRET_FIELDS)


def _switch(ctx: typer.Context, group: str, webhook: str, fmt: Any, *, enabled: bool) -> None:
    async def work(backend: Backend) -> JSON:
        found, hook = await _target(backend, group, webhook)
        return await backend.update_webhook(found["id"], hook["id"], {"enabled": enabled})

    changed = call(ctx, work)
    if enabled:
        say(f"enabled {changed['url']}: events from now on are sent (none from while it was off)")
    else:
        say(f"disabled {changed['url']}: nothing is queued for it until `webhooks enable`")
    emit_record(changed, fmt, fields=WEBHOOK_FIELDS)


@app.command()
def enable(
    ctx: typer.Context, group: GroupArg, webhook: WebhookArg, *, fmt: FormatOption = None
) -> None:
    """Send deliveries again, from now on; past failures are forgotten (a webhook disabled
    after failing is enabled again this way, once its receiver works)."""
    _switch(ctx, group, webhook, fmt, enabled=True)


@app.command()
def disable(
    ctx: typer.Context, group: GroupArg, webhook: WebhookArg, *, fmt: FormatOption = None
) -> None:
    """Stop deliveries: nothing is queued for it (nor sent later) until it is enabled."""
    _switch(ctx, group, webhook, fmt, enabled=False)


@app.command()
def remove(
    ctx: typer.Context, group: GroupArg, webhook: WebhookArg, *, fmt: FormatOption = None
) -> None:
    """Unsubscribe: nothing more is sent, and its delivery log goes with it."""

    async def work(backend: Backend) -> JSON:
        found, hook = await _target(backend, group, webhook)
        await backend.delete_webhook(found["id"], hook["id"])
        return hook

    removed = call(ctx, work)
    say(f"removed the webhook for {removed['url']}")
    emit_record(removed, fmt, fields=WEBHOOK_FIELDS)


# --- the operator's command: sending ---------------------------------------------------------


@dataclasses.dataclass
class _Totals:
    rounds: int = 0
    queued: int = 0
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    disabled: list[str] = dataclasses.field(default_factory=list)

    def add(self, done: DeliveryRound) -> bool:
        """Count a round; whether it did anything."""
        self.rounds += 1
        self.queued += done.queued
        self.delivered += done.delivered
        self.retrying += done.retrying
        self.failed += done.failed
        self.disabled += [str(s) for s in done.disabled]
        return done.busy

    def summary(self) -> str:
        return (
            f"{self.delivered} delivered, {self.retrying} retrying, {self.failed} failed"
            + (f", {len(self.disabled)} webhooks disabled" if self.disabled else "")
            + f" ({self.queued} queued, {self.rounds} round{'s' if self.rounds != 1 else ''})"
        )


@app.command()
def deliver(
    ctx: typer.Context,
    *,
    forever: Annotated[
        bool,
        typer.Option(
            "--forever",
            help="Keep going: look again every --interval seconds, until Ctrl-C.",
        ),
    ] = False,
    interval: Annotated[
        float | None,
        typer.Option(
            "--interval",
            min=0.05,
            max=3600,
            metavar="SECONDS",
            help="With --forever, how long to wait when nothing is due "
            "[default: PENNYWISE_WEBHOOKS_INTERVAL_SECONDS, or 1 when that is 0].",
            show_default=False,
        ),
    ] = None,
    database_url: UrlOption = None,
    fmt: FormatOption = None,
) -> None:
    """Send the webhook deliveries that are due, from the database itself (operators).

    Queues each new event for the webhooks subscribed to it, sends what is due (retries
    included) and records each answer, round after round until a round finds nothing to
    do; then prints how many were delivered, are retrying (a later run tries them again)
    or failed for good. Safe to run from cron, or on several machines at once: each
    delivery is claimed by one sender. The API server does this by itself every
    PENNYWISE_WEBHOOKS_INTERVAL_SECONDS; this is for local mode, or a server that has it
    off (0). Uses the PENNYWISE_WEBHOOKS_* settings (timeout, retries, private targets).
    """
    chosen = options(ctx)
    if chosen.remote and not (database_url or chosen.database_url):
        raise WrongModeError(
            "webhooks deliver sends from the database itself, in local mode: the API "
            "server's worker delivers by itself every PENNYWISE_WEBHOOKS_INTERVAL_SECONDS; "
            "give --database-url to run it on a server's database"
        )
    url = database_url_for(ctx, database_url)
    totals = _Totals()

    async def _deliver() -> None:
        import asyncio

        from pennywise_api.webhooks import HttpSender
        from pennywise_core import db
        from pennywise_core.services import webhooks
        from pennywise_core.settings import get_settings

        settings = get_settings()
        pause = interval or settings.webhooks_interval_seconds or 1.0
        engine = await db.open_database(url, create=False)
        try:
            maker = db.session_factory(engine)
            async with HttpSender(settings) as sender:
                while True:
                    done = await webhooks.deliver_due(maker, sender, settings)
                    busy = totals.add(done)
                    if busy and forever:
                        say(f"{time.strftime('%H:%M:%S')} {_round_line(done)}")
                    if busy:
                        continue
                    if not forever:
                        return
                    await asyncio.sleep(pause)
        finally:
            await engine.dispose()

    try:
        run_async(_deliver())
    except KeyboardInterrupt:
        say("stopped (Ctrl-C); an attempt cut short is tried again when its claim runs out")
    result = dataclasses.asdict(totals)
    emit_record(result, fmt, fields=ROUND_FIELDS)
    say(totals.summary())
    if totals.disabled:
        warn(
            f"disabled after failing again and again: {', '.join(totals.disabled)}; "
            "`pennywise webhooks enable GROUP WEBHOOK` once the receiver works"
        )
    if totals.retrying and not forever:
        warn("deliveries that failed are tried again later: run this again (or --forever)")


def _round_line(done: DeliveryRound) -> str:
    return (
        f"{done.delivered} delivered, {done.retrying} retrying, {done.failed} failed"
        f" ({done.queued} queued)"
    )
