"""``pennywise login`` and ``pennywise logout``: a session with a Pennywise server."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pennywise_cli.output import Column, FormatOption, emit_record, say
from pennywise_cli.runtime import call_remote, options

if TYPE_CHECKING:
    from pennywise_cli.backends.remote import RemoteBackend

JSON = dict[str, Any]

USER_FIELDS = [
    Column("id", lambda u: u["id"]),
    Column("name", lambda u: u["display_name"]),
    Column("email", lambda u: u["email"]),
]


def login(
    ctx: typer.Context,
    *,
    email: Annotated[
        str | None, typer.Option(help="Your account's email [prompted].", show_default=False)
    ] = None,
    password_stdin: Annotated[
        bool,
        typer.Option(
            "--password-stdin",
            help="Read the password from the first line of stdin (for scripts; needs --email).",
        ),
    ] = False,
    fmt: FormatOption = None,
) -> None:
    """Sign in to the server (--api-url / PENNYWISE_API_URL) and keep the session.

    The tokens go to PENNYWISE_HOME/credentials.json, readable by you only; an expired
    access token is refreshed on its own. Scripts may set PENNYWISE_TOKEN instead.
    """
    if not options(ctx).api_url:
        raise typer.BadParameter("login needs the server: give --api-url or set PENNYWISE_API_URL")
    if password_stdin:
        if email is None:
            raise typer.BadParameter("give --email with --password-stdin (stdin has the password)")
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise typer.BadParameter("stdin held no password", param_hint="--password-stdin")
    elif not sys.stdin.isatty():
        # getpass would read the pipe with a GetPassWarning: say how to do it on purpose.
        raise typer.BadParameter(
            "stdin is not a terminal, so the password cannot be asked for: to read it from "
            "stdin, add --password-stdin (e.g. `pass show pennywise | pennywise login "
            "--email you@example.org --password-stdin`)"
        )
    else:
        if email is None:
            email = typer.prompt("Email")
        password = typer.prompt("Password", hide_input=True)

    async def work(backend: RemoteBackend) -> JSON:
        return await backend.login(email, password)

    user = call_remote(ctx, "login", work)
    say(f"signed in to {options(ctx).api_url} as {user['display_name']} <{user['email']}>")
    emit_record(user, fmt, fields=USER_FIELDS)


def logout(ctx: typer.Context, *, fmt: FormatOption = None) -> None:
    """End the session with the server and forget its tokens here."""

    async def work(backend: RemoteBackend) -> bool:
        return await backend.logout()

    api_url = options(ctx).api_url
    signed_out = call_remote(ctx, "logout", work)
    say(f"signed out of {api_url}" if signed_out else f"you were not signed in to {api_url}")
    if os.environ.get("PENNYWISE_TOKEN"):
        say("note: PENNYWISE_TOKEN is set in your environment and still works; unset it too")
    emit_record(
        {"api_url": api_url, "signed_out": signed_out},
        fmt,
        fields=[
            Column("server", lambda r: r["api_url"]),
            Column("signed out", lambda r: r["signed_out"]),
        ],
    )
