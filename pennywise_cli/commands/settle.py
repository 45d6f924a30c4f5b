"""``pennywise settle``: the fewest transfers that settle a group, and recording them."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from pennywise_cli.backends import Backend
from pennywise_cli.commands.common import CurrencyOption, GroupArg, currency_code, find_group
from pennywise_cli.commands.tx import DateOption, tx_columns
from pennywise_cli.output import Column, FormatOption, emit, say
from pennywise_cli.parse import parse_date
from pennywise_cli.resolve import Names
from pennywise_cli.runtime import call

JSON = dict[str, Any]


def transfer_columns(names: Names) -> list[Column]:
    return [
        Column("from", lambda t: names(t["from_member_id"]), full=lambda t: t["from_member_id"]),
        Column("to", lambda t: names(t["to_member_id"]), full=lambda t: t["to_member_id"]),
        Column("amount", lambda t: t["amount"], right=True),
        Column("currency", lambda t: t["currency"]),
    ]


def settle(
    ctx: typer.Context,
    group: GroupArg,
    *,
    currency: CurrencyOption = None,
    record: Annotated[
        bool,
        typer.Option("--record", help="Record the suggested transfers as transactions."),
    ] = False,
    date: DateOption = None,
    fmt: FormatOption = None,
) -> None:
    """Suggest the fewest transfers that bring every balance to zero (--record: record them).

    JSON: the suggestion `{"transfers": [...], "proven_minimal": ...}`, or with --record the
    transfer transactions created.
    """
    when = parse_date(date) if date else None

    async def work(backend: Backend) -> tuple[Any, Names]:
        found = await find_group(backend, group)
        names = Names(await backend.list_members(found["id"]))
        code = currency_code(currency)
        if record:
            return await backend.record_settlement(found["id"], currency=code, date=when), names
        return await backend.suggest_settlement(found["id"], currency=code), names

    result, names = call(ctx, work)
    if record:
        say(f"recorded {len(result)} transfer(s)" if result else "nothing to settle")
        emit(result, fmt, columns=tx_columns(names))
        return
    transfers = result["transfers"]
    if not transfers:
        say("nothing to settle: every balance is zero")
    elif not result["proven_minimal"]:
        say("a good plan, not proven to be the shortest (too many balances to search them all)")
    emit(result, fmt, columns=transfer_columns(names), rows=transfers)
