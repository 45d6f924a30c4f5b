"""What several nouns share: arguments, lookups by name, and table columns."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from pennywise_cli.backends import Backend
from pennywise_cli.resolve import is_uuid, pick_group, pick_member

JSON = dict[str, Any]

GroupArg = Annotated[
    str, typer.Argument(metavar="GROUP", help="The group: its name or id.", show_default=False)
]
MemberArg = Annotated[
    str, typer.Argument(metavar="MEMBER", help="The member: name, id, or `me`.", show_default=False)
]
CurrencyOption = Annotated[
    str | None,
    typer.Option(
        "--currency", "-c", help="Only this currency (ISO 4217 code).", show_default=False
    ),
]


def currency_code(value: str | None) -> str | None:
    """Currency codes are upper case; the CLI accepts any case (the core does not)."""
    return value.strip().upper() if value else None


async def find_group(backend: Backend, query: str) -> JSON:
    """The caller's group named (or identified) by ``query``."""
    if is_uuid(query):
        return await backend.get_group(query.strip().lower())
    return pick_group(query, await backend.list_groups())


async def find_member(backend: Backend, group: JSON, query: str) -> JSON:
    return pick_member(query, await backend.list_members(group["id"]), group=group)
