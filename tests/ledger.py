"""Small builders for service tests: users, groups with members, transactions.

Users are made without a password (``users.create_local``) so tests do not pay for Argon2;
the password path has its own tests.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pennywise_core.models import Balance, Role, Transaction, User
from pennywise_core.schemas import (
    GroupCreate,
    MemberCreate,
    MemberRead,
    PayerIn,
    SplitEntryIn,
    SplitIn,
    TransactionCreate,
    TransactionRead,
)
from pennywise_core.services import groups, invites, members, transactions, users


async def make_user(session: AsyncSession, name: str) -> User:
    return await users.create_local(
        session, display_name=name, email=f"{name.lower()}-{uuid.uuid4().hex[:8]}@example.org"
    )


async def join_by_invite(
    session: AsyncSession,
    inviter: User,
    group_id: uuid.UUID,
    user: User,
    *,
    role: Role = Role.MEMBER,
    display_name: str | None = None,
) -> MemberRead:
    """``inviter`` adds ``user`` by email and ``user`` accepts: they are a member now."""
    placeholder = await members.add(
        session,
        inviter,
        group_id,
        MemberCreate(email=user.email, display_name=display_name or user.display_name, role=role),
    )
    (invite,) = [i for i in await invites.received(session, user) if i.member_id == placeholder.id]
    return await invites.accept_received(session, user, invite.id)


@dataclass
class World:
    """A group and its people: ``owner`` made it; ``member_ids[name]`` is each member id."""

    session: AsyncSession
    group_id: uuid.UUID
    owner: User
    people: dict[str, User] = field(default_factory=dict)
    member_ids: dict[str, uuid.UUID] = field(default_factory=dict)

    async def add_user(self, name: str, role: Role = Role.MEMBER) -> User:
        """A new user invited by email who accepts: the only way a user joins a group."""
        user = await make_user(self.session, name)
        member = await join_by_invite(self.session, self.owner, self.group_id, user, role=role)
        self.people[name] = user
        self.member_ids[name] = member.id
        return user

    async def add_placeholder(self, name: str) -> uuid.UUID:
        member = await members.add(
            self.session, self.owner, self.group_id, MemberCreate(display_name=name)
        )
        self.member_ids[name] = member.id
        return member.id

    async def expense(
        self,
        amount: str,
        *,
        by: str | None = None,
        actor: User | None = None,
        split: SplitIn | None = None,
        currency: str | None = None,
        **kwargs: object,
    ) -> TransactionRead:
        data = TransactionCreate(
            group_id=self.group_id,
            description=str(kwargs.pop("description", "Something")),
            amount=amount,
            currency=currency,
            paid_by=[PayerIn(member_id=self.member_ids[by])] if by else None,
            split=split,
            **kwargs,  # type: ignore[arg-type]
        )
        return await transactions.create(self.session, actor or self.owner, data)

    def shares(self, **weights: str) -> SplitIn:
        return SplitIn(
            mode="shares",
            entries=[
                SplitEntryIn(member_id=self.member_ids[n], shares=w) for n, w in weights.items()
            ],
        )

    def among(self, *names: str) -> SplitIn:
        return SplitIn(entries=[SplitEntryIn(member_id=self.member_ids[n]) for n in names])

    async def balances(self) -> dict[tuple[str, str], int]:
        """``{(name, currency): minor units}`` straight from the balances table."""
        names = {v: k for k, v in self.member_ids.items()}
        rows = await self.session.scalars(select(Balance).where(Balance.group_id == self.group_id))
        return {(names[b.member_id], b.currency): b.amount for b in rows if b.amount}

    async def transaction_count(self) -> int:
        return int(
            await self.session.scalar(
                select(func.count())
                .select_from(Transaction)
                .where(Transaction.group_id == self.group_id)
            )
            or 0
        )


async def make_world(
    session: AsyncSession, *names: str, owner: str = "Ann", currency: str = "EUR"
) -> World:
    """A group owned by ``owner`` with registered members ``names`` (role member)."""
    user = await make_user(session, owner)
    group = await groups.create(session, user, GroupCreate(name="Trip", default_currency=currency))
    world = World(session, group.id, user, {owner: user}, {owner: group.my_member_id})
    for name in names:
        await world.add_user(name)
    return world
