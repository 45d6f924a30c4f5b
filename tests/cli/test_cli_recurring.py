"""``pennywise recurring run``: due occurrences created in the database, once, from cron."""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from clitools import Cli
from conftest import RemoteServer
from sqlalchemy.pool import NullPool

from pennywise_cli import errors
from pennywise_core import db
from pennywise_core.models import User
from pennywise_core.recurring_schemas import RecurringRuleCreate
from pennywise_core.schemas import GroupCreate
from pennywise_core.services import groups, members, recurring
from tests.ledger import World, make_user


def _run(url: str, work: Any) -> Any:
    async def main() -> Any:
        engine = db.create_engine(url, poolclass=NullPool)
        try:
            async with db.session_factory(engine)() as session, session.begin():
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(main())


@dataclass
class Flat:
    rule_id: uuid.UUID
    group_id: uuid.UUID
    zoe_id: uuid.UUID
    yan: uuid.UUID


def flat_with_rent(url: str, *, split_with: str | None = None) -> Flat:
    """Zoe's Flat, with Yan, and a monthly rent from 31 January 2024 (Zoe's rule)."""

    async def work(session: Any) -> Flat:
        zoe = await make_user(session, "Zoe")
        group = await groups.create(session, zoe, GroupCreate(name="Flat"))
        flat = World(session, group.id, zoe, {"Zoe": zoe}, {"Zoe": group.my_member_id})
        yan = await flat.add_placeholder("Yan")
        transaction: dict[str, Any] = {"description": "Rent", "amount": "900.00"}
        if split_with:
            transaction["split"] = {"entries": [{"member_id": str(yan)}]}
        rule = await recurring.create(
            session,
            zoe,
            group.id,
            RecurringRuleCreate.model_validate(
                {
                    "transaction": transaction,
                    "schedule": {"every": "monthly", "start": "2024-01-31"},
                }
            ),
        )
        return Flat(rule.id, group.id, zoe.id, yan)

    return _run(url, work)


@pytest.fixture
def local(migrated_database_url: str, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv("PENNYWISE_DATABASE_URL", migrated_database_url)
    cli = Cli(mode="local")
    cli("db", "upgrade")
    return cli


def test_run_creates_what_is_due_once(local: Cli, migrated_database_url: str) -> None:
    rule_id = flat_with_rent(migrated_database_url).rule_id
    first = local("recurring", "run", "--until", "2024-03-31")
    assert [(c["date"], c["rule_id"]) for c in first["created"]] == [
        ("2024-01-31", str(rule_id)),
        ("2024-02-29", str(rule_id)),
        ("2024-03-31", str(rule_id)),
    ]
    assert first["failed"] == []
    assert local("recurring", "run", "--until", "2024-03-31")["created"] == []
    table = local.run("recurring", "run", "--until", "2024-04-30")
    assert table.exit_code == 0
    assert "2024-04-30" in table.stdout
    assert "created 1 transactions due up to 2024-04-30" in table.stderr


def test_a_rule_that_cannot_run_exits_4_and_names_it(
    local: Cli, migrated_database_url: str
) -> None:
    flat = flat_with_rent(migrated_database_url, split_with="Yan")
    rule_id, yan = flat.rule_id, flat.yan

    async def yan_leaves(session: Any) -> None:
        zoe = await session.get_one(User, flat.zoe_id)
        await members.remove(session, zoe, flat.group_id, yan)

    _run(migrated_database_url, yan_leaves)
    result = local.run("recurring", "run", "--until", "2024-02-01", "--format", "json")
    assert result.exit_code == errors.CONFLICT, result.stderr
    (failed,) = json.loads(result.stdout)["failed"]
    assert (failed["rule_id"], failed["date"]) == (str(rule_id), "2024-01-31")
    assert str(yan) in failed["error"]
    assert "tried again on the next run" in result.stderr


@pytest.fixture
def remote_cli(server: RemoteServer) -> Cli:
    return Cli(mode="remote")


def test_remote_mode_needs_the_database_named(remote_cli: Cli) -> None:
    result = remote_cli.fails("recurring", "run", code=errors.USER_ERROR)
    assert "--database-url" in result.stderr
