"""A bank's CSV through a column mapping: delimiters, decimal commas, debit/credit, rules."""

from __future__ import annotations

import uuid

import pytest

from pennywise_core.errors import ValidationError
from pennywise_core.imports import BankMapping, ImportOptions
from pennywise_core.models import TransactionKind
from tests.imports.helpers import balances, run_file, transactions_by_description
from tests.ledger import World, make_world

GERMAN = BankMapping(
    date="Buchungstag",
    date_format="%d.%m.%Y",
    description="Verwendungszweck",
    debit="Soll",
    credit="Haben",
    currency_column="Währung",
    delimiter=";",
    decimal=",",
    thousands=".",
    encoding="cp1252",
    skip_lines=2,
)


class TestGermanBankFile:
    # bank_de.csv (cp1252, ";" separated, two account lines above the header):
    #   REWE 45,90 out; Gehalt 2.500,00 in; Kaffee 3,20 out twice; Miete 1.200,00 out;
    #   a 0,00 credit (skipped). Out: 45.90 + 3.20 + 3.20 + 1200.00 = 1252.30; in: 2500.00.
    async def test_into_a_personal_ledger(self, session) -> None:
        world = await make_world(session)  # a group of one
        report = await run_file(
            session, world.owner, world.group_id, "bank_de.csv", options=ImportOptions(bank=GERMAN)
        )
        assert report.format == "bank-csv"
        assert (report.rows, report.created, report.skipped) == (5, 5, 1)
        [eur] = report.totals
        assert (eur.expenses, eur.income) == ("1252.30", "2500.00")
        assert report.new_members == []
        assert await balances(session, world.group_id) == {}  # one person owes themselves
        txs = await transactions_by_description(session, world.group_id)
        assert txs["Gehalt Januar"].kind is TransactionKind.INCOME
        assert txs["Überweisung Miete"].amount == 120000

    async def test_rerunning_adds_nothing_and_identical_rows_are_kept(self, session) -> None:
        world = await make_world(session)
        options = ImportOptions(bank=GERMAN)
        await run_file(session, world.owner, world.group_id, "bank_de.csv", options=options)
        again = await run_file(session, world.owner, world.group_id, "bank_de.csv", options=options)
        assert (again.created, again.already_imported) == (0, 5)
        assert await world.transaction_count() == 5  # both coffees

    async def test_the_bank_reference_as_the_key(self, session) -> None:
        world = await make_world(session)
        mapping = BankMapping(**{**_fields(GERMAN), "id_column": "Referenz"})
        report = await run_file(
            session, world.owner, world.group_id, "bank_de.csv", options=ImportOptions(bank=mapping)
        )
        assert report.created == 5

    async def test_a_bad_cell_is_located_counting_the_skipped_lines(self, session) -> None:
        world = await make_world(session)
        mapping = BankMapping(**{**_fields(GERMAN), "date_format": "%Y-%m-%d"})
        with pytest.raises(ValidationError) as caught:
            await run_file(
                session,
                world.owner,
                world.group_id,
                "bank_de.csv",
                options=ImportOptions(bank=mapping),
            )
        first = caught.value.errors[0]
        assert first.loc == ("row", 4, "Buchungstag")
        assert "'02.01.2024'" in first.msg

    async def test_an_unknown_column_lists_the_file_columns(self, session) -> None:
        world = await make_world(session)
        mapping = BankMapping(**{**_fields(GERMAN), "description": "Text"})
        with pytest.raises(ValidationError) as caught:
            await run_file(
                session,
                world.owner,
                world.group_id,
                "bank_de.csv",
                options=ImportOptions(bank=mapping),
            )
        [error] = caught.value.errors
        assert error.loc == ("bank_mapping", "description")
        assert "'Verwendungszweck'" in error.msg


