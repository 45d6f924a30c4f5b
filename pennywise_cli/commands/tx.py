"""``pennywise tx``: add, list, show, edit, delete and restore transactions.

Fast entry::

    pennywise tx add Trip 42.50 "Dinner"                      # you paid, split equally
    pennywise tx add Trip 42.50 "Dinner" --paid-by alice --split bob:2,carol:1
    pennywise tx add Trip 60 "Taxi" --paid-by alice:30,bob:30 --split alice,bob
    pennywise tx add Trip 100 "Hotel" --percent alice:60,bob:40
    pennywise tx add Trip 42.50 "Wine" --exact bob:10.00,carol:32.50
    pennywise tx add Trip 30 "Pizza" --adjust bob:5.00        # equal, Bob 5.00 more
    pennywise tx add Trip 90 "Refund" --income --paid-by alice # Alice received it
    pennywise tx add Trip 20 --transfer-to bob                # you paid Bob back
    pennywise tx add Trip 5 -- "-20% voucher"                 # text starting with - after --

Amounts have no sign: money received (a refund, a salary) is ``--income``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from typing import Annotated, Any

import typer

from pennywise_cli.backends import Backend
from pennywise_cli.commands.common import find_group
from pennywise_cli.errors import AmbiguousNameError, CliError, NameNotFoundError
from pennywise_cli.output import (
    Column,
    Format,
    FormatOption,
    emit,
    emit_record,
    progress,
    resolve_format,
    say,
    short_id,
)
from pennywise_cli.parse import (
    DATE_HELP,
    Pair,
    SplitSpec,
    build_payers,
    build_split,
    parse_amount,
    parse_date,
    parse_payers,
    parse_rate_text,
    parse_split,
)
from pennywise_cli.resolve import Names, is_uuid, pick_member
from pennywise_cli.runtime import call

JSON = dict[str, Any]

app = typer.Typer(
    help="Add, list, show, edit, delete and restore transactions.", no_args_is_help=True
)

PAGE_SIZE = 200
"""The API's largest page."""


class Kind(enum.StrEnum):
    expense = "expense"
    income = "income"
    transfer = "transfer"


# --- options shared by add and edit -------------------------------------------------------

PaidByOption = Annotated[
    list[str] | None,
    typer.Option(
        "--paid-by",
        "-p",
        metavar="WHO[:AMOUNT],…",
        help="Who paid (received, for --income): `alice`, or `alice:30,bob:12.50` for several. "
        "Default: you.",
        show_default=False,
    ),
]
EditPaidByOption = Annotated[
    list[str] | None,
    typer.Option(
        "--paid-by",
        "-p",
        metavar="WHO[:AMOUNT],…",
        help="New payers: `alice`, or `alice:30,bob:12.50` for several.",
        show_default=False,
    ),
]
SplitOption = Annotated[
    list[str] | None,
    typer.Option(
        "--split",
        "-s",
        metavar="WHO[:SHARE],…",
        help="Split equally among `bob,carol`, or by shares `bob:2,carol:1`. "
        "Default: equally among all members.",
        show_default=False,
    ),
]
EditSplitOption = Annotated[
    list[str] | None,
    typer.Option(
        "--split",
        "-s",
        metavar="WHO[:SHARE],…",
        help="A new split: equally among `bob,carol`, or by shares `bob:2,carol:1`.",
        show_default=False,
    ),
]
PercentOption = Annotated[
    list[str] | None,
    typer.Option(
        metavar="WHO:PERCENT,…", help="Split by percentages: `bob:60,carol:40`.", show_default=False
    ),
]
ExactOption = Annotated[
    list[str] | None,
    typer.Option(
        metavar="WHO:AMOUNT,…",
        help="Split by exact amounts: `bob:10.00,carol:32.50`.",
        show_default=False,
    ),
]
AdjustOption = Annotated[
    list[str] | None,
    typer.Option(
        metavar="WHO:EXTRA,…",
        help="Split equally (among all, or the --split names) plus extras: `bob:5.00`.",
        show_default=False,
    ),
]
DateOption = Annotated[
    str | None,
    typer.Option(
        "--date",
        "-d",
        help=f"{DATE_HELP} [default: today]; a date after today needs --future.",
        show_default=False,
    ),
]
EditDateOption = Annotated[
    str | None,
    typer.Option(
        "--date",
        "-d",
        help=f"A new date: {DATE_HELP}; a date after today needs --future.",
        show_default=False,
    ),
]
RateOption = Annotated[
    str | None,
    typer.Option(
        "--rate",
        help="Convert at this rate: 1 --currency = RATE in the group's currency (implies "
        "--convert).",
        show_default=False,
    ),
]
FutureOption = Annotated[
    bool, typer.Option("--future", help="Allow a --date after today (a planned payment).")
]
CategoryOption = Annotated[
    str | None, typer.Option(help="A category, e.g. food.", show_default=False)
]
NotesOption = Annotated[str | None, typer.Option(help="Free-text notes.", show_default=False)]
CurrencyOption = Annotated[
    str | None,
    typer.Option(help="ISO 4217 code [default: the group's currency].", show_default=False),
]
EditCurrencyOption = Annotated[
    str | None, typer.Option(help="A new currency (ISO 4217 code).", show_default=False)
]
VersionOption = Annotated[
    int | None,
    typer.Option(
        "--if-version",
        help="The version you saw (`tx show`): refuse (exit 4) if it changed since.",
        show_default=False,
    ),
]
TransactionArg = Annotated[
    str,
    typer.Argument(
        metavar="TRANSACTION",
        help="The transaction id (or its first characters).",
        show_default=False,
    ),
]


