"""Splitwise group CSV: nets per member, localized headers, payments, the Total balance check."""

from __future__ import annotations

import pytest

from pennywise_core.errors import ValidationError
from pennywise_core.imports import ImportOptions
from pennywise_core.models import SplitMode, TransactionKind
from tests.imports.helpers import (
    balances,
    counts,
    entries_by_name,
    member_ids,
    run_bytes,
    run_file,
    transactions_by_description,
)
from tests.ledger import World, make_world

# splitwise_en.csv, by hand (cells are nets: paid − owed):
#   Rent     1680 EUR  Ann −560  Bob −560  Carol +1120  (Carol paid 1680, owes 560)
#   Dinner     90 EUR  Ann  +60  Bob  −30  Carol   −30  (Ann paid 90, owes 30)
#   Payment   100 EUR  Ann    0  Bob +100  Carol  −100  (Bob paid Carol 100)
#   Museum     45 USD  Ann  +30  Bob  −15  Carol   −15
#   Taxi       20 USD  Ann  −10  Bob  +10  Carol     0
# EUR: Ann −560+60 = −500; Bob −560−30+100 = −490; Carol 1120−30−100 = 990.
# USD: Ann 30−10 = 20; Bob −15+10 = −5; Carol −15. These are the file's Total balance rows.
ENGLISH_BALANCES = {
    ("Ann", "EUR"): "-500.00",
    ("Bob", "EUR"): "-490.00",
    ("Carol", "EUR"): "990.00",
    ("Ann", "USD"): "20.00",
    ("Bob", "USD"): "-5.00",
    ("Carol", "USD"): "-15.00",
}


@pytest.fixture
async def world(session) -> World:
    # Carol is in the Splitwise file but not in the group: she becomes a placeholder.
    return await make_world(session, "Bob")


class TestEnglishExport:
    async def test_balances_equal_the_total_balance_rows(self, session, world: World) -> None:
        report = await run_file(session, world.owner, world.group_id, "splitwise_en.csv")
        assert report.format == "splitwise-csv"
        assert (report.rows, report.created, report.already_imported) == (5, 5, 0)
        assert [m.display_name for m in report.new_members] == ["Carol"]
        assert await balances(session, world.group_id) == ENGLISH_BALANCES

    async def test_rent_is_1680_paid_by_the_third_member_who_owes_560(
        self, session, world: World
    ) -> None:
        await run_file(session, world.owner, world.group_id, "splitwise_en.csv")
        txs = await transactions_by_description(session, world.group_id)
        names = {v: k for k, v in (await member_ids(session, world.group_id)).items()}
        rent = txs["Rent"]
        assert (rent.kind, rent.amount, rent.currency) == (TransactionKind.EXPENSE, 168000, "EUR")
        assert entries_by_name(rent, names) == {
            "Carol": ("1680.00", "560.00"),
            "Ann": ("0.00", "560.00"),
            "Bob": ("0.00", "560.00"),
        }

    async def test_payment_rows_are_transfers(self, session, world: World) -> None:
        await run_file(session, world.owner, world.group_id, "splitwise_en.csv")
        txs = await transactions_by_description(session, world.group_id)
        names = {v: k for k, v in (await member_ids(session, world.group_id)).items()}
        payment = txs["Bob paid Carol"]
        assert payment.kind is TransactionKind.TRANSFER
        assert entries_by_name(payment, names) == {
            "Bob": ("100.00", "0.00"),
            "Carol": ("0.00", "100.00"),
        }

    async def test_quoted_description_and_category(self, session, world: World) -> None:
        await run_file(session, world.owner, world.group_id, "splitwise_en.csv")
        txs = await transactions_by_description(session, world.group_id)
        dinner = txs["Dinner, with wine"]
        assert dinner.category == "Dining out"
        assert dinner.split_mode is SplitMode.EXACT


