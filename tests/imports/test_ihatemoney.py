"""ihatemoney bills, JSON and CSV: weights, reimbursements, XXX, leading quotes."""

from __future__ import annotations

import datetime as dt
import json
from typing import ClassVar

import pytest

from pennywise_core.errors import ValidationError
from pennywise_core.imports import ImportOptions
from pennywise_core.imports.ihatemoney import split_owers
from pennywise_core.models import SplitMode, TransactionKind
from pennywise_core.schemas import RateSet
from pennywise_core.services import rates
from tests.imports.helpers import (
    balances,
    counts,
    entries_by_name,
    member_ids,
    report_balances,
    run_bytes,
    run_file,
    transactions_by_description,
)
from tests.ledger import World, make_world

# The bills, by hand. Weights come from payer_weight: Alice 2 (her Groceries bill), Bob 1,
# Claire 1. Each ower owes amount × weight / Σ weights of the owers.
#   Groceries 60 EUR by Alice, owers Alice(2) Bob(1) Claire(1): 30 / 15 / 15
#       → Alice +30, Bob −15, Claire −15
#   Pizza 40 EUR by Bob, owers Alice(2) Bob(1): 26.67 / 13.33 (the file lists Pizza before
#       Groceries, so Alice's weight is only known after reading on: the prescan)
#       → Bob +26.67, Alice −26.67
#   Reimbursement 10 EUR, Bob to Alice: a transfer → Bob +10, Alice −10
#   Board game 9 XXX ("no currency": booked in the group's EUR) by Claire, owers Alice(2)
#       Claire(1): 6 / 3 → Claire +6, Alice −6
# Alice 30 − 26.67 − 10 − 6 = −12.67; Bob −15 + 26.67 + 10 = 21.67; Claire −15 + 6 = −9.00.
EXPECTED = {
    ("Alice", "EUR"): "-12.67",
    ("Bob", "EUR"): "21.67",
    ("Claire", "EUR"): "-9.00",
}


@pytest.fixture
async def world(session) -> World:
    return await make_world(session, "Bob", owner="Alice")  # Claire is missing


class TestBillsJson:
    async def test_balances_equal_what_ihatemoney_shows(self, session, world: World) -> None:
        report = await run_file(session, world.owner, world.group_id, "ihatemoney_bills.json")
        assert report.format == "ihatemoney-json"
        assert report.created == 4
        assert [m.display_name for m in report.new_members] == ["Claire"]
        assert await balances(session, world.group_id) == EXPECTED

    async def test_weights_known_only_from_a_later_bill_are_used(
        self, session, world: World
    ) -> None:
        await run_file(session, world.owner, world.group_id, "ihatemoney_bills.json")
        txs = await transactions_by_description(session, world.group_id)
        names = {v: k for k, v in (await member_ids(session, world.group_id)).items()}
        pizza = txs["Pizza"]
        assert pizza.split_mode is SplitMode.SHARES
        assert entries_by_name(pizza, names) == {
            "Bob": ("40.00", "13.33"),
            "Alice": ("0.00", "26.67"),
        }

    async def test_reimbursement_is_a_transfer_and_xxx_the_groups_currency(
        self, session, world: World
    ) -> None:
        report = await run_file(session, world.owner, world.group_id, "ihatemoney_bills.json")
        txs = await transactions_by_description(session, world.group_id)
        assert txs["Bob pays Alice back"].kind is TransactionKind.TRANSFER
        assert txs["Board game points"].currency == "EUR"
        assert {t.currency for t in report.totals} == {"EUR"}
        assert any("XXX" in w and "EUR" in w for w in report.warnings)

    async def test_new_members_take_their_payer_weight(self, session) -> None:
        world = await make_world(session, owner="Zed")
        report = await run_file(session, world.owner, world.group_id, "ihatemoney_bills.json")
        weights = {m.display_name: m.weight for m in report.new_members}
        assert weights == {"Claire": "1", "Alice": "2", "Bob": "1"}

    async def test_amounts_are_read_as_text_never_as_floats(self, session, world: World) -> None:
        # 0.1 + 0.2 in a float is 0.30000000000000004: refused, not rounded to 0.30.
        bills = json.dumps(
            [
                {
                    "what": "Float",
                    "bill_type": "Expense",
                    "amount": 0.1 + 0.2,
                    "currency": "EUR",
                    "date": "2024-01-01",
                    "payer_name": "Bob",
                    "payer_weight": 1.0,
                    "owers": ["Bob", "Alice"],
                }
            ]
        ).encode()
        with pytest.raises(ValidationError) as caught:
            await run_bytes(session, world.owner, world.group_id, bills)
        [error] = caught.value.errors
        assert error.loc == ("row", 1, "amount")
        assert "0.30000000000000004" in error.msg