# --- table views ---------------------------------------------------------------------------


def _paid_by(tx: JSON, names: Callable[[object], str]) -> str:
    payers = tx["paid_by"]
    if len(payers) == 1:
        return names(payers[0]["member_id"])
    return ", ".join(f"{names(p['member_id'])} {p['amount']}" for p in payers)


def _split_text(tx: JSON, names: Names) -> str:
    split = tx["split"]
    parts = []
    for entry in split["entries"]:
        value = entry.get("shares") or entry.get("percent") or entry.get("amount")
        suffix = "%" if entry.get("percent") else ""
        parts.append(f"{names(entry['member_id'])}" + (f":{value}{suffix}" if value else ""))
    return f"{split['mode']}: " + ", ".join(parts)


def _description(tx: JSON) -> str:
    marks = [tx["kind"]] if tx["kind"] != "expense" else []
    if tx["deleted"]:
        marks.append("deleted")
    description: str = tx["description"]
    return description + (f" ({', '.join(marks)})" if marks else "")


def tx_columns(names: Names, group_names: dict[str, str] | None = None) -> list[Column]:
    columns = [
        Column("id", lambda t: short_id(t["id"]), full=lambda t: t["id"]),
        Column("date", lambda t: t["date"]),
    ]
    if group_names is not None:
        columns.append(Column("group", lambda t: group_names.get(t["group_id"], "")))
    columns += [
        Column("description", _description, full=lambda t: t["description"], flex=True),
        Column("kind", lambda t: t["kind"], csv_only=True),
        Column(
            "amount",
            lambda t: f"{t['amount']} {t['currency']}",
            right=True,
            full=lambda t: t["amount"],
        ),
        Column("currency", lambda t: t["currency"], csv_only=True),
        Column(
            "paid by",
            lambda t: _paid_by(t, names),
            full=lambda t: _paid_by(t, names.name),
            flex=True,
        ),
        Column("category", lambda t: t["category"], flex=True),
    ]
    return columns


