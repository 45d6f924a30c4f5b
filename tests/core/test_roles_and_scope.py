# ruff: noqa: E501  (the table of stranger operations reads best one line a case)
"""Who may do what: every mutating operation × every role, and strangers see nothing."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import ClassVar

import pytest

from pennywise_core.errors import NotFoundError, PermissionDeniedError
from pennywise_core.models import Role, User
from pennywise_core.schemas import (
    GroupUpdate,
    MemberCreate,
    MemberUpdate,
    TransactionFilter,
    TransactionUpdate,
)
from pennywise_core.services import (
    activity,
    balances,
    groups,
    members,
    settle_up,
    transactions,
)
from tests.ledger import World, make_user, make_world

Operation = Callable[[World, User], Awaitable[object]]
StrangerOperation = Callable[[World, User, uuid.UUID], Awaitable[object]]


@dataclass(frozen=True)
class Case:
    name: str
    run: Operation
    allowed: frozenset[Role]


ALL = frozenset(Role)
WRITERS = frozenset({Role.OWNER, Role.ADMIN, Role.MEMBER})
ADMINS = frozenset({Role.OWNER, Role.ADMIN})
OWNERS = frozenset({Role.OWNER})


async def _others_tx(world: World) -> uuid.UUID:
    return (await world.expense("9.00", actor=world.owner)).id


CASES = [
    Case(
        "rename group",
        lambda w, a: groups.update_group(w.session, a, w.group_id, GroupUpdate(name="New")),
        ADMINS,
    ),
    Case(
        "archive group",
        lambda w, a: groups.update_group(w.session, a, w.group_id, GroupUpdate(archived=True)),
        ADMINS,
    ),
    Case("delete group", lambda w, a: groups.delete(w.session, a, w.group_id), OWNERS),
    Case(
        "add placeholder",
        lambda w, a: members.add(w.session, a, w.group_id, MemberCreate(display_name="Zed")),
        ADMINS,
    ),
    Case(
        "add an admin",
        lambda w, a: members.add(
            w.session, a, w.group_id, MemberCreate(display_name="Zed", role=Role.ADMIN)
        ),
        OWNERS,
    ),
    Case(
        "make Bob a viewer",
        lambda w, a: members.update(
            w.session, a, w.group_id, w.member_ids["Bob"], MemberUpdate(role=Role.VIEWER)
        ),
        ADMINS,
    ),
    Case(
        "make Bob an admin",
        lambda w, a: members.update(
            w.session, a, w.group_id, w.member_ids["Bob"], MemberUpdate(role=Role.ADMIN)
        ),
        OWNERS,
    ),
    Case(
        "remove Bob",
        lambda w, a: members.remove(w.session, a, w.group_id, w.member_ids["Bob"]),
        ADMINS,
    ),
    Case("add a transaction", lambda w, a: w.expense("5.00", actor=a), WRITERS),
    Case(
        "edit someone else's transaction",
        lambda w, a: _edit_others(w, a),
        ADMINS,
    ),
    Case("delete someone else's transaction", lambda w, a: _delete_others(w, a), ADMINS),
    Case("record settle-up", lambda w, a: settle_up.record(w.session, a, w.group_id), WRITERS),
    Case(
        "repair balances",
        lambda w, a: balances.verify(w.session, a, w.group_id, repair=True),
        ADMINS,
    ),
]


async def _edit_others(world: World, actor: User) -> object:
    tx_id = await _others_tx(world)
    return await transactions.update(world.session, actor, tx_id, TransactionUpdate(notes="x"))


async def _delete_others(world: World, actor: User) -> object:
    tx_id = await _others_tx(world)
    return await transactions.delete(world.session, actor, tx_id)


@pytest.mark.parametrize("role", list(Role), ids=str)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
async def test_role_matrix(session, case: Case, role: Role) -> None:
    world = await make_world(session, "Bob")
    if role is Role.OWNER:
        actor = world.owner
    else:
        actor = await world.add_user("Actor", role=role)
    if role in case.allowed:
        await case.run(world, actor)
    else:
        with pytest.raises(PermissionDeniedError):
            await case.run(world, actor)


async def test_members_change_their_own_transactions(session) -> None:
    world = await make_world(session, "Bob")
    bob = world.people["Bob"]
    tx = await world.expense("5.00", actor=bob, by="Bob")
    await transactions.update(session, bob, tx.id, TransactionUpdate(description="Mine"))
    await transactions.delete(session, bob, tx.id)
    await transactions.restore(session, bob, tx.id)


async def test_members_may_leave(session) -> None:
    world = await make_world(session, "Bob")
    await members.remove(session, world.people["Bob"], world.group_id, world.member_ids["Bob"])
    with pytest.raises(NotFoundError):
        await groups.get(session, world.people["Bob"], world.group_id)


class TestStrangers:
    """Someone outside the group gets NotFoundError from every operation, never 'forbidden'."""

    @pytest.fixture
    async def setup(self, session) -> tuple[World, User, uuid.UUID]:
        world = await make_world(session, "Bob")
        tx = await world.expense("10.00")
        return world, await make_user(session, "Mallory"), tx.id

    OPERATIONS: ClassVar[list[tuple[str, StrangerOperation]]] = [
        ("get group", lambda w, s, t: groups.get(w.session, s, w.group_id)),
        ("update group", lambda w, s, t: groups.update_group(w.session, s, w.group_id, GroupUpdate(name="x"))),
        ("delete group", lambda w, s, t: groups.delete(w.session, s, w.group_id)),
        ("list members", lambda w, s, t: members.list_members(w.session, s, w.group_id)),
        ("get member", lambda w, s, t: members.get(w.session, s, w.group_id, w.member_ids["Bob"])),
        ("add member", lambda w, s, t: members.add(w.session, s, w.group_id, MemberCreate(display_name="x"))),
        ("remove member", lambda w, s, t: members.remove(w.session, s, w.group_id, w.member_ids["Bob"])),
        ("get transaction", lambda w, s, t: transactions.get(w.session, s, t)),
        ("edit transaction", lambda w, s, t: transactions.update(w.session, s, t, TransactionUpdate(notes="x"))),
        ("delete transaction", lambda w, s, t: transactions.delete(w.session, s, t)),
        ("restore transaction", lambda w, s, t: transactions.restore(w.session, s, t)),
        ("list group transactions", lambda w, s, t: transactions.list_transactions(w.session, s, TransactionFilter(group_id=w.group_id))),
        ("balances", lambda w, s, t: balances.read(w.session, s, w.group_id)),
        ("verify", lambda w, s, t: balances.verify(w.session, s, w.group_id)),
        ("settle suggest", lambda w, s, t: settle_up.suggest(w.session, s, w.group_id)),
        ("settle record", lambda w, s, t: settle_up.record(w.session, s, w.group_id)),
        ("activity", lambda w, s, t: activity.list_activity(w.session, s, w.group_id)),
    ]  # fmt: skip

    @pytest.mark.parametrize(("name", "operation"), OPERATIONS, ids=[n for n, _ in OPERATIONS])
    async def test_not_found(self, setup, name, operation) -> None:
        world, stranger, tx_id = setup
        with pytest.raises(NotFoundError):
            await operation(world, stranger, tx_id)

    async def test_lists_show_nothing_of_other_groups(self, setup) -> None:
        world, stranger, _ = setup
        assert await groups.list_groups(world.session, stranger) == []
        page = await transactions.list_transactions(world.session, stranger)
        assert page.items == []

    async def test_a_deleted_group_disappears_for_its_members_too(self, setup) -> None:
        world, _, tx_id = setup
        await groups.delete(world.session, world.owner, world.group_id)
        with pytest.raises(NotFoundError):
            await groups.get(world.session, world.owner, world.group_id)
        with pytest.raises(NotFoundError):
            await transactions.get(world.session, world.owner, tx_id)
