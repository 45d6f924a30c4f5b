"""``pennywise report``: your own spending and receipts across your groups (or one)."""

from __future__ import annotations

import enum
from typing import Annotated, Any

import typer

from pennywise_cli.backends import Backend
from pennywise_cli.commands.common import find_group
from pennywise_cli.output import Column, FormatOption, emit
from pennywise_cli.parse import DATE_HELP, parse_date
from pennywise_cli.runtime import call

JSON = dict[str, Any]


class By(enum.StrEnum):
    month = "month"
    category = "category"


def report(
    ctx: typer.Context,
    *,
    by: Annotated[By, typer.Option("--by", help="Group the totals by month or by category.")] = (
        By.month
    ),
    date_from: Annotated[
        str | None,
        typer.Option("--from", help=f"From this date on ({DATE_HELP}).", show_default=False),
    ] = None,
    date_to: Annotated[
        str | None,
        typer.Option("--to", help=f"Up to this date, included ({DATE_HELP}).", show_default=False),
    ] = None,
    group: Annotated[
        str | None,
        typer.Option(
            "--group",
            "-g",
            help="Only this group (name or id) [default: all yours].",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOption = None,
) -> None:
    """Your share of what was spent and of what was received, per currency, kept apart.

    spent: your share of the expenses (what you owe of them, whoever paid); received: your
    share of money received (income, refunds), whoever got it; net: received − spent.
    Transfers (settling up) are neither.
    """
    start = parse_date(date_from, future=True) if date_from else None
    end = parse_date(date_to, future=True) if date_to else None

    async def work(backend: Backend) -> JSON:
        group_id = (await find_group(backend, group))["id"] if group else None
        return await backend.spending(by=by.value, date_from=start, date_to=end, group_id=group_id)

    summary = call(ctx, work)
    first = (
        Column("month", lambda r: r["period"])
        if by is By.month
        else Column("category", lambda r: r["category"] or "(none)", full=lambda r: r["category"])
    )
    columns = [
        first,
        Column("currency", lambda r: r["currency"]),
        Column("spent", lambda r: r["spent"], right=True),
        Column("received", lambda r: r["received"], right=True),
        Column("net", lambda r: r["net"], right=True),
    ]
    emit(summary, fmt, columns=columns, rows=summary["rows"])
