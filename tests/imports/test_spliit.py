"""Spliit exports: JSON (minor units, split modes, income, reimbursements) and CSV (BOM)."""

from __future__ import annotations

import json

import pytest

from pennywise_core.errors import ValidationError
from pennywise_core.imports import ImportOptions
from pennywise_core.models import SplitMode, TransactionKind
from tests.imports.helpers import (
    balances,
    counts,
    entries_by_name,
    fixture,
    member_ids,
    report_balances,
    run_bytes,
    run_file,
    transactions_by_description,
)
from tests.ledger import World, make_world


@pytest.fixture
async def world(session) -> World:
    # Pat is in the group; Quinn and Robin are not: they become placeholders.
    return await make_world(session, owner="Pat")


class TestJson:
    # spliit_export.json, by hand (amounts in cents):
    #   Fuel 6000 by Pat, EVENLY Pat/Quinn/Robin: 20 each  → Pat +40, Quinn −20, Robin −20
    #   Hotel 20000 by Quinn, BY_SHARES 200/100/100: 100/50/50 → Quinn +150, Pat −100, Robin −50
    #   Snacks 1000 by Robin, BY_PERCENTAGE 5000/5000 bp Pat/Robin: 5/5 → Robin +5, Pat −5
    #   Tolls 1500 by Pat, BY_AMOUNT Quinn 1000, Robin 500 → Pat +15, Quinn −10, Robin −5
    #   Deposit refund −3000 received by Quinn, EVENLY: income → Quinn −20, Pat +10, Robin +10
    #   Reimbursement 2500, Robin to Pat: a transfer → Robin +25, Pat −25
    # Pat 40 − 100 − 5 + 15 + 10 − 25 = −65; Quinn −20 + 150 − 10 − 20 = 100;
    # Robin −20 − 50 + 5 − 5 + 10 + 25 = −35 (sum 0): Spliit's balances for the group.
    async def test_balances_equal_what_spliit_shows(self, session, world: World) -> None:
        report = await run_file(session, world.owner, world.group_id, "spliit_export.json")
        assert report.format == "spliit-json"
        assert report.created == 6
        assert sorted(m.display_name for m in report.new_members) == ["Quinn", "Robin"]
        assert await balances(session, world.group_id) == {
            ("Pat", "EUR"): "-65.00",
            ("Quinn", "EUR"): "100.00",
            ("Robin", "EUR"): "-35.00",
        }

    async def test_split_modes_income_and_reimbursement(self, session, world: World) -> None:
        await run_file(session, world.owner, world.group_id, "spliit_export.json")
        txs = await transactions_by_description(session, world.group_id)
        names = {v: k for k, v in (await member_ids(session, world.group_id)).items()}
        hotel = txs["Hotel"]
        assert hotel.split_mode is SplitMode.SHARES
        assert hotel.split_params["split"]["entries"][0]["shares"] == "2"
        assert hotel.notes == "two nights"
        assert txs["Snacks"].split_mode is SplitMode.PERCENT
        assert txs["Tolls"].split_mode is SplitMode.EXACT
        refund = txs["Deposit refund"]
        assert refund.kind is TransactionKind.INCOME
        assert refund.amount == 3000
        assert entries_by_name(refund, names) == {
            "Pat": ("10.00", "0.00"),
            "Quinn": ("10.00", "30.00"),
            "Robin": ("10.00", "0.00"),
        }
        assert txs["Reimbursement"].kind is TransactionKind.TRANSFER
        assert txs["Fuel"].category == "Gas/Fuel"

    async def test_reimport_adds_nothing(self, session, world: World) -> None:
        await run_file(session, world.owner, world.group_id, "spliit_export.json")
        again = await run_file(session, world.owner, world.group_id, "spliit_export.json")
        assert (again.created, again.already_imported, again.new_members) == (0, 6, [])


