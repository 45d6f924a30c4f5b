"""Concurrent writers through the API, and a transaction the database rolls back.

* Writers whose payers and splits cross, at once, through the app in-process: every answer
  is a 2xx and the balances are exactly what was written (both databases).
* A write whose transaction PostgreSQL rolls back with a serialization failure or a
  deadlock (SQLSTATE 40001, 40P01) runs again and succeeds; one that keeps failing is a
  503 problem with ``Retry-After``, never a 500, and changes nothing. The failures are
  real PostgreSQL errors, raised by a trigger on ``transactions`` for one description.
"""

from __future__ import annotations

import asyncio
import secrets
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from apitools import API, PROBLEM_BASE, Actor
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from pennywise_core import db


async def _group(client: httpx.AsyncClient, owner: Actor) -> tuple[str, str, str]:
    """A group of the owner and two placeholders; returns (group id, lo, hi) with the
    placeholders' member ids in sorted order."""
    group = await client.post(f"{API}/groups", json={"name": "Flat"}, headers=owner.headers)
    assert group.status_code == 201, group.text
    gid = group.json()["id"]
    ids = []
    for name in ("Bob", "Carol"):
        added = await client.post(
            f"{API}/groups/{gid}/members", json={"display_name": name}, headers=owner.headers
        )
        assert added.status_code == 201, added.text
        ids.append(added.json()["id"])
    lo, hi = sorted(ids, key=uuid.UUID)
    return gid, lo, hi


def _expense(gid: str, payer: str, ower: str, description: str = "Groceries") -> dict[str, Any]:
    return {
        "group_id": gid,
        "description": description,
        "amount": "10.00",
        "paid_by": [{"member_id": payer}],
        "split": {"mode": "equal", "entries": [{"member_id": ower}]},
    }


async def _balances(client: httpx.AsyncClient, owner: Actor, gid: str) -> dict[str, str]:
    verify = await client.get(f"{API}/groups/{gid}/balances/verify", headers=owner.headers)
    assert verify.status_code == 200, verify.text
    assert verify.json()["ok"], verify.json()
    found = await client.get(f"{API}/groups/{gid}/balances", headers=owner.headers)
    return {b["member_id"]: b["balance"] for b in found.json() if b["balance"] != "0.00"}


async def test_crossing_writers_all_succeed_with_exact_balances(
    client: httpx.AsyncClient, make_actor: Any
) -> None:
    owner = await make_actor("owner")
    gid, lo, hi = await _group(client, owner)

    async def write(i: int) -> list[int]:
        payer, ower = (hi, lo) if i % 3 == 0 else (lo, hi)
        created = await client.post(
            f"{API}/transactions", json=_expense(gid, payer, ower), headers=owner.headers
        )
        if created.status_code != 201:
            return [created.status_code]
        swapped = await client.patch(
            f"{API}/transactions/{created.json()['id']}",
            json={"paid_by": [{"member_id": ower}], "split": {"entries": [{"member_id": payer}]}},
            headers={**owner.headers, "If-Match": created.headers["ETag"]},
        )
        return [created.status_code, swapped.status_code]

    statuses = await asyncio.gather(*(write(i) for i in range(6)))
    assert statuses == [[201, 200]] * 6
    # Each ends as "ower paid 10.00 for payer": lo for hi twice, hi for lo four times.
    assert await _balances(client, owner, gid) == {hi: "20.00", lo: "-20.00"}


# --- PostgreSQL rolls the transaction back ------------------------------------------------


