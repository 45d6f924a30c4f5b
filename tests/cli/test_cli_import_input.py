"""``pennywise import``: a file from stdin (``-``) through a real process, and
``--skip-invalid`` in local and remote mode on both databases.

The stdin test runs the installed ``pennywise`` script, so it sees the Typer and Click the
environment really has (``nox -s newest`` runs it on the newest releases).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from clitools import Cli

from pennywise_cli import errors

BIN = Path(sys.executable).parent
MIXED = (
    "Date,Description,Category,Cost,Currency,Ann,Bob\n"
    "2024-01-01,Lunch,Food,20.00,EUR,10.00,-10.00\n"
    "2024-01-02,Dinner,Food,abc,EUR,10.00,-10.00\n"
    "2024-01-03,Taxi,Transport,12.00,EUR,6.00,-6.00x\n"
    "2024-01-04,Museum,Fun,30.00,EUR,-15.00,15.00\n"
)
"""Rows 2 and 5 are good (Ann −5.00, Bob +5.00); row 3's Cost and row 4's Bob are bad."""
BAD = [(3, "Cost"), (4, "Bob")]


@pytest.fixture
def local(migrated_database_url: str, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv("PENNYWISE_DATABASE_URL", migrated_database_url)
    return Cli(mode="local")


@pytest.fixture
def trip(cli: Cli) -> str:
    cli("group", "create", "Trip", "--currency", "EUR")
    return "Trip"


def balances(cli: Cli, group: str) -> dict[str, str]:
    return {b["display_name"]: b["balance"] for b in cli("balances", group)}


def bad_rows(report: dict[str, Any]) -> list[tuple[int, str]]:
    assert all(bad["message"] for bad in report["invalid_rows"])
    return [(bad["row"], bad["column"]) for bad in report["invalid_rows"]]


class TestStdin:
    def test_a_real_process_reads_the_file_from_stdin(self, local: Cli, tmp_path: Path) -> None:
        local("group", "create", "Trip", "--currency", "EUR")
        result = subprocess.run(
            [str(BIN / "pennywise"), "import", "Trip", "-", "--format", "json"],
            input=MIXED.replace("abc", "20.00").replace("-6.00x", "-6.00").encode(),
            capture_output=True,
            env={**os.environ, "PENNYWISE_FORMAT": "json"},
            cwd=tmp_path,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr.decode()
        report = json.loads(result.stdout)
        assert (report["format"], report["created"]) == ("splitwise-csv", 4)
        assert balances(local, "Trip") == {"Ann": "11.00", "Bob": "-11.00"}

    def test_a_missing_file_is_still_a_usage_error(self, local: Cli, tmp_path: Path) -> None:
        local("group", "create", "Trip", "--currency", "EUR")
        for path, reason in ((tmp_path / "missing.csv", "does not exist"), (tmp_path, "directory")):
            result = local.run("import", "Trip", str(path))
            assert result.exit_code == errors.USAGE
            assert reason in result.stderr

    def test_skip_invalid_from_stdin_through_clirunner(self, local: Cli) -> None:
        local("group", "create", "Trip", "--currency", "EUR")
        report = local("import", "Trip", "-", "--skip-invalid", input=MIXED)
        assert (report["created"], bad_rows(report)) == (2, BAD)


class TestSkipInvalid:
    def test_without_it_the_file_is_refused_whole(
        self, cli: Cli, trip: str, tmp_path: Path
    ) -> None:
        path = tmp_path / "mixed.csv"
        path.write_text(MIXED, encoding="utf-8")
        result = cli.fails("import", trip, str(path), code=errors.USER_ERROR)
        assert "2 bad rows" in result.stderr
        assert cli("tx", "list", trip, "--all") == []

    def test_the_good_rows_land_and_each_bad_row_is_listed(
        self, cli: Cli, trip: str, tmp_path: Path
    ) -> None:
        path = tmp_path / "mixed.csv"
        path.write_text(MIXED, encoding="utf-8")

        dry = cli.run("import", trip, str(path), "--skip-invalid", "--dry-run", "--format", "json")
        assert dry.exit_code == 0, dry.stderr
        report = json.loads(dry.stdout)
        assert (report["dry_run"], report["created"], report["invalid"]) == (True, 2, 2)
        assert bad_rows(report) == BAD
        assert "would leave out" in dry.stderr
        assert "row 3, Cost: value 'abc'" in dry.stderr
        assert "row 4, Bob: value '-6.00x'" in dry.stderr
        assert cli("tx", "list", trip, "--all") == []

        done = cli.run("import", trip, str(path), "--skip-invalid", "--format", "json")
        assert done.exit_code == 0, done.stderr
        report = json.loads(done.stdout)
        assert (report["created"], report["invalid"], bad_rows(report)) == (2, 2, BAD)
        assert "2 invalid rows left out" in done.stderr
        assert "row 3, Cost" in done.stderr
        assert balances(cli, trip) == {"Ann": "-5.00", "Bob": "5.00"}
        assert sorted(t["description"] for t in cli("tx", "list", trip, "--all")) == [
            "Lunch",
            "Museum",
        ]

        again = cli("import", trip, str(path), "--skip-invalid")
        assert (again["created"], again["already_imported"], bad_rows(again)) == (0, 2, BAD)
        assert len(cli("tx", "list", trip, "--all")) == 2
        assert balances(cli, trip) == {"Ann": "-5.00", "Bob": "5.00"}

    def test_the_table_lists_the_rows_left_out(self, cli: Cli, trip: str, tmp_path: Path) -> None:
        path = tmp_path / "mixed.csv"
        path.write_text(MIXED, encoding="utf-8")
        result = cli.run("import", trip, str(path), "--skip-invalid", "--format", "table")
        assert result.exit_code == 0, result.stderr
        assert "invalid rows left out" in result.stdout
        assert "value 'abc'" in result.stdout


class TestFormatNames:
    """``--from`` and the export's ``--format`` take the vocabulary's format names."""

    def test_an_unknown_import_format_lists_every_format(self) -> None:
        from pennywise_core.vocabulary import IMPORT_FORMATS

        result = Cli(mode="local").run("import", "Trip", "-", "--from", "quicken")
        assert result.exit_code == errors.USAGE
        text = " ".join(result.stderr.split())
        for name in IMPORT_FORMATS:
            assert name in text

    def test_names_are_read_in_any_case(self, local: Cli, tmp_path: Path) -> None:
        local("group", "create", "Trip", "--currency", "EUR")
        path = tmp_path / "good.csv"
        path.write_text(MIXED.replace("abc", "20.00").replace("-6.00x", "-6.00"), "utf-8")
        report = local("import", "Trip", str(path), "--from", "Splitwise-CSV", "--dry-run")
        assert report["format"] == "splitwise-csv"
        out = tmp_path / "trip.csv"
        local.run("export", "Trip", "--format", "CSV", "-o", str(out))
        assert out.read_text("utf-8-sig").startswith("date,description")