def tx_fields(names: Names, group_name: str) -> list[Column]:
    return [
        Column("id", lambda t: t["id"]),
        Column("group", lambda t: group_name),
        Column("kind", lambda t: t["kind"]),
        Column("date", lambda t: t["date"]),
        Column("description", lambda t: t["description"]),
        Column("amount", lambda t: f"{t['amount']} {t['currency']}"),
        Column("paid by", lambda t: _paid_by(t, names)),
        Column("split", lambda t: _split_text(t, names)),
        Column("category", lambda t: t["category"]),
        Column("notes", lambda t: t["notes"]),
        Column("version", lambda t: t["version"]),
        Column("deleted", lambda t: t["deleted"]),
    ]


def entry_columns(names: Names) -> list[Column]:
    return [
        Column("member", lambda e: names(e["member_id"])),
        Column("paid", lambda e: e["paid"], right=True),
        Column("owed", lambda e: e["owed"], right=True),
    ]


def say_conversion(tx: JSON) -> None:
    """Which rate booked a converted transaction, from where and for which day."""
    c = tx.get("conversion")
    if c:
        say(
            f"converted {c['amount']} {c['currency']} at {c['rate']} ({c['rate_source']}, "
            f"{c['rate_date']}): {tx['amount']} {tx['currency']}"
        )


def show_transaction(tx: JSON, fmt: Format | None, *, names: Names, group_name: str) -> None:
    emit_record(
        tx,
        fmt,
        fields=tx_fields(names, group_name),
        details=[("entries", entry_columns(names), tx["entries"])],
    )


# --- lookups -------------------------------------------------------------------------------


async def find_transaction_id(backend: Backend, query: str) -> str:
    """A full id as given, or the one transaction whose id starts with ``query``."""
    text = query.strip().lower()
    if is_uuid(text):
        return text
    # All 8 characters the tables show, not 4 as for groups and members: an import's ids
    # go up along the file (see pennywise_core.imports._ids.IdBlock), so the rows
    # around one share its first few characters, and a typo in a shorter start could name
    # a neighbour; in the first 8 no one typo can.
    if len(text) < 8 or any(c not in "0123456789abcdef-" for c in text):
        raise CliError(
            f"{query!r} is not a transaction id: give the id, or its first 8 characters "
            "as `pennywise tx list` shows them"
        )
    # One page of at most two, found by the id range on the server (?id_prefix=), in
    # either mode: one match, none, or "several".
    page = await backend.list_transactions({"id_prefix": text, "deleted": "include"}, limit=2)
    matches: list[str] = [t["id"] for t in page["items"]]
    if not matches:
        raise NameNotFoundError(f"no transaction id starts with {query!r}")
    if len(matches) > 1:
        raise AmbiguousNameError(
            f"{query!r} is the start of several transaction ids "
            f"({', '.join(m[:13] for m in matches[:5])}, …); give more of the id"
        )
    return matches[0]


async def _names_for(backend: Backend, group_id: str) -> tuple[Names, str]:
    group = await backend.get_group(group_id)
    return Names(await backend.list_members(group_id), mine=[group["my_member_id"]]), group["name"]


def _check_kind(income: bool, transfer_to: str | None, spec: SplitSpec | None) -> Kind:
    if income and transfer_to:
        raise typer.BadParameter(
            "a transaction is --income or a transfer (--transfer-to), not both"
        )
    if transfer_to and spec is not None:
        raise typer.BadParameter("a transfer goes to one member: drop the split options")
    if transfer_to:
        return Kind.transfer
    return Kind.income if income else Kind.expense


def _money_fields(
    body: JSON,
    *,
    group: JSON,
    members: Sequence[JSON],
    payers: Sequence[Pair],
    spec: SplitSpec | None,
    transfer_to: str | None,
) -> None:
    def member_id(name: str) -> str:
        return str(pick_member(name, members, group=group)["id"])

    if payers:
        body["paid_by"] = build_payers(payers, member_id)
    if transfer_to:
        body["split"] = {"mode": "equal", "entries": [{"member_id": member_id(transfer_to)}]}
    elif spec is not None:
        body["split"] = build_split(spec, members, member_id)


