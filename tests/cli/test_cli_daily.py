"""Issue 17: the CLI as a daily tool, each thing a new user tripped over.

Machine formats with names and ids, one name per group, "you" in tables, edits that change
only what is given, dates, negative amounts, piped passwords, unreachable servers and bogus
tokens, export paths, invites by token, the report's spent/received/net, proven-minimal
plans, and ``--format id|ndjson``. Each runs in local and remote mode where the command has
both.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import uuid
from pathlib import Path

import httpx
import pytest
from clitools import Cli
from conftest import API_URL, RemoteServer, make_user

from pennywise_cli import errors
from pennywise_cli.backends import remote
from pennywise_cli.parse import parse_date

UUID_LINE = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


@pytest.fixture
def lisbon(cli: Cli) -> dict[str, str]:
    """Lisbon with Ann (the caller) and Bob; Ann paid 90.00 split by both: Bob owes 45.00."""
    cli("group", "create", "Lisbon")
    cli("member", "add", "Lisbon", "Bob")
    cli("tx", "add", "Lisbon", "90", "Dinner")
    return {m["display_name"]: m["id"] for m in cli("member", "list", "Lisbon")}


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


class TestMachineFormats:
    """Item 1: settle and balances carry names and ids, under headers that say which."""

    def test_settle_json_and_csv(self, cli: Cli, lisbon: dict[str, str]) -> None:
        (transfer,) = cli("settle", "Lisbon")["transfers"]
        assert transfer["from_member_id"] == lisbon["Bob"]
        assert transfer["from_name"] == "Bob"
        assert transfer["to_member_id"] == lisbon["Ann"]
        assert transfer["to_name"] == "Ann"
        result = cli.run("settle", "Lisbon", "--format", "csv")
        assert result.exit_code == 0, result.stderr
        assert result.stdout.splitlines()[0] == (
            "from_member_id,from_name,to_member_id,to_name,amount,currency,proven_minimal"
        )
        (row,) = _csv(result.stdout)
        assert (row["from_member_id"], row["from_name"], row["to_name"]) == (
            lisbon["Bob"],
            "Bob",
            "Ann",
        )

    def test_balances_csv_names_every_column(self, cli: Cli, lisbon: dict[str, str]) -> None:
        result = cli.run("balances", "Lisbon", "--format", "csv")
        assert result.stdout.splitlines()[0] == "member_id,name,balance,currency,state"
        rows = {r["name"]: r for r in _csv(result.stdout)}
        assert rows["Bob"]["member_id"] == lisbon["Bob"]
        assert (rows["Bob"]["balance"], rows["Bob"]["state"]) == ("-45.00", "owes")
        assert rows["Ann"]["state"] == "is owed"


class TestGroupNames:
    """Item 2: one name per group among the caller's groups; group delete."""

    def test_a_second_group_of_the_same_name_is_refused(self, cli: Cli) -> None:
        first = cli("group", "create", "Lisbon")
        result = cli.fails("group", "create", "lisbon", code=errors.CONFLICT)
        assert "'Lisbon'" in result.stderr
        assert first["id"] in result.stderr
        assert [g["name"] for g in cli("group", "list")] == ["Lisbon"]
        assert cli("group", "show", "Lisbon")["id"] == first["id"]  # still one by that name

    def test_delete_asks_for_yes_then_deletes(self, cli: Cli, lisbon: dict[str, str]) -> None:
        result = cli.fails("group", "delete", "Lisbon", code=errors.USAGE)
        assert "--yes" in result.stderr
        assert [g["name"] for g in cli("group", "list")] == ["Lisbon"]
        deleted = cli("group", "delete", "Lisbon", "--yes")
        assert (deleted["name"], deleted["deleted"]) == ("Lisbon", True)
        assert cli("group", "list") == []
        cli("group", "create", "Lisbon")  # the name is free again

    def test_archive_and_unarchive(self, cli: Cli, lisbon: dict[str, str]) -> None:
        assert cli("group", "archive", "Lisbon")["archived"] is True
        assert cli("group", "archive", "Lisbon", "--unarchive")["archived"] is False


class TestYou:
    """Item 3: tables call the caller "you"; `config set name` renames you, in both modes."""

    def test_tables_say_you_and_csv_keeps_the_name(self, cli: Cli, lisbon: dict[str, str]) -> None:
        table = cli.run("balances", "Lisbon", "--format", "table").stdout
        assert [line.split()[0] for line in table.splitlines() if "EUR" in line] == [
            "you",
            "Bob",
        ]
        settle = cli.run("settle", "Lisbon", "--format", "table").stdout
        assert any(line.split()[:2] == ["Bob", "you"] for line in settle.splitlines())
        assert "you" in cli.run("tx", "list", "Lisbon", "--format", "table").stdout
        assert "Ann" in cli.run("balances", "Lisbon", "--format", "csv").stdout

    def test_config_set_name_renames_you(self, cli: Cli) -> None:
        """The local user, or (remote mode, PATCH /users/me) your account."""
        cli("group", "create", "Lisbon")
        assert cli("config", "set", "name", "Ann Smith")["display_name"] == "Ann Smith"
        assert [m["display_name"] for m in cli("member", "list", "Lisbon")] == ["Ann Smith"]
        assert cli("config", "show")["name"] == "Ann Smith"
        created = cli("group", "create", "Porto")
        assert cli("member", "list", created["id"])[0]["display_name"] == "Ann Smith"

    def test_the_first_run_says_how_to_set_the_name(self, cli: Cli) -> None:
        result = cli.run("group", "list", "--format", "json")
        if cli.mode == "local":
            assert "pennywise config set name" in result.stderr
        assert "pennywise config set name" not in cli.run("group", "list").stderr