class TestCsv:
    # spliit_export.csv, by hand: a cell is that participant's share, + for the payer.
    #   Fuel 60 (Pat pays, evenly 20 each)          → Pat +40, Quinn −20, Robin −20
    #   Hotel 200 (Quinn pays; 100/50/50)           → Quinn +150, Pat −100, Robin −50
    #   Snacks 10 (Robin pays; Pat 5, Robin 5)      → Robin +5, Pat −5
    #   Deposit refund −30 (Quinn receives; 10 each) → Quinn −20, Pat +10, Robin +10
    #   Dinner 33.33 (Robin pays; 11.11 each)       → Robin +22.22, Pat −11.11, Quinn −11.11
    # Pat 40 − 100 − 5 + 10 − 11.11 = −66.11; Quinn −20 + 150 − 20 − 11.11 = 98.89;
    # Robin −20 − 50 + 5 + 10 + 22.22 = −32.78.
    async def test_bom_symbol_currency_and_balances(self, session, world: World) -> None:
        report = await run_file(session, world.owner, world.group_id, "spliit_export.csv")
        assert report.format == "spliit-csv"
        assert report.created == 5
        assert any("'€'" in w for w in report.warnings)
        assert await balances(session, world.group_id) == {
            ("Pat", "EUR"): "-66.11",
            ("Quinn", "EUR"): "98.89",
            ("Robin", "EUR"): "-32.78",
        }
        txs = await transactions_by_description(session, world.group_id)
        assert txs["Dinner in Zurich"].notes == "Originally 36.00 CHF at 1.08"
        assert [(k.field, k.transactions) for k in report.kept_in_notes] == [
            ("Original cost, Original currency, Conversion rate", 1)
        ]
        assert txs["Deposit refund"].kind is TransactionKind.INCOME

    async def test_currency_option_overrides_the_symbol(self, session, world: World) -> None:
        report = await run_file(
            session,
            world.owner,
            world.group_id,
            "spliit_export.csv",
            options=ImportOptions(currency="CHF"),
        )
        assert {t.currency for t in report.totals} == {"CHF"}

    async def test_a_reimbursement_without_a_known_payer_is_refused(
        self, session, world: World
    ) -> None:
        data = (
            "\ufeff"
            '"Date","Description","Category","Currency","Cost","Is Reimbursement","Split mode",'
            '"Pat","Quinn","Robin"\n'
            '"2024-06-06","Payback","","EUR","25.00","Yes","Evenly",-25,0,0\n'
        ).encode()
        with pytest.raises(ValidationError) as caught:
            await run_bytes(session, world.owner, world.group_id, data)
        [error] = caught.value.errors
        assert error.loc == ("row", 2, "participants")
        assert "JSON export" in error.msg

    async def test_in_a_two_person_group_the_payer_is_the_other_one(
        self, session, world: World
    ) -> None:
        data = (
            "\ufeff"
            '"Date","Description","Category","Currency","Cost","Is Reimbursement","Split mode",'
            '"Pat","Quinn"\n'
            '"2024-06-06","Payback","","EUR","25.00","Yes","Evenly",-25,0\n'
        ).encode()
        await run_bytes(session, world.owner, world.group_id, data)
        txs = await transactions_by_description(session, world.group_id)
        assert txs["Payback"].kind is TransactionKind.TRANSFER
        assert await balances(session, world.group_id) == {
            ("Quinn", "EUR"): "25.00",
            ("Pat", "EUR"): "-25.00",
        }

    async def test_a_conversion_that_gives_the_cost_is_booked_as_one(
        self, session, world: World
    ) -> None:
        # The fixture's 36.00 CHF "at 1.08" is not 33.33 (Spliit books original × rate:
        # 38.88), so it stays in the notes above; at 0.92583 it is 33.32988, booked 33.33.
        text = fixture("spliit_export.csv").replace(b'"CHF","1.08"', b'"CHF","0.92583"')
        report = await run_bytes(session, world.owner, world.group_id, text)
        assert report.kept_in_notes == []
        dinner = (await transactions_by_description(session, world.group_id))["Dinner in Zurich"]
        assert (dinner.amount, dinner.notes) == (3333, None)
        assert dinner.conversion == {
            "amount": 3600,
            "currency": "CHF",
            "rate": "0.92583",
            "source": "spliit",
            "date": "2024-06-07",
        }


NO_IDS_EXPECTED = {("Kim", "EUR"): "-14.00", ("Lou", "EUR"): "26.00", ("Max", "EUR"): "-12.00"}
RECURRING_EXPECTED = {
    ("Nia", "EUR"): "521.00",
    ("Oto", "EUR"): "-250.00",
    ("Pia", "EUR"): "-271.00",
}


