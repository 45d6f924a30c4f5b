"""Output: data on stdout as a table, JSON or CSV; talk on stderr.

Every command that prints data takes ``--format`` (:data:`FormatOption`): ``table`` on a
terminal, ``json`` when stdout is piped, unless ``--format`` or ``PENNYWISE_FORMAT`` says
otherwise. JSON is the data as the API shapes it (the same in local and remote mode); a
table and CSV show the columns a command chooses (CSV with full ids, tables short ones).
For scripts, ``ndjson`` prints one compact JSON object a line (one per item of a list, or
the one record), and ``id`` prints only the ids, one a line; data without ids refuses ``id``
(exit 1) and says which formats it has.

Text from the data never reaches the terminal as it is: tables, CSV and messages show a
control character as an escape (:func:`shown`: ``ESC`` is the four characters ``\x1b``),
and a table cell is plain text, never rich markup (``[red]`` is shown, not obeyed).

rich is imported only when a table or a progress bar is drawn.
"""

from __future__ import annotations

import contextlib
import csv
import enum
import json
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

import typer

from pennywise_core.text import escape


class Format(enum.StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    ndjson = "ndjson"
    id = "id"


FormatOption = Annotated[
    Format | None,
    typer.Option(
        "--format",
        "-f",
        envvar="PENNYWISE_FORMAT",
        help="Output format: table, json, csv, ndjson (one JSON object a line) or id "
        "(only the ids, one a line) [default: table on a terminal, json when piped].",
        show_default=False,
        case_sensitive=False,
    ),
]


def resolve_format(fmt: Format | None) -> Format:
    if fmt is not None:
        return fmt
    return Format.table if sys.stdout.isatty() else Format.json


@dataclass(frozen=True)
class Column:
    """One column of a table or CSV: a header and how to get the value from a record."""

    header: str
    get: Callable[[Any], Any]
    right: bool = False
    """Right-justified in tables (amounts)."""
    full: Callable[[Any], Any] | None = None
    """The value in CSV, when it differs from the table's (a full id instead of a short one)."""
    flex: bool = False
    """Free text that may wrap when the terminal is narrow; other columns never wrap."""
    csv_only: bool = False
    """Left out of tables (where another column already shows it, to save width)."""
    csv_header: str | None = None
    """The header in CSV, when it differs from the table's (``from_name`` for ``from``)."""


def short_id(value: object) -> str:
    return str(value)[:8] if value else ""


def shown(text: str) -> str:
    """``text`` safe to print on a terminal: every control character but the line feed
    escaped (``"\x1b[2J"`` → ``\x1b[2J``), so stored text cannot drive the terminal."""
    return escape(text, keep="\n")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return shown(str(value))


def _cell(value: object) -> Any:
    from rich.text import Text

    return Text(_text(value))


def emit(
    data: Any,
    fmt: Format | None,
    *,
    columns: Sequence[Column],
    rows: Sequence[Mapping[str, Any]] | None = None,
    title: str | None = None,
) -> None:
    """Print a list of records: ``data`` as JSON, or ``rows`` (default: ``data``) as a table."""
    chosen = resolve_format(fmt)
    if chosen is Format.json:
        _json(data)
        return
    rows = data if rows is None else rows
    if chosen in (Format.ndjson, Format.id):
        _lines(rows, chosen)
        return
    if chosen is Format.csv:
        _csv(rows, columns)
        return
    _table(rows, columns, title=title)


def emit_record(
    data: Any,
    fmt: Format | None,
    *,
    fields: Sequence[Column],
    record: Mapping[str, Any] | None = None,
    details: Sequence[tuple[str, Sequence[Column], Sequence[Mapping[str, Any]]]] = (),
) -> None:
    """Print one record: JSON, one CSV row, or a two-column table plus detail tables."""
    chosen = resolve_format(fmt)
    if chosen is Format.json:
        _json(data)
        return
    if chosen in (Format.ndjson, Format.id):
        _lines([data], chosen)
        return
    record = data if record is None else record
    if chosen is Format.csv:
        _csv([record], fields)
        return
    from rich.table import Table

    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    for column in fields:
        table.add_row(column.header, _cell(column.get(record)))
    console = _console()
    console.print(table)
    for title, columns, rows in details:
        _table(rows, columns, title=title, console=console)


def _json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _lines(items: Sequence[Any], chosen: Format) -> None:
    """``ndjson``: each item as one line of compact JSON; ``id``: each item's id, a line each."""
    if chosen is Format.id:
        if not all(isinstance(item, Mapping) and item.get("id") for item in items):
            from pennywise_cli.errors import CliError

            raise CliError(
                "this command's data has no ids to print: use --format ndjson, json or csv"
            )
        sys.stdout.write("".join(f"{item['id']}\n" for item in items))
        return
    for item in items:
        sys.stdout.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n")


def _csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[Column]) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow([c.csv_header or c.header for c in columns])
    for row in rows:
        writer.writerow([_text((c.full or c.get)(row)) for c in columns])


def _console(stderr: bool = False) -> Any:
    from rich.console import Console

    return Console(file=sys.stderr if stderr else sys.stdout, highlight=False)


def _table(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[Column],
    *,
    title: str | None = None,
    console: Any = None,
) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    console = console or _console()
    heading = Text(shown(title), style="bold") if title else None
    if not rows:
        if heading is not None:
            console.print(heading + Text(": none"))
        else:
            say("nothing to show")
        return
    table = Table(box=box.SIMPLE_HEAD, title=heading, title_justify="left", pad_edge=False)
    columns = [c for c in columns if not c.csv_only]
    for column in columns:
        table.add_column(
            column.header,
            justify="right" if column.right else "left",
            no_wrap=not column.flex,
            min_width=10 if column.flex else None,
            overflow="fold" if column.flex else "ellipsis",
        )
    for row in rows:
        table.add_row(*(_cell(c.get(row)) for c in columns))
    console.print(table)


# --- talk ----------------------------------------------------------------------------------


def say(message: str) -> None:
    """A message for the person at the terminal: stderr, never mixed with the data."""
    typer.echo(shown(message), err=True)


def warn(message: str) -> None:
    typer.secho(f"warning: {shown(message)}", err=True, fg="yellow")


@contextlib.contextmanager
def progress(description: str, total: int | None = None) -> Iterator[Callable[..., None]]:
    """A progress bar on stderr while long work runs; yields ``advance(steps=1, total=…)``.

    Drawn only when stderr is a terminal, so pipes and logs stay clean.
    """
    if not sys.stderr.isatty():

        def ignore(steps: int = 1, *, total: int | None = None) -> None:
            return None

        yield ignore
        return
    from rich.progress import Progress

    with Progress(console=_console(stderr=True), transient=True) as bar:
        task = bar.add_task(description, total=total)

        def advance(steps: int = 1, *, total: int | None = None) -> None:
            if total is not None:
                bar.update(task, total=total)
            bar.advance(task, steps)

        yield advance
