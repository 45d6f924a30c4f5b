"""``pennywise import``: other apps' files, a bank's CSV or a Pennywise file into a group.

All or nothing by default (``--skip-invalid``: the good rows, and each bad one listed),
idempotent, any size locally::

    pennywise import Trip splitwise.csv                      # format detected
    pennywise import Trip splitwise.csv --dry-run             # what it would do; writes nothing
    pennywise import Trip bills.json --member "Ann Smith=me"  # a name in the file → a member
    pennywise import Me konto.csv --bank-mapping bank.toml    # a bank's CSV, mapped by a file
    pennywise import Me konto.csv --date-column Buchungstag --date-format %d.%m.%Y \\
        --description-column Verwendungszweck --debit-column Soll --credit-column Haben \\
        --delimiter ";" --decimal-comma --thousands . --encoding cp1252 --skip-lines 2
    cat export.json | pennywise import Trip -                 # from stdin

The file's format is ``--from`` (``--format`` is the output format, as on every command).
Only Typer and the CLI's light modules load at start; rich loads for the progress bar.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer

from pennywise_cli.backends import Backend
from pennywise_cli.commands.common import GroupArg, currency_code, find_group
from pennywise_cli.errors import CliError, describe
from pennywise_cli.output import Column, FormatOption, emit_record, say, warn
from pennywise_cli.parse import parse_pairs
from pennywise_cli.resolve import pick_member
from pennywise_cli.runtime import call
from pennywise_core.vocabulary import BANK_MAPPING_KEYS, IMPORT_FORMATS

if TYPE_CHECKING:
    from pennywise_cli.backends import ImportProgress

JSON = dict[str, Any]


def _import_format(value: str | None) -> str | None:
    """``--from``: one of :data:`pennywise_core.vocabulary.IMPORT_FORMATS` (any case)."""
    if value is None:
        return None
    name = value.strip().lower()
    if name not in IMPORT_FORMATS:
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(IMPORT_FORMATS)}")
    return name


# --- reading the options --------------------------------------------------------------------


def _load_document(path: Path, what: str) -> Any:
    """A JSON or TOML file (TOML by its ``.toml`` suffix, else JSON, else TOML)."""
    import tomllib

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CliError(f"cannot read the {what} {path}: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CliError(f"the {what} {path} is not UTF-8 text") from None
    if path.suffix.lower() != ".toml":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            json_error = exc
    else:
        json_error = None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        if json_error is not None:
            raise CliError(
                f"the {what} {path} is neither JSON ({json_error}) nor TOML ({exc})"
            ) from None
        raise CliError(f"the {what} {path} is not valid TOML: {exc}") from None


def _input_file(value: str) -> Path | None:
    """FILE as typed: None for ``-`` (stdin), else a readable file (a usage error if not)."""
    if value == "-":
        return None
    path = Path(value)

    def bad(what: str) -> typer.BadParameter:
        return typer.BadParameter(f"file {value!r} {what}", param_hint="'FILE'")

    try:
        is_dir = path.is_dir()
        exists = is_dir or path.exists()
    except OSError as exc:
        raise bad(f"cannot be read: {exc.strerror or exc}") from None
    if not exists:
        raise bad("does not exist.")
    if is_dir:
        raise bad("is a directory.")
    if not os.access(path, os.R_OK):
        raise bad("is not readable.")
    return path


def _column(text: str) -> str | int:
    """A column as typed: a number is a 0-based position, anything else a header."""
    value = text.strip()
    return int(value) if value.isdigit() else value


def _delimiter(text: str) -> str:
    named = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|", "space": " "}
    value = named.get(text.strip().lower(), text)
    if len(value) != 1:
        raise typer.BadParameter(
            f"{text!r} is not one character (or tab, comma, semicolon, pipe, space)",
            param_hint="--delimiter",
        )
    return value


def _mapping_file(path: Path) -> JSON:
    """A bank mapping file: the API's ``BankMappingIn`` keys (``-`` may stand for ``_``)."""
    document = _load_document(path, "bank mapping")
    if isinstance(document, dict) and set(document) == {"bank_mapping"}:
        document = document["bank_mapping"]
    if not isinstance(document, dict):
        raise CliError(f"the bank mapping {path} must be an object (keys like date, amount)")
    from pennywise_core.bank_mapping import BankMapping

    mapping: JSON = {str(key).replace("-", "_"): value for key, value in document.items()}
    problems = BankMapping.problems(mapping)  # the keys it gives; the flags may add the rest
    if problems:
        raise CliError(
            f"the bank mapping {path} is not valid:\n"
            + "\n".join(f"  - {'.'.join(map(str, e.loc[1:]))}: {e.msg}" for e in problems)
        )
    return mapping


