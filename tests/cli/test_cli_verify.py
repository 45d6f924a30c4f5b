"""``pennywise db verify``: the operator's check of every group in a database.

On both databases: the local user runs the command on a database that also holds a group
they are not in (Zoe's Flat), as a server's database does; balances and entries are then
changed behind the ledger's back with plain SQL.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from clitools import Cli
from conftest import RemoteServer
from sqlalchemy import Uuid, bindparam, text
from sqlalchemy.pool import NullPool

from pennywise_cli import errors
from pennywise_core import db
from pennywise_core.schemas import GroupCreate
from pennywise_core.services import groups
from tests.ledger import World, make_user

REPORT_KEYS = {
    "database",
    "ok",
    "groups_checked",
    "transactions_checked",
    "balances_checked",
    "checks",
    "problems",
    "repaired",
}
PROBLEM_KEYS = {
    "check",
    "message",
    "group_id",
    "group",
    "member_id",
    "member",
    "transaction_id",
    "currency",
    "stored",
    "recomputed",
    "repaired",
}


def _run(url: str, work: Any) -> Any:
    async def main() -> Any:
        engine = db.create_engine(url, poolclass=NullPool)
        try:
            return await work(engine)
        finally:
            await engine.dispose()

    return asyncio.run(main())


def sql(url: str, statement: str, **params: object) -> None:
    ids = [bindparam(k, type_=Uuid()) for k, v in params.items() if isinstance(v, uuid.UUID)]

    async def work(engine: Any) -> None:
        async with engine.begin() as connection:
            await connection.execute(text(statement).bindparams(*ids), params)

    _run(url, work)


@dataclass
class Flat:
    group_id: uuid.UUID
    yan: uuid.UUID


def zoes_flat(url: str) -> Flat:
    """A group the CLI's user is not in: Zoe's, with Yan, and Yan's 30.00 rent split by both."""

    async def work(engine: Any) -> Flat:
        async with db.session_factory(engine)() as session, session.begin():
            zoe = await make_user(session, "Zoe")
            group = await groups.create(session, zoe, GroupCreate(name="Flat"))
            flat = World(session, group.id, zoe, {"Zoe": zoe}, {"Zoe": group.my_member_id})
            yan = await flat.add_placeholder("Yan")
            await flat.expense("30.00", by="Yan", description="Rent")
            return Flat(flat.group_id, yan)

    return _run(url, work)


@pytest.fixture
def local(migrated_database_url: str, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """The local user Ann's Trip (Ann, Bob, a 10.00 coffee) and Zoe's Flat, on one database."""
    monkeypatch.setenv("PENNYWISE_DATABASE_URL", migrated_database_url)
    cli = Cli(mode="local")
    cli("group", "create", "Trip")
    cli("member", "add", "Trip", "Bob")
    cli("tx", "add", "Trip", "10.00", "Coffee")
    return cli


def test_a_clean_database_exits_0_and_says_what_it_checked(
    local: Cli, migrated_database_url: str
) -> None:
    zoes_flat(migrated_database_url)
    result = local.run("db", "verify", "--format", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == REPORT_KEYS
    assert report["ok"] is True
    assert report["problems"] == []
    assert (report["groups_checked"], report["transactions_checked"]) == (2, 2)
    assert report["balances_checked"] == 4
    assert "checked 2 groups, 2 transactions, 4 balances: 0 problems found" in result.stderr


def test_drift_in_a_group_the_user_is_not_in_is_reported_with_exit_4(
    local: Cli, migrated_database_url: str
) -> None:
    flat = zoes_flat(migrated_database_url)
    sql(
        migrated_database_url,
        "UPDATE balances SET amount = amount - 3 WHERE member_id = :m",
        m=flat.yan,
    )

    result = local.run("db", "verify", "--format", "json")
    assert result.exit_code == errors.CONFLICT
    report = json.loads(result.stdout)
    assert report["ok"] is False
    for problem in report["problems"]:
        assert set(problem) == PROBLEM_KEYS
    drift = [p for p in report["problems"] if p["check"] == "balance_drift"]
    fields = ("group_id", "group", "member_id", "member", "currency", "stored", "recomputed")
    assert [tuple(p[f] for f in fields) for p in drift] == [
        (str(flat.group_id), "Flat", str(flat.yan), "Yan", "EUR", "14.97", "15.00")
    ]
    [zero] = [p for p in report["problems"] if p["check"] == "zero_sum"]
    assert (zero["group_id"], zero["stored"], zero["recomputed"]) == (
        str(flat.group_id),
        "-0.03",
        "0.00",
    )
    assert "2 problems found" in result.stderr
    assert "--repair" in result.stderr


def test_broken_entry_sums_are_reported_and_not_repaired(
    local: Cli, migrated_database_url: str
) -> None:
    [coffee] = local("tx", "list", "Trip")
    sql(
        migrated_database_url,
        "UPDATE entries SET paid = paid + 5 WHERE transaction_id = :t AND paid > 0",
        t=uuid.UUID(coffee["id"]),
    )
    result = local.run("db", "verify", "--repair", "--format", "json")
    assert result.exit_code == errors.CONFLICT
    report = json.loads(result.stdout)
    [broken] = [p for p in report["problems"] if p["check"] == "entry_sums"]
    assert (broken["transaction_id"], broken["group"], broken["currency"]) == (
        coffee["id"],
        "Trip",
        "EUR",
    )
    assert "Σpaid 10.05" in broken["message"]
    # The recomputation is built on those entries: its drift is reported, never "repaired".
    assert report["repaired"] == 0
    assert not any(p["repaired"] for p in report["problems"])
    assert {b["balance"] for b in local("balances", "Trip")} == {"5.00", "-5.00"}


def test_drift_is_repaired_on_request(local: Cli, migrated_database_url: str) -> None:
    flat = zoes_flat(migrated_database_url)
    sql(migrated_database_url, "UPDATE balances SET amount = amount + 1")

    result = local.run("db", "verify", "--repair", "--format", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True
    assert report["repaired"] == len(report["problems"]) == 6  # 4 balances, 2 zero sums
    trip = local("group", "show", "Trip")["id"]
    assert {p["group_id"] for p in report["problems"]} == {str(flat.group_id), trip}
    assert local("db", "verify")["problems"] == []
    assert {b["balance"] for b in local("balances", "Trip")} == {"5.00", "-5.00"}


def test_a_table_on_a_terminal_names_group_member_and_amounts(
    local: Cli, migrated_database_url: str
) -> None:
    flat = zoes_flat(migrated_database_url)
    sql(
        migrated_database_url,
        "UPDATE balances SET amount = amount - 3 WHERE member_id = :m",
        m=flat.yan,
    )
    result = local.run("db", "verify", "--format", "table")
    assert result.exit_code == errors.CONFLICT
    [row] = [line for line in result.stdout.splitlines() if "balance_drift" in line]
    assert row.split()[:6] == ["balance_drift", "Flat", "Yan", "EUR", "14.97", "15.00"]
    assert "checked 2 groups, 2 transactions" in result.stderr


def test_remote_mode_needs_the_database_url(
    server: RemoteServer, migrated_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PENNYWISE_TOKEN", "unused")
    remote = Cli(mode="remote")
    result = remote.fails("db", "verify", code=errors.USER_ERROR)
    assert "--database-url" in result.stderr
    # Given the server's database, it checks it (the API is never asked).
    zoes_flat(migrated_database_url)
    monkeypatch.setenv("PENNYWISE_DATABASE_URL", migrated_database_url)
    assert remote("db", "verify")["groups_checked"] == 1