@pytest_asyncio.fixture(loop_scope="session")
async def rollback_trigger(engine: AsyncEngine) -> AsyncIterator[tuple[str, str]]:
    """A trigger that fails inserts into ``transactions`` whose description is
    ``fail-once-<tag>`` (the first time only) or ``fail-always-<tag>`` (every time) with a
    real PostgreSQL rollback error; yields (tag, the sequence counting the runs: a
    sequence, so the count survives the rollbacks)."""
    assert engine.dialect.name == "postgresql", "mark the test postgres_only"
    tag = secrets.token_hex(4)
    seq, fn, trigger = f"pw_fail_seq_{tag}", f"pw_fail_{tag}", f"pw_fail_trigger_{tag}"
    async with engine.begin() as connection:
        await connection.execute(text(f"CREATE SEQUENCE {seq}"))
        await connection.execute(
            text(
                f"""
                CREATE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF NEW.description = 'fail-once-{tag}' AND nextval('{seq}') = 1 THEN
                    RAISE EXCEPTION 'could not serialize access' USING ERRCODE = '40001';
                  END IF;
                  IF NEW.description = 'fail-always-{tag}' THEN
                    PERFORM nextval('{seq}');
                    RAISE EXCEPTION 'deadlock detected' USING ERRCODE = '40P01';
                  END IF;
                  RETURN NEW;
                END $$
                """
            )
        )
        await connection.execute(
            text(
                f"CREATE TRIGGER {trigger} BEFORE INSERT ON transactions "
                f"FOR EACH ROW EXECUTE FUNCTION {fn}()"
            )
        )
    try:
        yield tag, seq
    finally:
        async with engine.begin() as connection:
            await connection.execute(text(f"DROP TRIGGER {trigger} ON transactions"))
            await connection.execute(text(f"DROP FUNCTION {fn}()"))
            await connection.execute(text(f"DROP SEQUENCE {seq}"))


async def _runs(engine: AsyncEngine, seq: str) -> int:
    """How many times the trigger saw the insert (each run of the request counts one)."""
    async with engine.connect() as connection:
        return int(await connection.scalar(text(f"SELECT last_value FROM {seq}")) or 0)


async def _count(client: httpx.AsyncClient, owner: Actor, gid: str) -> int:
    found = await client.get(f"{API}/transactions", params={"group_id": gid}, headers=owner.headers)
    return len(found.json()["items"])


@pytest.mark.postgres_only  # SQLite has no SQLSTATE to roll back with
async def test_a_rolled_back_transaction_runs_again(
    client: httpx.AsyncClient, make_actor: Any, engine: AsyncEngine, rollback_trigger: Any
) -> None:
    tag, seq = rollback_trigger
    owner = await make_actor("owner")
    gid, lo, hi = await _group(client, owner)
    headers = {**owner.headers, "Idempotency-Key": f"key-{tag}"}
    body = _expense(gid, lo, hi, f"fail-once-{tag}")

    created = await client.post(f"{API}/transactions", json=body, headers=headers)
    assert created.status_code == 201, created.text
    assert await _runs(engine, seq) == 2  # it failed once, and ran again
    # The key was claimed again by the second run: the client's own retry gets that answer.
    replayed = await client.post(f"{API}/transactions", json=body, headers=headers)
    assert replayed.status_code == 201
    assert replayed.headers["Idempotent-Replayed"] == "true"
    assert replayed.json()["id"] == created.json()["id"]
    assert await _count(client, owner, gid) == 1
    assert await _balances(client, owner, gid) == {lo: "10.00", hi: "-10.00"}


@pytest.mark.postgres_only  # SQLite has no SQLSTATE to roll back with
async def test_a_transaction_rolled_back_every_time_is_a_503(
    client: httpx.AsyncClient, make_actor: Any, engine: AsyncEngine, rollback_trigger: Any
) -> None:
    tag, seq = rollback_trigger
    owner = await make_actor("owner")
    gid, lo, hi = await _group(client, owner)

    answer = await client.post(
        f"{API}/transactions",
        json=_expense(gid, lo, hi, f"fail-always-{tag}"),
        headers={**owner.headers, "Idempotency-Key": f"key-{tag}"},
    )
    assert answer.status_code == 503, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["Retry-After"] == str(db.RETRY_AFTER_SECONDS)
    assert answer.headers["X-Request-ID"] == answer.json()["request_id"]
    assert answer.json()["type"] == PROBLEM_BASE + "service-unavailable"
    assert await _runs(engine, seq) == db.MAX_ATTEMPTS
    assert await _count(client, owner, gid) == 0
    assert await _balances(client, owner, gid) == {}