def _member_pairs(values: Sequence[str]) -> dict[str, str]:
    """``--member "Name in file=member"`` → ``{name in file: member as typed}``."""
    pairs: dict[str, str] = {}
    for value in values:
        name, equals, member = value.rpartition("=")
        if not equals or not name.strip() or not member.strip():
            raise typer.BadParameter(
                f'{value!r} is not NAME=MEMBER (e.g. "Ann Smith=ann")', param_hint="--member"
            )
        pairs[name.strip()] = member.strip()
    return pairs


def _member_map_file(path: Path) -> dict[str, str]:
    document = _load_document(path, "member map")
    if not isinstance(document, dict) or not all(
        isinstance(v, str) and v.strip() for v in document.values()
    ):
        raise CliError(
            f'the member map {path} must be an object {{"name in the file": "member"}} '
            "with member names or ids as text"
        )
    return {str(k).strip(): v.strip() for k, v in document.items()}


def _split_option(values: Sequence[str]) -> list[str] | dict[str, str]:
    pairs = parse_pairs(values, "--split")
    with_shares = [p for p in pairs if p.value is not None]
    if not with_shares:
        return [p.name for p in pairs]
    if len(with_shares) != len(pairs):
        raise typer.BadParameter(
            "give every member a share (bob:2,carol:1) or none (bob,carol)", param_hint="--split"
        )
    return {p.name: str(p.value) for p in pairs}


def _resolve_people(
    mapping: JSON, members: Sequence[JSON], group: JSON, typed: dict[str, str]
) -> JSON:
    """``paid_by`` and ``split`` name members as typed (name, id, `me`): make them ids
    (and note in ``typed`` what each id was typed as)."""

    def member_id(query: object) -> str:
        found = str(pick_member(str(query), members, group=group)["id"])
        typed[found] = str(query)
        return found

    resolved = dict(mapping)
    if resolved.get("paid_by") is not None:
        resolved["paid_by"] = member_id(resolved["paid_by"])
    split = resolved.get("split")
    if isinstance(split, dict):
        resolved["split"] = {member_id(k): str(v) for k, v in split.items()}
    elif split is not None:
        resolved["split"] = [member_id(p) for p in split]
    return resolved


def _as_typed(exc: Exception, typed: dict[str, str]) -> CliError | None:
    """An error about the bank mapping names a member by the id the CLI sent for what was
    typed (``--split bob:0`` → ``split.3f2a…``): the same error, naming ``bob`` again
    (None when the error names none of them)."""
    described = describe(exc) if typed else None
    if described is None:
        return None
    message, exit_code = described
    renamed = message
    for member_id, query in typed.items():
        renamed = renamed.replace(member_id, query)
    return CliError(renamed, exit_code=exit_code) if renamed != message else None


# --- the progress bar -----------------------------------------------------------------------


