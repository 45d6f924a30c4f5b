"""``skip_invalid``: the good rows go in, each bad one is left out and listed; without it a
bad row still refuses the whole file (on SQLite and PostgreSQL, through the core)."""

from __future__ import annotations

import json

import pytest

from pennywise_core import imports
from pennywise_core.errors import ValidationError
from pennywise_core.imports import ImportOptions
from tests.imports.helpers import balances, counts, export_text, member_ids, run_bytes
from tests.ledger import World, make_world

HEADER = "date,description,category,kind,amount,currency,paid_by,split_mode,split,notes\n"
MIXED = (
    HEADER
    + "2024-01-01,Lunch,food,expense,30.00,EUR,Ann,equal,Ann; Bob,\n"  # row 2: good
    + "2024-01-02,Dinner,food,expense,oops,EUR,Ann,equal,Ann; Bob,\n"  # row 3: bad amount
    + "2024-01-03,Taxi,transport,expense,12.00,EUR,Ann,percent,Ann=60; Zed=30,\n"  # row 4: 90%
    + "2024-01-04,Museum,culture,expense,20.00,EUR,Cleo,equal,Ann; Cleo,\n"  # row 5: good
).encode()
"""Two good rows (one brings Cleo), two bad ones (one is the only row naming Zed)."""
GOOD_BALANCES = {
    ("Ann", "EUR"): "5.00",  # +15.00 (Lunch) − 10.00 (Museum)
    ("Bob", "EUR"): "-15.00",
    ("Cleo", "EUR"): "10.00",
}
BAD_ROWS = {3: "amount", 4: "split"}


@pytest.fixture
async def world(session) -> World:
    return await make_world(session, "Bob")


def listed(report: imports.ImportReport) -> dict[int, str]:
    """``{row: column}`` of the report's invalid rows (each row's first bad cell)."""
    found: dict[int, str] = {}
    for bad in report.invalid_rows:
        assert bad.row is not None
        assert bad.column is not None
        assert bad.message
        found.setdefault(bad.row, bad.column)
    return found


async def test_without_the_flag_a_bad_row_refuses_the_whole_file(session, world: World) -> None:
    before = await counts(session, world.group_id)
    with pytest.raises(ValidationError) as caught:
        await run_bytes(session, world.owner, world.group_id, MIXED)
    assert "2 bad rows" in caught.value.detail
    assert {e.loc[:3] for e in caught.value.errors} == {("row", 3, "amount"), ("row", 4, "split")}
    assert await counts(session, world.group_id) == before


async def test_the_good_rows_land_and_each_bad_row_is_listed(session, world: World) -> None:
    report = await run_bytes(session, world.owner, world.group_id, MIXED, skip_invalid=True)
    assert (report.created, report.invalid) == (2, 2)
    assert listed(report) == BAD_ROWS
    amount = next(bad for bad in report.invalid_rows if bad.row == 3)
    assert "'oops'" in amount.message  # the value and the reason, as the refusal says them
    assert await balances(session, world.group_id) == GOOD_BALANCES
    # Cleo (named by a good row) is a new placeholder; Zed (only by a bad row) is not.
    assert [m.display_name for m in report.new_members] == ["Cleo"]
    assert set(await member_ids(session, world.group_id)) == {"Ann", "Bob", "Cleo"}


async def test_the_dry_run_lists_the_same_and_writes_nothing(session, world: World) -> None:
    before = await counts(session, world.group_id)
    dry = await run_bytes(
        session, world.owner, world.group_id, MIXED, skip_invalid=True, dry_run=True
    )
    assert await counts(session, world.group_id) == before
    real = await run_bytes(session, world.owner, world.group_id, MIXED, skip_invalid=True)
    assert (dry.created, dry.invalid, dry.invalid_rows) == (2, 2, real.invalid_rows)
    assert [m.display_name for m in dry.new_members] == ["Cleo"]
    assert {(b.display_name, b.currency): b.balance for b in dry.balances} == GOOD_BALANCES


async def test_a_rerun_skips_them_again_and_adds_nothing(session, world: World) -> None:
    await run_bytes(session, world.owner, world.group_id, MIXED, skip_invalid=True)
    before = await counts(session, world.group_id)
    again = await run_bytes(session, world.owner, world.group_id, MIXED, skip_invalid=True)
    assert (again.created, again.already_imported, again.invalid) == (0, 2, 2)
    assert listed(again) == BAD_ROWS
    assert again.new_members == []
    after = await counts(session, world.group_id)
    assert {**after, "activity": 0} == {**before, "activity": 0}  # only the import's record
    assert await balances(session, world.group_id) == GOOD_BALANCES


async def test_a_transaction_named_again_in_a_later_batch_is_left_out(
    session, world: World
) -> None:
    for i in range(6):
        await world.expense(f"{i + 1}.00", by="Ann", description=f"Row {i}")
    other = await make_world(session, "Bob")
    document = json.loads(await export_text(session, world.owner, world.group_id, "pennywise-json"))
    document["transactions"].append(dict(document["transactions"][0]))  # item 7, batches later
    report = await run_bytes(
        session,
        other.owner,
        other.group_id,
        json.dumps(document).encode(),
        skip_invalid=True,
        options=ImportOptions(batch_size=2),
    )
    assert (report.created, report.invalid) == (6, 1)
    assert [(bad.row, bad.column) for bad in report.invalid_rows] == [(7, None)]
    assert "the same transaction as an earlier row" in report.invalid_rows[0].message
    assert await balances(session, other.group_id) == await balances(session, world.group_id)


async def test_the_listing_stops_at_the_error_limit_but_counts_every_row(
    session, world: World
) -> None:
    lines = [HEADER] + [
        f"2024-03-{day:02d},Tea {day},food,expense,x{day},EUR,Ann,equal,Ann; Bob,\n"
        for day in range(1, 8)
    ]
    report = await run_bytes(
        session,
        world.owner,
        world.group_id,
        "".join(lines).encode(),
        skip_invalid=True,
        options=ImportOptions(error_limit=3),
    )
    assert (report.created, report.invalid) == (0, 7)
    assert [bad.row for bad in report.invalid_rows] == [2, 3, 4]
