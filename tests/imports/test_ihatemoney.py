"""ihatemoney bills, JSON and CSV: weights, reimbursements, XXX, leading quotes."""

from __future__ import annotations

import json

import pytest

from pennywise_core.errors import ValidationError
from pennywise_core.imports.ihatemoney import split_owers
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

# The bills, by hand. Weights come from payer_weight: Alice 2 (her Groceries bill), Bob 1,
# Claire 1. Each ower owes amount × weight / Σ weights of the owers.
#   Groceries 60 EUR by Alice, owers Alice(2) Bob(1) Claire(1): 30 / 15 / 15
#       → Alice +30, Bob −15, Claire −15
#   Pizza 40 EUR by Bob, owers Alice(2) Bob(1): 26.67 / 13.33 (the file lists Pizza before
#       Groceries, so Alice's weight is only known after reading on: the prescan)
#       → Bob +26.67, Alice −26.67
#   Reimbursement 10 EUR, Bob to Alice: a transfer → Bob +10, Alice −10
#   Board game 9 XXX by Claire, owers Alice(2) Claire(1): 6 / 3 → Claire +6, Alice −6
# EUR: Alice 30 − 26.67 − 10 = −6.67; Bob −15 + 26.67 + 10 = 21.67; Claire −15.00
# XXX: Alice −6.00; Claire 6.00 — what ihatemoney shows for this project.
EXPECTED = {
    ("Alice", "EUR"): "-6.67",
    ("Bob", "EUR"): "21.67",
    ("Claire", "EUR"): "-15.00",
    ("Alice", "XXX"): "-6.00",
    ("Claire", "XXX"): "6.00",
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

    async def test_reimbursement_is_a_transfer_and_xxx_a_currency(
        self, session, world: World
    ) -> None:
        await run_file(session, world.owner, world.group_id, "ihatemoney_bills.json")
        txs = await transactions_by_description(session, world.group_id)
        assert txs["Bob pays Alice back"].kind is TransactionKind.TRANSFER
        assert txs["Board game points"].currency == "XXX"

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