class TestBillsCsv:
    async def test_same_balances_as_the_json(self, session, world: World) -> None:
        report = await run_file(session, world.owner, world.group_id, "ihatemoney_bills.csv")
        assert report.format == "ihatemoney-csv"
        assert await balances(session, world.group_id) == EXPECTED

    async def test_leading_quote_of_a_formula_cell_is_removed(self, session, world: World) -> None:
        await run_file(session, world.owner, world.group_id, "ihatemoney_bills.csv")
        txs = await transactions_by_description(session, world.group_id)
        assert "=1+1 board game points" in txs
        assert "Pizza, large" in txs

    def test_owers_cells(self) -> None:
        assert split_owers("Alice, Bob, Claire") == ["Alice", "Bob", "Claire"]
        assert split_owers("['Alice', \"O'Neil\"]") == ["Alice", "O'Neil"]
        assert split_owers("Alice") == ["Alice"]


# ihatemoney_4x_bills.json: the bills export of ihatemoney 3.x/4.x — keys what, amount, date,
# payer_name, payer_weight, owers (no bill_type, no currency), newest first, non-ASCII as
# \u escapes. Weights: Élodie 2 (she paid the cheese), Fabien 1, Gaspard 1 (never paid).
#   pain 6 by Fabien, owers Gaspard → Fabien +6, Gaspard −6
#   vin rouge 24 by Fabien, owers Élodie(2) Fabien(1): 16 / 8 → Fabien +16, Élodie −16
#   fromage à raclette 30 by Élodie, owers Élodie(2) Fabien Gaspard: 15 / 7.50 / 7.50
#       → Élodie +15, Fabien −7.50, Gaspard −7.50
# Élodie 15 − 16 = −1.00; Fabien 6 + 16 − 7.50 = 14.50; Gaspard −6 − 7.50 = −13.50.
OLD_JSON = {("Élodie", "EUR"): "-1.00", ("Fabien", "EUR"): "14.50", ("Gaspard", "EUR"): "-13.50"}
# ihatemoney_6x_bills.csv: 5.x/6.x — what, amount, currency, date, payer_name, payer_weight,
# owers (no bill_type), CRLF, every bill in XXX. Weights: Hana 1, Ivo 1.5, Jun 1.
#   Taxi 12 by Jun, owers Ivo → Jun +12, Ivo −12
#   Pizza 24 by Hana, owers Hana(1) Ivo(1.5): 9.60 / 14.40 → Hana +14.40, Ivo −14.40
#   Groceries, market 35 by Ivo, owers Hana Ivo Jun (Σ 3.5): 10 / 15 / 10
#       → Ivo +20, Hana −10, Jun −10
# Hana 14.40 − 10 = 4.40; Ivo −12 − 14.40 + 20 = −6.40; Jun 12 − 10 = 2.00.


def old_csv(code: str) -> dict[tuple[str, str], str]:
    """ihatemoney_6x_bills.csv's balances, in the currency its XXX bills are booked in."""
    return {("Hana", code): "4.40", ("Ivo", code): "-6.40", ("Jun", code): "2.00"}


class TestOlderVersions:
    async def test_json_without_bill_type_or_currency(self, session) -> None:
        world = await make_world(session, owner="Fabien")
        report = await run_file(session, world.owner, world.group_id, "ihatemoney_4x_bills.json")
        assert (report.format, report.created) == ("ihatemoney-json", 3)
        assert await balances(session, world.group_id) == OLD_JSON
        txs = await transactions_by_description(session, world.group_id)
        assert {tx.kind for tx in txs.values()} == {TransactionKind.EXPENSE}
        assert "fromage à raclette" in txs
        again = await run_file(session, world.owner, world.group_id, "ihatemoney_4x_bills.json")
        assert (again.created, again.already_imported) == (0, 3)

    async def test_csv_in_xxx_is_booked_in_the_groups_currency(self, session) -> None:
        world = await make_world(session, owner="Hana", currency="CHF")
        report = await run_file(session, world.owner, world.group_id, "ihatemoney_6x_bills.csv")
        assert (report.format, report.created) == ("ihatemoney-csv", 3)
        assert {t.currency for t in report.totals} == {"CHF"}
        assert await balances(session, world.group_id) == old_csv("CHF")
        again = await run_file(session, world.owner, world.group_id, "ihatemoney_6x_bills.csv")
        assert (again.created, again.already_imported) == (0, 3)

    async def test_dry_run_writes_nothing(self, session) -> None:
        world = await make_world(session, owner="Hana")
        before = await counts(session, world.group_id)
        report = await run_file(
            session, world.owner, world.group_id, "ihatemoney_6x_bills.csv", dry_run=True
        )
        assert report.created == 3
        assert report_balances(report) == old_csv("EUR")
        assert await counts(session, world.group_id) == before

    async def test_csv_columns_in_the_first_records_order(self, session) -> None:
        # ihatemoney 7.0's own compatibility data: the CSV's columns are the first record's
        # keys, bill_type after payer_weight. Same bills as ihatemoney_4x_bills.json.
        world = await make_world(session, owner="Fabien")
        data = (
            "date,what,amount,payer_name,payer_weight,bill_type,owers\r\n"
            "2020-02-03,pain,6.0,Fabien,1.0,Expense,Gaspard\r\n"
            '2020-02-02,vin rouge,24.0,Fabien,1.0,Expense,"Élodie, Fabien"\r\n'
            '2020-02-01,fromage à raclette,30.0,Élodie,2.0,Expense,"Élodie, Fabien, Gaspard"\r\n'
        ).encode()
        report = await run_bytes(session, world.owner, world.group_id, data)
        assert (report.format, report.created) == ("ihatemoney-csv", 3)
        assert await balances(session, world.group_id) == OLD_JSON


