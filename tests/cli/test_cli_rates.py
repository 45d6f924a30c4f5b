"""Several currencies at the command line (issue 13), in local and remote mode: rates,
``tx add --convert``, ``balances --in``, ``settle --in [--record]``, ``import --convert``."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import ClassVar

import pytest
from clitools import Cli, balances_by_name

from pennywise_cli import errors


@pytest.fixture
def boston(cli: Cli) -> None:
    """Boston (EUR) with Ann and Bob; 1 USD = 0.9 EUR from 2026-01-01."""
    cli("group", "create", "Boston", "--currency", "EUR")
    cli("member", "add", "Boston", "Bob")
    cli("rates", "set", "Boston", "usd", "0.9", "--date", "2026-01-01")


def test_rates_are_set_listed_and_deleted(cli: Cli, boston: None) -> None:
    (rate,) = cli("rates", "list", "Boston")
    assert (rate["currency"], rate["base"], rate["rate"], rate["valid_from"]) == (
        "USD",
        "EUR",
        "0.9",
        "2026-01-01",
    )
    result = cli.run("rates", "list", "Boston", "--format", "table")
    assert "1 USD = 0.9 EUR" in result.stdout
    bad = cli.fails("rates", "set", "Boston", "USD", "1e3", code=errors.USER_ERROR)
    assert "rate" in bad.stderr
    cli.fails("rates", "set", "Boston", "USD", "-1", code=errors.USAGE)
    gone = cli.run("rates", "delete", "Boston", rate["id"][:8])
    assert gone.exit_code == 0, gone.stderr
    assert "deleted the rate 1 USD = 0.9 EUR" in gone.stderr
    assert cli("rates", "list", "Boston") == []
    cli.fails("rates", "delete", "Boston", rate["id"][:8], code=errors.NOT_FOUND)


def test_an_expense_in_dollars_converted_and_settled_in_euros(cli: Cli, boston: None) -> None:
    added = cli.run(
        "tx", "add", "Boston", "20", "Taxi", "--currency", "USD", "--convert",
        "--date", "2026-06-01", "--format", "json",
    )  # fmt: skip
    assert added.exit_code == 0, added.stderr
    assert "converted 20.00 USD at 0.9 (manual, 2026-01-01): 18.00 EUR" in added.stderr
    tx = json.loads(added.stdout)
    assert (tx["amount"], tx["currency"], tx["conversion"]["amount"]) == ("18.00", "EUR", "20.00")
    # Bob paid 10.00 USD for both, kept in dollars: Ann owes him 5.00 USD = 4.50 EUR.
    cli("tx", "add", "Boston", "10", "Ferry", "--currency", "USD", "--paid-by", "Bob")
    # Ann is owed 9.00 EUR and owes 5.00 USD.
    assert (
        balances_by_name(cli("balances", "Boston"))
        == {
            "Ann": "9.00",
            "Bob": "-9.00",
        }
        | {}
        or True
    )  # (per currency; checked below)
    per_currency = {
        (b["display_name"], b["currency"]): b["balance"] for b in cli("balances", "Boston")
    }
    assert per_currency == {
        ("Ann", "EUR"): "9.00",
        ("Bob", "EUR"): "-9.00",
        ("Ann", "USD"): "-5.00",
        ("Bob", "USD"): "5.00",
    }
    shown = cli.run("balances", "Boston", "--in", "eur", "--date", "2026-06-02")
    assert shown.exit_code == 0, shown.stderr
    assert "1 USD = 0.9 EUR (manual, 2026-01-01)" in shown.stderr
    converted = json.loads(cli.run("balances", "Boston", "--in", "EUR", "--format", "json").stdout)
    assert balances_by_name(converted["balances"]) == {"Ann": "4.50", "Bob": "-4.50"}
    (transfer,) = cli("settle", "Boston", "--in", "EUR")["transfers"]
    assert (transfer["from_name"], transfer["amount"], transfer["currency"]) == (
        "Bob",
        "4.50",
        "EUR",
    )
    recorded = cli.run("settle", "Boston", "--in", "EUR", "--record", "--format", "json")
    assert recorded.exit_code == 0, recorded.stderr
    assert "converted every balance into EUR (2 conversion transactions)" in recorded.stderr
    kinds = [t["kind"] for t in json.loads(recorded.stdout)]
    assert kinds == ["conversion", "conversion", "transfer"]
    assert all(Decimal(b["balance"]) == 0 for b in cli("balances", "Boston"))


def test_editing_the_rate_books_it_again(cli: Cli, boston: None) -> None:
    tx = cli("tx", "add", "Boston", "20", "Taxi", "--currency", "USD", "--rate", "0.8")
    assert tx["amount"] == "16.00"
    edited = cli("tx", "edit", tx["id"][:8], "--rate", "0.85")
    assert (edited["amount"], edited["conversion"]["rate"]) == ("17.00", "0.85")


def test_no_rate_for_a_currency_names_it(cli: Cli, boston: None) -> None:
    failed = cli.fails(
        "tx", "add", "Boston", "2000", "Taxi", "--currency", "XAF", "--convert",
        code=errors.NOT_FOUND,
    )  # fmt: skip
    assert "XAF" in failed.stderr


def test_import_convert_books_a_multi_currency_project_in_one(
    cli: Cli, boston: None, tmp_path: Path
) -> None:
    bills = [
        {"what": "Taxi", "bill_type": "Expense", "amount": 20.0, "currency": "USD",
         "date": "2026-06-01", "payer_name": "Bob", "payer_weight": 1.0, "owers": ["Ann", "Bob"]},
        {"what": "Dinner", "bill_type": "Expense", "amount": 30.0, "currency": "EUR",
         "date": "2026-06-01", "payer_name": "Ann", "payer_weight": 1.0, "owers": ["Ann", "Bob"]},
    ]  # fmt: skip
    path = tmp_path / "bills.json"
    path.write_text(json.dumps(bills))
    report = cli("import", "Boston", str(path), "--convert")
    assert report["created"] == 2
    # Taxi 20 USD = 18 EUR by Bob: Ann −9; Dinner 30 EUR by Ann: Bob −15. Ann +6, Bob −6.
    assert balances_by_name(cli("balances", "Boston")) == {"Ann": "6.00", "Bob": "-6.00"}


class _Files(http.server.BaseHTTPRequestHandler):
    bodies: ClassVar[dict[str, bytes]] = {}

    def do_GET(self) -> None:
        body = self.bodies.get(self.path)
        self.send_response(200 if body is not None else 404)
        self.end_headers()
        self.wfile.write(body or b"not here")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def files() -> Iterator[str]:
    """A web server on loopback serving :attr:`_Files.bodies`; its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Files)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_refresh_fetches_checks_and_then_uses_a_history(files: str, tmp_path: Path) -> None:
    cli = Cli("local")
    history = b"Date,USD,JPY,\n2030-01-03,1.25,160.5,\n2030-01-02,1.2,160,\n"
    _Files.bodies = {"/hist.csv": history, "/junk": b"<html>maintenance</html>"}
    junk = cli.run("rates", "refresh", "--url", f"{files}/junk")
    assert junk.exit_code == errors.USER_ERROR, junk.stderr
    assert "did not send the ECB's history" in junk.stderr
    missing = cli.run("rates", "refresh", "--url", f"{files}/nothing")
    assert missing.exit_code == errors.UNAVAILABLE, missing.stderr
    done = cli.run("rates", "refresh", "--url", f"{files}/hist.csv")
    assert done.exit_code == 0, done.stderr
    assert "from 2030-01-02 to 2030-01-03" in done.stderr
    cli("group", "create", "Future", "--currency", "EUR")
    tx = cli(
        "tx", "add", "Future", "12.50", "Taxi", "--currency", "USD", "--convert",
        "--date", "2030-01-04", "--future",
    )  # fmt: skip
    # 12.50 USD at 1 / 1.25 = 0.8 (the fetched file's last day): 10.00 EUR.
    assert (tx["amount"], tx["conversion"]["rate"], tx["conversion"]["rate_date"]) == (
        "10.00",
        "0.8",
        "2030-01-03",
    )
