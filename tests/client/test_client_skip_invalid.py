"""``pw.imports.run(..., skip_invalid=True)`` against the real app (SQLite and PostgreSQL):
the good rows go in and the report lists each bad one; without it, a ValidationError."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from clienttools import SyncServer

from pennywise_client import AsyncPennywise, ValidationError
from pennywise_client.models import GroupRead, ImportReport

MIXED = (
    b"Date,Description,Category,Cost,Currency,Bob,Carl\n"
    b"2024-03-01,Taxi,Transport,10.00,EUR,5.00,-5.00\n"
    b"2024-03-02,Museum,Fun,3O.00,EUR,-15.00,15.00\n"
    b"2024-03-03,Lunch,Food,30.00,EUR,-15.00,15.00\n"
    b"2024-03-04,Bus,Transport,4.00,EUR,2.00,-2.00x\n"
)
"""Rows 2 and 4 are good (Bob −10.00, Carl +10.00); row 3's cost and row 5's Carl are bad."""
BAD = [(3, "Cost"), (5, "Carl")]


def nonzero(rows: list[Any]) -> dict[tuple[str, str], str]:
    return {(r.display_name, r.currency): r.balance for r in rows if r.balance.strip("-0.")}


def bad_rows(report: ImportReport) -> list[tuple[int, str]]:
    assert all(bad.message for bad in report.invalid_rows)
    return [(bad.row, bad.column) for bad in report.invalid_rows]


async def trip(pw: AsyncPennywise) -> GroupRead:
    group = await pw.groups.create("Trip", default_currency="EUR")
    await pw.members.add(group.id, display_name="Bob")
    await pw.members.add(group.id, display_name="Carl")
    return group


async def test_async_skip_invalid(
    async_client: Callable[..., AsyncPennywise], new_user: Any
) -> None:
    pw = async_client((await new_user("ann")).token)
    group = await trip(pw)
    with pytest.raises(ValidationError) as caught:
        await pw.imports.run(group.id, MIXED)
    assert [e["loc"][:3] for e in caught.value.problem["errors"]] == [
        ["row", row, column] for row, column in BAD
    ]
    assert nonzero(await pw.balances.get(group.id)) == {}

    dry = await pw.imports.run(group.id, MIXED, skip_invalid=True, dry_run=True)
    assert (dry.created, dry.invalid, bad_rows(dry)) == (2, 2, BAD)
    assert nonzero(await pw.balances.get(group.id)) == {}

    report = await pw.imports.run(group.id, MIXED, skip_invalid=True)
    assert (report.created, report.invalid, bad_rows(report)) == (2, 2, BAD)
    assert "'3O.00'" in report.invalid_rows[0].message
    after = nonzero(await pw.balances.get(group.id))
    assert after == {("Bob", "EUR"): "-10.00", ("Carl", "EUR"): "10.00"}

    again = await pw.imports.run(group.id, MIXED, skip_invalid=True)
    assert (again.created, again.already_imported, bad_rows(again)) == (0, 2, BAD)
    assert nonzero(await pw.balances.get(group.id)) == after


def test_sync_skip_invalid(sync_server: SyncServer) -> None:
    with sync_server.client(sync_server.new_user("ann").token) as pw:
        group = pw.groups.create("Trip", default_currency="EUR")
        pw.members.add(group.id, display_name="Bob")
        pw.members.add(group.id, display_name="Carl")
        report = pw.imports.run(group.id, MIXED, skip_invalid=True)
        assert (report.created, bad_rows(report)) == (2, BAD)
        assert nonzero(pw.balances.get(group.id)) == {
            ("Bob", "EUR"): "-10.00",
            ("Carl", "EUR"): "10.00",
        }
