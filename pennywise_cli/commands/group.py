"""``pennywise group``: create, list, show, archive and delete groups."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from pennywise_cli.backends import Backend
from pennywise_cli.commands.common import GroupArg, currency_code, find_group
from pennywise_cli.output import Column, FormatOption, emit, emit_record, say, short_id
from pennywise_cli.runtime import call

JSON = dict[str, Any]

app = typer.Typer(help="Create, list, show, archive and delete groups.", no_args_is_help=True)

GROUP_COLUMNS = [
    Column("id", lambda g: short_id(g["id"]), full=lambda g: g["id"]),
    Column("name", lambda g: g["name"]),
    Column("currency", lambda g: g["default_currency"]),
    Column("my role", lambda g: g["my_role"]),
    Column("archived", lambda g: g["archived"]),
]
GROUP_FIELDS = [
    Column("id", lambda g: g["id"]),
    Column("name", lambda g: g["name"]),
    Column("currency", lambda g: g["default_currency"]),
    Column("my role", lambda g: g["my_role"]),
    Column("archived", lambda g: g["archived"]),
    Column("version", lambda g: g["version"]),
    Column("created", lambda g: g["created_at"]),
]
MEMBER_COLUMNS = [
    Column("id", lambda m: short_id(m["id"]), full=lambda m: m["id"]),
    Column("name", lambda m: m["display_name"]),
    Column("role", lambda m: m["role"]),
    Column("weight", lambda m: m["weight"], right=True),
    Column("account", lambda m: "placeholder" if m["is_placeholder"] else "user"),
]


@app.command()
def create(
    ctx: typer.Context,
    name: Annotated[
        str, typer.Argument(metavar="NAME", help="The group's name.", show_default=False)
    ],
    *,
    currency: Annotated[
        str, typer.Option("--currency", "-c", help="Default currency (ISO 4217).")
    ] = "EUR",
    fmt: FormatOption = None,
) -> None:
    """Create a group; you become its owner. Its name must differ from your other groups'."""

    async def work(backend: Backend) -> JSON:
        return await backend.create_group(
            {"name": name, "default_currency": currency_code(currency)}
        )

    group = call(ctx, work)
    say(f"created group {group['name']!r} ({group['default_currency']})")
    emit_record(group, fmt, fields=GROUP_FIELDS)


@app.command("list")
def list_(
    ctx: typer.Context,
    *,
    active: Annotated[bool, typer.Option("--active", help="Leave archived groups out.")] = False,
    fmt: FormatOption = None,
) -> None:
    """The groups you belong to."""

    async def work(backend: Backend) -> list[JSON]:
        return await backend.list_groups(include_archived=not active)

    emit(call(ctx, work), fmt, columns=GROUP_COLUMNS)


@app.command()
def show(ctx: typer.Context, group: GroupArg, *, fmt: FormatOption = None) -> None:
    """A group and its members (JSON: the group with a ``members`` list)."""

    async def work(backend: Backend) -> JSON:
        found = await find_group(backend, group)
        return {**found, "members": await backend.list_members(found["id"])}

    data = call(ctx, work)
    emit_record(
        data, fmt, fields=GROUP_FIELDS, details=[("members", MEMBER_COLUMNS, data["members"])]
    )


@app.command()
def archive(
    ctx: typer.Context,
    group: GroupArg,
    *,
    unarchive: Annotated[
        bool, typer.Option("--unarchive", help="Open an archived group again.")
    ] = False,
    fmt: FormatOption = None,
) -> None:
    """Archive a group (its ledger closes: no changes until it is unarchived)."""

    async def work(backend: Backend) -> JSON:
        found = await find_group(backend, group)
        return await backend.update_group(
            found["id"], {"archived": not unarchive}, expected_version=found["version"]
        )

    updated = call(ctx, work)
    say(f"{'unarchived' if unarchive else 'archived'} group {updated['name']!r}")
    emit_record(updated, fmt, fields=GROUP_FIELDS)


@app.command()
def delete(
    ctx: typer.Context,
    group: GroupArg,
    *,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Do not ask; needed when stdin is not a terminal.")
    ] = False,
    fmt: FormatOption = None,
) -> None:
    """Delete a group and everything in it, for every member (owners only).

    It can no longer be read or changed by anyone; `group archive` keeps it readable instead.
    Asks first, unless --yes.
    """

    async def find(backend: Backend) -> JSON:
        return await find_group(backend, group)

    found = call(ctx, find)
    if not yes:
        if not sys.stdin.isatty():
            raise typer.BadParameter(
                f"deleting {found['name']!r} cannot be undone: add --yes to confirm"
            )
        typer.confirm(
            f"Delete group {found['name']!r} ({short_id(found['id'])}) and all its "
            "transactions, for every member?",
            abort=True,
            err=True,
        )

    async def work(backend: Backend) -> None:
        await backend.delete_group(found["id"], expected_version=found["version"])

    call(ctx, work)
    say(f"deleted group {found['name']!r}")
    deleted_fields = [*GROUP_FIELDS, Column("deleted", lambda g: g["deleted"])]
    emit_record({**found, "deleted": True}, fmt, fields=deleted_fields)
