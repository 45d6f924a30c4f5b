"""``pennywise balances``: who is owed what in a group."""

from __future__ import annotations

from typing import Any

import typer

from pennywise_cli.backends import Backend
from pennywise_cli.commands.common import CurrencyOption, GroupArg, currency_code, find_group
from pennywise_cli.output import Column, FormatOption, emit
from pennywise_cli.runtime import call

JSON = dict[str, Any]


def _state(balance: str) -> str:
    if balance.startswith("-"):
        return "owes"
    return "is owed" if balance.strip("0.") else "settled"


BALANCE_COLUMNS = [
    Column("member", lambda b: b["display_name"]),
    Column("balance", lambda b: b["balance"], right=True),
    Column("currency", lambda b: b["currency"]),
    Column("", lambda b: _state(b["balance"]), full=lambda b: b["member_id"]),
]


def balances(
    ctx: typer.Context,
    group: GroupArg,
    *,
    currency: CurrencyOption = None,
    fmt: FormatOption = None,
) -> None:
    """Each member's balance per currency: positive, the group owes them; negative, they owe."""

    async def work(backend: Backend) -> list[JSON]:
        found = await find_group(backend, group)
        return await backend.balances(found["id"], currency=currency_code(currency))

    emit(call(ctx, work), fmt, columns=BALANCE_COLUMNS)