@contextlib.contextmanager
def import_progress(
    label: str, total_bytes: int | None, *, console: Any = None
) -> Iterator[ImportProgress | None]:
    """A progress bar on stderr for an import: the file read, rows and rows per second.

    Yields the callback to hand to the backend, or None (no bar) when stderr is not a
    terminal, so pipes and logs stay clean. ``console``: draw on this rich console instead.
    """
    if console is None and not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    bar = Progress(
        TextColumn("{task.description}"),
        TextColumn("{task.fields[rows]:>9,} rows {task.fields[rate]:>7,.0f} rows/s"),
        BarColumn(bar_width=24),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=console or Console(file=sys.stderr, highlight=False),
        transient=True,
    )
    short = label if len(label) <= 24 else label[:23] + "…"
    phases = {"validate": f"reading {short}", "write": "writing", "upload": f"uploading {short}"}
    state: dict[str, Any] = {"phase": "validate", "start": time.monotonic(), "read": 0}
    with bar:
        task = bar.add_task(phases["validate"], total=total_bytes, rows=0, rate=0.0)

        def report(phase: str, rows: int, bytes_read: int) -> None:
            now = time.monotonic()
            if phase != state["phase"]:
                # Writing: the rows read are the most there is to write (fewer when some
                # were imported before).
                state["phase"], state["start"] = phase, now
                bar.reset(
                    task,
                    description=phases.get(phase, phase),
                    total=max(state["read"], 1) if phase == "write" else total_bytes,
                    rows=rows,
                    rate=0.0,
                )
            if phase == "validate":
                state["read"] = rows
            elapsed = max(now - state["start"], 1e-3)
            bar.update(
                task,
                completed=rows if phase == "write" else bytes_read,
                rows=rows,
                rate=rows / elapsed,
            )

        yield report


# --- the import report ----------------------------------------------------------------------

SUMMARY_FIELDS = [
    Column("group", lambda r: r["group"]),
    Column("format", lambda r: r["format"]),
    Column("dry run", lambda r: r["dry_run"]),
    Column("rows read", lambda r: r["rows"]),
    Column("created", lambda r: r["created"]),
    Column("already imported", lambda r: r["already_imported"]),
    Column("skipped", lambda r: r["skipped"]),
    Column("invalid rows left out", lambda r: r.get("invalid", 0)),
    Column("new members", lambda r: ", ".join(m["display_name"] for m in r["new_members"])),
    Column("warnings", lambda r: len(r["warnings"])),
]
NEW_MEMBER_COLUMNS = [
    Column("member", lambda m: m["display_name"]),
    Column("role", lambda m: m["role"]),
    Column("weight", lambda m: m["weight"], right=True),
    Column("id", lambda m: (m["member_id"] or "(new)")[:8]),
]
TOTAL_COLUMNS = [
    Column("currency", lambda t: t["currency"]),
    Column("transactions", lambda t: t["transactions"], right=True),
    Column("expenses", lambda t: t["expenses"], right=True),
    Column("income", lambda t: t["income"], right=True),
    Column("transfers", lambda t: t["transfers"], right=True),
]
INVALID_COLUMNS = [
    Column("row", lambda b: b["row"] if b["row"] is not None else "", right=True),
    Column("column", lambda b: b["column"] or ""),
    Column("reason", lambda b: b["message"]),
]
BALANCE_COLUMNS = [
    Column("member", lambda b: b["display_name"]),
    Column("balance", lambda b: b["balance"], right=True),
    Column("currency", lambda b: b["currency"]),
]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _tell(report: JSON, group_name: str) -> None:
    """What happened, for the person at the terminal (stderr)."""
    created = _plural(report["created"], "transaction")
    rest = f"{report['already_imported']} already there, {report['skipped']} skipped"
    invalid = report.get("invalid", 0)
    if invalid:
        rest += f", {_plural(invalid, 'invalid row')} left out"
    names = ", ".join(m["display_name"] for m in report["new_members"])
    if report["dry_run"]:
        say(f"dry run: would import {created} into {group_name!r} ({rest}); nothing was written")
        if names:
            say(f"would add placeholder members: {names}")
    else:
        say(f"imported {created} into {group_name!r} ({rest})")
        if names:
            say(f"added placeholder members: {names}")
    if invalid:
        listed = report.get("invalid_rows", [])
        rows = {b["row"] for b in listed}
        more = f" (the first {len(listed)} bad cells)" if invalid > len(rows) else ""
        say(f"{'would leave' if report['dry_run'] else 'left'} out, with --skip-invalid{more}:")
        for bad in listed:
            where = "" if bad["row"] is None else f"row {bad['row']}"
            if bad["column"]:
                where = f"{where}, {bad['column']}" if where else bad["column"]
            say(f"  {where}: {bad['message']}" if where else f"  {bad['message']}")
    for message in report["warnings"]:
        warn(message)


# --- commands -------------------------------------------------------------------------------

