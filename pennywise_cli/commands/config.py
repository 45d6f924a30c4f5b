"""``pennywise config``: what this CLI uses, and your name in it.

``pennywise config set name "Ann Smith"`` renames you (the local user, or on a server your
account): the groups you create from now on, and your member in your groups where it still
has the old name.
The first run names the local user after the login name and says how to change it.
Tables call you "you" whatever the name; machine formats (JSON, CSV) carry the name.
"""

from __future__ import annotations

import enum
from typing import Annotated, Any

import typer

from pennywise_cli.backends import Backend
from pennywise_cli.output import Column, FormatOption, emit_record, say, warn
from pennywise_cli.runtime import call, options

JSON = dict[str, Any]

app = typer.Typer(help="Show the settings in use; set your name.", no_args_is_help=True)


class Key(enum.StrEnum):
    name = "name"


@app.command("set")
def set_(
    ctx: typer.Context,
    key: Annotated[Key, typer.Argument(metavar="KEY", help="What to set: name.")],
    value: Annotated[str, typer.Argument(metavar="VALUE", help="The new value.")],
    *,
    fmt: FormatOption = None,
) -> None:
    """Set a setting: `name` is your display name (the local user's, or on a server your
    account's), and your member's in your groups where it still has the old one."""

    async def work(backend: Backend) -> JSON:
        return await backend.set_display_name(value)

    result = call(ctx, work)
    user = result["user"]
    say(f"you are now {user['display_name']!r}")
    if result["unchanged_in"]:
        warn(
            "your member keeps its old name in "
            + ", ".join(repr(g) for g in result["unchanged_in"])
            + " (another member there has the name, or your role may not rename members)"
        )
    emit_record(
        user,
        fmt,
        fields=[Column("id", lambda u: u["id"]), Column("name", lambda u: u["display_name"])],
    )


@app.command()
def show(ctx: typer.Context, *, fmt: FormatOption = None) -> None:
    """The mode, the server or database, the home directory, and who you are."""
    from pennywise_cli import config

    chosen = options(ctx)

    async def work(backend: Backend) -> JSON:
        return await backend.whoami()

    user = call(ctx, work)
    data = {
        "mode": "remote" if chosen.remote else "local",
        "api_url": chosen.api_url,
        "database_url": None if chosen.remote else chosen.database_url,
        "home": str(config.home()),
        "name": user["display_name"],
        "user_id": user["id"],
    }
    emit_record(
        data,
        fmt,
        fields=[
            Column("mode", lambda d: d["mode"]),
            Column("server", lambda d: d["api_url"] or ""),
            Column("database", lambda d: d["database_url"] or ("" if d["api_url"] else "(file)")),
            Column("home", lambda d: d["home"]),
            Column("name", lambda d: d["name"]),
            Column("user id", lambda d: d["user_id"]),
        ],
    )