# --- commands ------------------------------------------------------------------------------


@app.command()
def add(
    ctx: typer.Context,
    group: Annotated[
        str, typer.Argument(metavar="GROUP", help="The group: name or id.", show_default=False)
    ],
    amount: Annotated[
        str,
        typer.Argument(
            metavar="AMOUNT",
            help="The amount, e.g. 42.50, with no sign (money received: --income).",
            show_default=False,
        ),
    ],
    description: Annotated[
        str | None,
        typer.Argument(
            metavar="DESCRIPTION",
            help="What it was (optional for a transfer); text starting with - goes after --.",
            show_default=False,
        ),
    ] = None,
    *,
    paid_by: PaidByOption = None,
    split: SplitOption = None,
    percent: PercentOption = None,
    exact: ExactOption = None,
    adjust: AdjustOption = None,
    income: Annotated[
        bool, typer.Option("--income", help="Money received for the group (e.g. a refund).")
    ] = False,
    transfer_to: Annotated[
        str | None,
        typer.Option(
            "--transfer-to", help="A payment to this member (settling up).", show_default=False
        ),
    ] = None,
    date: DateOption = None,
    future: FutureOption = False,
    category: CategoryOption = None,
    notes: NotesOption = None,
    currency: CurrencyOption = None,
    convert: Annotated[
        bool,
        typer.Option(
            "--convert",
            help="Book an amount in another --currency in the group's currency, at the "
            "group's rate for the date, else the ECB reference rate (the rate is shown).",
        ),
    ] = False,
    rate: RateOption = None,
    fmt: FormatOption = None,
) -> None:
    """Record an expense (default), income (--income) or transfer (--transfer-to).

    Amounts have no sign: a refund or any money received is --income. A description
    starting with - goes after `--`: `pennywise tx add Trip 5 -- "-20% voucher"`.
    In another currency: `--currency USD` keeps a USD ledger; `--currency USD --convert`
    (or `--rate 0.92`) books it in the group's currency and keeps what was entered.
    """
    spec = parse_split(
        split=split or (), percent=percent or (), exact=exact or (), adjust=adjust or ()
    )
    kind = _check_kind(income, transfer_to, spec)
    payers = parse_payers(paid_by or ())
    if description is None:
        if kind is not Kind.transfer:
            raise typer.BadParameter("say what it was", param_hint="DESCRIPTION")
        description = "Transfer"
    body: JSON = {
        "kind": kind.value,
        "description": description,
        "amount": parse_amount(amount, "AMOUNT"),
    }
    for key, value in (
        ("currency", currency.strip().upper() if currency else None),
        ("date", parse_date(date, future=future) if date else None),
        ("category", category),
        ("notes", notes),
        ("convert", True if convert or rate else None),
        ("rate", parse_rate_text(rate, "--rate") if rate else None),
    ):
        if value is not None:
            body[key] = value

    async def work(backend: Backend) -> tuple[JSON, JSON, list[JSON]]:
        found = await find_group(backend, group)
        members = await backend.list_members(found["id"])
        body["group_id"] = found["id"]
        _money_fields(
            body,
            group=found,
            members=members,
            payers=payers,
            spec=spec,
            transfer_to=transfer_to,
        )
        return await backend.create_transaction(body), found, members

    tx, found, members = call(ctx, work)
    money = f"{tx['amount']} {tx['currency']}"
    say(f"added {tx['kind']} {tx['description']!r}: {money} in {found['name']!r}")
    say_conversion(tx)
    names = Names(members, mine=[found["my_member_id"]])
    show_transaction(tx, fmt, names=names, group_name=found["name"])


