"""``pennywise member``: add people to a group, list them, change roles, remove them."""

from __future__ import annotations

import enum
from typing import Annotated, Any

import typer

from pennywise_cli.backends import Backend
from pennywise_cli.commands.common import GroupArg, MemberArg, find_group, find_member
from pennywise_cli.commands.group import MEMBER_COLUMNS
from pennywise_cli.output import Column, FormatOption, emit, emit_record, say
from pennywise_cli.runtime import call

JSON = dict[str, Any]

app = typer.Typer(help="Add, list, change and remove the members of a group.", no_args_is_help=True)


class Role(enum.StrEnum):
    """The roles of DESIGN.md, most powerful first (the API checks who may grant which)."""

    owner = "owner"
    admin = "admin"
    member = "member"
    viewer = "viewer"


MEMBER_FIELDS = [
    Column("id", lambda m: m["id"]),
    Column("name", lambda m: m["display_name"]),
    Column("role", lambda m: m["role"]),
    Column("weight", lambda m: m["weight"]),
    Column("account", lambda m: m["user_id"] or "placeholder"),
    Column("group", lambda m: m["group_id"]),
]


@app.command()
def add(
    ctx: typer.Context,
    group: GroupArg,
    name: Annotated[
        str | None,
        typer.Argument(
            metavar="NAME",
            help="Their name in the group (with --email, by default the email's local part).",
            show_default=False,
        ),
    ] = None,
    *,
    email: Annotated[
        str | None,
        typer.Option(
            help="Invite the person with this email to claim the placeholder: they join when "
            "they accept (`pennywise invite accept`).",
            show_default=False,
        ),
    ] = None,
    role: Annotated[Role, typer.Option(help="Their role.")] = Role.member,
    weight: Annotated[
        str | None,
        typer.Option(
            help="Default weight in shares splits (e.g. 2 for a couple).", show_default=False
        ),
    ] = None,
    fmt: FormatOption = None,
) -> None:
    """Add a member: a named placeholder (NAME), and with --email an invite to claim it.

    Nobody joins a group without saying yes: the person with that email sees the invite
    (`pennywise invite list`) and accepts or declines it."""
    if name is None and email is None:
        raise typer.BadParameter("give a NAME (a placeholder) or --email (to invite someone)")
    body: JSON = {"role": role.value}
    if name is not None:
        body["display_name"] = name
    if email is not None:
        body["email"] = email
    if weight is not None:
        body["weight"] = weight

    async def work(backend: Backend) -> JSON:
        found = await find_group(backend, group)
        return await backend.add_member(found["id"], body)

    member = call(ctx, work)
    say(f"added {member['display_name']!r} as {member['role']}")
    if email is not None:
        say(f"invited {email} to claim {member['display_name']!r}: they join when they accept")
    emit_record(member, fmt, fields=MEMBER_FIELDS)


@app.command("list")
def list_(ctx: typer.Context, group: GroupArg, *, fmt: FormatOption = None) -> None:
    """The group's current members, in the order they joined."""

    async def work(backend: Backend) -> list[JSON]:
        found = await find_group(backend, group)
        return await backend.list_members(found["id"])

    emit(call(ctx, work), fmt, columns=MEMBER_COLUMNS)


@app.command("role")
def role_(
    ctx: typer.Context,
    group: GroupArg,
    member: MemberArg,
    role: Annotated[
        Role,
        typer.Argument(
            metavar="ROLE", help="The new role: owner, admin, member or viewer.", show_default=False
        ),
    ],
    *,
    fmt: FormatOption = None,
) -> None:
    """Change a member's role (admins; only owners grant or take owner and admin)."""

    async def work(backend: Backend) -> JSON:
        found = await find_group(backend, group)
        target = await find_member(backend, found, member)
        return await backend.update_member(found["id"], target["id"], {"role": role.value})

    updated = call(ctx, work)
    say(f"{updated['display_name']!r} is now {updated['role']}")
    emit_record(updated, fmt, fields=MEMBER_FIELDS)


@app.command()
def remove(
    ctx: typer.Context, group: GroupArg, member: MemberArg, *, fmt: FormatOption = None
) -> None:
    """Remove a member (or leave: `me`). Refused while their balance is not zero."""

    async def work(backend: Backend) -> JSON:
        found = await find_group(backend, group)
        target = await find_member(backend, found, member)
        await backend.remove_member(found["id"], target["id"])
        return target

    removed = call(ctx, work)
    say(f"removed {removed['display_name']!r}")
    emit_record(removed, fmt, fields=MEMBER_FIELDS)
