"""``pennywise token``: personal API tokens for scripts (remote mode)."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pennywise_cli.output import Column, FormatOption, emit, emit_record, say, short_id
from pennywise_cli.resolve import is_uuid, pick
from pennywise_cli.runtime import call_remote

if TYPE_CHECKING:
    from pennywise_cli.backends.remote import RemoteBackend

JSON = dict[str, Any]

app = typer.Typer(
    help="Create, list and revoke personal API tokens (for scripts; remote mode).",
    no_args_is_help=True,
)


class Scope(enum.StrEnum):
    read = "read"
    write = "write"


TOKEN_COLUMNS = [
    Column("id", lambda t: short_id(t["id"]), full=lambda t: t["id"]),
    Column("name", lambda t: t["name"]),
    Column("scope", lambda t: t["scope"]),
    Column("prefix", lambda t: t["prefix"]),
    Column("expires", lambda t: t["expires_at"][:10], full=lambda t: t["expires_at"]),
    Column("last used", lambda t: (t["last_used_at"] or "")[:10], full=lambda t: t["last_used_at"]),
    Column("revoked", lambda t: t["revoked"]),
]


@app.command()
def create(
    ctx: typer.Context,
    name: Annotated[
        str, typer.Argument(metavar="NAME", help="What the token is for.", show_default=False)
    ],
    *,
    scope: Annotated[Scope, typer.Option(help="read, or write (changes too).")] = Scope.read,
    days: Annotated[int, typer.Option(min=1, max=365, help="Days until it expires.")] = 90,
    fmt: FormatOption = None,
) -> None:
    """Create a token. It is printed this once (field `token`): keep it secret."""

    async def work(backend: RemoteBackend) -> JSON:
        return await backend.create_api_token(
            {"name": name, "scope": scope.value, "expires_in_days": days}
        )

    created = call_remote(ctx, "token create", work)
    say("the token is shown only now; use it as PENNYWISE_TOKEN")
    emit_record(created, fmt, fields=[Column("token", lambda t: t["token"]), *TOKEN_COLUMNS])


@app.command("list")
def list_(ctx: typer.Context, *, fmt: FormatOption = None) -> None:
    """Your tokens (never the tokens themselves)."""

    async def work(backend: RemoteBackend) -> list[JSON]:
        return await backend.list_api_tokens()

    emit(call_remote(ctx, "token list", work), fmt, columns=TOKEN_COLUMNS)


@app.command()
def revoke(
    ctx: typer.Context,
    token: Annotated[
        str, typer.Argument(metavar="TOKEN", help="The token's id or name.", show_default=False)
    ],
    *,
    fmt: FormatOption = None,
) -> None:
    """Revoke a token: it stops working at once."""

    async def work(backend: RemoteBackend) -> JSON:
        listed = await backend.list_api_tokens()
        if is_uuid(token):
            found = pick("token", token, listed, label=lambda t: str(t["name"]))
        else:
            active = [t for t in listed if not t["revoked"]]
            found = pick("token", token, active, label=lambda t: str(t["name"]))
        await backend.revoke_api_token(found["id"])
        # Not read back: the token revoked may be the one this command is using.
        return {**found, "revoked": True}

    revoked = call_remote(ctx, "token revoke", work)
    say(f"revoked token {revoked['name']!r}")
    emit_record(revoked, fmt, fields=TOKEN_COLUMNS)