class TestLocalizedHeaders:
    async def test_german_with_bom_and_zahlung(self, session) -> None:
        # Lebensmittel 50: Anna +25, Bernd −25; Zahlung 25 (Bernd → Anna): Anna −25, Bernd
        # +25; Kino 30: Anna −15, Bernd +15. Anna −15.00, Bernd +15.00 = the Gesamtsaldo row.
        world = await make_world(session, owner="Anna")
        report = await run_file(session, world.owner, world.group_id, "splitwise_de.csv")
        assert report.format == "splitwise-csv"
        assert [m.display_name for m in report.new_members] == ["Bernd"]
        assert await balances(session, world.group_id) == {
            ("Anna", "EUR"): "-15.00",
            ("Bernd", "EUR"): "15.00",
        }
        txs = await transactions_by_description(session, world.group_id)
        assert txs["Bernd zahlte Anna"].kind is TransactionKind.TRANSFER
        assert txs["Kino"].kind is TransactionKind.EXPENSE

    async def test_french_with_accents_quotes_and_yen(self, session) -> None:
        # Sushi 3000 JPY: Zoé paid 3000, owes 1000 (+2000); Hélène −1000; Chloé −1000.
        # Paiement 1000 (Hélène → Chloé): Hélène +1000, Chloé −1000.
        # Zoé 2000, Hélène 0, Chloé −2000 = the Solde total row.
        world = await make_world(session, owner="Zoé", currency="JPY")
        await run_file(session, world.owner, world.group_id, "splitwise_fr.csv")
        assert await balances(session, world.group_id) == {
            ("Zoé", "JPY"): "2000",
            ("Chloé", "JPY"): "-2000",
        }
        txs = await transactions_by_description(session, world.group_id)
        assert txs['Remboursement "solde"'].kind is TransactionKind.TRANSFER
        assert txs["Sushi"].amount == 3000  # JPY has no minor unit


class TestTotalBalanceCheck:
    async def test_a_wrong_total_is_refused_and_nothing_written(
        self, session, world: World
    ) -> None:
        before = await counts(session, world.group_id)
        with pytest.raises(ValidationError) as caught:
            await run_file(session, world.owner, world.group_id, "splitwise_bad_total.csv")
        [error] = caught.value.errors
        assert error.loc == ("row", 8, "Carol")
        assert "'980.00'" in error.msg
        assert "990.00" in error.msg
        assert await counts(session, world.group_id) == before

    async def test_cells_must_add_up_to_zero(self, session, world: World) -> None:
        data = (
            b"Date,Description,Category,Cost,Currency,Ann,Bob\n"
            b"2024-01-01,X,General,10.00,EUR,5.00,-4.00\n"
        )
        with pytest.raises(ValidationError) as caught:
            await run_bytes(session, world.owner, world.group_id, data, format="splitwise-csv")
        [error] = caught.value.errors
        assert error.loc == ("row", 2, "Cost")
        assert "add up to 1.00, not 0" in error.msg

    async def test_several_payers_share_what_is_left(self, session, world: World) -> None:
        # Cost 90: Ann +40, Bob +20, Carol −60. Owed to payers 60, so 30 is theirs to
        # share: 15 each. Ann paid 55 owes 15; Bob paid 35 owes 15; Carol owes 60.
        data = (
            b"Date,Description,Category,Cost,Currency,Ann,Bob,Carol\n"
            b"2024-01-01,Shared,General,90.00,EUR,40.00,20.00,-60.00\n"
        )
        await run_bytes(session, world.owner, world.group_id, data)
        assert await balances(session, world.group_id) == {
            ("Ann", "EUR"): "40.00",
            ("Bob", "EUR"): "20.00",
            ("Carol", "EUR"): "-60.00",
        }
        txs = await transactions_by_description(session, world.group_id)
        names = {v: k for k, v in (await member_ids(session, world.group_id)).items()}
        assert entries_by_name(txs["Shared"], names) == {
            "Ann": ("55.00", "15.00"),
            "Bob": ("35.00", "15.00"),
            "Carol": ("0.00", "60.00"),
        }


class TestMembers:
    async def test_member_map_matches_a_differently_named_member(self, session) -> None:
        world = await make_world(session, "Robert", owner="Annabel")
        report = await run_file(
            session,
            world.owner,
            world.group_id,
            "splitwise_en.csv",
            options=ImportOptions(
                member_map={"ann": world.member_ids["Annabel"], "Bob": world.member_ids["Robert"]}
            ),
        )
        assert [m.display_name for m in report.new_members] == ["Carol"]
        result = await balances(session, world.group_id)
        assert result[("Annabel", "EUR")] == "-500.00"
        assert result[("Robert", "USD")] == "-5.00"

    async def test_names_match_case_insensitively(self, session) -> None:
        world = await make_world(session, "BOB", owner="ann")
        report = await run_file(session, world.owner, world.group_id, "splitwise_en.csv")
        assert [m.display_name for m in report.new_members] == ["Carol"]
