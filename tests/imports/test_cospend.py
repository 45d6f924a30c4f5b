"""Nextcloud Cospend project CSV: sections, weights, trash, recurring bills, older layouts.

The fixtures follow the layouts Cospend's exporter wrote over the years (lib/Service of
julien-nc/cospend-nc and its history), with made-up people and bills:

* cospend_project.csv — today's: members section (fractional weight 1.5, weight 0, an
  inactive member), bills with timestamp and deleted, categories, payment modes, currencies.
* cospend_2021_markers.csv — mid 2021: no members section but one ``deleteMeIfYouWant``
  bill per member, no ``deleted`` column, owers joined with ", ", the main currency "€".
* cospend_2019_minimal.csv — the first exporter: six columns, marker rows, no other section.

Expected balances are Cospend's rule worked by hand: each ower owes
amount × weight / Σ weights of the owers (weight 0 counts as 1), the payer is credited the
amount; trashed bills do not count.
"""

from __future__ import annotations

import pytest

from pennywise_core.errors import ValidationError
from pennywise_core.imports import detect
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

# cospend_project.csv, weights Ines 1, Jonas 2, Kaia 1.5, Lio 0 (counts as 1):
#   Dinner 42.50 by Ines, owers Ines(1) Jonas(2): 14.17 / 28.33 (largest remainder; Cospend
#       shows 14.1667 / 28.3333) → Ines +28.33, Jonas −28.33
#   Train tickets 99.99 by Jonas, owers Ines(1) Jonas(2) Kaia(1.5), Σ 4.5:
#       22.22 / 44.44 / 33.33 → Jonas +55.55, Ines −22.22, Kaia −33.33   (recurring, monthly)
#   Groceries 30 by Lio, owers Ines(1) Lio(0 → 1): 15 / 15 → Lio +15, Ines −15
#   Concert 60: in the trash (deleted=1), not counted
#   Refund deposit −30 received by Jonas, owers Ines(1) Jonas(2): −10 / −20
#       → Jonas −30 + 20 = −10, Ines +10
#   Coffee 3 by Ines, owers Ines(1) Jonas(2): 1 / 2 → Ines +2, Jonas −2   (twice, identical)
#   Settlement 10, Kaia to Ines (category −11, Reimbursement) → Kaia +10, Ines −10
# Ines 28.33 − 22.22 − 15 + 10 + 4 − 10 = −4.89; Jonas −28.33 + 55.55 − 10 − 4 = 13.22;
# Kaia −33.33 + 10 = −23.33; Lio 15.00. Cospend shows −4.8867, 13.2167, −23.33, 15.
PROJECT = {
    ("Ines", "EUR"): "-4.89",
    ("Jonas", "EUR"): "13.22",
    ("Kaia", "EUR"): "-23.33",
    ("Lio", "EUR"): "15.00",
}
# cospend_2021_markers.csv, weights from the marker rows: Mara 1, Nils 1.5, Olga 1:
#   Hut rent 140 by Mara, owers Mara Nils Olga (Σ 3.5): 40 / 60 / 40 → Mara +100, Nils −60,
#       Olga −40
#   Fondue 45.50 by Nils, owers Mara(1) Nils(1.5): 18.20 / 27.30 → Nils +18.20, Mara −18.20
#   Cable car 35 by Olga, owers all: 10 / 15 / 10 → Olga +25, Mara −10, Nils −15
# Mara 100 − 18.20 − 10 = 71.80; Nils −60 + 18.20 − 15 = −56.80; Olga −40 + 25 = −15.
MARKERS = {("Mara", "EUR"): "71.80", ("Nils", "EUR"): "-56.80", ("Olga", "EUR"): "-15.00"}
# cospend_2019_minimal.csv, weights Pablo 1, Quim 2, Rut 1:
#   Bread 4.20 by Pablo, owers Pablo Quim Rut (Σ 4): 1.05 / 2.10 / 1.05
#       → Pablo +3.15, Quim −2.10, Rut −1.05   (twice, identical)
#   Wine 12 by Quim, owers Pablo Rut: 6 / 6 → Quim +12, Pablo −6, Rut −6
# Pablo 6.30 − 6 = 0.30; Quim −4.20 + 12 = 7.80; Rut −2.10 − 6 = −8.10.
MINIMAL = {("Pablo", "EUR"): "0.30", ("Quim", "EUR"): "7.80", ("Rut", "EUR"): "-8.10"}


@pytest.fixture
async def ines(session) -> World:
    return await make_world(session, owner="Ines")