@app.command("list")
def list_(
    ctx: typer.Context,
    group: Annotated[
        str | None,
        typer.Argument(
            metavar="GROUP",
            help="Only this group (name or id) [default: all yours].",
            show_default=False,
        ),
    ] = None,
    *,
    date_from: Annotated[
        str | None,
        typer.Option("--from", help=f"On or after this date ({DATE_HELP}).", show_default=False),
    ] = None,
    date_to: Annotated[
        str | None,
        typer.Option("--to", help=f"On or before this date ({DATE_HELP}).", show_default=False),
    ] = None,
    member: Annotated[
        str | None,
        typer.Option(
            help="Only those this member paid or owes in (needs GROUP).", show_default=False
        ),
    ] = None,
    category: Annotated[
        str | None, typer.Option(help="Only this category.", show_default=False)
    ] = None,
    search: Annotated[
        str | None, typer.Option(help="Text in the description or notes.", show_default=False)
    ] = None,
    kind: Annotated[Kind | None, typer.Option(help="Only this kind.", show_default=False)] = None,
    deleted: Annotated[
        bool, typer.Option("--deleted", help="Include deleted transactions.")
    ] = False,
    only_deleted: Annotated[
        bool, typer.Option("--only-deleted", help="Only deleted transactions.")
    ] = False,
    limit: Annotated[int, typer.Option(min=1, help="At most this many (newest first).")] = 50,
    all_: Annotated[bool, typer.Option("--all", help="Every match, however many.")] = False,
    fmt: FormatOption = None,
) -> None:
    """Transactions, newest first: across your groups, or in one."""
    if member and not group:
        raise typer.BadParameter("--member needs GROUP (member names belong to a group)")
    filters: JSON = {"deleted": "only" if only_deleted else "include" if deleted else "exclude"}
    for key, value in (
        ("date_from", parse_date(date_from, future=True) if date_from else None),
        ("date_to", parse_date(date_to, future=True) if date_to else None),
        ("category", category),
        ("search", search),
        ("kind", kind.value if kind else None),
    ):
        if value is not None:
            filters[key] = value
    wanted = None if all_ else limit
    tabular = resolve_format(fmt) in (Format.table, Format.csv)

    async def work(backend: Backend) -> tuple[list[JSON], Names, dict[str, str]]:
        names = Names()
        group_names: dict[str, str] = {}
        if group:
            found = await find_group(backend, group)
            filters["group_id"] = found["id"]
            group_names[found["id"]] = found["name"]
            if member:
                members = await backend.list_members(found["id"])
                names.add(members)
                filters["member_id"] = pick_member(member, members, group=found)["id"]
        items: list[JSON] = []
        cursor: str | None = None
        with progress("reading transactions", total=wanted) as advance:
            while wanted is None or len(items) < wanted:
                size = PAGE_SIZE if wanted is None else min(PAGE_SIZE, wanted - len(items))
                page = await backend.list_transactions(filters, limit=size, cursor=cursor)
                items += page["items"]
                advance(len(page["items"]))
                cursor = page["next_cursor"]
                if cursor is None:
                    break
        if tabular:  # names for the table: one lookup per group, not per row
            groups = await backend.list_groups()
            if not group:
                group_names = {g["id"]: g["name"] for g in groups}
            names.add([], mine=[g["my_member_id"] for g in groups])
            for group_id in sorted({t["group_id"] for t in items}):
                names.add(await backend.list_members(group_id))
        return items, names, group_names

    items, names, group_names = call(ctx, work)
    emit(items, fmt, columns=tx_columns(names, None if group else group_names))


@app.command()
def show(ctx: typer.Context, transaction: TransactionArg, *, fmt: FormatOption = None) -> None:
    """One transaction with its split and computed entries."""

    async def work(backend: Backend) -> tuple[JSON, Names, str]:
        tx = await backend.get_transaction(await find_transaction_id(backend, transaction))
        return (tx, *await _names_for(backend, tx["group_id"]))

    tx, names, group_name = call(ctx, work)
    show_transaction(tx, fmt, names=names, group_name=group_name)