class TestEditHelp:
    """Item 4: `tx edit --help` shows no defaults; edits change only what is given."""

    def test_no_defaults_in_edit_help(self, cli: Cli) -> None:
        text = " ".join(cli.run("tx", "edit", "--help").stdout.split())
        assert "Change only what you give" in text
        for default in ("[default: today]", "Default: you", "Default: equally", "group's curr"):
            assert default not in text
        assert "[default: today]" in " ".join(cli.run("tx", "add", "--help").stdout.split())


class TestDates:
    """Item 5: one date parser; the words are documented; a future date needs --future."""

    def test_parser(self) -> None:
        today = dt.datetime.now().astimezone().date()
        tomorrow = (today + dt.timedelta(days=1)).isoformat()
        with pytest.raises(Exception, match="--future"):
            parse_date("tomorrow")
        with pytest.raises(Exception, match="--future"):
            parse_date("2099-01-01")
        assert parse_date("tomorrow", future=True) == tomorrow

    def test_a_future_date_needs_future(self, cli: Cli, lisbon: dict[str, str]) -> None:
        result = cli.fails("tx", "add", "Lisbon", "5", "Taxi", "--date", "tomorrow", code=2)
        assert "--future" in result.stderr
        tomorrow = (dt.datetime.now().astimezone().date() + dt.timedelta(days=1)).isoformat()
        added = cli("tx", "add", "Lisbon", "5", "Taxi", "--date", "tomorrow", "--future")
        assert added["date"] == tomorrow
        assert "tomorrow" in cli.run("tx", "add", "--help").stdout


class TestSigns:
    """Item 6: a negative amount says how to enter money received; `--` for text."""

    def test_a_negative_amount_points_at_income(self, cli: Cli, lisbon: dict[str, str]) -> None:
        result = cli.fails("tx", "add", "Lisbon", "-5", "Refund", code=errors.USAGE)
        assert "--income" in result.stderr
        assert "No such option" not in result.stderr
        result = cli.run("tx", "add", "--format", "json", "Lisbon", "--", "-5.50", "Refund")
        assert result.exit_code == errors.USAGE
        assert "--income" in result.stderr

    def test_a_description_starting_with_a_dash_after_double_dash(
        self, cli: Cli, lisbon: dict[str, str]
    ) -> None:
        result = cli.run("tx", "add", "--format", "json", "Lisbon", "5", "--", "-20% voucher")
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["description"] == "-20% voucher"


@pytest.fixture
def remote_cli(server: RemoteServer) -> Cli:
    return Cli(mode="remote")


