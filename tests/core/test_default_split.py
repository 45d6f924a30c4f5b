"""The default split leaves viewers out (issue 17, item 11), on both databases.

A viewer only reads: an expense whose split names nobody is shared by every other current
member, whether it is entered (the transactions service) or imported (a bank CSV with no
``split`` rule). Naming a viewer in a split still counts them.
"""

from __future__ import annotations

from pennywise_core.imports import BankMapping, ImportOptions
from pennywise_core.models import Role
from pennywise_core.schemas import SplitEntryIn, SplitIn
from tests.imports.helpers import run_bytes, transactions_by_description
from tests.ledger import make_world

BANK = b"date,description,amount\n2024-01-05,Groceries,-30.00\n"
MAPPING = BankMapping(date="date", description="description", amount="amount")


async def test_an_expense_with_no_split_leaves_the_viewer_out(session) -> None:
    world = await make_world(session, "Bob")
    await world.add_user("Vera", role=Role.VIEWER)
    tx = await world.expense("100.00")
    owed = {e.member_id: e.owed for e in tx.entries}
    assert world.member_ids["Vera"] not in owed
    assert owed == {world.member_ids["Ann"]: "50.00", world.member_ids["Bob"]: "50.00"}
    assert world.member_ids["Vera"] not in {e.member_id for e in tx.split.entries}


async def test_a_viewer_named_in_the_split_shares(session) -> None:
    world = await make_world(session, "Bob")
    await world.add_user("Vera", role=Role.VIEWER)
    split = SplitIn(
        entries=[SplitEntryIn(member_id=world.member_ids[n]) for n in ("Ann", "Bob", "Vera")]
    )
    tx = await world.expense("90.00", split=split)
    assert {e.member_id: e.owed for e in tx.entries}[world.member_ids["Vera"]] == "30.00"


async def test_a_bank_import_shares_among_all_but_the_viewers(session) -> None:
    world = await make_world(session, "Bob")
    await world.add_user("Vera", role=Role.VIEWER)
    report = await run_bytes(
        session, world.owner, world.group_id, BANK, options=ImportOptions(bank=MAPPING)
    )
    assert report.created == 1
    tx = (await transactions_by_description(session, world.group_id))["Groceries"]
    owed = {e.member_id: e.owed for e in tx.entries if e.owed}
    assert owed == {world.member_ids["Ann"]: 1500, world.member_ids["Bob"]: 1500}


async def test_a_bank_import_naming_a_viewer_counts_them(session) -> None:
    world = await make_world(session, "Bob")
    await world.add_user("Vera", role=Role.VIEWER)
    vera = world.member_ids["Vera"]
    mapping = BankMapping(
        date="date",
        description="description",
        amount="amount",
        split=[world.member_ids["Ann"], vera],
    )
    await run_bytes(session, world.owner, world.group_id, BANK, options=ImportOptions(bank=mapping))
    tx = (await transactions_by_description(session, world.group_id))["Groceries"]
    assert {e.member_id: e.owed for e in tx.entries}[vera] == 1500