@app.command()
def edit(
    ctx: typer.Context,
    transaction: TransactionArg,
    *,
    amount: Annotated[
        str | None, typer.Option(help="The new amount (no sign).", show_default=False)
    ] = None,
    description: Annotated[
        str | None, typer.Option(help="The new description.", show_default=False)
    ] = None,
    paid_by: EditPaidByOption = None,
    split: EditSplitOption = None,
    percent: PercentOption = None,
    exact: ExactOption = None,
    adjust: AdjustOption = None,
    date: EditDateOption = None,
    future: FutureOption = False,
    category: Annotated[
        str | None, typer.Option(help='A category ("" removes it).', show_default=False)
    ] = None,
    notes: Annotated[
        str | None, typer.Option(help='Notes ("" removes them).', show_default=False)
    ] = None,
    currency: EditCurrencyOption = None,
    rate: Annotated[
        str | None,
        typer.Option(
            "--rate",
            help="A new rate for a converted transaction (1 entered currency = RATE in the "
            "group's); its booked amount is computed again.",
            show_default=False,
        ),
    ] = None,
    version: VersionOption = None,
    fmt: FormatOption = None,
) -> None:
    """Change only what you give: every option left out keeps the transaction's current value
    (no option has a default here). The entries are recomputed."""
    spec = parse_split(
        split=split or (), percent=percent or (), exact=exact or (), adjust=adjust or ()
    )
    payers = parse_payers(paid_by or ())
    changes: JSON = {}
    for key, value in (
        ("amount", parse_amount(amount, "--amount") if amount else None),
        ("description", description),
        ("currency", currency.strip().upper() if currency else None),
        ("date", parse_date(date, future=future) if date else None),
        ("rate", parse_rate_text(rate, "--rate") if rate else None),
    ):
        if value is not None:
            changes[key] = value
    if category is not None:
        changes["category"] = category or None
    if notes is not None:
        changes["notes"] = notes or None
    if not changes and not payers and spec is None:
        raise typer.BadParameter("nothing to change: give at least one option (see --help)")

    async def work(backend: Backend) -> tuple[JSON, Names, str]:
        tx_id = await find_transaction_id(backend, transaction)
        tx = await backend.get_transaction(tx_id)
        group = await backend.get_group(tx["group_id"])
        members = await backend.list_members(group["id"])
        if payers or spec is not None:
            _money_fields(
                changes, group=group, members=members, payers=payers, spec=spec, transfer_to=None
            )
        updated = await backend.update_transaction(tx_id, changes, expected_version=version)
        return updated, Names(members, mine=[group["my_member_id"]]), group["name"]

    tx, names, group_name = call(ctx, work)
    say(f"updated {tx['description']!r} (version {tx['version']})")
    say_conversion(tx)
    show_transaction(tx, fmt, names=names, group_name=group_name)


def _set_deleted(
    ctx: typer.Context, transaction: str, version: int | None, fmt: Format | None, *, delete: bool
) -> None:
    async def work(backend: Backend) -> tuple[JSON, Names, str]:
        tx_id = await find_transaction_id(backend, transaction)
        if delete:
            tx = await backend.delete_transaction(tx_id, expected_version=version)
        else:
            tx = await backend.restore_transaction(tx_id, expected_version=version)
        return (tx, *await _names_for(backend, tx["group_id"]))

    tx, names, group_name = call(ctx, work)
    say(f"{'deleted' if delete else 'restored'} {tx['description']!r}")
    show_transaction(tx, fmt, names=names, group_name=group_name)


@app.command()
def delete(
    ctx: typer.Context,
    transaction: TransactionArg,
    *,
    version: VersionOption = None,
    fmt: FormatOption = None,
) -> None:
    """Delete a transaction (softly: it stops counting, `tx restore` brings it back)."""
    _set_deleted(ctx, transaction, version, fmt, delete=True)


@app.command()
def restore(
    ctx: typer.Context,
    transaction: TransactionArg,
    *,
    version: VersionOption = None,
    fmt: FormatOption = None,
) -> None:
    """Bring a deleted transaction back."""
    _set_deleted(ctx, transaction, version, fmt, delete=False)
