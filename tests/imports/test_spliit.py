"""Spliit exports: JSON (minor units, split modes, income, reimbursements) and CSV (BOM)."""

from __future__ import annotations

import pytest

from pennywise_core.errors import ValidationError
from pennywise_core.imports import ImportOptions
from pennywise_core.models import SplitMode, TransactionKind
from tests.imports.helpers import (
    balances,
    entries_by_name,
    member_ids,
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
