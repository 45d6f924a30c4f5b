"""``pennywise settle``: the fewest transfers that settle a group, and recording them."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from pennywise_cli.backends import Backend
from pennywise_cli.commands.balances import say_rates
from pennywise_cli.commands.common import CurrencyOption, GroupArg, currency_code, find_group
from pennywise_cli.commands.tx import DateOption, FutureOption, tx_columns
from pennywise_cli.output import Column, FormatOption, emit, say
from pennywise_cli.parse import parse_date
from pennywise_cli.resolve import Names
from pennywise_cli.runtime import call

JSON = dict[str, Any]


def transfer_columns(names: Names) -> list[Column]:
    """A table shows names ("you" for the caller); CSV both the member ids and the names."""
    return [
        Column("from_member_id", lambda t: t["from_member_id"], csv_only=True),
        Column(
            "from",
            lambda t: names(t["from_member_id"]),
            full=lambda t: t["from_name"],
            csv_header="from_name",
        ),
        Column("to_member_id", lambda t: t["to_member_id"], csv_only=True),
        Column(
            "to",
            lambda t: names(t["to_member_id"]),
            full=lambda t: t["to_name"],
            csv_header="to_name",
        ),
        Column("amount", lambda t: t["amount"], right=True),
        Column("currency", lambda t: t["currency"]),
        Column("proven_minimal", lambda t: t["proven_minimal"], csv_only=True),
    ]


def with_names(suggestion: JSON, names: Names) -> JSON:
    """The suggestion with each transfer's member names beside their ids (``from_name``,
    ``to_name``), for machine formats; every transfer also says whether the plan is proven
    minimal, so that a CSV or NDJSON line carries it."""
    transfers = [
        {
            "from_member_id": t["from_member_id"],
            "from_name": names.name(t["from_member_id"]),
            "to_member_id": t["to_member_id"],
            "to_name": names.name(t["to_member_id"]),
            "amount": t["amount"],
            "currency": t["currency"],
            "proven_minimal": suggestion["proven_minimal"],
        }
        for t in suggestion["transfers"]
    ]
    return {**suggestion, "transfers": transfers}


def plan_title(suggestion: JSON) -> str:
    count = len(suggestion["transfers"])
    noun = "transfer" if count == 1 else "transfers"
    return f"{count} {noun}, {'' if suggestion['proven_minimal'] else 'not '}proven minimal"


SettleInOption = Annotated[
    str | None,
    typer.Option(
        "--in",
        help="Settle every currency in this one (ISO 4217 code), converted at the group's "
        "rates for --date, else the ECB reference rates.",
        show_default=False,
    ),
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
    in_: SettleInOption = None,
    date: DateOption = None,
    future: FutureOption = False,
    fmt: FormatOption = None,
) -> None:
    """Suggest the fewest transfers that bring every balance to zero (--record: record them).

    --in EUR settles every currency in EUR: the balances converted at the rates of --date
    (the rates used are printed); with --record, a conversion (one transaction per
    currency, kind `conversion`) first moves every balance into EUR, then the transfers
    settle it, so every currency ends at zero.

    The table's title says whether the plan is proven minimal (no plan has fewer transfers;
    above a dozen or so balances the search stops at a good plan).
    JSON: the suggestion `{"transfers": [...], "proven_minimal": ...}`, each transfer with
    member ids and names (`from_member_id`, `from_name`, `to_member_id`, `to_name`); CSV
    and NDJSON: one transfer a row (or line), with `proven_minimal`. With --record: the
    transfer transactions created.
    """
    when = parse_date(date, future=future) if date else None
    if in_ and currency:
        raise typer.BadParameter("give --currency or --in, not both", param_hint="--in")
    into = currency_code(in_)

    async def work(backend: Backend) -> tuple[Any, Names]:
        found = await find_group(backend, group)
        names = Names(await backend.list_members(found["id"]), mine=[found["my_member_id"]])
        code = currency_code(currency)
        if record:
            recorded = await backend.record_settlement(
                found["id"], currency=code, date=when, in_currency=into
            )
            return recorded, names
        suggestion = await backend.suggest_settlement(
            found["id"], currency=code, in_currency=into, date=when
        )
        return suggestion, names

    result, names = call(ctx, work)
    if record:
        moved = [t for t in result if t["kind"] == "conversion"]
        transfers = len(result) - len(moved)
        if moved and moved[0].get("exchange"):
            say_rates(moved[0]["exchange"]["rates"], moved[0]["exchange"]["into"])
            say(f"converted every balance into {into} ({len(moved)} conversion transactions)")
        say(f"recorded {transfers} transfer(s)" if result else "nothing to settle")
        emit(result, fmt, columns=tx_columns(names))
        return
    if into:
        say_rates(result["rates"], into)
    suggestion = with_names(result, names)
    if not suggestion["transfers"]:
        say("nothing to settle: every balance is zero")
    elif not suggestion["proven_minimal"]:
        say("a good plan, not proven to be the shortest (too many balances to search them all)")
    emit(
        suggestion,
        fmt,
        columns=transfer_columns(names),
        rows=suggestion["transfers"],
        title=plan_title(suggestion) if suggestion["transfers"] else None,
    )
