"""``pennywise import`` and ``pennywise export``, through the CLI on real databases.

Every scenario uses only the command line (no database access of its own), so it runs
against any backend: ``cli`` (tests/cli/conftest.py) is local and remote mode, each on
SQLite and PostgreSQL. Ann is the caller; the fixture files are tests/imports/fixtures.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from clitools import Cli
from rich.console import Console

from pennywise_cli import errors
from pennywise_cli.commands.imports import import_progress

FIXTURES = Path(__file__).parent.parent / "imports" / "fixtures"

SPLITWISE_EN_BALANCES = {
    "EUR": {"Ann": "-500.00", "Bob": "-490.00", "Carol": "990.00"},
    "USD": {"Ann": "20.00", "Bob": "-5.00", "Carol": "-15.00"},
}
"""tests/imports/fixtures/splitwise_en.csv, as its "Total balance" rows say."""

GERMAN_BANK = {
    "date": "Buchungstag",
    "date_format": "%d.%m.%Y",
    "description": "Verwendungszweck",
    "debit": "Soll",
    "credit": "Haben",
    "currency_column": "Währung",
    "delimiter": ";",
    "decimal": ",",
    "thousands": ".",
    "encoding": "cp1252",
    "skip_lines": 2,
}
"""bank_de.csv (cp1252, ";" separated, two account lines above the header): out 45.90 +
3.20 + 3.20 + 1200.00 = 1252.30, in 2500.00, and a 0,00 credit that is skipped."""

SIMPLE_FLAGS = [
    "--date-column",
    "Date",
    "--description-column",
    "Description",
    "--amount-column",
    "Amount",
]
"""The columns of bank_simple.csv."""
GERMAN_FLAGS = [
    "--date-column",
    "Buchungstag",
    "--date-format",
    "%d.%m.%Y",
    "--description-column",
    "Verwendungszweck",
    "--debit-column",
    "Soll",
    "--credit-column",
    "Haben",
    "--currency-column",
    "Währung",
    "--delimiter",
    ";",
    "--decimal-comma",
    "--thousands",
    ".",
    "--encoding",
    "cp1252",
    "--skip-lines",
    "2",
]


def fixture(name: str) -> str:
    return str(FIXTURES / name)


def balances(cli: Cli, group: str) -> dict[str, dict[str, str]]:
    """``{currency: {member: balance}}``."""
    result: dict[str, dict[str, str]] = {}
    for row in cli("balances", group):
        result.setdefault(row["currency"], {})[row["display_name"]] = row["balance"]
    return result


def transactions(cli: Cli, group: str) -> list[dict[str, Any]]:
    return cli("tx", "list", group, "--all", "--deleted")


def member_names(cli: Cli, group: str) -> list[str]:
    return sorted(m["display_name"] for m in cli("member", "list", group))


@pytest.fixture
def trip(cli: Cli) -> str:
    cli("group", "create", "Trip", "--currency", "EUR")
    return "Trip"


class TestImport:
    def test_a_splitwise_file_then_balances(self, cli: Cli, trip: str) -> None:
        report = cli("import", trip, fixture("splitwise_en.csv"))
        assert (report["format"], report["dry_run"], report["rows"], report["created"]) == (
            "splitwise-csv",
            False,
            5,
            5,
        )
        # Ann is the caller (matched by name); Bob and Carol are new placeholders.
        assert sorted(m["display_name"] for m in report["new_members"]) == ["Bob", "Carol"]
        assert all(m["member_id"] for m in report["new_members"])
        assert balances(cli, trip) == SPLITWISE_EN_BALANCES
        assert member_names(cli, trip) == ["Ann", "Bob", "Carol"]
        assert len(transactions(cli, trip)) == 5

    def test_a_dry_run_writes_nothing_and_says_what_it_would_do(self, cli: Cli, trip: str) -> None:
        report = cli("import", trip, fixture("splitwise_en.csv"), "--dry-run")
        assert (report["dry_run"], report["created"]) == (True, 5)
        assert sorted(m["display_name"] for m in report["new_members"]) == ["Bob", "Carol"]
        assert all(m["member_id"] is None for m in report["new_members"])
        totals = {t["currency"]: t for t in report["totals"]}
        assert (totals["EUR"]["transactions"], totals["EUR"]["expenses"]) == (3, "1770.00")
        assert totals["EUR"]["transfers"] == "100.00"
        assert (totals["USD"]["transactions"], totals["USD"]["expenses"]) == (2, "65.00")
        resulting: dict[str, dict[str, str]] = {}
        for row in report["balances"]:
            resulting.setdefault(row["currency"], {})[row["display_name"]] = row["balance"]
        assert resulting == SPLITWISE_EN_BALANCES
        # Nothing was written.
        assert transactions(cli, trip) == []
        assert member_names(cli, trip) == ["Ann"]
        assert cli("balances", trip) == []

    def test_a_dry_run_as_a_table(self, cli: Cli, trip: str) -> None:
        result = cli.run(
            "import", trip, fixture("splitwise_en.csv"), "--dry-run", "--format", "table"
        )
        assert result.exit_code == 0, result.stderr
        for text in ("splitwise-csv", "Bob", "Carol", "1770.00", "990.00", "USD"):
            assert text in result.stdout
        assert "would import 5 transactions" in result.stderr
        assert "nothing was written" in result.stderr
        assert "Bob" in result.stderr  # the placeholders it would add
        assert transactions(cli, trip) == []

    def test_a_reimport_adds_nothing(self, cli: Cli, trip: str) -> None:
        cli("import", trip, fixture("splitwise_en.csv"))
        again = cli("import", trip, fixture("splitwise_en.csv"))
        assert (again["created"], again["already_imported"], again["new_members"]) == (0, 5, [])
        assert len(transactions(cli, trip)) == 5
        assert balances(cli, trip) == SPLITWISE_EN_BALANCES
        # An earlier, shorter export of the same group: nothing new either.
        early = cli("import", trip, fixture("splitwise_en_early.csv"))
        assert (early["created"], early["already_imported"]) == (0, 3)

    def test_from_stdin(self, cli: Cli, trip: str) -> None:
        text = (FIXTURES / "splitwise_en.csv").read_text(encoding="utf-8")
        result = cli.run("import", trip, "-", "--format", "json", input=text)
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["created"] == 5
        assert balances(cli, trip) == SPLITWISE_EN_BALANCES

    def test_the_format_can_be_given(self, cli: Cli, trip: str) -> None:
        report = cli("import", trip, fixture("ihatemoney_bills.json"), "--from", "ihatemoney-json")
        assert report["format"] == "ihatemoney-json"
        result = cli.fails(
            "import", trip, fixture("splitwise_en.csv"), "--from", "spliit-json", code=1
        )
        assert "not valid JSON" in result.stderr


class TestBadFiles:
    BAD = (
        "Date,Description,Category,Cost,Currency,Ann,Bob\n"
        "2024-01-01,Lunch,Food,20.00,EUR,10.00,-10.00\n"
        "2024-01-02,Dinner,Food,abc,EUR,10.00,-10.00\n"
        "2024-01-03,Taxi,Transport,12.00,EUR,6.00,-6.00x\n"
    )

    def test_every_bad_row_is_shown_and_nothing_is_written(
        self, cli: Cli, trip: str, tmp_path: Path
    ) -> None:
        path = tmp_path / "bad.csv"
        path.write_text(self.BAD, encoding="utf-8")
        result = cli.fails("import", trip, str(path), code=errors.USER_ERROR)
        assert "2 bad rows" in result.stderr
        assert "nothing was imported" in result.stderr
        # Each bad cell: its row (the header is row 1), column, value and reason.
        assert "row.3.Cost: value 'abc'" in result.stderr
        assert "row.4.Bob: value '-6.00x'" in result.stderr
        assert "decimal" in result.stderr
        assert transactions(cli, trip) == []
        assert member_names(cli, trip) == ["Ann"]  # Bob was not added either

    def test_a_total_that_does_not_match(self, cli: Cli, trip: str) -> None:
        result = cli.fails(
            "import", trip, fixture("splitwise_bad_total.csv"), code=errors.USER_ERROR
        )
        assert "row.8.Carol" in result.stderr
        assert "'980.00'" in result.stderr
        assert transactions(cli, trip) == []

    def test_a_dry_run_of_a_bad_file_fails_the_same_way(
        self, cli: Cli, trip: str, tmp_path: Path
    ) -> None:
        path = tmp_path / "bad.csv"
        path.write_text(self.BAD, encoding="utf-8")
        result = cli.fails("import", trip, str(path), "--dry-run", code=errors.USER_ERROR)
        assert "row.3.Cost" in result.stderr

    def test_an_unknown_group_or_file(self, cli: Cli, trip: str, tmp_path: Path) -> None:
        cli.fails("import", "Nowhere", fixture("splitwise_en.csv"), code=errors.NOT_FOUND)
        missing = cli.run("import", trip, str(tmp_path / "missing.csv"))
        assert missing.exit_code == errors.USAGE
        assert "does not exist" in missing.stderr


class TestMembers:
    # splitwise_de.csv: Anna and Bernd. Anna is +25 −25 −15 = −15.00, Bernd +15.00.
    def test_a_name_mapped_to_a_member(self, cli: Cli, trip: str) -> None:
        report = cli("import", trip, fixture("splitwise_de.csv"), "--member", "Anna=me")
        assert [m["display_name"] for m in report["new_members"]] == ["Bernd"]
        assert balances(cli, trip) == {"EUR": {"Ann": "-15.00", "Bernd": "15.00"}}

    def test_a_member_map_file(self, cli: Cli, trip: str, tmp_path: Path) -> None:
        cli("member", "add", trip, "Bob")
        path = tmp_path / "members.json"
        path.write_text(json.dumps({"Bernd": "bob", "Anna": "Nobody"}), encoding="utf-8")
        # --member wins over the file.
        report = cli(
            "import", trip, fixture("splitwise_de.csv"), "--member-map", str(path), "-m", "Anna=me"
        )
        assert report["new_members"] == []
        assert balances(cli, trip) == {"EUR": {"Ann": "-15.00", "Bob": "15.00"}}

    def test_an_unknown_member_is_not_found(self, cli: Cli, trip: str) -> None:
        result = cli.fails(
            "import", trip, fixture("splitwise_de.csv"), "--member", "Anna=Zed", code=3
        )
        assert "'Zed'" in result.stderr
        assert transactions(cli, trip) == []

    def test_a_malformed_member_option_is_a_usage_error(self, cli: Cli, trip: str) -> None:
        result = cli.run("import", trip, fixture("splitwise_de.csv"), "--member", "Anna")
        assert result.exit_code == errors.USAGE
        assert "NAME=MEMBER" in result.stderr


class TestBankCsv:
    @pytest.mark.parametrize("suffix", [".json", ".toml"])
    def test_with_a_mapping_file(self, cli: Cli, tmp_path: Path, suffix: str) -> None:
        cli("group", "create", "Me", "--currency", "EUR")
        path = tmp_path / f"bank{suffix}"
        if suffix == ".json":
            path.write_text(json.dumps(GERMAN_BANK), encoding="utf-8")
        else:
            path.write_text(
                "".join(
                    f"{key} = {json.dumps(value, ensure_ascii=False)}\n"
                    for key, value in GERMAN_BANK.items()
                ),
                encoding="utf-8",
            )
        report = cli("import", "Me", fixture("bank_de.csv"), "--bank-mapping", str(path))
        assert (report["format"], report["rows"], report["created"], report["skipped"]) == (
            "bank-csv",
            5,
            5,
            1,
        )
        [eur] = report["totals"]
        assert (eur["currency"], eur["expenses"], eur["income"]) == ("EUR", "1252.30", "2500.00")
        again = cli("import", "Me", fixture("bank_de.csv"), "--bank-mapping", str(path))
        assert (again["created"], again["already_imported"]) == (0, 5)
        descriptions = sorted(t["description"] for t in transactions(cli, "Me"))
        assert descriptions.count("Kaffee") == 2  # identical rows are both kept
        assert "Überweisung Miete" in descriptions

    def test_with_flags(self, cli: Cli) -> None:
        cli("group", "create", "Me", "--currency", "EUR")
        report = cli("import", "Me", fixture("bank_de.csv"), *GERMAN_FLAGS, "--dry-run")
        assert (report["created"], report["skipped"]) == (5, 1)
        assert transactions(cli, "Me") == []
        assert cli("import", "Me", fixture("bank_de.csv"), *GERMAN_FLAGS)["created"] == 5
        kinds = {t["description"]: t["kind"] for t in transactions(cli, "Me")}
        assert (kinds["Gehalt Januar"], kinds["REWE Markt"]) == ("income", "expense")

    def test_flags_override_the_file_and_name_who_pays_and_shares(
        self, cli: Cli, trip: str, tmp_path: Path
    ) -> None:
        # bank_simple.csv: Supermarket −60, Refund +20, Electricity −90; Ann pays, split
        # Ann 1 : Bob 2. Bob owes 40 + 60 for the expenses and is owed 13.33 of the refund.
        cli("member", "add", trip, "Bob")
        path = tmp_path / "bank.toml"
        path.write_text(
            'date = "Date"\ndescription = "Wrong"\namount = "Amount"\n'
            "split = { me = 1, Bob = 2 }\n",
            encoding="utf-8",
        )
        report = cli(
            "import",
            trip,
            fixture("bank_simple.csv"),
            "--bank-mapping",
            str(path),
            "--description-column",
            "1",  # a 0-based position
            "--category-column",
            "Category",
            "--paid-by",
            "me",
        )
        assert report["created"] == 3
        assert balances(cli, trip) == {"EUR": {"Ann": "86.67", "Bob": "-86.67"}}
        categories = {t["description"]: t["category"] for t in transactions(cli, trip)}
        assert categories["Electricity"] == "utilities"

    def test_split_and_currency_flags(self, cli: Cli, trip: str) -> None:
        cli("member", "add", trip, "Bob")
        report = cli(
            "import",
            trip,
            fixture("bank_simple.csv"),
            *SIMPLE_FLAGS,
            "--split",
            "me,bob",
            "--currency",
            "usd",
        )
        assert [t["currency"] for t in report["totals"]] == ["USD"]
        # Expenses 150 split equally, the refund 20 too: Bob owes 75 − 10 = 65.
        assert balances(cli, trip) == {"USD": {"Ann": "65.00", "Bob": "-65.00"}}

    def test_a_bad_share_names_the_member_as_typed(self, cli: Cli, trip: str) -> None:
        bob = cli("member", "add", trip, "Bob")
        result = cli.fails(
            "import",
            trip,
            fixture("bank_simple.csv"),
            *SIMPLE_FLAGS,
            "--split",
            "me:1,bob:0",
            code=errors.USER_ERROR,
        )
        assert "split.bob" in result.stderr
        assert "'0' is not a share" in result.stderr
        assert bob["id"] not in result.stderr
        assert transactions(cli, trip) == []

    def test_a_column_that_is_not_in_the_file(self, cli: Cli, trip: str) -> None:
        result = cli.fails(
            "import",
            trip,
            fixture("bank_simple.csv"),
            "--date-column",
            "Datum",
            "--description-column",
            "Description",
            "--amount-column",
            "Amount",
            code=errors.USER_ERROR,
        )
        assert "bank_mapping.date" in result.stderr
        assert "'Datum'" in result.stderr
        assert "'Description'" in result.stderr  # the file's columns are listed
        assert transactions(cli, trip) == []

    def test_missing_columns_and_mixed_formats_are_usage_errors(
        self, cli: Cli, trip: str, tmp_path: Path
    ) -> None:
        bank = fixture("bank_simple.csv")
        result = cli.run("import", trip, bank, "--date-column", "Date")
        assert result.exit_code == errors.USAGE
        assert "--description-column" in result.stderr
        result = cli.run("import", trip, bank, "--date-column", "Date", "--from", "splitwise-csv")
        assert result.exit_code == errors.USAGE
        path = tmp_path / "bank.json"
        path.write_text('{"date": "Date", "colour": "red", "skip_lines": "two"}', "utf-8")
        result = cli.fails("import", trip, bank, "--bank-mapping", str(path), code=1)
        assert "colour: is not a mapping key" in result.stderr
        assert "skip_lines" in result.stderr


class TestExport:
    @pytest.fixture
    def filled(self, cli: Cli, trip: str) -> str:
        cli("import", trip, fixture("splitwise_en.csv"))
        return trip

    def test_each_format_to_a_file(self, cli: Cli, filled: str, tmp_path: Path) -> None:
        document = tmp_path / "trip.json"
        result = cli.run("export", filled, "-o", str(document))
        assert result.exit_code == 0, result.stderr
        assert result.stdout == ""
        assert f"to {document}" in result.stderr
        data = json.loads(document.read_text(encoding="utf-8"))
        assert (data["format_version"], data["group"]["name"]) == (1, "Trip")
        assert len(data["transactions"]) == 5

        table = tmp_path / "trip.csv"  # .csv: pennywise-csv unless --format says otherwise
        assert cli.run("export", filled, "-o", str(table)).exit_code == 0
        header = table.read_text(encoding="utf-8-sig").splitlines()[0]
        assert (
            header
            == "date,description,category,kind,amount,currency,paid_by,split_mode,split,notes"
        )

        sheet = tmp_path / "splitwise.csv"
        result = cli.run("export", filled, "--format", "splitwise-csv", "-o", str(sheet))
        assert result.exit_code == 0, result.stderr
        text = sheet.read_text(encoding="utf-8-sig")
        assert text.startswith("Date,Description,Category,Cost,Currency,")
        assert "Total balance" in text
        assert sorted(p.name for p in tmp_path.iterdir()) == [
            "splitwise.csv",
            "trip.csv",
            "trip.json",
        ]  # no temporary files left behind

    @pytest.mark.parametrize(
        ("format", "start"),
        [
            ("pennywise-json", b'{"format": "pennywise"'),
            ("pennywise-csv", b"\xef\xbb\xbfdate,description,"),
            ("splitwise-csv", b"\xef\xbb\xbfDate,Description,Category,Cost,Currency,"),
        ],
    )
    def test_each_format_to_stdout(self, cli: Cli, filled: str, format: str, start: bytes) -> None:
        result = cli.run("export", filled, "--format", format)
        assert result.exit_code == 0, result.stderr
        assert result.stdout_bytes.startswith(start)
        assert result.stderr == ""

    def test_stdout_is_the_default_and_json_the_default_format(self, cli: Cli, filled: str) -> None:
        result = cli.run("export", filled)
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["format"] == "pennywise"
        # json and csv are short for pennywise-json and pennywise-csv.
        assert cli.run("export", filled, "--format", "json").stdout == result.stdout
        short = cli.run("export", filled, "--format", "csv").stdout_bytes
        assert short == cli.run("export", filled, "--format", "pennywise-csv").stdout_bytes

    @pytest.mark.parametrize("format", ["pennywise-json", "pennywise-csv", "splitwise-csv"])
    def test_export_then_import_into_a_new_group_gives_the_same_balances(
        self, cli: Cli, filled: str, tmp_path: Path, format: str
    ) -> None:
        path = tmp_path / f"trip.{format}"
        assert cli.run("export", filled, "--format", format, "-o", str(path)).exit_code == 0
        cli("group", "create", "Copy", "--currency", "EUR")
        report = cli("import", "Copy", str(path))
        assert (report["format"], report["created"]) == (format, 5)
        assert balances(cli, "Copy") == balances(cli, filled) == SPLITWISE_EN_BALANCES
        assert cli("import", "Copy", str(path))["created"] == 0

    def test_an_existing_file_is_kept_unless_forced(
        self, cli: Cli, filled: str, tmp_path: Path
    ) -> None:
        path = tmp_path / "trip.json"
        path.write_text("keep me", encoding="utf-8")
        result = cli.fails("export", filled, "-o", str(path), code=errors.USER_ERROR)
        assert "--force" in result.stderr
        assert path.read_text(encoding="utf-8") == "keep me"
        result = cli.run("export", filled, "-o", str(path), "--force")
        assert result.exit_code == 0, result.stderr
        assert json.loads(path.read_text(encoding="utf-8"))["group"]["name"] == "Trip"
        assert [p.name for p in tmp_path.iterdir()] == ["trip.json"]

    def test_a_failed_export_leaves_no_file(self, cli: Cli, filled: str, tmp_path: Path) -> None:
        path = tmp_path / "out" / "nowhere.json"
        path.parent.mkdir()
        cli.fails("export", "Nowhere", "-o", str(path), code=errors.NOT_FOUND)
        assert not path.exists()
        assert list(path.parent.iterdir()) == []

    def test_an_unknown_format_is_a_usage_error(self, cli: Cli, filled: str) -> None:
        result = cli.run("export", filled, "--format", "table")
        assert result.exit_code == errors.USAGE
        assert "splitwise-csv" in result.stderr


class TestHelpAndProgress:
    def test_the_help_texts_explain_the_formats(self) -> None:
        from pennywise_core import exports, imports

        cli = Cli(mode="local")  # help needs no database

        text = " ".join(cli.run("import", "--help").stdout.split())
        for name in imports.FORMATS:
            assert name in text
        for option in ("--dry-run", "--member", "--bank-mapping", "--decimal-comma", "--from"):
            assert option in text
        assert "Examples:" in text
        text = " ".join(cli.run("export", "--help").stdout.split())
        for name in exports.FORMATS:
            assert name in text
        assert "--force" in text
        assert "Examples:" in text
        assert "import" in cli.run("--help").stdout

    def test_the_progress_bar_shows_rows_per_second(self) -> None:
        out = io.StringIO()
        console = Console(file=out, force_terminal=True, width=100, color_system=None)
        with import_progress("big.csv", 1000, console=console) as report:
            assert report is not None
            report("validate", 2000, 500)
            report("validate", 4000, 1000)
            report("write", 2000, 1000)
        drawn = out.getvalue()  # rich draws the start, then the latest state on leaving
        assert "reading big.csv" in drawn
        assert "writing" in drawn
        assert "2,000 rows" in drawn
        assert "rows/s" in drawn
        assert "50%" in drawn  # 2,000 of the 4,000 rows read are written

    def test_no_progress_bar_when_stderr_is_not_a_terminal(self) -> None:
        with import_progress("big.csv", 1000) as report:  # pytest captures stderr
            assert report is None
