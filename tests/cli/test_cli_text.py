"""Clean text at the command line: a control character in an argument is a user error
naming the field (exit 1, nothing stored); text stored before the rule (or written into the
database by something else) is shown escaped in tables and messages, never run by the
terminal; and a table cell is text, not rich markup."""

from __future__ import annotations

import asyncio

import pytest
from clitools import Cli
from sqlalchemy import update

from pennywise_cli import errors
from pennywise_core import db
from pennywise_core.models import Group, Member, Transaction

PWNED = "\x1b[2J\x1b[31mPWNED"
"""Clears the screen and turns the text red, when a terminal gets it raw."""


def write_raw(database_url: str, *statements: object) -> None:
    """Run UPDATEs on the database behind the CLI, past every check (old data, other tools)."""

    async def run() -> None:
        engine = db.create_engine(database_url)
        try:
            async with engine.begin() as connection:
                for statement in statements:
                    await connection.execute(statement)  # type: ignore[call-overload]
        finally:
            await engine.dispose()

    asyncio.run(run())


class TestArguments:
    @pytest.mark.parametrize(
        ("char", "found"),
        [("\x00", "NUL, U+0000"), ("\x1b[2J", "ESC, U+001B"), ("\x07", "U+0007")],
    )
    def test_a_group_name_with_a_control_character(self, cli: Cli, char: str, found: str) -> None:
        result = cli.fails("group", "create", f"Trip{char}", code=errors.USER_ERROR)
        assert f"name: must not contain control characters (found {found} at character 5)" in (
            result.stderr
        )
        assert "\x1b" not in result.stderr
        assert "\x00" not in result.stderr
        assert cli("group", "list") == []

    def test_a_description_on_two_lines(self, cli: Cli) -> None:
        cli("group", "create", "Trip", "--currency", "EUR")
        result = cli.fails("tx", "add", "Trip", "10.00", "Coffee\nand cake", code=errors.USER_ERROR)
        assert "description: must be one line" in result.stderr
        assert cli("tx", "list", "Trip") == []

    def test_notes_on_two_lines_are_fine(self, cli: Cli) -> None:
        cli("group", "create", "Trip", "--currency", "EUR")
        tx = cli("tx", "add", "Trip", "10.00", "Coffee", "--notes", "two\nlines")
        assert tx["notes"] == "two\nlines"

    def test_a_search_term(self, cli: Cli) -> None:
        cli("group", "create", "Trip", "--currency", "EUR")
        result = cli.fails("tx", "list", "Trip", "--search", "a\x1bb", code=errors.USER_ERROR)
        assert "search: must not contain control characters (found ESC" in result.stderr


class TestStoredText:
    @pytest.fixture
    def stored(self, cli: Cli, migrated_database_url: str) -> dict[str, str]:
        """A group whose names and transaction carry escapes, stored past the checks."""
        cli("group", "create", "Trip", "--currency", "EUR")
        tx = cli("tx", "add", "Trip", "10.00", "Coffee", "--category", "food")
        write_raw(
            migrated_database_url,
            update(Transaction).values(description=PWNED, category="[red]fun[/red]"),
            update(Member).values(display_name="Ann\x1b]0;owned\x07"),
        )
        return tx

    def test_tx_list_table_shows_escapes(self, cli: Cli, stored: dict[str, str]) -> None:
        result = cli.run("tx", "list", "Trip", "--format", "table")
        assert result.exit_code == 0, result.stderr
        assert "\x1b" not in result.stdout
        assert "\x07" not in result.stdout
        assert "\\x1b[2J\\x1b[31mPWNED" in result.stdout
        assert "[red]fun[/red]" in result.stdout  # shown as typed, not obeyed
        assert "you" in result.stdout  # the caller, whatever their stored name
        members = cli.run("member", "list", "Trip", "--format", "table").stdout
        assert "Ann\\x1b]0;owned\\x07" in members
        assert "\x1b" not in members

    def test_one_record_and_csv_too(self, cli: Cli, stored: dict[str, str]) -> None:
        shown = cli.run("tx", "show", stored["id"], "--format", "table")
        assert shown.exit_code == 0, shown.stderr
        assert "\x1b" not in shown.stdout
        assert "\\x1b[2J\\x1b[31mPWNED" in shown.stdout
        listed = cli.run("tx", "list", "Trip", "--format", "csv")
        assert listed.exit_code == 0, listed.stderr
        assert "\x1b" not in listed.stdout
        assert "\\x1b[2J\\x1b[31mPWNED" in listed.stdout

    def test_json_keeps_the_data_exact(self, cli: Cli, stored: dict[str, str]) -> None:
        (tx,) = cli("tx", "list", "Trip")
        assert tx["description"] == PWNED  # JSON escapes it itself: "\u001b"

    def test_messages_show_escapes(self, cli: Cli, migrated_database_url: str) -> None:
        cli("group", "create", "Trip", "--currency", "EUR")
        write_raw(migrated_database_url, update(Group).values(name=f"Trip{PWNED}"))
        result = cli.fails("group", "show", "Nowhere", code=errors.NOT_FOUND)
        assert "\x1b" not in result.stderr
        assert "there are: Trip\\x1b[2J\\x1b[31mPWNED" in result.stderr
