"""``pennywise report``: your own spending across all your groups."""

from __future__ import annotations

import enum
from typing import Annotated, Any

import typer

from pennywise_cli.backends import Backend
from pennywise_cli.output import Column, FormatOption, emit
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
    fmt: FormatOption = None,
) -> None:
    """Your share of spending per currency, over all your groups (transfers left out)."""

    async def work(backend: Backend) -> JSON:
        return await backend.spending(by=by.value)

    summary = call(ctx, work)
    first = (
        Column("month", lambda r: r["period"])
        if by is By.month
        else Column("category", lambda r: r["category"] or "(none)", full=lambda r: r["category"])
    )
    columns = [
        first,
        Column("amount", lambda r: r["amount"], right=True),
        Column("currency", lambda r: r["currency"]),
    ]
    emit(summary, fmt, columns=columns, rows=summary["rows"])