class TestOlderJson:
    """Real Spliit exports from before expenses had ids in the file.

    spliit_2024_no_ids.json is shaped like the first JSON export (January 2024): no
    ``currencyCode`` (only the symbol "€"), no expense ``id``, ``createdAt``, ``notes`` or
    activities, expenses in the database's order (not sorted by date), a participant named
    "Kim " with a trailing space, an EVENLY expense carrying stray shares 300/200, and two
    identical coffees. By hand, as Spliit shows it (amounts in cents):
      Ferry tickets 9000 by Lou, EVENLY Kim/Lou (shares 300/200 ignored): 45/45
          → Lou +45, Kim −45   (a split by those shares would be 54/36)
      Groceries 4500 by Kim, EVENLY Kim/Lou/Max: 15 each → Kim +30, Lou −15, Max −15
      Coffee 600 by Max, EVENLY: 2 each → Max +4, Kim −2, Lou −2   (twice)
      Museum 3000 by Kim, BY_SHARES Kim 100 / Max 200: 10/20 → Kim +20, Max −20
      Paid back 1500, Max to Kim (a reimbursement) → Max +15, Kim −15
    Kim −45 + 30 − 2 − 2 + 20 − 15 = −14; Lou 45 − 15 − 2 − 2 = 26; Max −15 + 8 − 20 + 15 = −12.
    """

    @pytest.fixture
    async def kim(self, session) -> World:
        return await make_world(session, owner="Kim")

    async def test_imports_with_the_balances_spliit_shows(self, session, kim: World) -> None:
        report = await run_file(session, kim.owner, kim.group_id, "spliit_2024_no_ids.json")
        assert (report.format, report.created) == ("spliit-json", 6)
        # "Kim " is the group's Kim; Lou and Max are new.
        assert [m.display_name for m in report.new_members] == ["Lou", "Max"]
        assert await balances(session, kim.group_id) == NO_IDS_EXPECTED

    async def test_the_symbol_names_the_currency(self, session) -> None:
        world = await make_world(session, owner="Kim", currency="CHF")
        report = await run_file(session, world.owner, world.group_id, "spliit_2024_no_ids.json")
        assert {t.currency for t in report.totals} == {"EUR"}
        assert any("'€'" in w and "EUR" in w for w in report.warnings)

    async def test_even_split_ignores_stray_shares(self, session, kim: World) -> None:
        await run_file(session, kim.owner, kim.group_id, "spliit_2024_no_ids.json")
        txs = await transactions_by_description(session, kim.group_id)
        names = {v: k for k, v in (await member_ids(session, kim.group_id)).items()}
        ferry = txs["Ferry tickets"]
        assert ferry.split_mode is SplitMode.EQUAL
        assert entries_by_name(ferry, names) == {
            "Lou": ("90.00", "45.00"),
            "Kim": ("0.00", "45.00"),
        }

    async def test_reimport_adds_nothing_and_identical_expenses_both_count(
        self, session, kim: World
    ) -> None:
        first = await run_file(session, kim.owner, kim.group_id, "spliit_2024_no_ids.json")
        again = await run_file(session, kim.owner, kim.group_id, "spliit_2024_no_ids.json")
        assert first.totals[0].transactions == 6  # both coffees
        assert (again.created, again.already_imported, again.new_members) == (0, 6, [])
        assert await balances(session, kim.group_id) == NO_IDS_EXPECTED

    async def test_a_newer_overlapping_export_adds_only_the_new_expenses(
        self, session, kim: World
    ) -> None:
        await run_file(session, kim.owner, kim.group_id, "spliit_2024_no_ids.json")
        doc = json.loads(fixture("spliit_2024_no_ids.json"))
        kim_id, lou_id, max_id = (p["id"] for p in doc["participants"])
        coffee = dict(doc["expenses"][2])
        dinner = {
            **coffee,
            "expenseDate": "2024-03-06T00:00:00.000Z",
            "title": "Dinner",
            "amount": 6000,
            "paidById": lou_id,
        }
        # A third coffee on 3 March, entered later (so listed last), and a dinner:
        #   Coffee 600 by Max → Max +4, Kim −2, Lou −2; Dinner 6000 by Lou, 20 each →
        #   Lou +40, Kim −20, Max −20. Kim −14 − 22 = −36; Lou 26 + 38 = 64; Max −12 − 16 = −28.
        doc["expenses"] += [coffee, dinner]
        newer = json.dumps(doc, ensure_ascii=False).encode()
        report = await run_bytes(session, kim.owner, kim.group_id, newer)
        assert (report.created, report.already_imported) == (2, 6)
        assert await balances(session, kim.group_id) == {
            ("Kim", "EUR"): "-36.00",
            ("Lou", "EUR"): "64.00",
            ("Max", "EUR"): "-28.00",
        }
        assert {kim_id, lou_id, max_id} == {p["id"] for p in doc["participants"]}

    async def test_dry_run_writes_nothing(self, session, kim: World) -> None:
        before = await counts(session, kim.group_id)
        report = await run_file(
            session, kim.owner, kim.group_id, "spliit_2024_no_ids.json", dry_run=True
        )
        assert report.created == 6
        assert report_balances(report) == NO_IDS_EXPECTED
        assert await counts(session, kim.group_id) == before


