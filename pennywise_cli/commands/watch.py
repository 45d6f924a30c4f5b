"""``pennywise watch``: a group's changes as they happen, a line each, until interrupted."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer

from pennywise_cli.backends import Backend
from pennywise_cli.commands.common import GroupArg, find_group
from pennywise_cli.errors import CliError
from pennywise_cli.output import Format, FormatOption, resolve_format, shown
from pennywise_cli.runtime import call

JSON = dict[str, Any]


def describe(event: JSON, people: dict[str, str]) -> str:
    """One line for a person: when, what happened, to what, and who did it."""
    data = event["data"]
    when = event["created_at"][11:19]
    if "description" in data:
        what = f"{data['description']} {data.get('amount', '')} {data.get('currency', '')}"
    elif event["type"] == "settlement.recorded":
        what = f"{len(data.get('transactions', []))} transactions"
    elif "display_name" in data:
        what = str(data["display_name"])
    elif "created" in data:
        what = f"{data['created']} created, {data.get('already_imported', 0)} already there"
    elif "currency" in data and "rate" in data:
        what = f"1 {data['currency']} = {data['rate']}"
    else:
        what = str(data.get("name", ""))
    who = people.get(event["actor_id"] or "", "")
    by = f"  by {who}" if who else ""
    return shown(f"{when}  {event['type']:<22} {what.strip()}{by}")


def watch(
    ctx: typer.Context,
    group: GroupArg,
    *,
    after: Annotated[
        str | None,
        typer.Option(
            help="Start after this event id (what --format ndjson printed last; `0-0`: "
            "from the first event kept) instead of from now.",
        ),
    ] = None,
    count: Annotated[
        int | None,
        typer.Option(min=1, help="Stop after this many events (default: until Ctrl-C)."),
    ] = None,
    fmt: FormatOption = None,
) -> None:
    """Print the group's changes as they happen: expenses added, edited and deleted,
    settle-ups, members, imports, rates, recurring rules. Locally it reads the database
    every half second; with a server it listens to its event stream and, when that
    drops, picks up after the last event it printed. Piped, each event is a line of JSON
    (`--format ndjson`, with its `id` for `--after`)."""
    chosen = resolve_format(fmt)
    if chosen is Format.csv:
        raise CliError("watch prints a line per event: use --format table, ndjson or id")

    async def work(backend: Backend) -> None:
        found = await find_group(backend, group)
        members = await backend.list_members(found["id"])
        people = {m["user_id"]: m["display_name"] for m in members if m["user_id"]}
        seen = 0
        async for event in backend.watch(found["id"], after=after):
            if chosen is Format.table:
                line = describe(event, people)
            elif chosen is Format.id:
                line = event["id"]
            else:  # json and ndjson alike: a stream is one document a line
                line = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
            sys.stdout.write(line + "\n")
            sys.stdout.flush()
            seen += 1
            if count is not None and seen >= count:
                return

    call(ctx, work)
