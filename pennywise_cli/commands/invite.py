"""``pennywise invite``: invite someone to claim a placeholder; accept or decline invites.

Two kinds: ``pennywise invite create GROUP MEMBER`` makes a single-use token (``pwi_…``) for
a placeholder member, shown once, for you to send; whoever accepts it (``pennywise invite
accept pwi_…``) becomes that member, with what is booked on them. Someone who adds you to a
group by email (``pennywise member add GROUP --email …``) makes an invite addressed to that
email instead: ``pennywise invite list`` shows it, and ``accept``/``decline`` take its id
or its group's name. You are not in the group, and owe nothing in it, until you accept.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from pennywise_cli.backends import Backend
from pennywise_cli.commands.common import GroupArg, MemberArg, find_group, find_member
from pennywise_cli.commands.member import MEMBER_FIELDS
from pennywise_cli.output import (
    Column,
    Format,
    FormatOption,
    emit,
    emit_record,
    resolve_format,
    say,
    short_id,
)
from pennywise_cli.resolve import pick
from pennywise_cli.runtime import call

JSON = dict[str, Any]

app = typer.Typer(
    help="Invite someone to claim a placeholder; see, accept and decline invites.",
    no_args_is_help=True,
)

CREATED_FIELDS = [
    Column("token", lambda i: i["token"]),
    Column("id", lambda i: i["id"]),
    Column("member", lambda i: i["display_name"]),
    Column("expires", lambda i: i["expires_at"]),
]

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
        help="An invite token (pwi_…), or an invite addressed to you: its id (or its "
        "start), or its group's name.",
        show_default=False,
    ),
]


async def _find(backend: Backend, query: str) -> JSON:
    received = await backend.received_invites()
    return pick("invite", query, received, label=lambda i: str(i["group_name"]))


@app.command()
def create(
    ctx: typer.Context,
    group: GroupArg,
    member: MemberArg,
    *,
    hours: Annotated[
        int | None,
        typer.Option(
            "--hours",
            min=1,
            max=30 * 24,
            help="Valid this long [default: 7 days].",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOption = None,
) -> None:
    """Invite someone to become placeholder MEMBER (admins): prints a single-use token.

    The token is shown this once: send it to them, and they run `pennywise invite accept
    TOKEN` (or use the API or the SDK). `--format id` prints the token alone.
    """

    async def work(backend: Backend) -> JSON:
        found = await find_group(backend, group)
        target = await find_member(backend, found, member)
        created = await backend.create_invite(found["id"], target["id"], expires_in_hours=hours)
        return {**created, "display_name": target["display_name"], "group_name": found["name"]}

    created = call(ctx, work)
    say(
        f"invite for {created['display_name']!r} in {created['group_name']!r}: send them the "
        "token (shown this once); they run `pennywise invite accept TOKEN`"
    )
    if resolve_format(fmt) is Format.id:  # the token is what a script needs
        sys.stdout.write(created["token"] + "\n")
        return
    emit_record(created, fmt, fields=CREATED_FIELDS)


@app.command("list")
def list_(ctx: typer.Context, *, fmt: FormatOption = None) -> None:
    """The invites addressed to your email that you can still accept, newest first."""

    async def work(backend: Backend) -> list[JSON]:
        return await backend.received_invites()

    emit(call(ctx, work), fmt, columns=INVITE_COLUMNS)


@app.command()
def accept(ctx: typer.Context, invite: InviteArg, *, fmt: FormatOption = None) -> None:
    """Accept an invite: you become that member of the group, with what is booked on them.

    INVITE is a token someone sent you (pwi_…), or an invite addressed to your email.
    """

    from pennywise_core.tokens import INVITE_PREFIX, has_prefix

    async def work(backend: Backend) -> tuple[str, JSON]:
        if has_prefix(invite.strip(), INVITE_PREFIX):
            member = await backend.accept_invite_token(invite.strip())
            return (await backend.get_group(member["group_id"]))["name"], member
        found = await _find(backend, invite)
        return found["group_name"], await backend.accept_invite(found["id"])

    group_name, member = call(ctx, work)
    say(f"joined {group_name!r} as {member['display_name']!r} ({member['role']})")
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