class TestSignIn:
    """Items 7 and 8: a piped password, an unreachable server, a bogus token."""

    def test_a_piped_password_asks_for_password_stdin(
        self, remote_cli: Cli, server: RemoteServer
    ) -> None:
        ann = make_user(server.engine, "Ann", password="correct horse battery staple 42")
        result = remote_cli.run("login", "--email", ann.email, input="correct horse\n")
        assert result.exit_code == errors.USAGE
        assert "--password-stdin" in result.stderr
        assert "GetPassWarning" not in result.stderr

    def test_unreachable_without_a_login_is_unreachable(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def refuse(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("connection refused", request=request)

        monkeypatch.setattr(remote, "make_transport", lambda: httpx.MockTransport(refuse))
        monkeypatch.setenv("PENNYWISE_API_URL", API_URL)
        result = Cli(mode="remote").fails("group", "list", code=errors.UNAVAILABLE)
        assert "cannot reach" in result.stderr

    def test_no_login_on_a_reachable_server_is_not_signed_in(self, remote_cli: Cli) -> None:
        result = remote_cli.fails("group", "list", code=errors.AUTH)
        assert "pennywise login" in result.stderr

    @pytest.mark.parametrize(
        ("token", "says"),
        [("bogus", "not a Pennywise token"), ("pwt_" + "x" * 43, "API token")],
    )
    def test_a_bogus_token_says_which_kind(
        self, remote_cli: Cli, monkeypatch: pytest.MonkeyPatch, token: str, says: str
    ) -> None:
        monkeypatch.setenv("PENNYWISE_TOKEN", token)
        result = remote_cli.fails("group", "list", code=errors.AUTH)
        assert "PENNYWISE_TOKEN" in result.stderr
        assert says in result.stderr
        assert "invalid or expired access token" not in result.stderr


class TestExportPath:
    """Item 12: a missing directory is refused, not created."""

    def test_a_missing_directory_is_refused(
        self, cli: Cli, lisbon: dict[str, str], tmp_path: Path
    ) -> None:
        target = tmp_path / "some" / "new" / "lisbon.json"
        result = cli.fails("export", "Lisbon", "-o", str(target), code=errors.USER_ERROR)
        assert "no directory" in result.stderr
        assert not (tmp_path / "some").exists()


class TestInvite:
    """Item 13: `invite create` makes a token; `invite accept TOKEN` claims the placeholder."""

    def test_create_then_accept_by_token(
        self, remote_cli: Cli, server: RemoteServer, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("PENNYWISE_TOKEN", server.token_for(make_user(server.engine, "Ann")))
        remote_cli("group", "create", "Lisbon")
        remote_cli("member", "add", "Lisbon", "Bob")
        remote_cli("tx", "add", "Lisbon", "90", "Dinner")
        created = remote_cli("invite", "create", "Lisbon", "Bob")
        assert created["token"].startswith("pwi_")
        assert created["display_name"] == "Bob"
        only = remote_cli.run("invite", "create", "Lisbon", "Bob", "--format", "id")
        assert only.stdout.strip().startswith("pwi_")
        assert len(only.stdout.splitlines()) == 1

        monkeypatch.setenv("PENNYWISE_TOKEN", server.token_for(make_user(server.engine, "Rob")))
        member = remote_cli("invite", "accept", created["token"])
        assert (member["display_name"], member["id"]) == ("Bob", created["member_id"])
        assert [g["name"] for g in remote_cli("group", "list")] == ["Lisbon"]
        balances = {b["display_name"]: b["balance"] for b in remote_cli("balances", "Lisbon")}
        assert balances["Bob"] == "-45.00"

    def test_create_in_local_mode(self, cli: Cli, lisbon: dict[str, str]) -> None:
        created = cli("invite", "create", "Lisbon", "Bob", "--hours", "2")
        assert created["member_id"] == lisbon["Bob"]
        assert created["token"].startswith("pwi_")
        cli.fails("invite", "create", "Lisbon", "me", code=errors.CONFLICT)  # has an account


class TestReport:
    """Item 14: spent, received and net apart; --from/--to and --group."""

    def test_spent_received_net(self, cli: Cli) -> None:
        cli("group", "create", "Home")
        cli("tx", "add", "Home", "1237.70", "Rent", "--date", "2026-05-03")
        cli("tx", "add", "Home", "2000", "Salary", "--income", "--date", "2026-05-28")
        cli("tx", "add", "Home", "100", "June food", "--date", "2026-06-02")
        cli("group", "create", "Trip")
        cli("member", "add", "Trip", "Bob")
        cli("tx", "add", "Trip", "50", "Dinner", "--date", "2026-05-10")  # Ann's share 25.00

        rows = cli("report")["rows"]
        assert [(r["period"], r["spent"], r["received"], r["net"]) for r in rows] == [
            ("2026-05", "1262.70", "2000.00", "737.30"),
            ("2026-06", "100.00", "0.00", "-100.00"),
        ]
        may = cli("report", "--from", "2026-05-01", "--to", "2026-05-31", "--group", "Home")
        assert (may["date_from"], may["date_to"]) == ("2026-05-01", "2026-05-31")
        assert [(r["spent"], r["received"], r["net"]) for r in may["rows"]] == [
            ("1237.70", "2000.00", "762.30")
        ]
        table = cli.run("report", "--format", "table").stdout
        assert all(word in table for word in ("spent", "received", "net"))
        cli.fails("report", "--group", "Nowhere", code=errors.NOT_FOUND)


class TestProvenMinimal:
    """Item 16: the settle table says whether the plan is proven minimal."""

    def test_the_table_says_so(self, cli: Cli, lisbon: dict[str, str]) -> None:
        table = cli.run("settle", "Lisbon", "--format", "table").stdout
        assert "1 transfer, proven minimal" in table


class TestScriptFormats:
    """Item 17: --format id prints ids a line each; ndjson an object a line."""

    def test_id_and_ndjson(self, cli: Cli, lisbon: dict[str, str]) -> None:
        added = cli.run("tx", "add", "Lisbon", "12", "Taxi", "--format", "id")
        assert added.exit_code == 0, added.stderr
        (line,) = added.stdout.splitlines()
        assert str(uuid.UUID(line)) == line
        listed = cli.run("tx", "list", "Lisbon", "--format", "id").stdout.splitlines()
        assert listed[0] == line
        assert len(listed) == 2
        lines = cli.run("tx", "list", "Lisbon", "--format", "ndjson").stdout.splitlines()
        assert [json.loads(x)["description"] for x in lines] == ["Taxi", "Dinner"]
        (settle,) = cli.run("settle", "Lisbon", "--format", "ndjson").stdout.splitlines()
        assert json.loads(settle)["from_name"] == "Bob"

    def test_data_without_ids_says_so(self, cli: Cli, lisbon: dict[str, str]) -> None:
        result = cli.run("balances", "Lisbon", "--format", "id")
        assert result.exit_code == errors.USER_ERROR
        assert "no ids" in result.stderr
        assert result.stdout == ""
