"""Splitwise CSV, group and friend exports as real files show them; the footer check; the
Splitwise-style export's footer and round trip."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from typing import Any

import pytest

from pennywise_core.errors import ValidationError
from pennywise_core.imports import ImportOptions
from pennywise_core.imports.splitwise import FRIEND_NOTE
from pennywise_core.models import SplitMode, TransactionKind
from tests.imports.helpers import (
    FIXTURES,
    balances,
    counts,
    entries_by_name,
    export_text,
    fixture,
    member_ids,
    report_balances,
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


# --- the shapes of real exports -----------------------------------------------------------
#
# One fixture per shape seen in real Splitwise exports (names and amounts are ours):
#   group        English group export: blank line under the header, several payers, a row
#                someone paid only for themselves, quoting, Cyrillic/→/a trailing space, a
#                payment, a "Settle all balances" 0 row, footers for EUR and USD
#   friend       "Note: does not include group expenses", blank, header on line 3, blank,
#                rows, footers for AUD and INR
#   crlf         CRLF line ends, footers for EUR and GBP
#   no_newline   the last line (the footer) without a line end
#   separators   all-empty ",,,,,,," rows between rows, blank lines around the footer
#   de fr es it nl pt pl   localized header, payment category and footer label (de: a BOM)

SHAPES = [
    "group",
    "friend",
    "crlf",
    "no_newline",
    "separators",
    "de",
    "fr",
    "es",
    "it",
    "nl",
    "pt",
    "pl",
]
LOCALIZED = ["de", "fr", "es", "it", "nl", "pt", "pl"]


def footer(name: str) -> dict[tuple[str, str], str]:
    """``{(member, currency): balance}`` as the fixture's footer rows say (zeros left out),
    read with nothing but the csv module: rows after the header whose Cost is blank."""
    text = (FIXTURES / f"splitwise_{name}.csv").read_text(encoding="utf-8-sig")
    rows = [r for r in csv.reader(io.StringIO(text)) if len(r) >= 6]
    header, body = rows[0], rows[1:]
    result = {}
    for row in body:
        if row[3].strip():
            continue
        for member, cell in zip(header[5:], row[5:], strict=True):
            if cell.strip("-0."):
                result[(member, row[4])] = cell
    assert result, f"{name} has a footer"
    return result


def footer_currencies(name: str) -> list[str]:
    return sorted({code for _, code in footer(name)} | _zero_footers(name))


def _zero_footers(name: str) -> set[str]:
    text = (FIXTURES / f"splitwise_{name}.csv").read_text(encoding="utf-8-sig")
    return {
        r[4] for r in csv.reader(io.StringIO(text)) if len(r) >= 6 and r[4] and not r[3].strip()
    }


async def empty_group(session) -> World:
    """A group whose only member (its owner) is in none of the files."""
    return await make_world(session, owner="Owner", currency="EUR")


class TestRealShapes:
    def test_the_fixtures_have_their_shapes(self) -> None:
        raw = {name: fixture(f"splitwise_{name}.csv") for name in SHAPES}
        assert raw["friend"].splitlines()[0].decode() == FRIEND_NOTE
        assert raw["friend"].splitlines()[1] == b""
        assert raw["friend"].splitlines()[2].startswith(b"Date,Description,")
        assert b"\r\n" in raw["crlf"]
        assert b"\n" not in raw["crlf"].replace(b"\r\n", b"")
        assert not raw["no_newline"].endswith(b"\n")
        assert b"\n,,,,,,,\n" in raw["separators"]
        assert raw["de"].startswith(b"\xef\xbb\xbf")
        for name, data in raw.items():
            footers = [line for line in data.splitlines() if b", , ," in line]
            assert footers, name  # the footer with single spaces in Category and Cost
            assert all(line[:4].isdigit() for line in footers), name  # dated, as Splitwise

    @pytest.mark.parametrize("name", SHAPES)
    async def test_detected_and_balances_equal_the_footer(self, session, name: str) -> None:
        world = await empty_group(session)
        report = await run_file(session, world.owner, world.group_id, f"splitwise_{name}.csv")
        assert report.format == "splitwise-csv"
        assert await balances(session, world.group_id) == footer(name)
        assert report_balances(report) == footer(name)

    @pytest.mark.parametrize("name", SHAPES)
    async def test_dry_run_writes_nothing_and_reports_the_footer_check(
        self, session, name: str
    ) -> None:
        world = await empty_group(session)
        before = await counts(session, world.group_id)
        dry = await run_file(
            session, world.owner, world.group_id, f"splitwise_{name}.csv", dry_run=True
        )
        assert await counts(session, world.group_id) == before
        assert report_balances(dry) == footer(name)
        for code in footer_currencies(name):
            assert any(f"Total balance in {code} matches" in w for w in dry.warnings), (
                code,
                dry.warnings,
            )

    @pytest.mark.parametrize("name", SHAPES)
    async def test_a_reimport_adds_nothing(self, session, name: str) -> None:
        world = await empty_group(session)
        first = await run_file(session, world.owner, world.group_id, f"splitwise_{name}.csv")
        after_first = await counts(session, world.group_id)
        again = await run_file(session, world.owner, world.group_id, f"splitwise_{name}.csv")
        assert first.created > 0
        assert (again.created, again.already_imported) == (0, first.created)
        assert again.new_members == []
        assert await counts(session, world.group_id) == {
            **after_first,
            "activity": after_first["activity"] + 1,
        }
        assert await balances(session, world.group_id) == footer(name)

    @pytest.mark.parametrize("name", LOCALIZED)
    async def test_the_localized_payment_is_a_transfer(self, session, name: str) -> None:
        world = await empty_group(session)
        await run_file(session, world.owner, world.group_id, f"splitwise_{name}.csv")
        kinds = {tx.kind for tx in (await transactions_by_description(session, world.group_id))
                 .values()}  # fmt: skip
        assert TransactionKind.TRANSFER in kinds


class TestGroupExport:
    """splitwise_group.csv, by hand. EUR rows (Ann, Bob, Carol, Dmitri):
    Rent −560 −560 +1120 0; Dinner +60 −30 −30 0; Museum −15 −15 −15 +45;
    Шаурма −8 +16 −8 0; Boat +20 +30 −50 0; Souvenir 0 0 0 0; Payment 0 +100 −100 0
    → Ann −503, Bob −459, Carol 917, Dmitri 45 (the EUR footer). USD: Taxi −10 +10."""

    async def imported(self, session) -> tuple[World, dict[str, Any], dict[uuid.UUID, str]]:
        world = await empty_group(session)
        report = await run_file(session, world.owner, world.group_id, "splitwise_group.csv")
        assert (report.rows, report.created, report.skipped) == (8, 8, 1)  # Settle all = 0
        txs = await transactions_by_description(session, world.group_id)
        names = {v: k for k, v in (await member_ids(session, world.group_id)).items()}
        return world, txs, names

    async def test_the_rent_restores_exactly(self, session) -> None:
        # 2023-09-01,Rent,Rent,1680,EUR,-560,-560,1120: Carol paid 1680 and owes 560.
        _, txs, names = await self.imported(session)
        rent = txs["Rent"]
        assert (rent.kind, rent.amount, rent.currency) == (TransactionKind.EXPENSE, 168000, "EUR")
        assert entries_by_name(rent, names) == {
            "Carol": ("1680.00", "560.00"),
            "Ann": ("0.00", "560.00"),
            "Bob": ("0.00", "560.00"),
        }

    async def test_several_payers_in_one_row(self, session) -> None:
        # Boat 100: Ann +20, Bob +30, Carol −50. 50 is owed to the payers, so the other 50 is
        # theirs, 25 each: Ann paid 45 owes 25; Bob paid 55 owes 25; Carol owes 50.
        _, txs, names = await self.imported(session)
        assert entries_by_name(txs["Boat"], names) == {
            "Ann": ("45.00", "25.00"),
            "Bob": ("55.00", "25.00"),
            "Carol": ("0.00", "50.00"),
        }

    async def test_a_row_someone_paid_for_themselves_is_kept_and_moves_nothing(
        self, session
    ) -> None:
        _, txs, names = await self.imported(session)
        souvenir = txs["Souvenir"]
        assert (souvenir.kind, souvenir.amount, souvenir.category) == (
            TransactionKind.EXPENSE,
            3500,
            "Gifts",
        )
        entries = entries_by_name(souvenir, names)
        assert entries == dict.fromkeys(("Ann", "Bob", "Carol", "Dmitri"), ("8.75", "8.75"))
        assert "does not say who" in (souvenir.notes or "")

    async def test_descriptions_are_kept_as_written(self, session) -> None:
        _, txs, _ = await self.imported(session)
        assert {"Dinner, with wine", 'Museum "Louvre"', "Шаурма → вокзал "} <= set(txs)
        assert txs["Bob paid Carol"].kind is TransactionKind.TRANSFER
        assert "Total balance" not in txs  # a row with a blank Cost is never an expense


class TestFriendExport:
    async def test_rows_are_numbered_as_the_file_shows_them(self, session) -> None:
        world = await empty_group(session)
        data = (
            b"Note: does not include group expenses\n\n"
            b"Date,Description,Category,Cost,Currency,Sam,Alex\n\n"
            b"2025-10-24,Flight,Plane,220.70,AUD,-220.70,220.70\n"
            b"24/10/2025,Taxi,Taxi,20.00,AUD,-10.00,10.00\n"
        )
        with pytest.raises(ValidationError) as caught:
            await run_bytes(session, world.owner, world.group_id, data)
        [error] = caught.value.errors
        assert error.loc == ("row", 6, "Date")

    async def test_a_title_line_before_the_note(self, session) -> None:
        # Seen in a shared sample: the file's name on a line of its own, then the note.
        world = await empty_group(session)
        data = b"sam-and-alex_2026-10-03_export\n" + fixture("splitwise_friend.csv")
        report = await run_bytes(session, world.owner, world.group_id, data)
        assert report.format == "splitwise-csv"
        assert await balances(session, world.group_id) == footer("friend")

    async def test_a_self_paid_row_moves_nothing(self, session) -> None:
        world = await empty_group(session)
        await run_file(session, world.owner, world.group_id, "splitwise_friend.csv")
        txs = await transactions_by_description(session, world.group_id)
        names = {v: k for k, v in (await member_ids(session, world.group_id)).items()}
        assert entries_by_name(txs["Lamps"], names) == {
            "Sam Chen": ("542.50", "542.50"),
            "Alex Rivera": ("542.50", "542.50"),
        }


class TestFooterCheck:
    async def test_a_mismatch_names_the_member_currency_and_difference(self, session) -> None:
        world = await empty_group(session)
        before = await counts(session, world.group_id)
        with pytest.raises(ValidationError) as caught:
            await run_file(session, world.owner, world.group_id, "splitwise_bad_total.csv")
        [error] = caught.value.errors
        assert error.loc == ("row", 8, "Carol")
        assert "Carol in EUR is 980.00" in error.msg
        assert "add up to 990.00 EUR" in error.msg
        assert "difference of -10.00 EUR" in error.msg
        assert await counts(session, world.group_id) == before

    async def test_a_mismatch_in_the_second_currency(self, session) -> None:
        world = await empty_group(session)
        data = fixture("splitwise_crlf.csv").replace(
            b"balance, , ,GBP,-60.00,60.00", b"balance, , ,GBP,-60.50,60.50"
        )
        with pytest.raises(ValidationError) as caught:
            await run_bytes(session, world.owner, world.group_id, data)
        assert [e.loc for e in caught.value.errors] == [
            ("row", 8, "Tom Marsh"),
            ("row", 8, "Nuria Gómez"),
        ]
        assert "in GBP is -60.50" in caught.value.errors[0].msg
        assert "difference of -0.50 GBP" in caught.value.errors[0].msg
        assert "difference of 0.50 GBP" in caught.value.errors[1].msg

    async def test_a_dry_run_refuses_a_mismatch_too(self, session) -> None:
        world = await empty_group(session)
        with pytest.raises(ValidationError) as caught:
            await run_file(
                session, world.owner, world.group_id, "splitwise_bad_total.csv", dry_run=True
            )
        assert caught.value.errors[0].loc == ("row", 8, "Carol")

    async def test_a_renamed_footer_is_still_checked(self, session) -> None:
        # An anonymizer renamed "Total balance"; the blank Cost still says what the row is.
        world = await empty_group(session)
        good = fixture("splitwise_no_newline.csv").replace(b"Total balance", b"xxxx")
        report = await run_bytes(session, world.owner, world.group_id, good, dry_run=True)
        assert report.rows == 3
        assert any("description is 'xxxx'" in w for w in report.warnings)
        bad = good.replace(b"EUR,15.00,-15.00", b"EUR,16.00,-16.00")
        with pytest.raises(ValidationError) as caught:
            await run_bytes(session, world.owner, world.group_id, bad)
        assert caught.value.errors[0].loc == ("row", 6, "Ana")

    async def test_a_file_without_footer_is_imported_and_says_so(self, session) -> None:
        world = await empty_group(session)
        data = b"Date,Description,Category,Cost,Currency,Ann,Bob\n2024-01-01,X,General,10,EUR,5,-5"
        report = await run_bytes(session, world.owner, world.group_id, data)
        assert report.created == 1
        assert any("no Total balance row" in w for w in report.warnings)

    async def test_with_skip_invalid_the_footer_is_not_checked_and_says_so(self, session) -> None:
        # The footer counts the bad row; balances without it cannot equal the footer.
        world = await empty_group(session)
        data = fixture("splitwise_no_newline.csv").replace(b"2026-03-02,", b"02/03/2026,")
        report = await run_bytes(session, world.owner, world.group_id, data, skip_invalid=True)
        assert (report.created, report.invalid) == (2, 1)
        assert report.invalid_rows[0].row == 3
        assert any("Total balance rows were not checked" in w for w in report.warnings)
        assert not any("matches the rows" in w for w in report.warnings)

    async def test_cost_zero_with_balances_is_a_bad_row(self, session) -> None:
        world = await empty_group(session)
        data = (
            b"Date,Description,Category,Cost,Currency,Ann,Bob\n"
            b"2024-01-01,Odd,General,0.00,EUR,5.00,-5.00\n"
        )
        with pytest.raises(ValidationError) as caught:
            await run_bytes(session, world.owner, world.group_id, data)
        [error] = caught.value.errors
        assert error.loc == ("row", 2, "Cost")
        assert "impossible row" in error.msg


class TestSharedNames:
    async def test_two_columns_with_one_name_are_two_people(self, session) -> None:
        # Tickets 90: Alex +60, Alex −30, Kim −30; Lunch 30: Alex −10, Alex +20, Kim −10.
        world = await empty_group(session)
        report = await run_file(session, world.owner, world.group_id, "splitwise_same_names.csv")
        assert [m.display_name for m in report.new_members] == ["Alex", "Alex (2)", "Kim"]
        assert any("column 7 is read as Alex (2)" in w for w in report.warnings)
        assert await balances(session, world.group_id) == {
            ("Alex", "EUR"): "50.00",
            ("Alex (2)", "EUR"): "-10.00",
            ("Kim", "EUR"): "-40.00",
        }

    async def test_the_second_column_can_be_mapped(self, session) -> None:
        world = await empty_group(session)
        other = await world.add_placeholder("Alexandra")
        await run_file(
            session,
            world.owner,
            world.group_id,
            "splitwise_same_names.csv",
            options=ImportOptions(member_map={"Alex (2)": other}),
        )
        assert (await balances(session, world.group_id))[("Alexandra", "EUR")] == "-10.00"


class TestHeaderWords:
    async def test_an_unknown_language_is_read_by_position(self, session) -> None:
        world = await empty_group(session)
        data = (
            "日付,説明,カテゴリ,費用,通貨,Aiko,Ren\n"
            "2024-01-01,寿司,外食,3000,JPY,1500,-1500\n\n"
            "2024-01-31,合計残高, , ,JPY,1500,-1500\n"
        ).encode()
        report = await run_bytes(session, world.owner, world.group_id, data)
        assert report.format == "splitwise-csv"
        assert await balances(session, world.group_id) == {
            ("Aiko", "JPY"): "1500",
            ("Ren", "JPY"): "-1500",
        }


class TestSplitwiseStyleExport:
    async def test_the_footer_is_written_as_splitwise_writes_it(self, session) -> None:
        world = await empty_group(session)
        await run_file(session, world.owner, world.group_id, "splitwise_group.csv")
        text = await export_text(session, world.owner, world.group_id, "splitwise-csv")
        lines = text.lstrip("\ufeff").splitlines()
        header = lines[0].split(",")
        assert header[:5] == ["Date", "Description", "Category", "Cost", "Currency"]
        assert sorted(header[5:]) == ["Ann", "Bob", "Carol", "Dmitri", "Owner"]
        assert lines[-3] == ""
        eur, usd = lines[-2:]
        day = eur.split(",")[0]
        assert dt.date.fromisoformat(day) >= dt.date(2023, 9, 9)  # the export's date
        assert eur.startswith(f"{day},Total balance, , ,EUR,")
        assert usd.startswith(f"{day},Total balance, , ,USD,")
        by_name = {
            (member, row[4]): cell
            for row in (eur.split(","), usd.split(","))
            for member, cell in zip(header[5:], row[5:], strict=True)
        }
        assert by_name == {
            ("Ann", "EUR"): "-503.00",
            ("Bob", "EUR"): "-459.00",
            ("Carol", "EUR"): "917.00",
            ("Dmitri", "EUR"): "45.00",
            ("Owner", "EUR"): "0.00",
            ("Ann", "USD"): "-10.00",
            ("Bob", "USD"): "10.00",
            ("Carol", "USD"): "0.00",
            ("Dmitri", "USD"): "0.00",
            ("Owner", "USD"): "0.00",
        }

    @pytest.mark.parametrize("name", ["group", "friend", "same_names", "crlf"])
    async def test_export_then_import_into_an_empty_group(self, session, name: str) -> None:
        source = await empty_group(session)
        await run_file(session, source.owner, source.group_id, f"splitwise_{name}.csv")
        text = await export_text(session, source.owner, source.group_id, "splitwise-csv")
        target = await make_world(session, owner="Other")
        report = await run_bytes(session, target.owner, target.group_id, text.encode())
        assert report.format == "splitwise-csv"
        assert any("matches the rows" in w for w in report.warnings)
        assert await balances(session, target.group_id) == await balances(session, source.group_id)
