"""``pennywise balances``: who is owed what in a group."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from pennywise_cli.backends import Backend
from pennywise_cli.commands.common import CurrencyOption, GroupArg, currency_code, find_group
from pennywise_cli.output import Column, FormatOption, emit, say
from pennywise_cli.parse import DATE_HELP, parse_date
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


InOption = Annotated[
    str | None,
    typer.Option(
        "--in",
        help="Show every currency's balances converted to this one (ISO 4217 code), at the "
        "group's rates for --date, else the ECB reference rates.",
        show_default=False,
    ),
]
RatesDateOption = Annotated[
    str | None,
    typer.Option(
        "--date",
        "-d",
        help=f"With --in: the day whose rates convert ({DATE_HELP}) [default: today].",
        show_default=False,
    ),
]


def say_rates(rates: list[JSON], into: str) -> None:
    """Which rate converted each currency, from where, for which day."""
    for r in rates:
        say(f"1 {r['currency']} = {r['rate']} {r['base']} ({r['source']}, {r['valid_from']})")
    if not rates:
        say(f"every balance is in {into} already")


def balances(
    ctx: typer.Context,
    group: GroupArg,
    *,
    currency: CurrencyOption = None,
    in_: InOption = None,
    date: RatesDateOption = None,
    fmt: FormatOption = None,
) -> None:
    """Each member's balance per currency: positive, the group owes them; negative, they owe.

    --in EUR: every currency's balances converted to EUR at the rates of --date (rounded
    so that they still sum to exactly zero); the ledgers stay as they are. The rates used
    are printed (JSON: `rates`).
    CSV columns: member_id, name, balance, currency, state (owes, is owed, settled).
    """
    if in_ and currency:
        raise typer.BadParameter("give --currency or --in, not both", param_hint="--in")
    if date and not in_:
        raise typer.BadParameter(
            "--date is the day of the rates: it needs --in", param_hint="--date"
        )
    day = parse_date(date, future=True) if date else None

    async def work(backend: Backend) -> tuple[Any, JSON]:
        found = await find_group(backend, group)
        if in_:
            code = currency_code(in_)
            assert code is not None
            return await backend.converted_balances(found["id"], currency=code, date=day), found
        return await backend.balances(found["id"], currency=currency_code(currency)), found

    result, found = call(ctx, work)
    columns = balance_columns(found["my_member_id"])
    if in_:
        say_rates(result["rates"], result["currency"])
        emit(result, fmt, columns=columns, rows=result["balances"])
        return
    emit(result, fmt, columns=columns)
