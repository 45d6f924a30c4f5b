"""``pennywise balances``: who is owed what in a group."""

from __future__ import annotations

from typing import Any

import typer

from pennywise_cli.backends import Backend
from pennywise_cli.commands.common import CurrencyOption, GroupArg, currency_code, find_group
from pennywise_cli.output import Column, FormatOption, emit
from pennywise_cli.resolve import YOU
from pennywise_cli.runtime import call

JSON = dict[str, Any]


def _state(balance: str) -> str:
    if balance.startswith("-"):
        return "owes"
    return "is owed" if balance.strip("0.") else "settled"


def balance_columns(my_member_id: str | None = None) -> list[Column]:
    """A table shows the name ("you" for the caller); CSV the member id and the name."""
    return [
        Column("member_id", lambda b: b["member_id"], csv_only=True),
        Column(
            "member",
            lambda b: YOU if b["member_id"] == my_member_id else b["display_name"],
            full=lambda b: b["display_name"],
            csv_header="name",
        ),
        Column("balance", lambda b: b["balance"], right=True),
        Column("currency", lambda b: b["currency"]),
        Column("state", lambda b: _state(b["balance"])),
    ]


def balances(
    ctx: typer.Context,
    group: GroupArg,
    *,
    currency: CurrencyOption = None,
    fmt: FormatOption = None,
) -> None:
    """Each member's balance per currency: positive, the group owes them; negative, they owe.

    CSV columns: member_id, name, balance, currency, state (owes, is owed, settled).
    """

    async def work(backend: Backend) -> tuple[list[JSON], JSON]:
        found = await find_group(backend, group)
        return await backend.balances(found["id"], currency=currency_code(currency)), found

    rows, found = call(ctx, work)
    emit(rows, fmt, columns=balance_columns(found["my_member_id"]))
