"""``pennywise activity``: who changed what in a group, newest first."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from pennywise_cli.backends import Backend
from pennywise_cli.commands.common import GroupArg, find_group
from pennywise_cli.output import Column, FormatOption, emit, short_id
from pennywise_cli.runtime import call

JSON = dict[str, Any]

PAGE_SIZE = 200
_SKIPPED = {"version", "entries", "split", "paid_by", "created_by", "id", "group_id"}


def _value(value: object) -> str:
    if value is None:
        return "–"
    return str(value)


def summarize(row: JSON) -> str:
    """A short line about the change: what was created, or which fields went from what to what."""
    before, after = row.get("before") or {}, row.get("after") or {}
    if before and after:
        changed = [
            f"{key} {_value(before.get(key))} → {_value(after.get(key))}"
            for key in after
            if key not in _SKIPPED and before.get(key) != after.get(key)
        ]
        return "; ".join(changed)
    state = after or before
    if "description" in state:
        return (
            f"{state['description']} {state.get('amount', '')} {state.get('currency', '')}".strip()
        )
    if "display_name" in state:
        return f"{state['display_name']} ({state.get('role', '')})"
    if "name" in state:
        return str(state["name"])
    return ""


def activity(
    ctx: typer.Context,
    group: GroupArg,
    *,
    limit: Annotated[int, typer.Option(min=1, help="At most this many (newest first).")] = 20,
    fmt: FormatOption = None,
) -> None:
    """The group's activity log: every change with who made it and what it was before."""

    async def work(backend: Backend) -> tuple[list[JSON], dict[str, str]]:
        found = await find_group(backend, group)
        members = await backend.list_members(found["id"])
        people = {m["user_id"]: m["display_name"] for m in members if m["user_id"]}
        rows: list[JSON] = []
        cursor: str | None = None
        while len(rows) < limit:
            page = await backend.activity(
                found["id"], limit=min(PAGE_SIZE, limit - len(rows)), cursor=cursor
            )
            rows += page["items"]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        return rows, people

    rows, people = call(ctx, work)
    columns = [
        Column(
            "when", lambda r: r["created_at"][:19].replace("T", " "), full=lambda r: r["created_at"]
        ),
        Column("who", lambda r: people.get(r["actor_id"], short_id(r["actor_id"]))),
        Column("action", lambda r: r["action"]),
        Column("target", lambda r: short_id(r["target_id"]), full=lambda r: r["target_id"]),
        Column("change", summarize, flex=True),
    ]
    emit(rows, fmt, columns=columns)
