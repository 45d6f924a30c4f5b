"""``pennywise export``: a group's transactions and members, to a file or stdout.

    pennywise export Trip -o trip.json                        # pennywise-json (lossless)
    pennywise export Trip --format splitwise-csv > trip.csv

``--format`` is the file's format (the export's output is the file).
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import IO, Annotated, Any

import typer

from pennywise_cli.backends import Backend
from pennywise_cli.commands.common import GroupArg, find_group
from pennywise_cli.errors import CliError
from pennywise_cli.output import say
from pennywise_cli.runtime import call
from pennywise_core.vocabulary import EXPORT_FORMATS

JSON = dict[str, Any]


EXPORT_ALIASES = {"json": "pennywise-json", "csv": "pennywise-csv"}
"""Short names of two of :data:`pennywise_core.vocabulary.EXPORT_FORMATS`."""


def _format_option(value: str | None) -> str | None:
    """``--format``: one of the export formats or their short names (any case)."""
    if value is None:
        return None
    name = value.strip().lower()
    name = EXPORT_ALIASES.get(name, name)
    if name not in EXPORT_FORMATS:
        choices = ", ".join((*EXPORT_FORMATS, *EXPORT_ALIASES))
        raise typer.BadParameter(f"{value!r} is not one of {choices}")
    return name


def _export_format(chosen: str | None, output: Path | None) -> str:
    if chosen is not None:
        return chosen
    if output is not None and output.suffix.lower() == ".csv":
        return "pennywise-csv"
    return "pennywise-json"


def _place(partial: Path, target: Path, *, force: bool) -> None:
    """Move the finished file into place: atomically, and never over a file unless forced."""
    if force:
        partial.replace(target)
        return
    try:
        # A hard link fails if the target appeared meanwhile: no check-then-replace race.
        os.link(partial, target)
    except FileExistsError:
        raise CliError(f"{target} exists; choose another path or pass --force") from None
    except OSError:  # a file system without hard links
        if target.exists():
            raise CliError(f"{target} exists; choose another path or pass --force") from None
        partial.replace(target)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def export(
    ctx: typer.Context,
    group: GroupArg,
    *,
    file_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            callback=_format_option,
            help="pennywise-json (lossless), pennywise-csv or splitwise-csv; json and csv "
            "are short for pennywise-json and pennywise-csv [default: pennywise-csv for an "
            "--output ending in .csv, else pennywise-json].",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            help="Write to FILE (whole or not at all) [default: stdout].",
            dir_okay=False,
            allow_dash=True,
            show_default=False,
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
) -> None:
    """Export a group: every transaction and member, to a file or stdout.

    \b
    Formats (--format):
      pennywise-json  lossless: the group, its members (roles, placeholders), every
                      transaction with its split, deleted ones marked. `pennywise
                      import` reads it back with the same balances.
      pennywise-csv   one row per transaction: date, description, category, kind,
                      amount, currency, paid_by, split_mode, split, notes
      splitwise-csv   Splitwise's spreadsheet layout: one column per member (their net),
                      then a Total balance row per currency
    CSV files start with a UTF-8 BOM; text cells that a spreadsheet would run as a
    formula (= + - @) get a leading '.

    \b
    Examples:
      pennywise export Trip -o trip.json
      pennywise export Trip --format splitwise-csv > trip.csv
      pennywise export Trip -o trip.json && pennywise import Copy trip.json
    """
    chosen = _export_format(file_format, output)
    to_stdout = output is None or str(output) == "-"

    if to_stdout:
        sys.stdout.flush()
        out = sys.stdout.buffer
        try:
            call(ctx, lambda backend: _export_to(backend, group, out, chosen))
            out.flush()
        except BrokenPipeError:
            # The reader went away (`pennywise export Trip | head`): stop quietly, and point
            # stdout at /dev/null so that Python's own flush at exit does not fail again.
            with contextlib.suppress(OSError, ValueError):
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(1) from None
        return
    import tempfile

    assert output is not None
    target = output.expanduser()
    if target.is_dir():
        raise CliError(f"{target} is a directory; give a file name")
    if target.exists() and not force:
        raise CliError(f"{target} exists; choose another path or pass --force")
    if not target.parent.is_dir():
        # As cp and tar do: a missing directory is a typo more often than a wish.
        raise CliError(f"no directory {target.parent}: create it first (mkdir -p {target.parent})")
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    partial = Path(name)
    try:
        with os.fdopen(fd, "wb") as file:
            found = call(ctx, lambda backend: _export_to(backend, group, file, chosen))
            file.flush()
            os.fsync(file.fileno())
        partial.chmod(0o666 & ~_umask())
        _place(partial, target, force=force)
    finally:
        partial.unlink(missing_ok=True)
    say(f"exported {found['name']!r} as {chosen} to {target} ({target.stat().st_size} bytes)")


async def _export_to(backend: Backend, group: str, out: IO[bytes], chosen: str) -> JSON:
    found = await find_group(backend, group)
    await backend.export(found["id"], out, format=chosen)
    return found
