"""``POST /groups/{id}/imports`` with ``skip_invalid``: the good rows go in, each bad one is
listed; without it a bad row is a 422 and nothing is written (SQLite and PostgreSQL)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from apitools import API, World
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from pennywise_core.db import session_factory
from pennywise_core.models import Activity, Member, Transaction

MIXED = (
    b"date,description,category,kind,amount,currency,paid_by,split_mode,split,notes\n"
    b"2024-03-01,Taxi,transport,expense,10.00,EUR,Bob,equal,Bob; Carl,\n"
    b"2024-03-02,Museum,fun,expense,abc,EUR,Carl,equal,Bob; Carl,\n"
    b"2024-13-03,Bus,transport,expense,4.00,EUR,Bob,equal,Bob; Carl,\n"
    b"2024-03-04,Lunch,food,expense,30.00,EUR,Carl,equal,Bob; Carl,\n"
)
"""Rows 2 and 5 are good (Bob −10.00, Carl +10.00); row 3 has a bad amount, row 4 a bad date."""
BAD = [(3, "amount"), (4, "date")]


def url(world: World) -> str:
    return f"{API}/groups/{world.group_id}/imports"


def upload() -> dict[str, Any]:
    return {"file": ("mixed.csv", MIXED, "text/csv")}


def bad_rows(report: dict[str, Any]) -> list[tuple[int, str]]:
    assert all(bad["message"] for bad in report["invalid_rows"])
    return [(bad["row"], bad["column"]) for bad in report["invalid_rows"]]


async def counts(engine: AsyncEngine, group_id: uuid.UUID) -> dict[str, int]:
    async with session_factory(engine)() as session:
        return {
            model.__name__: int(
                await session.scalar(
                    select(func.count()).select_from(model).where(model.group_id == group_id)
                )
                or 0
            )
            for model in (Transaction, Member, Activity)
        }


async def balances(client: httpx.AsyncClient, world: World) -> dict[str, str]:
    response = await client.get(
        f"{API}/groups/{world.group_id}/balances", headers=world.owner.headers
    )
    assert response.status_code == 200, response.text
    return {
        row["display_name"]: row["balance"]
        for row in response.json()
        if row["display_name"] in ("Bob", "Carl")
    }


async def test_without_skip_invalid_the_file_is_refused_whole(
    client: httpx.AsyncClient, world: World, engine: AsyncEngine
) -> None:
    before = await counts(engine, world.group_id)
    response = await client.post(url(world), headers=world.owner.headers, files=upload())
    assert response.status_code == 422, response.text
    assert [tuple(e["loc"][:3]) for e in response.json()["errors"]] == [
        ("row", row, column) for row, column in BAD
    ]
    assert await counts(engine, world.group_id) == before


async def test_skip_invalid_dry_run_import_and_rerun(
    client: httpx.AsyncClient, world: World, engine: AsyncEngine
) -> None:
    h = world.owner.headers
    before = await counts(engine, world.group_id)
    dry = await client.post(
        url(world), headers=h, files=upload(), data={"skip_invalid": "true", "dry_run": "true"}
    )
    assert dry.status_code == 200, dry.text
    assert (dry.json()["created"], dry.json()["invalid"], bad_rows(dry.json())) == (2, 2, BAD)
    assert await counts(engine, world.group_id) == before

    done = await client.post(url(world), headers=h, files=upload(), data={"skip_invalid": "true"})
    assert done.status_code == 201, done.text
    report = done.json()
    assert (report["created"], report["invalid"], bad_rows(report)) == (2, 2, BAD)
    assert "'abc'" in report["invalid_rows"][0]["message"]
    assert await balances(client, world) == {"Bob": "-10.00", "Carl": "10.00"}
    written = await counts(engine, world.group_id)
    assert written["Transaction"] == before["Transaction"] + 2

    again = await client.post(url(world), headers=h, files=upload(), data={"skip_invalid": "true"})
    assert again.status_code == 201, again.text
    report = again.json()
    assert (report["created"], report["already_imported"], bad_rows(report)) == (0, 2, BAD)
    assert (await counts(engine, world.group_id))["Transaction"] == written["Transaction"]
    assert await balances(client, world) == {"Bob": "-10.00", "Carl": "10.00"}
