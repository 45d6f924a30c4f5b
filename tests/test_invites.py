"""``services.invites``: claim a placeholder with a single-use, expiring token."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass

import pytest
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from pennywise_core import tokens
from pennywise_core.auth_schemas import InviteCreate
from pennywise_core.errors import (
    ConflictError,
    NotFoundError,
    PennywiseError,
    PermissionDeniedError,
)
from pennywise_core.models import Activity, Invite, Member, Role, User, utcnow
from pennywise_core.schemas import GroupCreate, GroupUpdate, MemberCreate, MemberRead
from pennywise_core.services import groups, invites, members, users


async def make_user(session: AsyncSession, name: str) -> User:
    return await users.create_local(
        session, display_name=name, email=f"{name.lower()}-{uuid.uuid4().hex[:8]}@example.org"
    )


@dataclass
class Trip:
    group_id: uuid.UUID
    owner: User
    admin: User
    member: User
    bob: uuid.UUID
    """A placeholder member, for someone without an account yet."""


async def make_trip(session: AsyncSession) -> Trip:
    owner = await make_user(session, "Olga")
    group = await groups.create(session, owner, GroupCreate(name="Trip", default_currency="EUR"))
    admin, member = await make_user(session, "Adam"), await make_user(session, "Mia")
    await members.add(session, owner, group.id, MemberCreate(email=admin.email, role=Role.ADMIN))
    await members.add(session, owner, group.id, MemberCreate(email=member.email))
    bob = await members.add(session, owner, group.id, MemberCreate(display_name="Bob"))
    return Trip(group.id, owner, admin, member, bob.id)


@pytest.fixture
async def trip(session: AsyncSession) -> Trip:
    return await make_trip(session)


class TestCreateInvite:
    async def test_admin_creates_an_invite(self, session: AsyncSession, trip: Trip) -> None:
        before = utcnow()
        created = await invites.create_invite(
            session,
            trip.admin,
            trip.group_id,
            InviteCreate(member_id=trip.bob, expires_in_hours=48),
        )
        assert created.token.startswith("pwi_")
        assert (created.group_id, created.member_id) == (trip.group_id, trip.bob)
        assert before + dt.timedelta(hours=48) <= created.expires_at
        assert created.expires_at <= utcnow() + dt.timedelta(hours=48)
        row = await session.get(Invite, created.id)
        assert row is not None
        assert row.token_hash == hashlib.sha256(created.token.encode()).hexdigest()
        assert row.created_by == trip.admin.id
        assert row.used_at is None
        logged = await session.scalar(
            select(Activity).where(
                Activity.group_id == trip.group_id, Activity.action == "invite.create"
            )
        )
        assert logged is not None
        assert logged.target_id == trip.bob
        assert created.token not in str(logged.after)

    async def test_member_may_not(self, session: AsyncSession, trip: Trip) -> None:
        with pytest.raises(PermissionDeniedError):
            await invites.create_invite(
                session, trip.member, trip.group_id, InviteCreate(member_id=trip.bob)
            )

    async def test_stranger_gets_404(self, session: AsyncSession, trip: Trip) -> None:
        stranger = await make_user(session, "Sam")
        with pytest.raises(NotFoundError):
            await invites.create_invite(
                session, stranger, trip.group_id, InviteCreate(member_id=trip.bob)
            )

    async def test_member_of_another_group_is_404(self, session: AsyncSession, trip: Trip) -> None:
        other = await make_trip(session)
        with pytest.raises(NotFoundError):
            await invites.create_invite(
                session, trip.owner, trip.group_id, InviteCreate(member_id=other.bob)
            )
        with pytest.raises(NotFoundError):
            await invites.create_invite(
                session, trip.owner, trip.group_id, InviteCreate(member_id=uuid.uuid4())
            )

    async def test_member_with_an_account_is_409(self, session: AsyncSession, trip: Trip) -> None:
        mia = await session.scalar(
            select(Member).where(Member.group_id == trip.group_id, Member.user_id == trip.member.id)
        )
        assert mia is not None
        with pytest.raises(ConflictError):
            await invites.create_invite(
                session, trip.owner, trip.group_id, InviteCreate(member_id=mia.id)
            )

    async def test_removed_placeholder_is_404(self, session: AsyncSession, trip: Trip) -> None:
        await members.remove(session, trip.owner, trip.group_id, trip.bob)
        with pytest.raises(NotFoundError):
            await invites.create_invite(
                session, trip.owner, trip.group_id, InviteCreate(member_id=trip.bob)
            )

    async def test_archived_group(self, session: AsyncSession, trip: Trip) -> None:
        await groups.update_group(
            session, trip.owner, trip.group_id, GroupUpdate(archived=True), expected_version=None
        )
        with pytest.raises(ConflictError, match="archived"):
            await invites.create_invite(
                session, trip.owner, trip.group_id, InviteCreate(member_id=trip.bob)
            )

    @pytest.mark.parametrize("hours", [0, 30 * 24 + 1])
    def test_expiry_bounds(self, hours: int) -> None:
        with pytest.raises(PydanticValidationError):
            InviteCreate(member_id=uuid.uuid4(), expires_in_hours=hours)


class TestAcceptInvite:
    async def invite(self, session: AsyncSession, trip: Trip) -> str:
        created = await invites.create_invite(
            session, trip.owner, trip.group_id, InviteCreate(member_id=trip.bob)
        )
        return created.token

    async def test_claims_the_placeholder(self, session: AsyncSession, trip: Trip) -> None:
        token = await self.invite(session, trip)
        bob = await make_user(session, "Robert")
        member = await invites.accept_invite(session, bob, token)
        assert isinstance(member, MemberRead)
        assert member.id == trip.bob
        assert member.user_id == bob.id
        assert not member.is_placeholder
        assert member.display_name == "Bob"  # the group's name for him stays
        assert member.role is Role.MEMBER
        # Bob now sees the group and can act in it.
        found = await groups.get(session, bob, trip.group_id)
        assert found.my_member_id == trip.bob
        logged = await session.scalar(
            select(Activity).where(
                Activity.group_id == trip.group_id, Activity.action == "member.claim"
            )
        )
        assert logged is not None
        assert logged.actor_id == bob.id
        assert logged.target_id == trip.bob
        assert logged.before is not None
        assert logged.before["user_id"] is None
        assert logged.after is not None
        assert logged.after["user_id"] == str(bob.id)

    async def test_single_use(self, session: AsyncSession, trip: Trip) -> None:
        token = await self.invite(session, trip)
        await invites.accept_invite(session, await make_user(session, "Robert"), token)
        with pytest.raises(ConflictError, match="already been used"):
            await invites.accept_invite(session, await make_user(session, "Eve"), token)

    async def test_expired(self, session: AsyncSession, trip: Trip) -> None:
        token = await self.invite(session, trip)
        row = await session.scalar(
            select(Invite).where(Invite.token_hash == tokens.hash_opaque_token(token))
        )
        assert row is not None
        row.expires_at = utcnow() - dt.timedelta(seconds=1)
        await session.flush()
        with pytest.raises(ConflictError, match="expired"):
            await invites.accept_invite(session, await make_user(session, "Robert"), token)

    @pytest.mark.parametrize(
        "token", ["", "pwi_", "pwi_" + "A" * 43, "pwr_" + "A" * 43, "x" * 500, "pwi_" + "A" * 300]
    )
    async def test_unknown_token(self, session: AsyncSession, token: str) -> None:
        with pytest.raises(NotFoundError):
            await invites.accept_invite(session, await make_user(session, "Robert"), token)

    async def test_already_a_member(self, session: AsyncSession, trip: Trip) -> None:
        token = await self.invite(session, trip)
        with pytest.raises(ConflictError, match="already a member"):
            await invites.accept_invite(session, trip.member, token)
        # The invite is still usable by the right person.
        await invites.accept_invite(session, await make_user(session, "Robert"), token)

    async def test_former_member(self, session: AsyncSession, trip: Trip) -> None:
        mia = await session.scalar(
            select(Member).where(Member.group_id == trip.group_id, Member.user_id == trip.member.id)
        )
        assert mia is not None
        await members.remove(session, trip.member, trip.group_id, mia.id)
        token = await self.invite(session, trip)
        with pytest.raises(ConflictError, match="before"):
            await invites.accept_invite(session, trip.member, token)

    async def test_placeholder_removed_after_the_invite(
        self, session: AsyncSession, trip: Trip
    ) -> None:
        token = await self.invite(session, trip)
        await members.remove(session, trip.owner, trip.group_id, trip.bob)
        with pytest.raises(ConflictError, match="removed or claimed"):
            await invites.accept_invite(session, await make_user(session, "Robert"), token)

    async def test_two_invites_for_one_placeholder(self, session: AsyncSession, trip: Trip) -> None:
        first, second = await self.invite(session, trip), await self.invite(session, trip)
        await invites.accept_invite(session, await make_user(session, "Robert"), first)
        with pytest.raises(ConflictError, match="removed or claimed"):
            await invites.accept_invite(session, await make_user(session, "Eve"), second)

    async def test_archived_group(self, session: AsyncSession, trip: Trip) -> None:
        token = await self.invite(session, trip)
        await groups.update_group(session, trip.owner, trip.group_id, GroupUpdate(archived=True))
        with pytest.raises(ConflictError, match="archived"):
            await invites.accept_invite(session, await make_user(session, "Robert"), token)

    async def test_deleted_group(self, session: AsyncSession, trip: Trip) -> None:
        token = await self.invite(session, trip)
        group = await groups.get(session, trip.owner, trip.group_id)
        await groups.delete(session, trip.owner, trip.group_id, expected_version=group.version)
        with pytest.raises(NotFoundError):
            await invites.accept_invite(session, await make_user(session, "Robert"), token)

    async def test_concurrent_accepts(
        self, session_maker: async_sessionmaker[AsyncSession]
    ) -> None:
        async with session_maker() as session, session.begin():
            trip = await make_trip(session)
            token = await self.invite(session, trip)
            people = [await make_user(session, "Robert"), await make_user(session, "Eve")]

        async def accept(user: User) -> MemberRead | PennywiseError:
            async with session_maker() as session:
                try:
                    async with session.begin():
                        return await invites.accept_invite(session, user, token)
                except PennywiseError as error:
                    return error

        results = await asyncio.gather(*(accept(user) for user in people))
        claimed = [r for r in results if isinstance(r, MemberRead)]
        refused = [r for r in results if isinstance(r, PennywiseError)]
        assert len(claimed) == 1
        assert len(refused) == 1
        assert isinstance(refused[0], ConflictError)
        async with session_maker() as session:
            bob = await session.get(Member, trip.bob)
            assert bob is not None
            assert bob.user_id == claimed[0].user_id