class TestRecurringAndConvertedJson:
    """spliit_2025_recurring.json, shaped like the exports of spring 2025: ``createdAt``,
    ``recurrenceRule``, ``currencyCode`` beside the symbol, the original amount, currency
    and rate of a converted expense; still no expense ids. By hand (cents):
      Rent 90000 by Nia, EVENLY, MONTHLY: 300 each → Nia +600, Oto −300, Pia −300
      Dinner in Zurich 6000 by Oto (from 56.00 CHF at 1.0714), EVENLY: 20 each
          → Oto +40, Nia −20, Pia −20
      Taxi 1800 by Pia, BY_PERCENTAGE 5000/5000 Nia/Pia: 9/9 → Pia +9, Nia −9
      Cleaning 3000 by Pia, EVENLY, WEEKLY: 10 each → Pia +20, Nia −10, Oto −10
      Deposit back −6000 received by Nia, EVENLY: income → Nia −40, Oto +20, Pia +20
    Nia 600 − 20 − 9 − 10 − 40 = 521; Oto −300 + 40 − 10 + 20 = −250;
    Pia −300 − 20 + 9 + 20 + 20 = −271.
    """

    @pytest.fixture
    async def nia(self, session) -> World:
        return await make_world(session, owner="Nia")

    async def test_imports_with_the_balances_spliit_shows(self, session, nia: World) -> None:
        report = await run_file(session, nia.owner, nia.group_id, "spliit_2025_recurring.json")
        assert report.created == 5
        assert [m.display_name for m in report.new_members] == ["Oto", "Pia"]
        assert await balances(session, nia.group_id) == RECURRING_EXPECTED

    async def test_recurrence_becomes_rules_and_the_conversion_is_booked(
        self, session, nia: World
    ) -> None:
        # The recurrences are rules now (tests/imports/test_import_recurrence.py), not notes.
        report = await run_file(session, nia.owner, nia.group_id, "spliit_2025_recurring.json")
        assert (report.kept_in_notes, report.recurring_rules_created) == ([], 2)
        txs = await transactions_by_description(session, nia.group_id)
        assert (txs["Rent"].notes, txs["Cleaning"].notes, txs["Taxi"].notes) == (None,) * 3
        # 56.00 CHF × 1.0714 = 59.9984, booked as Spliit did: 60.00 EUR.
        dinner = txs["Dinner in Zurich"]
        assert (dinner.amount, dinner.currency, dinner.notes) == (6000, "EUR", None)
        assert dinner.conversion == {
            "amount": 5600,
            "currency": "CHF",
            "rate": "1.0714",
            "source": "spliit",
            "date": "2025-05-03",
        }

    async def test_a_conversion_that_does_not_give_the_amount_stays_in_notes(
        self, session, nia: World
    ) -> None:
        document = json.loads(fixture("spliit_2025_recurring.json"))
        document["expenses"][1]["amount"] = 6100  # edited by hand in Spliit after converting
        report = await run_bytes(session, nia.owner, nia.group_id, json.dumps(document).encode())
        assert [k.field for k in report.kept_in_notes] == [
            "originalAmount, originalCurrency, conversionRate",
        ]
        dinner = (await transactions_by_description(session, nia.group_id))["Dinner in Zurich"]
        assert (dinner.notes, dinner.conversion) == ("Originally 56.00 CHF at 1.0714", None)

    async def test_dry_run_reports_the_same_and_writes_nothing(self, session, nia: World) -> None:
        before = await counts(session, nia.group_id)
        dry = await run_file(
            session, nia.owner, nia.group_id, "spliit_2025_recurring.json", dry_run=True
        )
        assert await counts(session, nia.group_id) == before
        assert report_balances(dry) == RECURRING_EXPECTED
        assert (dry.kept_in_notes, dry.recurring_rules_created) == ([], 2)

    async def test_reimport_adds_nothing_and_keeps_nothing(self, session, nia: World) -> None:
        await run_file(session, nia.owner, nia.group_id, "spliit_2025_recurring.json")
        again = await run_file(session, nia.owner, nia.group_id, "spliit_2025_recurring.json")
        assert (again.created, again.already_imported, again.kept_in_notes) == (0, 5, [])
        assert again.recurring_rules_created == 0
        assert await balances(session, nia.group_id) == RECURRING_EXPECTED