class TestDetect:
    @pytest.mark.parametrize(
        "name", ["cospend_project.csv", "cospend_2021_markers.csv", "cospend_2019_minimal.csv"]
    )
    def test_every_layout_is_told_from_its_sections(self, name: str) -> None:
        assert detect(fixture(name)) == "cospend-csv"

    def test_ihatemoney_bills_are_still_ihatemoney(self) -> None:
        assert detect(fixture("ihatemoney_bills.csv")) == "ihatemoney-csv"


class TestProject:
    async def test_balances_equal_what_cospend_shows(self, session, ines: World) -> None:
        report = await run_file(session, ines.owner, ines.group_id, "cospend_project.csv")
        assert (report.format, report.rows, report.created, report.skipped) == (
            "cospend-csv",
            7,
            7,
            1,
        )
        assert [(m.display_name, m.weight) for m in report.new_members] == [
            ("Jonas", "2"),
            ("Kaia", "1.5"),
            ("Lio", "1"),
        ]
        assert await balances(session, ines.group_id) == PROJECT

    async def test_fractional_weights_are_exact_shares(self, session, ines: World) -> None:
        await run_file(session, ines.owner, ines.group_id, "cospend_project.csv")
        txs = await transactions_by_description(session, ines.group_id)
        names = {v: k for k, v in (await member_ids(session, ines.group_id)).items()}
        train = txs["Train tickets"]
        assert train.split_mode is SplitMode.SHARES
        assert entries_by_name(train, names) == {
            "Ines": ("0.00", "22.22"),
            "Jonas": ("99.99", "44.44"),
            "Kaia": ("0.00", "33.33"),
        }
        assert entries_by_name(txs["Dinner"], names) == {
            "Ines": ("42.50", "14.17"),
            "Jonas": ("0.00", "28.33"),
        }
        # Lio's weight 0 counts as 1, as in Cospend: an equal split.
        assert txs["Groceries"].split_mode is SplitMode.EQUAL

    async def test_dates_comments_categories_and_kinds(self, session, ines: World) -> None:
        await run_file(session, ines.owner, ines.group_id, "cospend_project.csv")
        txs = await transactions_by_description(session, ines.group_id)
        dinner = txs["Dinner"]
        assert dinner.notes == "pizza & drinks\nPayment mode: Cash"
        assert dinner.category == "Food"
        assert str(txs["Groceries"].date) == "2024-02-05"
        assert txs["Refund deposit"].kind is TransactionKind.INCOME
        assert txs["Settlement"].kind is TransactionKind.TRANSFER
        assert txs["Settlement"].category == "Reimbursement"
        assert "Concert" not in txs

    async def test_the_trash_and_the_recurrence_are_reported(self, session, ines: World) -> None:
        report = await run_file(session, ines.owner, ines.group_id, "cospend_project.csv")
        assert "1 bill in Cospend's trash (deleted=1) not imported: row 11" in report.warnings
        assert any("Kaia is inactive in Cospend" in w for w in report.warnings)
        # The repetition is a rule now (tests/imports/test_import_recurrence.py), not a note.
        assert [k.model_dump() for k in report.kept_in_notes] == [
            {"field": "paymentmode", "transactions": 2, "rows": [8, 9]},
        ]
        assert report.recurring_rules_created == 1
        txs = await transactions_by_description(session, ines.group_id)
        assert txs["Train tickets"].notes == "Payment mode: Wire"

    async def test_reimport_adds_nothing(self, session, ines: World) -> None:
        await run_file(session, ines.owner, ines.group_id, "cospend_project.csv")
        again = await run_file(session, ines.owner, ines.group_id, "cospend_project.csv")
        assert (again.created, again.already_imported, again.new_members) == (0, 7, [])
        assert await balances(session, ines.group_id) == PROJECT

    async def test_dry_run_writes_nothing(self, session, ines: World) -> None:
        before = await counts(session, ines.group_id)
        report = await run_file(
            session, ines.owner, ines.group_id, "cospend_project.csv", dry_run=True
        )
        assert await counts(session, ines.group_id) == before
        assert report.created == 7
        assert report_balances(report) == PROJECT
        assert [k.field for k in report.kept_in_notes] == ["paymentmode"]
        assert report.recurring_rules_created == 1

    async def test_the_timestamp_wins_over_the_date(self, session, ines: World) -> None:
        data = fixture("cospend_project.csv").replace(
            b'"Groceries",30,2024-02-05,1707134400', b'"Groceries",30,2023-12-31,1707134400'
        )
        await run_bytes(session, ines.owner, ines.group_id, data)
        txs = await transactions_by_description(session, ines.group_id)
        assert str(txs["Groceries"].date) == "2024-02-05"

    async def test_the_main_currency_is_the_bills_currency(self, session) -> None:
        world = await make_world(session, owner="Ines", currency="CHF")
        report = await run_file(session, world.owner, world.group_id, "cospend_project.csv")
        assert {t.currency for t in report.totals} == {"EUR"}

    async def test_a_bad_bill_names_its_row_and_column(self, session, ines: World) -> None:
        data = fixture("cospend_project.csv").replace(b'"Groceries",30,', b'"Groceries",3O,')
        before = await counts(session, ines.group_id)
        with pytest.raises(ValidationError) as caught:
            await run_bytes(session, ines.owner, ines.group_id, data)
        [error] = caught.value.errors
        assert error.loc == ("row", 10, "amount")
        assert await counts(session, ines.group_id) == before