FORMAT_LIST = ", ".join(IMPORT_FORMATS)


def import_(
    ctx: typer.Context,
    group: GroupArg,
    file: Annotated[
        str,
        # Text, checked by _input_file: Typer's Path with allow_dash refuses "-" as a missing
        # file from 0.29 on (it makes the "-" a Path before looking for the dash).
        typer.Argument(
            metavar="FILE",
            help="The file to import, as the other app (or your bank) wrote it; - reads stdin.",
            show_default=False,
        ),
    ],
    *,
    file_format: Annotated[
        str | None,
        typer.Option(
            "--from",
            "--file-format",
            metavar="FORMAT",
            callback=_import_format,
            help=f"The file's format: {FORMAT_LIST} [default: detected from the content; "
            "bank-csv when a bank mapping is given].",
            show_default=False,
        ),
    ] = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            "-n",
            help="Show what would be created (transactions, new placeholder members, totals "
            "per currency, resulting balances) and write nothing.",
        ),
    ] = False,
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid",
            help="Import the good rows and leave out the bad ones, each listed with its row, "
            "column and reason (in a --dry-run too) [default: a bad row refuses the whole "
            "file].",
        ),
    ] = False,
    convert: Annotated[
        bool,
        typer.Option(
            "--convert",
            help="Book every row in another currency in the group's, at the group's rate "
            "for its day (else the ECB reference rate), rounded per row as ihatemoney does "
            "[default: a ledger per currency].",
        ),
    ] = False,
    member: Annotated[
        list[str] | None,
        typer.Option(
            "--member",
            "-m",
            metavar="NAME=MEMBER",
            help='A name in the file for a member of the group (name, id or `me`): "Ann '
            'Smith=ann". Repeatable. Others match by name (ignoring case) or become '
            "placeholders.",
            show_default=False,
        ),
    ] = None,
    member_map: Annotated[
        Path | None,
        typer.Option(
            "--member-map",
            metavar="FILE",
            help='A JSON (or TOML) file {"name in the file": "member name or id"}; '
            "--member wins over it.",
            exists=True,
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    currency: Annotated[
        str | None,
        typer.Option(
            metavar="CODE",
            help="For files that do not say the currency (a bank CSV, Spliit's CSV) "
            "[default: the group's].",
            show_default=False,
        ),
    ] = None,
    bank_mapping: Annotated[
        Path | None,
        typer.Option(
            "--bank-mapping",
            metavar="FILE",
            help="A bank CSV's column mapping, JSON or TOML, with the keys: "
            + ", ".join(BANK_MAPPING_KEYS)
            + ". The options below override it.",
            exists=True,
            dir_okay=False,
            show_default=False,
        ),
    ] = None,
    date_column: Annotated[
        str | None,
        typer.Option(
            metavar="COLUMN",
            help="Bank CSV: the date column (header text, or 0-based position).",
            show_default=False,
        ),
    ] = None,
    date_format: Annotated[
        str | None,
        typer.Option(
            metavar="FORMAT",
            help="Bank CSV: the dates' strptime format, e.g. %d.%m.%Y [default: %Y-%m-%d].",
            show_default=False,
        ),
    ] = None,
    description_column: Annotated[
        str | None,
        typer.Option(metavar="COLUMN", help="Bank CSV: the description.", show_default=False),
    ] = None,
    amount_column: Annotated[
        str | None,
        typer.Option(
            metavar="COLUMN",
            help="Bank CSV: one signed amount (negative: money out); or use --debit-column "
            "and/or --credit-column.",
            show_default=False,
        ),
    ] = None,
    debit_column: Annotated[
        str | None,
        typer.Option(metavar="COLUMN", help="Bank CSV: money out.", show_default=False),
    ] = None,
    credit_column: Annotated[
        str | None,
        typer.Option(metavar="COLUMN", help="Bank CSV: money in.", show_default=False),
    ] = None,
    currency_column: Annotated[
        str | None,
        typer.Option(
            metavar="COLUMN",
            help="Bank CSV: each row's currency [default: --currency, or the group's].",
            show_default=False,
        ),
    ] = None,
    category_column: Annotated[
        str | None,
        typer.Option(metavar="COLUMN", help="Bank CSV: a category.", show_default=False),
    ] = None,
    id_column: Annotated[
        str | None,
        typer.Option(
            metavar="COLUMN",
            help="Bank CSV: the bank's unique reference of a row, if any (the most stable "
            "key for re-imports).",
            show_default=False,
        ),
    ] = None,
    delimiter: Annotated[
        str | None,
        typer.Option(
            metavar="CHAR",
            help="Bank CSV: the field separator, e.g. ';' or tab [default: ,].",
            show_default=False,
        ),
    ] = None,
    decimal_comma: Annotated[
        bool,
        typer.Option("--decimal-comma", help="Bank CSV: amounts like 1.234,56 or 1234,56."),
    ] = False,
    thousands: Annotated[
        str | None,
        typer.Option(
            metavar="CHAR",
            help="Bank CSV: the thousands separator, e.g. . or ' [default: none].",
            show_default=False,
        ),
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option(
            "--encoding",
            metavar="ENCODING",
            help="Bank CSV: the text encoding, e.g. cp1252 [default: utf-8].",
            show_default=False,
        ),
    ] = None,
    skip_lines: Annotated[
        int | None,
        typer.Option(
            min=0,
            metavar="N",
            help="Bank CSV: lines above the header (account details).",
            show_default=False,
        ),
    ] = None,
    paid_by: Annotated[
        str | None,
        typer.Option(
            metavar="WHO",
            help="Bank CSV: who paid the expenses and received the income [default: you].",
            show_default=False,
        ),
    ] = None,
    split: Annotated[
        list[str] | None,
        typer.Option(
            metavar="WHO[:SHARE],…",
            help="Bank CSV: split every row equally among `bob,carol`, or by shares "
            "`me:1,bob:2` [default: equally among all members].",
            show_default=False,
        ),
    ] = None,
    negative_is_income: Annotated[
        bool,
        typer.Option(
            "--negative-is-income",
            help="Bank CSV, one amount column: a negative amount is money in (some "
            "credit-card statements).",
        ),
    ] = False,
    fmt: FormatOption = None,
) -> None:
    """Import another app's export, a bank's CSV or a Pennywise file into a group.

    All or nothing: a file with bad rows is refused (exit 1) with each bad cell's row,
    column, value and reason, and nothing is written; --skip-invalid imports the good rows
    instead and lists each bad one it left out. Re-importing adds nothing: rows already
    imported are skipped (and bad rows left out again). Members are matched by --member /
    --member-map, then by name (ignoring case); anyone else becomes a placeholder member
    (admins only). Local mode imports files of any size; a server limits uploads
    (PENNYWISE_MAX_IMPORT_BYTES).

    \b
    Formats (--from; detected when left out):
      pennywise-json   Pennywise's own export (lossless: members, history, deletions)
      pennywise-csv    Pennywise's CSV, one row per transaction
      splitwise-csv    Splitwise "Export as spreadsheet" (any language)
      ihatemoney-json  ihatemoney bills (JSON)     ihatemoney-csv  the same as CSV
      spliit-json      Spliit's JSON export        spliit-csv      Spliit's CSV export
      cospend-csv      Nextcloud Cospend project CSV
      bank-csv         a bank's CSV, with a column mapping (--bank-mapping or the options)

    \b
    Examples:
      pennywise import Trip splitwise.csv --dry-run
      pennywise import Trip splitwise.csv --skip-invalid     # the good rows; the bad listed
      cat export.json | pennywise import Trip -               # from stdin
      pennywise import Trip bills.json --member "Ann Smith=me" --member Robert=bob
      pennywise import Me konto.csv --bank-mapping bank.toml
      pennywise import Me konto.csv --date-column Buchungstag --date-format %d.%m.%Y \\
          --description-column Verwendungszweck --debit-column Soll --credit-column Haben \\
          --delimiter ";" --decimal-comma --thousands . --encoding cp1252 --skip-lines 2
      pennywise import Flat statement.csv --date-column Date --description-column Text \\
          --amount-column Amount --paid-by me --split me:1,bob:1

    \b
    A mapping file (bank.toml) has the same keys as the options:
      date = "Buchungstag"
      date_format = "%d.%m.%Y"
      description = "Verwendungszweck"
      debit = "Soll"
      credit = "Haben"
      delimiter = ";"
      decimal = ","
      thousands = "."
      encoding = "cp1252"
      skip_lines = 2
      split = ["me", "bob"]      # or { me = "1", bob = "2" }
    """
    flags: JSON = {
        "date": _column(date_column) if date_column is not None else None,
        "description": _column(description_column) if description_column is not None else None,
        "amount": _column(amount_column) if amount_column is not None else None,
        "debit": _column(debit_column) if debit_column is not None else None,
        "credit": _column(credit_column) if credit_column is not None else None,
        "date_format": date_format,
        "currency_column": _column(currency_column) if currency_column is not None else None,
        "category": _column(category_column) if category_column is not None else None,
        "id_column": _column(id_column) if id_column is not None else None,
        "delimiter": _delimiter(delimiter) if delimiter is not None else None,
        "decimal": "," if decimal_comma else None,
        "thousands": thousands,
        "encoding": encoding,
        "skip_lines": skip_lines,
        "paid_by": paid_by,
        "split": _split_option(split) if split else None,
        "negative_is_expense": False if negative_is_income else None,
    }
    flags = {k: v for k, v in flags.items() if v is not None}
    code = currency_code(currency)
    bank: JSON | None = None
    if bank_mapping is not None or flags or file_format == "bank-csv":
        if file_format is not None and file_format != "bank-csv":
            raise typer.BadParameter(
                f"the bank options are for a bank's CSV, not {file_format}",
                param_hint="--from",
            )
        bank = {**(_mapping_file(bank_mapping) if bank_mapping else {}), **flags}
        if code is not None:
            bank["currency"] = code
            code = None
        missing = [
            option
            for key, option in (("date", "--date-column"), ("description", "--description-column"))
            if bank.get(key) is None
        ]
        if not any(bank.get(k) is not None for k in ("amount", "debit", "credit")):
            missing.append("--amount-column (or --debit-column/--credit-column)")
        if missing:
            raise typer.BadParameter(
                "a bank CSV needs its columns: give "
                + ", ".join(missing)
                + " (or the keys date, description, amount in --bank-mapping)"
            )
    names = {**(_member_map_file(member_map) if member_map else {}), **_member_pairs(member or ())}

    path = _input_file(file)
    label = "stdin" if path is None else path.name
    total = None if path is None else path.stat().st_size
    source: Path | IO[bytes] = sys.stdin.buffer if path is None else path

    async def work(backend: Backend) -> tuple[JSON, JSON]:
        found = await find_group(backend, group)
        resolved_bank = bank
        ids: dict[str, str] = {}
        typed: dict[str, str] = {}
        if names or (bank and ("paid_by" in bank or "split" in bank)):
            members = await backend.list_members(found["id"])
            ids = {
                name: str(pick_member(query, members, group=found)["id"])
                for name, query in names.items()
            }
            if bank is not None:
                resolved_bank = _resolve_people(bank, members, found, typed)
        try:
            with import_progress(label, total) as progress:
                report = await backend.import_file(
                    found["id"],
                    source,
                    format=file_format,
                    dry_run=dry_run,
                    skip_invalid=skip_invalid,
                    member_map=ids or None,
                    bank_mapping=resolved_bank,
                    currency=code,
                    convert=convert,
                    progress=progress,
                )
        except Exception as exc:
            renamed = _as_typed(exc, typed)
            if renamed is None:
                raise
            raise renamed from exc
        return found, report

    found, report = call(ctx, work)
    _tell(report, found["name"])
    emit_record(
        report,
        fmt,
        fields=SUMMARY_FIELDS,
        record={**report, "group": found["name"]},
        details=[
            ("new members", NEW_MEMBER_COLUMNS, report["new_members"]),
            ("totals", TOTAL_COLUMNS, report["totals"]),
            ("invalid rows left out", INVALID_COLUMNS, report.get("invalid_rows", [])),
            ("balances", BALANCE_COLUMNS, report["balances"]),
        ],
    )