class TestRules:
    async def test_paid_by_one_member_split_by_shares(self, session) -> None:
        # bank_simple.csv: Supermarket −60, Refund +20, Electricity −90; Ann pays, split
        # Ann 1 : Bob 2. Expenses: Bob owes 40 + 60 = 100 to Ann. Refund 20 received by Ann,
        # Bob entitled to 2/3: 13.33 → Ann −13.33 net for it. Ann +100 − 13.33 = +86.67.
        world = await make_world(session, "Bob")
        mapping = BankMapping(
            date="Date",
            description="Description",
            amount="Amount",
            category="Category",
            paid_by="Ann",
            split={"Ann": "1", "Bob": "2"},
        )
        report = await run_file(
            session,
            world.owner,
            world.group_id,
            "bank_simple.csv",
            options=ImportOptions(bank=mapping),
        )
        assert report.created == 3
        assert await balances(session, world.group_id) == {
            ("Ann", "EUR"): "86.67",
            ("Bob", "EUR"): "-86.67",
        }
        txs = await transactions_by_description(session, world.group_id)
        assert txs["Refund from shop"].kind is TransactionKind.INCOME
        assert txs["Supermarket"].category == "groceries"

    async def test_default_rule_the_importer_pays_everyone_shares(self, session) -> None:
        world: World = await make_world(session, "Bob")
        mapping = BankMapping(date=0, description=1, amount=2, currency="EUR")
        await run_file(
            session,
            world.people["Bob"],
            world.group_id,
            "bank_simple.csv",
            options=ImportOptions(bank=mapping),
        )
        # Bob (the importer) paid 150 out, received 20: equal halves → Bob +75 − 10 = +65.
        assert await balances(session, world.group_id) == {
            ("Bob", "EUR"): "65.00",
            ("Ann", "EUR"): "-65.00",
        }

    def test_a_mapping_needs_an_amount(self) -> None:
        with pytest.raises(ValidationError):
            BankMapping(date="d", description="x").check()

    def test_an_unknown_encoding_is_a_field_error(self) -> None:
        with pytest.raises(ValidationError) as bad:
            BankMapping.parse(
                {"date": "d", "description": "x", "amount": "a", "encoding": "utf-99"}
            )
        assert [e.loc for e in bad.value.errors] == [("bank_mapping", "encoding")]
        assert "utf-99" in bad.value.errors[0].msg

    @pytest.mark.parametrize("shares", ["abc", "-1", "0", "NaN", ""])
    def test_a_share_that_is_not_a_positive_number_is_a_field_error(self, shares: str) -> None:
        with pytest.raises(ValidationError) as bad:
            BankMapping.parse(
                {
                    "date": "d",
                    "description": "x",
                    "amount": "a",
                    "split": {"Bob": "2", "Carl": shares},
                }
            )
        assert [e.loc for e in bad.value.errors] == [("bank_mapping", "split", "Carl")]
        assert repr(shares) in bad.value.errors[0].msg


def _fields(mapping: BankMapping) -> dict[str, object]:
    return mapping.model_dump()


class TestOneMapping:
    """The core's ``BankMapping`` is the one definition: the API's ``BankMappingIn`` is it,
    and the CLI's help lists its keys from the vocabulary, kept equal to its fields."""

    def test_the_vocabulary_lists_its_keys(self) -> None:
        from pennywise_core.vocabulary import BANK_MAPPING_KEYS

        assert tuple(BankMapping.model_fields) == BANK_MAPPING_KEYS

    def test_the_api_takes_the_core_model(self) -> None:
        from pennywise_api.schemas import BankMappingIn

        assert issubclass(BankMappingIn, BankMapping)
        assert BankMappingIn.model_fields.keys() == BankMapping.model_fields.keys()
        assert not vars(BankMappingIn).get("__annotations__")  # declares no field of its own

    def test_problems_name_only_the_keys_given(self) -> None:
        problems = BankMapping.problems({"date": "Date", "colour": "red", "skip_lines": "two"})
        assert [e.loc for e in problems] == [
            ("bank_mapping", "skip_lines"),
            ("bank_mapping", "colour"),
        ]
        assert "'two'" in problems[0].msg
        assert "is not a mapping key" in problems[1].msg
        assert BankMapping.problems({"date": "Date"}) == []

    def test_members_given_as_ids_are_taken_as_text(self) -> None:
        member = uuid.uuid4()
        mapping = BankMapping(
            date="d", description="x", amount="a", paid_by=member, split={member: "2"}
        )
        assert mapping.paid_by == str(member)
        assert mapping.split == {str(member): "2"}

    def test_shares_given_as_numbers_are_taken_as_text(self) -> None:
        # A TOML mapping file writes { me = 1, Bob = 2.5 }.
        mapping = BankMapping.parse(
            {"date": "d", "description": "x", "amount": "a", "split": {"me": 1, "Bob": 2.5}}
        )
        assert mapping.split == {"me": "1", "Bob": "2.5"}
        with pytest.raises(ValidationError) as bad:
            BankMapping.parse(
                {"date": "d", "description": "x", "amount": "a", "split": {"me": True}}
            )
        assert [e.loc for e in bad.value.errors] == [("bank_mapping", "split", "me")]