class TestOlderLayouts:
    async def test_2021_marker_rows_give_the_members(self, session) -> None:
        world = await make_world(session, owner="Mara")
        report = await run_file(session, world.owner, world.group_id, "cospend_2021_markers.csv")
        assert (report.created, report.skipped) == (3, 0)  # marker rows are not bills
        assert [(m.display_name, m.weight) for m in report.new_members] == [
            ("Nils", "1.5"),
            ("Olga", "1"),
        ]
        assert await balances(session, world.group_id) == MARKERS
        assert any("'€'" in w and "EUR" in w for w in report.warnings)
        txs = await transactions_by_description(session, world.group_id)
        assert txs["Fondue"].notes == "Käse + Wein"
        assert txs["Cable car"].category == "Transport"
        assert txs["Cable car"].notes == "Payment mode: Credit card"
        again = await run_file(session, world.owner, world.group_id, "cospend_2021_markers.csv")
        assert (again.created, again.already_imported) == (0, 3)

    async def test_2019_six_columns_and_identical_bills(self, session) -> None:
        world = await make_world(session, owner="Pablo")
        report = await run_file(session, world.owner, world.group_id, "cospend_2019_minimal.csv")
        assert report.created == 3  # both loaves
        assert await balances(session, world.group_id) == MINIMAL
        again = await run_file(session, world.owner, world.group_id, "cospend_2019_minimal.csv")
        assert (again.created, again.already_imported) == (0, 3)

    async def test_a_newer_export_adds_only_the_new_bills(self, session) -> None:
        world = await make_world(session, owner="Pablo")
        await run_file(session, world.owner, world.group_id, "cospend_2019_minimal.csv")
        # One more loaf the same day, and cheese: Bread → Pablo +3.15, Quim −2.10, Rut −1.05;
        # Cheese 8 by Rut for Quim(2) Rut(1): 5.33 / 2.67 (largest remainder)
        #   → Rut +5.33, Quim −5.33.
        newer = (
            fixture("cospend_2019_minimal.csv").replace(
                b'"Wine"',
                b'"Bread",4.2,2019-03-02,"Pablo",1,"Pablo, Quim, Rut"\n"Wine"',
            )
            + b'"Cheese",8,2019-03-04,"Rut",1,"Quim, Rut"\n'
        )
        report = await run_bytes(session, world.owner, world.group_id, newer)
        assert (report.created, report.already_imported) == (2, 3)
        assert await balances(session, world.group_id) == {
            ("Pablo", "EUR"): "3.45",
            ("Quim", "EUR"): "0.37",
            ("Rut", "EUR"): "-3.82",
        }

    async def test_a_category_header_right_after_the_bills(self, session) -> None:
        world = await make_world(session, owner="Mara")
        data = fixture("cospend_2021_markers.csv").replace(
            b'-1,""\n\ncategoryname', b'-1,""\ncategoryname'
        )
        assert data != fixture("cospend_2021_markers.csv")
        await run_bytes(session, world.owner, world.group_id, data)
        assert await balances(session, world.group_id) == MARKERS
        txs = await transactions_by_description(session, world.group_id)
        assert txs["Hut rent"].category == "Lodging"

    async def test_a_payer_without_a_member_row_takes_their_bills_weight(self, session) -> None:
        # Without Quim's marker row his weight is the payer_weight of his Wine bill, 2, as
        # Cospend's own importer reads it: the same splits, and his placeholder weighs 2.
        world = await make_world(session, owner="Pablo")
        data = fixture("cospend_2019_minimal.csv").replace(
            b'deleteMeIfYouWant,1,1970-01-01,"Quim",2,"Quim"\n', b""
        )
        report = await run_bytes(session, world.owner, world.group_id, data)
        assert {m.display_name: m.weight for m in report.new_members} == {"Quim": "2", "Rut": "1"}
        assert await balances(session, world.group_id) == MINIMAL