class TestMultiCurrency:
    """ihatemoney_multicurrency.json: a EUR project with bills in EUR, USD, GBP, CHF and JPY,
    in the shape of ihatemoney's export (``amount`` in the bill's own currency; the rates
    are not in the file). The group's rates, valid from 2024-01-01: 1 USD = 0.9, 1 GBP =
    1.15, 1 CHF = 1.05, 1 JPY = 0.0062 EUR. ihatemoney converts per bill,
    ``round(amount × rate, 2)``; by hand:
      Dinner 30.00 EUR by Ann, Ann/Bob              → Ann +15.00, Bob −15.00
      Taxi 20.00 USD = 18.00 EUR by Bob, Ann/Bob    → Bob +9.00, Ann −9.00
      Museum 12.00 GBP = 13.80 EUR by Ann, all      → Ann +9.20, Bob −4.60, Cleo −4.60
      Fondue 45.60 CHF = 47.88 EUR by Cleo, Bob/Cleo → Cleo +23.94, Bob −23.94
      Sushi 5000 JPY = 31.00 EUR by Bob, Ann/Bob    → Bob +15.50, Ann −15.50
    Ann 15 − 9 + 9.20 − 15.50 = −0.30; Bob −15 + 9 − 4.60 − 23.94 + 15.50 = −19.04;
    Cleo −4.60 + 23.94 = 19.34: what ihatemoney shows in EUR.
    """

    RATES: ClassVar = {"USD": "0.9", "GBP": "1.15", "CHF": "1.05", "JPY": "0.0062"}
    IHATEMONEY_SHOWS: ClassVar = {
        ("Ann", "EUR"): "-0.30",
        ("Bob", "EUR"): "-19.04",
        ("Cleo", "EUR"): "19.34",
    }

    @pytest.fixture
    async def trip(self, session) -> World:
        world = await make_world(session, owner="Ann")
        for code, rate in self.RATES.items():
            await rates.set_rate(
                session,
                world.owner,
                world.group_id,
                RateSet(currency=code, rate=rate, valid_from=dt.date(2024, 1, 1)),
            )
        return world

    async def test_with_convert_the_balances_are_ihatemoneys(self, session, trip: World) -> None:
        options = ImportOptions(convert=True)
        dry = await run_file(
            session,
            trip.owner,
            trip.group_id,
            "ihatemoney_multicurrency.json",
            options=options,
            dry_run=True,
        )
        assert report_balances(dry) == self.IHATEMONEY_SHOWS
        report = await run_file(
            session, trip.owner, trip.group_id, "ihatemoney_multicurrency.json", options=options
        )
        assert report.created == 5
        assert await balances(session, trip.group_id) == self.IHATEMONEY_SHOWS
        fondue = (await transactions_by_description(session, trip.group_id))["Fondue"]
        assert (fondue.amount, fondue.currency) == (4788, "EUR")
        assert fondue.conversion == {
            "amount": 4560,
            "currency": "CHF",
            "rate": "1.05",
            "source": "manual",
            "date": "2024-01-01",
        }

    async def test_without_convert_a_ledger_per_currency(self, session, trip: World) -> None:
        await run_file(session, trip.owner, trip.group_id, "ihatemoney_multicurrency.json")
        got = await balances(session, trip.group_id)
        assert {code for _, code in got} == {"EUR", "USD", "GBP", "CHF", "JPY"}
        assert got[("Bob", "JPY")] == "2500"

    async def test_a_currency_without_a_rate_is_a_row_error_and_nothing_is_written(
        self, session, trip: World
    ) -> None:
        bills = [
            {
                "what": "Empanadas",
                "bill_type": "Expense",
                "amount": 9000.0,
                "currency": "ARS",
                "date": "2024-05-06",
                "payer_name": "Ann",
                "payer_weight": 1.0,
                "owers": ["Ann", "Bob"],
            }
        ]
        before = await counts(session, trip.group_id)
        with pytest.raises(ValidationError) as caught:
            await run_bytes(
                session,
                trip.owner,
                trip.group_id,
                json.dumps(bills).encode(),
                options=ImportOptions(convert=True),
            )
        [error] = caught.value.errors
        assert error.loc == ("row", 1, "currency")
        assert "no rate for ARS in EUR on 2024-05-06" in error.msg
        assert await counts(session, trip.group_id) == before
