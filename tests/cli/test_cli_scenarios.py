"""The CLI's scenarios, each run in local and remote mode on SQLite and PostgreSQL.

The same commands give the same JSON in both modes: that is the contract of the Backend
protocol. Ann is the caller ("me"); Bob and Carol are placeholders she adds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from clitools import Cli, balances_by_name, owed, paid

from pennywise_cli import errors


@dataclass
class Trip:
    id: str
    names: dict[str, str]
    """member id → display name"""
    ids: dict[str, str]
    """display name → member id"""


@pytest.fixture
def trip(cli: Cli) -> Trip:
    group = cli("group", "create", "Trip", "--currency", "EUR")
    cli("member", "add", "Trip", "Bob")
    cli("member", "add", "Trip", "Carol")
    members = cli("member", "list", "Trip")
    names = {m["id"]: m["display_name"] for m in members}
    assert sorted(names.values()) == ["Ann", "Bob", "Carol"]
    return Trip(group["id"], names, {v: k for k, v in names.items()})


class TestGroup:
    def test_create_list_show(self, cli: Cli) -> None:
        group = cli("group", "create", "Flat", "--currency", "chf")
        assert (group["name"], group["default_currency"], group["my_role"]) == (
            "Flat",
            "CHF",
            "owner",
        )
        assert [g["name"] for g in cli("group", "list")] == ["Flat"]
        shown = cli("group", "show", "flat")  # names match without regard to case
        assert shown["id"] == group["id"]
        assert [m["display_name"] for m in shown["members"]] == ["Ann"]
        assert shown["members"][0]["id"] == group["my_member_id"]

    def test_by_id_and_id_prefix(self, cli: Cli) -> None:
        group = cli("group", "create", "Flat")
        assert cli("group", "show", group["id"])["name"] == "Flat"
        assert cli("group", "show", group["id"][:8])["name"] == "Flat"

    def test_archive_closes_the_ledger_until_unarchived(self, cli: Cli, trip: Trip) -> None:
        assert cli("group", "archive", "Trip")["archived"] is True
        result = cli.fails("tx", "add", "Trip", "10.00", "Taxi", code=errors.CONFLICT)
        assert "archived" in result.stderr
        assert [g["name"] for g in cli("group", "list", "--active")] == []
        assert cli("group", "archive", "Trip", "--unarchive")["archived"] is False
        cli("tx", "add", "Trip", "10.00", "Taxi")

    def test_a_second_group_of_one_name_is_refused(self, cli: Cli) -> None:
        # Two of your groups never share a name (ignoring case), so a name stays a name;
        # the listing of ambiguous matches is in test_cli_parse.
        first = cli("group", "create", "Trip")
        result = cli.fails("group", "create", "trip", code=errors.CONFLICT)
        assert first["id"] in result.stderr
        assert cli("balances", "Trip") == []

    def test_an_unknown_group_is_not_found(self, cli: Cli) -> None:
        cli("group", "create", "Trip")
        result = cli.fails("balances", "Nowhere", code=errors.NOT_FOUND)
        assert "'Nowhere'" in result.stderr
        assert "Trip" in result.stderr  # the candidates are listed
        cli.fails("group", "show", "8b3a6f9e-0000-4000-8000-000000000000", code=errors.NOT_FOUND)


class TestMember:
    def test_add_list_role_remove(self, cli: Cli, trip: Trip) -> None:
        assert cli("member", "role", "Trip", "bob", "admin")["role"] == "admin"
        removed = cli("member", "remove", "Trip", "Carol")
        assert removed["display_name"] == "Carol"
        assert [m["display_name"] for m in cli("member", "list", "Trip")] == ["Ann", "Bob"]

    def test_a_duplicate_name_is_a_conflict(self, cli: Cli, trip: Trip) -> None:
        cli.fails("member", "add", "Trip", "bob", code=errors.CONFLICT)

    def test_removing_someone_who_owes_is_a_conflict(self, cli: Cli, trip: Trip) -> None:
        cli("tx", "add", "Trip", "30.00", "Dinner")
        result = cli.fails("member", "remove", "Trip", "Bob", code=errors.CONFLICT)
        assert "settle up" in result.stderr

    def test_the_last_owner_stays(self, cli: Cli, trip: Trip) -> None:
        cli.fails("member", "role", "Trip", "me", "member", code=errors.CONFLICT)

    def test_an_unknown_member_is_not_found(self, cli: Cli, trip: Trip) -> None:
        result = cli.fails("member", "role", "Trip", "Zed", "admin", code=errors.NOT_FOUND)
        assert "Bob" in result.stderr

    def test_an_unknown_role_is_a_usage_error(self, cli: Cli, trip: Trip) -> None:
        assert cli.run("member", "role", "Trip", "Bob", "king").exit_code == errors.USAGE


class TestTxAdd:
    def test_equal_split_over_everyone_paid_by_me(self, cli: Cli, trip: Trip) -> None:
        tx = cli("tx", "add", "Trip", "100.00", "Dinner")
        assert (tx["kind"], tx["amount"], tx["currency"], tx["description"]) == (
            "expense",
            "100.00",
            "EUR",
            "Dinner",
        )
        assert paid(tx, trip.names) == {"Ann": "100.00"}
        assert owed(tx, trip.names) == {"Ann": "33.34", "Bob": "33.33", "Carol": "33.33"}
        assert tx["date"] == dt.datetime.now().astimezone().date().isoformat()

    def test_shares_paid_by_someone_else(self, cli: Cli, trip: Trip) -> None:
        tx = cli(
            "tx", "add", "Trip", "42.50", "Dinner", "--paid-by", "bob", "--split", "bob:2,carol:1"
        )
        assert paid(tx, trip.names) == {"Bob": "42.50"}
        assert owed(tx, trip.names) == {"Bob": "28.33", "Carol": "14.17"}
        assert tx["split"]["mode"] == "shares"

    def test_equal_among_some(self, cli: Cli, trip: Trip) -> None:
        tx = cli("tx", "add", "Trip", "10.00", "Taxi", "--split", "Bob,Carol")
        assert owed(tx, trip.names) == {"Ann": "0.00", "Bob": "5.00", "Carol": "5.00"}

    def test_percent(self, cli: Cli, trip: Trip) -> None:
        tx = cli("tx", "add", "Trip", "10.00", "Hotel", "--percent", "bob:60,carol:40")
        assert owed(tx, trip.names) == {"Ann": "0.00", "Bob": "6.00", "Carol": "4.00"}

    def test_exact(self, cli: Cli, trip: Trip) -> None:
        tx = cli(
            "tx", "add", "Trip", "42.50", "Wine", "--exact", "bob:10.00", "--exact", "carol:32.50"
        )
        assert owed(tx, trip.names) == {"Ann": "0.00", "Bob": "10.00", "Carol": "32.50"}

    def test_adjustment_on_top_of_an_equal_split(self, cli: Cli, trip: Trip) -> None:
        tx = cli("tx", "add", "Trip", "30.00", "Pizza", "--adjust", "bob:5.00")
        assert owed(tx, trip.names) == {"Ann": "8.34", "Bob": "13.33", "Carol": "8.33"}
        assert tx["split"]["mode"] == "adjustment"

    def test_several_payers(self, cli: Cli, trip: Trip) -> None:
        tx = cli("tx", "add", "Trip", "42.50", "Groceries", "--paid-by", "me:30,bob:12.50")
        assert paid(tx, trip.names) == {"Ann": "30.00", "Bob": "12.50"}

    def test_income_and_transfer_move_balances_the_right_way(self, cli: Cli, trip: Trip) -> None:
        cli("tx", "add", "Trip", "90.00", "Refund", "--income")
        assert balances_by_name(cli("balances", "Trip")) == {
            "Ann": "-60.00",
            "Bob": "30.00",
            "Carol": "30.00",
        }
        transfer = cli("tx", "add", "Trip", "20.00", "--transfer-to", "Bob")
        assert (transfer["kind"], transfer["description"]) == ("transfer", "Transfer")
        assert balances_by_name(cli("balances", "Trip")) == {
            "Ann": "-40.00",
            "Bob": "10.00",
            "Carol": "30.00",
        }

    def test_date_category_notes_currency(self, cli: Cli, trip: Trip) -> None:
        tx = cli(
            "tx", "add", "Trip", "1500", "Sushi", "--date", "yesterday", "--category", "food",
            "--notes", "Tsukiji", "--currency", "jpy",
        )  # fmt: skip
        yesterday = dt.datetime.now().astimezone().date() - dt.timedelta(days=1)
        assert (tx["date"], tx["category"], tx["notes"], tx["currency"]) == (
            yesterday.isoformat(),
            "food",
            "Tsukiji",
            "JPY",
        )
        assert cli("tx", "add", "Trip", "1.00", "Tea", "-d", "2026-11-20")["date"] == "2026-11-20"

    def test_too_many_decimals_is_invalid_input(self, cli: Cli, trip: Trip) -> None:
        result = cli.fails("tx", "add", "Trip", "12.345", "Dinner", code=errors.USER_ERROR)
        assert "at most 2 decimals" in result.stderr

    def test_percentages_must_add_up(self, cli: Cli, trip: Trip) -> None:
        result = cli.fails(
            "tx", "add", "Trip", "10", "X", "--percent", "bob:60,carol:30", code=errors.USER_ERROR
        )
        assert "not 100" in result.stderr

    @pytest.mark.parametrize(
        "options",
        [
            ["--split", "bob:x"],
            ["--split", "bob:2,carol"],
            ["--percent", "bob"],
            ["--percent", "bob:50", "--exact", "carol:5"],
            ["--income", "--transfer-to", "bob"],
            ["--paid-by", "bob,carol"],
            ["--date", "someday"],
        ],
    )
    def test_malformed_options_are_usage_errors(
        self, cli: Cli, trip: Trip, options: list[str]
    ) -> None:
        result = cli.run("tx", "add", "Trip", "10.00", "X", *options)
        assert result.exit_code == errors.USAGE, result.stderr

    def test_an_unknown_member_is_not_found(self, cli: Cli, trip: Trip) -> None:
        result = cli.fails(
            "tx", "add", "Trip", "10", "X", "--split", "bob,zed", code=errors.NOT_FOUND
        )
        assert "'zed'" in result.stderr
        assert cli("tx", "list") == []  # nothing was half-written


class TestTxLifecycle:
    def test_list_show_edit_delete_restore(self, cli: Cli, trip: Trip) -> None:
        dinner = cli("tx", "add", "Trip", "60.00", "Dinner", "--category", "food")
        taxi = cli("tx", "add", "Trip", "12.00", "Taxi", "--date", "yesterday")
        assert [t["description"] for t in cli("tx", "list")] == ["Dinner", "Taxi"]

        assert cli("tx", "show", dinner["id"][:8]) == dinner
        edited = cli("tx", "edit", dinner["id"], "--amount", "90.00", "--split", "bob,carol")
        assert edited["version"] == 2
        assert owed(edited, trip.names) == {"Ann": "0.00", "Bob": "45.00", "Carol": "45.00"}
        assert edited["category"] == "food"  # left out: kept

        result = cli.fails(
            "tx",
            "edit",
            dinner["id"],
            "--amount",
            "1.00",
            "--if-version",
            "1",
            code=errors.CONFLICT,
        )
        assert "version" in result.stderr

        deleted = cli("tx", "delete", taxi["id"][:8])
        assert deleted["deleted"] is True
        assert [t["description"] for t in cli("tx", "list")] == ["Dinner"]
        assert [t["description"] for t in cli("tx", "list", "--only-deleted")] == ["Taxi"]
        assert len(cli("tx", "list", "--deleted")) == 2
        assert cli("tx", "restore", taxi["id"])["deleted"] is False
        assert len(cli("tx", "list", "Trip")) == 2

    def test_list_filters(self, cli: Cli, trip: Trip) -> None:
        cli("tx", "add", "Trip", "60.00", "Dinner", "--category", "food", "--split", "bob,carol")
        cli(
            "tx",
            "add",
            "Trip",
            "12.00",
            "Taxi",
            "-d",
            "2026-01-05",
            "--notes",
            "airport",
            "-s",
            "me,bob",
        )
        cli("group", "create", "Flat")
        cli("tx", "add", "Flat", "800.00", "Rent")
        assert len(cli("tx", "list")) == 3
        assert [t["description"] for t in cli("tx", "list", "Trip")] == ["Dinner", "Taxi"]
        assert [t["description"] for t in cli("tx", "list", "--category", "FOOD")] == ["Dinner"]
        assert [t["description"] for t in cli("tx", "list", "--search", "AIRport")] == ["Taxi"]
        assert [t["description"] for t in cli("tx", "list", "--to", "2026-01-31")] == ["Taxi"]
        assert [t["description"] for t in cli("tx", "list", "Trip", "--member", "carol")] == [
            "Dinner"
        ]
        assert len(cli("tx", "list", "--limit", "2")) == 2
        assert cli.run("tx", "list", "--member", "bob").exit_code == errors.USAGE

    def test_an_unknown_transaction_is_not_found(self, cli: Cli, trip: Trip) -> None:
        cli.fails("tx", "show", "0123abcd", code=errors.NOT_FOUND)
        cli.fails("tx", "show", "8b3a6f9e-0000-4000-8000-000000000000", code=errors.NOT_FOUND)
        cli.fails("tx", "show", "Dinner", code=errors.USER_ERROR)

    def test_a_transaction_is_named_by_all_eight_characters_tables_show(
        self, cli: Cli, trip: Trip
    ) -> None:
        tx = cli("tx", "add", "Trip", "5.00", "Coffee")
        assert cli("tx", "show", tx["id"][:8])["id"] == tx["id"]
        result = cli.fails("tx", "show", tx["id"][:6], code=errors.USER_ERROR)
        assert "first 8 characters" in result.stderr

    def test_edit_needs_a_change(self, cli: Cli, trip: Trip) -> None:
        tx = cli("tx", "add", "Trip", "5.00", "Coffee")
        assert cli.run("tx", "edit", tx["id"]).exit_code == errors.USAGE


class TestBalancesAndSettle:
    def test_settle_suggests_then_records(self, cli: Cli, trip: Trip) -> None:
        cli("tx", "add", "Trip", "90.00", "Dinner")
        cli("tx", "add", "Trip", "30.00", "Taxi", "--paid-by", "bob", "--split", "bob,carol")
        assert balances_by_name(cli("balances", "Trip")) == {
            "Ann": "60.00",
            "Bob": "-15.00",
            "Carol": "-45.00",
        }
        suggestion = cli("settle", "Trip")
        assert suggestion["proven_minimal"] is True
        transfers = {
            (trip.names[t["from_member_id"]], trip.names[t["to_member_id"]], t["amount"])
            for t in suggestion["transfers"]
        }
        assert transfers == {("Bob", "Ann", "15.00"), ("Carol", "Ann", "45.00")}

        recorded = cli("settle", "Trip", "--record", "--date", "2026-11-20")
        assert {(t["kind"], t["amount"], t["date"]) for t in recorded} == {
            ("transfer", "15.00", "2026-11-20"),
            ("transfer", "45.00", "2026-11-20"),
        }
        assert set(balances_by_name(cli("balances", "Trip")).values()) == {"0.00"}
        assert cli("settle", "Trip") == {
            "transfers": [],
            "proven_minimal": True,
            "converted_to": None,
            "rates": [],
        }

    def test_balances_per_currency(self, cli: Cli, trip: Trip) -> None:
        cli("tx", "add", "Trip", "30.00", "Dinner")
        cli("tx", "add", "Trip", "3000", "Ramen", "--currency", "JPY", "--split", "bob")
        assert {b["currency"] for b in cli("balances", "Trip")} == {"EUR", "JPY"}
        only_jpy = cli("balances", "Trip", "--currency", "jpy")
        assert balances_by_name(only_jpy) == {"Ann": "3000", "Bob": "-3000"}
        assert {t["currency"] for t in cli("settle", "Trip", "--currency", "JPY")["transfers"]} == {
            "JPY"
        }


class TestActivityAndReport:
    def test_activity_records_every_change(self, cli: Cli, trip: Trip) -> None:
        tx = cli("tx", "add", "Trip", "10.00", "Coffee")
        cli("tx", "edit", tx["id"], "--description", "Coffees")
        rows = cli("activity", "Trip")
        assert [r["action"] for r in rows] == [
            "transaction.update",
            "transaction.create",
            "member.add",
            "member.add",
            "group.create",
        ]
        assert rows[0]["before"]["description"] == "Coffee"
        assert rows[0]["after"]["description"] == "Coffees"
        assert len(cli("activity", "Trip", "--limit", "2")) == 2

    def test_report_by_month_and_category(self, cli: Cli, trip: Trip) -> None:
        cli("tx", "add", "Trip", "30.00", "Dinner", "--category", "food", "--date", "2026-10-03")
        cli("tx", "add", "Trip", "60.00", "Hotel", "--date", "2026-11-04")
        cli("tx", "add", "Trip", "20.00", "--transfer-to", "bob", "--date", "2026-11-05")
        by_month = cli("report")
        assert by_month["by"] == "month"
        assert [(r["period"], r["spent"], r["currency"]) for r in by_month["rows"]] == [
            ("2026-10", "10.00", "EUR"),
            ("2026-11", "20.00", "EUR"),
        ]
        by_category = cli("report", "--by", "category")
        assert {(r["category"], r["spent"]) for r in by_category["rows"]} == {
            (None, "20.00"),
            ("food", "10.00"),
        }


class TestVerify:
    def test_verify_checks_the_database_not_the_api(self, cli: Cli, trip: Trip) -> None:
        cli("tx", "add", "Trip", "30.00", "Dinner")
        cli("group", "create", "Flat")
        if cli.mode == "remote":  # an operator's command: it needs the database's URL
            assert "--database-url" in cli.fails("db", "verify", code=errors.USER_ERROR).stderr
            return
        report = cli("db", "verify")
        assert (report["ok"], report["groups_checked"], report["transactions_checked"]) == (
            True,
            2,
            1,
        )


class TestFormats:
    def test_csv_has_a_header_and_full_ids(self, cli: Cli, trip: Trip) -> None:
        tx = cli("tx", "add", "Trip", "42.50", "Dinner, with wine")
        result = cli.run("tx", "list", "--format", "csv")
        assert result.exit_code == 0
        header, row = result.stdout.splitlines()
        assert header == "id,date,group,description,kind,amount,currency,paid by,category"
        assert row.startswith(
            f'{tx["id"]},{tx["date"]},Trip,"Dinner, with wine",expense,42.50,EUR,Ann'
        )

    def test_table_shows_names_and_short_ids(self, cli: Cli, trip: Trip) -> None:
        tx = cli("tx", "add", "Trip", "42.50", "Dinner", "--paid-by", "carol")
        result = cli.run("tx", "list", "--format", "table")
        assert result.exit_code == 0
        assert tx["id"][:8] in result.stdout
        assert tx["id"] not in result.stdout
        assert "42.50 EUR" in result.stdout
        assert "Carol" in result.stdout
        assert "\x1b[" not in result.stdout  # NO_COLOR

    def test_piped_output_defaults_to_json_and_talk_goes_to_stderr(
        self, cli: Cli, trip: Trip
    ) -> None:
        result = cli.run("tx", "add", "Trip", "5.00", "Coffee")
        assert result.exit_code == 0
        assert result.stdout.lstrip().startswith("{")
        assert "added expense 'Coffee'" in result.stderr
        assert "added" not in result.stdout
