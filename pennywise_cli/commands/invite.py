"""``pennywise invite``: the invites addressed to you; accept one to join its group.

Someone who adds you to a group by email (``pennywise member add GROUP --email …``) makes a
placeholder member and an invite addressed to that email: you are not in the group, and owe
nothing in it, until you accept.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from pennywise_cli.backends import Backend
from pennywise_cli.commands.member import MEMBER_FIELDS
from pennywise_cli.output import Column, FormatOption, emit, emit_record, say, short_id
from pennywise_cli.resolve import pick
from pennywise_cli.runtime import call

JSON = dict[str, Any]

app = typer.Typer(
    help="See, accept and decline the invites addressed to you.", no_args_is_help=True
)

INVITE_COLUMNS = [
    Column("id", lambda i: short_id(i["id"]), full=lambda i: i["id"]),
    Column("group", lambda i: i["group_name"]),
    Column("as", lambda i: i["display_name"]),
    Column("role", lambda i: i["role"]),
    Column("invited by", lambda i: i["invited_by"] or ""),
    Column("expires", lambda i: i["expires_at"][:10], full=lambda i: i["expires_at"]),
]

InviteArg = Annotated[
    str,
    typer.Argument(
        metavar="INVITE",
        help="The invite's id (or its start), or its group's name.",
        show_default=False,
    ),
]


async def _find(backend: Backend, query: str) -> JSON:
    received = await backend.received_invites()
    return pick("invite", query, received, label=lambda i: str(i["group_name"]))


@app.command("list")
def list_(ctx: typer.Context, *, fmt: FormatOption = None) -> None:
    """The invites addressed to your email that you can still accept, newest first."""

    async def work(backend: Backend) -> list[JSON]:
        return await backend.received_invites()

    emit(call(ctx, work), fmt, columns=INVITE_COLUMNS)


@app.command()
def accept(ctx: typer.Context, invite: InviteArg, *, fmt: FormatOption = None) -> None:
    """Accept an invite: you become that member of the group, with what is booked on them."""

    async def work(backend: Backend) -> tuple[JSON, JSON]:
        found = await _find(backend, invite)
        return found, await backend.accept_invite(found["id"])

    found, member = call(ctx, work)
    say(f"joined {found['group_name']!r} as {member['display_name']!r} ({member['role']})")
    emit_record(member, fmt, fields=MEMBER_FIELDS)


@app.command()
def decline(ctx: typer.Context, invite: InviteArg, *, fmt: FormatOption = None) -> None:
    """Decline an invite: it can no longer be accepted."""

    async def work(backend: Backend) -> JSON:
        found = await _find(backend, invite)
        await backend.decline_invite(found["id"])
        return found

    found = call(ctx, work)
    say(f"declined the invite to {found['group_name']!r}")
    emit_record(found, fmt, fields=INVITE_COLUMNS)
